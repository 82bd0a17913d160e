#!/usr/bin/env python3
"""Build a generated corpus with Pelican, to compare with Vitrine in the same run on the same machine.

    python benchmarks/peers.py N [--pelican /path/to/pelican] [--runs 3] [--work /dev/shm/vitrine-peers]

The corpus is the benchmark's (``generate.py``), translated to Pelican's
conventions: one article per laureate (its body unchanged), its edition as
category and its quartiers and themes as tags, so Pelican writes a page per
laureate plus listings by edition, quartier and theme, paginated by 24 like
Vitrine. Pelican is never a dependency of Vitrine: install it apart, e.g.
``python -m venv /tmp/pelican && /tmp/pelican/bin/pip install pelican markdown``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402
from run import timed  # noqa: E402

PELICAN_CONF = """\
SITENAME = "Label Actions innovantes"
SITEURL = ""
DEFAULT_LANG = "fr"
TIMEZONE = "Europe/Paris"
DEFAULT_PAGINATION = 24
RELATIVE_URLS = True
MARKDOWN = {"extension_configs": {"markdown.extensions.toc": {}, "markdown.extensions.tables": {}}, "output_format": "html5"}
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
"""


def pelican_project(corpus: Path, dest: Path) -> Path:
    """The corpus's laureates as Pelican articles in ``dest/content``, with ``dest/pelicanconf.py``."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content").mkdir(parents=True)
    (dest / "pelicanconf.py").write_text(PELICAN_CONF, "utf-8")
    for path in sorted((corpus / "content" / "laureates").iterdir()):
        front, body = path.read_text("utf-8").split("\n---\n", 1)
        fields = dict(re.findall(r"^(\w+): (.*)$", front, re.M))
        summary = re.search(r"summary: >-\n  (.*)", front).group(1)
        # "-qpv": Pelican names page 2 of tag quartier-2 "quartier-22.html", which is also tag quartier-22's page
        quartiers = [f"{slug}-qpv" for slug in re.findall(r"[\w-]+", fields["quartiers"])]
        tags = ", ".join(quartiers + re.findall(r"[\w-]+", fields["themes"]))
        header = (f"Title: {fields['title'].strip(chr(34))}\nDate: {fields['edition']}-01-01\n"
                  f"Category: {fields['edition']}\nTags: {tags}\nSlug: {path.stem}\nAuthors: {fields['porteur']}\n"
                  f"Summary: {summary}\n\n")
        (dest / "content" / path.name).write_text(header + body, "utf-8")
    return dest


def bench_pelican(pelican: str, n: int, work: Path, runs: int) -> dict[str, float]:
    project = pelican_project(generate(n, work / f"corpus-{n}"), work / f"pelican-{n}")
    command = [pelican, str(project / "content"), "-o", str(project / "output"), "-s", str(project / "pelicanconf.py"),
               "-q"]
    cold = []
    for _ in range(runs):
        shutil.rmtree(project / "output", ignore_errors=True)
        cold.append(timed(command))
    files = sum(1 for p in (project / "output").rglob("*") if p.is_file())
    return {"n": n, "cold": statistics.median(r[0] for r in cold), "cold_cpu": statistics.median(r[1] for r in cold),
            "peak_rss_mb": max(r[2] for r in cold), "files": files}


def main() -> None:
    p = argparse.ArgumentParser(description="Build the benchmark corpus with Pelican.")
    p.add_argument("sizes", type=int, nargs="+")
    p.add_argument("--pelican", default=shutil.which("pelican") or "pelican")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--work", type=Path, default=Path("/dev/shm/vitrine-peers"))
    args = p.parse_args()
    print("| N | Pelican cold build | peak RSS | output |\n|---:|---:|---:|---:|")
    for n in args.sizes:
        r = bench_pelican(args.pelican, n, args.work, args.runs)
        print(f"| {n:,} | {r['cold']:.2f} s (CPU {r['cold_cpu']:.2f} s) | {r['peak_rss_mb']:.0f} MB | {r['files']:,} files |",
              flush=True)


if __name__ == "__main__":
    main()
