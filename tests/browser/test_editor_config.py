"""The generated editor configurations pass Decap CMS's own loader, in Chromium: the vendored bundle, served from a
sub-folder like the published site, shows its French sign-in page (the git hosts cannot be reached from here, so
signing in is not tried) and not its configuration-error screen; a broken configuration does show that screen
(the check bites). Every request stays on the site's own origin."""

from __future__ import annotations

from typing import Iterator

import pytest
import yaml

from conftest import TODAY, make_repo, run_cli
from vitrine.content.model import EditorSettings
from vitrine.outputs.editor_config import PROXY, backend_config

from .server import SiteServer

GITLAB = """
editor:
  backend: gitlab
  repository: mon-organisme/vitrine
  app_id: 0123abcd
  api_root: https://gitlab.exemple.fr/api/v4
"""
GITHUB = EditorSettings("github", "mon-organisme/vitrine", "main", None, None, "https://auth.exemple.fr/auth")
CONFIG_ERROR = "Error loading the CMS configuration"  # Decap's screen when its loader refuses (before any locale)


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    root = make_repo(tmp_path_factory.mktemp("editor"))
    site = root / "content" / "site.yaml"
    site.write_text(site.read_text("utf-8") + GITLAB, "utf-8")
    server = SiteServer(root / "site")
    result = run_cli(root, "build", "--base-url", server.base_url, "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    server.start()
    yield server
    server.close()


def open_editor(chromium, admin: SiteServer, config: dict | None = None):
    """The published /admin/ page; with ``config``, Decap started by hand on it (``CMS_MANUAL_INIT``)."""
    page = chromium.new_page(locale="fr-FR")
    requests: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.route(lambda url: not url.startswith(admin.origin + "/"), lambda route: route.abort())
    if config is not None:
        page.add_init_script("window.CMS_MANUAL_INIT = true")
    page.goto(admin.base_url + "admin/")
    if config is not None:
        page.wait_for_function("() => window.CMS && window.CMS.init")
        page.evaluate("config => window.CMS.init({config})", {**config, "load_config_file": False})
    return page, requests, refused


def test_the_published_gitlab_configuration_shows_the_french_sign_in(chromium, admin: SiteServer) -> None:
    page, requests, refused = open_editor(chromium, admin)
    page.get_by_role("button", name="Se connecter avec GitLab").wait_for(timeout=30_000)
    assert page.title().startswith("Modifier le site")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert CONFIG_ERROR not in page.content()
    assert requests and all(url.startswith(admin.base_url) for url in requests), requests  # a sub-folder, no CDN
    assert refused == []  # the page's policy lets Decap run
    page.close()


def test_the_github_configuration_shows_the_french_sign_in(chromium, admin: SiteServer) -> None:
    published = yaml.safe_load((admin.root / "admin" / "config.yml").read_text("utf-8"))
    github = {**published, "backend": backend_config(GITHUB)}
    page, requests, refused = open_editor(chromium, admin, github)
    page.get_by_role("button", name="Se connecter avec GitHub").wait_for(timeout=30_000)
    assert CONFIG_ERROR not in page.content()
    assert all(url.startswith(admin.origin + "/") for url in requests), requests
    assert refused == []
    page.close()


def test_the_previews_proxy_configuration_shows_the_french_sign_in(chromium, admin: SiteServer) -> None:
    published = yaml.safe_load((admin.root / "admin" / "config.yml").read_text("utf-8"))
    page, requests, refused = open_editor(chromium, admin, {**published, "backend": PROXY})
    page.get_by_role("button", name="Se connecter", exact=True).wait_for(timeout=30_000)
    assert CONFIG_ERROR not in page.content()
    assert all(url.startswith(admin.origin + "/") for url in requests), requests
    assert refused == []
    page.close()


def test_a_broken_configuration_shows_decaps_error_screen(chromium, admin: SiteServer) -> None:
    published = yaml.safe_load((admin.root / "admin" / "config.yml").read_text("utf-8"))
    collections = list(published["collections"])
    collections[1] = {**collections[1], "fields": "aucun"}
    page, _requests, _refused = open_editor(chromium, admin, {**published, "collections": collections})
    page.get_by_text(CONFIG_ERROR).wait_for(timeout=30_000)
    assert "collections[1].fields" in page.inner_text("body")  # the loader names what it refused
    assert page.get_by_role("button", name="Se connecter avec GitLab").count() == 0
    page.close()
