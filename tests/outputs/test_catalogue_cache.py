"""Session 7 of issue 17: the catalogue PDFs kept between builds and published in volumes.

A deploy workflow builds with no ``site/`` but with ``.vitrine-cache/`` restored: it takes every PDF whose inputs
did not change from ``.vitrine-cache/catalogues/`` (byte for byte, none made: without WeasyPrint such a build still
succeeds), whatever its date; a damaged cached PDF is made again, never published; the PDFs no build publishes any
more leave the cache. An edition of more than 100 laureates publishes its catalogue in volumes, each linked with its
range, and an edit of one laureate's summary remakes its volume only."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pypdf

from conftest import TODAY, build_in_process, make_repo, run_cli, write
from test_catalogue import NO_WEASYPRINT, PDF, _build_without, _pdf_text

CACHE = Path(".vitrine-cache") / "catalogues"


def _without_site(root: Path) -> None:
    """What a deploy workflow starts from: the content and the restored cache, no site."""
    for name in ("site", "site.staging"):
        shutil.rmtree(root / name, ignore_errors=True)


def _cached(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (root / CACHE).glob("*.pdf")}


def _summary_edited(path: Path, words: str) -> None:
    path.write_text(path.read_text("utf-8").replace("summary: ", f"summary: {words} ", 1), "utf-8")


def test_a_deploy_without_site_takes_every_pdf_from_the_cache_byte_for_byte_a_day_later(repo: Path,
                                                                                         tmp_path: Path) -> None:
    first = build_in_process(repo, search=False, catalogues=True)
    assert first.ok and first.catalogues_made == 2
    published = {year: (repo / "site" / PDF.format(year)).read_bytes() for year in (2021, 2022)}
    cached = _cached(repo)
    assert len(cached) == 2  # one per PDF, named after its fingerprint

    _without_site(repo)
    again = build_in_process(repo, TODAY.replace(day=2), search=False, catalogues=True)  # the daily deploy: another date
    assert again.ok and again.catalogues_made == 0
    assert {year: (repo / "site" / PDF.format(year)).read_bytes() for year in (2021, 2022)} == published
    assert _cached(repo) == cached  # neither made nor written again

    _without_site(repo)  # and WeasyPrint is not even needed: nothing is made
    run = _build_without(repo, tmp_path, NO_WEASYPRINT)
    assert run.returncode == 0, run.stderr
    assert (repo / "site" / PDF.format(2022)).read_bytes() == published[2022]


def test_an_edit_remakes_its_edition_pdf_and_the_cache_keeps_only_the_published_ones(repo: Path) -> None:
    assert build_in_process(repo, search=False, catalogues=True).ok
    before = _cached(repo)
    _summary_edited(repo / "content" / "laureates" / "jardin-partage.md", "Nouveau.")  # of 2022
    _without_site(repo)
    report = build_in_process(repo, search=False, catalogues=True)
    assert report.ok and report.catalogues_made == 1
    after = _cached(repo)
    assert len(after) == 2 and len(set(after) & set(before)) == 1  # 2021's kept, 2022's old one pruned
    assert "Nouveau." in _pdf_text(repo / "site" / PDF.format(2022))
    assert sorted(p.suffix for p in (repo / CACHE).iterdir() if p.is_file()) == [".digest"] * 2 + [".pdf"] * 2


def test_a_preview_built_elsewhere_keeps_the_pdfs_of_site_which_a_deploy_takes_from_the_cache(
        repo: Path, tmp_path: Path) -> None:
    assert build_in_process(repo, search=False, catalogues=True).ok
    mine = set(_cached(repo))
    preview = tmp_path / "apercu"  # a preview deployment: another folder, another address, other PDFs
    report = build_in_process(repo, search=False, catalogues=True, out=preview, base_url="https://apercu.example.org/")
    assert report.ok and report.catalogues_made == 2
    assert mine < set(_cached(repo))  # the site's PDFs are still there beside the preview's

    _without_site(repo)
    assert build_in_process(repo, search=False, catalogues=True).catalogues_made == 0  # the deploy makes none

    shutil.rmtree(preview)  # the preview is gone: its PDFs are no one's, the next deploy removes them
    _without_site(repo)
    assert build_in_process(repo, search=False, catalogues=True).ok
    assert set(_cached(repo)) == mine


def test_a_damaged_cached_pdf_is_made_again_never_published(repo: Path) -> None:
    assert build_in_process(repo, search=False, catalogues=True).ok
    good = (repo / "site" / PDF.format(2022)).read_bytes()
    for cut in (len(good) // 2, None):  # cut short (a cache restored halfway), then one byte changed
        kept = next(p for p in (repo / CACHE).glob("*.pdf") if p.read_bytes() == good)
        kept.write_bytes(good[:cut] if cut else good[:100] + bytes([good[100] ^ 1]) + good[101:])
        _without_site(repo)
        report = build_in_process(repo, search=False, catalogues=True)
        assert report.ok and report.catalogues_made == 1
        assert (repo / "site" / PDF.format(2022)).read_bytes() == good
        assert kept.read_bytes() == good  # and the cache repaired


def test_the_pdf_is_the_same_at_any_build_date_and_a_build_without_cache_keeps_none(tmp_path: Path) -> None:
    first, second = (make_repo(tmp_path / name) for name in ("a", "b"))
    assert build_in_process(first, search=False, catalogues=True).ok
    assert run_cli(second, "build", "--date", "2031-07-14", "--no-search", "--no-cache").returncode == 0
    for year in (2021, 2022):
        assert (first / "site" / PDF.format(year)).read_bytes() == (second / "site" / PDF.format(year)).read_bytes()
    assert not (second / CACHE).exists()  # like the images: --no-cache reads and keeps nothing in .vitrine-cache/


LAUREATE = """---
title: Projet numéro {n:03d}
porteur: Association {n:03d}
edition: 2022
quartiers: [le-moulin]
themes: [emploi]
summary: Le projet numéro {n:03d}, pour voir les volumes.
---
Le détail.
"""


def test_an_edition_of_101_laureates_is_published_in_two_volumes_linked_with_their_ranges(repo: Path) -> None:
    for n in range(98):  # with the fixture's three of 2022: 101
        write(repo / "content" / "laureates" / f"projet-{n:03d}.md", LAUREATE.format(n=n))
    report = build_in_process(repo, search=False, catalogues=True)
    assert report.ok and report.catalogues_made == 3  # 2021's single PDF, 2022's two volumes
    folder = repo / "site" / "editions" / "2022"
    assert not (folder / "catalogue.pdf").exists() and (repo / "site" / PDF.format(2021)).is_file()
    texts = [_pdf_text(folder / f"catalogue-{n}.pdf") for n in (1, 2)]
    titles = [pypdf.PdfReader(folder / f"catalogue-{n}.pdf").metadata.title for n in (1, 2)]
    assert titles == ["Catalogue de l’édition 2022, volume 1 (lauréats 1 à 51) — Site de test",
                      "Catalogue de l’édition 2022, volume 2 (lauréats 52 à 101) — Site de test"]
    projects = [{f"Projet numéro {n:03d}" for n in range(98) if f"Projet numéro {n:03d}" in text} for text in texts]
    assert not projects[0] & projects[1] and len(projects[0] | projects[1]) == 98  # each laureate in one volume
    catalogue = (folder / "catalogue" / "index.html").read_text("utf-8")
    edition = (folder / "index.html").read_text("utf-8")
    for n, first, last in ((1, 1, 51), (2, 52, 101)):
        link = f'catalogue-{n}.pdf" type="application/pdf" download>Catalogue, volume {n} (lauréats {first} à {last})</a>'
        assert f'href="../../../editions/2022/{link}' in catalogue and f'href="../../editions/2022/{link}' in edition
    assert "catalogue.pdf" not in catalogue + edition

    _summary_edited(repo / "content" / "laureates" / "projet-090.md", "Modifié.")  # the second volume only
    volume_1 = (folder / "catalogue-1.pdf").read_bytes()
    report = build_in_process(repo, search=False, catalogues=True)
    assert report.ok and report.catalogues_made == 1
    assert (folder / "catalogue-1.pdf").read_bytes() == volume_1 and "Modifié." in _pdf_text(folder / "catalogue-2.pdf")

    write(repo / "content" / "laureates" / "projet-098.md", LAUREATE.format(n=98))  # 102: volume 1 still 1 to 51,
    assert build_in_process(repo, search=False, catalogues=True).ok  # but it says the edition's new total
    assert "102 lauréats" in " ".join(_pdf_text(folder / "catalogue-1.pdf").split())

    page = repo / "content" / "pages" / "le-label.md"  # a text linking to the single PDF it no longer has
    page.write_text(page.read_text("utf-8") + "\n[Le catalogue](/editions/2022/catalogue.pdf)\n", "utf-8")
    [error] = build_in_process(repo, search=False, catalogues=True).errors
    assert "editions/2022/catalogue.pdf" in str(error) and "/editions/2022/catalogue/" in error.hint


def test_build_no_catalogue_publishes_the_pages_without_pdfs_and_leaves_the_cache_alone(repo: Path) -> None:
    assert build_in_process(repo, search=False, catalogues=True).ok
    cached = _cached(repo)
    run = run_cli(repo, "build", "--date", TODAY.isoformat(), "--no-search", "--no-catalogue")
    assert run.returncode == 0, run.stderr
    assert (repo / "site" / "editions" / "2022" / "catalogue" / "index.html").is_file()  # the page is there
    assert not list((repo / "site").rglob("*catalogue*.pdf"))
    assert _cached(repo) == cached  # another build's PDFs: kept for it
    again = run_cli(repo, "build", "--date", TODAY.isoformat(), "--no-search")  # and back: from the cache
    assert again.returncode == 0, again.stderr
    assert (repo / "site" / PDF.format(2022)).is_file() and _cached(repo) == cached


def test_a_deploy_without_the_catalogue_is_refused_in_french_and_publishes_nothing(repo: Path) -> None:
    run = run_cli(repo, "build", "--deploy", "--no-catalogue")
    assert run.returncode == 2
    assert "--no-catalogue" in run.stderr and "--deploy" in run.stderr and "Traceback" not in run.stderr
    assert not (repo / "site").exists()


def test_a_cache_folder_that_is_a_link_is_neither_used_nor_pruned(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("keepme.pdf", "important.digest"):
        (elsewhere / name).write_text("someone else's", "utf-8")
    (repo / CACHE).parent.mkdir(parents=True, exist_ok=True)
    (repo / CACHE).symlink_to(elsewhere)
    assert build_in_process(repo, search=False, catalogues=True).ok
    assert sorted(p.name for p in elsewhere.iterdir()) == ["important.digest", "keepme.pdf"]  # untouched
    assert (repo / "site" / PDF.format(2022)).is_file()


def test_a_digest_that_is_a_pipe_or_a_folder_in_the_cache_stops_nothing(repo: Path) -> None:
    assert build_in_process(repo, search=False, catalogues=True).ok
    digest = next((repo / CACHE).glob("*.digest"))
    digest.unlink()
    os.mkfifo(digest)  # reading it would wait for a writer forever
    (repo / CACHE / "deadbeef.pdf").mkdir()  # not a file of ours: never removed, never an error
    _without_site(repo)
    run = run_cli(repo, "build", "--date", TODAY.isoformat(), "--no-search", timeout=60)
    assert run.returncode == 0, run.stderr
    assert (repo / "site" / PDF.format(2021)).is_file() and (repo / "site" / PDF.format(2022)).is_file()


def test_an_image_index_that_is_a_pipe_stops_no_build(repo: Path) -> None:
    """The neighbour of the digest above: the images' cache index, read at every build."""
    assert build_in_process(repo, search=False).ok
    index = repo / ".vitrine-cache" / "images" / "index.json"
    index.unlink(missing_ok=True)
    index.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(index)
    _without_site(repo)
    run = run_cli(repo, "build", "--date", TODAY.isoformat(), "--no-search", "--no-catalogue", timeout=60)
    assert run.returncode == 0, run.stderr
    assert (repo / "site" / "index.html").is_file()
