"""Stage 1 — load: content files → ``SourceFile`` records with the line of every key.

Nothing here knows what a laureate is: it reads bytes safely (size, encoding,
symlinks), splits YAML front matter from the Markdown body, and parses YAML
keeping source positions so later stages can point at the offending line.
Files whose size and modification time did not change are taken from the
``cache`` dict the caller passes, so a live preview re-reads only what changed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Mapping


from vitrine.content.bodies import BodyScan, scan as scan_body
from vitrine.errors import ContentError, did_you_mean
from vitrine.files import Signature, signature
from vitrine.options import Spread, in_order
from vitrine.content.text import decode
from vitrine.content.yaml_lines import KeyPath, parse_json, parse_yaml, split_front_matter
from vitrine.content.media_files import MEDIA, NOT_REGULAR, MediaFile, ignored, media_files, rel as _rel, unsafe_path
from vitrine.content.placeholders import scan as scan_placeholders
from vitrine.content.schema import EDITION_YEARS, LAUREATE
from vitrine.content.slugs import is_slug, slugify
from vitrine.files import NotRegularFile, open_regular

MAX_FILE_BYTES = 1024 * 1024
PARALLEL_MIN_FILES = 400  # below this many files to read, forking costs more than it saves
CHUNK_FILES = 64
MAX_DATA_BYTES = 20 * 1024 * 1024  # a GeoJSON of outlines (content/media/*.geojson) may be larger

# Which files make up the content, and what kind of record each is.
SINGLE_FILES = {"site.yaml": "site", "territory.yaml": "territory", "themes.yaml": "themes"}
FOLDERS = {"editions": "edition", "laureates": "laureate", "pages": "page"}
# Media that are also data (read as records of this kind, and still published as media).
DATA_MEDIA = {".geojson": "geojson"}


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
    # The body's checks (``bodies.scan``), made when read: in the reading workers, not in validation's one process
    body_scan: BodyScan | None = None
    # A laureate's fields checked (``fields.checked_fields``: its values, and its errors), made when read likewise
    fields: tuple[dict[str, Any] | None, tuple[ContentError, ...]] | None = field(default=None, compare=False, repr=False)

    def line(self, *keys: Any) -> int:
        """The line of the deepest known key along ``keys`` (1 when nothing is known)."""
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return 1


@dataclass(frozen=True)
class LoadedContent:
    files: tuple[SourceFile, ...]
    media: tuple[MediaFile, ...]
    errors: tuple[ContentError, ...]
    reads: int = 0  # files read (the others were as the cache last saw them)
    refused_media: tuple[str, ...] = ()  # files and folders of content/media/ that may not be published


@dataclass
class LoadCache:
    """What a previous load read, keyed by path, reused while the file's size, times and inode are unchanged (the
    preview keeps one between saves)."""

    entries: dict[str, tuple[Signature, SourceFile | tuple[ContentError, ...]]] = field(default_factory=dict)
    reads: int = 0
    changed: bool = False  # since it was last saved


def load_content(root: Path, cache: LoadCache | None = None, spread: Spread = in_order) -> LoadedContent:
    """Read every content file under ``root/content``; collect problems instead of raising.

    Files unchanged since ``cache`` last saw them are not read again; the others are read in chunks, by ``spread``
    (in this process by default; the pipeline may spread them over forked workers).
    """
    cache = cache if cache is not None else LoadCache()
    content = root / "content"
    errors: list[ContentError] = []
    sources = _content_paths(root, content, errors)
    known = len(errors)
    media = tuple(media_files(root, content, errors))
    refused = tuple(error.path for error in errors[known:])
    sources += [(m.path, _rel(root, m.path), DATA_MEDIA[m.path.suffix.lower()])
                for m in media if m.path.suffix.lower() in DATA_MEDIA]
    reads = cache.reads
    results = _read_all(root, sources, cache, spread)
    files = [result for result in results if isinstance(result, SourceFile)]
    errors.extend(error for result in results if not isinstance(result, SourceFile) for error in result)
    for stale in set(cache.entries) - {rel for _path, rel, _kind in sources}:
        del cache.entries[stale]
        cache.changed = True
    return LoadedContent(tuple(sorted(files, key=lambda f: f.path)), media, tuple(errors), cache.reads - reads,
                         refused)


def _read_all(root: Path, sources: list[tuple[Path, str, str]], cache: LoadCache,
              spread: Spread) -> list[SourceFile | tuple[ContentError, ...]]:
    """Each source's parsed file or problems: from ``cache`` while its signature is the same, else read."""
    signatures = [signature(path) for path, _rel_path, _kind in sources]
    results: list[SourceFile | tuple[ContentError, ...] | None] = []
    missed = []
    for i, ((_path, rel, _kind), now) in enumerate(zip(sources, signatures)):
        hit = cache.entries.get(rel)
        results.append(hit[1] if hit and hit[0] == now else None)
        if results[-1] is None:
            missed.append(i)

    def read(start: int, end: int) -> list[SourceFile | tuple[ContentError, ...]]:
        return [read_source(root, sources[i][0], sources[i][2], sources[i][1]) for i in missed[start:end]]

    for start, _end, read_results in spread(read, len(missed), PARALLEL_MIN_FILES, CHUNK_FILES):
        for i, result in zip(missed[start:], read_results):
            results[i] = result
            cache.entries[sources[i][1]] = (signatures[i], result)
    cache.reads += len(missed)
    cache.changed = cache.changed or bool(missed)
    return results  # type: ignore[return-value] - every None was replaced


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
                if entry.is_dir():  # a folder, or a link to one: renaming it .md would not make it a file
                    what = "lien vers un dossier" if entry.is_symlink() else "dossier"
                    errors.append(ContentError(prefix + entry.name, 1, "dossier", f"{what} ignoré : seuls les fichiers "
                                               f".md sont lus ici, pas les sous-dossiers", "placez ses fiches .md "
                                               f"directement dans content/{folder}/, ses photos et documents dans "
                                               "content/media/" + (", puis retirez le lien" if entry.is_symlink() else "")))
                    continue
                if not entry.name.endswith(".md"):
                    errors.append(ContentError(prefix + entry.name, 1, "fichier", "fichier ignoré : seuls les fichiers .md sont lus ici",
                                               f"renommez-le en {slugify(path.stem) or 'nom'}.md ou déplacez-le dans content/media/"))
                    continue
                paths.append((path, prefix + entry.name, kind))
    return paths


# What a file of each kind is, for a hint to put one in place of a pipe or a device (a page or laureate: .md)
_TEXT_FILE = {"site": "un fichier texte YAML (.yaml)", "territory": "un fichier texte YAML (.yaml)",
              "themes": "un fichier texte YAML (.yaml)", "geojson": "un fichier GeoJSON (.geojson)"}

# Why a file could not be read, in French (the system's own words are English here)
READ_CAUSES = {errno.EACCES: "accès refusé", errno.EPERM: "accès refusé", errno.ENOENT: "fichier introuvable",
               errno.EIO: "erreur du disque", errno.EISDIR: "c'est un dossier", errno.ELOOP: "trop de liens symboliques",
               errno.ENAMETOOLONG: "nom trop long"}


def read_source(root: Path, path: Path, kind: str, rel: str | None = None) -> SourceFile | tuple[ContentError, ...]:
    """Read and parse one content file, or return the problems that stop it; ``rel``: its name relative to ``root``
    (``media_files.rel``), when the caller knows it."""
    rel = _rel(root, path) if rel is None else rel
    problem = unsafe_path(root, path)
    if problem:
        return (ContentError(rel, 1, "fichier", *problem),)
    try:
        with open_regular(path) as handle:
            st = os.fstat(handle.fileno())
            raw = handle.read(_limit(kind) + 1)  # never more, even if the file grows meanwhile
    except NotRegularFile:
        return (ContentError(rel, 1, "fichier", f"{NOT_REGULAR} : il n'est jamais lu",
                             f"supprimez-le, ou remplacez-le par {_TEXT_FILE.get(kind, 'un fichier texte .md')}"),)
    except OSError as exc:
        cause = READ_CAUSES.get(exc.errno or 0, f"erreur système {exc.errno}")
        return (ContentError(rel, 1, "fichier", f"lecture impossible ({cause})", "vérifiez les droits du fichier"),)
    return parse_source(rel, kind, raw, st.st_size)


def _limit(kind: str) -> int:
    return MAX_DATA_BYTES if kind in DATA_MEDIA.values() else MAX_FILE_BYTES


def parse_source(rel: str, kind: str, raw: bytes, size: int = 0) -> SourceFile | tuple[ContentError, ...]:
    """Parse the bytes of the content file ``rel`` (as read, or as the web editor would write them), or return
    the problems that stop it; ``size``: the file's size on disk, when it was read from there."""
    slug = _stem(rel)
    name_error = check_file_name(rel, kind, slug)
    limit = _limit(kind)
    if len(raw) > limit:
        hint = ("gardez seulement les quartiers du territoire, et simplifiez les contours" if limit == MAX_DATA_BYTES
                else "un fichier de contenu ne contient que du texte : placez images et documents dans content/media/")
        return (ContentError(rel, 1, "fichier", f"fichier trop gros ({max(size, len(raw)) / 1e6:.1f} Mo, "
                                                f"{limit >> 20} Mo au plus)", hint),)
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
    checked = scan_body(body) if kind in FOLDERS.values() else None
    fields = _laureate_fields(SourceFile(rel, kind, slug, data, lines)) if kind == "laureate" else None
    return SourceFile(rel, kind, slug, data, lines, body, body_line, digest, found, checked, fields)


def _stem(rel: str) -> str:
    """``PurePosixPath(rel).stem``, without making a path of ``rel`` (thousands of files) when its last part is a name."""
    name = rel.rpartition("/")[2]
    if name in ("", "."):  # a path's parts would drop it
        return PurePosixPath(rel).stem
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _laureate_fields(source: SourceFile) -> tuple[dict[str, Any] | None, tuple[ContentError, ...]]:
    from vitrine.content.fields import checked_fields  # noqa: PLC0415 - fields.py knows SourceFile from here

    return checked_fields(source, LAUREATE)


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
