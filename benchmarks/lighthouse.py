#!/usr/bin/env python3
"""Lighthouse's performance score and layout shift of each page type, as a visitor's phone and desktop see them.

    python benchmarks/lighthouse.py [--corpus N] [--lighthouse PATH] [--work /dev/shm/vitrine-lighthouse]

builds the shipped content (or, with ``--corpus N``, the benchmark corpus of N laureates, ``generate.py``) with its
search index, serves ``site/`` locally as a static host does (gzip for text, as every host compresses) and runs
Lighthouse's performance category on the home, listing, laureate, quartier, edition and search pages, with its
default mobile emulation (simulated slow 4G and a slowed CPU) and its desktop preset. Prints a Markdown table of the
score and the cumulative layout shift (CLS) of each. Lighthouse is not a dependency of Vitrine: install it once with
``npm install --prefix /tmp/lh lighthouse`` and pass ``--lighthouse /tmp/lh/node_modules/.bin/lighthouse`` (it
drives the distribution's Chromium, ``/usr/bin/chromium`` or ``CHROME_PATH``; it never downloads a browser).
Scores move with the machine's load: measure on a quiet machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import AbstractContextManager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENGINE = HERE.parent
sys.path.insert(0, str(HERE))

import search_requests  # noqa: E402
from generate import generate  # noqa: E402

DATE = "2026-12-05"
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".mjs"}
PRESETS = {"mobile": [], "desktop": ["--preset=desktop"]}


def built_site(work: Path, corpus: int | None) -> Path:
    """The site to measure: the shipped content, or the corpus of ``corpus`` laureates, built with its index."""
    root = work / "root"
    if root.exists():
        shutil.rmtree(root)
    if corpus:
        generate(corpus, root)
    else:
        shutil.copytree(ENGINE / "content", root / "content")
    # The catalogue PDFs change no page: left out, the build of a large corpus takes seconds, not minutes
    subprocess.run([sys.executable, str(ENGINE / "build.py"), "--root", str(root), "build", "--date", DATE,
                    "--no-catalogue"],
                   check=True, stdout=subprocess.DEVNULL)
    return root / "site"


def page_of_each_type(site: Path) -> dict[str, str]:
    def first(folder: str) -> str:
        return sorted(p.parent.name for p in (site / folder).glob("*/index.html") if p.parent.name != "page")[0]

    return {"accueil": "", "liste des lauréats": "laureats/", "lauréat": f"laureats/{first('laureats')}/",
            "quartier": f"quartiers/{first('quartiers')}/", "édition": f"editions/{first('editions')}/",
            "recherche": "recherche/?q=atelier"}


def served(folder: Path) -> AbstractContextManager[str]:
    return search_requests.served(folder, _CompressingHandler)


class _CompressingHandler(search_requests._QuietHandler):
    """A static host: text gzipped when the browser accepts it, everything else as the file is."""

    def send_head(self):  # noqa: ANN201 - http.server's own signature
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if (path.suffix not in COMPRESSED or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()  # also a folder's redirect to its address with a slash
        data = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return _Bytes(data)


class _Bytes:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def lighthouse(command: str, url: str, preset: list[str]) -> tuple[int, float]:
    """Lighthouse's performance score (0–100) and CLS of ``url``."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run([command, url, "--only-categories=performance", "--output=json", f"--output-path={report}",
                        "--quiet", "--chrome-flags=--headless=new --no-sandbox", *preset],
                       check=True, env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")})
        data = json.loads(report.read_text("utf-8"))
    score = round(data["categories"]["performance"]["score"] * 100)
    return score, data["audits"]["cumulative-layout-shift"]["numericValue"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=int, default=None, help="laureates of the benchmark corpus (default: the shipped content)")
    parser.add_argument("--lighthouse", default="lighthouse", help="the Lighthouse command")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "vitrine-lighthouse")
    args = parser.parse_args()
    site = built_site(args.work, args.corpus)
    print(f"| page ({args.corpus or 'shipped content'}) | mobile score | mobile CLS | desktop score | desktop CLS |")
    print("|---|---:|---:|---:|---:|")
    with served(site) as base:
        for name, path in page_of_each_type(site).items():
            cells = []
            for preset in PRESETS.values():
                score, cls = lighthouse(args.lighthouse, base + path, preset)
                cells += [str(score), f"{cls:.3f}"]
            print(f"| {name} (`/{path}`) | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
