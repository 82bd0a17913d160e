"""French typography of HTML fragments reads each text once, and still lets a quotation span inline tags.

Tags are replaced by one character each while the rules run (one for block tags, one for inline tags), so no rule
looks for the next « < » or « > » from each match, and no rule reads from each quote or digit up to a distance that
grows with the text: every body below, of 50,000 repetitions, took minutes to hours.
"""

from __future__ import annotations

import pytest

from vitrine.site.markup import markdown_to_html
from vitrine.content.typography import french, french_html

NBSP, NNBSP = "\u00a0", "\u202f"
N = 50_000

# What each text becomes, as a count of what must be in it: the rules read each of these once.
LONG = {
    "double quotes": ('"' * N, '"' * N),
    "opening double quotes never closed": ('"a ' * N, '"a ' * N),
    "single quotes": ("'" * N, "'" * N),
    "opening single quotes never closed": ("'a " * N, "’a " * N),
    "opening single quotes with an elision": ("'a'b " * N, "’a’b " * N),
    "quoted words": ('"a" ' * N, f"«{NBSP}a{NBSP}» " * N),
    "single-quoted words": ("'a' " * N, f"«{NBSP}a{NBSP}» " * N),
    "colons": ("a : " * N, f"a{NBSP}: " * N),
    "groups of digits": ("1 000 " * N, f"1{NNBSP}000 " * N),
    "opening guillemets": ("« a " * N, f"«{NBSP}a " * N),
}


@pytest.mark.parametrize("text, expected", LONG.values(), ids=LONG.keys())
def test_a_long_text_is_typeset_in_one_reading(text: str, expected: str) -> None:
    assert french(text) == expected.rstrip() + text[len(text.rstrip()):]
    html = french_html(f"<p><em>x</em> {text}</p>")
    assert html == f"<p><em>x</em> {expected.rstrip()}{text[len(text.rstrip()):]}</p>"


def test_a_long_markdown_body_of_quotes_is_typeset_in_one_reading() -> None:
    html = markdown_to_html("Le 'mot' et l'« autre » : " * N)
    assert html.count(f"«{NBSP}mot{NBSP}»") == N and html.count(f"l’«{NBSP}autre{NBSP}»{NBSP}:") == N


HTML = {
    "a quotation around a code span": ('<p>"<code>x = 1</code>"</p>', f"<p>«{NBSP}<code>x = 1</code>{NBSP}»</p>"),
    "a mark after an inline tag does not begin a line": ("<p><em>mot</em> : fin</p>",
                                                          f"<p><em>mot</em>{NBSP}: fin</p>"),
    "a « > » inside an attribute": ("<a title=\"a > 'b' : c\" href=\"x\">d : 'e'</a>",
                                    f"<a title=\"a > 'b' : c\" href=\"x\">d{NBSP}: «{NBSP}e{NBSP}»</a>"),
    "a guillemet left open in an earlier paragraph": ('<p>« a</p>\n<p>"b"</p>',
                                                      f'<p>«{NBSP}a</p>\n<p>«{NBSP}b{NBSP}»</p>'),
    "second level within a paragraph": ("<p>« il a dit 'oui' »</p>", f"<p>«{NBSP}il a dit “oui”{NBSP}»</p>"),
    "a quotation does not run across a line break tag": ('<p>"a<br>b"</p>', '<p>"a<br>b"</p>'),
    "a quotation does not run across list items": ("<ul><li>'a</li><li>b'</li></ul>",
                                                   "<ul><li>’a</li><li>b’</li></ul>"),
    "characters of the Private Use Area stay as typed": ("<p>\ue000 'a' \ue001 :</p>",
                                                         f"<p>\ue000 «{NBSP}a{NBSP}» \ue001{NBSP}:</p>"),
    "code blocks are untouched": ('<pre><code>"c" 50 % : x</code></pre>', '<pre><code>"c" 50 % : x</code></pre>'),
}


@pytest.mark.parametrize("html, expected", HTML.values(), ids=HTML.keys())
def test_french_html(html: str, expected: str) -> None:
    assert french_html(html) == expected
    assert french_html(expected) == expected, "typographed HTML stays as it is"


def test_plain_text_keeps_characters_of_the_private_use_area() -> None:
    assert french("\ue000 'a' \ue001 :") == f"\ue000 «{NBSP}a{NBSP}» \ue001{NBSP}:"
    assert french('"a\n\nb"') == '"a\n\nb"', "a quotation does not run across a blank line"
