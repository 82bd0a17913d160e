"""The processes a build started, read from Linux's /proc: for the tests that stop a build while they work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO


def children(pid: int) -> set[int]:
    """The processes ``pid`` started, and theirs."""
    found: set[int] = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                for child in map(int, handle.read().split()):
                    found |= {child} | children(child)
    except OSError:  # ended meanwhile
        pass
    return found


def started_fresh_and_loaded(pid: int, library: bytes) -> bool:
    """A process started fresh by the build (multiprocessing's spawn) that has loaded ``library`` (``b""``: as soon
    as it is started, Python's own start-up included)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            if b"spawn_main" not in handle.read():
                return False
        with open(f"/proc/{pid}/maps", "rb") as handle:
            return library in handle.read()
    except OSError:
        return False


def stop_while_working(root: Path, library: bytes, sig: int, *args: str) -> tuple[subprocess.Popen, str]:
    """``build.py build ARGS`` on ``root``, stopped by ``sig`` once one of its fresh processes has loaded ``library``:
    SIGTERM to the build alone (a process manager, a cancelled CI job), Ctrl+C to its whole group (a terminal).
    Returns the finished process and its standard error, once no process it started still runs."""
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root,
                               start_new_session=True)  # its own process group, as a terminal's or a CI job's
    deadline = time.monotonic() + 120
    working: set[int] = set()
    while not working and process.poll() is None and time.monotonic() < deadline:
        working = {pid for pid in children(process.pid) if started_fresh_and_loaded(pid, library)}
        time.sleep(0.02)
    assert working, "no process of the build was seen at work"
    everyone = children(process.pid)
    os.kill(process.pid, sig) if sig == signal.SIGTERM else os.killpg(process.pid, sig)
    _out, err = process.communicate(timeout=60)
    time.sleep(0.5)
    left = [pid for pid in everyone if Path(f"/proc/{pid}").exists()
            and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
    assert not left, f"still running: {left}"
    return process, err
