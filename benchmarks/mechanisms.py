#!/usr/bin/env python3
"""What each mechanism of the speed layer pays: every measure with all of them, then with each one switched off.

    python benchmarks/mechanisms.py [--size 4000] [--runs 2] [--work /dev/shm/vitrine-mechanisms] [--json FILE]

For each setting (all on, then ``VITRINE_SPEED_OFF=<one>``, see ``vitrine/speed/mechanisms.py``) it measures, as
``run.py`` does and without the search index (the pages alone): a cold build, a rebuild with nothing changed, a
rebuild after one laureate's edit, and the preview's save of one laureate. Each round takes every setting in
turn; the best of ``--runs`` is shown (wall and CPU: the machine may be shared). A target is judged on the CPU
time of a rebuild (one process: on a quiet machine its wall time is its CPU time; on a shared one, the wall time
measures the neighbours) and on the wall time of a preview save (in process, a few tens of milliseconds). The
cold build's target (at most Eleventy's time in the same run) is for ``peers.py``. The search index's chunks are
not among the switches (they are weighed with the index, issue 17).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ENGINE, edit_laureate, fresh, machine, measured, prepare, serve_measured  # noqa: E402

sys.path.insert(0, str(ENGINE))
from vitrine.speed.mechanisms import MECHANISMS, VARIABLE  # noqa: E402

# Issue 14's targets at 4,000 laureates (the cold one is Eleventy's time in the same run: see peers.py)
TARGETS = {"unchanged": 0.5, "one_laureate": 0.8, "serve": 0.3}
MEASURES = ("cold", "unchanged", "one_laureate")


def measure_round(root: Path, setting: str, k: int) -> dict[str, tuple[float, float]]:
    """One cold build, no-change rebuild and edit with ``setting`` switched off: (wall, CPU) each."""
    os.environ[VARIABLE] = setting
    try:
        fresh(root)
        runs = {"cold": measured(root, "--no-search"), "unchanged": measured(root, "--no-search")}
        edit_laureate(root, k)
        runs["one_laureate"] = measured(root, "--no-search")
        return {name: (run.seconds, run.cpu) for name, run in runs.items()}
    finally:
        os.environ.pop(VARIABLE)


def serve_round(root: Path, setting: str, saves: int) -> float:
    os.environ[VARIABLE] = setting
    try:
        fresh(root)
        return min(serve_measured(root, saves))
    finally:
        os.environ.pop(VARIABLE)


def table(results: dict[str, dict[str, object]]) -> str:
    rows = ["| switched off | what it does | cold build | no-change rebuild | one laureate edited | "
            "serve: one laureate saved | a target missed without it |",
            "|---|---|---:|---:|---:|---:|---|"]
    for setting, r in results.items():
        missed = [name for name, limit in TARGETS.items() if (r["serve"] if name == "serve" else r[name][1]) > limit]
        cells = " | ".join(f"{r[m][0]:.2f} s (CPU {r[m][1]:.2f} s)" for m in MEASURES)
        rows.append(f"| {setting or '(none)'} | {MECHANISMS.get(setting, 'every mechanism on')} | {cells} "
                    f"| {r['serve'] * 1000:.0f} ms | {', '.join(missed) or '—'} |")
    return "\n".join(rows)


def main() -> None:
    p = argparse.ArgumentParser(description="Measure each speed mechanism on and off.")
    p.add_argument("--size", type=int, default=4000)
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--saves", type=int, default=3, help="preview saves per setting (the best is shown)")
    p.add_argument("--work", type=Path, default=Path("/dev/shm/vitrine-mechanisms"))
    p.add_argument("--only", nargs="*", help="these mechanisms only (default: every one)")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    print(f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the start\n", flush=True)
    root = prepare(args.size, args.work)
    settings = [""] + (args.only or list(MECHANISMS))
    best: dict[str, dict[str, object]] = {s: {} for s in settings}
    for k in range(args.runs):
        for setting in settings:
            for name, (wall, cpu) in measure_round(root, setting, 100 * k + settings.index(setting)).items():
                old = best[setting].get(name)
                best[setting][name] = (wall, cpu) if old is None else (min(old[0], wall), min(old[1], cpu))
            print(setting or "(none)", best[setting], file=sys.stderr, flush=True)
    for setting in settings:
        best[setting]["serve"] = serve_round(root, setting, args.saves)
    print(f"load average {os.getloadavg()[0]:.1f} at the end\n")
    print(table(best))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "size": args.size, "results": best}, indent=1))


if __name__ == "__main__":
    main()
