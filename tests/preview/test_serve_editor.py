"""``serve`` always offers the web editor at /admin/, saving through the preview (Decap's proxy backend), its
configuration following the content, and kept on screen while the content has errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vitrine.outputs.editor_config import PROXY

from test_serve import Server, edit, fetch, page_with, until


@pytest.fixture
def server(repo: Path, tmp_path: Path):
    running = Server(repo, tmp_path)
    yield running
    running.kill()


def test_serve_offers_the_editor_with_the_proxy_backend_and_keeps_it_while_the_content_has_errors(
        server: Server, repo: Path) -> None:
    status, page = fetch(server.port, "/admin/")
    assert status == 200 and '<html lang="fr">' in page
    assert "livereload" not in page  # a reload after each save would drop what the editor holds
    status, config = fetch(server.port, "/admin/config.yml")
    assert status == 200 and yaml.safe_load(config)["backend"] == PROXY
    assert fetch(server.port, "/admin/decap-cms.js")[0] == 200

    (repo / "content" / "editions" / "2023.md").write_text("---\nnumber: 3\n---\n", "utf-8")
    until(page_with(server.port, "/admin/config.yml", 200, "value: 2023"), "the new edition among the choices")

    edit(repo / "content" / "laureates" / "atelier-code.md", "[les-tilleuls]", "[les-tilleul]")
    until(page_with(server.port, "/", 500, "Le site ne peut pas être construit"), "the error page")
    status, page = fetch(server.port, "/admin/")
    assert status == 200 and "decap-cms.js" in page  # where the error gets fixed
