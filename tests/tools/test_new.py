"""``new``: complete draft files written from the content contract, and drafts kept out of the published site."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build_in_process, write
from vitrine.content import schema as S


def test_new_laureate_writes_every_schema_field_under_its_description(cli, repo: Path) -> None:
    result = cli(repo, "new", "laureate", "cultures-du-coeur-94")
    assert result.returncode == 0, result.stderr
    assert "Créé : content/laureates/cultures-du-coeur-94.md" in result.stdout
    lines = (repo / "content" / "laureates" / "cultures-du-coeur-94.md").read_text("utf-8").split("\n---\n")[0].splitlines()
    keys = [line.split(":")[0] for line in lines if line and line[0].isalpha() and ":" in line]
    assert keys == S.LAUREATE.names  # every field, in the contract's order
    for f in S.LAUREATE.fields:
        comment = next(i for i, line in enumerate(lines) if line.startswith(f"# {f.description}"))
        key = next(i for i, line in enumerate(lines) if line.startswith(f"{f.name}:"))
        assert comment < key and all(line.startswith("#") for line in lines[comment:key])
    assert "draft: true" in lines


def test_new_laureate_lists_the_real_quartier_and_theme_slugs(cli, repo: Path) -> None:
    cli(repo, "new", "laureate", "projet")
    text = (repo / "content" / "laureates" / "projet.md").read_text("utf-8")
    assert "#     Villeneuve : les-tilleuls (Les Tilleuls), la-gare (La Gare)" in text
    assert "#     Sainte-Rive : le-moulin (Le Moulin)" in text
    assert "#     numerique (Numérique), culture (Culture), emploi (Emploi)" in text
    assert "#   éditions existantes : 2021, 2022" in text
    assert "edition: 2022  # exemple à remplacer\n" in text  # an example: the deployment refuses it until checked


def test_a_new_laureate_is_previewed_with_its_badge_and_never_published(cli, repo: Path) -> None:
    cli(repo, "new", "laureate", "projet")
    preview = build_in_process(repo, out=repo / "preview", drafts=True)
    assert preview.ok, preview.errors
    assert '<p class="badge badge-draft">Brouillon</p>' in (repo / "preview/laureats/projet/index.html").read_text()
    published = build_in_process(repo)
    assert published.ok and not published.warnings
    assert not (repo / "site" / "laureats" / "projet").exists()
    site_text = "".join(p.read_text("utf-8") for p in (repo / "site").rglob("*.html"))
    assert "laureats/projet/" not in site_text and "À compléter" not in site_text
    assert "laureats/projet/" not in (repo / "site" / "sitemap.xml").read_text()


def test_new_edition_and_page_build_as_drafts(cli, repo: Path) -> None:
    assert cli(repo, "new", "edition", "2023").returncode == 0
    assert cli(repo, "new", "page", "contact").returncode == 0
    edition = (repo / "content" / "editions" / "2023.md").read_text("utf-8")
    assert "number: 3\n" in edition and "draft: true\n" in edition  # the number after the last edition's
    for f in S.EDITION.fields:
        assert f"\n{f.name}:" in edition and f"# {f.description}" in edition
    page = (repo / "content" / "pages" / "contact.md").read_text("utf-8")
    assert all(f"\n{f.name}:" in page for f in S.PAGE.fields)
    preview = build_in_process(repo, out=repo / "preview", drafts=True)
    assert preview.ok, preview.errors
    assert (repo / "preview" / "editions" / "2023" / "index.html").is_file()
    assert (repo / "preview" / "contact" / "index.html").is_file()
    assert build_in_process(repo).ok
    assert not (repo / "site" / "editions" / "2023").exists() and not (repo / "site" / "contact").exists()


def test_new_refuses_a_name_that_is_not_a_slug_and_suggests_one(cli, repo: Path) -> None:
    result = cli(repo, "new", "laureate", "Cultures du Cœur 94")
    assert result.returncode == 2
    assert "« Cultures du Cœur 94 » n'est pas un identifiant valide" in result.stderr
    assert "essayez : python build.py new laureate cultures-du-coeur-94" in result.stderr
    assert sorted(p.name for p in (repo / "content" / "laureates").iterdir()) == [
        "atelier-code.md", "cafe-culture.md", "emploi-jeunes.md", "jardin-partage.md", "radio-quartier.md"]


@pytest.mark.parametrize("args, message", [
    (("edition", "23"), "« 23 » n'est pas une année"),
    (("page", "laureats"), "l'adresse /laureats/ est réservée au site"),
    (("auteur", "x"), "Erreur : type de fiche inconnu « auteur »"),
])
def test_new_rejects_misuse_with_exit_2(cli, repo: Path, args: tuple[str, str], message: str) -> None:
    result = cli(repo, "new", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_new_refuses_to_overwrite_with_exit_1(cli, repo: Path) -> None:
    laureate = repo / "content" / "laureates" / "atelier-code.md"
    before = laureate.read_bytes()
    result = cli(repo, "new", "laureate", "atelier-code")
    assert result.returncode == 1
    assert "Refusé : content/laureates/atelier-code.md existe déjà : rien n'a été écrit" in result.stderr
    assert laureate.read_bytes() == before


def test_build_never_publishes_a_draft_even_a_broken_one(repo: Path) -> None:
    write(repo / "content" / "laureates" / "brouillon.md", "---\ntitle: Projet en cours\nporteur: Asso\nedition: 2022\n"
          "quartiers: [les-tilleul]\nthemes: [culture]\nsummary: Résumé.\ndraft: true\n---\nTexte.\n")
    published = build_in_process(repo)
    assert published.ok
    assert [str(w) for w in published.warnings] == [
        "content/laureates/brouillon.md:5: quartiers: brouillon non publié : quartier inconnu « les-tilleul » "
        "— vouliez-vous dire « les-tilleuls » ?"]
    assert not (repo / "site" / "laureats" / "brouillon").exists()
    preview = build_in_process(repo, out=repo / "preview", drafts=True)  # the preview shows it: an error there
    assert [str(e) for e in preview.errors] == [
        "content/laureates/brouillon.md:5: quartiers: quartier inconnu « les-tilleul » "
        "— vouliez-vous dire « les-tilleuls » ?"]
