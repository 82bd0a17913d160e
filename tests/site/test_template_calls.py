"""A template's calls (``render._Context``): plain functions and methods are called as Jinja2 calls them, and
whatever asks for the context, the evaluation context or the environment still gets it."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from vitrine.site.render import template_environment


class _Helper:
    def __init__(self) -> None:
        self.prefix = "../"

    def href(self, target: str) -> str:
        return self.prefix + target

    @jinja2.pass_context
    def page(self, context: jinja2.runtime.Context, suffix: str) -> str:
        return context["page_url"] + suffix

    def __call__(self, value: str) -> str:  # a class instance: Jinja2's own path
        return value.upper()


def _stops() -> str:
    raise StopIteration


def test_calls_give_what_jinja2_gives(tmp_path: Path) -> None:
    env = template_environment(tmp_path)
    helper = _Helper()
    env.globals.update(href=helper.href, page=helper.page, upper=helper, stops=_stops, length=len,
                       loud=jinja2.pass_environment(lambda environment, text: f"{environment is env}:{text}"),
                       quiet=jinja2.pass_eval_context(lambda eval_ctx, text: f"{eval_ctx.autoescape}:{text}"))
    template = env.from_string(
        "{{ href('a/') }}|{{ page('#x') }}|{{ upper('b') }}|{{ length('abc') }}|{{ loud('c') }}|{{ quiet('<') }}"
        "|{% for i in [1] %}{{ href(i ~ '/') }}{{ page(i ~ '') }}{% endfor %}"
        "|{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m('d') }}")
    assert template.render(page_url="laureats/x/") == (
        "../a/|laureats/x/#x|B|3|True:c|True:&lt;|../1/laureats/x/1|<d>")
    # A callable that raises StopIteration gives an undefined value, as in Jinja2 (StrictUndefined: it fails)
    with pytest.raises(jinja2.UndefinedError, match="StopIteration"):
        env.from_string("{{ stops() }}").render()
