"""Atomic publication: site/ is always either the previous complete site or the new complete site.

A build stages the new site beside site/ (in site.staging/, which keeps the previous site between builds) and
swaps it in at the end. These tests stop builds at every
moment that matters (deterministically, by making a forked build die at a chosen system call, and at
random, by sending SIGINT and SIGKILL to a real build process) and check that site/ is then one of the
two complete trees, and that the next build cleans up and publishes the new one.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

import conftest
from conftest import REPO, TODAY, make_repo, tree_digest, write
from vitrine.speed import state as state_module
from vitrine.publish import marker as marker_module
from vitrine.publish import output as output_module
from vitrine.publish import swap as swap_module
from vitrine.publish import write as write_module

DATE = TODAY.isoformat()


def build_in_process(root: Path, **options) -> conftest.BuildReport:
    """With the catalogue PDFs, as the command line builds: these tests compare its sites with these."""
    return conftest.build_in_process(root, catalogues=True, **options)


def to_second_version(root: Path) -> None:
    """Content v2: every page changes (site title), a laureate goes, a page comes."""
    site_yaml = root / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8").replace("title: Site de test", "title: Site de test v2"), "utf-8")
    (root / "content/laureates/radio-quartier.md").unlink()
    write(root / "content/pages/nouvelle-page.md", "---\ntitle: Nouvelle page\n---\nUne page nouvelle.\n")


def leftovers(root: Path) -> list[str]:
    """What lies beside site/ other than the staging tree a build keeps for the next one."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith("site") and p.name not in ("site", "site.staging"))


def to_first_version(root: Path) -> None:
    """Content v1, built over an earlier v0 whose site stays in site.staging/: the next build has it to repair."""
    laureate = root / "content/laureates/atelier-code.md"
    v1 = laureate.read_text("utf-8")
    laureate.write_text(v1.replace("title: Atelier code", "title: Atelier code v0"), "utf-8")
    assert build_in_process(root).ok
    laureate.write_text(v1, "utf-8")
    assert build_in_process(root).ok


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A repository with site v1 built and content switched to v2, and the digests of both complete sites."""
    base = tmp_path_factory.mktemp("versions")
    fresh = make_repo(base / "v2")
    to_second_version(fresh)
    assert build_in_process(fresh).ok
    root = make_repo(base / "v1")
    to_first_version(root)
    old = tree_digest(root / "site")
    to_second_version(root)
    return root, old, tree_digest(fresh / "site")


def copy_repo(root: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(root, copy, symlinks=True)
    return copy


def assert_next_build_publishes(root: Path, new: str) -> None:
    report = build_in_process(root)
    assert report.ok, report.errors
    assert tree_digest(root / "site") == new
    assert leftovers(root) == []


# --- Deterministic crash windows -------------------------------------------------------------------

def die(when: str, nth: int = 1) -> Callable[[Callable], Callable]:
    """Wrap a function so that the process dies like SIGKILL (no cleanup) before or after its ``nth`` call."""
    def wrap(original: Callable) -> Callable:
        calls = 0

        def dying(*args, **kwargs):
            nonlocal calls
            calls += 1
            if calls == nth and when == "before":
                os._exit(137)
            result = original(*args, **kwargs)
            if calls == nth and when == "after":
                os._exit(137)
            return result
        return dying
    return wrap


WINDOWS = {
    # name: (object, attribute, when, nth, kernel without renameat2)
    "mid-staging-write": (Path, "write_bytes", "after", 10, False),
    "before-swap": (write_module, "swap_in", "before", 1, False),
    "after-exchange": (swap_module, "_rename_exchange", "after", 1, False),
    "repairing-the-staging-tree": (os, "link", "after", 3, False),
    "before-record-saved": (state_module, "_save", "before", 1, False),
    "fallback-between-renames": (os, "rename", "after", 1, True),
}


@pytest.mark.parametrize("window", WINDOWS, ids=list(WINDOWS))
def test_a_build_killed_at_any_step_leaves_a_complete_site(window: str, versions: tuple[Path, str, str],
                                                           tmp_path: Path) -> None:
    source, old, new = versions
    root = copy_repo(source, tmp_path)
    owner, name, when, nth, no_renameat2 = WINDOWS[window]

    pid = os.fork()
    if pid == 0:  # the child builds and dies at the chosen step, like a process killed there
        try:
            if no_renameat2:
                swap_module._rename_exchange = lambda a, b: False
            setattr(owner, name, die(when, nth)(getattr(owner, name)))
            build_in_process(root)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 137, "the build finished before reaching the step"
    if window == "fallback-between-renames":  # without renameat2 only: site/ is aside, whole, until the next build
        assert tree_digest(root / "site.old") == old and not (root / "site").exists()
    else:
        assert tree_digest(root / "site") in (old, new)
    assert_next_build_publishes(root, new)


def test_a_failing_write_leaves_the_previous_site_and_the_next_build_publishes(
        versions: tuple[Path, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, old, new = versions
    root = copy_repo(source, tmp_path)
    calls = []

    def disk_full(*args, **kwargs):
        calls.append(args)
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(Path, "write_bytes", disk_full)

    with pytest.raises(OSError):
        build_in_process(root)

    assert calls
    assert tree_digest(root / "site") == old
    assert leftovers(root) == []
    monkeypatch.undo()
    assert_next_build_publishes(root, new)


def test_a_template_error_leaves_the_previous_site(versions: tuple[Path, str, str], tmp_path: Path) -> None:
    source, old, _new = versions
    root = copy_repo(source, tmp_path)
    shutil.copytree(REPO / "templates", root / "templates")
    page = root / "templates/page.html"
    page.write_text(page.read_text("utf-8").replace("{{ title }}", "{{ titre_inexistant }}"), "utf-8")

    report = build_in_process(root)

    assert report.errors and all(e.path.startswith("templates") for e in report.errors)
    assert tree_digest(root / "site") == old


def test_what_an_interrupted_build_left_is_cleaned_by_the_next_build(versions: tuple[Path, str, str],
                                                                      tmp_path: Path) -> None:
    source, _old, new = versions
    root = copy_repo(source, tmp_path)
    write(root / "site.staging/index.html", "half a site")

    assert_next_build_publishes(root, new)


def test_a_site_left_aside_is_put_back_even_by_a_build_that_fails(versions: tuple[Path, str, str],
                                                                  tmp_path: Path) -> None:
    source, old, _new = versions
    root = copy_repo(source, tmp_path)
    os.rename(root / "site", root / "site.old")  # killed between the two renames of the fallback swap
    write(root / "site.staging/index.html", "half a site")
    (root / "content/laureates/atelier-code.md").write_text("", "utf-8")

    report = build_in_process(root)

    assert not report.ok
    assert tree_digest(root / "site") == old
    assert leftovers(root) == []


def test_removed_content_removes_its_pages(repo: Path) -> None:
    assert build_in_process(repo).ok
    assert (repo / "site/laureats/radio-quartier/index.html").exists()
    (repo / "content/laureates/radio-quartier.md").unlink()

    report = build_in_process(repo)

    assert "laureats/radio-quartier/index.html" in report.removed
    assert not (repo / "site/laureats/radio-quartier").exists()
    assert "radio-quartier" not in (repo / "site/sitemap.xml").read_text("utf-8")


SITES = [  # one site after another: pages change, come and go, files become folders and folders files
    {"index.html": b"v1", "a/index.html": b"a", "b/c/index.html": b"c", "d": b"d, a file"},
    {"index.html": b"v2", "a/index.html": b"a", "b/c": b"c, a file", "d/index.html": b"d, a folder"},
    {"index.html": b"v2", "a/index.html": b"a2", "d": b"d, a file again", "e/f/g/index.html": b"g"},
    {"index.html": b"v3", "a/index.html": b"a2", "b/c/index.html": b"c", "e/f/h.html": b"h"},
]


def files(folder: Path) -> dict[str, bytes]:
    """The site's files (the writer's marker, in every tree it makes, is not one: it is checked on its own)."""
    found = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert found.pop(marker_module.MARKER, None) == marker_module.MARKER_TEXT
    return found


def test_each_write_publishes_its_site_and_keeps_the_previous_one_as_the_staging_tree(tmp_path: Path) -> None:
    out, staging = tmp_path / "site", tmp_path / "site.staging"
    for n, site in enumerate(SITES * 2):
        report = write_module.write_site(out, [output_module.Output(path, data) for path, data in site.items()])
        assert report.swapped
        assert files(out) == site
        assert files(staging) == (SITES * 2)[n - 1] if n else not staging.exists()
        assert write_module.listing_of(out).folders == _folders_of(site)  # no folder left empty
        if n:
            assert write_module.listing_of(staging).folders == _folders_of((SITES * 2)[n - 1])


def test_a_new_path_written_in_place_falls_back_to_a_rename_over_a_file_found_there(tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A path the published site lacks is written in place (``O_EXCL``); a file found there all the same (written
    by a hand since the listing) is replaced by a rename, and an output cut short leaves no file behind."""
    out, staging = tmp_path / "site", tmp_path / "site.staging"
    write_module.write_site(out, [output_module.Output("a/index.html", b"un")])
    target = write_module.Staging._target

    def found_there(self: write_module.Staging, path: str) -> str:
        made = target(self, path)
        if path == "b/index.html":
            Path(made).write_bytes(b"une main")
        return made
    monkeypatch.setattr(write_module.Staging, "_target", found_there)
    write_module.write_site(out, [output_module.Output("a/index.html", b"un"), output_module.Output("b/index.html", b"deux")])
    assert files(out) == {"a/index.html": b"un", "b/index.html": b"deux"}

    def cut_short():
        yield b"le d\xc3\xa9but"
        raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(OSError, match="c/index.html"):
        write_module.write_site(out, [output_module.Output("c/index.html", parts=cut_short())])
    assert not (staging / "c/index.html").exists()
    assert files(out) == {"a/index.html": b"un", "b/index.html": b"deux"}


def _folders_of(site: dict[str, bytes]) -> set[str]:
    return {path.rsplit("/", end)[0] for path in site for end in range(1, path.count("/") + 1)}


@pytest.mark.parametrize("copy", ["in-the-kernel", "through-memory"])
def test_an_output_in_parts_is_its_bytes_and_the_runs_copied_from_another_file(copy: str, tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if copy == "through-memory":  # another file system, or a kernel without copy_file_range
        def refused(*args):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        monkeypatch.setattr(os, "copy_file_range", refused)
    published = bytes(range(256)) * 10_000  # larger than what the writer gathers before writing
    source = tmp_path / "published.bin"
    source.write_bytes(published)
    out = tmp_path / "site"
    with open(source, "rb") as f:
        parts = iter([b"head ", output_module.Copied(f.fileno(), 10, 2_000_000), b" - " * 500_000,
                      output_module.Copied(f.fileno(), 0, 5), b" tail"])
        report = write_module.write_site(out, [output_module.Output("donnees/fichier.bin", parts=parts)])
    assert report.written == ["donnees/fichier.bin"]
    assert files(out) == {"donnees/fichier.bin": b"head " + published[10:2_000_000] + b" - " * 500_000 +
                          published[:5] + b" tail"}


def test_a_second_build_waits_for_the_first_to_publish(versions: tuple[Path, str, str], tmp_path: Path) -> None:
    source, old, new = versions
    root = copy_repo(source, tmp_path)
    with swap_module.publication_lock(root / "site"):
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--date", DATE],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while "locks_lock" not in kernel_wait_channel(process.pid):  # the kernel says it waits on our lock
            assert process.poll() is None, "the build did not wait for the lock"
            time.sleep(0.02)
        assert tree_digest(root / "site") == old and leftovers(root) == []
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert tree_digest(root / "site") == new


def kernel_wait_channel(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        pytest.skip("no /proc/<pid>/wchan to see where a process waits")


# --- Random interruptions of a real build process -------------------------------------------------

LAUREATES = 20


def big_repo(base: Path) -> Path:
    """Large enough for a build to take about a second: many pages, and a media file to copy."""
    root = make_repo(base)
    for i in range(LAUREATES):
        write(root / f"content/laureates/projet-{i:03d}.md",
              f"---\ntitle: Projet {i}\nporteur: Association {i}\nedition: {2021 + i % 2}\n"
              f"quartiers: [{('les-tilleuls', 'la-gare', 'le-moulin')[i % 3]}]\n"
              f"themes: [{('numerique', 'culture', 'emploi')[i % 3]}]\nsummary: Le projet {i} en quelques mots.\n---\n"
              + "Un paragraphe avec du *texte* et un [lien](https://exemple.test/).\n\n" * 10)
    (root / "content/media").mkdir(parents=True, exist_ok=True)
    (root / "content/media/film.pdf").write_bytes(b"%PDF-1.4\n" + random.Random(1).randbytes(1_000_000))  # a document
    return root


@pytest.fixture(scope="module")
def big_versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str, float]:
    """Big site v1 built, content v2; digests of both complete sites; how long a real v1 → v2 build takes."""
    base = tmp_path_factory.mktemp("big")
    root = big_repo(base / "v1")
    assert build_in_process(root).ok
    old = tree_digest(root / "site")
    to_second_version(root)
    timed = copy_repo(root, base / "timed")
    start = time.monotonic()
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(timed), "build", "--date", DATE],
                            capture_output=True, text=True, timeout=300)
    duration = time.monotonic() - start
    assert result.returncode == 0, result.stderr
    return root, old, tree_digest(timed / "site"), duration


TRIALS = [(signal.SIGINT, 0), (signal.SIGTERM, 0), (signal.SIGKILL, 0), (signal.SIGKILL, 1)]


@pytest.mark.parametrize("sig,seed", TRIALS, ids=[f"{signal.Signals(s).name}-{seed}" for s, seed in TRIALS])
def test_a_build_interrupted_at_a_random_moment_leaves_a_complete_site(
        sig: int, seed: int, big_versions: tuple[Path, str, str, float], tmp_path: Path) -> None:
    source, old, new, duration = big_versions
    root = copy_repo(source, tmp_path)
    delay = random.Random(f"{sig}-{seed}").uniform(0.2, 1.0) * duration

    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--date", DATE],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(delay)
    # Ctrl+C reaches the build's whole process group (its workers too), as in a terminal; the others the build alone
    os.killpg(process.pid, sig) if sig == signal.SIGINT else process.send_signal(sig)
    _out, err = process.communicate(timeout=300)

    assert process.returncode in (0, 130, -sig, 128 + sig), err  # done before the signal, or stopped by it
    if sig != signal.SIGKILL:
        assert "Traceback" not in err, err  # stopped in French, workers and PDF makers quietly
    assert tree_digest(root / "site") in (old, new)
    assert_next_build_publishes(root, new)


def test_a_malformed_source_date_epoch_is_a_usage_error(repo, monkeypatch, capsys) -> None:
    from vitrine.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "demain")
    assert main(["--root", str(repo), "build"]) == 2
    assert "SOURCE_DATE_EPOCH invalide « demain »" in capsys.readouterr().err
    assert not (repo / "site").exists()
