"""The editors' notes (``a_confirmer``): validated like any list of texts, listed by ``check`` at their line, never
published; and ``themes.yaml`` under its ``themes:`` key (what the web editor can edit), the former list still read."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from conftest import TODAY, build_in_process, tree_digest, write
from vitrine.pipeline import check

# One note per content type that has them, each with a text found nowhere else, and words a placeholder check
# would flag if it read them (notes are not published, so they are not placeholders).
NOTES = {
    "content/laureates/atelier-code.md": ("---\n", "---\na_confirmer:\n  - \"title : NOTE-LAUREAT à compléter, "
                                          "voir contact@exemple.com\"\n"),
    "content/editions/2021.md": ("---\n", "---\na_confirmer: [\"call_opens : NOTE-EDITION\"]\n"),
    "content/pages/le-label.md": ("---\n", "---\na_confirmer: [\"texte : NOTE-PAGE\"]\n"),
    "content/site.yaml": ("page_size: 2\n", "page_size: 2\na_confirmer: [\"licence : NOTE-SITE\"]\n"),
    "content/territory.yaml": ("      phone: 01 00 00 00 01\n", "      phone: 01 00 00 00 01\n"
                               "      a_confirmer: [\"email : NOTE-CONTACT\"]\n"),
    "content/themes.yaml": ("    description: L'accès à la culture.\n", "    description: L'accès à la culture.\n"
                            "    a_confirmer: [\"name : NOTE-THEME\"]\n"),
}
NESTED = {"contrat": ("  - slug: sud\n", "  - slug: sud\n    a_confirmer: [\"name : NOTE-CONTRAT\"]\n"),
          "quartier": ("        code: QP000001\n", "        code: QP000001\n        a_confirmer: [\"code : NOTE-QUARTIER\"]\n")}


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text("utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def add_notes(repo: Path) -> None:
    for rel, (old, new) in NOTES.items():
        edit(repo, rel, old, new)
    for old, new in NESTED.values():
        edit(repo, "content/territory.yaml", old, new)


def published_text(site: Path) -> str:
    """Every published file as text, the search index's compressed fragments unpacked."""
    texts = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        texts.append((gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8", "replace"))
    return "\n".join(texts)


def test_notes_are_listed_by_check_at_their_line_and_never_published(cli, repo: Path) -> None:
    add_notes(repo)
    result = cli(repo, "check", "--strict", "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr  # notes are reminders, not warnings nor placeholders
    assert "0 erreur(s), 0 avertissement(s), 8 point(s) à confirmer" in result.stdout
    notes = [line for line in result.stdout.splitlines() if line.startswith("à confirmer : ")]
    assert "à confirmer : content/laureates/atelier-code.md:3: a_confirmer[1]: title : NOTE-LAUREAT à compléter, " \
           "voir contact@exemple.com" in notes
    assert "à confirmer : content/territory.yaml:8: contrats_de_ville[1].contact.a_confirmer[1]: email : " \
           "NOTE-CONTACT" in notes
    assert any(n.startswith("à confirmer : content/territory.yaml:") and ".quartiers[1].a_confirmer[1]: code : "
               "NOTE-QUARTIER" in n for n in notes)
    assert "à confirmer : content/themes.yaml:8: themes[2].a_confirmer[1]: name : NOTE-THEME" in notes

    assert cli(repo, "build", "--deploy", "--date", TODAY.isoformat()).returncode == 0
    published = published_text(repo / "site")
    assert "NOTE-" not in published and "a_confirmer" not in published  # pages, open data, feed, search, JSON-LD
    package = json.loads((repo / "site/donnees/datapackage.json").read_text("utf-8"))  # the Table Schema
    assert package["resources"] and "a_confirmer" not in json.dumps(package)


def test_a_note_is_a_list_of_texts(repo: Path) -> None:
    edit(repo, "content/laureates/atelier-code.md", "---\n", "---\na_confirmer: 2019\n")
    edit(repo, "content/editions/2021.md", "---\n", "---\na_confirmer:\n  - [une, liste]\n")
    problems = [str(e) for e in check(repo, TODAY).errors]
    assert problems == [
        "content/editions/2021.md:2: a_confirmer: attendu : une liste de textes : élément invalide une liste — par "
        "exemple « a_confirmer: [\"edition : lauréat de 2018 ou de 2019, la source ne le précise pas\"] »",
        "content/laureates/atelier-code.md:2: a_confirmer: attendu : une liste de textes, trouvé le nombre 2019 "
        "— par exemple « a_confirmer: [\"edition : lauréat de 2018 ou de 2019, la source ne le précise pas\"] »"]


def test_themes_under_their_key_are_read_without_warning(repo: Path) -> None:
    assert (repo / "content/themes.yaml").read_text("utf-8").startswith("themes:\n")
    report = check(repo, TODAY)
    assert report.errors == () and report.warnings == ()


def test_the_former_themes_list_is_still_read_with_a_warning_naming_the_fix(cli, repo: Path) -> None:
    themes = repo / "content/themes.yaml"
    themes.write_text("".join(line.removeprefix("  ") + "\n" for line in themes.read_text("utf-8").splitlines()[1:]),
                      "utf-8")
    result = cli(repo, "check", "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert ("avertissement : content/themes.yaml:1: fichier: ancienne forme : la liste des thématiques sans la clé "
            "« themes: »") in result.stderr
    assert "ajoutez une ligne « themes: » tout en haut" in result.stderr
    assert cli(repo, "build", "--date", TODAY.isoformat()).returncode == 0
    assert "Culture" in (repo / "site/thematiques/culture/index.html").read_text("utf-8")


def test_an_empty_themes_key_is_refused(repo: Path) -> None:
    write(repo / "content/themes.yaml", "themes: []\n")
    assert "content/themes.yaml:1: themes: au moins une thématique attendue" in [
        str(e).split(" — ")[0] for e in check(repo, TODAY).errors]


def test_editing_a_note_changes_no_published_byte_on_the_fast_path(repo: Path) -> None:
    assert build_in_process(repo).ok
    before = tree_digest(repo / "site")
    edit(repo, "content/laureates/atelier-code.md", "---\n", "---\na_confirmer: [\"porteur : NOTE-RAPIDE\"]\n")
    report = build_in_process(repo)  # the speed layer: one laureate edited in place
    assert report.ok and report.written == ()
    assert tree_digest(repo / "site") == before
    assert build_in_process(repo, out=repo / "cold", speed=False).ok
    assert tree_digest(repo / "cold") == before
