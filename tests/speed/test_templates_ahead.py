"""Templates compiled ahead in a forked process load as the ones compiled here, and a broken one fails as before."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from vitrine.site.render import Renderer, template_environment
from vitrine.speed.templates_ahead import TemplatesAhead, compiled_meanwhile

TEMPLATES = {"page.html": '{% extends "base.html" %}{% block main %}{{ text | french }}{% endblock %}',
             "base.html": "<main>{% block main %}{% endblock %}</main>",
             "broken.html": "{% if %}"}


def _environment(folder: Path) -> jinja2.Environment:
    for name, text in TEMPLATES.items():
        (folder / name).write_text(text, "utf-8")
    env = template_environment(folder)
    env.filters.update(Renderer.filters(object.__new__(Renderer)))  # as the renderer gives them, before rendering
    return env


def test_templates_compiled_ahead_render_as_those_compiled_here(tmp_path: Path) -> None:
    env, names = _environment(tmp_path), []
    with compiled_meanwhile(env, 2, names):
        pass
    assert sorted(names) == ["base.html", "page.html"]  # the broken one is left to this process
    assert isinstance(env.bytecode_cache, jinja2.BytecodeCache)
    ahead = {name: env.get_template(name) for name in names}
    assert env.bytecode_cache is None  # every one given: compiled here from now on
    with pytest.raises(jinja2.TemplateSyntaxError):  # told here, as without the speed layer
        env.get_template("broken.html")
    (tmp_path / "here").mkdir()
    here = _environment(tmp_path / "here")
    assert ahead["page.html"].render(text="Oui !") == here.get_template("page.html").render(text="Oui !")
    assert ahead["page.html"].render(text="Oui !") == "<main>Oui\u202f!</main>"


def test_a_source_changed_meanwhile_is_compiled_again(tmp_path: Path) -> None:
    env, names = _environment(tmp_path), []
    with compiled_meanwhile(env, 2, names):
        (tmp_path / "base.html").write_text("<div>{% block main %}{% endblock %}</div>", "utf-8")
    assert env.get_template("page.html").render(text="a") == "<div>a</div>"


def test_nothing_is_forked_for_one_process_or_templates_already_compiled(tmp_path: Path) -> None:
    env, names = _environment(tmp_path), []
    with compiled_meanwhile(env, 1, names):
        pass
    env.get_template("page.html")
    with compiled_meanwhile(env, 2, names):
        pass
    assert names == [] and env.bytecode_cache is None


def test_a_failed_block_leaves_no_process_behind(tmp_path: Path) -> None:
    ahead = TemplatesAhead.start(_environment(tmp_path))
    assert ahead is not None
    ahead.abandon()
    with pytest.raises(ChildProcessError):
        os.waitpid(ahead.pid, os.WNOHANG)
    with pytest.raises(KeyError):
        with compiled_meanwhile(_environment(tmp_path), 2, []):
            raise KeyError("content errors, Ctrl+C…")
