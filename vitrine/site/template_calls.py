"""Jinja2's context class and code generator for the site's templates: their calls of plain functions and methods,
and their outputs' escaping, shortened."""

from __future__ import annotations

import types
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2 import nodes
from markupsafe import Markup, escape
from markupsafe._speedups import _escape_inner  # markupsafe's own C escaping, which ``escape`` calls


class TemplateContext(jinja2.runtime.Context):
    """Jinja2's template context, with a shorter way to call a plain function or method.

    A template's every call (``href(…)``, a macro, ``once_per_depth(…)``: about 25 on a laureate's page) goes
    through ``Context.call``, which asks the callable and its ``__call__`` whether it wants the context, the evaluation
    context or the environment passed first (``jinja2.pass_context``…): 1.8 µs a call, a sixth of a page's template
    time. For a function, a method or a builtin, what it asks is its own ``jinja_pass_arg`` (their ``__call__`` is a
    method wrapper, which never has one): those without it are called here as Jinja2 calls them; anything else (a
    macro, which takes the evaluation context; a class instance…) goes through Jinja2's own ``call``."""

    @jinja2.utils.internalcode  # hidden from a template error's traceback, as Jinja2's own is
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja2's signature
        if type(__obj) not in _PLAIN_CALLABLES or getattr(__obj, "jinja_pass_arg", None) is not None:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")


# Callables whose ``__call__`` is a method wrapper, which holds no ``jinja_pass_arg``: see ``TemplateContext``
_PLAIN_CALLABLES = frozenset({types.FunctionType, types.MethodType, types.BuiltinFunctionType})


def escape_output(value: Any) -> str:
    """What ``{{ value }}`` writes in an autoescaped template: the text of ``markupsafe.escape(value)``.

    Jinja2 calls ``escape`` on every output (about 60 a laureate's page), which makes a ``Markup`` of it: two Python
    calls and a ``hasattr`` each, a seventh of a page's template time. An output is only ever joined into the page, a
    macro's or a block's text (which Jinja2 then marks safe itself), so its text is enough: a string escaped by
    markupsafe's C function, a ``Markup`` as it is, an integer as its digits; anything else as ``escape`` makes it."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is Markup:
        return value
    if kind is int:
        return str(value)
    return escape(value)


class TemplateCodeGenerator(CodeGenerator):
    """Jinja2's code generator, an autoescaped output written by ``escape_output`` instead of ``escape``."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        # The module's first line: then ``escape_output`` is a global of every template function
        self.writeline(f"from {__name__} import escape_output")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src is not None:
            super()._output_child_pre(node, frame, finalize)
        else:
            self.write("escape_output(")
