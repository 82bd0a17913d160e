"""What the search and filter tests need to run the site's JavaScript: Node, Chromium, a static server.

A missing tool skips the test with a message, unless ``VITRINE_REQUIRE_BROWSER=1`` (CI), where it fails.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path(os.environ.get("VITRINE_CHROMIUM", "/usr/bin/chromium"))
QUERY_SCRIPT = Path(__file__).resolve().parent / "search_query.mjs"


def missing(what: str) -> None:
    if os.environ.get("VITRINE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what} (VITRINE_REQUIRE_BROWSER=1)")
    pytest.skip(what)


def search_index(site: Path, *terms: str) -> list[dict]:
    """Search the built site's Pagefind index with Pagefind's own JavaScript, run by Node.

    One answer per term: {"count", "results": [{"id", "url", "meta", "excerpt", "anchors"}, …]}, best first.
    """
    node = shutil.which("node")
    if node is None:
        missing("Node.js introuvable : la requête de l'index de recherche n'est pas testée")
    result = subprocess.run([node, str(QUERY_SCRIPT), str(site), json.dumps(terms)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Chromium driven by Playwright (headless, no sandbox: tests run as root in CI containers)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright n'est pas installé : pip install playwright")
    if not CHROMIUM.is_file():
        missing(f"Chromium introuvable ({CHROMIUM})")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless"])
        yield chromium
        chromium.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator:
    """``serve(folder, prefix)`` → the URL of ``folder`` served over HTTP under ``prefix`` (a sub-folder)."""
    servers = []

    def start(folder: Path, prefix: str = "/") -> str:
        root = folder.parent / "served"
        if root.exists():
            shutil.rmtree(root)
        target = root / prefix.strip("/") if prefix.strip("/") else root
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder, target)
        handler = functools.partial(_QuietHandler, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{prefix}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
