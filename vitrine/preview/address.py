"""Where the preview listens, and the only ``Host`` and ``Origin`` values it answers (DNS rebinding)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
WILDCARDS = ("", "0.0.0.0", "::")  # listening on every address of the machine


@dataclass(frozen=True)
class Address:
    """Where the preview listens, and which ``Host`` and ``Origin`` values name it.

    A page of another site can make the browser send requests here, under its own name once its DNS points to
    127.0.0.1 (DNS rebinding): the browser then lets that page read the answers, drafts included. Answering only the
    names of this address (the loopback's, the ``--host`` given) closes that door; on a wildcard address (0.0.0.0,
    to preview from a phone) the machine's own IP addresses are accepted as well: no DNS can rebind an IP literal.
    """

    host: str
    port: int

    @property
    def url(self) -> str:
        name = "127.0.0.1" if self.host in WILDCARDS else f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{name}:{self.port}/"

    @property
    def hosts(self) -> frozenset[str]:
        names = {*LOOPBACK, f"[{self.host}]" if ":" in self.host else self.host}
        ports = (f":{self.port}", "") if self.port == 80 else (f":{self.port}",)  # a browser omits port 80
        return frozenset(name.lower() + port for name in names for port in ports)

    def allows_host(self, value: str | None) -> bool:
        """Whether a request's ``Host`` header names this preview."""
        if not value:
            return False
        value = value.lower()
        if value in self.hosts:
            return True
        if self.host not in WILDCARDS:
            return False
        try:
            parts = urlsplit("//" + value)
            ipaddress.ip_address(parts.hostname or "")
            return (parts.port or 80) == self.port and not parts.username and not parts.path
        except ValueError:
            return False

    def allows_origin(self, origin: str) -> bool:
        """Whether a WebSocket's ``Origin`` is one of this preview's own pages."""
        parts = urlsplit(origin)
        return parts.scheme == "http" and parts.path in ("", "/") and self.allows_host(parts.netloc)
