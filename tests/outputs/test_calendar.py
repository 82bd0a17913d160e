"""The call in the applicant's calendar: ``/appel-a-projets.ics``, read back with the ``icalendar`` library."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest

from conftest import TODAY, build_in_process, make_repo, write

BASE = "https://exemple.test/label/"
EDITION_2022 = "content/editions/2022.md"
LINK = "Ajouter à mon agenda (.ics)"


def events(site: Path) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical((site / "appel-a-projets.ics").read_bytes())
    return list(calendar.walk("VEVENT"))


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {rel}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The small fixture built once for the read-only tests below: (site folder, report)."""
    repo = make_repo(tmp_path_factory.mktemp("calendar"))
    report = build_in_process(repo)
    assert report.ok, report.errors
    return repo / "site", report


def test_every_dated_step_of_every_edition_is_an_all_day_event(built: tuple[Path, object]) -> None:
    site, report = built
    expected = [(edition.year, kind, day) for edition in sorted(report.site.editions, key=lambda e: e.year)
                for kind, day in edition.dates]
    assert [(year, kind) for year, kind, _ in expected] == [
        (2022, "ouverture"), (2022, "cloture"), (2022, "jury"), (2022, "resultats")]
    found = events(site)
    assert [event.decoded("DTSTART") for event in found] == [day for _, _, day in expected]
    assert [event.decoded("DTEND") for event in found] == [day + dt.timedelta(days=1) for _, _, day in expected]
    assert all(type(event.decoded("DTSTART")) is dt.date for event in found)  # all day, no time zone to guess
    assert [str(event["SUMMARY"]) for event in found] == [
        "Ouverture de l’appel à projets 2022 — Site de test",
        "Clôture de l’appel à projets 2022 (date limite de dépôt) — Site de test",
        "Jury de l’appel à projets 2022 — Site de test",
        "Résultats de l’appel à projets 2022 — Site de test"]
    assert [str(event["UID"]) for event in found] == [
        f"{year}-{kind}-label@exemple.test" for year, kind, _ in expected]
    assert {str(event["URL"]) for event in found} == {BASE + "editions/2022/"}
    assert {event.decoded("DTSTAMP") for event in found} == {dt.datetime(2022, 4, 1, tzinfo=dt.timezone.utc)}


def test_the_file_keeps_the_rfc_line_rules(built: tuple[Path, object]) -> None:
    data = (built[0] / "appel-a-projets.ics").read_bytes()
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    assert max(len(line) for line in data.split(b"\r\n")) <= 75  # octets
    assert b" \xe2\x80\x94 Site de test" in data.replace(b"\r\n ", b"")  # the long summary was folded, then unfolds


def test_the_link_is_on_the_home_and_on_the_pages_of_an_edition_with_dates(built: tuple[Path, object]) -> None:
    site, _ = built
    home = (site / "index.html").read_text("utf-8")
    assert f'<a href="appel-a-projets.ics" type="text/calendar">{LINK}</a>' in home
    assert "Jury&nbsp;: le 15\u00a0septembre 2022" in home
    for page in ("editions/2022/index.html", "editions/2022/page/2/index.html"):
        html = (site / page).read_text("utf-8")
        assert LINK in html and "Annonce des lauréats&nbsp;: le 1er\u00a0octobre 2022" in html
    assert LINK not in (site / "editions/2021/index.html").read_text("utf-8")  # nothing of 2021 to add


def test_commas_semicolons_backslashes_and_long_accented_titles_survive(repo: Path) -> None:
    title = "Label « Quartiers, innovation ; solidarité » \\ édition spéciale — " + "é" * 80
    edit(repo, "content/site.yaml", "title: Site de test", f"title: '{title}'")
    report = build_in_process(repo)
    assert report.ok
    title = report.site.config.title  # as the site shows it: French typography applied (a thin space before « ; »)
    data = (repo / "site/appel-a-projets.ics").read_bytes()
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    unfolded = data.replace(b"\r\n ", b"")
    assert b"Quartiers\\, innovation" in unfolded and b"\\; solidarit" in unfolded and b" \\\\ " in unfolded
    assert [str(event["SUMMARY"]) for event in events(repo / "site")][0] == (
        f"Ouverture de l’appel à projets 2022 — {title}")


def test_two_builds_give_the_same_bytes_with_or_without_the_speed_layer(repo: Path, tmp_path: Path) -> None:
    assert build_in_process(repo, out=tmp_path / "a").ok
    assert build_in_process(repo, out=tmp_path / "b", speed=False).ok
    assert build_in_process(repo, out=tmp_path / "a").ok
    first = (tmp_path / "a/appel-a-projets.ics").read_bytes()
    assert first == (tmp_path / "b/appel-a-projets.ics").read_bytes()
    assert b"DTSTAMP:20220401T000000Z\r\n" in first  # the build date, never the clock


def test_it_is_made_again_only_when_the_editions_or_the_build_date_change(repo: Path) -> None:
    assert build_in_process(repo).ok
    edit(repo, "content/laureates/atelier-code.md", "title: Atelier code", "title: Atelier de code")
    report = build_in_process(repo)
    assert report.ok and "appel-a-projets.ics" not in report.written
    edit(repo, EDITION_2022, "jury_date: 2022-09-15", "jury_date: 2022-09-20")
    report = build_in_process(repo)
    assert "appel-a-projets.ics" in report.written
    assert [e.decoded("DTSTART") for e in events(repo / "site")][2] == dt.date(2022, 9, 20)
    report = build_in_process(repo, today=TODAY + dt.timedelta(days=1))
    assert b"DTSTAMP:20220402T000000Z" in (repo / "site/appel-a-projets.ics").read_bytes()


def test_no_dated_edition_no_calendar_and_no_link(repo: Path) -> None:
    write(repo / EDITION_2022, "---\nnumber: 2\n---\nDeuxième édition.\n")
    assert build_in_process(repo).ok
    assert not (repo / "site/appel-a-projets.ics").exists()
    assert LINK not in (repo / "site/index.html").read_text("utf-8")


def test_a_page_may_link_to_the_calendar(repo: Path) -> None:
    edit(repo, EDITION_2022, "Deuxième édition", "Deuxième édition ([agenda](/appel-a-projets.ics))")
    assert build_in_process(repo).ok


@pytest.mark.parametrize(("dates", "expected"), [
    ("jury_date: 2022-06-05\n", ["content/editions/2022.md:5: jury_date: le 2022-06-05 ne vient pas après la clôture "
                                 "de l'appel à projets (2022-06-05)"]),
    ("results_date: 2021-10-01\n", ["content/editions/2022.md:5: results_date: le 2021-10-01 ne vient pas après la "
                                    "clôture de l'appel à projets (2022-06-05)"]),
    ("jury_date: 2022-09-15\nresults_date: 2022-09-01\n", [
        "content/editions/2022.md:6: results_date: les résultats (2022-09-01) précèdent le jury (2022-09-15)"]),
    ("jury_date: 15/09/2022\n", ["content/editions/2022.md:5: jury_date: attendu"]),
])
def test_a_jury_or_results_date_out_of_order_is_refused_at_its_line(repo: Path, dates: str,
                                                                     expected: list[str]) -> None:
    write(repo / EDITION_2022, f"---\nnumber: 2\ncall_opens: 2022-03-01\ncall_closes: 2022-06-05\n{dates}---\nTexte.\n")
    report = build_in_process(repo)
    messages = [re.sub(" — .*", "", str(error)) for error in report.errors]
    assert len(messages) == len(expected)
    assert all(message.startswith(start) for message, start in zip(messages, expected))
    assert not (repo / "site").exists()
