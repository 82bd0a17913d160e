"""The browser checks themselves: a hand-made faulty site, and each fault reported where it is.

Without this, a crawl that silently checked nothing would pass every other test of the layer.
"""

from __future__ import annotations


import pytest

from .crawler import crawl_site
from .keyboard import check_keyboard
from .server import SiteServer

HEAD = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<title>{title}</title>
{links}
</head>
"""
FAULTY_HOME = HEAD.format(title="Accueil", links='<link rel="stylesheet" href="/static/style.css">\n'
                                                   '<link rel="stylesheet" href="static/local.css">') + """<body>
<header><a href="./">Site en faute</a></header>
<main id="contenu">
<h1>Accueil</h1>
<p><a href="manquante/">Une page qui n'existe pas</a> · <a href="#nulle-part">Une ancre absente</a>
 · <a href="sitemap.xml">Plan du site</a> · <a class="sans-focus" href="propre/">Une page propre</a></p>
<img src="static/photo.svg">
<img src="https://cdn.exemple.test/photo.png" alt="Une photo d'ailleurs">
<div class="trop-large">Un bloc plus large que l'écran</div>
<script>console.log("bloqué par la politique de sécurité")</script>
</main>
</body>
</html>
"""
CLEAN_PAGE = HEAD.format(title="Propre", links='<link rel="stylesheet" href="../static/local.css">') + """<body>
<a class="skip-link" href="#contenu">Aller au contenu</a>
<main id="contenu" tabindex="-1"><h1>Une page propre</h1><p><a href="../">Accueil</a></p></main>
</body>
</html>
"""
LOCAL_CSS = """.trop-large { width: 900px; }
a:focus-visible { outline: 3px solid #000; }
.sans-focus:focus-visible { outline: none; }
"""
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}propre/</loc></url>
<url><loc>{base}perdue/</loc></url>
</urlset>
"""


@pytest.fixture(scope="module")
def faulty_site(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("faulty")
    server = SiteServer(out)
    files = {"index.html": FAULTY_HOME,
             "propre/index.html": CLEAN_PAGE, "static/local.css": LOCAL_CSS,
             "static/photo.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
             "404.html": CLEAN_PAGE.replace("Propre", "Page introuvable"),
             "sitemap.xml": SITEMAP.format(base=server.base_url)}
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, "utf-8")
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def faulty_crawl(chromium, faulty_site: SiteServer):
    return crawl_site(chromium, faulty_site.base_url)


def lines_about(problems: list[str], page: str, *words: str) -> list[str]:
    return [line for line in problems if line.startswith(page + ":") and all(w in line for w in words)]


def test_broken_links_missing_anchors_and_sitemap_entries_are_reported(faulty_crawl) -> None:
    broken = faulty_crawl.broken
    assert lines_about(broken, "(accueil)", "manquante/", "answered 404"), broken
    assert lines_about(broken, "(accueil)", "#nulle-part", "no element has id"), broken
    assert lines_about(broken, "sitemap.xml", "perdue/", "answered 404"), broken
    assert "propre/" in faulty_crawl.pages  # reached through a link, checked like any page


def test_root_relative_and_third_party_addresses_are_reported(faulty_crawl, faulty_site: SiteServer) -> None:
    outside = faulty_crawl.outside
    assert lines_about(outside, "(accueil)", f"{faulty_site.origin}/static/style.css", "outside the site's folder")
    assert lines_about(outside, "(accueil)", "https://cdn.exemple.test/photo.png", "another origin"), outside


def test_csp_violations_axe_violations_and_overflow_are_reported(faulty_crawl) -> None:
    assert lines_about(faulty_crawl.console, "(accueil)", "Content Security Policy"), faulty_crawl.console
    assert lines_about(faulty_crawl.axe, "(accueil)", "image-alt"), faulty_crawl.axe
    assert lines_about(faulty_crawl.overflow, "(accueil)", "360 px", "div.trop-large"), faulty_crawl.overflow
    assert not lines_about(faulty_crawl.axe + faulty_crawl.overflow, "propre/")


def test_keyboard_faults_are_reported(chromium, faulty_site: SiteServer) -> None:
    page = chromium.new_page()
    try:
        faulty = check_keyboard(page, faulty_site.base_url, "(accueil)")
        clean = check_keyboard(page, faulty_site.base_url + "propre/", "propre/")
    finally:
        page.close()
    assert lines_about(faulty, "(accueil)", "first Tab stop", "not a skip link"), faulty
    assert lines_about(faulty, "(accueil)", "a.sans-focus", "no visible focus"), faulty
    assert clean == []
