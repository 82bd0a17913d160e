"""The Markdown cache: only HTML made from the same text and settings.

Counted, never timed: each rebuild must do the work the edit calls for, and equal a cold build."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


from conftest import REPO
from vitrine.site import markup
from vitrine.content.slugs import slugify
from work import rebuild
from work_fixtures import corpus  # noqa: F401 - fixtures


def test_the_markdown_cache_serves_only_html_made_from_the_same_text_and_settings(corpus: Path, monkeypatch) -> None:
    rebuild(corpus)
    with_heading = next(p for p in sorted((corpus / "content" / "laureates").iterdir()) if "\n## " in p.read_text("utf-8"))
    heading = re.search(r"^## (.+)$", with_heading.read_text("utf-8"), re.M).group(1)
    anchor = f'<h2 id="{slugify(heading)}">'
    page = corpus / "site" / f"laureats/{with_heading.stem}/index.html"
    page.unlink()
    report = rebuild(corpus)
    assert (len(report.rendered_paths), report.conversions) == (1, 0)  # from .vitrine-cache/
    assert anchor in page.read_text("utf-8")
    monkeypatch.setattr(markup, "ANCHORED_LEVELS", "")  # a setting that changes the HTML: headings lose anchors
    page.unlink()
    report = rebuild(corpus)
    assert (len(report.rendered_paths), report.conversions) == (1, 1)
    assert anchor not in page.read_text("utf-8")



def test_the_markdown_cache_key_is_the_same_in_every_process() -> None:
    keys = {subprocess.run([sys.executable, "-c", "from vitrine.site.markup import options_key; print(options_key())"],
                           cwd=REPO, env={"PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True).stdout
            for seed in ("1", "2", "3")}
    assert len(keys) == 1 and keys != {""}

