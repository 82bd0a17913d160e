"""Issue 16, the printable catalogue of each edition: ``/editions/<year>/catalogue/`` lists every laureate of the
edition, and ``/editions/<year>/catalogue.pdf`` is the same made by WeasyPrint: its text (read back with pypdf) lists
them, it is tagged, titled and in French, the same bytes at every build, made again only when what it shows
changed, and fetching nothing but the site's own files. Without WeasyPrint or Pango, the build stops with one French
message naming what to install, and site/ is untouched."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from conftest import REPO, TODAY, build_in_process, make_repo, run_cli, tree_digest, write
from processes import stop_while_working

from vitrine.content.read import load_content
from vitrine.content.validate import validate

PDF = "editions/{}/catalogue.pdf"
# Blocks the import of WeasyPrint as if it were not installed (a sitecustomize runs before the build's first line)
NO_WEASYPRINT = '''import sys
class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "weasyprint":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Missing())
'''
# Refuses to load Pango as the dynamic loader does when the library is not installed
NO_PANGO = '''import cffi
_dlopen = cffi.FFI.dlopen
def dlopen(self, name, *args, **kwargs):
    if "pango" in str(name):
        raise OSError(f"cannot load library {name!r}: cannot open shared object file: No such file or directory")
    return _dlopen(self, name, *args, **kwargs)
cffi.FFI.dlopen = dlopen
'''


def _titles(root: Path, year: int) -> list[str]:
    site = validate(load_content(root)).site
    return [l.title for l in site.by_edition[year]]


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages)


def _build_without(root: Path, tmp_path: Path, blocker: str) -> subprocess.CompletedProcess:
    """``python build.py`` in a process where ``blocker`` (a sitecustomize) takes WeasyPrint or Pango away."""
    folder = tmp_path / "blocker"
    write(folder / "sitecustomize.py", blocker)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(folder), str(REPO)]))
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--date",
                           TODAY.isoformat(), "--no-search"], capture_output=True, text=True, env=env, timeout=300)


def test_the_pdf_lists_every_laureate_of_its_edition_with_its_title_and_language(repo: Path) -> None:
    assert build_in_process(repo, search=False, catalogues=True).ok
    for year in (2021, 2022):
        reader = pypdf.PdfReader(repo / "site" / PDF.format(year))
        text = _pdf_text(repo / "site" / PDF.format(year))
        titles = _titles(repo, year)
        assert titles and all(title in text for title in titles), (year, titles)
        others = [t for t in _titles(repo, 2021 if year == 2022 else 2022)]
        assert not any(title in text for title in others)
        assert reader.metadata.title == f"Catalogue de l’édition {year} — Site de test"
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "fr"
        assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged (PDF/UA-1)
        # Dated from its edition, never the build nor the clock: 2022's results, 2021 has no date but its year
        assert reader.metadata.creation_date.date() == {2021: dt.date(2021, 1, 1), 2022: dt.date(2022, 10, 1)}[year]
        assert reader.metadata.modification_date == reader.metadata.creation_date


def test_the_catalogue_page_lists_every_laureate_and_links_its_pdf(repo: Path) -> None:
    assert build_in_process(repo, search=False, catalogues=True).ok
    html = (repo / "site" / "editions" / "2022" / "catalogue" / "index.html").read_text("utf-8")
    titles = re.findall(r'<article class="catalogue-entry[^"]*">\s*<h2><a href="[^"]+">(.*?)</a></h2>', html)
    assert sorted(titles) == sorted(_titles(repo, 2022))
    assert 'href="../../../editions/2022/catalogue.pdf"' in html
    assert "Contrat de ville Nord\u00a0: Cheffe de projet, " in html.replace("&nbsp;", "\u00a0")  # its contacts
    edition = (repo / "site" / "editions" / "2022" / "index.html").read_text("utf-8")
    assert 'href="../../editions/2022/catalogue/"' in edition and 'href="../../editions/2022/catalogue.pdf"' in edition


def test_without_weasyprint_the_build_stops_with_what_to_install_and_site_is_untouched(repo: Path,
                                                                                       tmp_path: Path) -> None:
    run = _build_without(repo, tmp_path, NO_WEASYPRINT)
    assert run.returncode == 1 and "Traceback" not in run.stderr + run.stdout
    assert ("editions/2022/catalogue.pdf:1: catalogue: WeasyPrint, qui fait le catalogue en PDF, n’est pas "
            "installé — installez-le\u00a0: pip install") in run.stderr
    assert not (repo / "site").exists()

    assert build_in_process(repo, search=False, catalogues=True).ok  # with WeasyPrint; then a change the PDF shows
    before = tree_digest(repo / "site")
    laureate = repo / "content" / "laureates" / "emploi-jeunes.md"
    laureate.write_text(laureate.read_text("utf-8").replace("summary: ", "summary: Nouveau. "), "utf-8")
    run = _build_without(repo, tmp_path, NO_WEASYPRINT)
    assert run.returncode == 1 and "pip install" in run.stderr
    assert tree_digest(repo / "site") == before


def test_without_pango_the_message_names_the_debian_packages(repo: Path, tmp_path: Path) -> None:
    run = _build_without(repo, tmp_path, NO_PANGO)
    assert run.returncode == 1 and "Traceback" not in run.stderr + run.stdout
    assert "la bibliothèque Pango, dont WeasyPrint a besoin" in run.stderr
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in run.stderr
    assert "WeasyPrint could not import" not in run.stdout + run.stderr  # its English advice is not shown
    assert not (repo / "site").exists()


def test_a_pdf_is_made_again_only_when_what_it_shows_changed(repo: Path, tmp_path: Path) -> None:
    """Without WeasyPrint, a build that needed to make a PDF would fail: those that succeed made none."""
    assert build_in_process(repo, search=False, catalogues=True).ok
    assert _build_without(repo, tmp_path, NO_WEASYPRINT).returncode == 0  # nothing changed
    other = repo / "content" / "laureates" / "atelier-code.md"  # of 2021: the 2022 PDF stays
    other.write_text(other.read_text("utf-8").replace("summary: ", "summary: Autre. "), "utf-8")
    assert build_in_process(repo, search=False, catalogues=True).ok
    body = repo / "content" / "laureates" / "jardin-partage.md"  # of 2022, but only its description
    body.write_text(body.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    run = _build_without(repo, tmp_path, NO_WEASYPRINT)
    assert run.returncode == 0, run.stderr
    body.write_text(body.read_text("utf-8").replace("summary: ", "summary: Nouveau. "), "utf-8")
    assert _build_without(repo, tmp_path, NO_WEASYPRINT).returncode == 1  # its summary: the 2022 PDF is remade


def test_the_pdf_fetches_nothing_from_another_site(repo: Path) -> None:
    """A stylesheet asking for another site's file stops the build: nothing is fetched, nothing silently missing."""
    static = repo / "static"
    static.mkdir()
    for path in (REPO / "static").iterdir():
        (static / path.name).write_bytes(path.read_bytes())
    css = static / "style.css"
    css.write_text(css.read_text("utf-8") + "\n@media print { body { background: "
                   'url("https://tiers.example.org/x.png"); } }\n', "utf-8")
    report = build_in_process(repo, search=False, catalogues=True)
    [error] = report.errors
    assert str(error).startswith("editions/20")
    assert "le catalogue demande un fichier que le site ne publie pas" in str(error)
    assert "https://tiers.example.org/x.png" in str(error)
    assert not (repo / "site").exists()


@pytest.mark.parametrize("year", [2022])
def test_the_first_page_of_the_pdf_renders(repo: Path, year: int) -> None:
    """pypdfium2 (PDFium, a wheel: nothing downloaded at run time) reads it back as a page of A4."""
    pdfium = pytest.importorskip("pypdfium2")
    assert build_in_process(repo, search=False, catalogues=True).ok
    image = pdfium.PdfDocument(repo / "site" / PDF.format(year))[0].render(scale=1).to_pil()
    assert abs(image.width - 595) <= 1 and abs(image.height - 842) <= 1  # A4 in points, rounded either way
    assert image.convert("L").getextrema()[0] < 64  # not a blank page: there is black text on it


def test_a_template_the_catalogue_does_not_use_remakes_no_pdf(repo: Path, tmp_path: Path) -> None:
    shutil.copytree(REPO / "templates", repo / "templates")
    assert build_in_process(repo, search=False, catalogues=True).ok
    laureate_page = repo / "templates" / "laureate.html"
    laureate_page.write_text(laureate_page.read_text("utf-8").replace("En bref", "En résumé"), "utf-8")
    run = _build_without(repo, tmp_path, NO_WEASYPRINT)
    assert run.returncode == 0, run.stderr
    base = repo / "templates" / "base.html"  # the catalogue extends it
    base.write_text(base.read_text("utf-8").replace("Aller au contenu", "Aller au texte"), "utf-8")
    assert _build_without(repo, tmp_path, NO_WEASYPRINT).returncode == 1


def test_a_text_may_link_to_a_catalogue_pdf(repo: Path) -> None:
    page = repo / "content" / "pages" / "le-label.md"
    page.write_text(page.read_text("utf-8") + "\n[Le catalogue 2022](/editions/2022/catalogue.pdf)\n", "utf-8")
    assert build_in_process(repo, search=False, catalogues=True).ok
    assert 'href="../editions/2022/catalogue.pdf"' in (repo / "site" / "le-label" / "index.html").read_text("utf-8")



@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the processes in /proc (Linux)")
@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "Ctrl+C"])
def test_a_build_stopped_while_its_pdfs_print_says_so_in_french_and_leaves_no_process(
        repo: Path, sig: int, code: int) -> None:
    process, err = stop_while_working(repo, b"", sig, "--no-search")  # as soon as a PDF maker starts

    assert process.returncode == code, err
    assert "Traceback" not in err and "Interrompu" in err, err
    assert not (repo / "site").exists()  # nothing published
