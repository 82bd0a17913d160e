"""The open tab reloads itself on save, in a real Chromium: the livereload script and its websocket pass the CSP."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

from test_serve import Server, edit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


class Tab:
    """One headless Chromium tab driven through the DevTools protocol; console and CSP messages are kept."""

    def __init__(self, profile: Path):
        self.profile = profile
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.messages: list[str] = []
        self._next_id = 0

    async def open(self) -> None:
        address = self.profile / "DevToolsActivePort"  # Chromium writes its port, then its browser path, here
        while not (address.is_file() and len(address.read_text().split()) == 2):
            assert self.process.poll() is None, "Chromium stopped before listening"
            await asyncio.sleep(0.05)  # bounded by the caller's wait_for
        port, path = address.read_text().split()
        browser_url = f"ws://127.0.0.1:{port}{path}"
        self.browser = await websocket_connect(browser_url, max_message_size=1 << 26)
        target = await self._call(self.browser, "Target.createTarget", url="about:blank")
        self.ws = await websocket_connect(browser_url.split("/devtools/")[0] + "/devtools/page/" + target["targetId"],
                                          max_message_size=1 << 26)
        for domain in ("Log", "Runtime", "Page"):
            await self.call(f"{domain}.enable")

    async def _call(self, ws, method: str, **params) -> dict:
        self._next_id += 1
        await ws.write_message(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(await ws.read_message())
            if message.get("id") == self._next_id:
                return message.get("result", {})
            if message.get("method") == "Log.entryAdded":
                self.messages.append(message["params"]["entry"]["text"])
            elif message.get("method") == "Runtime.consoleAPICalled":
                self.messages.append(" ".join(str(a.get("value")) for a in message["params"]["args"]))

    async def call(self, method: str, **params) -> dict:
        return await self._call(self.ws, method, **params)

    async def evaluate(self, expression: str) -> str | None:
        """The expression's value, or None while the page is between two documents (no context to evaluate in)."""
        return (await self.call("Runtime.evaluate", expression=expression)).get("result", {}).get("value")

    async def reloaded_with(self, text: str, timeout: float = 20) -> None:
        """Wait until the page was reloaded (our marker is gone) and its title contains ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = await self.evaluate("String(window.vitrineMarker) + '|' + document.title")
            if state and state.startswith("undefined|") and text in state:
                return
            await asyncio.sleep(0.05)
        pytest.fail(f"the tab did not reload to « {text} »: {state}")

    async def connected_to_livereload(self, timeout: float = 20) -> None:
        """Wait until the page's livereload.js has done its handshake over the websocket."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await self.evaluate("typeof LiveReload === 'object' && LiveReload.connector.protocol > 0"):
                return
            await asyncio.sleep(0.05)
        pytest.fail(f"livereload.js did not connect: {self.messages}")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def test_the_open_tab_reloads_on_each_save_error_page_included(repo: Path, tmp_path: Path) -> None:
    server = Server(repo, tmp_path)
    tab = Tab(tmp_path / "profile")
    laureate = repo / "content" / "laureates" / "atelier-code.md"

    async def scenario() -> None:
        await asyncio.wait_for(tab.open(), timeout=30)
        await tab.call("Page.navigate", url=f"http://127.0.0.1:{server.port}/laureats/atelier-code/")
        await tab.reloaded_with("Atelier code")
        for change, title in [(("title: Atelier code", "title: Atelier de code"), "Atelier de code"),
                              (("[les-tilleuls]", "[les-tilleul]"), "Erreurs dans le contenu"),
                              (("[les-tilleul]", "[les-tilleuls]"), "Atelier de code")]:
            await tab.connected_to_livereload()
            await tab.evaluate("window.vitrineMarker = 1")
            edit(laureate, *change)
            await tab.reloaded_with(title)

    try:
        asyncio.run(scenario())
        assert not [m for m in tab.messages if "Content Security Policy" in m or "WebSocket" in m]
    finally:
        tab.close()
        server.kill()
