"""A template's calls (``render._Context``): plain functions and methods are called as Jinja2 calls them, and
whatever asks for the context, the evaluation context or the environment still gets it; its outputs are escaped as
Jinja2 escapes them."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup, escape

from vitrine.site.render import template_environment
from vitrine.site.template_code import escape_output


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


class _Html:
    def __html__(self) -> str:
        return "<b>safe</b>"


class _Text(str):
    pass


@pytest.mark.parametrize("value", ["", "a < b & \"c\" 'd' >", "Réseau « vert »", Markup("<em>x</em>"), 2020, -3, True,
                                   None, 1.5, _Html(), _Text("<x>"), ["<"]])
def test_outputs_are_escaped_as_markupsafe_escapes(value: object) -> None:
    assert escape_output(value) == str(escape(value))


def test_templates_write_what_jinja2_writes(tmp_path: Path) -> None:
    source = ("{{ text }}|{{ safe }}|{{ number }}|{{ html }}|{% set block %}<{{ text }}>{% endset %}{{ block }}"
              "|{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(text) }}|{{ text ~ safe }}|{{ text ~ number ~ '/' }}|{{ number ~ html }}"
              "|{{ 'a' ~ 1 }}|{{ m(text ~ safe) }}|{% filter upper %}{{ text }}"
              "{% endfilter %}|{% autoescape false %}{{ text }}{% endautoescape %}")
    values = {"text": "<a & 'b'>", "safe": Markup("<i>ok</i>"), "number": 7, "html": _Html()}
    ours = template_environment(tmp_path).from_string(source).render(values)
    jinjas = jinja2.Environment(autoescape=True).from_string(source).render(values)
    assert ours == jinjas


def test_templates_compile_where_markupsafe_has_no_c_speedups() -> None:
    """markupsafe without its C module (a platform without its wheel, built without a compiler) escapes in Python: the
    generator takes whichever escaping markupsafe itself uses, not its C module by name (an ImportError, before, at
    every build)."""
    import subprocess
    import sys

    script = ("import sys\n"
              "class Missing:\n"
              "    def find_spec(self, name, path=None, target=None):\n"
              "        if name == 'markupsafe._speedups':\n"
              "            raise ModuleNotFoundError(name, name=name)\n"
              "sys.meta_path.insert(0, Missing())\n"
              "from vitrine.site.template_code import escape_output\n"
              "print(escape_output('<a & b>'))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "&lt;a &amp; b&gt;\n", "")
