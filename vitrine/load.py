"""Stage 1 — load: content files → ``SourceFile`` records with the line of every key.

Nothing here knows what a laureate is: it reads bytes safely (size, encoding,
symlinks), splits YAML front matter from the Markdown body, and parses YAML
keeping source positions so later stages can point at the offending line.
Files whose size and modification time did not change are taken from the
``cache`` dict the caller passes, so a live preview re-reads only what changed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import ContentError
from .slugs import is_slug, slugify

MAX_FILE_BYTES = 1024 * 1024
KeyPath = tuple[Any, ...]

# Which files make up the content, and what kind of record each is.
SINGLE_FILES = {"site.yaml": "site", "territory.yaml": "territory", "themes.yaml": "themes"}
FOLDERS = {"editions": "edition", "laureates": "laureate", "pages": "page"}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# PyYAML's problems, in the words an editor can act on, keyed by how the problem starts. Both parsers are
# listed: LibYAML's (the C loader, used when available) and PyYAML's own words differ.
_TAB = ("tabulation dans le YAML", "indentez avec des espaces, jamais avec la touche Tab")
_INDENT = ("indentation incohérente", "alignez les champs d'un même groupe sur la même colonne")
YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": _TAB,
    "found a tab character": _TAB,
    "mapping values are not allowed": (
        "deux-points inattendu", "mettez la valeur entre guillemets si elle contient « : »"),
    "could not find expected ':'": (
        "il manque « : » après le nom d'un champ", "écrivez « nom: valeur », une paire par ligne"),
    "found unexpected end of stream": (
        "texte non terminé", "un guillemet ouvert n'est-il pas refermé ?"),
    "found undefined alias": (
        "alias YAML inconnu", "n'utilisez pas « * » en début de valeur, ou mettez la valeur entre guillemets"),
    "expected <block end>": _INDENT,
    "did not find expected key": _INDENT,
    "did not find expected '-' indicator": _INDENT,
}


@dataclass(frozen=True)
class SourceFile:
    """One content file, parsed but not yet validated."""

    path: str  # relative to the project root, with forward slashes
    kind: str  # site, territory, themes, edition, laureate, page
    slug: str
    data: Any
    lines: Mapping[KeyPath, int]
    body: str = ""
    body_line: int = 1
    digest: str = ""

    def line(self, *keys: Any) -> int:
        """The line of the deepest known key along ``keys`` (1 when nothing is known)."""
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return 1


@dataclass(frozen=True)
class MediaFile:
    """A file under content/media/, referenced as ``media/<name>``."""

    name: str  # relative to content/, e.g. "media/expo.jpg"
    path: Path
    size: int


@dataclass(frozen=True)
class LoadedContent:
    files: tuple[SourceFile, ...]
    media: tuple[MediaFile, ...]
    errors: tuple[ContentError, ...]


@dataclass
class LoadCache:
    """What a previous load read, keyed by path, reused while (size, mtime) are unchanged."""

    entries: dict[str, tuple[tuple[int, int], SourceFile | tuple[ContentError, ...]]] = field(default_factory=dict)
    reads: int = 0


def load_content(root: Path, cache: LoadCache | None = None) -> LoadedContent:
    """Read every content file under ``root/content``; collect problems instead of raising."""
    cache = cache if cache is not None else LoadCache()
    content = root / "content"
    files: list[SourceFile] = []
    errors: list[ContentError] = []
    seen: set[str] = set()
    for path, kind in _content_paths(root, content, errors):
        rel = _rel(root, path)
        seen.add(rel)
        result = _cached_read(root, path, kind, cache)
        if isinstance(result, SourceFile):
            files.append(result)
        else:
            errors.extend(result)
    for stale in set(cache.entries) - seen:
        del cache.entries[stale]
    media = tuple(_media_files(root, content, errors))
    return LoadedContent(tuple(sorted(files, key=lambda f: f.path)), media, tuple(errors))


def _content_paths(root: Path, content: Path, errors: list[ContentError]) -> list[tuple[Path, str]]:
    if not content.is_dir():
        errors.append(ContentError("content", 1, "dossier", "le dossier content/ est introuvable",
                                   "lancez la commande depuis la racine du dépôt"))
        return []
    paths = []
    for name, kind in SINGLE_FILES.items():
        path = content / name
        if path.exists() or path.is_symlink():
            paths.append((path, kind))
        else:
            errors.append(ContentError(_rel(root, path), 1, "fichier", f"fichier obligatoire absent : content/{name}",
                                       "restaurez-le depuis git (git checkout -- content/" + name + ")"))
    for folder, kind in FOLDERS.items():
        directory = content / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if _ignored(path.name):
                continue
            if path.suffix != ".md" or path.is_dir():
                errors.append(ContentError(_rel(root, path), 1, "fichier", "fichier ignoré : seuls les fichiers .md sont lus ici",
                                           f"renommez-le en {slugify(path.stem) or 'nom'}.md ou déplacez-le dans content/media/"))
                continue
            paths.append((path, kind))
    return paths


def _ignored(name: str) -> bool:
    """Hidden files and editors' temporary files are not content."""
    return name.startswith((".", "~", "#")) or name.endswith(("~", ".swp", ".tmp", ".bak"))


def _cached_read(root: Path, path: Path, kind: str, cache: LoadCache) -> SourceFile | tuple[ContentError, ...]:
    rel = _rel(root, path)
    try:
        st = path.stat()
        signature = (st.st_size, st.st_mtime_ns)
    except OSError:
        signature = (-1, -1)
    hit = cache.entries.get(rel)
    if hit and hit[0] == signature:
        return hit[1]
    cache.reads += 1
    result = read_source(root, path, kind)
    cache.entries[rel] = (signature, result)
    return result


def read_source(root: Path, path: Path, kind: str) -> SourceFile | tuple[ContentError, ...]:
    """Read and parse one content file, or return the problems that stop it."""
    rel = _rel(root, path)
    problem = _unsafe_path(root, path)
    if problem:
        return (ContentError(rel, 1, "fichier", *problem),)
    slug = path.stem
    name_error = check_file_name(rel, kind, slug)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return (ContentError(rel, 1, "fichier", f"fichier trop gros ({size / 1e6:.1f} Mo, 1 Mo au plus)",
                                 "un fichier de contenu ne contient que du texte : placez images et documents dans content/media/"),)
        raw = path.read_bytes()
    except OSError as exc:
        return (ContentError(rel, 1, "fichier", f"lecture impossible ({exc.strerror})"),)
    text, problem_line, problem = decode(raw)
    if problem:
        return tuple(filter(None, [name_error, ContentError(rel, problem_line, "fichier", *problem)]))
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    if kind in ("site", "territory", "themes"):
        data, lines, errors = parse_yaml(text, rel, 0)
        body, body_line = "", 1
    else:
        data, lines, body, body_line, errors = split_front_matter(text, rel)
    if name_error and (errors or kind == "edition"):
        errors.insert(0, name_error)
    if errors:  # a laureate or page with a bad name but good fields goes on: validation reports both
        return tuple(errors)
    return SourceFile(rel, kind, slug, data, lines, body, body_line, digest)


def _unsafe_path(root: Path, path: Path) -> tuple[str, str] | None:
    """Content must live inside the repository: a symlink out of it is refused."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return ("lien symbolique cassé ou fichier introuvable", "remplacez le lien par le fichier lui-même")
    if not real.is_relative_to(root.resolve()):
        return ("ce fichier est un lien vers l'extérieur du dépôt, refusé", "copiez le fichier dans le dépôt au lieu d'un lien")
    return None


def check_file_name(rel: str, kind: str, slug: str) -> ContentError | None:
    if kind == "edition":
        if not (slug.isdigit() and len(slug) == 4):
            return ContentError(rel, 1, "fichier", f"nom de fichier « {slug}.md » : une édition se nomme par son année",
                                "par exemple editions/2021.md")
        return None
    if kind in ("laureate", "page") and not is_slug(slug):
        suggestion = slugify(slug) or "nom-du-fichier"
        return ContentError(rel, 1, "fichier", f"nom de fichier « {slug}.md » invalide : minuscules, chiffres et tirets seulement",
                            f"renommez-le en {suggestion}.md")
    return None


def decode(raw: bytes) -> tuple[str, int, tuple[str, str] | None]:
    """UTF-8 (with or without BOM, any line endings) → text with ``\\n`` line endings."""
    if b"\x00" in raw[:8192] or _looks_binary(raw[:8192]):
        return "", 1, ("ce fichier n'est pas du texte (contenu binaire)",
                       "un fichier de contenu s'écrit dans un éditeur de texte ; une image va dans content/media/")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return "", line, (f"caractère non UTF-8 (octet 0x{raw[exc.start]:02X}) : le fichier n'est pas enregistré en UTF-8",
                          "enregistrez-le en UTF-8 (Enregistrer sous… › Encodage : UTF-8)")
    return text.replace("\r\n", "\n").replace("\r", "\n"), 1, None


def _looks_binary(chunk: bytes) -> bool:
    controls = sum(1 for b in chunk if b < 32 and b not in (9, 10, 12, 13))
    return bool(chunk) and controls / len(chunk) > 0.05


def split_front_matter(text: str, rel: str) -> tuple[Any, dict, str, int, list[ContentError]]:
    """Split ``---`` YAML front matter from the Markdown body."""
    if not text.strip():
        return None, {}, "", 1, [ContentError(rel, 1, "fichier", "fichier vide",
                                             "un fichier de contenu commence par ses champs entre deux lignes ---")]
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, {}, "", 1, [ContentError(rel, 1, "fichier", "pas de champs en tête du fichier",
                                             "la première ligne doit être --- (avez-vous oublié les --- ?)")]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        return None, {}, "", 1, [ContentError(rel, 1, "fichier", "les champs en tête du fichier ne sont pas refermés",
                                             "ajoutez une ligne --- après le dernier champ")]
    data, key_lines, errors = parse_yaml("\n".join(lines[1:index]), rel, 1)
    body = "\n".join(lines[index + 1:])
    return data, key_lines, body, index + 2, errors


def parse_yaml(text: str, rel: str, line_offset: int) -> tuple[Any, dict, list[ContentError]]:
    """Parse YAML keeping the 1-based file line of every key; duplicate keys are errors."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        lines: dict[KeyPath, int] = {}
        errors: list[ContentError] = []
        data = _construct(loader, node, (), lines, errors, rel, line_offset)
        return data, lines, errors
    except yaml.MarkedYAMLError as exc:
        return None, {}, [_yaml_error(exc, rel, line_offset)]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        return None, {}, [ContentError(rel, line_offset + 1, "yaml", f"YAML illisible ({type(exc).__name__})",
                                       "vérifiez la syntaxe « nom: valeur » des champs")]
    finally:
        loader.dispose()


def _construct(loader: Any, node: yaml.Node, keys: KeyPath, lines: dict, errors: list, rel: str, offset: int) -> Any:
    lines[keys] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key_node.tag == "tag:yaml.org,2002:merge":
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            key = str(key) if not isinstance(key, str) else key
            key_line = key_node.start_mark.line + 1 + offset
            if key in result:
                errors.append(ContentError(rel, key_line, str(key), f"champ en double (déjà défini ligne {lines[keys + (key,)]})",
                                           "gardez une seule ligne pour ce champ"))
                continue
            lines[keys + (key,)] = key_line
            result[key] = _construct(loader, value_node, keys + (key,), lines, errors, rel, offset)
            lines[keys + (key,)] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, keys + (i,), lines, errors, rel, offset) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _yaml_error(exc: yaml.MarkedYAMLError, rel: str, offset: int) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    if "quoted scalar" in (exc.context or "") and exc.context_mark:
        mark = exc.context_mark  # an unclosed quote: where it opens, not the end of the file
    line = (mark.line + 1 if mark else 1) + offset
    problem = (exc.problem or "").strip()
    for known, (message, hint) in YAML_PROBLEMS.items():
        if problem.startswith(known):
            return ContentError(rel, line, "yaml", f"YAML invalide : {message}", hint)
    return ContentError(rel, line, "yaml", f"YAML invalide ({problem})",
                        "chaque champ s'écrit « nom: valeur » ; mettez entre guillemets une valeur qui contient « : » ou « # »")


def _media_files(root: Path, content: Path, errors: list[ContentError]) -> list[MediaFile]:
    media_dir = content / "media"
    if not media_dir.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(media_dir):
        dirnames[:] = sorted(d for d in dirnames if not _ignored(d))
        for name in sorted(filenames):
            if _ignored(name):
                continue
            path = Path(dirpath) / name
            problem = _unsafe_path(root, path)
            if problem:
                errors.append(ContentError(_rel(root, path), 1, "fichier", *problem))
                continue
            found.append(MediaFile(path.relative_to(content).as_posix(), path, path.stat().st_size))
    return found


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
