#!/usr/bin/env python3
"""Synthetic content in Vitrine's content contract, for benchmarks and the work-done regression test.

    python benchmarks/generate.py N DEST [--seed S]

writes ``DEST/content/`` with N laureates (300–700 words of French Markdown each:
headings, lists, emphasis, links), 9 editions, 31 quartiers in 8 contrats de
ville, 10 themes, the free pages the templates link to, and ``site.yaml``.
The same N and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

EDITIONS = tuple(range(2017, 2026))  # 9 editions
CONTRATS = 8
QUARTIERS = 31
THEMES = ("numerique", "culture", "participation-des-habitants", "lien-social", "emploi", "education",
          "sante", "environnement", "sport", "mobilite")
THEME_NAMES = ("Numérique", "Culture", "Participation des habitants", "Lien social", "Emploi", "Éducation",
               "Santé", "Environnement", "Sport", "Mobilité")
COMMUNES = ("Athis-Mons", "Vitry-sur-Seine", "Ivry-sur-Seine", "Choisy-le-Roi", "Orly", "Villejuif",
            "Juvisy-sur-Orge", "Viry-Châtillon", "Savigny-sur-Orge", "Morangis", "Thiais", "Arcueil")

NOUNS = ("projet", "quartier", "habitant", "atelier", "association", "jardin", "collège", "médiathèque", "outil",
         "réseau", "rencontre", "parcours", "école", "famille", "jeunesse", "commune", "exposition", "formation",
         "chantier", "espace", "service", "partenaire", "bénévole", "résidence", "marché", "festival", "centre social",
         "maison de quartier", "plateforme", "numérique", "emploi", "santé", "sport", "culture", "mobilité")
ADJECTIVES = ("innovant", "partagé", "collectif", "solidaire", "numérique", "local", "ouvert", "durable",
              "participatif", "culturel", "accessible", "intergénérationnel", "gratuit", "nouveau", "premier")
VERBS = ("accompagne", "réunit", "propose", "construit", "encourage", "valorise", "ouvre", "relie", "forme",
         "anime", "soutient", "imagine", "développe", "fait découvrir", "met en valeur", "transforme")
ADVERBS = ("chaque semaine", "depuis 2019", "avec les habitants", "au cœur du quartier", "toute l'année",
           "en lien avec la ville", "pendant les vacances", "le samedi matin", "dans les écoles", "sur rendez-vous")
HEADINGS = ("Le projet", "Les objectifs", "Qui participe ?", "Comment ça marche", "Les résultats",
            "Les partenaires", "Et ensuite ?", "Ce qu'en disent les habitants", "Le calendrier", "Les moyens")
TITLE_WORDS = ("Atelier", "Fabrique", "Maison", "Réseau", "Jardin", "Radio", "Café", "École", "Studio", "Cinéma",
               "Marché", "Chantier", "Parcours", "Festival", "Plateforme", "Carrefour", "Lab", "Passerelle")
TITLE_TAILS = ("des savoirs", "du quartier", "numérique", "solidaire", "des parents", "des jeunes", "partagé",
               "des possibles", "en commun", "itinérant", "des cultures", "de la réussite", "vert", "mobile")


def generate(n: int, dest: Path, seed: int = 7, words: tuple[int, int] = (300, 680)) -> Path:
    """Write a content repository with ``n`` laureates into ``dest/content``; return ``dest``.

    Each laureate's body has between ``words[0]`` and about ``words[1]`` words (tests ask for short ones).
    """
    rng = random.Random(seed)
    content = dest / "content"
    if content.exists():
        shutil.rmtree(content)
    for folder in ("editions", "laureates", "pages"):
        (content / folder).mkdir(parents=True)
    _write(content / "site.yaml", SITE_YAML)
    quartiers = _territory(content / "territory.yaml")
    _write(content / "themes.yaml", "themes:\n" + "".join(
        f"  - slug: {slug}\n    name: {name}\n    description: Les projets lauréats qui relèvent de la thématique "
        f"{name.lower()}.\n" for slug, name in zip(THEMES, THEME_NAMES)))
    for number, year in enumerate(EDITIONS, start=1):
        _write(content / "editions" / f"{year}.md",
               f"---\nnumber: {number}\ncall_opens: {year}-03-01\ncall_closes: {year}-06-05\n---\n"
               f"La {number}{'re' if number == 1 else 'e'} édition du label a distingué des projets **innovants** "
               f"dans les quartiers prioritaires.\n\n{_paragraph(rng, words[0] // 5)}\n")
    for slug, title, menu in PAGES:
        menu_line = f"menu: {menu}\n" if menu else ""
        _write(content / "pages" / f"{slug}.md", f"---\ntitle: {title}\n{menu_line}---\n{_body(rng, [], words[0] // 2)}")
    slugs = [f"{_slug(i)}-{i}" for i in range(n)]
    for i, slug in enumerate(slugs):
        _write(content / "laureates" / f"{slug}.md", _laureate(rng, i, slugs, quartiers, words))
    return dest


def _laureate(rng: random.Random, i: int, slugs: list[str], quartiers: list[str], words: tuple[int, int]) -> str:
    title = f"{TITLE_WORDS[i % len(TITLE_WORDS)]} {TITLE_TAILS[(i // len(TITLE_WORDS)) % len(TITLE_TAILS)]} n°\u00a0{i + 1}"
    themes = rng.sample(THEMES, rng.randint(1, 3))
    where = rng.sample(quartiers, rng.randint(1, 2))
    partners = "" if i % 3 else f"partners: [Ville de {rng.choice(COMMUNES)}, {rng.choice(NOUNS).capitalize()} solidaire]\n"
    website = "" if i % 2 else f"website: https://projet-{i}.vitrine-demo.fr/\n"
    others = rng.sample(slugs, min(3, len(slugs)))
    return (f"---\ntitle: \"{title}\"\nporteur: Association {rng.choice(NOUNS)} {rng.choice(ADJECTIVES)} {i % 97}\n"
            f"edition: {EDITIONS[i % len(EDITIONS)]}\nquartiers: [{', '.join(where)}]\nthemes: [{', '.join(themes)}]\n"
            f"summary: >-\n  {_sentence(rng)} {_sentence(rng)}\n{website}{partners}---\n"
            + _body(rng, others, rng.randint(*words)))


def _body(rng: random.Random, links: list[str], words: int) -> str:
    """French Markdown of about ``words`` words: paragraphs under headings, a list, emphasis and links."""
    blocks: list[str] = []
    count = 0
    headings = rng.sample(HEADINGS, len(HEADINGS))
    while count < words:
        if count and blocks[-1][:2] != "##" and rng.random() < 0.3:
            blocks.append(f"## {headings[len(blocks) % len(headings)]}")
        elif rng.random() < 0.2:
            items = [f"- {_sentence(rng)[:-1]} ;" for _ in range(rng.randint(2, 5))]
            items[-1] = items[-1][:-2] + "."
            blocks.append("\n".join(items))
            count += sum(len(item.split()) for item in items)
        else:
            paragraph = _paragraph(rng, min(rng.randint(40, 90), words - count))
            if links and rng.random() < 0.5:
                paragraph += f" Voir aussi [un projet voisin](/laureats/{rng.choice(links)}/)."
            elif rng.random() < 0.3:
                paragraph += " Plus d'informations sur [le site de la ville](https://www.vitrine-demo.fr/actualites)."
            blocks.append(paragraph)
            count += len(paragraph.split())
    return "\n\n".join(blocks) + "\n"


def _paragraph(rng: random.Random, words: int) -> str:
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(_sentence(rng))
    return " ".join(sentences)


def _sentence(rng: random.Random) -> str:
    subject = f"Le {rng.choice(NOUNS)} {rng.choice(ADJECTIVES)}"
    if rng.random() < 0.25:
        subject = f"**{subject}**"
    rest = f"{rng.choice(VERBS)} les {rng.choice(NOUNS)}s {rng.choice(ADVERBS)}"
    if rng.random() < 0.2:
        rest += f" : *{rng.choice(NOUNS)} {rng.choice(ADJECTIVES)}*"
    if rng.random() < 0.15:
        rest += f", « {rng.choice(NOUNS)} {rng.choice(ADJECTIVES)} »"
    return f"{subject} {rest}{rng.choice('...!?') if rng.random() < 0.1 else '.'}".replace("...", ".")


def _territory(path: Path) -> list[str]:
    """8 contrats de ville sharing 31 quartiers; returns the quartier slugs."""
    lines = ["contrats_de_ville:"]
    slugs = []
    per_contrat = [QUARTIERS // CONTRATS + (1 if c < QUARTIERS % CONTRATS else 0) for c in range(CONTRATS)]
    q = 0
    for c, count in enumerate(per_contrat):
        commune = COMMUNES[c]
        lines += [f"  - slug: contrat-{c + 1}", f"    name: Contrat de ville de {commune}",
                  "    contact:", "      role: Chef de projet du contrat de ville",
                  f"      email: contrat-{c + 1}@vitrine-demo.fr", "    quartiers:"]
        for _ in range(count):
            q += 1
            slug = f"quartier-{q}"
            slugs.append(slug)
            lines += [f"      - slug: {slug}", f"        name: Quartier {q}",
                      f"        commune: {COMMUNES[(c + q) % len(COMMUNES)]}", f"        code: QP0{91000 + q}"]
    _write(path, "\n".join(lines) + "\n")
    return slugs


def _slug(i: int) -> str:
    return f"{TITLE_WORDS[i % len(TITLE_WORDS)]}-{TITLE_TAILS[(i // len(TITLE_WORDS)) % len(TITLE_TAILS)]}".lower() \
        .replace(" ", "-").replace("é", "e").replace("è", "e")


def _write(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")


SITE_YAML = """\
title: Label Actions innovantes
description: La vitrine des projets distingués par le label Actions innovantes (corpus de test des performances).
intro: Un corpus synthétique pour mesurer Vitrine à grande échelle.
language: fr
base_url: https://label.vitrine-demo.fr/
organisation: Établissement public de test
contact_email: contact@vitrine-demo.fr
page_size: 24
"""

PAGES = (("le-label", "Le label", 1), ("candidater", "Candidater", 2), ("accessibilite", "Accessibilité", None),
         ("mentions-legales", "Mentions légales", None))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="number of laureates")
    p.add_argument("dest", type=Path, help="repository folder (its content/ is replaced)")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    generate(args.n, args.dest, args.seed)
    print(f"{args.n} lauréats écrits dans {args.dest / 'content'}")


if __name__ == "__main__":
    main()
