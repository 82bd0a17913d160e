"""The call for projects in the applicant's calendar: ``/appel-a-projets.ics`` (iCalendar, RFC 5545).

One all-day event per dated step of each edition's call (opening, closing, jury, results), each with a link to
the edition's page. Written by hand: the format is a few lines, and its rules that matter here (CRLF, lines
folded at 75 octets, text escaping) are below. The file must not depend on the clock: ``DTSTAMP`` is the build
date (``--date``/``SOURCE_DATE_EPOCH``); UIDs are the edition's year, the step and the site's address, so a
calendar that subscribed updates each event instead of adding it twice.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Iterator
from urllib.parse import urlsplit

from vitrine.content.model import Edition, Site
from vitrine.site.pages import CALENDAR_PATH

_SUMMARIES = {
    "ouverture": "Ouverture de l’appel à projets {year}",
    "cloture": "Clôture de l’appel à projets {year} (date limite de dépôt)",
    "jury": "Jury de l’appel à projets {year}",
    "resultats": "Résultats de l’appel à projets {year}",
}
_LINE_OCTETS = 75  # RFC 5545 §3.1: longer lines are folded (CRLF then one space)
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # never in a content line; newlines are escaped before


def exports(site: Site, today: dt.date) -> dict[str, Callable[[], bytes]]:
    """The calendar, when at least one edition has a date (RFC 5545 wants one event or more in a calendar)."""
    return {CALENDAR_PATH: lambda: calendar(site, today)} if has_calendar(site) else {}


def has_calendar(site: Site) -> bool:
    return any(edition.dates for edition in site.editions)


def calendar(site: Site, today: dt.date) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Vitrine//Appel à projets//FR", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(site.config.title)}"]
    stamp = f"{today:%Y%m%d}T000000Z"
    for edition in sorted(site.editions, key=lambda e: e.year):
        lines += _events(site, edition, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode()


def _events(site: Site, edition: Edition, stamp: str) -> Iterator[str]:
    config = site.config
    for kind, day in edition.dates:
        summary = f"{_SUMMARIES[kind].format(year=edition.year)} — {config.title}"
        yield from ("BEGIN:VEVENT", f"UID:{uid(config.base_url, edition.year, kind)}", f"DTSTAMP:{stamp}",
                    f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                    f"SUMMARY:{escape(summary)}", f"URL:{config.base_url}editions/{edition.year}/",
                    "TRANSP:TRANSPARENT", "END:VEVENT")


def uid(base_url: str, year: int, kind: str) -> str:
    """``2022-ouverture@www.exemple.fr``; a site under a path adds it (two labels on one host stay apart)."""
    address = urlsplit(base_url)
    path = "-".join(part for part in address.path.split("/") if part)
    return f"{year}-{kind}{'-' + path if path else ''}@{address.hostname}"


def escape(text: str) -> str:
    """RFC 5545 §3.3.11: backslash, semicolon, comma and newline escaped; other control characters dropped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """RFC 5545 §3.1: at most 75 octets a line, continued by CRLF and one space; never inside a character."""
    data = line.encode()
    if len(data) <= _LINE_OCTETS:
        return line
    pieces, start, limit = [], 0, _LINE_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a UTF-8 continuation octet: cut before its character
            end -= 1
        pieces.append(data[start:end].decode())
        start, limit = end, _LINE_OCTETS - 1  # continuation lines start with the space
    return "\r\n ".join(pieces)
