"""Where a build may write, and what it says when writing fails (issue 13: « --out . », I/O failures).

An output folder is swapped away and replaced whole at every build: the command line refuses one that is, holds or
lies inside the repository or its sources, and the writer never replaces, empties or removes a folder it did not
make. A write that fails (a full disk, a read-only disk) gives a French message naming the folder and the cause,
exit status 4, the truth about site/, and no temporary file left behind.

Failures are made real where this machine allows it: a small or read-only tmpfs mounted in a private mount
namespace (``unshare``, as root) for the time of one script. Where no mount is possible those tests are skipped;
the failure after the swap is injected at the OS boundary (``os.replace`` fails once the swap is done), since
no real disk can be made to fill up at that exact moment.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, TODAY, tree_digest, write
from photos import add_image, photo
from vitrine.content.photo_metadata import strip
from vitrine.publish import write as write_module

DATE = TODAY.isoformat()
MARKER = ".vitrine-output"


def plain(text: str) -> str:
    """Messages put a non-breaking space before « : » and « ; » (French typography); compared here as spaces."""
    return text.replace("\u00a0", " ")


def snapshot(root: Path) -> dict[str, bytes | str | None]:
    """Every entry under ``root``: a file's bytes, a link's target, None for a folder (links are not followed)."""
    found: dict[str, bytes | str | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        found[rel] = (f"-> {os.readlink(path)}" if path.is_symlink() else None if path.is_dir()
                      else path.read_bytes())
    return found


# --- Output folders that must be refused ----------------------------------------------------------------------

def with_git(root: Path) -> Path:
    write(root / ".git/config", '[remote "origin"]\n\turl = https://jeton@exemple.invalid/depot.git\n')
    write(root / "templates/.gitkeep", "")
    write(root / "static/.gitkeep", "")
    (root / ".vitrine-cache").mkdir()
    (root / "public").symlink_to(root / "content")  # a link leads where it points: into content/
    return root


REFUSED = {
    ".": "le dépôt lui-même",
    "..": "contient le dépôt",
    "/": "contient le dépôt",
    "content": "content/",
    "content/media": "se trouve dans content/",
    "public": "content/",
    "templates": "templates/",
    "static": "static/",
    ".git": ".git/",
    ".vitrine-cache": ".vitrine-cache/",
}


@pytest.mark.parametrize("given", REFUSED, ids=list(REFUSED))
def test_an_output_folder_that_is_holds_or_lies_in_the_repository_is_refused(given: str, repo: Path, cli,
                                                                              tmp_path: Path) -> None:
    root = with_git(repo)
    before = snapshot(root)
    out = given if given == "/" else str(root / given)

    result = cli(root, "build", "--date", DATE, "--out", out)

    assert result.returncode == 2, plain(result.stderr)
    assert plain(result.stderr).startswith("Erreur : --out ") and REFUSED[given] in plain(result.stderr), plain(result.stderr)
    assert "choisissez un dossier à part" in plain(result.stderr)
    assert snapshot(root) == before  # .git, content/… as they were: nothing moved aside, nothing written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]
    assert not Path(f"{tmp_path}.staging").exists()


def test_a_folder_vitrine_did_not_make_is_never_replaced(repo: Path, cli) -> None:
    letter = write(repo / "mes-documents/lettre.txt", "Ma lettre.")

    result = cli(repo, "build", "--date", DATE, "--out", str(repo / "mes-documents"))

    assert result.returncode == 2
    assert "mes-documents : ce dossier n'est pas vide, et Vitrine ne l'a pas créé" in plain(result.stderr), plain(result.stderr)
    assert "supprimez-le puis relancez" in plain(result.stderr)
    assert sorted(p.name for p in (repo / "mes-documents").iterdir()) == ["lettre.txt"]
    assert letter.read_text("utf-8") == "Ma lettre."
    assert not (repo / "mes-documents.staging").exists()


def test_a_file_named_as_the_output_is_refused(repo: Path, cli) -> None:
    notes = write(repo / "notes.txt", "à garder")

    result = cli(repo, "build", "--date", DATE, "--out", str(notes))

    assert result.returncode == 2
    assert "notes.txt : c'est un fichier, pas un dossier" in plain(result.stderr), plain(result.stderr)
    assert notes.read_text("utf-8") == "à garder"


@pytest.mark.parametrize("beside", ["site.staging", "site.old"])
def test_a_users_folder_where_the_staging_or_old_site_goes_is_left_alone(beside: str, repo: Path, cli) -> None:
    mine = write(repo / beside / "important.txt", "à moi")

    result = cli(repo, "build", "--date", DATE)

    assert result.returncode == 2
    assert f"{beside} : ce dossier n'est pas vide, et Vitrine ne l'a pas créé" in plain(result.stderr), plain(result.stderr)
    assert mine.read_text("utf-8") == "à moi"
    assert sorted(p.name for p in (repo / beside).iterdir()) == ["important.txt"]
    assert not (repo / "site").exists()


def test_an_empty_folder_is_taken_and_marked_as_vitrines(repo: Path, cli) -> None:
    (repo / "public").mkdir()

    first = cli(repo, "build", "--date", DATE, "--out", str(repo / "public"))
    (repo / "content/laureates/radio-quartier.md").unlink()
    second = cli(repo, "build", "--date", DATE, "--out", str(repo / "public"))

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert (repo / "public/index.html").is_file() and not (repo / "public/laureats/radio-quartier").exists()
    assert (repo / "public" / MARKER).is_file() and (repo / "public.staging" / MARKER).is_file()


def test_vitrines_own_output_and_staging_folders_are_rebuilt_as_before(repo: Path, cli) -> None:
    assert cli(repo, "build", "--date", DATE).returncode == 0
    site_yaml = repo / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8").replace("Site de test", "Site de test v2"), "utf-8")

    result = cli(repo, "build", "--date", DATE)

    assert result.returncode == 0, plain(result.stderr)
    assert "Site de test v2" in (repo / "site/index.html").read_text("utf-8")
    assert "Site de test v2" not in (repo / "site.staging/index.html").read_text("utf-8")  # the previous site


# --- A failure after the swap ----------------------------------------------------------------------------------

@pytest.mark.parametrize("failure", ["disk-full", "bug"])
def test_a_failure_after_the_swap_says_the_site_was_published(failure: str, repo: Path, cli,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(repo, "build", "--date", DATE).returncode == 0
    site_yaml = repo / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8").replace("Site de test", "Site de test v2"), "utf-8")
    swapped, replace, swap = [], os.replace, write_module.swap_in

    def swap_then_fail(*args, **kwargs):
        swapped.append(swap(*args, **kwargs))
        return swapped[-1]

    def replace_after_swap(source, target, *args, **kwargs):  # the next thing written is the build's memory
        if swapped:
            if failure == "bug":
                raise RuntimeError("un défaut de Vitrine")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fspath(source))
        return replace(source, target, *args, **kwargs)
    monkeypatch.setattr(write_module, "swap_in", swap_then_fail)
    monkeypatch.setattr(os, "replace", replace_after_swap)

    result = cli(repo, "build", "--date", DATE)

    assert swapped
    assert "Site de test v2" in (repo / "site/index.html").read_text("utf-8")
    assert "n'a pas été modifié" not in plain(result.stderr), plain(result.stderr)
    assert "Traceback" not in plain(result.stderr)
    if failure == "bug":
        assert result.returncode == 3
        assert "site/ a été mis à jour (la nouvelle version, complète)" in plain(result.stderr)
    else:
        assert result.returncode == 4
        assert plain(result.stderr).startswith("Écriture impossible dans .vitrine-cache/ : plus de place sur le disque")
        assert "site/ a bien été mis à jour (la nouvelle version, complète)" in plain(result.stderr)
    assert not [p for p in repo.rglob("*.tmp")]


# --- Real disks: full, read-only ---------------------------------------------------------------------------------

def _mounts_possible() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _mounts_possible(), reason="needs root and mount namespaces (unshare -m)")


def in_own_mounts(script: str, root: Path, disk: Path, logs: Path) -> None:
    """Run ``script`` (sh) in a private mount namespace: its mounts vanish with it. ``vitrine ARGS`` runs the
    command line on ``root``; ``$DISK`` is a folder to mount on, ``$LOGS`` a folder for what to check after."""
    disk.mkdir()
    logs.mkdir()
    prelude = (f'vitrine() {{ "{sys.executable}" "{REPO / "build.py"}" --root "{root}" "$@"; }}\n'
               'run() { name=$1; shift; set +e; "$@" >"$LOGS/$name.out" 2>"$LOGS/$name.err"; '
               'echo $? >"$LOGS/$name.rc"; set -e; }\n')
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-euc", prelude + script],
                          env=dict(os.environ, DISK=str(disk), LOGS=str(logs), ROOT=str(root)),
                          capture_output=True, text=True, timeout=600, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr


def result(logs: Path, name: str) -> tuple[int, str]:
    output = (logs / f"{name}.out").read_text() + (logs / f"{name}.err").read_text()
    return int((logs / f"{name}.rc").read_text()), plain(output)


def to_v2(root: Path) -> str:
    """The shell line that changes every page (the site's title)."""
    return f"sed -i 's/title: Site de test/title: Site de test v2/' '{root}/content/site.yaml'\n"


@needs_mounts
def test_a_full_disk_gives_a_french_message_and_leaves_the_site_and_no_temporary_file(repo: Path,
                                                                                     tmp_path: Path) -> None:
    disk, logs = tmp_path / "disque", tmp_path / "logs"
    in_own_mounts(
        'mount -t tmpfs -o size=4m tmpfs "$DISK"\n'
        'run v1 vitrine build --date 2022-04-01 --out "$DISK/site"\n'
        'cp -a "$DISK/site" "$LOGS/before"\n'
        + to_v2(repo) +
        'dd if=/dev/zero of="$DISK/remplissage" bs=4k 2>/dev/null || true\n'  # the disk full…
        'truncate -s -24k "$DISK/remplissage"\n'  # …but for 24 KB: some files are written, one is cut short
        'run v2 vitrine build --date 2022-04-01 --out "$DISK/site"\n'
        'find "$DISK" -name "*.tmp" >"$LOGS/temporary"\n'
        'cp -a "$DISK/site" "$LOGS/after"\n'
        'rm "$DISK/remplissage"\n'
        'run again vitrine build --date 2022-04-01 --out "$DISK/site"\n'
        'cp -a "$DISK/site" "$LOGS/fixed"\n', repo, disk, logs)

    assert result(logs, "v1")[0] == 0, result(logs, "v1")[1]
    code, output = result(logs, "v2")
    assert code == 4, output
    assert f"Écriture impossible dans {disk}/site.staging/" in output
    assert "plus de place sur le disque — libérez de la place puis relancez. site/ n'a pas été modifié." in output
    assert "Erreur interne" not in output and "Traceback" not in output
    assert tree_digest(logs / "after") == tree_digest(logs / "before")
    assert (logs / "temporary").read_text() == ""
    assert result(logs, "again")[0] == 0, result(logs, "again")[1]
    assert "Site de test v2" in (logs / "fixed/index.html").read_text("utf-8")


@needs_mounts
def test_a_first_build_on_a_disk_too_small_leaves_no_temporary_file(repo: Path, tmp_path: Path) -> None:
    disk, logs = tmp_path / "disque", tmp_path / "logs"
    in_own_mounts('mount -t tmpfs -o size=64k tmpfs "$DISK"\n'
                  'run build vitrine build --date 2022-04-01 --out "$DISK/site"\n'
                  'find "$DISK" -name "*.tmp" >"$LOGS/temporary"\n', repo, disk, logs)

    code, output = result(logs, "build")
    assert code == 4 and "plus de place sur le disque" in output and "Erreur interne" not in output, output
    assert (logs / "temporary").read_text() == ""


@needs_mounts
def test_a_read_only_output_gives_a_french_message_and_leaves_the_site(repo: Path, tmp_path: Path) -> None:
    disk, logs = tmp_path / "disque", tmp_path / "logs"
    in_own_mounts(
        'mount -t tmpfs -o size=4m tmpfs "$DISK"\n'
        'run v1 vitrine build --date 2022-04-01 --out "$DISK/site"\n'
        'cp -a "$DISK/site" "$LOGS/before"\n'
        + to_v2(repo) +
        'mount -o remount,ro "$DISK"\n'
        'run v2 vitrine build --date 2022-04-01 --out "$DISK/site"\n'
        'cp -a "$DISK/site" "$LOGS/after"\n', repo, disk, logs)

    code, output = result(logs, "v2")
    assert code == 4, output
    assert f"Écriture impossible dans {disk}/ : le disque est en lecture seule" in output
    assert "site/ n'a pas été modifié." in output and "Erreur interne" not in output
    assert tree_digest(logs / "after") == tree_digest(logs / "before")


@needs_mounts
def test_a_read_only_cache_names_it_and_the_way_round(repo: Path, tmp_path: Path) -> None:
    """``build`` says where and offers --no-cache; ``check``, which writes nothing else, works without it; the
    preview shows the cause on its error page."""
    disk, logs = tmp_path / "disque", tmp_path / "logs"
    # check keeps processed images in the cache (a photo without its GPS position: check would refuse it)
    add_image(repo, "jardin-partage", "jardin.jpg", strip(photo((800, 500))).data)
    (repo / ".vitrine-cache").mkdir()
    preview = ("from vitrine.preview.serve import Preview; import datetime; "
               f"print(*Preview(__import__('pathlib').Path('{repo}'), lambda: datetime.date(2022, 4, 1))"
               ".rebuild().errors, sep='\\n')")
    in_own_mounts(
        'mount -t tmpfs -o ro tmpfs "$ROOT/.vitrine-cache"\n'
        'run build vitrine build --date 2022-04-01\n'
        'run nocache vitrine build --date 2022-04-01 --no-cache\n'
        'run check vitrine check --date 2022-04-01\n'
        f'cd "{REPO}" && run preview "{sys.executable}" -c "{preview}"\n', repo, disk, logs)

    code, output = result(logs, "build")
    assert code == 4, output
    assert output.startswith("Écriture impossible dans .vitrine-cache/")
    assert "le disque est en lecture seule" in output and "--no-cache" in output
    assert "site/ n'a pas été modifié." in output
    assert result(logs, "nocache")[0] == 0, result(logs, "nocache")[1]
    code, output = result(logs, "check")
    assert code == 0, output
    assert "avertissement : .vitrine-cache/" in output and "Contenu valide" in output
    code, output = result(logs, "preview")
    assert code == 0 and ".vitrine-cache/:1: écriture impossible: le disque est en lecture seule" in output, output


@needs_mounts
def test_new_in_a_read_only_content_folder_says_so_in_french(repo: Path, tmp_path: Path) -> None:
    disk, logs = tmp_path / "disque", tmp_path / "logs"
    in_own_mounts('mount --bind "$ROOT/content" "$ROOT/content"\n'
                  'mount -o remount,bind,ro "$ROOT/content"\n'
                  'run new vitrine new laureate mon-projet\n', repo, disk, logs)

    code, output = result(logs, "new")
    assert code == 4, output
    assert "dans content/laureates/ : le disque est en lecture seule" in output
    assert "Aucun fichier n'a été créé." in output and "Erreur interne" not in output
    assert not (repo / "content/laureates/mon-projet.md").exists()


def test_the_previews_folders_left_unmarked_by_an_older_version_are_taken_back(repo: Path) -> None:
    from vitrine.preview.serve import Preview  # noqa: PLC0415 - livereload, for this test only

    for folder in ("preview-8000", "preview-8000.staging"):  # unmarked, as a Vitrine without markers left them
        write(repo / ".vitrine-cache" / folder / "index.html", "ancienne prévisualisation")

    report = Preview(repo, lambda: TODAY).rebuild()

    assert report.ok, report.errors
    assert "Site de test" in (repo / ".vitrine-cache/preview-8000/index.html").read_text("utf-8")


def built_by_an_older_vitrine(repo: Path, cli) -> None:
    """site/ and site.staging/ as a Vitrine without markers left them (its records in .vitrine-cache/)."""
    assert cli(repo, "build", "--date", DATE).returncode == 0
    site_yaml = repo / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8").replace("Site de test", "Site de test v2"), "utf-8")
    assert cli(repo, "build", "--date", DATE).returncode == 0
    for folder in ("site", "site.staging"):
        (repo / folder / MARKER).unlink()
    site_yaml.write_text(site_yaml.read_text("utf-8").replace("Site de test v2", "Site de test v3"), "utf-8")


def test_a_site_an_older_vitrine_built_is_recognised_by_its_records(repo: Path, cli) -> None:
    built_by_an_older_vitrine(repo, cli)

    result = cli(repo, "build", "--date", DATE)

    assert result.returncode == 0, result.stderr
    assert "Site de test v3" in (repo / "site/index.html").read_text("utf-8")
    assert (repo / "site" / MARKER).is_file() and (repo / "site.staging" / MARKER).is_file()


def test_an_unmarked_site_holding_anything_its_records_do_not_name_is_refused(repo: Path, cli) -> None:
    built_by_an_older_vitrine(repo, cli)
    mine = write(repo / "site/mon-fichier.txt", "à moi")

    result = cli(repo, "build", "--date", DATE)

    assert result.returncode == 2
    assert f"{repo / 'site'} : ce dossier n'est pas vide, et Vitrine ne l'a pas créé" in plain(result.stderr)
    assert mine.read_text("utf-8") == "à moi" and "Site de test v2" in (repo / "site/index.html").read_text("utf-8")
