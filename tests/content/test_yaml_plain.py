"""The plainest front matter, read without LibYAML (``yaml_plain.plain_fields``), reads as LibYAML reads it: the same
values, of the same types, the same lines in the same order; and what it does not read goes the full way, errors
and all. Compared on random texts made of what fields are written with, odd spellings included."""

from __future__ import annotations

import random

import pytest

from vitrine.content import yaml_lines
from vitrine.content.yaml_plain import plain_fields

KEYS = ["title", "porteur", "edition", "summary", "a_b", "on", "null", "Y", "1", "a-b", "<<", "a b", " title", "x" * 70]
VALUES = [
    '"Atelier n°\u00a01207"', '"a # b : c"', '"a \\" b"', '"a \\x41"', "'l''atelier'", "'a \" b'", '"a" # note',
    '"a"  ', "'x'", '""', "''",
    "Association habitant 42", "https://projet-1.vitrine-demo.fr/", "a: b", "a:b", "a #b", "a#b", "C#", "a :",
    "fin:", "a ", "a\u00a0", "\u00a0a", "a\tb", "a\u2028b", "a\u0085b", "\ufeffa", "l'atelier", 'dit "oui"',
    "a, b", "a [b]", "{a}", "a | b > c", "Arts & culture", "Salut !", "*x", "&x", "!x", "!!str 1", "%a", "@a", "`a",
    "-a", "- a", "?a", ":a", ",a", "|", ">", ">-", "|-", ">+", "...", "---", ".", ".5", "~", "=", "<<", "null", "Null",
    "yes", "No", "on", "OFF", "y", "n", "true", "False", "0", "01", "2017", "1_000", "+1", "-1", "0x1F", "0o7", "1:20",
    "1.5", "1e3", "1.0e+3", ".inf", ".NaN", "2017-03-01", "2022-02-30", "2017-03-01 10:00:00", "12345678901234567890",
    "[]", "[ ]", "[a, b]", "[a,b]", "[ a , b ]", "[a, ]", "[, a]", "[a,, b]", "[quartier-22]", "[Ville de Paris, x]",
    "[a  b]", "[2017, 3]", "[yes, no]", "[a: b]", "[a #b]", '["a", b]', "[[a]]", "[a, [b]]", "[-a]", "[- a]", "[?a]",
    "[&a]", "[*a]", "[!a]", "[a&b]", "[a*b]", "[a!]", "[a]b", "[a] # c", "[~]", "[.5]", "[null]", "[a\u00a0]", "[a -b]",
    "a\u00a0b", "« Le projet » : suite", "é", "🙂",
]
GOOD = ['"Atelier n°\u00a01207"', '"a # b : c"', "'a \" b'", "Association habitant 42", "https://a.fr/x", "a:b", "C#",
        "a\u00a0", "l'atelier", 'dit "oui"', "a, b", "a | b > c", "Arts & culture", "Salut !", "2017", "Non", "...",
        "[]", "[a, b]", "[a,b]", "[ a , b ]", "[Ville de Paris, x]", "[a  b]", "[2017, 3]", "[a&b]", "[a!]", "[.]",
        "[a\u00a0]", "[a -b]", "a\u00a0b", "« Le projet » : suite", "é", "🙂", "a\u2027b", "a\u202ab", "[a\u00a0b, é]"]
FOLDED = ["  Un texte : *simple*.", "  **Gras** # pas un commentaire", "   plus loin", " moins", "", "  ", "  a ",
          "  - une liste ?", "  ---", "  # titre", "  a\u00a0", "\tb", "  a: b", "  [a]", "  'q'", '  "q"']


def _random_text(rng: random.Random) -> str:
    rows = []
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        if roll < 0.03:
            rows.append(rng.choice(["# note", "", " ", "---", "  a: 1", "- a"]))
            continue
        key = rng.choice(KEYS[:5]) if rng.random() < 0.9 else rng.choice(KEYS)
        if roll < 0.25:
            rows.append(f"{key}: " + (">-" if rng.random() < 0.8 else rng.choice([">", "|", ">- # c", ">-2", ">-  "])))
            rows += [rng.choice(FOLDED[:2]) if rng.random() < 0.9 else rng.choice(FOLDED) for _ in range(rng.randint(0, 3))]
        else:
            value = rng.choice(GOOD) if rng.random() < 0.8 else rng.choice(VALUES)
            rows.append(f"{key}:" + (" " if rng.random() < 0.9 else rng.choice(["  ", ""])) + value)
    return "\n".join(rows)


def _full(text: str, offset: int) -> object:
    try:
        return yaml_lines._parsed(text, "f.md", offset)
    except Exception as exc:  # noqa: BLE001 - an error of the full way: the plain way must not have read the text
        return type(exc)


def test_the_plainest_fields_read_as_libyaml_reads_them() -> None:
    rng = random.Random(2026)
    read = 0
    for _ in range(40_000):
        text = _random_text(rng)
        offset = rng.choice([0, 1, 7])
        plain = plain_fields(text, offset)
        if plain is None:
            continue
        read += 1
        full = _full(text, offset)
        assert full == (plain[0], plain[1], []), text
        assert list(full[1]) == list(plain[1]), text  # type: ignore[index] - the lines' order too
        assert [type(v) for v in full[0].values()] == [type(v) for v in plain[0].values()], text  # type: ignore[index]
    assert read > 5_000  # the comparison is not vacuous


@pytest.mark.parametrize("text", [
    'title: "Atelier"\nporteur: Association 42\nedition: 2017\nquartiers: [q-1, q-2]\nthemes: []\n'
    "summary: >-\n  Un texte : *simple*.\n  Suite « ici ».\nwebsite: https://a.fr/",
    "title: Accueil\nmenu: 2",
])
def test_front_matter_as_the_corpus_writes_it_is_read_the_plain_way(text: str) -> None:
    assert plain_fields(text, 1) is not None
    assert yaml_lines.parse_yaml(text, "f.md", 1) == (*yaml_lines._parsed(text, "f.md", 1)[:2], [])


@pytest.mark.parametrize("text", [
    "a: 1\na: 2", "a: 2022-02-30", "a: yes", "a: 1.5", "a: ~", "a:", "# note\na: 1", "a: 1\n\nb: 2", "a: x # note",
    'a: "\\x07"', "a: >-\n  b\n   c", "a: >\n  b", "a: [b, ]", "a: b: c", "a:\tb", "a: [yes]", "",
])
def test_what_the_plain_way_does_not_read_goes_the_full_way(text: str, monkeypatch) -> None:
    assert plain_fields(text, 1) is None
    plain_way = yaml_lines.parse_yaml(text, "f.md", 1)
    monkeypatch.setattr(yaml_lines, "plain_fields", lambda _text, _offset: None)
    assert yaml_lines.parse_yaml(text, "f.md", 1) == plain_way
