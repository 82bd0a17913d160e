"""The live preview, for real: a server in a subprocess, fetched over HTTP, edited, broken, fixed and stopped."""

from __future__ import annotations

import asyncio
import gc
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, TypeVar

import pytest
from tornado.websocket import websocket_connect

from conftest import REPO, TODAY, run_cli
from vitrine.pipeline import BuildOptions, BuildState, build

T = TypeVar("T")
BROKEN_LINE = ("content/laureates/atelier-code.md:5: quartiers: quartier inconnu « les-tilleul » "
               "— vouliez-vous dire « les-tilleuls » ?")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(probe: Callable[[], T | None], what: str, timeout: float = 20) -> T:
    """Poll ``probe`` until it returns something truthy (bounded: fails after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.05)
    pytest.fail(f"still waiting after {timeout} s for: {what}")


def fetch(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")
    except OSError:
        return 0, ""


def page_with(port: int, path: str, status: int, text: str) -> Callable[[], str | None]:
    def probe() -> str | None:
        got_status, body = fetch(port, path)
        return body if got_status == status and text in body else None
    return probe


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


class Server:
    """``python build.py serve`` in a subprocess, its output in files (a full pipe would block it)."""

    def __init__(self, root: Path, logs: Path):
        self.port = free_port()
        self.out, self.err = logs / "serve.out", logs / "serve.err"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port", str(self.port),
                 "--date", TODAY.isoformat()], stdout=out, stderr=err, cwd=root)
        until(lambda: fetch(self.port, "/")[0] or self.process.poll() is not None, "the server to answer")
        assert self.process.poll() is None, self.err.read_text()

    def stop(self, signum: int) -> tuple[int, str, str]:
        self.process.send_signal(signum)
        code = self.process.wait(timeout=15)
        return code, self.out.read_text("utf-8"), self.err.read_text("utf-8")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server(repo: Path, tmp_path: Path):
    running = Server(repo, tmp_path)
    yield running
    running.kill()


async def reload_listener(port: int) -> asyncio.Queue:
    """A livereload client: handshake like livereload.js, then collect the server's commands."""
    ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    await ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(await ws.read_message())["command"] == "hello"
    await ws.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/", "plugins": {}}))
    messages: asyncio.Queue = asyncio.Queue()

    async def pump() -> None:
        while (message := await ws.read_message()) is not None:
            messages.put_nowait(json.loads(message))
    asyncio.ensure_future(pump())
    return messages


def test_preview_follows_edits_shows_errors_and_comes_back(server: Server, repo: Path) -> None:
    laureate = repo / "content" / "laureates" / "atelier-code.md"

    async def scenario() -> None:
        status, body = fetch(server.port, "/laureats/atelier-code/")
        assert status == 200 and "<h1>Atelier code</h1>" in body
        assert f'<script src="/livereload.js?port={server.port}" defer></script></head>' in body
        assert "script-src 'self' 'wasm-unsafe-eval';" in body  # the CSP is not relaxed: the script is same-origin
        assert "Prévisualisation locale" in body
        assert fetch(server.port, "/livereload.js")[0] == 200
        messages = await reload_listener(server.port)

        edit(laureate, "title: Atelier code", "title: Atelier de code")
        until(page_with(server.port, "/laureats/atelier-code/", 200, "<h1>Atelier de code</h1>"), "the edited title")
        reload = await asyncio.wait_for(messages.get(), timeout=20)
        assert reload["command"] == "reload" and reload["path"] == "*"  # reload the page; no path of this machine

        edit(laureate, "[les-tilleuls]", "[les-tilleul]")
        error_page = until(page_with(server.port, "/laureats/atelier-code/", 500, BROKEN_LINE), "the error page")
        assert "Le site ne peut pas être construit" in error_page
        assert '<script src="/livereload.js' in error_page  # the error page reloads itself too
        assert fetch(server.port, "/quartiers/")[0] == 500  # every HTML request, not only the broken page
        assert fetch(server.port, "/static/style.css")[0] == 200
        assert fetch(server.port, "/favicon.ico")[0] == 404  # a missing image is not answered by the error page

        edit(laureate, "[les-tilleul]", "[les-tilleuls]")
        until(page_with(server.port, "/laureats/atelier-code/", 200, "<h1>Atelier de code</h1>"), "the page back")

    asyncio.run(scenario())
    code, out, err = server.stop(signal.SIGINT)
    assert code == 0
    assert "Prévisualisation arrêtée." in out
    assert "Traceback" not in err and "GET /" not in err  # French messages only, no access log
    assert BROKEN_LINE in err  # the terminal lists the errors too
    assert not (repo / "site").exists()  # the preview never touches site/


def test_preview_shows_a_new_draft_with_its_badge_and_stops_on_terminate(server: Server, repo: Path) -> None:
    assert run_cli(repo, "new", "laureate", "nouveau-projet").returncode == 0
    body = until(page_with(server.port, "/laureats/nouveau-projet/", 200, "Brouillon"), "the new draft")
    assert '<p class="badge badge-draft">Brouillon</p>' in body
    assert fetch(server.port, "/laureats/nouveau-projet")[0] == 200  # redirected to the address with its slash
    code, out, err = server.stop(signal.SIGTERM)
    assert code == 0 and "Prévisualisation arrêtée." in out and "Traceback" not in err


def test_preview_refuses_a_busy_port_in_french(repo: Path, server: Server) -> None:
    result = run_cli(repo, "serve", "--port", str(server.port))
    assert result.returncode == 1
    assert f"Une prévisualisation tourne déjà sur ce port : http://127.0.0.1:{server.port}/" in result.stderr
    assert "Prévisualisation sur" not in result.stdout
    assert "Traceback" not in result.stderr


def test_preview_rebuild_rereads_and_rerenders_only_what_an_edit_changes(repo: Path) -> None:
    options = BuildOptions(root=repo, out=repo / ".vitrine-cache" / "preview", today=TODAY, drafts=True)
    state = BuildState.open(options)  # one state for every rebuild, as serve keeps it
    assert build(options, state).ok
    laureate = repo / "content" / "laureates" / "emploi-jeunes.md"

    edit(laureate, "summary: Le projet", "summary: Un projet")
    report = build(options, state)
    assert report.reads == 1
    assert pages(report.written) == [  # its page, the listings and home page that show its card, a related laureate,
        "editions/2022/catalogue/index.html",  # its edition's catalogue
        "editions/2022/index.html", "index.html", "laureats/emploi-jeunes/index.html", "laureats/index.html",
        "laureats/jardin-partage/index.html", "quartiers/le-moulin/index.html", "thematiques/emploi/index.html"]
    assert report.rendered == 9  # and laureats/filtres.json, the cards of the list's filters

    edit(laureate, "en détail.", "en détail, avec un ajout.")
    report = build(options, state)
    assert report.rendered == 1 and pages(report.written) == ["laureats/emploi-jeunes/index.html"]

    report = build(options, state)
    assert (report.reads, report.rendered, report.written) == (0, 0, ())


def pages(written: tuple[str, ...]) -> list[str]:
    """The HTML pages among written files (the feed and open-data files follow their own rule)."""
    return sorted(path for path in written if path.endswith(".html"))


def test_serve_rejects_a_bad_port_as_misuse(repo: Path) -> None:
    result = run_cli(repo, "serve", "--port", "99999")
    assert result.returncode == 2
    assert "port invalide « 99999 »" in result.stderr


def test_an_editors_temporary_file_alone_rebuilds_nothing_yet_the_next_save_counts_it(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vitrine.preview import serve
    from vitrine.speed.inputs import scan_inputs
    from vitrine.preview.serve import Preview, _on_change

    reloads: list[str] = []
    monkeypatch.setattr(serve.LiveReloadHandler, "reload_waiters", reloads.append)  # no browser here
    preview = Preview(repo, lambda: TODAY)
    try:
        assert preview.rebuild().ok
        preview.settle()
        laureate = repo / "content" / "laureates" / "emploi-jeunes.md"
        swap = laureate.with_name(f".{laureate.name}.swp")
        swap.write_text("le fichier d'échange de l'éditeur", "utf-8")
        scanned = preview.inputs
        _on_change(preview, [str(swap)])
        assert preview.inputs is scanned and reloads == []  # no rebuild for it

        edit(laureate, "en détail.", "en détail, avec un ajout.")
        _on_change(preview, [str(laureate)])
        full = scan_inputs(BuildOptions(root=repo, out=preview.out, today=TODAY, drafts=True, search=False,
                                        local_editor=True))
        assert preview.inputs is not None and preview.inputs.stated == 2
        assert (preview.inputs.digest, preview.inputs.files) == (full.digest, full.files)
        assert "avec un ajout" in (preview.out / "laureats" / "emploi-jeunes" / "index.html").read_text("utf-8")
        assert reloads == ["*"]  # the tab reloads; it is told no path of this machine
    finally:
        gc.unfreeze()


def test_the_preview_builds_what_changed_before_its_watcher_was_in_place_and_rescans_everything_now_and_then(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vitrine.preview import serve
    from vitrine.speed.inputs import scan_inputs
    from vitrine.preview.serve import Preview, _on_watching

    reloads: list[str] = []
    monkeypatch.setattr(serve.LiveReloadHandler, "reload_waiters", reloads.append)  # no browser here
    monkeypatch.setattr(Preview, "FULL_SCAN_EVERY", 2)
    preview = Preview(repo, lambda: TODAY)
    laureate = repo / "content" / "laureates" / "emploi-jeunes.md"
    page = preview.out / "laureats" / "emploi-jeunes" / "index.html"
    try:
        assert preview.rebuild().ok
        preview.settle()
        edit(laureate, "en détail.", "en détail, avant la surveillance.")  # no event will name it
        _on_watching(preview)
        assert reloads == ["*"] and "avant la surveillance" in page.read_text("utf-8")

        stated = []  # files stat()ed by each save, then by what follows it
        for k in range(4):
            edit(laureate, "en détail", f"en détail ({k})")
            preview.rebuild([str(laureate)])
            stated.append(preview.inputs.stated if preview.inputs else None)
            preview.settle()
            stated.append(preview.inputs.stated if preview.inputs else None)
        every = len(scan_inputs(BuildOptions(root=repo, out=preview.out, today=TODAY, drafts=True)).files)
        assert stated == [1, 1, 1, every, 1, 1, 1, every]  # every second save, a full scan follows in settle()
        assert "en détail (3)" in page.read_text("utf-8")
    finally:
        gc.unfreeze()
