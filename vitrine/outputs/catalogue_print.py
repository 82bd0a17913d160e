"""A catalogue's HTML printed as a PDF by WeasyPrint, in processes of their own started fresh (multiprocessing's
``spawn``), never forked from the build.

A process forked from the build counts the whole site's model in its memory: at 4,000 laureates, a PDF maker forked
from it peaked at 195 MB, one started fresh at about 100 MB for a volume of 100 laureates (``benchmarks/README.md``,
session 7). So the job carries what the PDF is made from: the page's HTML, and every file of the site it may
read (``files``); WeasyPrint gets nothing else, never the network. Standard library only here (and ``stopping.py``,
which is): the fresh processes import this module and WeasyPrint, nothing of the build. They are the build's children, waited for: their time
and memory count in the build's (what the benchmarks measure).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import mimetypes
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Sequence

from vitrine.stopping import children_since, in_started_process, starting_processes, watched

PDF_VARIANT = "pdf/ua-1"  # WeasyPrint's PDF/UA: tagged, title shown in the window bar, language set
NO_PANGO = ("pango", "")  # what a process reports when WeasyPrint cannot load Pango's libraries


@dataclass(frozen=True)
class PrintJob:
    html: str
    base_url: str
    url: str  # the page's address under ``base_url``: its relative links are read from there
    files: Mapping[str, bytes]  # the site's files it may read, by their path in the site
    day: str  # its dates, ISO 8601
    identifier: str  # what its identifier is derived from (its address)


def print_pdf(job: PrintJob) -> bytes | tuple[str, str]:
    """The tagged PDF of ``job``; else ``("fichier", address)``, a file it asked for that ``files`` does not hold,
    or ``NO_PANGO``."""
    try:
        # WeasyPrint prints its own English advice when Pango is missing: the build's French message replaces it
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: PLC0415 - the build checked that it is installed
    except OSError:  # cffi could not load Pango's libraries
        return NO_PANGO
    from weasyprint import urls  # noqa: PLC0415

    class SiteFiles(urls.URLFetcher):
        """Answers only the site's own addresses, from the files the build publishes: never the network."""

        def fetch(self, address: str, headers: Any = None) -> urls.URLFetcherResponse:
            path = address.split("#", 1)[0].split("?", 1)[0]
            data = job.files.get(path[len(job.base_url):]) if path.startswith(job.base_url) else None
            if data is None:
                raise FileNotFoundError(address)
            return urls.URLFetcherResponse(address, data, {"Content-Type": mimetypes.guess_type(path)[0] or ""})

    try:
        document = weasyprint.HTML(string=job.html, base_url=job.base_url + job.url,
                                   url_fetcher=SiteFiles(fail_on_errors=True), media_type="print").render()
    except urls.FatalURLFetchingError as exc:  # a BaseException: named to be caught
        return ("fichier", str(exc.__cause__ or exc))
    document.metadata.created = document.metadata.modified = job.day  # not the clock: the same bytes
    identifier = hashlib.blake2b(job.identifier.encode(), digest_size=16).hexdigest().encode()
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=identifier)


def print_all(jobs: Sequence[Callable[[], PrintJob]], processes: int | None) -> Iterator[bytes | tuple[str, str]]:
    """``print_pdf`` of each job, in order, in at most ``processes`` fresh processes (None: one per core). Each job
    is made (its page rendered, its files read) only when a process is free for it: a few in memory at once."""
    if not jobs:
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    processes = min(len(jobs), processes or cores)
    import multiprocessing  # noqa: PLC0415 - only when a PDF is made (tests/speed/test_record.py)

    before = set(multiprocessing.active_children())
    with starting_processes():  # a stop while they start: no traceback of theirs (``stopping.py``)
        pool = multiprocessing.get_context("spawn").Pool(processes, in_started_process)
    started = children_since(before)  # a PDF maker killed (out of memory): its PDF would be waited for forever
    try:
        for start in range(0, len(jobs), processes):
            yield from watched(pool.imap(print_pdf, [make() for make in jobs[start:start + processes]], chunksize=1),
                               started)
    finally:
        pool.terminate()  # done, a job failed or the build was interrupted: stopped and waited for
        pool.join()
