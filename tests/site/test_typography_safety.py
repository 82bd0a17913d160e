"""French typography as a communications team proofreads it (issue 16): input/expected pairs, then a build.

The rules are the Imprimerie nationale's: « » with no-break spaces inside, ’ for the apostrophe, a no-break
space (U+00A0) before « : », « % », « € » and units, a narrow one (U+202F) before « ; ! ? » and between
groups of digits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build_in_process, write
from vitrine.site.markup import markdown_to_html
from vitrine.content.typography import french, french_html

NBSP, NNBSP = "\u00a0", "\u202f"

TEXT = {
    "single quotes around a word are guillemets, not an apostrophe": (
        "des règles 'simples'", f"des règles «{NBSP}simples{NBSP}»"),
    "single quotes around words with an elision inside": (
        "il dit 'c'est simple' !", f"il dit «{NBSP}c’est simple{NBSP}»{NNBSP}!"),
    "straight double quotes are guillemets": ('le "Label" 2022', f"le «{NBSP}Label{NBSP}» 2022"),
    "quotes within guillemets are the second level": (
        '« il a dit "oui" »', f"«{NBSP}il a dit “oui”{NBSP}»"),
    "a lone quote is left alone": ('un écran de 27"', 'un écran de 27"'),
    "apostrophes in words": ("l'expo d'aujourd'hui", "l’expo d’aujourd’hui"),
    "an elided year": ("les années '90", "les années ’90"),
    "euros: grouped digits and a bound symbol": ("1 000 €", f"1{NNBSP}000{NBSP}€"),
    "millions": ("25 000 000 d'euros", f"25{NNBSP}000{NNBSP}000 d’euros"),
    "percent": ("50 % des habitants", f"50{NBSP}% des habitants"),
    "decimals": ("1,5 % et 1 000,50 €", f"1,5{NBSP}% et 1{NNBSP}000,50{NBSP}€"),
    "units": ("2 500 m², 20 km et 3 ha", f"2{NNBSP}500{NBSP}m², 20{NBSP}km et 3{NBSP}ha"),
    "a unit is a whole word": ("3 mois, 2 heures, 5 min", f"3 mois, 2 heures, 5{NBSP}min"),
    "hours and minutes": ("de 10 h 30 à 12 h", f"de 10{NBSP}h{NBSP}30 à 12{NBSP}h"),
    "a time without spaces is untouched": ("10:30", "10:30"),
    "a ratio is untouched": ("3:1", "3:1"),
    "an address is untouched": ("https://a.fr/x?y=1 et https://a.fr/50%20b",
                                "https://a.fr/x?y=1 et https://a.fr/50%20b"),
    "years are not grouped": ("en 2022, 2023 et 2024", "en 2022, 2023 et 2024"),
    "phone numbers are left as typed": ("01 23 45 67 89", "01 23 45 67 89"),
    "a colon after a number still gets its space": ("Lauréats 2022 : 12", f"Lauréats 2022{NBSP}: 12"),
    "a space of the wrong width between groups is made narrow": (f"1{NBSP}000", f"1{NNBSP}000"),
    # The number rules run only where a digit before a space allows them: the first such digit may not be the one
    "groups and units after a year that has neither": ("depuis 2019 ; 1 000 € et 20 km",
                                                       f"depuis 2019{NNBSP}; 1{NNBSP}000{NBSP}€ et 20{NBSP}km"),
    "minutes after an hour typed with its no-break space": (f"à 10{NBSP}h 30", f"à 10{NBSP}h{NBSP}30"),
    "a unit after several spaces": ("50   %", f"50{NBSP}%"),
}


@pytest.mark.parametrize("text, expected", TEXT.values(), ids=TEXT.keys())
def test_french_text(text: str, expected: str) -> None:
    assert french(text) == expected
    assert french(expected) == expected, "typographed text stays as it is"


HTML = {
    "quotes around emphasis": ("<p>'<em>simples</em>'</p>", f"<p>«{NBSP}<em>simples</em>{NBSP}»</p>"),
    "quotes around a link": ('<p>"<a href="x">texte</a>"</p>', f'<p>«{NBSP}<a href="x">texte</a>{NBSP}»</p>'),
    "attributes are untouched": ('<a title="1 000 € \'a\'" href="x?y=1">50 %</a>',
                                 f'<a title="1 000 € \'a\'" href="x?y=1">50{NBSP}%</a>'),
    "code is untouched": ("<code>'a' 1 000 € \"b\"</code> 1 000 €",
                          f"<code>'a' 1 000 € \"b\"</code> 1{NNBSP}000{NBSP}€"),
    "a quotation does not run across paragraphs": ('<p>"a</p>\n<p>b"</p>', '<p>"a</p>\n<p>b"</p>'),
    "an elision after a tag": ("<p><em>l</em>'expo</p>", "<p><em>l</em>’expo</p>"),
    "no-break spaces written as entities count": ("<p>1&nbsp;000&nbsp;€</p>", f"<p>1{NNBSP}000{NBSP}€</p>"),
}


@pytest.mark.parametrize("html, expected", HTML.values(), ids=HTML.keys())
def test_french_html(html: str, expected: str) -> None:
    assert french_html(html) == expected
    assert french_html(expected) == expected


MARKDOWN = {
    "a quoted word": ("Des règles 'simples'.", f"<p>Des règles «{NBSP}simples{NBSP}».</p>"),
    "figures in a table": ("| Aide | Part |\n|---|---|\n| 1 000 € | 50 % |",
                           f"<table><thead><tr><th>Aide</th><th>Part</th></tr></thead><tbody>\n"
                           f"<tr><td>1{NNBSP}000{NBSP}€</td><td>50{NBSP}%</td></tr>\n</tbody></table>"),
    "a code span and a code block": ("`'a' 1 000 €` \"b\"\n\n```\n\"c\" 50 %\n```",
                                     f"<p><code>'a' 1 000 €</code> «{NBSP}b{NBSP}»</p>\n"
                                     "<pre tabindex=\"0\"><code>\"c\" 50 %\n</code></pre>"),
    "an autolink": ("<https://a.fr/x?y=1>", '<p><a href="https://a.fr/x?y=1">https://a.fr/x?y=1</a></p>'),
}


@pytest.mark.parametrize("text, expected", MARKDOWN.values(), ids=MARKDOWN.keys())
def test_markdown_bodies(text: str, expected: str) -> None:
    assert markdown_to_html(text) == expected


def test_a_laureate_is_published_with_french_typography(repo: Path) -> None:
    path = repo / "content" / "laureates" / "jardin-partage.md"
    text = path.read_text("utf-8").replace(
        "summary: Le projet Jardin partagé, porté par Collectif Gamma.",
        "summary: \"Un jardin 'simple' : 1 000 € pour 50 % des parcelles, ouvert à 10 h 30.\"")
    write(path, text + "\nLe \"potager\" fait 2 500 m².\n")
    assert build_in_process(repo).ok
    html = (repo / "site" / "laureats" / "jardin-partage" / "index.html").read_text("utf-8")
    summary = (f"Un jardin «{NBSP}simple{NBSP}»{NBSP}: 1{NNBSP}000{NBSP}€ pour 50{NBSP}% des parcelles, "
               f"ouvert à 10{NBSP}h{NBSP}30.")
    assert f'<p class="lead" data-pagefind-meta="summary">{summary}</p>' in html
    assert f"Le «{NBSP}potager{NBSP}» fait 2{NNBSP}500{NBSP}m²." in html
    listing = (repo / "site" / "laureats" / "index.html").read_text("utf-8")
    assert f'<p class="card-summary">{summary}</p>' in listing
