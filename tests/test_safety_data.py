"""Issue 13, the data helper's items: what a hostile or careless file gets, as the editor and the reuser see it.

CSV cells a spreadsheet would run, invisible characters in one-line fields, non-HTML outputs escaped as HTML,
an edition year out of range, messages that give the editor her own value back, the advice for a heavy photo,
and messages that never carry a library's words.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import build_in_process, make_repo, write

LAUREATE = "content/laureates/atelier-code.md"
ENGLISH = re.compile(r"\b(?:found|expected|while|scanning|parsing|exceeded|character|mapping|sequence)\b")


def errors_of(root: Path) -> list[str]:
    report = build_in_process(root)
    assert not report.ok
    return [str(e) for e in report.errors]


def replace_in(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


# --- Messages never carry the YAML library's words (item 7) ---

@pytest.mark.parametrize("brackets", [1_000, 100_000])
def test_deep_brackets_on_one_line_get_vitrines_own_message_at_their_line(repo: Path, brackets: int) -> None:
    """LibYAML reads ahead on a line of « [ » and hits its own limit (PyYAML 6.0.4) before Vitrine's check."""
    replace_in(repo, LAUREATE, "themes: [numerique]", "themes: " + "[" * brackets + "]" * brackets)
    errors = errors_of(repo)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{LAUREATE}:6: yaml: YAML invalide : listes ou groupes imbriqués trop profondément")
    assert "exceeded" not in errors[0]


@pytest.mark.parametrize("text", [
    "[" + "[a], " * 300 + "b]",  # many brackets: the scan runs, then the parser's events
    "'" + "[" * 400 + "'",  # brackets in a quoted text, a comment, a block scalar or a plain text are not collections
    "texte [" + "[" * 400,
], ids=["side-by-side", "quoted", "plain"])
def test_many_brackets_that_are_not_deep_collections_are_not_refused_as_deep(repo: Path, text: str) -> None:
    replace_in(repo, LAUREATE, "summary: Le projet Atelier code, porté par Association Alpha.",
               f"summary: Un résumé.\nimage_alt: {text}\n# {'[' * 300}\nwebsite_note: |\n  {'{' * 300}")
    errors = "\n".join(errors_of(repo))
    assert "imbriqués" not in errors
    assert "image_alt" in errors and "website_note" in errors  # refused for what they are


@pytest.mark.parametrize("line, expected", [
    ('porteur: "Alpha \\q"', "séquence « \\ » inconnue"),
    ("porteur: - Alpha", "tiret « - » inattendu"),
    ("porteur: !<x y> Alpha", "YAML invalide : syntaxe non reconnue"),
])
def test_yaml_problems_are_told_in_french_at_their_line(repo: Path, line: str, expected: str) -> None:
    replace_in(repo, LAUREATE, "porteur: Association Alpha", line)
    errors = errors_of(repo)
    assert len(errors) == 1 and errors[0].startswith(f"{LAUREATE}:3: yaml: "), errors
    assert expected in errors[0]
    assert not ENGLISH.search(errors[0]), errors[0]
