"""Every validation rule, as an input/expected pair: one edit of the small fixture → the exact lines editors read.

Each case changes the valid fixture in one way and lists every line the
validation must print (``path:line: field: message — hint``), no more, no less.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write
from vitrine.content.read import load_content
from vitrine.content.validate import validate

ATELIER = "content/laureates/atelier-code.md"
TERRITORY = "content/territory.yaml"
THEMES = "content/themes.yaml"


def problems(root: Path, include_drafts: bool = False) -> list[str]:
    validated = validate(load_content(root), include_drafts=include_drafts)
    return [str(e) for e in validated.errors]


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in one fixture file (``old`` must be there: a stale case fails loudly)."""
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {rel}"
    path.write_text(text.replace(old, new, 1), "utf-8")


LAUREATE_CASES = {
    "missing field, with an example": (
        "title: Atelier code\n", "",
        ["content/laureates/atelier-code.md:1: title: champ obligatoire manquant "
         "— ajoutez-le (par exemple « title: L'expo bavarde : l'envers du décor »)"]),
    "unknown field, with did-you-mean": (
        "porteur:", "porteurs:",
        ["content/laureates/atelier-code.md:3: porteurs: champ inconnu « porteurs » — vouliez-vous dire « porteur » ?",
         "content/laureates/atelier-code.md:1: porteur: champ obligatoire manquant "
         "— ajoutez-le (par exemple « porteur: Cultures du Cœur 94 »)"]),
    "unknown field, nothing close: the possible fields": (
        "title: Atelier code\n", "title: Atelier code\ncouleur: bleu\n",
        ["content/laureates/atelier-code.md:3: couleur: champ inconnu « couleur » — champs possibles : title, porteur, "
         "edition, quartiers, themes, summary, image, image_alt, image_credit, website, video, documents, partners, support, "
         "draft, a_confirmer"]),
    "wrong type: text for a number": (
        "edition: 2021", "edition: deux mille vingt et un",
        ["content/laureates/atelier-code.md:4: edition: attendu : un nombre entier, "
         "trouvé le texte « deux mille vingt et un » — par exemple « edition: 2019 »"]),
    "wrong type: one text for a list": (
        "themes: [numerique]", "themes: numerique",
        ["content/laureates/atelier-code.md:6: themes: attendu : une liste d'identifiants (slugs), "
         "trouvé le texte « numerique » — écrivez « themes: [numerique] » ou une liste à tirets"]),
    "wrong type: not a boolean": (
        "partners:", "draft: oui peut-être\npartners:",
        ["content/laureates/atelier-code.md:9: draft: attendu : true ou false, trouvé le texte « oui peut-être » "
         "— par exemple « draft: false »"]),
    "empty value": (
        "porteur: Association Alpha", "porteur: ''",
        ["content/laureates/atelier-code.md:3: porteur: ce champ est vide — écrivez une valeur"]),
    "unknown quartier, with a suggestion": (
        "[les-tilleuls]", "[les-tilleul]",
        ["content/laureates/atelier-code.md:5: quartiers: quartier inconnu « les-tilleul » "
         "— vouliez-vous dire « les-tilleuls » ?"]),
    "unknown quartier, nothing close": (
        "[les-tilleuls]", "[les-tilleuls, zzz]",
        ["content/laureates/atelier-code.md:5: quartiers: quartier inconnu « zzz » "
         "— les identifiants sont dans content/territory.yaml"]),
    "no quartier": (
        "[les-tilleuls]", "[]",
        ["content/laureates/atelier-code.md:5: quartiers: au moins un quartier attendu"]),
    "a quartier twice": (
        "[les-tilleuls]", "[les-tilleuls, les-tilleuls]",
        ["content/laureates/atelier-code.md:5: quartiers: quartier « les-tilleuls » cité deux fois "
         "— gardez-le une seule fois dans la liste"]),
    "unknown theme, with a suggestion": (
        "themes: [numerique]", "themes:\n  - numerique\n  - cultur",
        ["content/laureates/atelier-code.md:8: themes: thématique inconnue « cultur » — vouliez-vous dire « culture » ?"]),
    "no theme": (
        "themes: [numerique]", "themes: []",
        ["content/laureates/atelier-code.md:6: themes: au moins une thématique attendue"]),
    "unknown edition": (
        "edition: 2021", "edition: 2019",
        ["content/laureates/atelier-code.md:4: edition: édition 2019 inconnue (éditions : 2021, 2022) "
         "— créez content/editions/2019.md ou corrigez l'année"]),
    "summary longer than 280 characters": (
        "summary: Le projet Atelier code, porté par Association Alpha.", "summary: " + "a" * 281,
        ["content/laureates/atelier-code.md:7: summary: 281 caractères, 280 au plus — raccourcissez le texte"]),
    "website that is not http(s)": (
        "https://alpha.exemple.test/", "ftp://alpha.exemple.test/",
        ["content/laureates/atelier-code.md:8: website: adresse refusée « ftp://alpha.exemple.test/ » : "
         "seules les adresses http:// ou https:// complètes sont acceptées — par exemple « website: https://www.exemple.fr »"]),
    "website with a script scheme": (
        "https://alpha.exemple.test/", "javascript:alert(1)",
        ["content/laureates/atelier-code.md:8: website: adresse refusée « javascript:alert(1) » : "
         "seules les adresses http:// ou https:// complètes sont acceptées — par exemple « website: https://www.exemple.fr »"]),
    "image that does not exist": (
        "partners:", "image: media/atelier.jpg\nimage_alt: Des enfants devant un écran\nimage_credit: © Camille\npartners:",
        ["content/laureates/atelier-code.md:9: image: fichier introuvable « media/atelier.jpg » "
         "— placez le fichier dans content/media/"]),
    "image outside content/media": (
        "partners:", "image: ../../etc/passwd\nimage_alt: Rien\nimage_credit: © Camille\npartners:",
        ["content/laureates/atelier-code.md:9: image: chemin refusé « ../../etc/passwd » : il doit rester dans "
         "content/media/ — écrivez media/nom-du-fichier.jpg"]),
    "alt text without an image": (
        "partners:", "image_alt: Une photo\npartners:",
        ["content/laureates/atelier-code.md:9: image_alt: texte alternatif sans image "
         "— ajoutez « image: » ou retirez ce champ"]),
    "front matter that is not fields": (
        "title: Atelier code\n", "- title: Atelier code\n",
        ["content/laureates/atelier-code.md:3: yaml: YAML invalide : indentation incohérente "
         "— alignez les champs d'un même groupe sur la même colonne"]),
    "duplicate key": (
        "porteur: Association Alpha\n", "porteur: Association Alpha\nporteur: Autre\n",
        ["content/laureates/atelier-code.md:4: porteur: champ en double (déjà défini ligne 3) "
         "— gardez une seule ligne pour ce champ"]),
    "colon in an unquoted value": (
        "title: Atelier code", "title: Atelier: code",
        ["content/laureates/atelier-code.md:2: yaml: YAML invalide : deux-points inattendu "
         "— mettez la valeur entre guillemets si elle contient « : »"]),
    "tab in the YAML": (
        "title: Atelier code", "title:\tAtelier code\n\tporteur: x",
        ["content/laureates/atelier-code.md:3: yaml: YAML invalide : tabulation dans le YAML "
         "— indentez avec des espaces, jamais avec la touche Tab"]),
    "unterminated front matter": (
        "\n---\n", "\n",
        ["content/laureates/atelier-code.md:1: fichier: les champs en tête du fichier ne sont pas refermés "
         "— ajoutez une ligne --- après le dernier champ"]),
}


def test_an_image_needs_its_alt_text(repo: Path) -> None:
    write(repo / "content/media/atelier.jpg", "not really a picture")
    edit(repo, ATELIER, "partners:", "image: media/atelier.jpg\nimage_credit: © Camille\npartners:")
    assert problems(repo) == ["content/laureates/atelier-code.md:9: image_alt: texte alternatif manquant pour l'image "
                              "— ajoutez « image_alt: » qui décrit l'image pour qui ne la voit pas"]


def test_an_image_found_under_a_close_name_is_suggested(repo: Path) -> None:
    write(repo / "content/media/atelier.jpg", "not really a picture")
    edit(repo, ATELIER, "partners:", "image: media/atelier.jpeg\nimage_alt: Des enfants\nimage_credit: © Camille\npartners:")
    assert problems(repo) == ["content/laureates/atelier-code.md:9: image: fichier introuvable « media/atelier.jpeg » "
                              "— vouliez-vous dire « media/atelier.jpg » ?"]


def test_every_problem_of_a_file_is_reported_in_one_run(repo: Path) -> None:
    write(repo / "content/laureates/Mon Projet.md", "---\nporteur: X\nedition: 2021\nquartiers: [le-moulinn]\n"
                                                  "themes: numerique\nsummary: Court.\nwebsite: www.exemple.fr\n---\n")
    assert problems(repo) == [
        "content/laureates/Mon Projet.md:1: fichier: nom de fichier « Mon Projet.md » invalide : minuscules, chiffres "
        "et tirets seulement — renommez-le en mon-projet.md",
        "content/laureates/Mon Projet.md:1: title: champ obligatoire manquant "
        "— ajoutez-le (par exemple « title: L'expo bavarde : l'envers du décor »)",
        "content/laureates/Mon Projet.md:4: quartiers: quartier inconnu « le-moulinn » "
        "— vouliez-vous dire « le-moulin » ?",
        "content/laureates/Mon Projet.md:5: themes: attendu : une liste d'identifiants (slugs), trouvé le texte "
        "« numerique » — écrivez « themes: [numerique] » ou une liste à tirets",
        "content/laureates/Mon Projet.md:7: website: adresse refusée « www.exemple.fr » : seules les adresses http:// "
        "ou https:// complètes sont acceptées — écrivez « website: https://www.exemple.fr » (une adresse web commence "
        "par https://)",
    ]


def test_problems_of_every_file_are_reported_together(repo: Path) -> None:
    edit(repo, ATELIER, "[les-tilleuls]", "[les-tilleul]")
    edit(repo, "content/laureates/cafe-culture.md", "edition: 2021", "edition: 2030")
    edit(repo, THEMES, "name: Emploi", "nom: Emploi")
    assert problems(repo) == [
        "content/laureates/atelier-code.md:5: quartiers: quartier inconnu « les-tilleul » "
        "— vouliez-vous dire « les-tilleuls » ?",
        "content/laureates/cafe-culture.md:4: edition: édition 2030 inconnue (éditions : 2021, 2022) "
        "— créez content/editions/2030.md ou corrigez l'année",
        "content/themes.yaml:8: themes[3].name: champ obligatoire manquant — ajoutez-le (par exemple « name: Numérique »)",
        "content/themes.yaml:9: themes[3].nom: champ inconnu « nom » — champs possibles : slug, name, description, "
        "a_confirmer",
    ]


def test_a_page_file_name_that_is_not_a_slug_gets_the_right_name(repo: Path) -> None:
    (repo / "content/pages/le-label.md").rename(repo / "content/pages/Le Label (2024).md")
    assert problems(repo) == ["content/pages/Le Label (2024).md:1: fichier: nom de fichier « Le Label (2024).md » "
                              "invalide : minuscules, chiffres et tirets seulement — renommez-le en le-label-2024.md"]


FILE_CASES = {
    "an edition is named by its year": (
        "content/editions/deuxieme.md", "---\nnumber: 3\n---\n",
        "content/editions/deuxieme.md:1: fichier: nom de fichier « deuxieme.md » : une édition se nomme par son année "
        "— par exemple editions/2021.md"),
    "a file that is not Markdown": (
        "content/laureates/notes.txt", "à trier",
        "content/laureates/notes.txt:1: fichier: fichier ignoré : seuls les fichiers .md sont lus ici "
        "— renommez-le en notes.md ou déplacez-le dans content/media/"),
    "no front matter": (
        "content/pages/le-label.md", "Le label, sans titre.\n",
        "content/pages/le-label.md:1: fichier: pas de champs en tête du fichier "
        "— la première ligne doit être --- (avez-vous oublié les --- ?)"),
}


@pytest.mark.parametrize("rel, text, expected", FILE_CASES.values(), ids=FILE_CASES.keys())
def test_a_file_problem_is_named(repo: Path, rel: str, text: str, expected: str) -> None:
    write(repo / rel, text)
    assert problems(repo) == [expected]


EDITION_CASES = {
    "call closing before it opens": (
        "call_opens: 2022-03-01", "call_opens: 2022-07-01",
        ["content/editions/2022.md:4: call_closes: la date de clôture précède la date d'ouverture"]),
    "a date that is not a date": (
        "call_closes: 2022-06-05", "call_closes: début juin",
        ["content/editions/2022.md:4: call_closes: attendu : une date (AAAA-MM-JJ), trouvé le texte « début juin » "
         "— par exemple « call_closes: 2020-06-05 »"]),
    "an edition number below 1": (
        "number: 2", "number: 0",
        ["content/editions/2022.md:2: number: le numéro d'édition commence à 1"]),
}


TERRITORY_CASES = {
    "duplicate quartier slug": (
        "slug: le-moulin", "slug: la-gare",
        ["content/territory.yaml:20: contrats_de_ville[2].quartiers[1].slug: quartier « la-gare » défini deux fois "
         "(déjà ligne 13) — donnez à chacun un identifiant différent",
         "content/laureates/emploi-jeunes.md:5: quartiers: quartier inconnu « le-moulin » "
         "— les identifiants sont dans content/territory.yaml",
         "content/laureates/jardin-partage.md:5: quartiers: quartier inconnu « le-moulin » "
         "— les identifiants sont dans content/territory.yaml"]),
    "duplicate contrat slug": (
        "slug: sud", "slug: nord",
        ["content/territory.yaml:17: contrats_de_ville[2].slug: contrat de ville « nord » défini deux fois "
         "(déjà ligne 2) — donnez à chacun un identifiant différent"]),
    "slug that is not a slug": (
        "slug: sud", "slug: Sud Ouest",
        ["content/territory.yaml:17: contrats_de_ville[2].slug: identifiant « Sud Ouest » invalide : minuscules, "
         "chiffres et tirets seulement — écrivez « sud-ouest »"]),
    "nested missing field, named by its path": (
        "        commune: Sainte-Rive\n", "",
        ["content/territory.yaml:20: contrats_de_ville[2].quartiers[1].commune: champ obligatoire manquant "
         "— ajoutez-le (par exemple « commune: Athis-Mons »)"]),
    "unknown nested field": (
        "        current: false", "        actuel: false",
        ["content/territory.yaml:16: contrats_de_ville[1].quartiers[2].actuel: champ inconnu « actuel » "
         "— champs possibles : slug, name, commune, code, current, coordinates, a_confirmer"]),
    "contact e-mail that is not one": (
        "email: nord@exemple.test", "email: nord(at)exemple.test",
        ["content/territory.yaml:6: contrats_de_ville[1].contact.email: adresse e-mail invalide « nord(at)exemple.test » "
         "— par exemple « email: prenom.nom@exemple.fr »"]),
    "coordinates that are not a pair": (
        "        code: QP000001", "        code: QP000001\n        coordinates: 48.7",
        ["content/territory.yaml:13: contrats_de_ville[1].quartiers[1].coordinates: attendu : deux nombres "
         "[latitude, longitude], trouvé le nombre 48.7 — par exemple « coordinates: [48.7, 2.39] »"]),
    "contrat without quartiers": (
        "    quartiers:\n      - slug: le-moulin\n        name: Le Moulin\n        commune: Sainte-Rive\n",
        "    quartiers: []\n",
        ["content/territory.yaml:19: contrats_de_ville[2].quartiers: au moins un quartier attendu",
         "content/laureates/emploi-jeunes.md:5: quartiers: quartier inconnu « le-moulin » "
         "— les identifiants sont dans content/territory.yaml",
         "content/laureates/jardin-partage.md:5: quartiers: quartier inconnu « le-moulin » "
         "— les identifiants sont dans content/territory.yaml"]),
}


def test_themes_must_be_a_list(repo: Path) -> None:
    write(repo / THEMES, "slug: numerique\nname: Numérique\n")
    assert problems(repo) == ["content/themes.yaml:1: fichier: attendu : une liste de thématiques (« themes: » puis "
                              "« - slug: … »), trouvé un groupe de champs — écrivez « themes: » sur la première ligne, "
                              "puis chaque thématique en « - slug: … », en retrait de deux espaces"]


SITE_CASES = {
    "language other than French": (
        "language: fr", "language: en",
        ["content/site.yaml:4: language: langue « en » non prise en charge — écrivez « language: fr »"]),
    "page size below 1": (
        "page_size: 2", "page_size: 0",
        ["content/site.yaml:11: page_size: doit être au moins 1"]),
    "base_url that is not absolute": (
        "base_url: https://exemple.test/label/", "base_url: /label/",
        ["content/site.yaml:5: base_url: adresse refusée « /label/ » : seules les adresses http:// ou https:// "
         "complètes sont acceptées — par exemple « base_url: https://www.exemple.fr/label/ »"]),
    "missing contact e-mail": (
        "contact_email: contact@exemple.test\n", "",
        ["content/site.yaml:1: contact_email: champ obligatoire manquant "
         "— ajoutez-le (par exemple « contact_email: contact@exemple.fr »)"]),
}


CASES = {f"{where}: {name}": (rel, *case) for where, rel, cases in [
    ("laureate", ATELIER, LAUREATE_CASES), ("edition", "content/editions/2022.md", EDITION_CASES),
    ("territory", TERRITORY, TERRITORY_CASES), ("site", "content/site.yaml", SITE_CASES)] for name, case in cases.items()}

CASES["themes: duplicate theme slug"] = (
    THEMES, "slug: emploi", "slug: culture",
    ["content/laureates/emploi-jeunes.md:6: themes: thématique inconnue « emploi » "
     "— les identifiants sont dans content/themes.yaml",
     "content/laureates/jardin-partage.md:6: themes: thématique inconnue « emploi » "
     "— les identifiants sont dans content/themes.yaml",
     "content/themes.yaml:8: themes[3].slug: thématique « culture » définie deux fois (déjà ligne 5) "
     "— donnez à chacun un identifiant différent"])

# A broken record is reported once, at its source, not again by every laureate that names it.
CASES |= {
    "once: a broken quartier": (
        TERRITORY, "        commune: Villeneuve\n        code: QP000001\n", "        code: QP000001\n",
        ["content/territory.yaml:9: contrats_de_ville[1].quartiers[1].commune: champ obligatoire manquant "
         "— ajoutez-le (par exemple « commune: Athis-Mons »)"]),
    "once: a broken theme": (
        THEMES, "    description: L'accès à la culture.\n", "",
        ["content/themes.yaml:5: themes[2].description: champ obligatoire manquant — ajoutez-le (par exemple "
         "« description: Projets qui mettent le numérique au service des habitants. »)"]),
    "once: an unreadable territory": (
        TERRITORY, "  - slug: nord", "  - slug: 'nord",
        ["content/territory.yaml:2: yaml: YAML invalide : texte non terminé — un guillemet ouvert n'est-il pas refermé ?"]),
    "once: a broken edition": (
        "content/editions/2021.md", "number: 1", "number: un",
        ["content/editions/2021.md:2: number: attendu : un nombre entier, trouvé le texte « un » — par exemple « number: 3 »"]),
}


@pytest.mark.parametrize("rel, old, new, expected", CASES.values(), ids=CASES.keys())
def test_a_problem_is_reported_on_its_line(repo: Path, rel: str, old: str, new: str, expected: list[str]) -> None:
    edit(repo, rel, old, new)
    assert sorted(problems(repo)) == sorted(expected)


def test_a_missing_settings_file_is_named(repo: Path) -> None:
    (repo / "content/themes.yaml").unlink()
    assert problems(repo) == ["content/themes.yaml:1: fichier: fichier obligatoire absent : content/themes.yaml "
                              "— restaurez-le depuis git (git checkout -- content/themes.yaml)"]


def test_a_laureate_of_a_draft_edition_cannot_be_published(repo: Path) -> None:
    edit(repo, "content/editions/2021.md", "number: 1", "number: 1\ndraft: true")
    assert problems(repo) == [
        f"content/laureates/{slug}.md:4: edition: l'édition 2021 est un brouillon : ce lauréat ne peut pas être "
        "publié sans elle — retirez « draft: true » de content/editions/2021.md, ou ajoutez « draft: true » ici"
        for slug in ("atelier-code", "cafe-culture")]
    assert problems(repo, include_drafts=True) == []


def test_the_pages_every_footer_links_are_required(repo: Path) -> None:
    (repo / "content/pages/accessibilite.md").unlink()
    edit(repo, "content/pages/mentions-legales.md", "title:", "draft: true\ntitle:")
    assert problems(repo) == [
        "content/pages/accessibilite.md:1: fichier: page obligatoire absente : le pied de chaque page y renvoie "
        "— créez content/pages/accessibilite.md (titre et texte)",
        "content/pages/mentions-legales.md:2: draft: cette page obligatoire est un brouillon : elle ne serait pas "
        "publiée — retirez « draft: true » (le pied de chaque page y renvoie)",
    ]


def test_a_broken_draft_only_warns_and_is_not_published(repo: Path) -> None:
    write(repo / "content/laureates/en-cours.md", "---\ntitle: En cours\ndraft: true\n---\n")
    validated = validate(load_content(repo))
    assert validated.errors == ()
    assert [str(w) for w in validated.warnings] == [
        "content/laureates/en-cours.md:1: porteur: brouillon non publié : champ obligatoire manquant "
        "— ajoutez-le (par exemple « porteur: Cultures du Cœur 94 »)",
        "content/laureates/en-cours.md:1: edition: brouillon non publié : champ obligatoire manquant "
        "— ajoutez-le (par exemple « edition: 2019 »)",
        "content/laureates/en-cours.md:1: quartiers: brouillon non publié : champ obligatoire manquant "
        "— ajoutez-le (par exemple « quartiers: [noyer-renard] »)",
        "content/laureates/en-cours.md:1: themes: brouillon non publié : champ obligatoire manquant "
        "— ajoutez-le (par exemple « themes: [culture] »)",
        "content/laureates/en-cours.md:1: summary: brouillon non publié : champ obligatoire manquant "
        "— ajoutez-le (par exemple « summary: Une exposition participative qui ouvre les coulisses des lieux "
        "culturels aux habitants. »)",
    ]
    assert "en-cours" not in {l.slug for l in validated.site.laureates}


def test_the_fixture_is_valid(repo: Path) -> None:
    assert problems(repo) == []
