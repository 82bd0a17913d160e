"""Broken content, tried as a new editor would: one located French line per problem, exit 1, site/ untouched.

Each case edits a copy of a fixture repository whose site/ is already built, runs the command line,
and checks the message (file, line, field, words, a hint), the absence of a traceback and that site/
is byte-identical to before. Content that is odd but fine (a BOM, Windows line endings) builds normally.

Every case goes through ``vitrine.cli.main``, the function ``build.py`` runs, in this process (the ``cli``
fixture: a new interpreter per case would cost half a second each); a sample of one case per family also
runs ``build.py`` as a separate process, as an editor would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import CliResult, build_in_process, make_repo, run_cli, tree_digest, write
from vitrine.site.render import Renderer

LAUREATE = "content/laureates/atelier-code.md"
GOOD_LAUREATE = """---
title: Atelier code
porteur: Association Alpha
edition: 2021
quartiers: [les-tilleuls]
themes: [numerique]
summary: Le projet Atelier code, porté par Association Alpha.
website: https://alpha.exemple.test/
partners: [Ville de Villeneuve, Médiathèque]
---
Le projet **Atelier code** en détail.
"""  # line numbers below refer to this text: title is line 2, edition line 4, summary line 7


def laureate(root: Path, text: str | bytes) -> None:
    path = root / LAUREATE
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def replaced(old: str, new: str) -> Callable[[Path], None]:
    """The good laureate with one edit."""
    assert old in GOOD_LAUREATE, old
    return lambda root: laureate(root, GOOD_LAUREATE.replace(old, new))


def with_fields(extra: str, replace: tuple[str, str] = ("", "")) -> Callable[[Path], None]:
    """The good laureate with ``extra`` lines added after ``edition`` (line 5 onwards)."""
    text = GOOD_LAUREATE.replace("edition: 2021\n", "edition: 2021\n" + extra)
    if replace[0]:
        text = text.replace(*replace)
    return lambda root: laureate(root, text)


def symlink(rel: str, target: Path | str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / rel
        if path.exists() or path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
    return mutate


def outside_file(root: Path) -> Path:
    secret = root.parent / "secret.md"
    secret.write_text(GOOD_LAUREATE, "utf-8")
    return secret


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable[[Path], None]
    path: str
    line: int | None  # None: any line (the message is about the whole file)
    field: str
    words: str
    count: int = 1  # lines of errors expected: one per problem, no cascade


LATIN1_LAUREATE = GOOD_LAUREATE.replace("Atelier code", "Atelier café", 1)  # « é » on line 2
ASCII_LAUREATE = GOOD_LAUREATE.replace("porté", "porte").replace("Médiathèque", "Mediatheque")

CASES = [
    Case("empty-file", lambda r: laureate(r, ""), LAUREATE, 1, "fichier", "fichier vide"),
    Case("blank-file", lambda r: laureate(r, "\n  \n\n"), LAUREATE, 1, "fichier", "fichier vide"),
    Case("no-front-matter", lambda r: laureate(r, "Atelier code\n\nDu texte.\n"), LAUREATE, 1, "fichier",
         "pas de champs en tête"),
    Case("unterminated-front-matter", replaced("---\nLe projet", "Le projet"),
         LAUREATE, 1, "fichier", "ne sont pas refermés"),
    Case("yaml-unclosed-quote", replaced("porteur: Association Alpha",
                                                                             'porteur: "Association Alpha'),
         LAUREATE, 3, "yaml", "texte non terminé"),
    Case("yaml-unclosed-bracket", replaced("[les-tilleuls]", "[les-tilleuls"),
         LAUREATE, 5, "yaml", "crochet « [ » non refermé"),
    Case("yaml-colon-in-value", replaced("title: Atelier code",
                                                                             "title: Atelier : code: le retour"),
         LAUREATE, 2, "yaml", "deux-points inattendu"),
    Case("yaml-bad-indentation", replaced("porteur:", "  porteur:"),
         LAUREATE, None, "yaml", "YAML invalide"),
    Case("front-matter-is-a-list", lambda r: laureate(r, "---\n- Atelier code\n- Association Alpha\n---\nTexte.\n"),
         LAUREATE, 1, "fichier", "trouvé une liste"),
    Case("front-matter-is-a-scalar", lambda r: laureate(r, "---\nAtelier code\n---\nTexte.\n"),
         LAUREATE, 1, "fichier", "trouvé le texte « Atelier code »"),
    Case("tab-indentation", replaced("partners: [Ville de Villeneuve, Médiathèque]",
                                                                         "partners:\n\t- Ville de Villeneuve"),
         LAUREATE, 10, "yaml", "tabulation"),
    Case("tab-before-key", replaced("porteur:", "\tporteur:"),
         LAUREATE, 3, "yaml", "tabulation"),
    Case("duplicate-key", with_fields("title: Un autre titre\n"), LAUREATE, 5, "title",
         "champ en double (déjà défini ligne 2)"),
    Case("edition-as-words", replaced("edition: 2021", 'edition: "deux mille"'),
         LAUREATE, 4, "edition", "attendu : un nombre entier, trouvé le texte « deux mille »"),
    Case("edition-quoted", replaced("edition: 2021", 'edition: "2021"'),
         LAUREATE, 4, "edition", "sans guillemets"),
    Case("themes-as-a-string", replaced("[numerique]", "numerique"),
         LAUREATE, 6, "themes", "attendu : une liste d'identifiants"),
    Case("impossible-date", lambda r: edit(r, "content/editions/2022.md", "2022-06-05", "2022-06-31"),
         "content/editions/2022.md", 4, "call_closes", "la date « 2022-06-31 » n'existe pas"),
    Case("date-as-words", lambda r: edit(r, "content/editions/2022.md", "2022-06-05", "5 juin 2022"),
         "content/editions/2022.md", 4, "call_closes", "attendu : une date"),
    Case("huge-integer", replaced("2021", "9" * 5000),
         LAUREATE, 4, "edition", "valeur illisible"),
    Case("unknown-field", with_fields("sumary: Un résumé.\n"), LAUREATE, 5, "sumary",
         "champ inconnu « sumary » — vouliez-vous dire « summary » ?"),
    Case("missing-required-field", replaced("porteur: Association Alpha\n", ""),
         LAUREATE, 1, "porteur", "champ obligatoire manquant"),
    Case("summary-too-long", replaced("summary: Le projet", "summary: " + "x" * 300),
         LAUREATE, 7, "summary", "au plus"),
    Case("unknown-quartier", replaced("[les-tilleuls]", "[les-tilleul]"),
         LAUREATE, 5, "quartiers", "quartier inconnu « les-tilleul » — vouliez-vous dire « les-tilleuls » ?"),
    Case("unknown-theme", replaced("[numerique]", "[numeric]"),
         LAUREATE, 6, "themes", "thématique inconnue « numeric » — vouliez-vous dire « numerique » ?"),
    Case("unknown-edition", replaced("edition: 2021", "edition: 2031"),
         LAUREATE, 4, "edition", "édition 2031 inconnue"),
    Case("edition-still-a-draft", lambda r: edit(r, "content/editions/2021.md", "number: 1", "number: 1\ndraft: true"),
         LAUREATE, 4, "edition", "l'édition 2021 est un brouillon", count=2),  # two laureates of 2021
    Case("free-page-named-laureats", lambda r: write(r / "content/pages/laureats.md", "---\ntitle: Nos lauréats\n---\n"),
         "content/pages/laureats.md", 1, "fichier", "l'adresse /laureats/ est réservée"),
    Case("free-page-named-quartiers", lambda r: write(r / "content/pages/quartiers.md", "---\ntitle: Quartiers\n---\n"),
         "content/pages/quartiers.md", 1, "fichier", "l'adresse /quartiers/ est réservée"),
    Case("two-quartiers-one-slug", lambda r: edit(r, "content/territory.yaml", "        commune: Sainte-Rive\n",
                                                  "        commune: Sainte-Rive\n      - slug: les-tilleuls\n"
                                                  "        name: Les Tilleuls bis\n        commune: Sainte-Rive\n"),
         "content/territory.yaml", 23, "contrats_de_ville[2].quartiers[2].slug", "quartier « les-tilleuls » défini deux fois"),
    Case("two-themes-one-slug", lambda r: edit(r, "content/themes.yaml", "L'accès à l'emploi.\n",
                                               "L'accès à l'emploi.\n  - slug: culture\n    name: Culture bis\n"
                                               "    description: Encore la culture.\n"),
         "content/themes.yaml", 11, "themes[4].slug", "thématique « culture » définie deux fois"),
    Case("file-name-with-accents", lambda r: write(r / "content/laureates/café-été.md", GOOD_LAUREATE),
         "content/laureates/café-été.md", 1, "fichier", "renommez-le en cafe-ete.md"),
    Case("file-name-with-spaces", lambda r: write(r / "content/laureates/atelier code 2.md", GOOD_LAUREATE),
         "content/laureates/atelier code 2.md", 1, "fichier", "renommez-le en atelier-code-2.md"),
    Case("file-name-with-capitals", lambda r: write(r / "content/laureates/AtelierCode.md", GOOD_LAUREATE),
         "content/laureates/AtelierCode.md", 1, "fichier", "renommez-le en ateliercode.md"),
    Case("edition-not-named-by-year", lambda r: write(r / "content/editions/troisieme.md", "---\nnumber: 3\n---\n"),
         "content/editions/troisieme.md", 1, "fichier", "une édition se nomme par son année"),
    Case("misspelt-content-folder", lambda r: write(r / "content/laureats/nouveau.md", GOOD_LAUREATE),
         "content/laureats", 1, "fichier", "dossier inconnu « laureats » : il ne serait pas publié — vouliez-vous dire « laureates » ?"),
    Case("stray-file-in-content", lambda r: write(r / "content/site.yml", "title: x\n"),
         "content/site.yml", 1, "fichier", "fichier inconnu « site.yml » : il ne serait pas publié — vouliez-vous dire « site.yaml » ?"),
    Case("laureates-folder-symlink-outside", lambda r: (shutil.rmtree(r / "content/laureates"),
                                                        write(r.parent / "ailleurs/atelier-code.md", GOOD_LAUREATE),
                                                        (r / "content/laureates").symlink_to(r.parent / "ailleurs")),
         LAUREATE, 1, "fichier", "lien vers l'extérieur du dépôt"),
    Case("not-markdown", lambda r: write(r / "content/laureates/notes.txt", "des notes"),
         "content/laureates/notes.txt", 1, "fichier", "seuls les fichiers .md"),
    Case("folder-named-like-a-file", lambda r: (r / "content/laureates/dossier.md").mkdir(),
         "content/laureates/dossier.md", 1, "dossier", "dossier ignoré : seuls les fichiers .md"),
    Case("latin-1", lambda r: laureate(r, LATIN1_LAUREATE.encode("latin-1")), LAUREATE, 2, "fichier",
         "octet 0xE9, « é » en Windows-1252) : le fichier n'est pas enregistré en UTF-8 — enregistrez-le en UTF-8"),
    Case("windows-1252", lambda r: laureate(r, ASCII_LAUREATE.replace("Le projet **", "L’atelier **").encode("cp1252")),
         LAUREATE, 11, "fichier", "octet 0x92, « ’ » en Windows-1252"),
    # A BOM, then a byte of another encoding (a file pasted into one saved by Notepad): its own line and byte
    Case("windows-1252-after-a-bom", lambda r: laureate(r, b"\xef\xbb\xbf" + ASCII_LAUREATE.replace(
        "Le projet **", "L’atelier **").encode("cp1252")), LAUREATE, 11, "fichier", "octet 0x92, « ’ » en Windows-1252"),
    Case("utf-16", lambda r: laureate(r, GOOD_LAUREATE.encode("utf-16")), LAUREATE, 1, "fichier", "UTF-16"),
    Case("invisible-control-character", replaced("Association Alpha", "Association\x0bAlpha"),
         LAUREATE, 3, "fichier", "caractère invisible interdit (U+000B)"),
    # Two bytes in UTF-8 (C2 85), three (EF BF BE): found in the file's bytes before its text is searched
    Case("c1-control-character", replaced("Association Alpha", "Association\x85Alpha"),
         LAUREATE, 3, "fichier", "caractère invisible interdit (U+0085)"),
    Case("non-character", replaced("Association Alpha", "Association\ufffeAlpha"),
         LAUREATE, 3, "fichier", "caractère invisible interdit (U+FFFE)"),
    Case("escaped-control-character", replaced("title: Atelier code",
                                                                                   'title: "Atelier\\x07code"'),
         LAUREATE, 2, "title", "caractère invisible interdit (U+0007)"),
    Case("binary-garbage", lambda r: laureate(r, bytes(range(256)) * 64), LAUREATE, 1, "fichier", "pas du texte"),
    Case("picture-saved-as-markdown", lambda r: laureate(r, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(2000)),
         LAUREATE, 1, "fichier", "pas du texte"),
    Case("twenty-megabytes", lambda r: laureate(r, GOOD_LAUREATE + "Du texte. " * 2_000_000), LAUREATE, 1, "fichier",
         "fichier trop gros (20.0 Mo, 1 Mo au plus)"),
    Case("yaml-nested-too-deep", replaced("[numerique]", "[" * 100_000 + "]" * 100_000),
         LAUREATE, 6, "yaml", "imbriqués trop profondément"),
    Case("yaml-billion-laughs", lambda r: laureate(r, "---\n" + "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'lol'] * 9)}]\n" for i in range(12)) + "---\n"),
         LAUREATE, 2, "yaml", "« & » en début de valeur"),
    Case("yaml-alias", replaced("summary: Le projet", "summary: *Important* Le projet"),
         LAUREATE, 7, "yaml", "en début de valeur a un sens spécial en YAML"),
    Case("yaml-python-tag", replaced("porteur: Association Alpha",
                                                                         "porteur: !!python/object/apply:os.system [ls]"),
         LAUREATE, 3, "yaml", "étiquette « !!python/object/apply:os.system » non prise en charge"),
    Case("image-escaping-content", with_fields("image: ../../etc/passwd\nimage_alt: Un mot de passe\nimage_credit: © Camille\n"),
         LAUREATE, 5, "image", "chemin refusé « ../../etc/passwd »"),
    Case("image-absolute-path", with_fields("image: /etc/passwd\nimage_alt: Un mot de passe\nimage_credit: © Camille\n"),
         LAUREATE, 5, "image", "chemin refusé « /etc/passwd »"),
    Case("image-windows-path", with_fields("image: 'C:\\Users\\moi\\photo.jpg'\nimage_alt: Une photo\nimage_credit: © Camille\n"),
         LAUREATE, 5, "image", "chemin refusé"),
    Case("image-missing", with_fields("image: media/atelier.jpg\nimage_alt: L'atelier\nimage_credit: © Camille\n"),
         LAUREATE, 5, "image", "fichier introuvable « media/atelier.jpg »"),
    Case("image-without-alt", lambda r: (write(r / "content/media/atelier.jpg", "jpeg"),
                                         with_fields("image: media/atelier.jpg\nimage_credit: © Camille\n")(r)),
         LAUREATE, 5, "image_alt", "texte alternatif manquant"),
    Case("website-javascript", replaced("https://alpha.exemple.test/", "javascript:alert(1)"),
         LAUREATE, 8, "website", "seules les adresses http:// ou https://"),
    Case("website-breaking-out-of-its-attribute", replaced(
        "https://alpha.exemple.test/", """'https://alpha.exemple.test/" onmouseover="alert(1)'"""),
         LAUREATE, 8, "website", "caractère « \" » interdit"),
    Case("email-breaking-out-of-its-attribute", lambda r: edit(r, "content/site.yaml", "contact@exemple.test",
                                                               "'contact@exemple.test\"><script>alert(1)</script>'"),
         "content/site.yaml", 7, "contact_email", "adresse e-mail invalide"),
    Case("symlink-outside-the-repository", lambda r: symlink(LAUREATE, outside_file(r))(r),
         LAUREATE, 1, "fichier", "lien vers l'extérieur du dépôt"),
    Case("symlink-to-etc-passwd", symlink("content/laureates/passwd.md", "/etc/passwd"),
         "content/laureates/passwd.md", 1, "fichier", "lien vers l'extérieur du dépôt"),
    Case("broken-symlink", symlink(LAUREATE, "nulle-part.md"), LAUREATE, 1, "fichier", "lien symbolique cassé"),
    Case("media-symlink-outside", symlink("content/media/photo.jpg", "/etc/hostname"),
         "content/media/photo.jpg", 1, "fichier", "lien vers l'extérieur du dépôt"),
    Case("media-folder-symlink-outside", symlink("content/media/photos", "/etc"),
         "content/media/photos", 1, "fichier", "ce dossier est un lien vers l'extérieur du dépôt"),
    Case("territory-missing", lambda r: (r / "content/territory.yaml").unlink(),
         "content/territory.yaml", 1, "fichier", "fichier obligatoire absent : content/territory.yaml"),
    Case("territory-yaml-error", lambda r: edit(r, "content/territory.yaml", "name: La Gare", "name: [La Gare"),
         "content/territory.yaml", 14, "yaml", "crochet « [ » non refermé"),
    Case("territory-is-a-list", lambda r: write(r / "content/territory.yaml", "- nord\n- sud\n"),
         "content/territory.yaml", 1, "fichier", "trouvé une liste"),
    Case("territory-quartier-without-name", lambda r: edit(r, "content/territory.yaml", "        name: La Gare\n", ""),
         "content/territory.yaml", 13, "contrats_de_ville[1].quartiers[2].name", "champ obligatoire manquant"),
    Case("themes-missing", lambda r: (r / "content/themes.yaml").unlink(),
         "content/themes.yaml", 1, "fichier", "fichier obligatoire absent : content/themes.yaml"),
    Case("themes-is-a-mapping", lambda r: write(r / "content/themes.yaml", "slug: culture\nname: Culture\n"),
         "content/themes.yaml", 1, "fichier", "attendu : une liste de thématiques"),
    Case("themes-yaml-error", lambda r: edit(r, "content/themes.yaml", "name: Culture", 'name: "Culture'),
         "content/themes.yaml", 6, "yaml", "texte non terminé"),
    Case("site-yaml-missing", lambda r: (r / "content/site.yaml").unlink(),
         "content/site.yaml", 1, "fichier", "fichier obligatoire absent : content/site.yaml"),
    Case("site-base-url-not-http", lambda r: edit(r, "content/site.yaml", "https://exemple.test/label/", "exemple.test/label"),
         "content/site.yaml", 5, "base_url", "seules les adresses http:// ou https://"),
    Case("no-content-folder", lambda r: shutil.rmtree(r / "content"), "content", 1, "dossier", "content/ est introuvable"),
]


# One case per family, also run as a separate process.
AS_A_PROCESS = {"edition-as-words", "free-page-named-laureats", "windows-1252", "twenty-megabytes",
                "yaml-nested-too-deep", "symlink-outside-the-repository"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture repository with its site/ built once; each case works on a copy."""
    root = make_repo(tmp_path_factory.mktemp("built"))
    assert build_in_process(root).ok
    return root


@pytest.fixture(scope="module")
def built_digest(built: Path) -> str:
    return tree_digest(built / "site")


def copy_of(built: Path, tmp_path: Path) -> Path:
    """A copy of the built repository; site/ is hard-linked (a build never writes a published file in place)."""
    root = tmp_path / "repo"
    shutil.copytree(built / "content", root / "content", symlinks=True)
    shutil.copytree(built / "site", root / "site", copy_function=os.link)
    return root


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_content_is_refused_with_one_located_line_and_site_untouched(
        case: Case, built: Path, built_digest: str, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    assert_refused(case, built, built_digest, tmp_path, cli)


@pytest.mark.parametrize("case", [c for c in CASES if c.id in AS_A_PROCESS], ids=sorted(AS_A_PROCESS, key=[c.id for c in CASES].index))
def test_broken_content_is_refused_by_the_build_command(case: Case, built: Path, built_digest: str,
                                                       tmp_path: Path) -> None:
    assert_refused(case, built, built_digest, tmp_path, run_cli)


def assert_refused(case: Case, built: Path, before: str, tmp_path: Path,
                   run: Callable[..., CliResult | subprocess.CompletedProcess]) -> None:
    root = copy_of(built, tmp_path)
    case.mutate(root)

    result = run(root, "build")

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "Erreur interne" not in output, output
    problems = [line for line in result.stderr.splitlines() if line.startswith("content")]
    prefix = f"{case.path}:{case.line if case.line is not None else ''}"
    located = [line for line in problems if line.startswith(prefix) and f": {case.field}: " in line]
    assert located, f"no line starting with {prefix!r} for field {case.field!r} in:\n{result.stderr}"
    assert any(case.words in line for line in located), result.stderr
    assert all(" — " in line for line in problems), f"a problem without a hint:\n{result.stderr}"
    assert len(problems) == case.count, f"expected {case.count} problem line(s):\n{result.stderr}"
    assert "rien n'a été publié" in result.stderr
    assert tree_digest(root / "site") == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("site")) == ["site"]


def test_nothing_is_rendered_while_any_content_is_invalid(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    monkeypatch.setattr(Renderer, "render", lambda self, page: rendered.append(page.url) or b"")
    write(repo / "content/pages/zz-derniere.md", "---\ntitle: [Dernière\n---\n")  # the last file read

    report = build_in_process(repo)

    assert [e.path for e in report.errors] == ["content/pages/zz-derniere.md"]
    assert rendered == []
    assert not (repo / "site").exists() and list(repo.iterdir()) == [repo / "content"]


def test_every_problem_of_every_file_is_reported_at_once(built: Path, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = copy_of(built, tmp_path)
    edit(root, LAUREATE, "[les-tilleuls]", "[les-tilleul]")
    edit(root, "content/laureates/cafe-culture.md", "edition: 2021", "edition: deux mille")
    write(root / "content/pages/Contact.md", "---\ntitle: Contact\n---\n")
    edit(root, "content/themes.yaml", "name: Emploi", "nom: Emploi")

    result = cli(root, "build")

    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("content")]
    assert [p.split(": ")[0] for p in problems] == [
        "content/laureates/atelier-code.md:5", "content/laureates/cafe-culture.md:4", "content/pages/Contact.md:1",
        "content/themes.yaml:8", "content/themes.yaml:9"], result.stderr  # missing « name », unknown « nom »
    assert "5 erreur(s)" in result.stderr


def test_a_broken_edition_does_not_make_its_laureates_unknown(built: Path, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = copy_of(built, tmp_path)
    write(root / "content/editions/2021.md", "---\nnumber: [1\n---\n")

    result = cli(root, "build")

    problems = [line for line in result.stderr.splitlines() if line.startswith("content")]
    assert problems == ["content/editions/2021.md:2: yaml: YAML invalide : crochet « [ » non refermé "
                        "— refermez la liste par « ] », ou mettez la valeur entre guillemets"]


@pytest.mark.parametrize("encode", [
    pytest.param(lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(), id="bom-and-crlf"),
    pytest.param(lambda text: text.replace("\n", "\r").encode(), id="old-mac-cr"),
])
def test_windows_conventions_are_ordinary_content(encode: Callable[[str], bytes], built: Path, built_digest: str,
                                                 tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = copy_of(built, tmp_path)
    for rel in (LAUREATE, "content/site.yaml", "content/territory.yaml", "content/editions/2022.md"):
        path = root / rel
        path.write_bytes(encode(path.read_text("utf-8")))

    result = cli(root, "build", "--date", "2022-04-01", "--no-catalogue")  # as built_digest's build

    assert result.returncode == 0, result.stderr
    assert tree_digest(root / "site") == built_digest  # the very same site: nothing of the encoding shows


def test_lines_are_right_in_a_file_with_bom_and_crlf(built: Path, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = copy_of(built, tmp_path)
    text = GOOD_LAUREATE.replace("edition: 2021\n", "edition: 2021\nsumary: x\n")
    laureate(root, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())

    result = cli(root, "build")

    assert result.returncode == 1
    assert f"{LAUREATE}:5: sumary: champ inconnu « sumary »" in result.stderr


def test_a_named_pipe_does_not_hang_the_build(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    os.mkfifo(root / "content/laureates/tube.md")

    result = run_cli(root, "build", timeout=60)

    assert result.returncode == 1
    assert "content/laureates/tube.md:1: fichier: ce n'est pas un fichier ordinaire" in result.stderr
