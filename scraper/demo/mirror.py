"""A local mirror of a site, served on 127.0.0.1: the offline demo archive, and the server
that tests and benchmarks crawl.

Files map to URL paths the way the legacy site's CakePHP URLs need: ``/`` is ``index.html``,
``:`` becomes ``_`` and ``.html`` is added to paths without a suffix
(``/en/actualites/index_actu/page:2`` -> ``en/actualites/index_actu/page_2.html``);
a trailing ``/language:XX`` parameter is ignored, as on the real site. Responses carry an
ETag and Last-Modified and answer conditional requests with 304. Every request is logged.
Scripted responses (``script``) let tests return 429, 5xx, redirects or huge bodies for
chosen paths; :class:`Faults` injects transient and permanent faults into any share of the
answers, the same on every run (tests and ``bench/reliability.py``). Paths never leave
``root``: ``..``, encoded or not, and symlinks out of it answer 404.
"""

from __future__ import annotations

import hashlib
import re
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

_LANGUAGE_PARAMETER = re.compile(r"/language:[A-Za-z]+/?$")
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
                 ".xml": "application/xml", ".json": "application/json",
                 ".pdf": "application/pdf"}


FAULT_KINDS = ("500", "503", "429", "reset", "truncated", "slow", "redirect", "content-type",
               "charset", "oversized", "foreign-redirect")
"""Every fault :class:`Faults` can inject."""
PERMANENT_KINDS = ("500", "reset")
"""How a path that always fails fails (logged as ``permanent-500``, ``permanent-reset``)."""
_HTML = ("Content-Type", "text/html; charset=utf-8")
_HOP = "fault-hop"


@dataclass(frozen=True, slots=True)
class Faults:
    """Faults a mirror injects into its answers, the same on every run.

    Each request for a path (``exempt`` ones aside) is attempt n at that path, and whether
    attempt n fails, and how, is drawn from (``seed``, path, n) alone: a retry meets a fresh
    draw, a rerun the same ones. A ``permanent`` share of paths fail at every attempt. Kinds:

    - ``500``, ``503``, ``429``: that status; 503 and 429 with ``Retry-After: retry_after``
    - ``reset``: the headers and half the body, then a TCP reset
    - ``truncated``: a Content-Length for the whole body, half of it, then the connection closes
    - ``slow``: the answer starts after ``slow_seconds``
    - ``redirect``: ``redirect_hops`` redirects (``?fault-hop=N``) before the page
    - ``content-type``: the page labelled ``text/plain`` or ``application/octet-stream``
    - ``charset``: the UTF-8 page labelled ISO-8859-1, or sent as windows-1252 labelled UTF-8
    - ``oversized``: ``oversized_bytes`` of body, announced by Content-Length or not
    - ``foreign-redirect``: a redirect to the same path on ``foreign_host``

    Kinds that need the page (reset, truncated, content-type, charset) leave a missing
    page's 404 alone.
    """

    rate: float = 0.1
    seed: int = 0
    kinds: tuple[str, ...] = FAULT_KINDS
    permanent: float = 0.0
    """Share of paths that fail at every attempt (HTTP 500 or a reset)."""
    retry_after: int = 1
    slow_seconds: float = 0.2
    redirect_hops: int = 3
    oversized_bytes: int = 11 * 1024 * 1024
    foreign_host: str = "elsewhere.invalid"
    exempt: tuple[str, ...] = ("/robots.txt",)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.kinds) - set(FAULT_KINDS))
        if unknown or not self.kinds:
            raise ValueError(f"unknown fault kinds {unknown}; choose from {FAULT_KINDS}")
        if not (0 <= self.rate <= 1 and 0 <= self.permanent <= 1):
            raise ValueError("rate and permanent are shares between 0 and 1")

    def draw(self, path: str, attempt: int) -> str | None:
        """The fault of the ``attempt``-th request (from 1) for ``path``, or None."""
        if path in self.exempt:
            return None
        if self.is_permanent(path):
            return "permanent-" + PERMANENT_KINDS[self.choose(path, "permanent-kind",
                                                              len(PERMANENT_KINDS))]
        if self._uniform(path, attempt) >= self.rate:
            return None
        return self.kinds[self.choose(path, f"kind-{attempt}", len(self.kinds))]

    def is_permanent(self, path: str) -> bool:
        return path not in self.exempt and self._uniform(path, "permanent") < self.permanent

    def choose(self, path: str, salt: str, count: int) -> int:
        """A number below ``count`` drawn for ``path`` and ``salt``."""
        return min(count - 1, int(self._uniform(path, salt) * count))

    def _uniform(self, path: str, salt: object) -> float:
        key = f"{self.seed}\x00{path}\x00{salt}".encode("utf-8", "surrogatepass")
        digest = hashlib.blake2b(key, digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64


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
    fault: str | None = None
    """The fault injected into this answer (see :class:`Faults`), if any."""


@dataclass
class Mirror:
    """Serves ``root`` on 127.0.0.1 (a free port) in a background thread."""

    root: Path
    port: int = 0
    latency: float = 0.0
    """Seconds every response waits before it is sent (a slow server)."""
    script: dict[str, list[Scripted]] = field(default_factory=dict)
    app: Callable[[str, dict[str, list[str]]], Scripted | None] | None = None
    """Answers computed per request (a fake API): called with the path and the query's
    parameters; None falls through to the files under ``root``."""
    faults: Faults | None = None
    """Faults injected into the answers (None: a well-behaved server)."""
    log: list[LoggedRequest] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)
    """Requests per path so far, the hops of an injected redirect chain aside."""
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
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       kwargs={"poll_interval": 0.05})  # quick stop()
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
            return resolved if resolved.is_file() else None
        except (OSError, ValueError):  # outside root, a NUL, a name too long
            return None


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
        parts = urlsplit(self.path)
        queue = owner.script.get(parts.path)
        if queue:
            scripted = queue.pop(0) if len(queue) > 1 else queue[0]
            self._send_scripted(scripted)
            return
        if owner.app is not None:
            answer = owner.app(unquote(parts.path), parse_qs(parts.query))
            if answer is not None:
                self._send_scripted(answer)
                return
        fault = self._draw_fault(parts.path, parts.query) if owner.faults else None
        found = owner.file_for(self.path)
        if fault is not None and owner.faults is not None and \
                _FaultInjector(self, owner.faults, fault, parts.path).inject(found):
            return
        if found is None:
            self._send(404, b"<html><body><h1>Not found</h1></body></html>", [_HTML])
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
        self._send(200, body, headers, fault=fault)

    def _draw_fault(self, path: str, query: str) -> str | None:
        """This request's fault: a hop of a redirect chain, or the draw for its attempt."""
        faults = self.owner.faults
        assert faults is not None
        hops = parse_qs(query).get(_HOP)
        if hops:
            hop = int(hops[0]) if hops[0].isdigit() else faults.redirect_hops
            return "redirect" if hop < faults.redirect_hops else None
        with self.owner.lock:
            self.owner.attempts[path] += 1
            attempt = self.owner.attempts[path]
        return faults.draw(path, attempt)

    def _send_scripted(self, scripted: Scripted) -> None:
        if scripted.delay:
            time.sleep(scripted.delay)
        self._send(scripted.status, scripted.body, list(scripted.headers),
                   declared_length=scripted.declared_length)

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]], *,
              declared_length: int | None = None, fault: str | None = None) -> None:
        self.log(status, fault)
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

    def log(self, status: int, fault: str | None = None) -> None:
        self.owner.log.append(LoggedRequest(time.monotonic(), self.path, status,
                                            dict(self.headers.items()), fault))


class _FaultInjector:
    """Answers one request with its fault; :meth:`inject` says whether it did."""

    def __init__(self, handler: _Handler, faults: Faults, fault: str, path: str) -> None:
        self.handler = handler
        self.faults = faults
        self.fault = fault
        self.kind = fault.removeprefix("permanent-")
        self.path = path

    def inject(self, found: Path | None) -> bool:
        kind, handler, faults = self.kind, self.handler, self.faults
        error_page = f"<html><body><h1>{kind}</h1></body></html>".encode()
        if kind == "500":
            handler._send(500, error_page, [_HTML], fault=self.fault)
        elif kind in ("503", "429"):
            handler._send(int(kind), error_page, [_HTML, ("Retry-After", str(faults.retry_after))],
                          fault=self.fault)
        elif kind == "slow":
            time.sleep(faults.slow_seconds)
            return False  # then the ordinary answer, logged with this fault
        elif kind in ("redirect", "foreign-redirect"):
            self._redirect(kind)
        elif kind == "oversized":
            self._oversized()
        elif found is None:
            return False  # the other kinds alter a page; a missing one stays a 404
        elif kind == "reset":
            self._reset(found.read_bytes())
        elif kind == "truncated":
            body = found.read_bytes()
            handler._send(200, body[: len(body) // 2], [_HTML], declared_length=len(body),
                          fault=self.fault)
        elif kind == "content-type":
            label = ("text/plain; charset=utf-8", "application/octet-stream")[
                self._variant(2)]
            handler._send(200, found.read_bytes(), [("Content-Type", label)], fault=self.fault)
        else:  # charset
            body = found.read_bytes()
            if self._variant(2):
                body = body.decode("utf-8", "replace").encode("cp1252", "xmlcharrefreplace")
                label = "text/html; charset=utf-8"
            else:
                label = "text/html; charset=iso-8859-1"
            handler._send(200, body, [("Content-Type", label)], fault=self.fault)
        return True

    def _variant(self, count: int) -> int:
        attempt = self.handler.owner.attempts[self.path]
        return self.faults.choose(self.path, f"variant-{attempt}", count)

    def _redirect(self, kind: str) -> None:
        handler = self.handler
        if kind == "foreign-redirect":
            location = f"http://{self.faults.foreign_host}{self.path}"
        else:
            hops = parse_qs(urlsplit(handler.path).query).get(_HOP, ["0"])
            hop = int(hops[0]) if hops[0].isdigit() else 0
            location = f"{self.path}?{_HOP}={hop + 1}"
        handler._send(302, b"", [("Location", location)], fault=self.fault)

    def _oversized(self) -> None:
        """``oversized_bytes`` of a page, with a Content-Length or delimited by the close."""
        handler, size = self.handler, self.faults.oversized_bytes
        handler.log(200, self.fault)
        handler.close_connection = True
        chunk = b"<p>" + b"x" * 65_526 + b"</p>\n"
        try:
            handler.send_response(200)
            handler.send_header(*_HTML)
            if self._variant(2):
                handler.send_header("Content-Length", str(size))
            handler.send_header("Connection", "close")
            handler.end_headers()
            for start in range(0, size, len(chunk)):
                handler.wfile.write(chunk[: size - start])
        except (BrokenPipeError, ConnectionResetError):
            return  # the client stopped reading: what a size limit does

    def _reset(self, body: bytes) -> None:
        """The headers and half the body, then an abortive close (RST, not FIN)."""
        handler = self.handler
        handler.log(200, self.fault)
        handler.close_connection = True
        try:
            handler.send_response(200)
            handler.send_header(*_HTML)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                          struct.pack("ii", 1, 0))
            handler.rfile.close()  # the last reference but the socket's own
            handler.connection.close()
        except OSError:
            return
