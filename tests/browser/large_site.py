"""A larger content repository, generated deterministically: every listing paginates.

Four editions (the newest with an open call on the tests' build date), three
contrats de ville with eight quartiers in five communes (one no longer
current), five themes, 60 laureates (some with an image, a website, partners,
several quartiers or themes, a video or a document; every edition its rules as a document), a logo and a main
colour, and ``page_size: 5``, so that the laureates list,
every edition, every quartier and every theme has several pages. The free pages
are the ones the templates link to, plus one that uses every Markdown construct
editors may write, so that the browser layer sees all of them.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

LAUREATES = 60
PAGE_SIZE = 5
EDITIONS = (2019, 2020, 2021, 2022)

CONTRATS = (
    ("val-de-bievre", "Contrat de ville du Val de Bièvre", (
        ("les-sablons", "Les Sablons", "Villejuif", "QP094001"),
        ("lebon-lamartine", "Lebon-Lamartine", "Villejuif", "QP094002"),
        ("square-de-la-paix", "Square de la Paix", "Arcueil", None),
    )),
    ("seine-amont", "Contrat de ville de Seine-Amont", (
        ("la-prairie", "La Prairie", "Choisy-le-Roi", "QP094010"),
        ("les-navigateurs", "Les Navigateurs", "Choisy-le-Roi", None),
        ("cite-verte", "Cité Verte", "Orly", "QP094012"),
    )),
    ("portes-essonne", "Contrat de ville des Portes de l'Essonne", (
        ("le-clos-nollet", "Le Clos Nollet", "Athis-Mons", "QP091003"),
        ("les-froides-bouillies", "Les Froides-Bouillies", "Athis-Mons", None),
    )),
)
NOT_CURRENT = {"les-froides-bouillies"}

THEMES = (
    ("numerique", "Numérique", "Des outils numériques conçus avec et pour les habitants."),
    ("culture", "Culture", "L'accès à la culture et la découverte des lieux culturels."),
    ("emploi", "Emploi et insertion", "L'accès à l'emploi, à la formation et à la création d'activité."),
    ("sante", "Santé et alimentation", "Prendre soin de soi, bien manger, bouger dans le quartier."),
    ("cadre-de-vie", "Cadre de vie", "Des espaces publics, des jardins et des logements mieux partagés."),
)

ACTIVITIES = ("Atelier", "Café", "Fabrique", "Radio", "Jardin", "École", "Maison", "Plateforme", "Festival", "Bus",
              "Laboratoire", "Repair café")
SUBJECTS = ("du numérique solidaire", "des savoirs partagés", "des métiers de demain", "de la santé au quotidien",
            "des cultures urbaines", "du réemploi", "des parents", "de l'écriture", "des sciences", "du sport pour tous")
PORTEURS = ("Association Les Ateliers du Lien", "Compagnie Théâtre en Pied d'Immeuble", "Régie de quartier Bièvre",
            "Collectif Parents Solidaires", "Fédération des centres sociaux du Val-de-Marne", "Coopérative Ici Demain",
            "Association Sport dans la Ville", "Maison des Jeunes et de la Culture")
LONG_URL = "https://www.exemple-tres-long-nom-de-domaine-pour-tester-les-petits-ecrans.fr/projets/2021/un-chemin-sans-espace"


def write_large_site(root: Path) -> Path:
    """Write the content repository into ``root`` and return it."""
    content = root / "content"
    _write(content / "site.yaml", _site_yaml())
    (content / "media").mkdir(parents=True, exist_ok=True)
    (content / "media" / "logo.png").write_bytes(_png(360, 120, 3))
    for year in EDITIONS:
        (content / "media" / f"reglement-{year}.pdf").write_bytes(PDF)
    (content / "media" / "bilan.pdf").write_bytes(PDF)
    _write(content / "territory.yaml", _territory_yaml())
    _write(content / "themes.yaml", "themes:\n" + "".join(
        f"  - slug: {slug}\n    name: {name}\n    description: \"{description}\"\n" for slug, name, description in THEMES))
    for number, year in enumerate(EDITIONS, start=1):
        _write(content / "editions" / f"{year}.md", _edition(number, year))
    for index in range(LAUREATES):
        if index % 7 == 0:
            (content / "media").mkdir(parents=True, exist_ok=True)
            (content / "media" / f"projet-{index:02d}.png").write_bytes(_png(640, 360, index))
        _write(content / "laureates" / f"projet-{index:02d}.md", _laureate(index))
    for slug, text in PAGES.items():
        _write(content / "pages" / f"{slug}.md", text)
    return root


def _site_yaml() -> str:
    return ("title: Label Actions innovantes\n"
            "description: Un site de démonstration, plus grand que le vrai, pour les tests dans le navigateur.\n"
            "intro: Le label distingue chaque année des projets innovants dans les quartiers prioritaires.\n"
            "language: fr\n"
            "base_url: https://exemple.test/label/\n"
            "organisation: Établissement public territorial de démonstration\n"
            "contact_email: contact@exemple.test\n"
            f"page_size: {PAGE_SIZE}\n"
            "logo: media/logo.png\n"
            "logo_alt: Établissement de démonstration\n"
            'colour: "#7a2e8e"\n')


def _territory_yaml() -> str:
    lines = ["contrats_de_ville:"]
    for slug, name, quartiers in CONTRATS:
        lines += [f"  - slug: {slug}", f"    name: \"{name}\"",
                  "    contact:", "      role: Cheffe de projet du contrat de ville",
                  f"      email: {slug}@exemple.test", "      phone: 01 23 45 67 89", "    quartiers:"]
        for q_slug, q_name, commune, code in quartiers:
            lines += [f"      - slug: {q_slug}", f"        name: {q_name}", f"        commune: {commune}"]
            lines += [f"        code: {code}"] if code else []
            lines += ["        current: false"] if q_slug in NOT_CURRENT else []
    return "\n".join(lines) + "\n"


def _edition(number: int, year: int) -> str:
    front = [f"number: {number}"]
    if year == EDITIONS[-1]:
        front += [f"call_opens: {year}-03-01", f"call_closes: {year}-06-05"]
    else:
        front += [f"call_opens: {year}-01-15", f"call_closes: {year}-04-30"]
    if year == EDITIONS[0]:
        front += ["laureates_announced: 20"]
    front += ["documents:", f"  - file: media/reglement-{year}.pdf", f"    title: Règlement de l'appel à projets {year}"]
    return ("---\n" + "\n".join(front) + "\n---\n"
            f"L'édition {year} du label a distingué des projets dans **tous les contrats de ville** du territoire.\n\n"
            "## Le jury\n\nÉlus, experts et techniciens ont reçu les porteurs de projets pour une présentation orale.\n")


def _laureate(index: int) -> str:
    quartiers = [q for _, _, qs in CONTRATS for q, *_ in qs]
    themes = [slug for slug, _, _ in THEMES]
    title = f"{ACTIVITIES[index % len(ACTIVITIES)]} {SUBJECTS[index % len(SUBJECTS)]} n° {index + 1}"
    porteur = PORTEURS[index % len(PORTEURS)]
    chosen_q = [quartiers[index % len(quartiers)]]
    if index % 5 == 0:
        chosen_q.append(quartiers[(index + 3) % len(quartiers)])
    chosen_t = [themes[index % len(themes)]]
    if index % 3 == 0:
        chosen_t.append(themes[(index + 2) % len(themes)])
    front = [f"title: \"{title}\"", f"porteur: \"{porteur}\"", f"edition: {EDITIONS[index % len(EDITIONS)]}",
             f"quartiers: [{', '.join(chosen_q)}]", f"themes: [{', '.join(chosen_t)}]",
             f"summary: \"{title}, un projet mené avec les habitants par {porteur}.\""]
    if index % 7 == 0:
        front += [f"image: media/projet-{index:02d}.png", f"image_alt: \"Des habitants à l'{title.lower()}\"",
                  f"image_credit: © Photographe {index:02d}"]
    if index % 3 == 0:  # some supports known, some not: the edition pages say the sum is partial
        front += [f"support: {1500 * (index + 1)}"]
    if index % 4 == 0:
        front += [f"website: {LONG_URL if index % 8 == 0 else f'https://projet-{index}.exemple.test/'}"]
    if index % 5 == 1:  # a video link and a document to download
        front += [f"video: https://www.youtube.com/watch?v=projet-{index}", "documents:", "  - file: media/bilan.pdf",
                  "    title: Bilan du projet"]
    if index % 6 == 0:
        front += ["partners: [Ville de Villejuif, Caisse d'allocations familiales, Bailleur social du quartier]"]
    body = (f"Le projet **{title}** est né d'une rencontre entre {porteur} et les habitants du quartier.\n\n"
            "## Objectifs\n\n- créer du lien entre voisins ;\n- ouvrir le quartier sur la ville ;\n"
            "- donner envie d'agir.\n\n## Déroulement\n\n"
            "Les ateliers ont lieu chaque semaine. Pour proposer un projet semblable, voir la page "
            "[candidater](/candidater/).\n")
    if index % 10 == 0:
        body += "\n> Un projet qui a changé le regard des habitants sur leur quartier.\n"
    return "---\n" + "\n".join(front) + "\n---\n" + body


PAGES = {
    "le-label": "---\ntitle: Le label\nmenu: 1\n---\nLe label distingue chaque année des projets innovants. "
                "Voir les [éditions](/editions/) et les [lauréats](/laureats/).\n",
    "candidater": "---\ntitle: Candidater\nmenu: 2\n---\nLe calendrier de l'appel à projets figure sur la page de "
                  "chaque [édition](/editions/).\n",
    "accessibilite": "---\ntitle: Accessibilité\n---\n**Accessibilité : non conforme.** Aucun audit n'a été réalisé.\n",
    "mentions-legales": "---\ntitle: Mentions légales\n---\n## Éditeur du site\n\nUn établissement de démonstration.\n",
}
PAGES["guide-de-redaction"] = """---
title: Guide de rédaction
menu: 3
---
Cette page rassemble tout ce qu'un rédacteur peut écrire en Markdown, pour vérifier que chaque élément reste lisible et accessible.

## Titres et paragraphes

Un paragraphe avec du texte **en gras**, *en italique*, un [lien interne](/laureats/), un [lien vers une édition](/editions/2021/) et un [lien externe](https://www.exemple.test/).

### Un titre de niveau 3

Du texte sous un titre de niveau 3, avec une adresse très longue qui ne doit pas faire déborder la page sur un petit écran : https://www.exemple-tres-long-nom-de-domaine-pour-tester-les-petits-ecrans.fr/un/chemin/sans/aucun/espace

## Listes

- Une liste à puces ;
- avec un deuxième élément ;
  - et une sous-liste.

1. Une liste numérotée ;
2. avec un deuxième élément.

## Citation

> Une citation mise en valeur, sur plusieurs mots, pour voir sa mise en forme.

## Tableau

| Édition | Lauréats | Quartiers |
|---|:---:|---:|
| 2019 | 15 | 8 |
| 2020 | 15 | 8 |
| 2021 | 15 | 8 |

## Code

Une commande : `python build.py`.
"""


# A one-page PDF, as small as the format allows (the browser tests never open it)
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> "
       b"endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\ntrailer << /Root 1 0 R >>\n"
       b"%%EOF\n")


def _png(width: int, height: int, seed: int) -> bytes:
    """A small opaque PNG: a diagonal gradient tinted by ``seed`` (no imaging library needed)."""
    rows = b"".join(
        b"\0" + bytes(c for x in range(width) for c in (x * 255 // width, y * 200 // height + 40, (seed * 37) % 256))
        for y in range(height))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
