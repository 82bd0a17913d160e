"""Jinja2's context class for the site's templates: their calls of plain functions and methods shortened."""

from __future__ import annotations

import types
from typing import Any

import jinja2


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
