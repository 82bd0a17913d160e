"""An optional field left empty (« video: "" », what the web editor writes when a field is cleared) is absent,
as « video: » is; a required one is still refused, at its own line."""

from __future__ import annotations

from pathlib import Path

from test_validate import edit, problems

ATELIER = "content/laureates/atelier-code.md"


def test_optional_fields_cleared_in_the_editor_are_absent(repo: Path) -> None:
    edit(repo, ATELIER, "partners:", 'video: ""\nsupport: "  "\nimage_credit: ""\npartners:')
    found = problems(repo)
    # an empty credit without a photo is no « credit without a photo » either: absent, like the others
    assert found == [], found


def test_a_required_field_cleared_in_the_editor_is_refused_at_its_line(repo: Path) -> None:
    edit(repo, ATELIER, "porteur: Association Alpha", 'porteur: ""')
    found = problems(repo)
    assert any(line.startswith(f"{ATELIER}:") and ": porteur: " in line for line in found), found


def test_an_empty_credit_beside_a_photo_is_refused_at_the_credit_line(repo: Path) -> None:
    (repo / "content/media").mkdir(exist_ok=True)
    (repo / "content/media/atelier.jpg").write_text("validation does not open it", "utf-8")
    edit(repo, ATELIER, "partners:", 'image: media/atelier.jpg\nimage_alt: Des enfants\nimage_credit: ""\npartners:')
    [found] = problems(repo)
    assert found.startswith(f"{ATELIER}:11: image_credit: crédit photo manquant"), found
