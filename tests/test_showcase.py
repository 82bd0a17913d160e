"""The showcase end to end: every page type built from small fixture content."""

from __future__ import annotations

from pathlib import Path

from conftest import build_in_process, run_cli


def test_build_writes_every_page_type(repo: Path) -> None:
    report = build_in_process(repo)
    site = repo / "site"
    assert report.ok, report.errors
    for page in ["index.html", "laureats/index.html", "laureats/page/2/index.html", "laureats/atelier-code/index.html",
                 "editions/index.html", "editions/2021/index.html", "quartiers/index.html",
                 "quartiers/les-tilleuls/index.html", "thematiques/index.html", "thematiques/culture/index.html",
                 "le-label/index.html", "404.html", "sitemap.xml", "robots.txt", "static/style.css"]:
        assert (site / page).is_file(), page


def test_cli_reports_a_content_error_with_its_line_and_leaves_site_alone(repo: Path) -> None:
    assert run_cli(repo, "build").returncode == 0
    before = (repo / "site" / "index.html").read_bytes()
    laureate = repo / "content" / "laureates" / "atelier-code.md"
    laureate.write_text(laureate.read_text().replace("[les-tilleuls]", "[les-tilleul]"))
    result = run_cli(repo, "build")
    assert result.returncode == 1
    assert ("content/laureates/atelier-code.md:5: quartiers: quartier inconnu « les-tilleul » "
            "— vouliez-vous dire « les-tilleuls » ?") in result.stderr
    assert "Traceback" not in result.stderr
    assert (repo / "site" / "index.html").read_bytes() == before
