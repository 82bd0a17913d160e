"""Markdown and French typography as input/expected pairs (what editors type → what visitors get)."""

from __future__ import annotations

import pytest

from vitrine.site.markup import markdown_to_html
from vitrine.content.slugs import slugify
from vitrine.content.typography import french, french_html

NBSP, NNBSP = "\u00a0", "\u202f"

TYPOGRAPHY = {
    "space before a colon becomes non-breaking": ("Édition : 2020", f"Édition{NBSP}: 2020"),
    "narrow space before ; ! ?": ("Oui ; non ! Vraiment ?", f"Oui{NNBSP}; non{NNBSP}! Vraiment{NNBSP}?"),
    "inside guillemets": ("« L'expo bavarde »", f"«{NBSP}L’expo bavarde{NBSP}»"),
    "guillemets typed without spaces": ("«expo»", f"«{NBSP}expo{NBSP}»"),
    "typographic apostrophe": ("l'envers d'un décor", "l’envers d’un décor"),
    "no space added where none was typed": ("10:30 https://exemple.fr", "10:30 https://exemple.fr"),
    "idempotent": (f"Édition{NBSP}: 2020{NNBSP}!", f"Édition{NBSP}: 2020{NNBSP}!"),
}


@pytest.mark.parametrize("text, expected", TYPOGRAPHY.values(), ids=TYPOGRAPHY.keys())
def test_french_typography(text: str, expected: str) -> None:
    assert french(text) == expected


HTML_TYPOGRAPHY = {
    "apostrophe before a link": ("page de l'<a href='x'>édition</a>", "page de l’<a href='x'>édition</a>"),
    "apostrophe before guillemets": ("l'« expo »", f"l’«{NBSP}expo{NBSP}»"),
    "never inside tags": ('<a title="a : b" href="x">c : d</a>', f'<a title="a : b" href="x">c{NBSP}: d</a>'),
    "never inside code": ("<code>a : b 'c'</code> e : f", f"<code>a : b 'c'</code> e{NBSP}: f"),
}


@pytest.mark.parametrize("html, expected", HTML_TYPOGRAPHY.values(), ids=HTML_TYPOGRAPHY.keys())
def test_french_typography_in_html(html: str, expected: str) -> None:
    assert french_html(html) == expected


MARKDOWN = {
    "a first-level heading becomes an h2: the page has its own h1": (
        "# Le projet", '<h2 id="le-projet">Le projet</h2>'),
    "second and third levels keep their level, with anchors": (
        "## Les étapes\n\n### Le jury", '<h2 id="les-etapes">Les étapes</h2>\n<h3 id="le-jury">Le jury</h3>'),
    "attribute lists set an anchor": (
        "## Contacts {: #qui-contacter }", '<h2 id="qui-contacter">Contacts</h2>'),
    "tables, with their alignment": (
        "| Quartier | Lauréats |\n|:--|--:|\n| Noyer Renard | 2 |",
        '<table><thead><tr><th class="align-left">Quartier</th><th class="align-right">Lauréats</th></tr></thead>'
        '<tbody>\n<tr><td class="align-left">Noyer Renard</td><td class="align-right">2</td></tr>\n</tbody></table>'),
    "typography in text": (
        "Il faut candidater : c'est ouvert !", f"<p>Il faut candidater{NBSP}: c’est ouvert{NNBSP}!</p>"),
    "root links are kept for the renderer to make relative": (
        "[Candidater](/candidater/)", '<p><a href="/candidater/">Candidater</a></p>'),
    "scripts are dropped with their content": (
        "Avant <script>alert(1)</script> après", "<p>Avant  après</p>"),
    "event handlers and javascript: links are dropped": (
        '<a href="javascript:alert(1)" onclick="x()">lien</a>', "<p><a>lien</a></p>"),
    "styles and frames are dropped": (
        '<p style="color:red">Texte</p>\n<iframe src="https://x.test"></iframe>', "<p>Texte</p>\n"),
    "images keep their alt text": (
        "![Des habitants](media/photo.jpg)", '<p><img src="media/photo.jpg" alt="Des habitants"></p>'),
    "two headings with the same text get distinct anchors": (
        "## Étapes\n\n## Étapes", '<h2 id="etapes">Étapes</h2>\n<h2 id="etapes_1">Étapes</h2>'),
    "an anchor can be chosen without the colon": ("## Contacts {#contacts}", '<h2 id="contacts">Contacts</h2>'),
    "the anchor of a heading with emphasis comes from its text": (
        "## Le *jury*", '<h2 id="le-jury">Le <em>jury</em></h2>'),
    "addresses between angle brackets become links": (
        "Voir <https://exemple.fr/projet>.", '<p>Voir <a href="https://exemple.fr/projet">https://exemple.fr/projet</a>.</p>'),
    "strikethrough, as in the git host's preview": ("~~annulé~~ reporté", "<p><del>annulé</del> reporté</p>"),
}


@pytest.mark.parametrize("text, expected", MARKDOWN.values(), ids=MARKDOWN.keys())
def test_markdown(text: str, expected: str) -> None:
    assert markdown_to_html(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Cultures du Cœur 94", "cultures-du-coeur-94"), ("L'expo bavarde : l’envers du décor", "l-expo-bavarde-l-envers-du-decor"),
    ("Mon Projet", "mon-projet"), ("  Île-de-France  ", "ile-de-france")])
def test_slugs_from_titles(text: str, expected: str) -> None:
    assert slugify(text) == expected
