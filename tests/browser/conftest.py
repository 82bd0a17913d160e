"""The browser layer's shared state: two built sites, each served from a sub-folder, one Chromium.

Everything here is package-scoped, so the sites are built once, the browser is
launched once and each site is crawled once, whatever tests ask for them. Not
session-scoped: Playwright's synchronous API keeps an asyncio loop running in
the main thread while it is started, so it must stop before the other tests
(which call ``asyncio.run``) run.

Without Chromium (``/usr/bin/chromium`` or ``$VITRINE_CHROMIUM``) or Java, the
tests that need them are skipped with a message saying how to install them,
unless ``VITRINE_REQUIRE_BROWSER=1`` (CI sets it): then they fail.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import REPO, TODAY, run_cli

from .large_site import write_large_site
from .server import SiteServer

SITES = ("shipped", "large")
EDITOR = "admin/"  # the web editor (Decap CMS): a third-party app, not checked as the site's pages are
EDITOR_BLOCK = "\neditor:\n  backend: gitlab\n  repository: mon-organisme/vitrine\n  app_id: 0123abcd\n"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass(frozen=True)
class BuiltSite:
    name: str
    out: Path
    server: SiteServer

    @property
    def base_url(self) -> str:
        return self.server.base_url


def missing(what: str, how: str) -> None:
    """Skip (on a developer's machine) or fail (with VITRINE_REQUIRE_BROWSER=1, as in CI)."""
    if os.environ.get("VITRINE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what}: {how} (VITRINE_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
    pytest.skip(f"{what}: {how} (the browser layer is skipped)")


@pytest.fixture(scope="package")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, BuiltSite]]:
    """The shipped content and the large fixture, built with the base URL they are served at."""
    roots = {"shipped": tmp_path_factory.mktemp("shipped"), "large": tmp_path_factory.mktemp("large") / "repo"}
    shutil.copytree(REPO / "content", roots["shipped"] / "content")
    with (roots["shipped"] / "content" / "site.yaml").open("a", encoding="utf-8") as site:
        site.write(EDITOR_BLOCK)  # /admin/ published beside the pages: the crawl and vnu leave that app aside
    write_large_site(roots["large"])
    built: dict[str, BuiltSite] = {}
    try:
        for name, root in roots.items():
            server = SiteServer(root / "site")
            built[name] = BuiltSite(name, root / "site", server)
            result = run_cli(root, "build", "--base-url", server.base_url, "--date", TODAY.isoformat())
            assert result.returncode == 0, f"the {name} site does not build:\n{result.stderr}"
            server.start()
        yield built
    finally:
        for site in built.values():
            site.server.close()


@pytest.fixture(scope="package")
def chromium() -> Iterator:
    """One headless Chromium from the distribution, for the whole session."""
    executable = os.environ.get("VITRINE_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        missing(f"Chromium not found at {executable}",
                "install it with `apt-get install chromium`, or set VITRINE_CHROMIUM to its path")
    try:
        from playwright.sync_api import sync_playwright
        import axe_playwright_python  # noqa: F401 - checked here so that the message says how to get it
    except ImportError as exc:
        missing(f"{exc.name} is not installed", "run `pip install -e '.[test]'`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def crawls(chromium, sites: dict[str, BuiltSite]) -> Callable:
    """``crawls(name)``: the crawl of one site, done once however many tests read it."""
    from .crawler import crawl_site

    done: dict = {}

    def get(name: str):
        if name not in done:
            done[name] = crawl_site(chromium, sites[name].base_url)
        return done[name]
    return get
