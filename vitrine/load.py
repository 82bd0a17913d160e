"""Stage 1 — load: content files → ``SourceFile`` records with the line of every key.

Nothing here knows what a laureate is: it reads bytes safely (size, encoding,
symlinks), splits YAML front matter from the Markdown body, and parses YAML
keeping source positions so later stages can point at the offending line.
Files whose size and modification time did not change are taken from the
``cache`` dict the caller passes, so a live preview re-reads only what changed.
"""

from __future__ import annotations

import codecs
import errno
import functools
import hashlib
import io
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import ContentError, did_you_mean, field_name
from .media import DOCUMENT_SUFFIXES, OS_JUNK, content_problem, folder_problem, name_problem, suffix_problem
from .parallel import in_chunks
from .placeholders import scan as scan_placeholders
from .schema import EDITION_YEARS
from .slugs import is_slug, slugify

MAX_FILE_BYTES = 1024 * 1024
PARALLEL_MIN_FILES = 400  # below this many files to read, forking costs more than it saves
CHUNK_FILES = 64
MAX_YAML_DEPTH = 16  # the deepest content (territory.yaml) nests 6 levels; libyaml crashes on thousands
MAX_DATA_BYTES = 20 * 1024 * 1024  # a GeoJSON of outlines (content/media/*.geojson) may be larger
KeyPath = tuple[Any, ...]

# Which files make up the content, and what kind of record each is.
SINGLE_FILES = {"site.yaml": "site", "territory.yaml": "territory", "themes.yaml": "themes"}
FOLDERS = {"editions": "edition", "laureates": "laureate", "pages": "page"}
MEDIA = "media"
# Media that are also data (read as records of this kind, and still published as media).
DATA_MEDIA = {".geojson": "geojson"}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML's problems, in the words an editor can act on, keyed by how the problem starts. Both parsers are
# listed: LibYAML's (the C loader, used when available) and PyYAML's own words differ. The last item says
# whether the problem is best located where the construct opens (an unclosed quote or bracket) rather
# than where the parser gave up (often the end of the file).
_QUOTE_HINT = "mettez la valeur entre guillemets"
_INDENT = ("indentation incohérente", "alignez les champs d'un même groupe sur la même colonne", False)
YAML_PROBLEMS = (
    ("mapping values are not allowed", "deux-points inattendu",
     "mettez la valeur entre guillemets si elle contient « : »", False),
    ("could not find expected ':'", "il manque « : » après le nom d'un champ",
     "écrivez « nom: valeur », une paire par ligne", False),
    ("found unexpected end of stream", "texte non terminé", "un guillemet ouvert n'est-il pas refermé ?", True),
    ("did not find expected ',' or ']'", "crochet « [ » non refermé",
     "refermez la liste par « ] », ou mettez la valeur entre guillemets", True),
    ("did not find expected ',' or '}'", "accolade « { » non refermée",
     "refermez par « } », ou mettez la valeur entre guillemets", True),
    ("expected <block end>", *_INDENT),
    ("did not find expected key", *_INDENT),
    ("did not find expected '-' indicator", *_INDENT),
    ("expected a single document", "plusieurs documents YAML dans un seul fichier",
     "retirez la ligne --- du milieu du fichier", False),
    ("found undefined alias", "« * » en début de valeur a un sens spécial en YAML (alias)", _QUOTE_HINT, False),
    ("did not find expected alphabetic or numeric character",
     "« * » ou « & » en début de valeur a un sens spécial en YAML (ancre ou alias)", _QUOTE_HINT, False),
    ("found unknown escape character", "séquence « \\ » inconnue dans un texte entre guillemets doubles",
     "mettez le texte entre guillemets simples ' ', ou écrivez « \\\\ » pour une barre oblique inverse", False),
    ("did not find expected hexdecimal number", "séquence « \\x », « \\u » ou « \\U » incomplète entre guillemets doubles",
     "mettez le texte entre guillemets simples ' ', ou écrivez « \\\\ » pour une barre oblique inverse", False),
    ("block sequence entries are not allowed", "tiret « - » inattendu",
     "une liste commence à la ligne qui suit le nom du champ ; mettez entre guillemets une valeur qui commence par "
     "« - »", False),
    ("did not find expected node content", "valeur manquante dans une liste ou un groupe",
     "retirez la virgule en trop, ou mettez la valeur entre guillemets", False),
    ("did not find expected comment or line break", "texte inattendu en fin de ligne",
     "mettez toute la valeur entre guillemets", False),
)
# Any other problem (the parser's words are English and vary with its version): a French message, still located.
_UNKNOWN_PROBLEM = ("YAML invalide : syntaxe non reconnue",
                    "chaque champ s'écrit « nom: valeur » ; mettez entre guillemets une valeur qui contient « : » ou « # »")
# The json module's problems (English), in French: an unknown one gets a generic message, never the English words.
JSON_PROBLEMS = (
    ("Expecting ',' delimiter", "virgule attendue"),
    ("Expecting ':' delimiter", "deux-points attendu"),
    ("Expecting property name", "nom de propriété entre guillemets doubles attendu"),
    ("Expecting value", "valeur attendue"),
    ("Unterminated string", "texte non terminé"),
    ("Extra data", "données en trop après la fin"),
    ("Invalid control character", "caractère de contrôle dans un texte"),
    ("Invalid \\escape", "séquence « \\ » invalide dans un texte"),
)
# Why a file could not be read, in French (the system's own words are English here)
READ_CAUSES = {errno.EACCES: "accès refusé", errno.EPERM: "accès refusé", errno.ENOENT: "fichier introuvable",
               errno.EIO: "erreur du disque", errno.EISDIR: "c'est un dossier", errno.ELOOP: "trop de liens symboliques",
               errno.ENAMETOOLONG: "nom trop long"}

# Explicit tags an editor may write (``!!str 2021``); anything else (``!!binary``, ``!!python/…``) is refused.
_ALLOWED_TAGS = {None, "!"} | {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")}
# Characters no editor can see and no page may contain: C0/C1 controls (except tab and line ends), non-characters.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SAVE_AS_UTF8 = "enregistrez-le en UTF-8 (Enregistrer sous… › Encodage : UTF-8)"


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
    placeholders: tuple[ContentError, ...] = ()  # found when read (``placeholders.scan``), drafts' too

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
    refused_media: tuple[str, ...] = ()  # files and folders of content/media/ that may not be published


Signature = tuple[int, int, int, int]


@dataclass
class LoadCache:
    """What a previous load read, keyed by path, reused while the file's size, times and inode are unchanged.

    It holds only values, so a build can keep it in ``.vitrine-cache/`` for the next one.
    """

    entries: dict[str, tuple[Signature, SourceFile | tuple[ContentError, ...]]] = field(default_factory=dict)
    reads: int = 0
    changed: bool = False  # since it was last saved


def load_content(root: Path, cache: LoadCache | None = None, jobs: int | None = 1) -> LoadedContent:
    """Read every content file under ``root/content``; collect problems instead of raising.

    Files unchanged since ``cache`` last saw them are not read again; the others are read by ``jobs``
    processes (``None``: one per core when there are hundreds).
    """
    cache = cache if cache is not None else LoadCache()
    content = root / "content"
    errors: list[ContentError] = []
    sources = _content_paths(root, content, errors)
    known = len(errors)
    media = tuple(_media_files(root, content, errors))
    refused = tuple(error.path for error in errors[known:])
    sources += [(m.path, _rel(root, m.path), DATA_MEDIA[m.path.suffix.lower()])
                for m in media if m.path.suffix.lower() in DATA_MEDIA]
    results = _read_all(root, sources, cache, jobs)
    files = [result for result in results if isinstance(result, SourceFile)]
    errors.extend(error for result in results if not isinstance(result, SourceFile) for error in result)
    for stale in set(cache.entries) - {rel for _path, rel, _kind in sources}:
        del cache.entries[stale]
        cache.changed = True
    return LoadedContent(tuple(sorted(files, key=lambda f: f.path)), media, tuple(errors), refused)


def _read_all(root: Path, sources: list[tuple[Path, str, str]], cache: LoadCache,
              jobs: int | None) -> list[SourceFile | tuple[ContentError, ...]]:
    """Each source's parsed file or problems: from ``cache`` while its signature is the same, else read."""
    signatures = [_signature(path) for path, _rel_path, _kind in sources]
    results: list[SourceFile | tuple[ContentError, ...] | None] = []
    missed = []
    for i, ((_path, rel, _kind), signature) in enumerate(zip(sources, signatures)):
        hit = cache.entries.get(rel)
        results.append(hit[1] if hit and hit[0] == signature else None)
        if results[-1] is None:
            missed.append(i)

    def read(start: int, end: int) -> list[SourceFile | tuple[ContentError, ...]]:
        return [read_source(root, sources[i][0], sources[i][2]) for i in missed[start:end]]

    for start, _end, read_results in in_chunks(read, len(missed), jobs, PARALLEL_MIN_FILES, CHUNK_FILES):
        for i, result in zip(missed[start:], read_results):
            results[i] = result
            cache.entries[sources[i][1]] = (signatures[i], result)
    cache.reads += len(missed)
    cache.changed = cache.changed or bool(missed)
    return results  # type: ignore[return-value] - every None was replaced


def _signature(path: Path) -> Signature:
    try:
        st = os.stat(path)
        return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    except OSError:
        return (-1, -1, -1, -1)


def _content_paths(root: Path, content: Path, errors: list[ContentError]) -> list[tuple[Path, str, str]]:
    """Every content file: its path, its name relative to ``root`` and its kind (thousands: ``scandir``, strings)."""
    if not content.is_dir():
        errors.append(ContentError("content", 1, "dossier", "le dossier content/ est introuvable",
                                   "lancez la commande depuis la racine du dépôt"))
        return []
    paths = []
    known = {*SINGLE_FILES, *FOLDERS, MEDIA}
    for path in sorted(content.iterdir()):
        if not ignored(path.name) and path.name not in known:  # content/laureats/ would never be published
            what = "dossier" if path.is_dir() else "fichier"
            errors.append(ContentError(_rel(root, path), 1, "fichier", f"{what} inconnu « {path.name} » : il ne serait pas publié",
                                       did_you_mean(path.name, known) or f"le contenu se range dans {', '.join(sorted(known))}"))
    for name, kind in SINGLE_FILES.items():
        path = content / name
        if path.exists() or path.is_symlink():
            paths.append((path, _rel(root, path), kind))
        else:
            errors.append(ContentError(_rel(root, path), 1, "fichier", f"fichier obligatoire absent : content/{name}",
                                       "restaurez-le depuis git (git checkout -- content/" + name + ")"))
    for folder, kind in FOLDERS.items():
        directory = content / folder
        if not directory.is_dir():
            continue
        prefix = _rel(root, directory) + "/"
        with os.scandir(directory) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if ignored(entry.name):
                    continue
                path = directory / entry.name
                if not entry.name.endswith(".md") or entry.is_dir():
                    errors.append(ContentError(prefix + entry.name, 1, "fichier", "fichier ignoré : seuls les fichiers .md sont lus ici",
                                               f"renommez-le en {slugify(path.stem) or 'nom'}.md ou déplacez-le dans content/media/"))
                    continue
                paths.append((path, prefix + entry.name, kind))
    return paths


def ignored(name: str) -> bool:
    """Hidden files, editors' temporary files and what an operating system leaves in folders are not content:
    never read, never published."""
    return (name.startswith((".", "~", "#")) or name.endswith(("~", ".swp", ".tmp", ".bak"))
            or name.lower() in OS_JUNK)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class NotRegularFile(OSError):
    """A FIFO, a socket or a device where a file was expected."""


def open_regular(path: Path | str) -> io.BufferedReader:
    """``path`` open for reading, only if it is a regular file.

    Opening a named pipe waits for a writer, and reading a device may never end: the file is stat()ed first, then
    opened without blocking and checked again through its descriptor (it may have been replaced in between)."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFile(f"not a regular file: {path}")
    fd = os.open(path, _OPEN_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"not a regular file: {path}")
    except BaseException:
        os.close(fd)
        raise
    return open(fd, "rb")


NOT_REGULAR = "ce n'est pas un fichier ordinaire (dossier, tube, socket ou périphérique)"


def read_source(root: Path, path: Path, kind: str) -> SourceFile | tuple[ContentError, ...]:
    """Read and parse one content file, or return the problems that stop it."""
    rel = _rel(root, path)
    problem = _unsafe_path(root, path)
    if problem:
        return (ContentError(rel, 1, "fichier", *problem),)
    slug = path.stem
    name_error = check_file_name(rel, kind, slug)
    try:
        limit = MAX_DATA_BYTES if kind in DATA_MEDIA.values() else MAX_FILE_BYTES
        with open_regular(path) as handle:
            st = os.fstat(handle.fileno())
            raw = handle.read(limit + 1)  # never more, even if the file grows meanwhile
        if len(raw) > limit:
            size = max(st.st_size, len(raw))
            hint = ("gardez seulement les quartiers du territoire, et simplifiez les contours" if limit == MAX_DATA_BYTES
                    else "un fichier de contenu ne contient que du texte : placez images et documents dans content/media/")
            return (ContentError(rel, 1, "fichier", f"fichier trop gros ({size / 1e6:.1f} Mo, {limit >> 20} Mo au plus)",
                                 hint),)
    except NotRegularFile:
        return (ContentError(rel, 1, "fichier", f"{NOT_REGULAR} : il n'est jamais lu",
                             "supprimez-le, ou remplacez-le par un fichier texte .md"),)
    except OSError as exc:
        cause = READ_CAUSES.get(exc.errno or 0, f"erreur système {exc.errno}")
        return (ContentError(rel, 1, "fichier", f"lecture impossible ({cause})", "vérifiez les droits du fichier"),)
    text, problem_line, problem = decode(raw)
    if problem:
        return tuple(filter(None, [name_error, ContentError(rel, problem_line, "fichier", *problem)]))
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    if kind in ("site", "territory", "themes"):
        data, lines, errors = parse_yaml(text, rel, 0)
        body, body_line = "", 1
    elif kind == "geojson":
        data, lines, errors = parse_json(text, rel)
        body, body_line = "", 1
    else:
        data, lines, body, body_line, errors = split_front_matter(text, rel)
    if name_error and (errors or kind == "edition"):
        errors.insert(0, name_error)
    if errors:  # a laureate or page with a bad name but good fields goes on: validation reports both
        return tuple(errors)
    found = scan_placeholders(rel, kind, text, data, lines, body, body_line) if kind != "geojson" else ()
    return SourceFile(rel, kind, slug, data, lines, body, body_line, digest, found)


def _unsafe_path(root: Path, path: Path) -> tuple[str, str] | None:
    """Content must live inside ``content/``: a symlink to anywhere else is refused, even inside the repository
    (``../../.git/config`` or ``../../.env`` would publish the repository's secrets)."""
    escape = _link_escape(root, path)
    if escape is None:
        return None
    return {"broken": ("lien symbolique cassé ou fichier introuvable", "remplacez le lien par le fichier lui-même"),
            "repository": ("ce fichier est un lien vers l'extérieur du dépôt, refusé",
                           "copiez le fichier dans le dépôt au lieu d'un lien"),
            "content": ("ce fichier est un lien vers un fichier du dépôt hors de content/, refusé : il pourrait "
                        "publier un fichier privé (configuration, mots de passe)",
                        "copiez le fichier dans content/ au lieu d'un lien")}[escape]


def _link_escape(root: Path, path: Path) -> str | None:
    """Where ``path`` leads out of ``content/``: "broken", "repository" (out of it), "content" (elsewhere in the
    repository), or None when it resolves inside ``content/``."""
    content = root / "content"
    try:  # the common case in two stat() calls: a plain file in a folder known to be inside content/
        folder = os.stat(path.parent)
        if not os.path.islink(path) and _folder_inside(str(root), str(content), str(path.parent), folder.st_dev,
                                                       folder.st_ino):
            return None
    except OSError:
        pass
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken"
    if not real.is_relative_to(root.resolve()):
        return "repository"
    if not real.is_relative_to(content.resolve()) or not content.resolve().is_relative_to(root.resolve()):
        return "content"
    return None


@functools.lru_cache(maxsize=256)
def _folder_inside(root: str, content: str, folder: str, device: int, inode: int) -> bool:
    """``folder`` resolves inside ``content``, itself inside ``root``; keyed by the folder's inode too, so a folder
    replaced by a link is looked at again."""
    real_content = os.path.realpath(content)
    return (Path(os.path.realpath(folder)).is_relative_to(real_content)
            and Path(real_content).is_relative_to(os.path.realpath(root)))


def check_file_name(rel: str, kind: str, slug: str) -> ContentError | None:
    if kind == "edition":
        if not (slug.isdigit() and len(slug) == 4):
            year = re.search(r"(?<!\d)\d{4}(?!\d)", slug)  # « 2021-bis », « edition 2021 »: her own year
            return ContentError(rel, 1, "fichier", f"nom de fichier « {slug}.md » : une édition se nomme par son année",
                                f"renommez-le en {year.group()}.md" if year and int(year.group()) in EDITION_YEARS
                                else "par exemple editions/2021.md")
        if int(slug) not in EDITION_YEARS:
            return ContentError(rel, 1, "fichier", f"nom de fichier « {slug}.md » : l'année {slug} est hors des années "
                                f"possibles ({EDITION_YEARS[0]} à {EDITION_YEARS[-1]})",
                                "renommez le fichier avec l'année de l'édition, par exemple editions/2021.md")
        return None
    if kind in ("laureate", "page") and not is_slug(slug):
        suggestion = slugify(slug) or "nom-du-fichier"
        return ContentError(rel, 1, "fichier", f"nom de fichier « {slug}.md » invalide : minuscules, chiffres et tirets seulement",
                            f"renommez-le en {suggestion}.md")
    return None


def decode(raw: bytes) -> tuple[str, int, tuple[str, str] | None]:
    """UTF-8 (with or without BOM, any line endings) → text with ``\\n`` line endings.

    Anything else is refused with the line of the first bad character: another
    encoding (Windows-1252, Latin-1, UTF-16), binary data, invisible control characters.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(raw[:512]):
        return "", 1, ("le fichier est enregistré en UTF-16 (« Unicode » sous Windows), pas en UTF-8", _SAVE_AS_UTF8)
    if b"\x00" in raw[:8192] or _looks_binary(raw[:8192]):
        return "", 1, ("ce fichier n'est pas du texte (contenu binaire)",
                       "un fichier de contenu s'écrit dans un éditeur de texte ; une image va dans content/media/")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        seen_as = f", « {guess} » en Windows-1252" if guess.isprintable() and guess != "\ufffd" else ""
        return "", _line_of_byte(raw, exc.start), (
            f"caractère non UTF-8 (octet 0x{byte:02X}{seen_as}) : le fichier n'est pas enregistré en UTF-8", _SAVE_AS_UTF8)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    invisible = _INVISIBLE.search(text)
    if invisible:
        return "", text.count("\n", 0, invisible.start()) + 1, (
            f"caractère invisible interdit (U+{ord(invisible.group()):04X})",
            "supprimez-le : il vient souvent d'un copier-coller depuis un traitement de texte ou un PDF")
    return text, 1, None


def _line_of_byte(raw: bytes, index: int) -> int:
    return len(re.split(rb"\r\n|\r|\n", raw[:index]))


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _looks_binary(chunk: bytes) -> bool:
    controls = len(chunk) - len(chunk.translate(None, _CONTROL_BYTES))
    return bool(chunk) and controls / len(chunk) > 0.05


def _looks_utf16(chunk: bytes) -> bool:
    """UTF-16 without a BOM: one byte in two is zero, the others are not (text that is mostly ASCII)."""
    even, odd = chunk[0::2], chunk[1::2]
    return len(chunk) >= 8 and any(a.count(0) > 0.7 * len(a) and b.count(0) < 0.1 * len(b)
                                   for a, b in ((even, odd), (odd, even)))


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
    """Parse YAML keeping the 1-based file line of every key; duplicate keys are errors.

    A first pass over the parser's events refuses what content never needs and
    what could exhaust the machine: aliases (« billion laughs »), anchors, unusual
    tags and deep nesting (libyaml's composer recurses in C and would crash).
    """
    try:
        refused = _refused_construct(text, rel, line_offset)
        if refused:
            return None, {}, [refused]
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return {}, {}, []
            lines: dict[KeyPath, int] = {}
            errors: list[ContentError] = []
            data = _construct(loader, node, (), lines, errors, rel, line_offset)
            return data, _shared_keys(lines), errors
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        return None, {}, [_yaml_error(exc, text, rel, line_offset)]
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1 + line_offset
        return None, {}, [ContentError(rel, line, "yaml", f"YAML invalide : caractère interdit (U+{exc.character:04X})"
                                       if isinstance(exc.character, int) else "YAML invalide : caractère interdit",
                                       "supprimez ce caractère invisible")]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        return None, {}, [ContentError(rel, line_offset + 1, "yaml", "YAML illisible",
                                       "vérifiez la syntaxe « nom: valeur » des champs")]


_KEY_PATHS: dict[KeyPath, KeyPath] = {}
_MAX_KEY_PATHS = 10_000


def _shared_keys(lines: dict[KeyPath, int]) -> dict[KeyPath, int]:
    """The same key paths (``("title",)``…) as one object across files: kept in ``.vitrine-cache/``, thousands of
    files then store and load each one once instead of once per file."""
    if len(_KEY_PATHS) > _MAX_KEY_PATHS:
        return lines
    return {_KEY_PATHS.setdefault(keys, keys): line for keys, line in lines.items()}


def _refused_construct(text: str, rel: str, offset: int) -> ContentError | None:
    deep = _too_deep(text)
    if deep is not None:  # before the parser: it has a limit of its own, and its own words
        return _too_deep_error(rel, deep + offset)
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1 + offset
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
                return ContentError(rel, line, "yaml", f"YAML invalide : « {sign} » en début de valeur a un sens spécial "
                                    "en YAML (ancre ou alias)", _QUOTE_HINT)
            tag = getattr(event, "tag", None)
            if tag not in _ALLOWED_TAGS:
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                return ContentError(rel, line, "yaml", f"YAML invalide : étiquette « {shown} » non prise en charge",
                                    "retirez-la, ou mettez la valeur entre guillemets si elle commence par « ! »")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return _too_deep_error(rel, line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return None
    finally:
        loader.dispose()


def _too_deep_error(rel: str, line: int) -> ContentError:
    return ContentError(rel, line, "yaml", "YAML invalide : listes ou groupes imbriqués trop profondément",
                        "un champ contient au plus quelques niveaux de listes ; vérifiez les « [ » et « { »")


# LibYAML reads ahead while a flow collection may still turn out to be a key (``[[a]]: b``): on a line of
# thousands of « [ » it reaches its own depth limit (PyYAML 6.0.4: 1,000) before yielding the events that the check
# above counts. Files with fewer openers than this cannot get there; the others are scanned first.
_FEW_OPENERS = 256


def _too_deep(text: str) -> int | None:
    """The line (from 1) where flow collections (``[…]``, ``{…}``) nest deeper than ``MAX_YAML_DEPTH``, found
    without the parser: one pass over the characters, only for a file with many brackets.

    It follows just enough of YAML to count brackets that open collections: not those in quoted texts, comments
    or block scalars (``|``, ``>``), nor those inside a plain text in block context (``titre: a [b]``). Should it
    ever count too few, the parser's own limit still refuses the file, with the generic message."""
    if text.count("[") + text.count("{") < _FEW_OPENERS:
        return None
    depth, line, i, size = 0, 0, 0, len(text)
    node_start = True  # in block context: the next character starts a value (after « key: », « - », a line start)
    line_indent = 0
    while i < size:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            start = i
            while i < size and text[i] == " ":
                i += 1
            line_indent = i - start
            node_start = node_start or depth == 0
            continue
        if c in " \t":
            i += 1
            continue
        token_start = i == 0 or text[i - 1] in " \t\n[{,:"
        if c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            i = _end_of_line(text, i)
            continue
        if c in "\"'" and (node_start if depth == 0 else token_start):
            i, line = _after_quoted(text, i, line)
            node_start = False
            continue
        if depth == 0:
            if node_start and c in "[{":
                depth = 1
            elif node_start and c in "-?" and (i + 1 == size or text[i + 1] in " \t\n"):
                pass  # a list item or a complex key: a value may still start on this line
            elif node_start and c in "|>":
                i, line = _after_block_scalar(text, i, line, line_indent)
                node_start = True
                continue
            elif c == ":" and (i + 1 == size or text[i + 1] in " \t\n"):
                node_start = True
            else:
                node_start = False
            i += 1
            continue
        if c in "[{":
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return line + 1
        elif c in "]}":
            depth -= 1
            node_start = False
        i += 1
    return None


def _end_of_line(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _after_quoted(text: str, i: int, line: int) -> tuple[int, int]:
    """Past the quoted text starting at ``i`` (``"…"`` with ``\\`` escapes, ``'…'`` with ``''``), and its last line."""
    quote, j, size = text[i], i + 1, len(text)
    while j < size:
        c = text[j]
        if c == "\\" and quote == '"':
            j += 2
            continue
        if c == quote:
            if quote == "'" and text.startswith("''", j):
                j += 2
                continue
            break
        j += 1
    return j + 1, line + text.count("\n", i, j)


def _after_block_scalar(text: str, i: int, line: int, indent: int) -> tuple[int, int]:
    """Past a block scalar (``|`` or ``>``, its indicator at ``i``): its lines are those indented more than the
    line that opens it (``indent``), and blank lines."""
    i = _end_of_line(text, i)
    size = len(text)
    while i < size:  # at a line end
        start = i + 1
        j = start
        while j < size and text[j] == " ":
            j += 1
        if j < size and text[j] != "\n" and j - start <= indent:
            return i, line  # the next line is not the scalar's: handled by the caller as a new line
        i = _end_of_line(text, j)
        line += 1
    return i, line


def parse_json(text: str, rel: str) -> tuple[Any, dict, list[ContentError]]:
    """Parse a JSON data file (GeoJSON); a syntax error is located to its line."""
    try:
        return json.loads(text), {}, []
    except json.JSONDecodeError as exc:
        problem = next((words for start, words in JSON_PROBLEMS if exc.msg.startswith(start)), "syntaxe non reconnue")
        return None, {}, [ContentError(rel, exc.lineno, "json", f"JSON invalide : {problem}, colonne {exc.colno}",
                                       "exportez le fichier à nouveau au format GeoJSON")]
    except RecursionError:
        return None, {}, [ContentError(rel, 1, "json", "JSON illisible (imbrication trop profonde)")]


def _construct(loader: Any, node: yaml.Node, keys: KeyPath, lines: dict, errors: list, rel: str, offset: int) -> Any:
    lines[keys] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            # A key is the text the editor typed: ``null``, ``1`` or ``<<`` are unknown field names, not values.
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            key_line = key_node.start_mark.line + 1 + offset
            if key in result:
                errors.append(ContentError(rel, key_line, field_name(keys + (key,)),
                                           f"champ en double (déjà défini ligne {lines[keys + (key,)]})",
                                           "gardez une seule ligne pour ce champ"))
                continue
            lines[keys + (key,)] = key_line
            result[key] = _construct(loader, value_node, keys + (key,), lines, errors, rel, offset)
            lines[keys + (key,)] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, keys + (i,), lines, errors, rel, offset) for i, item in enumerate(node.value)]
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError):  # 2022-02-30, an integer of 5,000 digits…
        shown = str(node.value)[:40]
        if re.fullmatch(r"\d{4}-\d\d?-\d\d?", shown):
            errors.append(ContentError(rel, lines[keys], field_name(keys), f"la date « {shown} » n'existe pas",
                                       "vérifiez le jour et le mois : une date s'écrit année-mois-jour (AAAA-MM-JJ)"))
            return None
        errors.append(ContentError(rel, lines[keys], field_name(keys), f"valeur illisible « {shown} »",
                                   "une date s'écrit AAAA-MM-JJ et doit exister ; mettez entre guillemets un texte "
                                   "qui ressemble à une date ou à un nombre"))
        return None
    invisible = _INVISIBLE.search(value) if isinstance(value, str) else None
    if invisible:  # written as an escape ("\x07", "\0") in a quoted value
        errors.append(ContentError(rel, lines[keys], field_name(keys),
                                   f"caractère invisible interdit (U+{ord(invisible.group()):04X})",
                                   "retirez la séquence « \\… » qui le produit dans le texte entre guillemets"))
        return None
    return value


def _yaml_error(exc: yaml.MarkedYAMLError, text: str, rel: str, offset: int) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line + 1 if mark else 1) + offset
    problem = (exc.problem or "").strip()
    if "cannot start any token" in problem or "tab character" in problem:
        return _bad_character(text, mark, rel, line)
    for known, message, hint, at_opening in YAML_PROBLEMS:
        if problem.startswith(known):
            if at_opening and exc.context_mark is not None:
                line = exc.context_mark.line + 1 + offset
            return ContentError(rel, line, "yaml", f"YAML invalide : {message}", hint)
    return ContentError(rel, line, "yaml", *_UNKNOWN_PROBLEM)


def _bad_character(text: str, mark: Any, rel: str, line: int) -> ContentError:
    """A tab, or a value starting with a character YAML reserves (``@``, `````, ``%``)."""
    source_lines = text.split("\n")
    source = source_lines[mark.line] if mark is not None and mark.line < len(source_lines) else ""
    if "\t" in source:
        return ContentError(rel, line, "yaml", "YAML invalide : tabulation dans le YAML",
                            "indentez avec des espaces, jamais avec la touche Tab")
    char = source[mark.column] if mark is not None and mark.column < len(source) else ""
    shown = f"« {char} » " if char.strip() else ""
    return ContentError(rel, line, "yaml", f"YAML invalide : caractère {shown}réservé en début de valeur", _QUOTE_HINT)


def _media_files(root: Path, content: Path, errors: list[ContentError]) -> list[MediaFile]:
    """The files of ``content/media/`` that may be published; every other one is an error (see ``media``)."""
    media_dir = content / MEDIA
    if not media_dir.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(media_dir):
        folder = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not ignored(d))
        for name in list(dirnames):
            path = folder / name
            problem = folder_problem(name)
            if path.is_symlink():  # os.walk would not enter it: say so rather than lose its files silently
                problem = (_FOLDER_LINK[_link_escape(root, path)], "copiez les fichiers dans content/media/ au lieu d'un lien")
            if problem:
                dirnames.remove(name)
                errors.append(ContentError(_rel(root, path), 1, "fichier", *problem))
        for name in sorted(filenames):
            if not ignored(name):
                media = _media_file(root, content, folder / name, errors)
                if media:
                    found.append(media)
    twins = _case_twins(root, found)
    errors.extend(twins)
    refused = {error.path for error in twins}
    return [m for m in found if _rel(root, m.path) not in refused]


_FOLDER_LINK = {"repository": "ce dossier est un lien vers l'extérieur du dépôt, refusé",
                "content": "ce dossier est un lien vers un dossier du dépôt hors de content/, refusé",
                "broken": "ce dossier est un lien symbolique cassé",
                None: "ce dossier est un lien symbolique : son contenu n'est pas publié"}


def _media_file(root: Path, content: Path, path: Path, errors: list[ContentError]) -> MediaFile | None:
    """One file of ``content/media/``, if it may be published as it is; else its problems go to ``errors``."""
    rel = _rel(root, path)
    problem = _unsafe_path(root, path)
    if problem:
        errors.append(ContentError(rel, 1, "fichier", *problem))
        return None
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            errors.append(ContentError(rel, 1, "fichier", f"{NOT_REGULAR} : il ne peut pas être publié",
                                       "supprimez-le de content/media/"))
            return None
        problems = list(filter(None, [suffix_problem(path.name), name_problem(path.name)]))
        if not problems and path.suffix.lower() in DOCUMENT_SUFFIXES:  # photos are decoded (``images``), GeoJSON parsed
            with open_regular(path) as handle:
                problems = list(filter(None, [content_problem(path.name, handle)]))
    except NotRegularFile:
        problems = [(f"{NOT_REGULAR} : il ne peut pas être publié", "supprimez-le de content/media/")]
    except OSError as exc:
        problems = [(f"lecture impossible ({exc.strerror})", "vérifiez les droits du fichier")]
    errors.extend(ContentError(rel, 1, "fichier", *problem) for problem in problems)
    return None if problems else MediaFile(path.relative_to(content).as_posix(), path, st.st_size)


def _case_twins(root: Path, found: list[MediaFile]) -> list[ContentError]:
    """Two files whose names differ only by case are one file for Windows, macOS and some hosts: the site would
    show either."""
    first: dict[str, MediaFile] = {}
    errors = []
    for media in found:
        twin = first.setdefault(media.name.lower(), media)
        if twin is not media:
            errors.append(ContentError(_rel(root, media.path), 1, "fichier",
                                       f"ce nom ne diffère de « {twin.name} » que par les majuscules",
                                       "renommez l'un des deux : Windows, macOS et certains hébergeurs les confondent"))
    return errors


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
