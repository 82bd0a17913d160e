#!/usr/bin/env python3
"""Vitrine's search bundle against Pagefind 1.5.2's, on the benchmark corpus: equal, or the differences.

    python benchmarks/index_equality.py N [--work /dev/shm/vitrine-equality]

builds the corpus of N laureates (``generate.py``) with Vitrine (``--no-catalogue``, search index included,
written by Vitrine), keeping each page exactly as it was given to the index, then has Pagefind's own binary
(``pagefind --service``, of the installed ``pagefind[bin]``) index the same pages in the same order, and compares
both bundles decoded (``tests/outputs/pagefind_bundle.py``): every file name, every fragment, index chunk,
metadata and entry. Prints the CPU each side took and the compressed sizes; exit 1 when they differ.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests" / "outputs"))

from benchmarks.generate import generate  # noqa: E402
from pagefind_bundle import bundle_files, decoded_bundle, differences  # noqa: E402
from vitrine.outputs import pagefind, search, search_reading  # noqa: E402
from vitrine.outputs.pagefind_assets import UNUSED_FILES  # noqa: E402
from vitrine.pipeline import BuildOptions, build  # noqa: E402

DATE = "2026-12-05"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/vitrine-equality"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    root = generate(args.n, args.work / "repo")
    for folder in ("templates", "static"):
        shutil.copytree(HERE.parent / folder, root / folder)
    fed: list[tuple[str, str]] = []
    read = search_reading.page_words  # in this process: a build without the speed layer renders here
    search_reading.page_words = lambda url, html: fed.append((url, html)) or read(url, html)  # type: ignore
    import datetime as dt  # noqa: PLC0415

    start = time.process_time() + _children_cpu()
    report = build(BuildOptions(root=root, out=root / "site", today=dt.date.fromisoformat(DATE), catalogues=False,
                                use_cache=False, jobs=1))  # in this process: its pages are seen
    ours_cpu = time.process_time() + _children_cpu() - start
    if not report.ok:
        print("\n".join(map(str, report.errors)))
        return 1
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    theirs = {name: data for name, data in pagefind.pagefind_bundle(fed).items() if not name.startswith(UNUSED_FILES)}
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    pagefind_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    ours = bundle_files(root / "site" / search.BUNDLE)
    del ours[search.PAGES.removeprefix(search.BUNDLE + "/")]
    found = differences(decoded_bundle(theirs), decoded_bundle(ours), limit=50)
    pages = sum(name.startswith("fragment/") for name in ours)
    print(f"N = {args.n}: {len(fed)} pages given to the index, {pages} indexed, {len(ours)} files")
    print(f"Vitrine's whole build (pages and index, one render process, no cache): {ours_cpu:.2f} s CPU")
    print(f"Pagefind 1.5.2 over the same pages: {pagefind_cpu:.2f} s CPU, {time.perf_counter() - start:.2f} s, "
          f"peak {after.ru_maxrss / 1024:.0f} MB")
    for label, files in (("Pagefind", theirs), ("Vitrine", ours)):
        size = {kind: sum(len(d) for n, d in files.items() if n.startswith(kind)) for kind in ("fragment/", "index/")}
        print(f"{label}: fragments {size['fragment/']:,} B, index chunks {size['index/']:,} B")
    if found:
        print("DIFFERENT:\n  " + "\n  ".join(found))
        return 1
    print("EQUAL: every file name and every decoded file")
    return 0


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


if __name__ == "__main__":
    sys.exit(main())
