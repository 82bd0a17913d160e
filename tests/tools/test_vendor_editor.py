"""``python build.py vendor-editor``: the tarball checked against npm's integrity, only the files the browser loads
kept, each recorded with its sha256 in VENDOR.json, which the build then checks."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from vitrine.outputs.editor import vendored_files
from vitrine.tools.vendor_editor import VendorError, install


def tarball(path: Path, files: dict[str, bytes]) -> str:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo("package/" + name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


PACKED = {"dist/decap-cms.js": b"main", "dist/12.decap-cms.js": b"chunk", "dist/12.decap-cms.js.map": b"map",
          "dist/cms.js": b"old name", "dist/12.cms.js": b"old chunk", "dist/ab12.wasm": b"\0asm",
          "dist/decap-cms.js.LICENSE.txt": b"notices", "package.json": b"{}", "README.md": b"readme"}


def test_only_the_files_the_browser_loads_are_vendored_with_their_checksums(tmp_path: Path) -> None:
    integrity = tarball(tmp_path / "decap.tgz", PACKED)
    folder = tmp_path / "editor"
    said = install(tmp_path / "decap.tgz", integrity, "9.9.9", folder)
    assert said[0].startswith("decap-cms 9.9.9 : 5 fichiers")
    assert sorted(p.name for p in folder.iterdir()) == sorted(["12.decap-cms.js", "LICENSE", "VENDOR.json", "ab12.wasm",
                                                               "decap-cms.js", "decap-cms.js.LICENSE.txt"])
    record = json.loads((folder / "VENDOR.json").read_text("utf-8"))
    assert record["version"] == "9.9.9" and record["integrity"] == integrity and record["license"] == "MIT"
    assert record["files"]["decap-cms.js"] == "sha256:" + hashlib.sha256(b"main").hexdigest()
    assert vendored_files(folder)[1] == []


def test_a_tarball_that_is_not_the_registrys_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    integrity = tarball(tmp_path / "decap.tgz", PACKED)
    tarball(tmp_path / "decap.tgz", {**PACKED, "dist/decap-cms.js": b"tampered"})
    with pytest.raises(VendorError, match="ne correspond pas à l'empreinte du registre npm"):
        install(tmp_path / "decap.tgz", integrity, "9.9.9", tmp_path / "editor")
    assert not (tmp_path / "editor").exists()
