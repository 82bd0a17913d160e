"""Fingerprints: a rebuild renders exactly the pages an edit changes.

Counted, never timed: each rebuild must do the work the edit calls for, and equal a cold build."""

from __future__ import annotations

from pathlib import Path


from conftest import TODAY, build_in_process
from vitrine.outputs import feed as feeds
from vitrine.pipeline import BuildOptions, BuildState, build
from vitrine.outputs.search import BUNDLE
from work import summary_edited, tree, rebuild, assert_same_as_cold_build, changed, pages, laureate_file
from work_fixtures import corpus, jobs  # noqa: F401 - fixtures


def test_editing_one_laureate_body_rerenders_only_its_page(corpus: Path, jobs: int) -> None:
    rebuild(corpus, jobs)
    before = tree(corpus / "site")
    path = laureate_file(corpus)
    path.write_text(path.read_text("utf-8") + "\nUne phrase ajoutée au récit du projet.\n", "utf-8")
    report = rebuild(corpus, jobs)
    page = f"laureats/{path.stem}/index.html"
    assert (report.rendered_paths, report.conversions) == ((page,), 1)
    assert set(report.written) == changed(before, tree(corpus / "site"))  # the open data carry the body too
    assert pages(report, set(report.written)) == {page}
    assert "Une phrase ajoutée au récit du projet." in (corpus / "site" / page).read_text("utf-8")
    assert_same_as_cold_build(corpus)



def test_editing_a_title_rerenders_exactly_the_pages_that_show_it(corpus: Path, jobs: int) -> None:
    rebuild(corpus, jobs)
    before = tree(corpus / "site")
    path = laureate_file(corpus, 3)
    text = path.read_text("utf-8")
    path.write_text(text.replace('title: "', 'title: "Nouveau nom : ', 1), "utf-8")
    report = rebuild(corpus, jobs)
    shown = changed(before, tree(corpus / "site"))
    assert set(report.rendered_paths) == pages(report, shown) and set(report.written) == shown
    assert f"laureats/{path.stem}/index.html" in shown
    for listing in ("editions/", "quartiers/", "thematiques/"):
        assert any(p.startswith(listing) for p in shown), listing
    assert any(p.startswith("laureats/") and path.stem not in p for p in shown)  # others' « related »
    assert_same_as_cold_build(corpus)



def test_editing_a_template_rerenders_the_pages_using_it(corpus: Path, jobs: int) -> None:
    rebuild(corpus, jobs)
    template = corpus / "templates" / "laureate.html"
    template.write_text(template.read_text("utf-8").replace("<h2>En bref</h2>", "<h2>En résumé</h2>"), "utf-8")
    report = rebuild(corpus, jobs)
    laureate_pages = {f"laureats/{p.stem}/index.html" for p in (corpus / "content" / "laureates").iterdir()}
    assert set(report.rendered_paths) == laureate_pages == pages(report, set(report.written))
    assert report.conversions == len(laureate_pages)  # each body once (no HTML is kept between processes)
    assert_same_as_cold_build(corpus)



def test_removing_a_laureate_removes_its_page_and_updates_the_pages_that_listed_it(corpus: Path, jobs: int) -> None:
    rebuild(corpus, jobs)
    path = laureate_file(corpus, 5)
    path.unlink()
    report = rebuild(corpus, jobs)
    assert [p for p in report.removed if not p.startswith(BUNDLE + "/")] == [f"laureats/{path.stem}/index.html"]
    assert 0 < report.rendered < report.pages
    assert_same_as_cold_build(corpus)



def test_renaming_a_quartier_updates_every_page_that_names_it(corpus: Path) -> None:
    rebuild(corpus)
    territory = corpus / "content" / "territory.yaml"
    territory.write_text(territory.read_text("utf-8").replace("name: Quartier 1\n", "name: Les Aulnes\n"), "utf-8")
    report = rebuild(corpus)
    assert "quartiers/quartier-1/index.html" in report.rendered_paths
    assert_same_as_cold_build(corpus)



def test_a_long_lived_state_still_reports_a_reference_broken_by_another_file(corpus: Path) -> None:
    options = BuildOptions(root=corpus, out=corpus / "preview", today=TODAY, drafts=True)
    state = BuildState.open(options)
    assert build(options, state).ok
    edition = corpus / "content" / "editions" / "2019.md"
    edition.unlink()
    report = build(options, state)
    assert not report.ok and all("édition 2019 inconnue" in e.message for e in report.errors)
    assert len(report.errors) == sum("edition: 2019" in p.read_text("utf-8")
                                     for p in (corpus / "content" / "laureates").iterdir())



def test_the_preview_sees_an_edited_template_without_restarting(corpus: Path) -> None:
    options = BuildOptions(root=corpus, out=corpus / "preview", today=TODAY, drafts=True, search=False)
    state = BuildState.open(options)  # one for the whole session, as serve keeps it
    assert build(options, state).ok
    template = corpus / "templates" / "laureate.html"
    template.write_text(template.read_text("utf-8").replace("<h2>En bref</h2>", "<h2>En résumé</h2>"), "utf-8")
    report = build(options, state)
    page = corpus / "preview" / f"laureats/{laureate_file(corpus, 1).stem}/index.html"
    assert report.ok and "<h2>En résumé</h2>" in page.read_text("utf-8")



def test_the_feed_is_made_again_only_when_one_of_its_laureates_changed(corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr(feeds, "FEED_SIZE", 3)
    made = []
    original = feeds.atom_feed
    monkeypatch.setattr(feeds, "atom_feed", lambda site: made.append(1) or original(site))
    report = rebuild(corpus)
    assert report.site is not None
    newest = [f"content/laureates/{l.slug}.md" for l in report.site.laureates[:3]]
    others = sorted(p for p in (corpus / "content" / "laureates").iterdir()
                    if f"content/laureates/{p.name}" not in newest)
    summary_edited(others[0], "Hors du flux.")
    assert "feed.xml" not in rebuild(corpus).written and made == [1]
    summary_edited(corpus / newest[1], "Dans le flux.")
    assert "feed.xml" in rebuild(corpus).written and made == [1, 1]
    assert "Dans le flux." in (corpus / "site" / "feed.xml").read_text("utf-8")



def test_a_first_build_without_the_index_fingerprints_every_page_for_the_next(corpus: Path, jobs: int) -> None:
    """With no record and no index to key, the pages' fingerprints are made while the pages render (not before the
    first one): the record still holds every page's, so an edit renders only the pages that show it."""
    first = build_in_process(corpus, search=False, jobs=jobs)
    assert first.ok and first.fingerprinted == first.pages == first.rendered
    summary_edited(laureate_file(corpus), "Un résumé revu pour les listes.")
    report = build_in_process(corpus, search=False, jobs=jobs)
    assert report.ok and 0 < report.rendered < report.pages / 2
    assert all("Un résumé revu pour les listes." in (corpus / "site" / path).read_text("utf-8")
               for path in report.rendered_paths if path.endswith(".html"))
    assert_same_as_cold_build(corpus, search=False)
