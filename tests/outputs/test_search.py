"""Full-text search: the Pagefind index built with the site, queried for real with Pagefind's JavaScript."""

from __future__ import annotations

import json
import pickle
import shutil
import signal
import urllib.parse
from pathlib import Path

import pytest

from benchmarks.generate import generate
from conftest import REPO, TODAY, build_in_process, make_repo, run_cli, write
from processes import stop_while_working
from web import search_index
from vitrine.outputs import pagefind, search, search_pages, search_process
from vitrine.pipeline import build
from vitrine.preview.serve import Preview
from vitrine.site.pages import plan_pages


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture, built once for the tests that only read it."""
    root = make_repo(tmp_path_factory.mktemp("search"))
    write(root / "content" / "laureates" / "atelier-code.md",
          (root / "content" / "laureates" / "atelier-code.md").read_text("utf-8")
          + "\nDes ateliers où l’habitant découvre la programmation.\n")
    assert build_in_process(root).ok
    return root / "site"


def test_searching_expo_finds_the_expo_bavarde_with_its_porteur_and_summary(shipped_repo: Path) -> None:
    assert build_in_process(shipped_repo).ok
    [found] = search_index(shipped_repo / "site", "expo")
    first = found["results"][0]
    assert first["url"] == "/laureats/l-expo-bavarde/"
    assert first["meta"]["title"] == "L'expo bavarde\u00a0: l'envers du décor"
    assert first["meta"]["porteur"] == "Cultures du Cœur 94"
    assert first["meta"]["summary"].startswith("«\u00a0L'expo bavarde")
    assert len(_card(first)) <= 4  # its title, porteur and summary are its metadata, their apostrophes put back


def test_french_words_are_found_by_their_stem_and_after_an_apostrophe(small_site: Path) -> None:
    answers = search_index(small_site, "habitants", "programmer", "l’habitant")
    assert [[r["url"] for r in a["results"]] for a in answers] == [["/laureats/atelier-code/"]] * 3


def test_the_search_page_knows_which_page_each_result_is(small_site: Path) -> None:
    [found] = search_index(small_site, "projet")
    pages = json.loads((small_site / "pagefind" / "vitrine-pages.json").read_text("utf-8"))["pages"]
    assert {pages[r["id"]] for r in found["results"]} == {r["url"].lstrip("/") for r in found["results"]}
    assert sorted(pages.values()) == sorted(
        [f"laureats/{slug}/" for slug in ("atelier-code", "cafe-culture", "emploi-jeunes", "jardin-partage",
                                          "radio-quartier")] + ["accessibilite/", "candidater/", "le-label/",
                                                                "mentions-legales/"])


def test_two_cold_builds_make_the_same_search_index(tmp_path: Path) -> None:
    bundles = []
    for name in ("one", "two"):
        root = make_repo(tmp_path / name)
        assert build_in_process(root, use_cache=False).ok
        bundles.append({p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "site" / "pagefind").rglob("*")
                        if p.is_file()})
    assert bundles[0] == bundles[1]


def test_only_laureates_and_free_pages_are_indexed(small_site: Path) -> None:
    entry = json.loads((small_site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert list(entry["languages"]) == ["fr"]
    assert entry["languages"]["fr"]["page_count"] == 5 + 4  # laureates + free pages
    [found] = search_index(small_site, "culture")
    urls = {r["url"] for r in found["results"]}
    assert "/laureats/cafe-culture/" in urls
    assert not urls & {"/thematiques/culture/", "/laureats/", "/"}
    assert not list(small_site.glob("pagefind/pagefind-ui*")), "Pagefind's own interface is not published"


def test_search_page_says_what_to_do_without_javascript(small_site: Path) -> None:
    html = (small_site / "recherche" / "index.html").read_text("utf-8")
    assert '<script type="module" src="../static/search.js"></script>' in html
    # the form is in the page from its first paint; without JavaScript, noscript.css hides it and shows the note
    assert '<form class="search-form" role="search" method="get" data-with-script>' in html
    assert '<noscript><link rel="stylesheet" href="../static/noscript.css"></noscript>' in html
    assert "La recherche a besoin de JavaScript" in html
    for link in ('href="../laureats/"', 'href="../quartiers/"', 'href="../thematiques/"', 'href="../editions/"'):
        assert link in html
    home = (small_site / "index.html").read_text("utf-8")
    assert '<li><a href="recherche/">Recherche</a></li>' in home


def test_a_search_index_is_not_rebuilt_when_no_searchable_page_changed(repo: Path, monkeypatch) -> None:
    shutil.copytree(REPO / "templates", repo / "templates")
    assert build_in_process(repo).ok
    monkeypatch.setattr(search, "Feed", _must_not_index)
    again = build_in_process(repo)
    assert again.ok and again.written == ()
    themes = repo / "templates" / "themes.html"
    themes.write_text(themes.read_text("utf-8").replace("grand domaine", "domaine"), "utf-8")
    listing_only = build_in_process(repo)
    assert listing_only.ok and listing_only.written == ("thematiques/index.html",)
    shutil.rmtree(repo / "site")  # the cached index serves a fresh output folder too
    fresh = build_in_process(repo)
    assert fresh.ok and any(path.startswith("pagefind/pagefind-entry") for path in fresh.written)


def test_editing_a_laureate_updates_the_search_index(repo: Path) -> None:
    assert build_in_process(repo).ok
    laureate = repo / "content" / "laureates" / "emploi-jeunes.md"
    laureate.write_text(laureate.read_text("utf-8") + "\nUn atelier de zythologie.\n", "utf-8")
    assert build_in_process(repo).ok
    [found] = search_index(repo / "site", "zythologie")
    assert [r["url"] for r in found["results"]] == ["/laureats/emploi-jeunes/"]


SEARCHABLE = [f"laureats/{slug}/" for slug in ("atelier-code", "cafe-culture", "emploi-jeunes", "jardin-partage",
                                               "radio-quartier")] + ["accessibilite/", "candidater/", "le-label/",
                                                                     "mentions-legales/"]


def test_the_whole_site_is_one_index_whose_results_carry_their_card(small_site: Path) -> None:
    """One Pagefind bundle (a visitor's search fetches one entry, one metadata file, one index chunk per word):
    a laureate's result carries its card as laureats/filtres.json has it, apostrophes and all, and the card's
    words are not indexed (a search for a field's name finds nothing)."""
    assert sorted(p.name for p in (small_site / "pagefind").iterdir() if p.is_dir()) == ["fragment", "index"]
    assert len(list((small_site / "pagefind").glob("pagefind.*.pf_meta"))) == 1
    [found] = search_index(small_site, "programmation")
    [result] = found["results"]
    assert result["url"] == "/laureats/atelier-code/" and result["meta"]["title"] == "Atelier code"
    listing = json.loads((small_site / "laureats" / "filtres.json").read_text("utf-8"))
    [row] = [dict(zip(listing["fields"], row)) for row in listing["laureats"] if row[0] == "atelier-code"]
    places = [text for slug in row["quartiers"] for text in listing["quartiers"][slug][:2]]
    assert _card(result) == [row["edition"], places]  # no photo, not a draft: the search page's defaults
    shown = {name: result["meta"][name].replace("'", "’") for name in ("title", "porteur", "summary")}
    assert shown == {name: row[name] for name in ("title", "porteur", "summary")}
    [page] = search_index(small_site, "accessibilité")[0]["results"][:1]
    assert _card(page) is None and page["url"] == "/accessibilite/"
    assert [answer["count"] for answer in search_index(small_site, "null", "false", "fields")] == [0, 0, 0]


def test_pagefind_reads_a_laureate_without_the_cards_of_its_neighbours(small_site: Path) -> None:
    """The related cards after a laureate's article are not sent to Pagefind (a quarter of its bytes, excluded by
    their mark anyway): a porteur is found on its own laureate's page, not on the pages whose cards show it."""
    html = (small_site / "laureats" / "cafe-culture" / "index.html").read_text("utf-8")
    assert "Association Alpha" in html.partition('class="related"')[2]
    sent = search_pages.indexed_html(html)
    assert 'class="related"' not in sent and sent.count("<article") == sent.count("</article>") == 1
    [found] = search_index(small_site, "Alpha")
    assert [r["url"] for r in found["results"]] == ["/laureats/atelier-code/"]


def _card(result: dict) -> list | None:
    prefix = search_pages.CARD_ID
    cards = [a["id"].removeprefix(prefix) for a in result["anchors"] if a["id"].startswith(prefix)]
    return json.loads(urllib.parse.unquote_plus(cards[0])) if cards else None


def test_a_cold_build_indexes_each_page_once_in_the_order_of_the_site(repo: Path, monkeypatch) -> None:
    indexed = []
    add = search.Feed.add
    monkeypatch.setattr(search.Feed, "add",
                        lambda feed, words: add(feed, words) or indexed.append(pickle.loads(words)[0].url.lstrip("/")))
    report = build_in_process(repo, use_cache=False)
    assert report.ok and sorted(indexed) == sorted(SEARCHABLE)
    assert indexed == [page.url for page in plan_pages(report.site, TODAY).pages if page.url in SEARCHABLE]


def test_the_index_gets_its_last_pages_while_the_other_pages_are_rendered(repo: Path, monkeypatch) -> None:
    """Once the last searchable page is in, the index is told (its last batch sent): it folds them while the build
    renders the listings and makes the data files, instead of after them."""
    events = []
    done, interleave = search.Feed.done, search.WholeIndex.interleave
    monkeypatch.setattr(search.Feed, "done", lambda feed: events.append("done") or done(feed))

    def interleaved(index, rendered):
        for output in interleave(index, rendered):
            events.append(output.path)
            yield output

    monkeypatch.setattr(search.WholeIndex, "interleave", interleaved)
    assert build_in_process(repo, use_cache=False).ok
    first_done = events.index("done")  # given before the last searchable page goes on to be written
    rendered = [path.removesuffix("index.html") for path in events if path != "done"]
    assert sorted(rendered[:first_done + 1]) == sorted(SEARCHABLE)
    assert len(rendered) - first_done > 10  # the listings, rendered while the index folds its last pages


def test_an_edit_indexes_the_published_pages_without_rendering_them(repo: Path, monkeypatch) -> None:
    assert build_in_process(repo).ok
    laureate = repo / "content" / "laureates" / "emploi-jeunes.md"
    laureate.write_text(laureate.read_text("utf-8") + "\nUn atelier de zythologie.\n", "utf-8")
    report = build_in_process(repo)
    assert report.ok and report.rendered_paths == ("laureats/emploi-jeunes/index.html",)
    [found] = search_index(repo / "site", "zythologie")
    assert [r["url"] for r in found["results"]] == ["/laureats/emploi-jeunes/"]
    [found] = search_index(repo / "site", "jardin")  # an unchanged page, read from the published site
    assert "/laureats/jardin-partage/" in [r["url"] for r in found["results"]]


def test_a_rebuild_after_edits_makes_the_search_index_of_a_cold_build(tmp_path: Path) -> None:
    edited, cold = make_repo(tmp_path / "edited"), make_repo(tmp_path / "cold")
    assert build_in_process(edited).ok
    for root in (edited, cold):
        shutil.copy(root / "content" / "laureates" / "cafe-culture.md", root / "content" / "laureates" / "cafe-2.md")
        (root / "content" / "laureates" / "radio-quartier.md").unlink()
    assert build_in_process(edited).ok and build_in_process(cold, use_cache=False).ok
    laureate = edited / "content" / "laureates" / "emploi-jeunes.md"
    text = laureate.read_text("utf-8")
    laureate.write_text(text + "\nUn atelier de zythologie.\n", "utf-8")
    assert build_in_process(edited).ok
    laureate.write_text(text, "utf-8")  # undone: the bundle comes from the cache
    assert build_in_process(edited).ok
    bundles = [{p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "site" / "pagefind").rglob("*")
                if p.is_file()} for root in (edited, cold)]
    assert bundles[0] == bundles[1]


def test_damaged_kept_pagefind_files_are_made_again_not_published(tmp_path: Path) -> None:
    """Pagefind's script and WebAssembly kept in .vitrine-cache/pagefind-assets/ and damaged (a listing emptied, a
    file cut short): the search page still gets them whole, as a build without cache publishes them."""
    edited, cold = make_repo(tmp_path / "edited"), make_repo(tmp_path / "cold")
    assert build_in_process(edited).ok and build_in_process(cold, use_cache=False).ok
    published = {p.name: p.read_bytes() for p in (cold / "site" / "pagefind").iterdir() if p.is_file()}
    kept = next((edited / ".vitrine-cache" / "pagefind-assets").iterdir())
    for damage in (lambda: (kept / "files.txt").write_text("", "utf-8"),
                   lambda: (kept / "files" / "wasm.fr.pagefind").write_bytes(published["wasm.fr.pagefind"][:1000])):
        damage()
        laureate = edited / "content" / "laureates" / "emploi-jeunes.md"
        laureate.write_text(laureate.read_text("utf-8") + "\nUne ligne de plus.\n", "utf-8")  # the index made again
        assert build_in_process(edited).ok
        for name in ("pagefind.js", "pagefind-worker.js", "wasm.fr.pagefind", "wasm.unknown.pagefind"):
            assert (edited / "site" / "pagefind" / name).read_bytes() == published[name], name


def test_a_missing_pagefind_is_reported_and_leaves_the_site_alone(repo: Path, monkeypatch) -> None:
    assert build_in_process(repo, use_cache=False).ok
    before = (repo / "site" / "index.html").read_bytes()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(repo / "no-pagefind-here"))
    report = build_in_process(repo, use_cache=False)
    assert not report.ok
    assert str(report.errors[0]).startswith("pagefind:1: recherche: Pagefind est introuvable")
    assert "pip install 'pagefind[bin]==1.5.2'" in str(report.errors[0])  # the one version Vitrine writes
    assert (repo / "site" / "index.html").read_bytes() == before


def _must_not_index(*args) -> None:
    raise AssertionError("the search index was rebuilt")


def test_a_request_pagefind_cannot_read_is_an_error() -> None:
    with pytest.raises(search.SearchIndexError, match="Pagefind a répondu une erreur : unknown variant `NoSuch"):
        with pagefind.Service(pagefind.pagefind_executable()) as service:
            service.call({"type": "NoSuchRequest"})


def test_a_silent_pagefind_fails_the_build_instead_of_hanging_it(tmp_path: Path, monkeypatch) -> None:
    mute = write(tmp_path / "mute-pagefind", "#!/bin/sh\nexec 3>&1 cat > /dev/null  # keeps its output open, says nothing\n")
    mute.chmod(0o755)
    monkeypatch.setattr(pagefind, "SILENCE_LIMIT", 1)
    with pytest.raises(search.SearchIndexError, match="Pagefind ne répond plus depuis 1 secondes"):
        with pagefind.Service(mute) as service:
            service.call({"type": "NewIndex", "config": {}})


def test_the_live_preview_goes_without_the_search_index(repo: Path, monkeypatch) -> None:
    monkeypatch.setattr(search, "Feed", _must_not_index)
    options = Preview(repo, lambda: TODAY)._options()
    assert build(options).ok
    assert not (options.out / "pagefind").exists()
    html = (options.out / "recherche" / "index.html").read_text("utf-8")
    assert "Prévisualisation&nbsp;: la recherche n’y est pas disponible" in html


def test_a_build_without_search_publishes_every_page_but_no_index(repo: Path) -> None:
    result = run_cli(repo, "build", "--no-search")
    assert result.returncode == 0, result.stderr
    assert (repo / "site" / "recherche" / "index.html").is_file()
    assert (repo / "site" / "laureats").is_dir() and not (repo / "site" / search.BUNDLE).exists()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the processes in /proc (Linux)")
@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "Ctrl+C"])
def test_a_build_stopped_while_its_index_is_made_says_so_in_french_and_leaves_no_process(
        tmp_path: Path, sig: int, code: int) -> None:
    root = generate(search_process.OWN_PROCESS_FROM, tmp_path / "corpus", words=(40, 120))  # its index: own process
    process, err = stop_while_working(root, b"", sig, "--no-catalogue")  # as soon as it starts

    assert process.returncode == code, err
    assert "Traceback" not in err and "Interrompu" in err, err
    assert not (root / "site").exists()
