"""``python build.py vendor-editor [VERSION]``: the maintainers' command that vendors Decap CMS into ``editor/``.

It packs ``decap-cms@VERSION`` with npm, checks the tarball against the registry's ``dist.integrity``, copies the
files the browser loads (the main bundle, its lazy chunks, the two WebAssembly files, the third-party notices; not the
``cms.js`` duplicates nor the source maps), adds the MIT licence (missing from the npm tarball), and records the
version, the integrity and each file's sha256 in ``editor/VENDOR.json``, which every build checks
(``outputs/editor.py``). It prints what changed in the file list.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from vitrine.outputs.editor import EDITOR_DIR, VENDOR_FILE

DEFAULT_VERSION = "3.16.3"
PACKAGE = "decap-cms"
# The files the browser loads: the bundle, its chunks (loaded next to it), its WebP encoders, the notices.
KEPT = re.compile(r"^(decap-cms\.js|\d+\.decap-cms\.js|[0-9a-f]+\.wasm|decap-cms\.js\.LICENSE\.txt)$")
# github.com/decaporg/decap-cms/blob/main/LICENSE: the npm tarball does not carry it.
LICENSE = """Copyright (c) 2016 Netlify <decap@p-m.si>

MIT License

Permission is hereby granted, free of charge, to any person obtaining
a copy of this software and associated documentation files (the
"Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to
the following conditions:

The above copyright notice and this permission notice shall be
included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE
LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION
OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION
WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


class VendorError(Exception):
    """Why the editor could not be vendored (French, for the maintainer)."""


def vendor(version: str = DEFAULT_VERSION, folder: Path = EDITOR_DIR, tarball: Path | None = None) -> list[str]:
    """Vendor ``decap-cms@version`` into ``folder``; ``tarball``: an already packed one (checked all the same).
    Returns the lines that say what changed."""
    integrity = _npm("view", f"{PACKAGE}@{version}", "dist.integrity").strip().strip("'\"")
    if not integrity.startswith("sha512-"):
        raise VendorError(f"le registre npm ne donne pas d'empreinte pour {PACKAGE}@{version} (« {integrity} »)")
    with tempfile.TemporaryDirectory() as tmp:
        if tarball is None:
            _npm("pack", f"{PACKAGE}@{version}", "--pack-destination", tmp)
            tarball = Path(tmp) / f"{PACKAGE}-{version}.tgz"
        return install(tarball, integrity, version, folder)


def install(tarball: Path, integrity: str, version: str, folder: Path) -> list[str]:
    """Vendor the files of ``tarball`` into ``folder`` if its bytes are the ones ``integrity`` (npm's) names."""
    if "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode() != integrity:
        raise VendorError(f"{tarball.name} ne correspond pas à l'empreinte du registre npm ({integrity[:20]}…)")
    return _replace(folder, _unpack(tarball), version, integrity)


def _unpack(tarball: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/dist/")
            if member.isfile() and member.name.startswith("package/dist/") and KEPT.match(name):
                extracted = archive.extractfile(member)
                assert extracted is not None
                files[name] = extracted.read()
    if "decap-cms.js" not in files:
        raise VendorError("le paquet ne contient pas dist/decap-cms.js : sa structure a changé, vérifiez-le à la main")
    files["LICENSE"] = LICENSE.encode()
    return files


def _replace(folder: Path, files: dict[str, bytes], version: str, integrity: str) -> list[str]:
    before = set(json.loads((folder / VENDOR_FILE).read_text("utf-8"))["files"]) if (folder / VENDOR_FILE).is_file() else set()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    record = {"package": PACKAGE, "version": version, "integrity": integrity,
              "source": f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{version}.tgz",
              "license": "MIT", "files": {name: "sha256:" + hashlib.sha256(files[name]).hexdigest()
                                          for name in sorted(files)}}
    (folder / VENDOR_FILE).write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    size = sum(len(d) for d in files.values())
    return ([f"{PACKAGE} {version} : {len(files)} fichiers, {size / 1e6:.1f} Mo, dans {folder}"] +
            [f"+ {name}" for name in sorted(files.keys() - before)] + [f"- {name}" for name in sorted(before - files.keys())])


def _npm(*args: str) -> str:
    try:
        done = subprocess.run(["npm", *args], capture_output=True, text=True, timeout=600, check=False)
    except FileNotFoundError:
        raise VendorError("npm est introuvable : installez Node.js (npm) pour mettre à jour l'éditeur") from None
    if done.returncode:
        raise VendorError(f"npm {args[0]} a échoué : {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    return done.stdout
