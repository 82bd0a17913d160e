"""The search bundle made beside the build: the pages' words (read where they were rendered: ``search_reading.py``)
are folded into the bundle (``pagefind_write.py``) in a process of its own, started fresh (multiprocessing's ``spawn``, never forked: a process
forked from the build would count the site's model in its memory), while the build renders and writes, as
Pagefind's process did; on a small site, in the build's own process (starting one costs more than it saves).

The build sends the pages in batches through a pipe (its writes wait when the index is behind: memory stays
flat), then gets the bundle's files back. Standard library and the index's own modules only in the process.
"""

from __future__ import annotations

import pickle
from multiprocessing.connection import Connection

from vitrine.errors import SearchIndexError
from vitrine.outputs.pagefind_write import BundleWriter
from vitrine.stopping import in_started_process, starting_processes

OWN_PROCESS_FROM = 300  # searchable pages from which the index is made in a process of its own
BATCH = 32  # pages sent at once


class LocalIndex:
    """The index made in this process."""

    def __init__(self) -> None:
        self.writer = BundleWriter()

    def add(self, words: bytes) -> None:
        """A page's words and fragment, pickled (``search_reading.read_for_index``)."""
        self.writer.add(*pickle.loads(words))  # noqa: S301 - made by this build's own processes

    def done(self) -> None:
        """Every page was added (each is folded as it comes)."""

    def result(self) -> tuple[dict[str, bytes], dict[str, str], str | None]:
        """(the bundle's index files, the page URL of each fragment, the index's language)."""
        return self.writer.files(), self.writer.urls, self.writer.language

    def close(self) -> None:
        self.writer = BundleWriter()


class IndexProcess:
    """The index made in a fresh process; same interface as ``LocalIndex``."""

    def __init__(self) -> None:
        import multiprocessing  # noqa: PLC0415 - only large sites start the process

        context = multiprocessing.get_context("spawn")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs,), name="vitrine-search", daemon=True)
        with starting_processes():  # a stop while it starts: no traceback of its (``stopping.py``)
            self.process.start()
        theirs.close()
        self.batch: list[bytes] = []

    def add(self, words: bytes) -> None:
        self.batch.append(words)
        if len(self.batch) >= BATCH:
            self._send(self.batch)
            self.batch = []

    def _send(self, message: object) -> None:
        try:
            self.connection.send(message)
        except OSError:  # it stopped: ``result`` says why
            pass

    def done(self) -> None:
        """Every page was added: the last batch is sent, to be folded while the build renders the other pages."""
        if self.batch:
            self._send(self.batch)
            self.batch = []

    def result(self) -> tuple[dict[str, bytes], dict[str, str], str | None]:
        self.done()
        self._send(None)
        try:
            answer = self.connection.recv()
        except (EOFError, OSError) as exc:
            raise SearchIndexError("le processus qui fait l'index de recherche s'est arrêté avant la fin.") from exc
        if answer[0] == "erreur":
            raise SearchIndexError(answer[1])
        if answer[0] == "bogue":
            raise RuntimeError(f"the search index's process failed: {answer[1]}")
        return answer[1], answer[2], answer[3]

    def close(self) -> None:
        self.connection.close()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def index_maker(count: int) -> LocalIndex | IndexProcess:
    return IndexProcess() if count >= OWN_PROCESS_FROM else LocalIndex()


def _serve(connection: Connection) -> None:
    """In the fresh process: pages until ``None``, then the bundle (or the French message of what went wrong)."""
    in_started_process()  # the build stops it by closing its pipe, or by SIGTERM
    index = LocalIndex()
    answer: tuple | None = None
    try:
        while (batch := connection.recv()) is not None:
            for words in batch:
                if answer is None:  # after an error, the pages still sent are read and dropped
                    try:
                        index.add(words)
                    except SearchIndexError as exc:
                        answer = ("erreur", str(exc))
                    except Exception as exc:  # noqa: BLE001 - a bug: the build reports it (exit 3)
                        answer = ("bogue", repr(exc))
        if answer is None:
            answer = ("bundle", *index.result())
    except (EOFError, OSError):  # the build stopped, between two messages or within one
        return
    except SearchIndexError as exc:
        answer = ("erreur", str(exc))
    connection.send(answer)
    connection.close()
