"""Pagination and template dependencies: bounded links, named templates.

Counted, never timed: each rebuild must do the work the edit calls for, and equal a cold build."""

from __future__ import annotations



from vitrine.site.pages import Pagination
from vitrine.speed.fingerprints import referenced_templates


def test_a_listing_page_links_to_a_bounded_number_of_its_pages() -> None:
    urls = tuple(f"laureats/page/{n}/" for n in range(1, 501))
    for number in (1, 2, 3, 250, 499, 500):
        window = Pagination(number, len(urls), urls).window
        shown = [item[0] for item in window if item]
        assert len(window) <= 9 and {1, 500, number} <= set(shown) and shown == sorted(shown)
        assert all(urls[n - 1] == url for n, url in filter(None, window))



def test_template_dependencies_are_named_templates_or_else_every_template() -> None:
    source = '{% extends "base.html" %}{% from \'partials/card.html\' import card %}{%- include "partials/x.html" -%}'
    assert referenced_templates(source) == ("base.html", "partials/card.html", "partials/x.html")
    assert referenced_templates('{% extends "base.html" %}{% include "partials/" ~ kind ~ ".html" %}') is None
    assert referenced_templates("{% include kind %}") is None
    assert referenced_templates("{% include ['a.html', 'b.html'] %}") is None

