"""The web editor's back end, for real: ``serve`` on a copy of the small fixture, posted to as Decap CMS posts
(``POST /admin/api/v1``, ``{"action", "params"}``), and posted to as a hostile page or a careless editor would."""

from __future__ import annotations

import base64
import hashlib
import http.client
import io
import ipaddress
import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from photos import SECRETS, photo
from test_preview_safety import Preview, previews  # noqa: F401 - the fixture
from test_serve import page_with, until

LAUREATES = "content/laureates"
NEW_LAUREATE = """---
title: Jardin des Œillets
porteur: Association Gamma
edition: 2022
quartiers: [les-tilleuls]
themes: [culture]
summary: Un jardin partagé au pied des immeubles.
image: media/jardin-gps.jpg
image_alt: Des habitants arrosent les plantations
image_credit: © Camille Martin
---
Le jardin en détail.
"""


def post(server: Preview, body: Any = None, origin: str | None = "own", kind: str = "application/json",
         raw: bytes | None = None, host: str | None = None) -> tuple[int, Any]:
    """One request to the editor's endpoint, from this preview's own page unless ``origin`` says otherwise."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Host": host or f"127.0.0.1:{server.port}", "Content-Type": kind}
    if origin:
        headers["Origin"] = f"http://127.0.0.1:{server.port}" if origin == "own" else origin
    try:
        connection.request("POST", "/admin/api/v1", body=raw if raw is not None else json.dumps(body).encode(),
                           headers=headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, data.decode("utf-8", "replace")


def act(server: Preview, action: str, **params: Any) -> tuple[int, Any]:
    return post(server, {"action": action, "params": {"branch": "main", **params}})


def asset(path: str, data: bytes) -> dict:
    return {"path": path, "content": base64.b64encode(data).decode(), "encoding": "base64"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_action_answers_as_decap_server_does(previews, repo: Path) -> None:
    server = previews()
    assert act(server, "info") == (200, {"repo": repo.resolve().name, "publish_modes": ["simple"], "type": "local_fs"})
    status, entries = act(server, "entriesByFolder", folder=LAUREATES, extension="md", depth=1)
    atelier = repo / LAUREATES / "atelier-code.md"
    assert status == 200 and len(entries) == 5
    assert {"data": atelier.read_text("utf-8"), "file": {"path": f"{LAUREATES}/atelier-code.md",
                                                         "id": sha256(atelier)}} in entries
    status, found = act(server, "entriesByFiles", files=[{"path": "content/site.yaml", "label": "Site"},
                                                         {"path": f"{LAUREATES}/absente.md"}])
    assert status == 200 and found[0]["file"]["id"] == sha256(repo / "content/site.yaml")
    assert found[1] == {"data": None, "file": {"path": f"{LAUREATES}/absente.md", "id": None}}
    assert act(server, "getEntry", path=f"{LAUREATES}/atelier-code.md")[1]["data"] == atelier.read_text("utf-8")

    # an edit is written, and the preview rebuilds the page
    edited = atelier.read_text("utf-8").replace("porteur: Association Alpha", "porteur: Association Oméga")
    status, answer = act(server, "persistEntry", dataFiles=[{"slug": "atelier-code", "path": f"{LAUREATES}/atelier-code.md",
                                                             "raw": edited}], assets=[],
                         options={"commitMessage": "Update", "newEntry": False})
    assert (status, answer) == (200, {"message": "entry persisted"}) and atelier.read_text("utf-8") == edited
    until(page_with(server.port, "/laureats/atelier-code/", 200, "Association Oméga"), "the edited page")

    # a new laureate with its photo in the same request: the photo is checked with it, and stored without GPS
    gps_photo = photo((800, 600))
    status, answer = act(server, "persistEntry",
                         dataFiles=[{"slug": "jardin-des-oeillets", "path": f"{LAUREATES}/jardin-des-oeillets.md",
                                     "raw": NEW_LAUREATE}],
                         assets=[asset("content/media/jardin-gps.jpg", gps_photo)],
                         options={"commitMessage": "Create", "newEntry": True})
    assert status == 200, answer
    until(page_with(server.port, "/laureats/jardin-des-oeillets/", 200, "Jardin des Œillets"), "the new laureate")
    stored = repo / "content/media/jardin-gps.jpg"
    assert_no_secrets(stored.read_bytes(), gps_photo)

    status, media = act(server, "getMedia", mediaFolder="content/media")
    assert status == 200 and {"id": sha256(stored), "content": base64.b64encode(stored.read_bytes()).decode(),
                              "encoding": "base64", "path": "content/media/jardin-gps.jpg",
                              "name": "jardin-gps.jpg"} in media
    assert act(server, "getMediaFile", path="content/media/jardin-gps.jpg")[1]["id"] == sha256(stored)

    # the media library's own upload and delete buttons
    png = photo((300, 200), orientation=6, fmt="PNG")
    status, uploaded = act(server, "persistMedia", asset=asset("content/media/plan.png", png),
                           options={"commitMessage": "Upload"})
    assert status == 200 and uploaded["path"] == "content/media/plan.png"
    assert_no_secrets((repo / "content/media/plan.png").read_bytes(), png, orientation=6)
    assert act(server, "deleteFile", path="content/media/plan.png", options={"commitMessage": "Delete"})[0] == 200
    assert not (repo / "content/media/plan.png").exists()
    assert act(server, "deleteFiles", paths=[f"{LAUREATES}/jardin-des-oeillets.md", "content/media/jardin-gps.jpg"],
               options={"commitMessage": "Delete"})[0] == 200
    assert not (repo / LAUREATES / "jardin-des-oeillets.md").exists() and not stored.exists()
    assert act(server, "getDeployPreview", collection="laureates", slug="atelier-code") == (200, None)

    status, answer = act(server, "unpublishedEntries")
    assert status == 422 and answer["error"].startswith("Action inconnue « unpublishedEntries »")
    code, _out, err = server.stop()
    assert code == 0 and "Traceback" not in err


def assert_no_secrets(stored: bytes, original: bytes, orientation: int | None = None) -> None:
    """No GPS, maker, XMP or comment left; the pixels untouched (no re-encoding); the orientation kept."""
    assert not any(secret in stored for secret in SECRETS)
    with Image.open(io.BytesIO(stored)) as image, Image.open(io.BytesIO(original)) as before:
        exif = image.getexif()
        assert not exif.get_ifd(0x8825) and 0x010F not in exif
        assert exif.get(0x0112) == orientation
        assert image.tobytes() == before.tobytes()


def test_an_entry_the_build_would_refuse_is_not_written_and_its_errors_are_named(previews, repo: Path) -> None:
    server = previews()
    atelier = repo / LAUREATES / "atelier-code.md"
    before = atelier.read_bytes()
    broken = (before.decode().replace("summary: Le projet Atelier code, porté par Association Alpha.", "summary: " + "x" * 300)
              .replace("edition: 2021", "edition: 2031"))
    status, answer = act(server, "persistEntry", dataFiles=[{"slug": "atelier-code", "path": f"{LAUREATES}/atelier-code.md",
                                                             "raw": broken}], assets=[], options={})
    assert status == 422
    lines = answer["error"].splitlines()
    assert any(line.startswith(f"{LAUREATES}/atelier-code.md:7: summary: ") and "280" in line for line in lines), lines
    assert any(line.startswith(f"{LAUREATES}/atelier-code.md:4: edition: ") and " — " in line for line in lines), lines
    assert atelier.read_bytes() == before

    # a file name against the slug rule, a photo that is not there, a theme still in use: refused, nothing written
    cases = {f"{LAUREATES}/Jardin_Gamma.md": ("fichier", NEW_LAUREATE), f"{LAUREATES}/jardin-gamma.md": ("image", NEW_LAUREATE)}
    for path, (field, raw) in cases.items():
        status, answer = act(server, "persistEntry", dataFiles=[{"slug": "x", "path": path, "raw": raw}], assets=[],
                             options={"newEntry": True})
        assert status == 422 and f"{path}:" in answer["error"] and f": {field}: " in answer["error"], answer
        assert not (repo / path).exists() and not (repo / "content/media/jardin-gps.jpg").exists()
    themes = repo / "content/themes.yaml"
    without_numerique = themes.read_text("utf-8").split("  - slug: culture", 1)[1]
    status, answer = act(server, "persistEntry", dataFiles=[{"slug": "themes", "path": "content/themes.yaml",
                                                             "raw": "themes:\n  - slug: culture" + without_numerique}],
                         assets=[])
    assert status == 422 and f"{LAUREATES}/atelier-code.md:" in answer["error"] and "numerique" in answer["error"]
    # the existing name of another laureate is never overwritten by a new one
    status, answer = act(server, "persistEntry", dataFiles=[{"slug": "atelier-code", "path": f"{LAUREATES}/atelier-code.md",
                                                             "raw": NEW_LAUREATE}], assets=[], options={"newEntry": True})
    assert status == 422 and "existe déjà" in answer["error"] and atelier.read_bytes() == before
    assert "Traceback" not in server.stop()[2]


def test_paths_outside_the_content_and_media_are_refused(previews, repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("mot de passe", "utf-8")
    (repo / LAUREATES / "lien.md").symlink_to(outside)
    (repo / "content/media").mkdir(exist_ok=True)
    (repo / "content/media/lien.jpg").symlink_to(outside)
    server = previews()
    refused = ["../secret.txt", f"{LAUREATES}/../../build.py", "/etc/passwd", str(repo / LAUREATES / "atelier-code.md"),
               f"{LAUREATES}/.cache.md", "build.py", "content/media/../site.yaml", f"{LAUREATES}/lien.md",
               "content\\site.yaml", f"{LAUREATES}/notes.txt", "content/laureates//atelier-code.md", ""]
    for path in refused:
        status, answer = act(server, "getEntry", path=path)
        assert status in (400, 422) and "error" in answer and "mot de passe" not in json.dumps(answer), path
        status, answer = act(server, "persistEntry", dataFiles=[{"slug": "x", "path": path, "raw": "x"}], assets=[])
        assert status in (400, 422), path
        assert act(server, "deleteFile", path=path)[0] in (400, 422), path
    for path in ("content/media/lien.jpg", "content/media/.htaccess", "content/media/page.html", "content/media/dessin.svg",
                 "content/media/sous/photo.jpg", "content/media/été.jpg", "content/media/contours.geojson",
                 "content/site.yaml", "static/photo.jpg"):
        status, answer = act(server, "persistMedia", asset=asset(path, photo((40, 30))), options={})
        assert status == 422 and "error" in answer, path
    assert act(server, "deleteFile", path="content/site.yaml")[0] == 422  # the build needs it
    status, answer = act(server, "entriesByFolder", folder="content", extension="md", depth=9)
    assert status == 422
    (repo / "content/media/photo.jpg").write_bytes(photo((40, 30)))
    status, answer = act(server, "persistMedia", asset=asset("content/media/Photo.jpg", photo((40, 30))), options={})
    assert status == 422 and "majuscules" in answer["error"] and not (repo / "content/media/Photo.jpg").exists()
    status, answer = act(server, "persistMedia", asset=asset("content/media/faux.jpg", b"<html><script>"), options={})
    assert status == 422 and "image illisible" in answer["error"]
    status, answer = act(server, "persistMedia", asset=asset("content/media/faux.pdf", b"<html>"), options={})
    assert status == 422 and "PDF" in answer["error"]
    assert outside.read_text("utf-8") == "mot de passe" and (repo / "content/site.yaml").exists()
    assert not any((repo / "content/media").glob("faux*"))
    assert "Traceback" not in server.stop()[2]


def test_only_this_previews_own_pages_may_post(previews, repo: Path) -> None:
    server = previews()
    write = {"action": "persistEntry", "params": {"dataFiles": [{"slug": "x", "path": f"{LAUREATES}/piege.md",
                                                                 "raw": NEW_LAUREATE}], "assets": []}}
    for origin in ("http://attaquant.example", "null", f"http://127.0.0.1:{server.port + 1}",
                   f"https://127.0.0.1:{server.port}", None):
        status, answer = post(server, write, origin=origin)
        assert status == 403 and "Origine refusée" in answer["error"], origin
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        status, answer = post(server, write, kind=kind)  # what a cross-site form may send without asking
        assert status == 415 and "JSON" in answer["error"], kind
    assert post(server, write, host="attaquant.example")[0] == 403  # DNS rebinding: refused before the handler
    assert post(server, raw=b"{not json")[0] == 400
    assert post(server, ["persistEntry"])[0] == 400
    status, answer = post(server, raw=b'{"action": "info", "params": {"x": "' + b"x" * (32 << 20) + b'"}}')
    assert status == 413 and "trop gros" in answer["error"]  # read and thrown away: the editor shows why
    # the limit said is the file's (what the editor sees), not the base64 body's: a 25 MB photo exceeds it
    assert "24 Mo au plus" in answer["error"]
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("POST", "/admin/api/v1", skip_host=True)
    for name, value in (("Host", f"127.0.0.1:{server.port}"), ("Origin", f"http://127.0.0.1:{server.port}"),
                        ("Content-Type", "application/json"), ("Content-Length", str(1 << 30))):
        connection.putheader(name, value)
    connection.endheaders()  # no body sent: refused on its announced size alone
    response = connection.getresponse()
    assert response.status == 413 and "trop gros" in json.loads(response.read())["error"]
    connection.close()
    assert not (repo / LAUREATES / "piege.md").exists()
    assert "Traceback" not in server.stop()[2]


def test_a_rename_moves_the_entry_and_errors_of_other_files_do_not_stop_a_good_save(previews, repo: Path,
                                                                                    tmp_path: Path) -> None:
    radio = repo / LAUREATES / "radio-quartier.md"
    radio.write_text(radio.read_text("utf-8").replace("edition: ", "edition: 19", 1), "utf-8")  # broken on disk
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (repo / "content/pages").rename(tmp_path / "pages")
    (repo / "content/pages").symlink_to(outside)  # a linked folder: neither read nor written through
    server = previews()
    assert act(server, "entriesByFolder", folder="content/pages", extension="md", depth=1)[0] == 422
    status, _ = act(server, "persistEntry", dataFiles=[{"slug": "x", "path": "content/pages/x.md", "raw": "x"}])
    assert status == 422 and not any(outside.iterdir())
    (repo / "content/pages").unlink()
    (tmp_path / "pages").rename(repo / "content/pages")

    atelier = repo / LAUREATES / "atelier-code.md"
    text = atelier.read_text("utf-8")
    status, answer = act(server, "persistEntry", dataFiles=[{"slug": "atelier-numerique", "raw": text,
                                                             "path": f"{LAUREATES}/atelier-code.md",
                                                             "newPath": f"{LAUREATES}/atelier-numerique.md"}],
                         assets=[], options={"newEntry": False})
    assert (status, answer) == (200, {"message": "entry persisted"}), answer  # radio-quartier's error is not its own
    assert not atelier.exists() and (repo / LAUREATES / "atelier-numerique.md").read_text("utf-8") == text
    for target in (f"{LAUREATES}/radio-quartier.md", "content/editions/2021.md"):  # never over another entry
        status, answer = act(server, "persistEntry", dataFiles=[{"slug": "x", "raw": text, "newPath": target,
                                                                 "path": f"{LAUREATES}/atelier-numerique.md"}])
        assert status == 422, target
    assert (repo / LAUREATES / "atelier-numerique.md").exists()
    assert "Traceback" not in server.stop()[2]


def test_on_every_address_only_this_machine_may_write(previews, repo: Path) -> None:
    """``serve --host 0.0.0.0`` shows the site to a phone; someone else on the network may send any ``Origin``."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 9))  # no packet sent: which local address would reach the network
        own_ip = probe.getsockname()[0]
    if ipaddress.ip_address(own_ip).is_loopback:
        pytest.skip("this machine has no network address")
    server = previews("--host", "0.0.0.0")
    connection = http.client.HTTPConnection(own_ip, server.port, timeout=30)
    connection.request("POST", "/admin/api/v1", body=json.dumps({"action": "info"}).encode(),
                       headers={"Origin": f"http://{own_ip}:{server.port}", "Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 403 and "depuis l'ordinateur" in json.loads(response.read())["error"]
    connection.close()
    assert act(server, "info")[0] == 200  # from 127.0.0.1


def test_a_new_entry_named_apart_from_the_slug_rule_is_refused_with_the_apostrophe_to_type(previews, repo: Path) -> None:
    """Decap drops a straight apostrophe from the file name (« L'atelier » → latelier), Vitrine's rule (``new``)
    makes it a hyphen: the save is refused, naming the title; with the typographic ’ both agree."""
    server = previews()
    raw = NEW_LAUREATE.replace("image: media/jardin-gps.jpg\nimage_alt: Des habitants arrosent les plantations\n"
                               "image_credit: © Camille Martin\n", "")
    status, answer = act(server, "persistEntry", dataFiles=[{"slug": "latelier", "path": f"{LAUREATES}/latelier.md",
                                                             "raw": raw.replace("Jardin des Œillets", "L'atelier")}],
                         assets=[], options={"newEntry": True})
    assert status == 422 and answer["error"] == (
        f"{LAUREATES}/latelier.md:2: title: l'éditeur nommerait ce fichier « latelier.md », la règle des noms de "
        "fichiers donne « l-atelier.md » — écrivez l'apostrophe typographique ’ (« L’atelier ») dans le titre")
    assert not (repo / LAUREATES / "latelier.md").exists()
    status, answer = act(server, "persistEntry", dataFiles=[{"slug": "l-atelier", "path": f"{LAUREATES}/l-atelier.md",
                                                             "raw": raw.replace("Jardin des Œillets", "L’atelier")}],
                         assets=[], options={"newEntry": True})
    assert status == 200, answer
    # an entry saved again keeps its name, whatever its title became
    status, answer = act(server, "persistEntry", dataFiles=[{"slug": "l-atelier", "path": f"{LAUREATES}/l-atelier.md",
                                                             "raw": raw.replace("Jardin des Œillets", "L'atelier")}],
                         assets=[], options={"newEntry": False})
    assert status == 200, answer


def test_a_new_entry_whose_title_gives_no_file_name_is_refused_naming_the_title(previews, repo: Path) -> None:
    """A title of emoji only: Decap names the file « .md »; the refusal names the title, not a hidden path."""
    server = previews()
    raw = NEW_LAUREATE.replace("Jardin des Œillets", "🎉🎉").replace(
        "image: media/jardin-gps.jpg\nimage_alt: Des habitants arrosent les plantations\nimage_credit: © Camille Martin\n",
        "")
    before = sorted(p.name for p in (repo / LAUREATES).iterdir())
    status, answer = act(server, "persistEntry", dataFiles=[{"slug": "", "path": f"{LAUREATES}/.md", "raw": raw}],
                         assets=[], options={"newEntry": True})
    assert status == 422
    assert answer["error"].startswith(f"{LAUREATES}/.md:2: title: ce titre ne donne aucun nom de fichier")
    assert sorted(p.name for p in (repo / LAUREATES).iterdir()) == before


def test_an_optional_field_cleared_in_the_form_is_removed_and_a_required_one_is_named(previews, repo: Path) -> None:
    """Decap saves a cleared text as ``video: ""``: an optional field so emptied is removed from the file (an editor
    can take a video or a colour away), a required one is refused naming it, the Markdown body is kept as typed."""
    server = previews()
    path = f"{LAUREATES}/{sorted(p.name for p in (repo / LAUREATES).iterdir())[0]}"
    original = (repo / path).read_text("utf-8")
    front, body = original.split("\n---\n", 1)
    emptied = f'{front}\nvideo: ""\nwebsite: ""\n---\n{body}video: ""\n'
    status, answer = act(server, "persistEntry", dataFiles=[{"path": path, "raw": emptied}], assets=[])
    assert status == 200, answer
    assert (repo / path).read_text("utf-8") == f"{original}video: \"\"\n"  # the body's line is text, kept
    status, answer = act(server, "persistEntry", dataFiles=[{"path": path, "raw": re.sub(
        r"(?m)^porteur: .*$", 'porteur: ""', original)}], assets=[])
    assert status == 422 and f"{path}:3: porteur: " in answer["error"]
    site = (repo / "content/site.yaml").read_text("utf-8")
    status, answer = act(server, "persistEntry", dataFiles=[{"path": "content/site.yaml", "raw": site + (
        'colour: ""\neditor:\n  backend: gitlab\n  repository: mon-organisme/vitrine\n  app_id: abc123\n  branch: ""\n'
        '  api_root: ""\n')}], assets=[])
    assert status == 200, answer
    assert (repo / "content/site.yaml").read_text("utf-8") == site + (
        "editor:\n  backend: gitlab\n  repository: mon-organisme/vitrine\n  app_id: abc123\n")


def test_a_new_edition_of_a_year_that_exists_is_refused_saying_how_editions_are_named(previews, repo: Path) -> None:
    """Decap names a new edition after the year of creation: when that edition exists, the refusal says so (there is
    no title to change) and does not touch the file."""
    server = previews()
    original = (repo / "content/editions/2022.md").read_bytes()
    status, answer = act(server, "persistEntry", dataFiles=[{"path": "content/editions/2022.md",
                                                             "raw": "---\nnumber: 9\n---\n"}],
                         assets=[], options={"newEntry": True})
    assert status == 422
    assert answer["error"].startswith("content/editions/2022.md existe déjà : l'éditeur nomme une nouvelle édition")
    assert "python build.py new edition" in answer["error"] and "titre" not in answer["error"]
    assert (repo / "content/editions/2022.md").read_bytes() == original
