"""Jinja2's code generator for the site's templates: the Python each template compiles to, its outputs' escaping
and yields shortened (the same text out: ``tests/site/test_template_calls.py``). It overrides methods of Jinja2
3.1's ``CodeGenerator`` that are not public: hence ``jinja2>=3.1,<3.2`` in ``pyproject.toml``."""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.runtime import markup_join
from markupsafe import Markup, escape

try:  # markupsafe's own escaping of a string, which ``escape`` calls (3.0: its C module's, else its Python one's)
    from markupsafe import _escape_inner
except ImportError:  # markupsafe 2, which Jinja2 3.1 accepts: the same text through ``escape``
    def _escape_inner(value: str, /) -> str:
        return str(escape(value))


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


def join_values(values: tuple[Any, ...]) -> str:
    """``a ~ b ~ c`` in an autoescaped template: what Jinja2's ``markup_join`` gives, which makes each value a string
    by a Python call (``soft_str``) and asks it for ``__html__``. Strings and integers (``'editions/' ~ year ~ '/'``,
    about five a laureate's page) are joined as they are; anything else (a ``Markup`` makes the join one) by it."""
    for value in values:
        kind = type(value)
        if kind is not str and kind is not int:
            return markup_join(values)
    return "".join(map(str, values))


class TemplateCodeGenerator(CodeGenerator):
    """Jinja2's code generator, an autoescaped output written by ``escape_output`` instead of ``escape``, and a
    concatenation joined by ``join_values`` instead of ``markup_join``."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        # The module's first line: then both are globals of every template function
        self.writeline(f"from {__name__} import escape_output, join_values")
        super().visit_Template(node, frame)

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        """Outside a buffer (a template's or a block's top level), a line of text and values as one ``yield`` of their
        join, where Jinja2 yields each: every yield goes up through the page's template, its base and the block (a
        generator's step each), about 120 a laureate's page."""
        if frame.buffer is not None or frame.require_output_check:
            super().visit_Output(node, frame)
            return
        finalize = self._make_finalize()
        body = _output_body(self, node, frame, finalize)
        if len(body) < 2:
            super().visit_Output(node, frame)
            return
        self.writeline("yield ''.join((")
        self.indent()
        for item in body:
            if isinstance(item, list):
                self.writeline(self._output_const_repr(item) + ",")
            else:
                self.newline(item)  # each value on its own line: an error's line in the template stays its own
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
                self.write(",")
        self.outdent()
        self.writeline("))")

    @optimizeconst  # a constant concatenation is written as its value, as Jinja2 does
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super().visit_Concat(node, frame)
            return
        self.write("join_values((")
        for value in node.nodes:
            self.visit(value, frame)
            self.write(", ")
        self.write("))")

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src is not None:
            super()._output_child_pre(node, frame, finalize)
        else:
            self.write("escape_output(")


def _output_body(generator: CodeGenerator, node: nodes.Output, frame: Frame, finalize: Any) -> list[Any]:
    """An output's parts as Jinja2's ``visit_Output`` makes them: each run of constant text as a list of strings
    (escaped at compile time), each value to evaluate as its node."""
    body: list[Any] = []
    for child in node.nodes:
        try:
            if not (finalize.const or isinstance(child, nodes.TemplateData)):
                raise nodes.Impossible()
            const = generator._output_child_to_const(child, frame, finalize)
        except (nodes.Impossible, Exception):  # evaluated at run time (an error is easier to find there): as Jinja2
            body.append(child)
            continue
        if body and isinstance(body[-1], list):
            body[-1].append(const)
        else:
            body.append([const])
    return body
