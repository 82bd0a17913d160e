"""``check``: the build's validation without writing anything, its warnings, notes and exit codes."""

from __future__ import annotations

import random
import re
from pathlib import Path

from PIL import Image

from conftest import TODAY, build_in_process, run_cli, write
from vitrine.pipeline import check

LAUREATE = "content/laureates/atelier-code.md"


def lines(problems) -> list[str]:
    return [str(p) for p in problems]


def set_field(repo: Path, path: str, line: str) -> None:
    """Add a front-matter line after the first ``---`` of a content file."""
    file = repo / path
    file.write_text(file.read_text("utf-8").replace("---\n", f"---\n{line}\n", 1), "utf-8")


def image(path: Path, width: int, height: int, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (width, height), (200, 120, 40)).save(path, fmt)


def test_check_is_clean_on_fixture_content_and_writes_no_site(cli, repo: Path) -> None:
    result = cli(repo, "check", "--strict", "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert "Contenu valide : 0 erreur(s), 0 avertissement(s), 0 point(s) à confirmer." in result.stdout
    assert not (repo / "site").exists()


def test_check_passes_on_the_shipped_content_listing_what_is_to_confirm(shipped_repo: Path) -> None:
    result = run_cli(shipped_repo, "check")
    assert result.returncode == 0, result.stderr
    texts = {path.relative_to(shipped_repo).as_posix(): path.read_text("utf-8").splitlines()
             for path in sorted((shipped_repo / "content").rglob("*")) if path.suffix in (".md", ".yaml")}
    # The web editor drops YAML comments when it saves: the shipped notes are entries of « a_confirmer »
    assert not [line for lines in texts.values() for line in lines if re.search(r"#\s*À confirmer", line)]
    notes = [line.removeprefix("à confirmer : ") for line in result.stdout.splitlines()
             if line.startswith("à confirmer : ")]
    assert len(notes) == 14  # the shipped content keeps what its sources do not say
    for note in notes:
        path, number, field, text = note.split(":", 3)
        assert field.endswith("]") and "a_confirmer[" in field, note
        line = texts[path][int(number) - 1].strip()  # at its line, as written (the editor folds long ones)
        assert line.startswith('- "') and text.strip().startswith(line[3:].removesuffix('"')), note
    # Its only warnings are the placeholders its sources leave to fill (contact address, publisher, host…):
    # valid, not yet publishable; --strict, like the deployment, refuses them.
    assert "0 erreur(s), 4 avertissement(s)" in result.stdout and "pas encore publiable" in result.stdout
    assert all("laissé" in line for line in result.stderr.splitlines())
    assert run_cli(shipped_repo, "check", "--strict").returncode == 1


def test_confirm_markers_are_notes_located_at_their_line_and_field(cli, repo: Path) -> None:
    set_field(repo, LAUREATE, "# À confirmer : le nom exact du porteur,\n# écrit sur deux lignes.")
    territory = repo / "content" / "territory.yaml"
    territory.write_text(territory.read_text().replace("        code: QP000001\n",
                                                       "        # À confirmer : code.\n        code: QP000001\n"))
    body = repo / "content" / "pages" / "le-label.md"
    body.write_text(body.read_text() + "\n<!-- À confirmer : le montant\ndu soutien. -->\n")
    report = check(repo, TODAY)
    assert lines(report.notes) == [
        "content/laureates/atelier-code.md:2: title: le nom exact du porteur, écrit sur deux lignes.",
        "content/pages/le-label.md:7: texte: le montant du soutien.",
        "content/territory.yaml:12: contrats_de_ville[1].quartiers[1].code: code."]
    assert report.warnings == () and report.errors == ()
    assert cli(repo, "check", "--strict", "--date", TODAY.isoformat()).returncode == 0  # notes never fail


def test_check_warns_about_a_summary_too_long_for_a_card(repo: Path) -> None:
    file = repo / LAUREATE
    file.write_text(file.read_text().replace("summary: Le projet Atelier code, porté par Association Alpha.",
                                             "summary: " + "x" * 201))
    assert lines(check(repo, TODAY).warnings) == [
        "content/laureates/atelier-code.md:7: summary: résumé de 201 caractères, trop long pour une carte (200 au plus)"
        " — gardez l'essentiel en une ou deux phrases ; le détail va dans le texte de la fiche"]


def test_check_warns_about_heavy_and_narrow_images(repo: Path) -> None:
    media = repo / "content" / "media"
    media.mkdir(exist_ok=True)
    noise = random.Random(0).randbytes(1000 * 800 * 3)  # incompressible: a 2.4 MB PNG
    Image.frombytes("RGB", (1000, 800), noise).save(media / "lourde.png")
    image(media / "petite.png", 320, 200, "PNG")
    image(media / "bonne.jpg", 800, 500, "JPEG")
    for path, name in [(LAUREATE, "lourde.png"), ("content/laureates/cafe-culture.md", "petite.png"),
                       ("content/laureates/jardin-partage.md", "bonne.jpg")]:
        set_field(repo, path, f"image: media/{name}\nimage_alt: Une photo\nimage_credit: © Camille")
    report = check(repo, TODAY)
    assert report.errors == ()
    assert lines(report.warnings) == [
        "content/laureates/atelier-code.md:2: image: image lourde pour le dépôt : 2,4 Mo, 2,0 Mo au plus "
        "— le site n'en publie que des copies réduites, mais l'original reste pour toujours dans l'historique git "
        "du dépôt : avant de l'ajouter, enregistrez-la en JPEG, qualité 85 (le site n'y perd rien)",
        "content/laureates/cafe-culture.md:2: image: image trop petite pour une carte : 320 pixels de large, "
        "640 au moins — le site ne peut pas l'agrandir sans flou : demandez l'original de la photo, au moins 1200 "
        "pixels de large pour la plus nette"]


def test_check_reports_an_unreadable_image_as_the_build_does(repo: Path) -> None:
    write(repo / "content" / "media" / "cassee.jpg", "pas une image")
    set_field(repo, LAUREATE, "image: media/cassee.jpg\nimage_alt: Une photo\nimage_credit: © Camille")
    [error] = check(repo, TODAY).errors
    [built] = build_in_process(repo).errors
    assert (error.path, error.line, error.field) == (built.path, built.line, built.field) == (
        "content/media/cassee.jpg", 1, "fichier")
    assert error.message.startswith("image illisible")


def test_check_warns_about_media_files_nothing_uses(repo: Path) -> None:
    media = repo / "content" / "media"
    for name in ["orpheline.pdf", "guide.pdf", "plan_acces.pdf", "affiche.pdf", "pour-un-brouillon.pdf",
                 "docs/plan.pdf"]:  # names with spaces or « % » are refused (tests/content/test_media_safety.py)
        write(media / name, "%PDF-1.4")
    body = repo / "content" / "pages" / "le-label.md"
    body.write_text(body.read_text() + "\n[Le guide](/media/guide.pdf), [l'affiche](media/affiche.pdf), "
                    "[le plan](/media/plan_acces.pdf).\n")
    write(repo / "content" / "pages" / "brouillon.md", "---\ntitle: Bientôt\ndraft: true\n---\n"
          "[Document](/media/pour-un-brouillon.pdf)\n")
    assert lines(check(repo, TODAY).warnings) == [
        "content/media/docs/plan.pdf:1: fichier: fichier de content/media/ utilisé nulle part — liez-le depuis une "
        "fiche (champ image ou documents, ou lien Markdown [texte](/media/…)) ou supprimez-le",
        "content/media/orpheline.pdf:1: fichier: fichier de content/media/ utilisé nulle part — liez-le depuis une "
        "fiche (champ image ou documents, ou lien Markdown [texte](/media/…)) ou supprimez-le"]


def test_check_warns_about_a_past_call_still_shown_open(repo: Path) -> None:
    set_field(repo, "content/editions/2021.md", "call_opens: 2021-02-01")
    set_field(repo, "content/editions/2022.md", "")  # the current edition keeps both dates: no warning
    assert lines(check(repo, TODAY).warnings) == [
        "content/editions/2021.md:2: call_opens: appel à projets affiché « ouvert » sans date limite, alors que "
        "l'édition 2021 est passée — ajoutez « call_closes: AAAA-MM-JJ », la date limite réelle de dépôt"]


def test_a_current_call_without_closing_date_is_not_warned(repo: Path) -> None:
    edition = repo / "content" / "editions" / "2022.md"
    edition.write_text(edition.read_text().replace("call_closes: 2022-06-05\n", ""))
    assert check(repo, TODAY).warnings == ()
    assert len(check(repo, TODAY.replace(year=2023)).warnings) == 1  # a year later, it surely closed


def test_check_warns_about_a_placeholder_left_in_a_published_file(cli, repo: Path) -> None:
    cli(repo, "new", "laureate", "projet")
    assert check(repo, TODAY).warnings == ()  # a draft may keep them
    file = repo / "content" / "laureates" / "projet.md"
    file.write_text(file.read_text().replace("draft: true", "draft: false"))
    assert lines(check(repo, TODAY).warnings) == [
        f"content/laureates/projet.md:{n}: {field}: texte « À compléter » laissé en place "
        "— remplacez-le par le vrai texte avant de publier"
        for n, field in [(6, "title"), (8, "porteur")]] + [
        f"content/laureates/projet.md:{n}: {field}: valeur d'exemple écrite par « new » laissée en place "
        "— remplacez-la par la vraie valeur, puis retirez le commentaire « # exemple à remplacer »"
        for n, field in [(11, "edition"), (16, "quartiers"), (20, "themes")]] + [
        f"content/laureates/projet.md:{n}: {field}: texte « À compléter » laissé en place "
        "— remplacez-le par le vrai texte avant de publier"
        for n, field in [(22, "summary"), (46, "texte")]]  # the body: below the notes (« a_confirmer »)


def test_warnings_pass_check_but_fail_check_strict(cli, repo: Path) -> None:
    write(repo / "content" / "media" / "orpheline.pdf", "%PDF-1.4")
    result = cli(repo, "check", "--date", TODAY.isoformat())
    assert result.returncode == 0
    assert "avertissement : content/media/orpheline.pdf:1: fichier:" in result.stderr
    strict = cli(repo, "check", "--strict", "--date", TODAY.isoformat())
    assert strict.returncode == 1
    assert "avec --strict, les avertissements comptent comme des erreurs" in strict.stderr


def test_check_reports_content_and_template_errors_with_exit_1(cli, repo: Path) -> None:
    file = repo / LAUREATE
    file.write_text(file.read_text().replace("[les-tilleuls]", "[les-tilleul]"))
    result = cli(repo, "check", "--date", TODAY.isoformat())
    assert result.returncode == 1
    assert ("content/laureates/atelier-code.md:5: quartiers: quartier inconnu « les-tilleul » "
            "— vouliez-vous dire « les-tilleuls » ?") in result.stderr
    file.write_text(file.read_text().replace("[les-tilleul]", "[les-tilleuls]"))
    templates = repo / "templates"
    for template in (Path(__file__).parents[2] / "templates").rglob("*"):
        if template.is_file():
            write(templates / template.relative_to(Path(__file__).parents[2] / "templates"), template.read_text())
    write(templates / "page.html", '{% extends "base.html" %}{% block content %}{{ page.titre }}{% endblock %}')
    result = cli(repo, "check", "--date", TODAY.isoformat())
    assert result.returncode == 1
    assert "templates/page.html:1: template:" in result.stderr and "titre" in result.stderr
    assert not (repo / "site").exists()


def test_check_rejects_an_unknown_option_with_exit_2(cli, repo: Path) -> None:
    assert cli(repo, "check", "--stricte").returncode == 2
