"""The editors' guide quotes the messages the code really writes, and documents every laureate field."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO, build_in_process
from vitrine.content import schema as S
from vitrine.cli import parse

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


def guide_commands(program: str) -> list[str]:
    """Every command the guide tells to type that starts with ``program``: in `code` and in ```sh blocks."""
    guide = GUIDE.read_text("utf-8")
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", guide, flags=re.S))
    blocks = [line.split("  #")[0].strip() for block in re.findall(r"```sh\n(.*?)```", guide, re.S)
              for line in block.splitlines()]
    return [command for command in spans + blocks if command.startswith(program + " ")]


def test_every_vitrine_command_the_guide_quotes_is_one_the_command_line_takes() -> None:
    commands = guide_commands("python build.py")
    assert len(commands) >= 10
    for command in commands:
        words = command.replace("<identifiant>", "mon-projet").replace("<année>", "2024").split()[2:]
        parse(words)  # a command the guide gets wrong raises Misuse (exit 2)
    assert "python build.py build --deploy" in commands  # what the deployment runs


def test_the_guide_starts_with_the_installation_the_readme_gives() -> None:
    guide = GUIDE.read_text("utf-8")
    first = guide.split("\n## Installer (une seule fois)", 1)[1].split("\n## ", 1)[0]
    names = [section.split("\n", 1)[0] for section in guide.split("\n## ")[1:]]
    assert names.index("Installer (une seule fois)") < names.index("Au quotidien")  # after the browser's way
    assert "python -m pip install -c constraints.txt -e ." in first  # the README's install, with the tested versions
    assert "pip install -c constraints.txt -e ." in (REPO / "README.md").read_text("utf-8")
    assert (REPO / "constraints.txt").is_file()
    for step in ("python.org", "Add python.exe to PATH", "`py`", "git clone", "python build.py serve", "macOS"):
        assert step in first, step


def test_the_guide_opens_with_the_web_editor_its_screenshots_and_the_administrators_setup() -> None:
    guide = GUIDE.read_text("utf-8")
    sections = guide.split("\n## ")
    assert sections[1].startswith("Modifier le site depuis le navigateur")
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", sections[1])
    assert len(images) >= 3 and all((GUIDE.parent / image).is_file() for image in images), images
    for step in ("/admin/", "Se connecter avec GitLab", "Téléverser une nouvelle ressource", "Texte alternatif",
                 "position GPS", "Publier maintenant", "l’ancien site reste en ligne"):
        assert step in sections[1], step
    local = next(s for s in sections if s.startswith("L’éditeur web sur votre ordinateur"))
    assert "python build.py serve" in local and "http://127.0.0.1:8000/admin/" in local
    setup = next(s for s in sections if s.startswith("Mise en place de l’éditeur web par l’administrateur"))
    for step in ("Confidential décochée", "**api**", "https://<adresse du site>/admin/", "editor:", "app_id:",
                 "auth_url:", "relais"):
        assert step in setup, step


def test_the_guide_explains_the_gitlab_schedule_step_by_step() -> None:
    guide = GUIDE.read_text("utf-8")
    schedule = guide.split("### Reconstruire le site chaque jour (GitLab)", 1)[1].split("\n## ", 1)[0]
    steps = re.findall(r"^\d\. (.*)", schedule, re.M)
    assert len(steps) >= 5
    for word in ("Build › Pipeline schedules", "New schedule", "Every day", "branche par défaut"):
        assert word in schedule, word
    assert "Build › Pipeline schedules › New schedule" in (REPO / ".gitlab-ci.yml").read_text("utf-8")
