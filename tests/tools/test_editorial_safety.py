"""Editorial safety (issue 13): placeholders never go live, the command line answers in French, and a fresh machine
installs the tested versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from conftest import REPO, TODAY, build_in_process, tree_digest, write
from vitrine.options import BuildOptions
from vitrine.pipeline import build
from vitrine.speed.state import BuildState
from vitrine.pipeline import check

DATE = ("--date", TODAY.isoformat())
LAUREATE = "content/laureates/atelier-code.md"


def replace_in(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text("utf-8")
    assert old in text, (path, old)
    file.write_text(text.replace(old, new, 1), "utf-8")


def with_placeholders(repo: Path) -> None:
    """What the shipped content leaves to fill, on the small fixture: an example address, « à compléter »."""
    replace_in(repo, "content/site.yaml", "contact_email: contact@exemple.test",
               "contact_email: contact@a-confirmer.invalid")
    write(repo / "content/pages/mentions-legales.md",
          "---\ntitle: Mentions légales\n# À confirmer : l'hébergeur.\n---\nÉditeur : EPT.\n\n"
          "- Directeur de la publication : à compléter.\n- Hébergement : A COMPLETER\n")


# --- placeholders: listed by build and check, refused by build --deploy ---------------------------------------------

def test_deploy_refuses_placeholders_with_the_list_of_what_to_fill_and_leaves_site_untouched(cli, repo: Path) -> None:
    assert cli(repo, "build", *DATE).returncode == 0
    published = tree_digest(repo / "site")
    with_placeholders(repo)
    result = cli(repo, "build", "--deploy", *DATE)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("content/")] == [
        "content/pages/mentions-legales.md:7: texte: texte « à compléter » laissé en place "
        "— remplacez-le par le vrai texte avant de publier",
        "content/pages/mentions-legales.md:8: texte: texte « A COMPLETER » laissé en place "
        "— remplacez-le par le vrai texte avant de publier",
        "content/site.yaml:7: contact_email: adresse d'exemple « contact@a-confirmer.invalid » laissée en place : "
        "ce domaine est réservé aux exemples et n'existe pas — remplacez-la par la vraie adresse avant de publier"]
    assert "3 valeur(s) provisoire(s) à remplacer" in result.stderr
    assert "rien n'a été publié, site/ est inchangé" in result.stderr
    assert tree_digest(repo / "site") == published


def test_the_default_build_publishes_and_lists_placeholders_as_warnings(cli, repo: Path) -> None:
    with_placeholders(repo)
    result = cli(repo, "build", *DATE)
    assert result.returncode == 0
    assert ("avertissement : content/site.yaml:7: contact_email: adresse d'exemple « contact@a-confirmer.invalid »"
            in result.stderr)
    assert "3 valeur(s) provisoire(s) à remplacer avant de publier" in result.stderr
    assert "contact@a-confirmer.invalid" in (repo / "site" / "index.html").read_text("utf-8")
    # Built already, nothing changed: the deployment still refuses (the recorded build's list), site/ as it was.
    published = tree_digest(repo / "site")
    deploy = cli(repo, "build", "--deploy", *DATE)
    assert deploy.returncode == 1 and "content/site.yaml:7: contact_email:" in deploy.stderr
    assert tree_digest(repo / "site") == published


def test_check_lists_placeholders_strict_fails_and_confirm_notes_stay_notes(cli, repo: Path) -> None:
    with_placeholders(repo)
    result = cli(repo, "check", *DATE)
    assert result.returncode == 0
    assert "avertissement : content/pages/mentions-legales.md:7: texte: texte « à compléter »" in result.stderr
    assert "pas encore publiable : 3 valeur(s) provisoire(s) à remplacer" in result.stdout
    assert "à confirmer : content/pages/mentions-legales.md:3: fichier: l'hébergeur." in result.stdout
    assert cli(repo, "check", "--strict", *DATE).returncode == 1


@pytest.mark.parametrize("line, found", [
    ("summary: a completer", "a completer"),
    ("summary: À COMPLÉTER", "À COMPLÉTER"),
    ("summary: \"Résumé : à compléter\"", "à compléter"),
    ("summary: Un projet (a\u0300 comple\u0301ter).", "a\u0300 comple\u0301ter"),  # accents typed apart (NFD)
    ("summary: Le XX juin, au centre social.", "XX"),
    ("summary: Ouverture le XXX.", "XXX"),
    ("summary: TODO", "TODO"),
    ("summary: Lorem ipsum dolor sit amet.", "Lorem ipsum"),
    ("website: https://www.exemple.fr/", "https://www.exemple.fr"),
    ("website: https://projet.example/", "https://projet.example"),
    ("website: https://example.org/projet", "https://example.org"),
    ("website: http://localhost:8000/laureats/", "http://localhost"),
    ("partners: [Ville, contact@example.com]", "contact@example.com"),
])
def test_every_kind_of_placeholder_is_found_in_any_field(repo: Path, line: str, found: str) -> None:
    key = line.split(":", 1)[0]
    fields = ["title: Essai", "porteur: Asso", "edition: 2021", "quartiers: [les-tilleuls]", "themes: [numerique]",
              "summary: Un résumé."]
    kept = [field for field in fields if not field.startswith(f"{key}:")]
    write(repo / "content/laureates/essai.md", "---\n" + "\n".join([line] + kept) + "\n---\nTexte.\n")
    warnings = [str(w) for w in check(repo, TODAY).warnings]
    assert [w for w in warnings if w.startswith(f"content/laureates/essai.md:2: {key}") and f"« {found} »" in w], \
        warnings


@pytest.mark.parametrize("body", [
    "Téléchargez le formulaire à compléter et à renvoyer.",  # a sentence, not a placeholder
    "Une fresque du XXe siècle, 20 ateliers.",
    "<!-- À confirmer : le contact, peut-être contact@a-confirmer.invalid ; à compléter. -->\nTexte.",
    "Écrivez-nous : contact@grandorlyseinebievre.fr.",
])
def test_text_that_only_looks_like_a_placeholder_is_not_one(cli, repo: Path, body: str) -> None:
    write(repo / LAUREATE, (repo / LAUREATE).read_text("utf-8") + "\n" + body + "\n")
    assert check(repo, TODAY).warnings == ()
    assert cli(repo, "build", "--deploy", *DATE).returncode == 0


def test_a_draft_may_keep_its_placeholders_and_the_deployment_publishes_without_it(cli, repo: Path) -> None:
    assert cli(repo, "new", "laureate", "projet").returncode == 0
    assert cli(repo, "build", "--deploy", *DATE).returncode == 0
    assert not (repo / "site" / "laureats" / "projet").exists()


def test_the_example_values_new_writes_are_refused_until_replaced(cli, repo: Path) -> None:
    assert cli(repo, "new", "lauréat", "projet").returncode == 0
    path = repo / "content" / "laureates" / "projet.md"
    text = path.read_text("utf-8")
    for field in ("title", "porteur", "summary"):
        text = text.replace(f'{field}: "À compléter"', f"{field}: Un vrai {field}")
    text = re.sub(r"^À compléter.*$", "Le vrai texte.", text, flags=re.M).replace("draft: true", "draft: false")
    path.write_text(text, "utf-8")
    result = cli(repo, "build", "--deploy", *DATE)
    assert result.returncode == 1
    refused = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert [line.split(": ", 2)[:2] for line in refused] == [
        ["content/laureates/projet.md:11", "edition"], ["content/laureates/projet.md:16", "quartiers"],
        ["content/laureates/projet.md:20", "themes"]]
    assert all("valeur d'exemple écrite par « new »" in line and "# exemple à remplacer" in line for line in refused)
    path.write_text(text.replace("  # exemple à remplacer", ""), "utf-8")  # checked, and kept
    assert cli(repo, "build", "--deploy", *DATE).returncode == 0
    assert (repo / "site" / "laureats" / "projet" / "index.html").is_file()


def test_an_edit_patched_into_the_last_build_finds_and_forgets_its_placeholders(cli, repo: Path) -> None:
    assert build_in_process(repo).ok
    replace_in(repo, LAUREATE, "summary: Le projet Atelier code", "summary: À compléter. Le projet Atelier code")
    report = build_in_process(repo)
    assert report.reads == 1 and report.fingerprinted < report.pages  # the edit fast path (delta)
    expected = [f"{LAUREATE}:7: summary: texte « À compléter » laissé en place "
                "— remplacez-le par le vrai texte avant de publier"]
    assert [str(p) for p in report.placeholders] == expected
    assert [str(p) for p in build_in_process(repo).placeholders] == expected  # nothing changed: the record's
    deploy = cli(repo, "build", "--deploy", *DATE)
    assert deploy.returncode == 1 and expected[0] in deploy.stderr
    replace_in(repo, LAUREATE, "summary: À compléter. Le projet", "summary: Le projet")
    report = build_in_process(repo)
    assert report.reads == 1 and report.placeholders == ()
    assert cli(repo, "build", "--deploy", *DATE).returncode == 0


def test_the_preview_state_patches_placeholders_edit_after_edit(repo: Path) -> None:
    options = BuildOptions(root=repo, out=repo / "preview", today=TODAY, drafts=True, search=False)
    state = BuildState.open(options)
    assert build(options, state).placeholders == ()
    replace_in(repo, LAUREATE, "Le projet **Atelier code** en détail.", "TODO : le détail.")
    report = build(options, state)
    assert report.reads == 1
    assert [str(p) for p in report.placeholders] == [
        f"{LAUREATE}:11: texte: texte « TODO » laissé en place — remplacez-le par le vrai texte avant de publier"]
    replace_in(repo, LAUREATE, "TODO : le détail.", "Le détail.")
    assert build(options, state).placeholders == ()


def test_deploy_refuses_an_example_base_url_given_on_the_command_line(cli, repo: Path) -> None:
    result = cli(repo, "build", "--deploy", "--base-url", "https://vitrine.example/", *DATE)
    assert result.returncode == 2 and "Erreur : --base-url https://vitrine.example/" in result.stderr
    assert not (repo / "site").exists()


# --- the command line, in French ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, name, made", [
    ("lauréat", "projet-a", "laureates/projet-a.md"), ("laureat", "projet-b", "laureates/projet-b.md"),
    ("Laureate", "projet-c", "laureates/projet-c.md"), ("LAURÉATE", "projet-d", "laureates/projet-d.md"),
    ("lauréats", "projet-e", "laureates/projet-e.md"), ("édition", "2030", "editions/2030.md"),
    ("Edition", "2031", "editions/2031.md"), ("ÉDITIONS", "2032", "editions/2032.md"),
    ("page", "contact", "pages/contact.md"), ("Pages", "presse", "pages/presse.md"),
])
def test_new_accepts_french_spellings(cli, repo: Path, kind: str, name: str, made: str) -> None:
    result = cli(repo, "new", kind, name)
    assert result.returncode == 0, result.stderr
    assert (repo / "content" / made).is_file()


@pytest.mark.parametrize("args, said", [
    (("new", "auteur", "x"), "Erreur : type de fiche inconnu « auteur » — choisissez laureate (ou lauréat), "
                             "edition (ou édition) ou page, par exemple : python build.py new laureate mon-projet"),
    (("new", "lauret", "x"), "Erreur : type de fiche inconnu « lauret » — vouliez-vous dire « laureat » ?"),
    (("new",), "Erreur : quel type de fiche créer ? — choisissez laureate (ou lauréat)"),
    (("new", "lauréat"), "Erreur : il manque l'identifiant de la fiche — par exemple : "
                         "python build.py new laureate mon-projet"),
    (("new", "édition"), "Erreur : il manque l'année de l'édition — par exemple : python build.py new edition 2024"),
    (("chek",), "Erreur : commande inconnue « chek » — vouliez-vous dire « check » ? "
                "commandes : build, serve, new, check, clean-media (aide : python build.py --help)"),
    (("vérifier",), "Erreur : commande inconnue « vérifier » — vouliez-vous dire « check » ?"),
    (("laureat", "mon-projet"), "Erreur : commande inconnue « laureat » — pour créer une fiche : "
                                "python build.py new laureat mon-projet"),
    (("build", "--date", "05/06/2020"), "date invalide « 05/06/2020 » : attendu AAAA-MM-JJ "
                                        "(écrivez --date 2020-06-05)"),
    (("check", "--date", "2020-13-45"), "date invalide « 2020-13-45 » : attendu AAAA-MM-JJ"),
    (("serve", "--port", "http"), "port invalide « http » : attendu un nombre entre 1 et 65535"),
    (("build", "--jobs", "0"), "nombre de processus invalide « 0 »"),
])
def test_command_line_mistakes_are_answered_in_french_with_exit_2(cli, repo: Path, args: tuple, said: str) -> None:
    result = cli(repo, *args)
    assert result.returncode == 2
    assert said in result.stderr
    assert result.stderr.startswith("Erreur : ")
    assert "error" not in result.stderr.lower() and "usage" not in result.stderr.lower()
    assert not (repo / "site").exists()


@pytest.mark.parametrize("args, named", [
    (("check", "--stricte"), "--stricte"), (("build", "--out"), "--out"), (("build", "de", "trop"), "de trop"),
    (("--date",), "--date"), (("--root",), "--root : il manque sa valeur"),
])
def test_unknown_options_and_missing_values_are_refused_in_french(cli, repo: Path, args: tuple, named: str) -> None:
    result = cli(repo, *args)
    assert result.returncode == 2
    assert result.stderr.startswith("Erreur : ") and named in result.stderr
    assert "aide : python build.py" in result.stderr
    assert "error" not in result.stderr.lower() and "usage" not in result.stderr.lower()


def test_root_may_follow_the_command(cli, repo: Path, tmp_path: Path) -> None:
    result = cli(tmp_path, "check", "--root", str(repo), *DATE)  # the fixture's own --root comes first: overridden
    assert result.returncode == 0 and "Contenu valide" in result.stdout


# --- a fresh machine installs what was tested ---------------------------------------------------------------------

def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def test_constraints_pin_every_dependency_exactly_and_pyyaml_at_6_0_4() -> None:
    pins = {}
    for line in (REPO / "constraints.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version and re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), line
            pins[_name(name)] = version
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    assert [_name(r) for r in wanted if _name(r) not in pins] == []
    assert pins["pyyaml"] == "6.0.4"


def test_every_install_command_uses_the_constraints() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    command = "pip install -c constraints.txt -e '.[test]' && pytest"
    assert command in readme
    assert (REPO / ".ci" / "run").read_text("utf-8").rstrip().splitlines()[-1] == command  # exactly the README's
    assert "pip install -c constraints.txt -e . && python build.py" in readme
    assert (REPO / ".ci" / "refresh-constraints").is_file() and ".ci/refresh-constraints" in readme
    assert "pip install -U -e '.[test]' && pytest" in readme  # the newest versions, on purpose
    for workflow in (REPO / ".gitlab-ci.yml", REPO / ".github" / "workflows" / "pages.yml"):
        text = workflow.read_text("utf-8")
        assert re.search(r"pip install (--quiet )?-c constraints.txt \.$", text, re.M), workflow
        assert re.search(r"python build.py build --deploy$", text, re.M), workflow  # placeholders never go live
