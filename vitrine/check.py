"""``check``: the whole validation without writing anything, plus warnings that do not block publishing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError
from .load import load_content
from .pages import plan_pages
from .validate import validate


@dataclass(frozen=True)
class CheckReport:
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...]


def check(root: Path, today: dt.date) -> CheckReport:
    """Validate and plan the site (no rendering, no writing); collect errors and warnings."""
    loaded = load_content(root)
    validated = validate(loaded)
    if validated.errors or validated.site is None:
        return CheckReport(validated.errors, validated.warnings)
    plan = plan_pages(validated.site, today)
    return CheckReport(plan.errors, validated.warnings)
