"""The web editor at /admin/: published only with site.yaml's ``editor:`` block (or by ``serve``), its bundle as
vendored, its configuration made from the content contract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import build_in_process, tree_digest, write
from vitrine.engine import EDITOR_DIR
from vitrine.outputs.editor import VENDOR_FILE, vendored_files

GITLAB = """
editor:
  backend: gitlab
  repository: mon-organisme/vitrine
  app_id: 0123abcd
  api_root: https://gitlab.exemple.fr/api/v4
"""


def with_editor(root: Path, block: str = GITLAB) -> None:
    site = root / "content" / "site.yaml"
    site.write_text(site.read_text("utf-8") + block, "utf-8")


def test_the_vendored_files_match_their_recorded_checksums() -> None:
    files, errors = vendored_files()
    recorded = json.loads((EDITOR_DIR / VENDOR_FILE).read_text("utf-8"))
    assert errors == []
    assert recorded["version"] == "3.16.3" and recorded["integrity"].startswith("sha512-")
    names = {name for name, _ in files}
    assert {"decap-cms.js", "LICENSE", "decap-cms.js.LICENSE.txt"} <= names
    assert sum(name.endswith(".wasm") for name in names) == 2
    assert not any(name.startswith("cms.js") or name.endswith(".map") for name in names)
    assert "MIT License" in (EDITOR_DIR / "LICENSE").read_text("utf-8")


def test_without_the_editor_block_no_admin_is_published(repo: Path) -> None:
    report = build_in_process(repo)
    assert report.ok
    assert not (repo / "site" / "admin").exists()


def test_with_the_editor_block_admin_holds_the_page_the_bundle_and_the_configuration(repo: Path) -> None:
    with_editor(repo)
    assert build_in_process(repo).ok
    admin = repo / "site" / "admin"
    page = (admin / "index.html").read_text("utf-8")
    assert '<html lang="fr">' in page and "<title>Modifier le site" in page
    assert '<script src="decap-cms.js">' in page  # relative: the site may live in a sub-folder
    assert "connect-src 'self' blob: https://gitlab.exemple.fr;" in page
    assert (admin / "decap-cms.js").read_bytes() == (EDITOR_DIR / "decap-cms.js").read_bytes()
    config = yaml.safe_load((admin / "config.yml").read_text("utf-8"))
    assert config["backend"] == {"name": "gitlab", "repo": "mon-organisme/vitrine", "branch": "main",
                                 "auth_type": "pkce", "app_id": "0123abcd",
                                 "api_root": "https://gitlab.exemple.fr/api/v4", "base_url": "https://gitlab.exemple.fr"}
    assert config["site_url"] == "https://exemple.test/label/"
    # the block removed: /admin/ goes with it
    site = repo / "content" / "site.yaml"
    site.write_text(site.read_text("utf-8").replace(GITLAB, ""), "utf-8")
    assert build_in_process(repo).ok
    assert not admin.exists()


def test_the_configuration_follows_the_editions_on_the_fast_path_and_without_it(repo: Path) -> None:
    with_editor(repo)
    assert build_in_process(repo).ok
    write(repo / "content" / "editions" / "2023.md", "---\nnumber: 3\n---\n")
    for speed in (True, False):
        assert build_in_process(repo, speed=speed).ok
        config = yaml.safe_load((repo / "site" / "admin" / "config.yml").read_text("utf-8"))
        laureates = next(c for c in config["collections"] if c["name"] == "laureates")
        edition = next(f for f in laureates["fields"] if f["name"] == "edition")
        assert [o["value"] for o in edition["options"]] == [2023, 2022, 2021]


def test_a_vendored_file_changed_by_hand_is_refused_in_french(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "editor"
    shutil.copytree(EDITOR_DIR, copy)
    with (copy / "decap-cms.js").open("a") as bundle:
        bundle.write("/* edited */")
    (copy / "extra.js").write_text("")
    files, errors = vendored_files(copy)
    assert "decap-cms.js" not in {name for name, _ in files}
    messages = [str(e) for e in errors]
    assert any("decap-cms.js" in m and "empreinte ne correspond pas" in m and "vendor-editor" in m for m in messages)
    assert any("extra.js" in m and "absent de VENDOR.json" in m for m in messages)


@pytest.mark.parametrize("block, field, words", [
    ("editor:\n  backend: github\n  repository: org/site\n", "editor.auth_url", "relais de connexion manquant"),
    ("editor:\n  backend: gitlab\n  repository: org/site\n", "editor.app_id", "identifiant d'application manquant"),
    ("editor:\n  backend: bitbucket\n  repository: org/site\n", "editor.backend", "non pris en charge"),
    ("editor:\n  backend: gitlab\n  repository: site\n  app_id: x\n", "editor.repository", "invalide"),
    ("editor:\n  backend: gitlab\n  repository: org/site\n  app_id: x\n  api_root: http://git.local/api/v4\n",
     "editor.api_root", "https://"),
])
def test_a_wrong_editor_block_is_refused_with_its_field_named(repo: Path, block: str, field: str, words: str) -> None:
    with_editor(repo, "\n" + block)
    report = build_in_process(repo)
    assert not report.ok
    assert any(e.field == field and words in str(e) and e.path == "content/site.yaml" for e in report.errors), \
        [str(e) for e in report.errors]
    assert not (repo / "site").exists()


def test_an_edited_laureate_on_the_fast_path_gives_the_cold_builds_bytes_admin_included(repo: Path,
                                                                                          tmp_path: Path) -> None:
    with_editor(repo)
    assert build_in_process(repo).ok
    laureate = repo / "content" / "laureates" / "atelier-code.md"
    laureate.write_text(laureate.read_text("utf-8").replace("title: Atelier code", "title: Atelier de code"), "utf-8")
    fast = build_in_process(repo)
    assert fast.ok and "admin/config.yml" not in fast.written  # its choices did not change
    assert build_in_process(repo, out=tmp_path / "cold", speed=False).ok
    assert tree_digest(repo / "site") == tree_digest(tmp_path / "cold")


def test_a_github_block_publishes_the_relay_and_lets_the_page_reach_githubs_api(repo: Path) -> None:
    with_editor(repo, "\neditor:\n  backend: github\n  repository: org/site\n  auth_url: https://auth.exemple.fr/auth\n")
    assert build_in_process(repo).ok
    admin = repo / "site" / "admin"
    assert "connect-src 'self' blob: https://api.github.com;" in (admin / "index.html").read_text("utf-8")
    backend = yaml.safe_load((admin / "config.yml").read_text("utf-8"))["backend"]
    assert backend == {"name": "github", "repo": "org/site", "branch": "main", "base_url": "https://auth.exemple.fr",
                       "auth_endpoint": "auth"}
