"""A local mirror of a site, served on 127.0.0.1: the offline demo archive, and the server
that tests and benchmarks crawl.

Files map to URL paths the way the legacy site's CakePHP URLs need: ``/`` is ``index.html``,
``:`` becomes ``_`` and ``.html`` is added to paths without a suffix
(``/en/actualites/index_actu/page:2`` -> ``en/actualites/index_actu/page_2.html``);
a trailing ``/language:XX`` parameter is ignored, as on the real site. Responses carry an
ETag and Last-Modified and answer conditional requests with 304. Every request is logged.
Scripted responses (``script``) let tests return 429, 5xx, redirects or huge bodies for
chosen paths.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_LANGUAGE_PARAMETER = re.compile(r"/language:[A-Za-z]+/?$")
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
                 ".xml": "application/xml", ".json": "application/json"}


@dataclass(frozen=True, slots=True)
class Scripted:
    """A canned response for a path: status, headers, body, and a delay before sending.
    ``declared_length`` announces more bytes than are sent (a truncated body)."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    delay: float = 0.0
    declared_length: int | None = None


@dataclass(slots=True)
class LoggedRequest:
    at: float
    path: str
    status: int
    headers: dict[str, str]


@dataclass
class Mirror:
    """Serves ``root`` on 127.0.0.1 (a free port) in a background thread."""

    root: Path
    port: int = 0
    latency: float = 0.0
    """Seconds every response waits before it is sent (a slow server)."""
    script: dict[str, list[Scripted]] = field(default_factory=dict)
    log: list[LoggedRequest] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self.server is None:
            raise RuntimeError("the mirror is not running")
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Mirror:
        mirror = self

        class Handler(_Handler):
            owner = mirror

        self.server = _QuietServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> Mirror:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def file_for(self, path: str) -> Path | None:
        """The file that answers a URL path, or None."""
        path = _LANGUAGE_PARAMETER.sub("", unquote(urlsplit(path).path))
        relative = path.strip("/").replace(":", "_") or "index"
        candidate = self.root / relative
        if not candidate.suffix:
            candidate = candidate.with_suffix(".html")
        try:
            resolved = candidate.resolve()
            resolved.relative_to(self.root.resolve())
        except (OSError, ValueError):
            return None
        return resolved if resolved.is_file() else None


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up (a crawl stopped mid-request) are normal here, not errors."""

    def handle_error(self, request: object, client_address: object) -> None:
        return


class _Handler(BaseHTTPRequestHandler):
    owner: Mirror
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return  # requests are kept in Mirror.log, not printed

    def do_GET(self) -> None:  # noqa: N802
        owner = self.owner
        with owner.lock:
            owner.in_flight += 1
            owner.max_in_flight = max(owner.max_in_flight, owner.in_flight)
        try:
            if owner.latency:
                time.sleep(owner.latency)
            self._answer()
        finally:
            with owner.lock:
                owner.in_flight -= 1

    def _answer(self) -> None:
        owner = self.owner
        queue = owner.script.get(urlsplit(self.path).path)
        if queue:
            scripted = queue.pop(0) if len(queue) > 1 else queue[0]
            self._send_scripted(scripted)
            return
        found = owner.file_for(self.path)
        if found is None:
            self._send(404, b"<html><body><h1>Not found</h1></body></html>",
                       [("Content-Type", "text/html; charset=utf-8")])
            return
        body = found.read_bytes()
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:16] + '"'
        modified = formatdate(found.stat().st_mtime, usegmt=True)
        headers = [("Content-Type", CONTENT_TYPES.get(found.suffix, "application/octet-stream")),
                   ("ETag", etag), ("Last-Modified", modified)]
        if self.headers.get("If-None-Match") == etag or (
                self.headers.get("If-Modified-Since") == modified
                and not self.headers.get("If-None-Match")):
            self._send(304, b"", headers)
            return
        self._send(200, body, headers)

    def _send_scripted(self, scripted: Scripted) -> None:
        if scripted.delay:
            time.sleep(scripted.delay)
        self._send(scripted.status, scripted.body, list(scripted.headers),
                   declared_length=scripted.declared_length)

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]], *,
              declared_length: int | None = None) -> None:
        self.owner.log.append(LoggedRequest(time.monotonic(), self.path, status,
                                            dict(self.headers.items())))
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(declared_length or len(body)))
            if declared_length:
                self.send_header("Connection", "close")
            self.end_headers()
            if status != 304:
                self.wfile.write(body)
            if declared_length:
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
