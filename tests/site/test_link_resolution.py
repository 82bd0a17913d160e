"""Where a link of the content leads, as the dead-link check resolves it: the common absolute paths take a short
way (``_PLAIN_PATH``), every other link urljoin's; both must give what a browser reaches."""

from __future__ import annotations

import pytest

from vitrine.site.links import resolve

BASE = "https://label.example.fr/"

CASES = {
    "an absolute path": ("/laureats/atelier-2021/", "editions/2021/", "laureats/atelier-2021/"),
    "an absolute path without its slash": ("/laureats/atelier-2021", "", "laureats/atelier-2021"),
    "the home page": ("/", "laureats/x/", ""),
    "a media file written from content/": ("media/guide.pdf", "laureats/x/", "media/guide.pdf"),
    "a dot segment is removed": ("/laureats/./x/", "", "laureats/x/"),
    "a parent segment is removed": ("/laureats/../candidater/", "", "candidater/"),
    "a relative path from the page": ("../y/", "laureats/x/", "laureats/y/"),
    "an encoded slash is decoded": ("/laureats%2Fx/", "", "laureats/x/"),
    "a query stays on the address": ("/recherche/?q=atelier", "", "recherche/"),
    "the site's own public address": (BASE + "candidater/", "", "candidater/"),
    "another site": ("https://ailleurs.fr/x/", "", None),
    "an authority without a scheme": ("//ailleurs.fr/x/", "", None),
    "a fragment of the page itself": ("#contacts", "laureats/x/", None),
    "an empty path with a query is the page itself": ("//??media/", "laureats/x/", "laureats/x/"),
}


@pytest.mark.parametrize("link, page, expected", CASES.values(), ids=CASES.keys())
def test_a_link_resolves_where_a_browser_goes(link: str, page: str, expected: str | None) -> None:
    assert resolve(link, page, BASE) == expected
