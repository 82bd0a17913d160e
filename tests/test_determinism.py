"""Deterministic output: the same content gives the same bytes, whatever the machine, path, locale or clock.

And files whose bytes did not change keep their inode and modification time across rebuilds, so rsync
and CDNs see only real changes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, build_in_process, make_repo, tree_digest, write

DATE = "2022-04-01"
NOON_UTC = int(dt.datetime(2022, 4, 1, 12, tzinfo=dt.timezone.utc).timestamp())


def add_locale_sensitive_content(root: Path) -> None:
    """Titles, names and files whose order differs between locales, case rules and file systems."""
    for slug, title in [("eco", "éco-lieu"), ("eco-2", "Eco-lieu"), ("zoo", "Zoo partagé"), ("arger", "Ärger"),
                        ("oeuvre", "Œuvre commune"), ("ile", "Île aux enfants")]:
        write(root / f"content/laureates/{slug}.md",
              f"---\ntitle: {title}\nporteur: Collectif {title}\nedition: 2022\nquartiers: [le-moulin]\n"
              f"themes: [culture]\nsummary: {title} en quelques mots.\n---\n{title}.\n")
    for name in ["Ete.pdf", "eta.pdf", "Zebre.pdf", "a_b.pdf", "a-b.pdf"]:  # names must be URL-safe (tests/content/test_media_safety.py)
        write(root / f"content/media/{name}", "%PDF-1.4 " + name)


def copy_in_reverse_order(source: Path, target: Path) -> None:
    """The same files, created in the opposite order and with other modification times."""
    paths = sorted(source.rglob("*"), reverse=True)
    for i, path in enumerate(paths):
        dest = target / path.relative_to(source)
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(path.read_bytes())
        os.utime(dest, ns=(1_000_000_000 * (1 + i), 1_000_000_000 * (1 + i)))


def cli_build(root: Path, env: dict[str, str], *args: str) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED", "LC_ALL", "LANG", "TZ")}
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--no-cache", *args],
                            capture_output=True, text=True, timeout=120, cwd=root, env=clean | env)
    assert result.returncode == 0, result.stderr


def test_two_cold_builds_on_different_machines_are_byte_identical(tmp_path: Path) -> None:
    first = make_repo(tmp_path / "a")
    add_locale_sensitive_content(first)
    second = tmp_path / "un chemin" / "bien plus long, avec des espaces et des accents é" / "dépôt"
    copy_in_reverse_order(first / "content", second / "content")

    cli_build(first, {"PYTHONHASHSEED": "1", "LC_ALL": "C", "TZ": "UTC"}, "--date", DATE)
    cli_build(second, {"PYTHONHASHSEED": "4242", "LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8", "TZ": "Pacific/Kiritimati",
                       "SOURCE_DATE_EPOCH": str(NOON_UTC)})

    assert tree_digest(first / "site") == tree_digest(second / "site")
    assert (first / "site/laureats/eco/index.html").is_file()
    assert str(tmp_path) not in (first / "site/index.html").read_text("utf-8")


def test_the_build_date_changes_only_what_depends_on_it(repo: Path, tmp_path: Path) -> None:
    before_call = make_repo(tmp_path / "before")
    assert build_in_process(repo, dt.date(2022, 4, 1)).ok
    assert build_in_process(before_call, dt.date(2022, 2, 1)).ok

    home_open = (repo / "site/index.html").read_text("utf-8")
    home_upcoming = (before_call / "site/index.html").read_text("utf-8")
    assert "Appel à projets ouvert" in home_open and "Appel à projets à venir" in home_upcoming
    # pages that show no call for projects are the same bytes whatever the date
    for page in ["laureats/atelier-code/index.html", "quartiers/index.html", "le-label/index.html", "sitemap.xml"]:
        assert (repo / "site" / page).read_bytes() == (before_call / "site" / page).read_bytes(), page


def test_the_build_reads_the_clock_only_for_the_default_build_date() -> None:
    """Every module a build runs (not the preview server's log lines) takes the date from --date or the epoch."""
    loaded = subprocess.run([sys.executable, "-c", "import sys, vitrine.cli, vitrine.pipeline; print(*sorted(sys.modules))"],
                            capture_output=True, text=True, cwd=REPO, check=True).stdout.split()
    modules = [REPO / (name.replace(".", "/") + ".py") for name in loaded if name.startswith("vitrine.")]
    modules = [path if path.exists() else path.with_suffix("") / "__init__.py" for path in modules]  # packages
    assert REPO / "vitrine/pipeline.py" in modules and REPO / "vitrine/site/render.py" in modules
    clock = re.compile(r"\b(date\.today|datetime\.now|datetime\.utcnow|datetime\.today|time\.time|time\.localtime|"
                       r"time\.gmtime|time\.strftime|time\.ctime)\s*\(")
    readers = {}
    for path in modules:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if clock.search(line):
                readers[f"{path.name}:{number}"] = line.strip()
    assert list(readers.values()) == ["return dt.date.today()"], readers  # cli.build_date, after --date and SOURCE_DATE_EPOCH


def file_stats(site: Path) -> dict[str, tuple[int, int, bytes]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in site.rglob("*") if p.is_file()}


def test_unchanged_files_keep_their_inode_and_modification_time(repo: Path) -> None:
    assert build_in_process(repo).ok
    before = file_stats(repo / "site")
    laureate = repo / "content/laureates/atelier-code.md"
    laureate.write_text(laureate.read_text("utf-8").replace("en détail", "en grand détail"), "utf-8")

    assert build_in_process(repo).ok

    after = file_stats(repo / "site")
    named_by_content = {path for path in after.keys() ^ before.keys() if path.startswith("pagefind/")}
    assert after.keys() - named_by_content == before.keys() - named_by_content  # the search index's chunks
    changed = {path for path in after.keys() & before.keys() if after[path][2] != before[path][2]}
    assert "laureats/atelier-code/index.html" in changed
    for path in (after.keys() & before.keys()) - changed:
        assert after[path][:2] == before[path][:2], f"{path} was rewritten with the same bytes"


def test_a_rebuild_of_unchanged_content_touches_nothing(repo: Path) -> None:
    assert build_in_process(repo).ok
    site_inode = (repo / "site").stat().st_ino
    before = file_stats(repo / "site")

    report = build_in_process(repo)

    assert report.ok and report.written == () and report.removed == ()
    assert (repo / "site").stat().st_ino == site_inode
    assert file_stats(repo / "site") == before


def test_successive_incremental_builds_equal_a_cold_build(repo: Path, tmp_path: Path) -> None:
    assert build_in_process(repo).ok
    steps = [[("content/laureates/atelier-code.md", "title: Atelier code", "title: Atelier de code"),
              ("content/themes.yaml", "name: Culture", "name: Cultures")],
             [("content/site.yaml", "page_size: 2", "page_size: 3"),
              ("content/editions/2022.md", "call_closes: 2022-06-05", "call_closes: 2022-03-15")]]
    for edits in steps:
        for rel, old, new in edits:
            path = repo / rel
            path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
        assert build_in_process(repo).ok
    (repo / "content/laureates/cafe-culture.md").unlink()
    write(repo / "content/pages/contact.md", "---\ntitle: Contact\nmenu: 3\n---\nNous écrire.\n")
    assert build_in_process(repo).ok

    cold = tmp_path / "cold"
    shutil.copytree(repo / "content", cold / "content")
    assert build_in_process(cold, use_cache=False).ok
    assert tree_digest(repo / "site") == tree_digest(cold / "site")
