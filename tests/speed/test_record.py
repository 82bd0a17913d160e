"""The no-change path and the input scan: what an unchanged site costs, and a damaged record.

Counted, never timed: each rebuild must do the work the edit calls for, and equal a cold build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


from conftest import REPO
from photos import add_image, photo
from vitrine.content.read import load_content
from vitrine.speed.inputs import tree_signatures
from work import tree, rebuild, assert_same_as_cold_build, laureate_file, edit_body
from work_fixtures import corpus, jobs  # noqa: F401 - fixtures


def test_a_cold_build_converts_each_distinct_body_once_and_renders_every_page(corpus: Path, jobs: int) -> None:
    bodies = {f.body for f in load_content(corpus).files if f.kind in ("laureate", "edition", "page")}
    report = rebuild(corpus, jobs)
    assert report.conversions == len(bodies)
    assert report.rendered == report.pages == len(report.rendered_paths)
    assert set(report.written) == set(tree(corpus / "site"))



def test_a_rebuild_with_nothing_changed_renders_converts_and_writes_nothing(corpus: Path, jobs: int) -> None:
    rebuild(corpus, jobs)
    site = corpus / "site"
    before = site.stat().st_ino, tree(site)
    report = rebuild(corpus, jobs)
    assert (report.rendered, report.conversions, report.written, report.removed) == (0, 0, (), ())
    assert (site.stat().st_ino, tree(site)) == before



def test_an_unchanged_site_is_recognised_without_loading_the_stages(corpus: Path) -> None:
    """The commonest build (nothing changed) costs listing and stat()ing files: not even the stages' imports."""
    code = ("import sys, vitrine.cli; status = vitrine.cli.main(['--root', sys.argv[1], 'build', '--date', '2024-01-15']); "
            "print(status, sorted(m for m in sys.modules if m in ('vitrine.pipeline', 'vitrine.site.render', 'jinja2', 'PIL')))")
    runs = [subprocess.run([sys.executable, "-c", code, str(corpus)], cwd=REPO, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert runs[0].stdout.split("\n")[-2] == "0 ['PIL', 'jinja2', 'vitrine.pipeline', 'vitrine.site.render']"
    assert runs[1].stdout.split("\n")[-2] == "0 []"
    assert "0 rendues, 0 fichiers écrits" in runs[1].stdout



def test_a_build_imports_the_costly_libraries_only_for_the_work_that_needs_them(repo: Path) -> None:
    """Pillow only to process an image, multiprocessing only to fork, the search stage, ``importlib.metadata`` and
    thread pools only to index, WeasyPrint never (the processes that print the PDFs import it): a small edit's build (no image to
    process, search off, no PDF to make again) pays for none of them (70 ms together, and WeasyPrint's second)."""
    add_image(repo, "atelier-code", "atelier.jpg", photo((900, 450)))
    costly = ("PIL.Image", "multiprocessing", "vitrine.outputs.search", "importlib.metadata", "concurrent.futures",
              "weasyprint")
    code = ("import sys, vitrine.cli; status = vitrine.cli.main(['--root', sys.argv[1], 'build', '--no-search', "
            f"'--date', '2022-04-01']); print(status, [m for m in {costly!r} if m in sys.modules])")

    def imported() -> str:
        run = subprocess.run([sys.executable, "-c", code, str(repo)], cwd=REPO, capture_output=True, text=True,
                             check=True)
        return run.stdout.split("\n")[-2]

    # a cold build: the image is processed, the two editions' PDFs made by two spawned processes (which alone
    # import WeasyPrint: the build only finds it)
    assert imported() == "0 ['PIL.Image', 'multiprocessing']"
    edit_body(repo / "content" / "laureates" / "atelier-code.md", "Une phrase de plus.")
    assert imported() == "0 []"



def test_the_quick_check_lists_every_input_once_through_links_and_names_broken_ones(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("m.txt", "a/z.txt", "a/b/c.txt"):
        (tmp_path / name).write_text(name, "utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "a")  # already listed as a/
    (tmp_path / "a" / "b" / "loop").symlink_to(tmp_path)
    (tmp_path / "broken").symlink_to(tmp_path / "nowhere")
    listed = [(Path(path).relative_to(tmp_path).as_posix(), len(signature))
              for path, signature in tree_signatures(tmp_path)]
    assert listed == [("broken", 0), ("m.txt", 4), ("a/z.txt", 4), ("a/b/c.txt", 4)]



def test_a_damaged_record_costs_a_full_rebuild_never_a_wrong_site(corpus: Path) -> None:
    rebuild(corpus)
    [record] = (corpus / ".vitrine-cache").glob("record-site.*")
    record.write_bytes(record.read_bytes()[:len(record.read_bytes()) // 2])  # a build killed while writing it
    edit_body(laureate_file(corpus), "Une phrase ajoutée.")
    report = rebuild(corpus)
    assert report.rendered == report.pages
    assert_same_as_cold_build(corpus)

