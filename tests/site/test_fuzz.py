"""Random content through load → validate → plan → render: problems come back as values, never as exceptions.

Hypothesis writes random front matter (raw YAML-ish text, and random data dumped to YAML), random Markdown
bodies and random bytes into one content file of an otherwise valid site. Whatever it writes, the pipeline
returns either a site or ``ContentError`` values located in that file; a site renders, and what it
renders contains no executable form.
"""

from __future__ import annotations

import datetime as dt
import string
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from conftest import FIXTURES, TODAY
from test_injection import PAYLOADS, audit
from vitrine.errors import ContentError
from vitrine.content.read import LoadedContent, SourceFile, load_content, read_source
from vitrine.outputs.images import ImageCache, prepare_images
from vitrine.site.markup import MarkdownCache
from vitrine.site.pages import plan_pages
from vitrine.site.render import Renderer
from vitrine.content.schema import LAUREATE
from vitrine.content.validate import validate

# Hypothesis keeps its Unicode tables (and failing examples' patches) here, never in the working tree.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "vitrine-hypothesis")
FUZZ = settings(max_examples=30, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
BASE = load_content(FIXTURES / "small")  # read only
assert not BASE.errors
IMAGES = ImageCache(None)  # the fixture's images (its logo), kept in memory between examples
GOOD = {"title": "Atelier", "porteur": "Association", "edition": 2021, "quartiers": ["les-tilleuls"],
        "themes": ["numerique"], "summary": "Un résumé."}

YAML_CHARACTERS = st.sampled_from(list(":-[]{}'\"#&*!|>%@`,?~=<\\ \t\n") + list("aeé1_") + ["\u00a0", "\u2028", "’", "🙂"])
MARKDOWN_PIECES = st.sampled_from(
    ["# ", "## ", "\n", "\n\n", "*", "**", "_", "`", "```\n", "> ", "- ", "1. ", "|", "---", "[", "](", ")", "![", "<",
     ">", "\"", "'", "&", "&amp;", "&#", ";", "{:", "}", "javascript:", "https://exemple.test/", "/candidater/",
     "media/x.jpg", "<a href=", "<img src=x ", "onerror=", "<script>", "</", "<!--", "-->", "texte ", "é", " : ", "\t",
     "\u2028", "<table>", "<td>", "{{", "}}", "{%", "%}"] + PAYLOADS)
SCALARS = (st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=True) | st.text(max_size=30)
           | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
NESTED = st.lists(SCALARS, max_size=3) | st.dictionaries(st.text(max_size=8), SCALARS, max_size=3)
VALUES = SCALARS | NESTED | st.lists(NESTED, max_size=2)  # as deep as any field goes
VISIBLE = st.characters(blacklist_categories=("Cc", "Cs"))  # control characters are refused upfront: see test_random_bytes
KEYS = st.sampled_from(LAUREATE.names) | st.text(string.ascii_lowercase + "_", min_size=1, max_size=10)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "content/laureates").mkdir(parents=True)
    (root / "content/themes.yaml").write_text("", "utf-8")
    return root


def run(root: Path, data: bytes, kind: str = "laureate", name: str = "content/laureates/fuzz.md") -> None:
    """The pipeline on the base site plus (or with, for shared files) one fuzzed file: values, never exceptions."""
    path = root / name
    path.write_bytes(data)
    result = read_source(root, path, kind)
    if isinstance(result, SourceFile):
        files = tuple(f for f in BASE.files if f.path != name) + (result,)
        loaded = LoadedContent(files, BASE.media, ())
    else:
        assert result and all(isinstance(e, ContentError) for e in result)
        loaded = LoadedContent(tuple(f for f in BASE.files if f.path != name), BASE.media, tuple(result))
    validated = validate(loaded)
    lines = data.count(b"\n") + data.count(b"\r") + 2
    for error in validated.errors + validated.warnings:
        assert isinstance(error, ContentError)
        assert error.path.startswith("content/") and error.message and str(error), error
        assert error.path != name or 1 <= error.line <= lines, error
    if not isinstance(result, SourceFile):
        assert validated.site is None
    if validated.site is None:
        assert validated.errors
        event(f"refused: {validated.errors[0].field}")
        return
    event("built")
    plan = plan_pages(validated.site, TODAY)
    assert not plan.errors
    images = prepare_images(FIXTURES / "small" / "content", validated.site, IMAGES).sets  # the logo, processed once
    renderer = Renderer(Path(__file__).parents[2] / "templates", MarkdownCache(), validated.site, images=images)
    shown = ("laureats/fuzz/",) if kind == "laureate" else ("",)  # its page (body, fields, cards), or the home page
    for page in plan.pages:
        if page.url in shown:
            problems = audit(renderer.render(page).decode("utf-8")).problems
            assert not problems, (page.url, problems)


def front_matter(text: str, body: str = "Corps.\n") -> bytes:
    return f"---\n{text}\n---\n{body}".encode("utf-8")


@FUZZ
@given(text=st.text(YAML_CHARACTERS, max_size=80))
def test_random_yaml_text_as_front_matter(root: Path, text: str) -> None:
    run(root, front_matter(text))


@FUZZ
@given(text=st.text(VISIBLE, max_size=60))
def test_random_unicode_as_front_matter(root: Path, text: str) -> None:
    run(root, front_matter(text))


@FUZZ
@given(fields=st.dictionaries(KEYS, VALUES, max_size=6))
def test_random_data_dumped_as_front_matter(root: Path, fields: dict[str, Any]) -> None:
    run(root, front_matter(yaml.safe_dump(fields, allow_unicode=True)))


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(LAUREATE.names), VALUES, max_size=3))
def test_a_valid_laureate_with_random_fields_changed(root: Path, changes: dict[str, Any]) -> None:
    run(root, front_matter(yaml.safe_dump(GOOD | changes, allow_unicode=True)))


@FUZZ
@given(body=st.lists(MARKDOWN_PIECES | st.text(VISIBLE, max_size=5), max_size=30).map("".join))
def test_random_markdown_bodies_render_without_executable_forms(root: Path, body: str) -> None:
    run(root, front_matter(yaml.safe_dump(GOOD, allow_unicode=True), body))


@FUZZ
@given(data=st.binary(max_size=200))
def test_random_bytes(root: Path, data: bytes) -> None:
    run(root, data)


@FUZZ
@given(text=st.text(YAML_CHARACTERS, max_size=80) | st.builds(yaml.safe_dump, VALUES))
def test_random_shared_files(root: Path, text: str) -> None:
    run(root, text.encode("utf-8"), "themes", "content/themes.yaml")
    run(root, text.encode("utf-8"), "territory", "content/territory.yaml")
