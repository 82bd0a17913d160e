"""A laureate's fields, checked where it is read (in the reading workers), are what validation would check."""

from __future__ import annotations

import dataclasses

from vitrine.content.fields import Media, References
from vitrine.content.read import parse_source
from vitrine.content.validate import _laureate


def test_a_laureates_fields_checked_when_read_are_those_validation_checks() -> None:
    raw = ("---\ntitle: L'atelier « vélo »\nporteur: Asso\nedition: 2024\nquartiers: [nord, nord]\nthemes: [x]\n"
           'summary: "Un résumé : court"\nunknown: 1\n---\nTexte.\n').encode()
    read = parse_source("content/laureates/a.md", "laureate", raw)
    assert read.fields is not None
    refs = References({"nord": "Nord"}), References({"x": "X"}), References({2024: "2024"})
    checked_when_read = _laureate(read, *refs, set(), Media(frozenset()))
    not_checked = _laureate(dataclasses.replace(read, fields=None), *refs, set(), Media(frozenset()))
    assert checked_when_read == not_checked and checked_when_read[1]  # the same errors, in the same order
    assert read.fields[0] is not None and read.fields[0]["quartiers"] == ["nord", "nord"]  # the file's own values
