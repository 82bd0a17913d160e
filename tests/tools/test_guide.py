"""The editors' guide quotes the messages the code really writes, and documents every laureate field."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO, build_in_process
from vitrine.content import schema as S

GUIDE = REPO / "docs" / "guide-redaction.md"
# The mistakes the guide's « dix erreurs » section shows, made on the small fixture: (file, before, after).
MISTAKES = [
    ("laureates/atelier-code.md", "[les-tilleuls]", "[les-tilleul]"),
    ("laureates/atelier-code.md", "themes: [numerique]", "themes: [numérique]"),
    ("laureates/cafe-culture.md", "summary:", "sumary:"),
    ("laureates/emploi-jeunes.md", "title: Emploi des jeunes", "title: Emploi des jeunes : un pari"),
    ("laureates/jardin-partage.md", "quartiers: [le-moulin]", "quartiers: le-moulin"),
    ("laureates/jardin-partage.md", "summary: Le projet Jardin partagé, porté par Collectif Gamma.",
     "summary: " + "Un jardin partagé au pied des immeubles. " * 8),
    ("laureates/radio-quartier.md", "edition: 2022", "edition: 2024"),
    ("laureates/radio-quartier.md", "summary:", "image: media/radio.jpg\nsummary:"),
    ("editions/2022.md", "call_closes: 2022-06-05", "call_closes: 5 juin 2022"),
    ("pages/le-label.md", "menu: 1\n---\n", "menu: 1\n"),
]


def quoted_lines(section: str, prefix: str) -> list[str]:
    """Lines of the guide's ```text blocks, in the section titled ``section``, that start with ``prefix``."""
    text = GUIDE.read_text("utf-8").split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```text\n(.*?)```", text, re.S)
    return [line for block in blocks for line in block.splitlines() if line.startswith(prefix)]


def test_the_ten_errors_of_the_guide_are_the_messages_the_build_writes(repo: Path) -> None:
    for name, before, after in MISTAKES:
        path = repo / "content" / name
        text = path.read_text("utf-8")
        assert before in text, (name, before)
        path.write_text(text.replace(before, after, 1), "utf-8")
    written = {str(error) for error in build_in_process(repo).errors}
    quoted = quoted_lines("Les dix erreurs les plus fréquentes", "content/")
    assert len(quoted) >= 10
    assert [line for line in quoted if line not in written] == []


def test_the_guide_quotes_the_real_refusal_of_a_name_that_is_not_a_slug(cli, repo: Path) -> None:
    [quoted] = quoted_lines("Ajouter un lauréat, pas à pas", "Erreur :")
    assert cli(repo, "new", "laureate", "Cultures du Cœur 94").stderr.strip() == quoted


def test_the_guide_explains_every_laureate_field_with_an_example() -> None:
    guide = GUIDE.read_text("utf-8")
    for f in S.LAUREATE.fields:
        assert f"- `{f.name}`" in guide, f.name
