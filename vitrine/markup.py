"""Markdown bodies → safe, French-typographed HTML, converted once per distinct body.

The HTML is cached on disk keyed by the body's hash and this converter's
version and options, so a cached entry can never be served for other settings.
Raw HTML in Markdown goes through the nh3 allowlist: formatting survives,
scripts, event handlers, ``javascript:`` URLs, frames, styles and forms do not.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import markdown
import nh3

from .slugs import slugify
from .typography import french_html

EXTENSIONS = ["tables", "attr_list", "sane_lists", "toc"]
EXTENSION_CONFIGS = {"toc": {"slugify": lambda value, sep: slugify(value), "toc_depth": "1-4"}}

ALLOWED_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "h5",
                "h6", "table", "thead", "tbody", "tr", "th", "td", "img", "code", "pre", "hr", "abbr", "sup", "sub",
                "dl", "dt", "dd", "figure", "figcaption", "q", "cite", "small", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "img": {"src", "alt", "title", "width", "height"},
                      "abbr": {"title"}, "th": {"scope"}, "td": set(), "ol": {"start"},
                      "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"}}
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
URL_SCHEMES = {"http", "https", "mailto"}
CONTENT_DROPPED = {"script", "style", "iframe", "object", "embed", "form", "textarea", "select", "template", "noscript"}

# Bump when the pipeline below changes in a way that changes its output.
PIPELINE_VERSION = "4"

_TABLE_ALIGN = re.compile(r' style="text-align: (left|center|right);?"')
_H1 = re.compile(r"<(/?)h1\b")


def markdown_to_html(text: str, converter: markdown.Markdown | None = None) -> str:
    """Convert, sanitize and typograph one Markdown body (no cache)."""
    md = converter or new_converter()
    html = md.reset().convert(text)
    html = _H1.sub(r"<\1h2", html)  # the page's template owns its only h1; « ## » stays an h2
    html = _TABLE_ALIGN.sub(r' class="align-\1"', html)
    html = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     clean_content_tags=CONTENT_DROPPED, allowed_classes={"th": ALIGN_CLASSES, "td": ALIGN_CLASSES},
                     link_rel=None)
    return french_html(html)


def options_key() -> str:
    """What the HTML of a body depends on besides its text: versions, extensions and their settings, the allowlist.

    The same in every process (sets are sorted: their order changes with Python's hash seed).
    """
    configs = {name: {k: _describe(v) for k, v in sorted(config.items())}
               for name, config in sorted(EXTENSION_CONFIGS.items())}
    return hashlib.blake2b(repr((PIPELINE_VERSION, markdown.__version__, getattr(nh3, "__version__", ""), EXTENSIONS,
                                 configs, sorted(ALLOWED_TAGS), sorted((tag, sorted(names)) for tag, names in ALLOWED_ATTRIBUTES.items()),
                                 sorted(URL_SCHEMES), sorted(CONTENT_DROPPED), sorted(ALIGN_CLASSES))).encode(),
                           digest_size=8).hexdigest()


def _describe(value: object) -> object:
    """A setting as it can be compared across runs: a function by its compiled code, anything else as it is."""
    code = getattr(value, "__code__", None)
    return (code.co_code, code.co_consts, code.co_names) if code else value


def new_converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")


class MarkdownCache:
    """Markdown → HTML with an on-disk cache in ``.vitrine-cache/markdown/`` (in memory when there is none).

    An entry's name is the hash of the body and of ``options_key()``: changing
    the text, a setting or a library version can only miss, never serve old HTML.
    """

    def __init__(self, cache_dir: Path | None):
        self.cache_dir = cache_dir / "markdown" if cache_dir else None
        self.memory: dict[str, str] = {}
        self.conversions = 0
        self.options_key = options_key()
        self._converter: markdown.Markdown | None = None

    def html(self, text: str) -> str:
        key = hashlib.blake2b((self.options_key + "\0" + text).encode(), digest_size=16).hexdigest()
        hit = self.memory.get(key)
        if hit is not None:
            return hit
        path = self.cache_dir / key[:2] / f"{key}.html" if self.cache_dir else None
        if path is not None:
            try:
                hit = path.read_text("utf-8")
            except OSError:
                hit = None
        if hit is None:
            self._converter = self._converter or new_converter()
            hit = markdown_to_html(text, self._converter)
            self.conversions += 1
            if path is not None:
                _write_atomic(path, hit)
        if path is None and len(self.memory) < 20000:  # the disk cache is enough; memory would grow with N
            self.memory[key] = hit
        return hit


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)
