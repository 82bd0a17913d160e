#!/usr/bin/env python3
"""Measure Vitrine on generated corpora of N laureates: what editors wait for, and what it costs.

    python benchmarks/run.py [--sizes 1000 4000 10000] [--runs 3] [--work /dev/shm/vitrine-bench] [--json FILE]
                             [--no-search]

For each N it reports (medians of ``--runs`` runs, wall clock of ``python build.py``
as an editor runs it, output on tmpfs): cold build (no ``.vitrine-cache/``, no
``site/``), rebuild with nothing changed, rebuild after editing one laureate,
rebuild after editing one template (``laureate.html``, used by N pages), the
live preview's save-to-ready time for one laureate edit (a long-lived
``BuildState``, as ``serve`` keeps), the peak RSS of the largest build process
(its forked workers included) and the size of ``site/``. Wall-clock times
mean little on a shared machine: CPU times (user + system, workers included)
are reported beside them. The table is printed as Markdown, for
``benchmarks/README.md``; the corpus stays in ``--work/N`` for other generators.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ENGINE))
sys.path.insert(0, str(ENGINE / "benchmarks"))

from generate import generate  # noqa: E402

TODAY = "2024-01-15"
SUMMARY = re.compile(r"(\d+) pages, (\d+) rendues, (\d+) fichiers écrits")


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    cpu: float  # user + system time of the build and its workers
    max_rss_mb: float
    rendered: int
    written: int


# Runs a command and reports its wall time, and the CPU time and peak RSS of it and every process it waited for.
# ru_maxrss of RUSAGE_CHILDREN is the largest of all reaped descendants so far: hence a fresh timer per command.
_TIMER = ("import json, resource, subprocess, sys, time; start = time.perf_counter(); "
          "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
          "seconds = time.perf_counter() - start; usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
          "print(json.dumps([done.returncode, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, "
          "done.stdout + done.stderr]))")


def timed(command: list[str]) -> tuple[float, float, float, str]:
    """``command`` run from a fresh measuring process: (wall seconds, CPU seconds, peak RSS in MB, its output)."""
    result = subprocess.run([sys.executable, "-c", _TIMER, *command], capture_output=True, text=True, check=True)
    code, seconds, cpu, rss, output = json.loads(result.stdout)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed ({code}):\n{output}")
    return seconds, cpu, rss, output


def compile_engine() -> None:
    """Vitrine's modules compiled to bytecode once, as ``pip install`` leaves a regular install: an editable one
    under ``PYTHONDONTWRITEBYTECODE`` (this machine sets it) would compile them again on every measured build,
    0.08 s of CPU that an editor's or a deploy job's machine does not pay."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ENGINE / "vitrine"), str(ENGINE / "build.py")],
                   check=True)


def measured(root: Path, *extra: str) -> Run:
    """``python build.py build`` on ``root``, as an editor runs it: times, memory and the work it reports."""
    seconds, cpu, rss, output = timed([sys.executable, str(ENGINE / "build.py"), "--root", str(root), "build",
                                       "--date", TODAY, "--out", str(root / "site"), *extra])
    match = SUMMARY.search(output)
    rendered, written = (int(match.group(2)), int(match.group(3))) if match else (-1, -1)
    return Run(seconds, cpu, rss, rendered, written)


def edit_laureate(root: Path, k: int) -> Path:
    """Append a sentence to the body of the k-th laureate (a real edit, different each time)."""
    path = sorted((root / "content" / "laureates").iterdir())[k * 7 % 100]
    path.write_text(path.read_text("utf-8") + f"\nUne précision ajoutée lors de la modification n°\u00a0{k}.\n", "utf-8")
    return path


def edit_template(root: Path, k: int) -> None:
    path = root / "templates" / "laureate.html"
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"(<h2>En bref)[^<]*", rf"\1 ({k})", text), "utf-8")


def serve_edits(root: Path, runs: int) -> list[float]:
    """Save-to-ready times as ``serve`` sees them: its ``Preview`` (one long-lived ``BuildState``), one laureate
    saved each time and named to the rebuild (as the watcher names it), and what it does between two saves
    (``settle``) left out of the time, as it comes after the browser is told."""
    from vitrine.preview.serve import Preview  # noqa: PLC0415 - the engine under test

    preview = Preview(root, lambda: dt.date.fromisoformat(TODAY))
    report = preview.rebuild()  # what serve does when it starts
    assert report.ok, report.errors
    preview.settle()
    times = []
    for k in range(runs):
        path = edit_laureate(root, 1000 + k)
        start = time.perf_counter()
        report = preview.rebuild([str(path)])
        times.append(time.perf_counter() - start)
        assert report.ok and report.rendered >= 1, report
        preview.settle()
    return times


def serve_measured(root: Path, runs: int) -> list[float]:
    code = "import json, sys; sys.path[:0] = sys.argv[1:3]; import run; print(json.dumps(run.serve_edits(__import__('pathlib').Path(sys.argv[3]), int(sys.argv[4]))))"
    result = subprocess.run([sys.executable, "-c", code, str(ENGINE / "benchmarks"), str(ENGINE), str(root), str(runs)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.splitlines()[-1])


def site_size(site: Path) -> tuple[int, float]:
    files = [p for p in site.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def prepare(n: int, work: Path) -> Path:
    """A generated repository with its own copy of Vitrine's templates and static files (editable)."""
    root = work / str(n)
    if root.exists():
        shutil.rmtree(root)
    generate(n, root)
    shutil.copytree(ENGINE / "templates", root / "templates")
    shutil.copytree(ENGINE / "static", root / "static")
    return root


def fresh(root: Path) -> None:
    for leftover in (".vitrine-cache", "site", "preview"):
        shutil.rmtree(root / leftover, ignore_errors=True)


def bench(n: int, work: Path, runs: int, *extra: str) -> dict[str, object]:
    """Every measure for one N; ``extra`` goes to each ``build`` (e.g. ``--no-search``)."""
    root = prepare(n, work)
    cold = []
    for _ in range(runs):
        fresh(root)
        cold.append(measured(root, *extra))
    unchanged = [measured(root, *extra) for _ in range(runs)]
    one = []
    for k in range(runs):
        edit_laureate(root, k)
        one.append(measured(root, *extra))
    template = []
    for k in range(runs):
        edit_template(root, k)
        template.append(measured(root, *extra))
    serve = serve_measured(root, runs)
    files, megabytes = site_size(root / "site")
    every = cold + unchanged + one + template
    return {
        "n": n,
        "cold": _median(cold), "unchanged": _median(unchanged), "one_laureate": _median(one),
        "one_template": _median(template), "serve_one_laureate": statistics.median(serve),
        "cold_cpu": _median(cold, "cpu"), "unchanged_cpu": _median(unchanged, "cpu"),
        "one_laureate_cpu": _median(one, "cpu"), "one_template_cpu": _median(template, "cpu"),
        "peak_rss_mb": max(r.max_rss_mb for r in every),
        "unchanged_written": max(r.written for r in unchanged), "unchanged_rendered": max(r.rendered for r in unchanged),
        "one_laureate_rendered": statistics.median(r.rendered for r in one),
        "one_template_rendered": statistics.median(r.rendered for r in template),
        "files": files, "site_mb": megabytes,
    }


def _median(runs: list[Run], what: str = "seconds") -> float:
    return statistics.median(getattr(r, what) for r in runs)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "?")
    return (f"{os.cpu_count()} × {cpu}, {int(memory) // 1024} MB RAM, Linux {platform.release()}, "
            f"Python {platform.python_version()}")


def table(results: list[dict[str, object]]) -> str:
    rows = ["| N | cold build | no-change rebuild | one laureate edited | one template edited | serve: one laureate saved "
            "| peak RSS | site/ |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        rows.append(
            f"| {r['n']:,} | {r['cold']:.2f} s (CPU {r['cold_cpu']:.2f} s) "
            f"| {r['unchanged']:.2f} s ({r['unchanged_written']} written; CPU {r['unchanged_cpu']:.2f} s) "
            f"| {r['one_laureate']:.2f} s ({r['one_laureate_rendered']:.0f} rendered; CPU {r['one_laureate_cpu']:.2f} s) "
            f"| {r['one_template']:.2f} s ({r['one_template_rendered']:.0f} rendered; CPU {r['one_template_cpu']:.2f} s) "
            f"| {r['serve_one_laureate'] * 1000:.0f} ms | {r['peak_rss_mb']:.0f} MB "
            f"| {r['files']:,} files, {r['site_mb']:.0f} MB |")
    return "\n".join(rows)


def main() -> None:
    p = argparse.ArgumentParser(description="Benchmark Vitrine on generated corpora.")
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 10000])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--work", type=Path, default=Path("/dev/shm/vitrine-bench"))
    p.add_argument("--json", type=Path, help="also write the raw results there")
    p.add_argument("--no-search", action="store_true", help="build without the search index (the pages alone)")
    args = p.parse_args()
    compile_engine()
    print(f"Machine: {machine()}\n", flush=True)
    results = []
    for n in args.sizes:
        results.append(bench(n, args.work, args.runs, *(["--no-search"] if args.no_search else [])))
        print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "vitrine": results}, indent=1))


if __name__ == "__main__":
    main()
