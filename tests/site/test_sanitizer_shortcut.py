"""The sanitizer skipped (``markup.kept_as_written``) only where nh3 would write the converter's output back as it is:
random Markdown, hostile forms among it, converted both ways, must give the same bytes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyromark
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from vitrine.site import markup

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "vitrine-hypothesis")
MANY = settings(max_examples=2000, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
PIECES = st.sampled_from(
    ["# ", "## ", "##### ", "\n", "\n\n", "*", "**", "_", "`", "```\n", "```py\n", "    ", "> ", "- ", "1. ", "3. ", "|",
     "---", "|:--|", "[", "](", ")", "![", ">", "\"", "'", "&", "&amp;", "&#", ";", "&nbsp;", "&#58;", "&#x3A;",
     "&quot;", "&#0;", "&#13;", "&#x0C;", "&lt;", "{: #id-1 }", "{: #a:b }", "javascript:", "JaVaScRiPt:", "data:",
     "https://exemple.test/", "http://a.b.fr", "https://xn--a.fr/", "https://a.123/", "//evil.com", "/candidater/",
     "media/x.jpg", "mailto:a@b.fr", "#ancre", "?q=1&r=2", "%3A", "texte ", "é", " : ", "\t", "\r", "\r\n", "\x00",
     "\x0c", "\x7f", "\u2028", "\ufeff", "\u00a0", "\\", "~~", "  \n", "www.exemple.fr", " \"titre\"", "😀", "\ufffe"])
URL_PARTS = st.sampled_from(["http", "https", "://", ":", "/", "//", ".", "-", "--", "xn--", "a", "b0", "fr", "123",
                             "%", "%3A", "?", "=", "&", "#", "é", " ", "\t", "\\", "@", "javascript", "data"])


def _converted(text: str) -> str:
    html_text = markup._with_anchors(pyromark.html(text, options=markup.OPTIONS).rstrip("\n"))
    return markup._TABLE_ALIGN.sub(r' class="align-\1"', html_text)


def _shortcut_is_exact(text: str) -> None:
    html_text = _converted(text)
    if markup.kept_as_written(text, html_text):
        assert markup.sanitize(html_text) == html_text


@MANY
@given(st.lists(PIECES, max_size=40).map("".join))
def test_bodies_skip_the_sanitizer_only_where_it_changes_nothing(text: str) -> None:
    _shortcut_is_exact(text)


@MANY
@given(st.lists(URL_PARTS, max_size=12).map("".join))
def test_links_skip_the_sanitizer_only_where_it_changes_nothing(url: str) -> None:
    _shortcut_is_exact(f"Voir [le lien]({url}) et *ceci*.")


@pytest.mark.parametrize("text", ["[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "[x](java&#58;script:x)",
                                  "[x](data:text/html,x)", "a&nbsp;b", "![i](x.png)", "<script>x</script>", "t\x00u",
                                  "[x](https://xn--bcher-kva.example/)"])
def test_what_nh3_would_change_goes_through_it(text: str) -> None:
    assert not markup.kept_as_written(text, _converted(text))


def test_plain_bodies_take_the_shortcut() -> None:
    text = "## Qui ?\n\nL'atelier *ouvre* : voir [la page](/laureats/x/) et [le site](https://www.exemple.fr/a?b=1).\n"
    assert markup.kept_as_written(text, _converted(text))
