"""What content/media/ and links in content/ may publish (issue 13: severe 1 and 2, serious 6 and 7, a dropped file).

Media are served from the site's own origin, where a page's Content-Security-Policy does not reach: only photos
(re-encoded) and documents that are what their suffix says are published, under URL-safe names; a link is
followed only to a file inside content/; a FIFO, a socket or a device is refused and never opened; OS junk and
dotfiles are never published. Each refusal is one ``path:1: fichier: message — suggestion`` line, in ``build``,
``check`` and the preview, and site/ is left as it was.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, TODAY, build_in_process, make_repo, run_cli, tree_digest, write
from photos import add_image, photo
from vitrine.preview.serve import Preview

LAUREATE = "content/laureates/atelier-code.md"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def package(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = package({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = package({"mimetype": b"application/vnd.oasis.opendocument.text", "META-INF/manifest.xml": b"<manifest/>",
               "content.xml": b"<office:document-content/>"})


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, str]:
    """A fixture repository whose site/ is built, and the digest of that site/."""
    root = make_repo(tmp_path)
    assert build_in_process(root).ok
    return root, tree_digest(root / "site")


def put(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / "content" / "media" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def refused(cli, root: Path, before: str, path: str, words: str) -> str:
    """``build`` and ``check`` both exit 1 with a located line about ``path`` holding ``words``; site/ unchanged."""
    for command in ("build", "check"):
        result = cli(root, command, "--date", TODAY.isoformat())
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "Traceback" not in output and "Erreur interne" not in output, output
        lines = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
        assert any(words in line and " — " in line for line in lines), result.stderr
    assert tree_digest(root / "site") == before
    return result.stderr


# Severe 1: an allowlist of what content/media/ publishes.

@pytest.mark.parametrize("name, data, words", [
    ("page.html", "<script>alert(document.cookie)</script>", "type de fichier « .html » non publié"),
    ("PAGE.HTM", "<script>alert(1)</script>", "type de fichier « .htm » non publié"),
    ("logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "convertissez-la en PNG"),
    ("Logo.SVG", "<svg><script>alert(1)</script></svg>", "image SVG refusée"),
    ("shell.php", "<?php system($_GET['c']); ?>", "type de fichier « .php » non publié"),
    ("app.js", "alert(1)", "type de fichier « .js » non publié"),
    ("notes.txt", "des notes", "type de fichier « .txt » non publié"),
    ("sans-extension", "rien", "fichier sans extension"),
    ("anim.gif", b"GIF89a", "format d'image « .gif » non publié"),
])
def test_a_file_that_is_neither_a_photo_nor_a_document_is_refused(cli, built, name, data, words) -> None:
    root, before = built
    put(root, name, data)
    refused(cli, root, before, f"content/media/{name}", words)


@pytest.mark.parametrize("name, data, words", [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate([
    ("rapport.pdf", "<html><script>alert(1)</script></html>", "ce n'est pas un PDF"),
    ("rapport.PDF", "<html><script>alert(1)</script></html>", "ce n'est pas un PDF"),
    ("bilan.docx", "<html><script>alert(1)</script></html>", "ce n'est pas un vrai document .docx"),
    ("bilan.xlsx", package({"index.html": b"<script>alert(1)</script>"}), "ce n'est pas un vrai document .xlsx"),
    ("bilan.odt", DOCX, "ce n'est pas un vrai document .odt"),  # a ZIP, but not an OpenDocument one
    ("bilan.doc", "<html><script>alert(1)</script></html>", "ce n'est pas un vrai document .doc"),
])])
def test_a_document_whose_bytes_are_not_its_format_is_refused(cli, built, name, data, words) -> None:
    root, before = built
    put(root, name, data)
    refused(cli, root, before, f"content/media/{name}", words)


def test_a_double_extension_is_refused_with_a_rename(cli, built) -> None:
    root, before = built
    put(root, "rapport.html.pdf", PDF)
    stderr = refused(cli, root, before, "content/media/rapport.html.pdf", "nom de fichier « rapport.html.pdf »")
    assert "renommez-le en rapport-html.pdf" in stderr


def test_photos_and_real_documents_are_published(cli, built) -> None:
    root, _ = built
    documents = {"bilan.pdf": PDF, "Bilan_2021.PDF": PDF, "bilan.docx": DOCX, "bilan.odt": ODT, "bilan.xls": OLE,
                 "docs/annexe.pdf": PDF}
    for name, data in documents.items():
        put(root, name, data)
    put(root, "photo.jpg", photo((800, 600)))
    result = cli(root, "build", "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    for name, data in documents.items():
        assert (root / "site/media" / name).read_bytes() == (data.encode() if isinstance(data, str) else data)
    assert (root / "site/media/photo.jpg").is_file()


# Severe 2: links and dotfiles.

def test_a_link_to_a_private_file_of_the_repository_is_refused(cli, built) -> None:
    root, before = built
    write(root / ".git/config", "%PDF- [remote] url = https://ci-token:SECRET@forge.exemple/depot.git")
    write(root / ".env", "%PDF- SECRET=1")
    (root / "content/media/gitconfig.pdf").parent.mkdir(parents=True, exist_ok=True)
    (root / "content/media/gitconfig.pdf").symlink_to("../../.git/config")
    (root / "content/media/env.pdf").symlink_to(root / ".env")
    stderr = refused(cli, root, before, "content/media/gitconfig.pdf", "lien vers un fichier du dépôt hors de content/")
    assert "content/media/env.pdf:1: fichier: ce fichier est un lien vers un fichier du dépôt hors de content/" in stderr
    assert "SECRET" not in stderr


def test_a_link_to_a_folder_of_the_repository_is_refused(cli, built) -> None:
    root, before = built
    write(root / ".git/config", "secret")
    (root / "content/media").mkdir(exist_ok=True)
    (root / "content/media/depot").symlink_to("../..")
    refused(cli, root, before, "content/media/depot", "lien vers un dossier du dépôt hors de content/")


def test_a_content_file_linked_from_outside_content_is_refused(cli, built) -> None:
    """Not only media: a laureate that is a link to a file elsewhere in the repository is refused too."""
    root, before = built
    notes = root / "notes-internes.md"
    notes.write_bytes((root / LAUREATE).read_bytes().replace(b"Atelier code", b"Notes internes"))
    (root / "content/laureates/notes.md").symlink_to("../../notes-internes.md")
    refused(cli, root, before, "content/laureates/notes.md", "lien vers un fichier du dépôt hors de content/")


def test_an_edited_laureate_replaced_by_a_link_out_of_content_is_refused_on_the_fast_path(cli, built) -> None:
    """Only a laureate changed: the patched build (``delta``) reads it, and must refuse the link as a cold one."""
    root, before = built
    assert cli(root, "build", "--date", TODAY.isoformat()).returncode == 0  # the recorded build is this one
    before = tree_digest(root / "site")
    moved = root / "brouillons/atelier-code.md"
    moved.parent.mkdir()
    moved.write_bytes((root / LAUREATE).read_bytes().replace(b"Atelier code", b"Atelier secret"))
    (root / LAUREATE).unlink()
    (root / LAUREATE).symlink_to("../../brouillons/atelier-code.md")
    result = cli(root, "build", "--date", TODAY.isoformat())
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{LAUREATE}:1: fichier: ce fichier est un lien vers un fichier du dépôt hors de content/" in result.stderr
    assert tree_digest(root / "site") == before


def test_a_link_inside_content_is_followed(cli, built) -> None:
    root, _ = built
    put(root, "bilan.pdf", PDF)
    (root / "content/media/bilan-2021.pdf").symlink_to("bilan.pdf")
    result = cli(root, "build", "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert (root / "site/media/bilan-2021.pdf").read_bytes() == PDF


def test_dotfiles_and_system_junk_are_never_published(cli, built) -> None:
    root, _ = built
    fixtures = {p.relative_to(root / "site/media").as_posix() for p in (root / "site/media").rglob("*")}  # the logo…
    put(root, "bilan.pdf", PDF)
    for name in (".env", ".DS_Store", ".gitkeep", "Thumbs.db", "desktop.ini", ".git/config", "docs/.htaccess",
                 "docs/Thumbs.db"):
        put(root, name, "%PDF- SECRET")
    result = cli(root, "build", "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    published = {p.relative_to(root / "site/media").as_posix() for p in (root / "site/media").rglob("*")}
    assert sorted(published - fixtures) == ["bilan.pdf"]


# Serious 6: FIFOs, sockets, devices.

def test_a_named_pipe_as_a_laureate_image_is_refused_in_build_and_check_without_hanging(built) -> None:
    root, before = built
    (root / "content/media").mkdir(exist_ok=True)
    os.mkfifo(root / "content/media/tube.jpg")
    text = (root / LAUREATE).read_text("utf-8")
    (root / LAUREATE).write_text(text.replace("\n---\n", "\nimage: media/tube.jpg\nimage_alt: Une photo\nimage_credit: © Camille\n---\n", 1),
                                 "utf-8")
    for command in ("build", "check"):
        result = run_cli(root, command, "--date", TODAY.isoformat(), timeout=60)
        assert result.returncode == 1, result.stderr
        assert ("content/media/tube.jpg:1: fichier: ce n'est pas un fichier ordinaire (dossier, tube, socket ou périphérique)"
                in result.stderr)
        assert f"{LAUREATE}:" in result.stderr and "fichier refusé « media/tube.jpg »" in result.stderr
    assert tree_digest(root / "site") == before


def test_an_unreferenced_pipe_or_socket_is_a_content_error_in_build_and_check(built, tmp_path: Path) -> None:
    root, before = built
    (root / "content/media/docs").mkdir(parents=True)
    os.mkfifo(root / "content/media/tube.pdf")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(root / "content/media/docs/prise.pdf"))
        for command in ("build", "check"):
            result = run_cli(root, command, "--date", TODAY.isoformat(), timeout=60)
            assert result.returncode == 1, result.stdout + result.stderr
            assert "Erreur interne" not in result.stderr
            for path in ("content/media/tube.pdf", "content/media/docs/prise.pdf"):
                assert f"{path}:1: fichier: ce n'est pas un fichier ordinaire" in result.stderr
    assert tree_digest(root / "site") == before


def test_the_preview_refuses_a_pipe_saved_into_media(built) -> None:
    root, _ = built
    put(root, "bilan.pdf", PDF)
    preview = Preview(root, lambda: TODAY)
    assert preview.rebuild().ok
    os.mkfifo(root / "content/media/tube.pdf")
    report = preview.rebuild([str(root / "content/media/tube.pdf")])
    assert [(e.path, e.field) for e in report.errors] == [("content/media/tube.pdf", "fichier")]
    put(root, "page.html", "<script>alert(1)</script>")
    (root / "content/media/tube.pdf").unlink()
    report = preview.rebuild([str(root / "content/media/tube.pdf"), str(root / "content/media/page.html")])
    assert [(e.path, e.field) for e in report.errors] == [("content/media/page.html", "fichier")]
    assert not (preview.out / "media/page.html").exists()


# Serious 7: names that are addresses as they are.

def test_a_media_name_that_is_not_url_safe_is_refused_with_a_rename_on_the_file_and_the_field(cli, built) -> None:
    root, before = built
    put(root, "ma photo, été #1.jpg", photo((800, 600)))
    text = (root / LAUREATE).read_text("utf-8")
    (root / LAUREATE).write_text(text.replace(
        "\n---\n", '\nimage: "media/ma photo, été #1.jpg"\nimage_alt: Une photo\nimage_credit: © Camille\n---\n', 1), "utf-8")
    stderr = refused(cli, root, before, "content/media/ma photo, été #1.jpg", "renommez-le en ma-photo-ete-1.jpg")
    field = [line for line in stderr.splitlines() if line.startswith(f"{LAUREATE}:") and ": image: " in line]
    assert field and "« media/ma-photo-ete-1.jpg »" in field[0], stderr


def test_a_media_folder_name_that_is_not_url_safe_is_refused(cli, built) -> None:
    root, before = built
    put(root, "Mes Documents/bilan.pdf", PDF)
    stderr = refused(cli, root, before, "content/media/Mes Documents", "nom de dossier « Mes Documents »")
    assert "renommez-le en mes-documents" in stderr


def test_the_outlines_field_is_held_to_the_same_names(cli, built) -> None:
    root, before = built
    territory = root / "content/territory.yaml"
    territory.write_text("outlines: media/contours QPV.geojson\n" + territory.read_text("utf-8"), "utf-8")
    put(root, "contours QPV.geojson", '{"type": "FeatureCollection", "features": []}')
    stderr = refused(cli, root, before, "content/territory.yaml", "« media/contours-qpv.geojson »")
    assert "content/media/contours QPV.geojson:1: fichier:" in stderr


def test_url_safe_names_in_any_case_are_published_and_linked_as_they_are(cli, built) -> None:
    root, _ = built
    add_image(root, "atelier-code", "Photo_2021-B.JPG", photo((900, 600)))
    result = cli(root, "build", "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    page = (root / "site/laureats/atelier-code/index.html").read_text("utf-8")
    assert re.search(r'srcset="[^"]*media/Photo_2021-B-480\.[0-9a-f]{8}\.webp 480w', page)


def test_two_media_names_that_differ_only_by_case_are_refused(cli, built) -> None:
    root, before = built
    put(root, "bilan.pdf", PDF)
    put(root, "Bilan.pdf", PDF)
    refused(cli, root, before, "content/media/bilan.pdf", "que par les majuscules")


# Smaller: a media file named like a generated size was dropped silently.

def test_a_media_file_named_like_a_generated_size_is_an_error_not_dropped(cli, built) -> None:
    root, _ = built
    add_image(root, "atelier-code", "photo.jpg", photo((1300, 650)))
    assert cli(root, "build", "--date", TODAY.isoformat()).returncode == 0
    before = tree_digest(root / "site")
    [size] = [p.name for p in (root / "site/media").iterdir() if re.fullmatch(r"photo-480\.[0-9a-f]{8}\.webp", p.name)]
    put(root, size, photo((500, 250), fmt="WEBP"))
    stderr = refused(cli, root, before, f"content/media/{size}", f"nom de fichier « {size} » réservé")
    assert f"renommez-le en {size.replace('.', '-', 1)}" in stderr


# A neighbour: static/ (the design's files) is copied too, and followed links the same way.

def test_a_link_in_static_to_a_private_file_is_refused(cli, built) -> None:
    root, before = built
    shutil.copytree(REPO / "static", root / "static")
    write(root / ".env", "SECRET=1")
    (root / "static/env.css").symlink_to("../.env")
    os.mkfifo(root / "static/tube.js")
    stderr = refused(cli, root, before, "static/env.css", "lien vers l'extérieur de static/")
    assert "static/tube.js:1: fichier: ce n'est pas un fichier ordinaire" in stderr


def test_a_file_name_with_a_line_break_or_a_terminal_escape_is_shown_not_obeyed(cli, built) -> None:
    root, before = built
    put(root, "rapport\x1b[2J\nfin.pdf", PDF)
    stderr = refused(cli, root, before, "content/media/rapport\\x1b[2J\\x0afin.pdf", "renommez-le en rapport-2j-fin.pdf")
    assert "\x1b" not in stderr
