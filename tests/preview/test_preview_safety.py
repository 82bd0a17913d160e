"""The live preview answers only its own pages: real servers on 127.0.0.1, hostile requests sent as they are.

A page of another site can make the browser talk to the preview (DNS rebinding, a cross-site WebSocket); a raw
request can ask for anything. Each case below was answered wrongly once (issue 13, item 8), or is a neighbour.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from conftest import REPO, TODAY
from test_serve import edit, fetch, free_port, until

OPEN_CALL = "Appel à projets ouvert"  # the home page of the small fixture on TODAY, not in 2023


class Preview:
    """``python build.py serve ARGS`` in a subprocess, its output in files (a full pipe would block it)."""

    def __init__(self, root: Path, logs: Path, *args: str, port: int | None = None, wait: bool = True):
        self.port = port or free_port()
        logs.mkdir(parents=True, exist_ok=True)
        self.out, self.err = logs / f"serve-{self.port}.out", logs / f"serve-{self.port}.err"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port", str(self.port),
                 *args], stdout=out, stderr=err, cwd=root)
        if wait:
            until(lambda: fetch(self.port, "/")[0] or self.process.poll() is not None, "the server to answer")
            assert self.process.poll() is None, self.err.read_text()

    def request(self, path: str, host: str | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
        """One request sent as it is: the raw path, any ``Host`` header."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", host or f"127.0.0.1:{self.port}")
            connection.endheaders()
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def stop(self) -> tuple[int, str, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=15)
        finally:
            self.kill()
        return code, self.out.read_text("utf-8"), self.err.read_text("utf-8")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def served_folder(repo: Path, port: int) -> Path:
    """The folder a preview serves from (``preview/`` before each port had its own)."""
    cache = repo / ".vitrine-cache"
    return next(folder for folder in (cache / f"preview-{port}", cache / "preview") if folder.is_dir())


@pytest.fixture
def previews(repo: Path, tmp_path: Path):
    """Start previews of ``repo`` (each with its own arguments); every one is stopped at the end of the test."""
    started: list[Preview] = []

    def start(*args: str, **kwargs) -> Preview:
        started.append(Preview(repo, tmp_path / "logs", "--date", TODAY.isoformat(), *args, **kwargs))
        return started[-1]
    yield start
    for preview in started:
        preview.kill()


def test_the_preview_answers_only_the_names_of_its_own_address(previews) -> None:
    server = previews()
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", f"LOCALHOST:{server.port}",
                 f"[::1]:{server.port}"):
        status, _, body = server.request("/laureats/", host=host)
        assert status == 200 and b"<h1" in body, host
    for host in (f"attaquant.example:{server.port}", "attaquant.example", f"127.0.0.1.attaquant.example:{server.port}",
                 f"127.0.0.1:{server.port + 1}", "127.0.0.1", f"192.168.1.20:{server.port}"):
        for path, method in (("/laureats/", "GET"), ("/laureats/", "HEAD"), ("/livereload.js", "GET"),
                             ("/static/style.css", "GET"), ("/laureats/", "POST")):
            status, headers, body = server.request(path, host=host, method=method)
            assert status == 403, (host, path, method)
            if method != "HEAD":
                text = body.decode("utf-8")
                assert "Adresse refusée" in text and f"http://127.0.0.1:{server.port}/" in text
                assert "<h1" not in text and "Brouillon" not in text
    code, _, err = server.stop()
    assert code == 0 and "Traceback" not in err


def test_the_host_given_with_host_is_answered_and_every_ip_address_on_a_wildcard(previews) -> None:
    named = previews("--host", "localhost")  # listens on the loopback under that name
    assert named.request("/", host=f"localhost:{named.port}")[0] == 200
    assert named.request("/", host=f"evil.example:{named.port}")[0] == 403
    everywhere = previews("--host", "0.0.0.0")  # to preview from a phone: the machine's IP addresses are its names
    assert everywhere.request("/", host=f"192.168.1.20:{everywhere.port}")[0] == 200
    assert everywhere.request("/", host=f"0.0.0.0:{everywhere.port}")[0] == 200
    assert everywhere.request("/", host=f"192.168.1.20:{everywhere.port + 1}")[0] == 403
    assert everywhere.request("/", host=f"rebinding.example:{everywhere.port}")[0] == 403  # a name can be rebound
    assert "Prévisualisation sur http://127.0.0.1:" in everywhere.stop()[1]


async def _connect(port: int, origin: str | None, host: str | None = None) -> object:
    headers = {"Origin": origin} if origin else {}
    if host:
        headers["Host"] = host
    return await asyncio.wait_for(websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port}/livereload",
                                                                headers=headers)), timeout=10)


def test_the_live_reload_socket_refuses_other_origins_and_never_sends_a_path_of_this_machine(
        previews, repo: Path) -> None:
    server = previews()
    own = f"http://127.0.0.1:{server.port}"

    async def scenario() -> None:
        for origin, host in (("http://attaquant.example", None), ("null", None),
                             (f"http://attaquant.example:{server.port}", None),
                             (f"http://127.0.0.1:{server.port + 1}", None),
                             (f"http://attaquant.example:{server.port}", f"attaquant.example:{server.port}")):
            with pytest.raises(HTTPClientError) as refused:
                await _connect(server.port, origin, host)
            assert refused.value.code == 403, origin

        ws = await _connect(server.port, own)  # the preview's own page (the tab livereload.js runs in)
        await ws.write_message("pas du json")  # ignored, the connection stays
        hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
        await ws.write_message(json.dumps(hello))
        assert json.loads(await asyncio.wait_for(ws.read_message(), timeout=10))["command"] == "hello"
        await ws.write_message(json.dumps({"command": "info", "url": own + "/", "plugins": {}}))
        await asyncio.sleep(0.2)  # the server registers the tab
        edit(repo / "content" / "laureates" / "atelier-code.md", "title: Atelier code", "title: Atelier de code")
        message = await asyncio.wait_for(ws.read_message(), timeout=30)
        reload = json.loads(message)
        assert reload["command"] == "reload" and reload["path"] == "*"
        assert str(repo) not in message and "/tmp" not in message and "content/" not in message
        ws.close()

    asyncio.run(scenario())
    code, _, err = server.stop()
    assert code == 0 and "Traceback" not in err


def test_a_stylesheet_change_is_told_as_its_path_in_the_site(repo: Path, tmp_path: Path) -> None:
    from vitrine.preview.serve import _reload_path

    static = tmp_path / "theme" / "static"
    assert _reload_path([str(static / "style.css")], static) == "static/style.css"  # livereload swaps it in place
    assert _reload_path([str(static / "style.css"), str(repo / "content" / "site.yaml")], static) == "*"
    assert _reload_path([str(tmp_path / "ailleurs.css")], static) == "*"
    assert _reload_path([], static) == "*"


def test_a_redirect_never_names_another_host(previews) -> None:
    server = previews()
    for path, location in (("//laureats", "/laureats/"), ("///laureats", "/laureats/"),
                           ("//laureats/atelier-code", "/laureats/atelier-code/"), ("/./laureats", "/laureats/"),
                           ("/laureats//atelier-code", "/laureats/atelier-code/"),
                           ("/laureats?theme=numerique", "/laureats/?theme=numerique"),
                           ("/%2flaureats", "/laureats/")):
        status, headers, _ = server.request(path)
        assert (status, headers.get("location")) == (301, location), path
    assert server.request("/laureats/")[0] == 200


def test_hostile_paths_get_a_clean_answer_and_no_traceback(previews, repo: Path, tmp_path: Path) -> None:
    server = previews()
    secret = tmp_path / "secret.txt"
    secret.write_text("mot de passe", "utf-8")
    folder = served_folder(repo, server.port)
    (folder / "static" / "lien.txt").symlink_to(secret)  # a link in the served folder, leading out of it
    for path in ("/" + "a/" * 3000, "/" + "a" * 10_000):  # over-long: 414, never a 500
        status, _, body = server.request(path)
        assert status == 414 and "Adresse trop longue" in body.decode("utf-8"), len(path)
    for path in ("/" + "a" * 300 + "/", "/" + "%C3%A9" * 200,  # a name longer than the file system's limit
                 "/../../content/site.yaml", "/%2e%2e/%2e%2e/content/site.yaml",
                 "/static/%2e%2e/%2e%2e/%2e%2e/content/site.yaml", "/static%2f..%2f..%2f..%2fcontent%2fsite.yaml",
                 "/%252e%252e/%252e%252e/content/site.yaml", "/static/..%5c..%5c..%5ccontent%5csite.yaml",
                 "/static\\..\\..\\..\\content\\site.yaml",
                 "/static/style.css%00.html", "/%ff%fe/", "/laureats/%e9t%e9/", "/static/lien.txt",
                 f"/{os.fspath(repo)}/content/site.yaml"):
        status, _, body = server.request(path)
        assert status == 404, path
        assert b"mot de passe" not in body and b"title:" not in body, path
    assert server.request("/static/style.css?v=../../content/site.yaml")[0] == 200  # a query string is no path

    status, headers, body = server.request("/laureats/", method="HEAD")
    assert (status, body) == (200, b"") and int(headers["content-length"]) > 0
    for method in ("POST", "PUT", "DELETE", "OPTIONS", "PATCH"):
        status, headers, body = server.request("/laureats/", method=method)
        assert status == 405 and headers.get("allow") == "GET, HEAD", method
        assert "GET et HEAD seulement" in body.decode("utf-8")
    code, _, err = server.stop()
    assert code == 0
    assert "Traceback" not in err and "Uncaught" not in err and "Error" not in err


def test_a_file_with_accents_in_its_name_is_served(previews, repo: Path) -> None:
    server = previews()
    folder = served_folder(repo, server.port)
    (folder / "static" / "été.txt").write_text("bonjour", "utf-8")  # the preview serves what is in its folder
    status, _, body = server.request("/static/%C3%A9t%C3%A9.txt")
    assert (status, body) == (200, b"bonjour")


def test_two_previews_on_two_ports_each_serve_their_own_date(previews, repo: Path) -> None:
    first = previews()  # TODAY: the 2022 call is open
    assert OPEN_CALL in fetch(first.port, "/")[1]
    second = previews("--date", "2023-01-01", port=free_port())  # its --date comes last: it wins
    assert OPEN_CALL not in fetch(second.port, "/")[1]
    assert OPEN_CALL in fetch(first.port, "/")[1]  # the first one's pages are its own still

    edit(repo / "content" / "laureates" / "atelier-code.md", "title: Atelier code", "title: Atelier de code")
    for server in (first, second):  # each rebuilds its own folder on a save
        until(lambda: "<h1>Atelier de code</h1>" in fetch(server.port, "/laureats/atelier-code/")[1], "the edit")
    assert OPEN_CALL in fetch(first.port, "/")[1] and OPEN_CALL not in fetch(second.port, "/")[1]
    for server in (first, second):
        code, _, err = server.stop()
        assert code == 0 and "Traceback" not in err


def test_a_second_preview_on_the_same_port_is_refused_with_the_first_ones_address(previews, repo: Path) -> None:
    first = previews()
    second = previews("--date", "2023-01-01", "--host", "::1", port=first.port, wait=False)  # another address
    second.process.wait(timeout=60)
    code, out, err = second.stop()
    assert code == 1
    assert (f"Une prévisualisation tourne déjà sur ce port : http://127.0.0.1:{first.port}/ — "
            "ouvrez-la dans le navigateur") in err
    assert "Traceback" not in err and "Prévisualisation sur" not in out and "Site construit" not in out
    assert OPEN_CALL in fetch(first.port, "/")[1]  # it built nothing into the first one's folder
    third = previews(port=first.port, wait=False)  # the same address, the same date
    assert third.process.wait(timeout=60) == 1 and "Une prévisualisation tourne déjà" in third.stop()[2]

    assert first.stop()[0] == 0  # once the first one stops, its port is free for the next
    again = previews("--date", "2023-01-01", port=first.port)
    assert OPEN_CALL not in fetch(again.port, "/")[1]
    assert again.stop()[0] == 0


def test_the_busy_port_message_still_comes_when_another_program_holds_the_port(repo: Path, tmp_path: Path) -> None:
    import socket

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        preview = Preview(repo, tmp_path, "--date", TODAY.isoformat(), port=port, wait=False)
        try:
            assert preview.process.wait(timeout=120) == 1
        finally:
            preview.kill()
    err = preview.err.read_text("utf-8")
    assert f"Impossible d'écouter sur 127.0.0.1:{port}" in err and "Traceback" not in err
