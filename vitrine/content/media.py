"""What ``content/media/`` may publish: photos and documents, under names that are addresses as they are.

A media file is published from the site's own origin, where a page's
Content-Security-Policy (a ``<meta>`` tag) does not reach it: an HTML or SVG
file there would run its scripts as the site. So media are published from an
allowlist, by suffix (any case), and documents must also look like what their
suffix says (an ``.html`` renamed ``.pdf`` is refused): photos are re-encoded by
``imaging`` (a file Pillow cannot decode is refused there), PDF must start with
``%PDF-``, office files are ZIP or OLE containers of the right kind. Everything
else is a content error, with what to do instead: CSV too (a spreadsheet opening
it from the site would run its formulas, ``=HYPERLINK(…)``).

Names are addresses: ASCII letters, digits, ``-`` and ``_``, and one dot before
the suffix (``rapport.html.pdf`` is a double extension some servers run, and two
dots are how Vitrine names the sizes it makes of a photo: ``photo-480.1a2b3c4d.webp``).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath
from typing import BinaryIO

from vitrine.content.schema import IMAGE_SUFFIXES
from vitrine.content.slugs import slugify

OPENDOCUMENT = (".odt", ".ods", ".odp")
OFFICE_OPEN_XML = (".docx", ".xlsx", ".pptx")
OFFICE_LEGACY = (".doc", ".xls", ".ppt")
DOCUMENT_SUFFIXES = (".pdf",) + OPENDOCUMENT + OFFICE_OPEN_XML + OFFICE_LEGACY
# The media type of each document (a download link's ``type``, the structured data's ``encodingFormat``).
DOCUMENT_TYPES = {
    ".pdf": "application/pdf", ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet", ".odp": "application/vnd.oasis.opendocument.presentation",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
}
DATA_SUFFIXES = (".geojson",)  # the quartiers' outlines (``load.DATA_MEDIA``): parsed as JSON, so never markup
ALLOWED_SUFFIXES = frozenset(IMAGE_SUFFIXES + DOCUMENT_SUFFIXES + DATA_SUFFIXES)

# Files an operating system or a sync tool drops in any folder: never content, never published, never reported.
OS_JUNK = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"})

_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z0-9]+")
_FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_GENERATED_SIZE = re.compile(r".+-[0-9]+\.[0-9a-f]{8}\.(?:webp|jpg|png)")  # ``images.image_set``
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_BYTES = 4096

NAME_RULE = "seulement des lettres sans accents, des chiffres, « - » et « _ », puis un point et l'extension"
FOLDER_RULE = "seulement des lettres sans accents, des chiffres, « - » et « _ »"
ACCEPTED = ("enregistrez-le dans un format publié : photo en JPEG, PNG ou WebP ; document en PDF, OpenDocument "
            "(.odt, .ods, .odp), Microsoft Office (.docx, .xlsx, .pptx, .doc, .xls, .ppt)")
Problem = tuple[str, str]  # (message, hint)


def safe_name(name: str) -> str:
    """A URL-safe name close to ``name``: « ma photo, été #1.JPG » → ``ma-photo-ete-1.jpg``."""
    path = PurePosixPath(name)
    suffix = path.suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]+", path.suffix) else ""
    stem = slugify(path.name[:-len(suffix)] if suffix else path.name) or "fichier"
    return stem + suffix


def name_problem(name: str) -> Problem | None:
    """Whether a file of ``content/media/`` named ``name`` can be published at that very address."""
    if _FILE_NAME.fullmatch(name):
        return None
    if _GENERATED_SIZE.fullmatch(name):
        return (f"nom de fichier « {name} » réservé : c'est le nom d'une taille que Vitrine fabrique d'une photo",
                f"renommez-le en {safe_name(name)}, ou retirez-le s'il vient d'un site déjà publié")
    return (f"nom de fichier « {name} » impossible à publier tel quel : {NAME_RULE}",
            f"renommez-le en {safe_name(name)} (et changez les fiches qui le citent)")


def folder_problem(name: str) -> Problem | None:
    """Whether a folder of ``content/media/`` named ``name`` can be part of its files' addresses."""
    if _FOLDER_NAME.fullmatch(name):
        return None
    return (f"nom de dossier « {name} » impossible à publier tel quel : {FOLDER_RULE}",
            f"renommez-le en {slugify(name) or 'dossier'} (et changez les fiches qui citent ses fichiers)")


def reference_problem(value: str) -> Problem | None:
    """Whether a field's ``media/…`` path names a file that can be published at that address."""
    parts = value.split("/")
    bad = [part for part in parts[:-1] if not _FOLDER_NAME.fullmatch(part)]
    if not bad and _FILE_NAME.fullmatch(parts[-1]):
        return None
    fixed = "/".join([slugify(part) or "dossier" for part in parts[:-1]] + [safe_name(parts[-1])])
    return (f"nom de fichier « {value} » impossible à publier tel quel : {NAME_RULE}",
            f"renommez le fichier dans content/ et écrivez « {fixed} »")


def suffix_problem(name: str) -> Problem | None:
    """Whether a file of this name may be published at all (by its suffix, in any case)."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in ALLOWED_SUFFIXES:
        return None
    if suffix in (".svg", ".svgz"):
        return ("image SVG refusée : elle peut contenir du code que le navigateur exécuterait",
                "convertissez-la en PNG (par exemple dans Inkscape : Fichier › Exporter en PNG) et citez le .png")
    if suffix in (".csv", ".tsv"):
        # Published as it is, a table's cells starting with « = » are formulas a visitor's spreadsheet runs
        return ("tableau CSV non publié : ouvert depuis le site, ses formules (=HYPERLINK…) s'exécuteraient chez "
                "le visiteur", "publiez le tableau en .ods ou .xlsx (ou en PDF), et citez ce fichier")
    if suffix in (".gif", ".heic", ".heif", ".tif", ".tiff", ".bmp", ".avif"):
        return (f"format d'image « {suffix} » non publié", "enregistrez l'image en JPEG, PNG ou WebP")
    shown = f"type de fichier « {suffix} »" if suffix else "fichier sans extension"
    return (f"{shown} non publié : content/media/ ne reçoit que des photos et des documents", ACCEPTED)


def content_problem(name: str, file: BinaryIO) -> Problem | None:
    """Whether a document's bytes are what its suffix says (photos are checked by decoding them)."""
    suffix = PurePosixPath(name).suffix.lower()
    head = file.read(SNIFF_BYTES)
    if suffix == ".pdf":
        return None if head.startswith(b"%PDF-") else _not_a(suffix, "ce n'est pas un PDF (il ne commence pas par « %PDF- »)")
    if suffix in OFFICE_LEGACY:
        return None if head.startswith(_OLE) else _not_a(suffix, f"ce n'est pas un vrai document {suffix}")
    if suffix in OPENDOCUMENT + OFFICE_OPEN_XML:
        return None if _is_office_zip(suffix, head, file) else _not_a(suffix, f"ce n'est pas un vrai document {suffix}")
    return None


def _not_a(suffix: str, message: str) -> Problem:
    return (f"{message} : son contenu ne correspond pas à son extension",
            f"ouvrez-le dans le logiciel qui l'a créé et enregistrez-le de nouveau au format {suffix}")


def _is_office_zip(suffix: str, head: bytes, file: BinaryIO) -> bool:
    """An OpenDocument or Office Open XML package: a ZIP whose directory names the part its format requires."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as package:  # reads the central directory only, never a member's data
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return ("mimetype" in names and "META-INF/manifest.xml" in names if suffix in OPENDOCUMENT
            else "[Content_Types].xml" in names)
