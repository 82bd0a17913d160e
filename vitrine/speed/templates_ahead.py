"""A cold build's templates compiled ahead, in a forked process, while this one validates and plans the site.

Planning runs on one core, and the other is idle meanwhile: compiling the templates there (a tenth of a second at
4,000 laureates, Jinja2 parsing each template and Python compiling what it makes of it) takes that time off the
build's single-core stretch. The forked process hands back Jinja2 bytecode (its ``BytecodeCache`` format: the
template source's checksum, then the code, ``marshal``-ed); this process loads each template from it instead of
compiling it. A template whose source changed in between, or that did not compile there (a syntax error, told
in this process as before), is compiled here as it always was. The code is what this process would have compiled:
the environment is the same one, forked, with the renderer's filters (``Renderer.filters``: which filters exist,
and which take the context, are compiled in).

Every template compiled there is loaded here before the render workers are forked, the base and the partials too,
which each worker otherwise compiled for itself at its first page (about 50 ms each at 4,000 laureates).
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import signal
import tempfile
from typing import IO, Iterator

import jinja2
from jinja2.bccache import Bucket

from vitrine.site.render import Renderer
from vitrine.speed.mechanisms import on
from vitrine.speed.parallel import default_jobs

Compiled = dict[str, tuple[str, bytes]]  # each template's Jinja2 bucket key and bytecode, by name


@contextlib.contextmanager
def compiled_meanwhile(env: jinja2.Environment, jobs: int | None, names: list[str]) -> Iterator[None]:
    """The block runs while a forked process compiles ``env``'s templates (when none is compiled yet, and the
    build may use more than one process); once it is done, ``env`` loads them from what the process made, and
    ``names`` holds their names (none if it was not started or failed). Should the block fail, the process is
    stopped."""
    ahead = TemplatesAhead.start(env) if on("parallel") and not env.cache and (jobs or default_jobs()) > 1 else None
    try:
        yield
    except BaseException:
        if ahead:
            ahead.abandon()
        raise
    compiled = ahead.take() if ahead else {}
    if compiled:
        env.bytecode_cache = CompiledAhead(dict(compiled.values()))
        names.extend(compiled)


class CompiledAhead(jinja2.BytecodeCache):
    """The bytecode the forked process made, keyed by Jinja2's bucket key; each entry given once (the environment
    keeps the template it loads), nothing kept from this process's own compiling."""

    def __init__(self, compiled: dict[str, bytes]):
        self.compiled = compiled

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.compiled.pop(bucket.key, None)
        if data is not None:
            bucket.bytecode_from_string(data)  # a different checksum (the source changed) leaves it empty
        if not self.compiled:  # all given: the environment compiles as before from now on (the preview keeps it)
            bucket.environment.bytecode_cache = None

    def dump_bytecode(self, bucket: Bucket) -> None:
        pass


class TemplatesAhead:
    """The forked process compiling ``env``'s templates (``start``), and what it made (``take``)."""

    def __init__(self, pid: int, results: IO[bytes]):
        self.pid = pid
        self.results = results  # a temporary file, not a pipe: the process never waits for a reader

    @classmethod
    def start(cls, env: jinja2.Environment) -> TemplatesAhead | None:
        """Fork the process that compiles every template of ``env``'s folder (None where there is no ``fork``)."""
        if not hasattr(os, "fork"):
            return None
        results = tempfile.TemporaryFile()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the forked process (coverage does not follow it)
            status = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle (as the workers')
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                gc.freeze()  # what it inherited is not its garbage (``parallel._stopped_quietly``)
                marshal.dump(_compiled(env), results)
                results.flush()
                status = 0
            finally:
                os._exit(status)  # no exit handlers, no buffers of the parent's flushed twice
        return cls(pid, results)

    def take(self) -> Compiled:
        """Wait for the process: each template it compiled, by name (Jinja2's bucket key, its bytecode); nothing
        if it failed or was killed."""
        with self.results:
            _pid, status = os.waitpid(self.pid, 0)
            if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
                return {}
            self.results.seek(0)
            with contextlib.suppress(EOFError, ValueError, TypeError):
                return marshal.load(self.results)
        return {}

    def abandon(self) -> None:
        """The block stopped on an exception (Ctrl+C, SIGTERM, a bug) before the templates were needed: the process
        is stopped and waited for, so that none is left behind. (Content errors are values, not exceptions: the
        process is then waited for by ``take``, a tenth of a second at most.)"""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with self.results:
            os.waitpid(self.pid, 0)


def _compiled(env: jinja2.Environment) -> Compiled:
    """Each template of ``env``'s folder that compiles, with the renderer's filters, as the bytecode cache keeps it."""
    env.filters.update(Renderer.filters(object.__new__(Renderer)))  # only which exist, and what each takes, count
    assert env.loader is not None
    cache = jinja2.BytecodeCache()  # for its keys and checksums only
    compiled = {}
    folders = env.loader.searchpath if isinstance(env.loader, jinja2.FileSystemLoader) else []
    for name in env.list_templates():
        # Only regular files: a pipe would block the process for ever (``template_problems`` refuses it meanwhile)
        if not any(os.path.isfile(os.path.join(folder, name)) for folder in folders):
            continue
        try:
            source, filename, _uptodate = env.loader.get_source(env, name)
            bucket = Bucket(env, cache.get_cache_key(name, filename), cache.get_source_checksum(source))
            bucket.code = env.compile(source, name, filename)
        except Exception:  # noqa: BLE001 - compiled again in the build's own process, which tells what is wrong
            continue
        compiled[name] = (bucket.key, bucket.bytecode_to_string())
    return compiled
