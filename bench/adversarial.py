"""Adversarial figures: hostile servers and hostile pages against the real command line.

    /work/main/.venv/bin/python bench/reliability.py --only adversarial     # 3 to 5 minutes
    /work/main/.venv/bin/python bench/adversarial.py --attacks quotes,bomb  # some attacks
    /work/main/.venv/bin/python bench/adversarial.py --list                 # their names

Each attack builds its own small server on 127.0.0.1 (a four-item mirror of the legacy site
made by ``fixtures/demo/make_demo.py``, the WordPress demo posts, or the web-archive demo),
changes one thing in it (a page, a header, robots.txt, the API's paging, the CDX answer), and
runs ``python -m scraper crawl ...`` or ``python -m scraper get ...`` against it as a child
process (``sys.executable``), in a temporary folder of its own. Two trap servers listen
beside it, on 127.0.0.2 (the "foreign host") and on another port of 127.0.0.1: a request
reaching either is an escape. Nothing leaves the loopback interface.

Per attack: exit code(s), whether stderr holds a Python traceback, wall seconds of the
children, their peak RSS (``os.wait4`` in a tiny launcher process, as ``bench/crawl.py``
does: a child forked from the benchmark would start from the benchmark's RSS), requests the
attack's servers received, requests that reached the traps, and, where the attack has an
expected item set, records lost and duplicated. PASS means: 0 lost, 0 duplicated, no
traceback, peak RSS under 300 MB, 0 requests outside, within the attack's time cap (a child
still running at the cap is killed and reported "hung"), and the attack's own checks (named
in the table when they fail).

Lost, for an attack whose items should all be written ("strict"): expected items without a
record. For an attack that breaks one item on purpose (a bomb, a redirect off the host):
expected items with neither a record nor a reason (in the failures file, or skipped with a
reason in the state file). An attack on robots.txt whose first run ends with a non-zero
exit leaving items pending (an honest deferral) is healed and resumed once
(:func:`crawl_then_heal`): lost is counted after that ``--resume``. Duplicated: records
beyond the first per ``canonical_url`` over all the attack's runs (per run for
``--refresh``, which rewrites what changed by design).

Children import the installed ``scraper`` (the editable checkout), or whatever
``PYTHONPATH`` puts first (``git archive HEAD scraper | tar -x -C /tmp/snap`` and
``PYTHONPATH=/tmp/snap`` measure a fixed commit while the tree changes).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "fixtures" / "demo" / "make_demo.py"
ARCHIVES = ROOT / "scraper" / "demo" / "archives"
WP_ARCHIVE = ARCHIVES / "cemr-wp"
WAYBACK_ARCHIVE = ARCHIVES / "wayback"

RSS_LIMIT_MB = 300
"""Peak RSS a child may reach and pass."""
DEFAULT_CAP = 20.0
"""Seconds an attack's children may take in all (more: killed, "hung")."""
RSS_KILL_MB = 4000
"""A child past this RSS is killed at once (the machine's safety, reported "rss")."""
ADDRESS_SPACE_LIMIT = 8 * 2**30
"""RLIMIT_AS of every child: a decompression bomb fails with MemoryError, not the machine."""
ITEMS = 4
"""Items of the mirror (ids 4100-4103, an EN and a FR page each)."""
FIRST_ID = 4100
IDS = f"{FIRST_ID}-{FIRST_ID + ITEMS - 1}"
FOREIGN_HOST = "127.0.0.2"
TRACEBACK = "Traceback (most recent call last)"
HTML = ("Content-Type", "text/html; charset=utf-8")
TEXT = ("Content-Type", "text/plain; charset=utf-8")
JSON = ("Content-Type", "application/json; charset=UTF-8")
XML = ("Content-Type", "application/xml; charset=UTF-8")
CONTENT_TYPES = {".html": HTML[1], ".txt": TEXT[1], ".xml": XML[1], ".json": JSON[1]}


# Servers ------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """Answers one request of an :class:`AttackServer`; responders write through it."""

    server_of: AttackServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return  # the server keeps its own log

    def do_GET(self) -> None:
        owner = self.server_of
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        if owner.latency:
            time.sleep(owner.latency)
        try:
            responder = owner.routes.get(path)
            if responder is None and owner.app is not None:
                responder = owner.app(path, query)
            if responder is None:
                responder = owner.default(path)
        except Exception as error:  # noqa: BLE001 (a bug of the bench: shown, answered 500)
            owner.errors.append(f"{self.path[:80]}: {type(error).__name__}: {error}")
            responder = static(500, b"bench server error", TEXT)
        responder(self)

    def record(self, status: int) -> None:
        with self.server_of.lock:
            self.server_of.log.append((self.path, status))

    def send(self, status: int, body: bytes = b"",
             headers: Iterable[tuple[str, str]] = ()) -> None:
        """A whole answer with its Content-Length."""
        self.stream(status, headers, [body], length=len(body))

    def stream(self, status: int, headers: Iterable[tuple[str, str]], chunks: Iterable[bytes],
               *, length: int | None, pause: float = 0.0) -> None:
        """An answer written chunk by chunk (``pause`` seconds between chunks); without a
        ``length`` the body ends when the connection closes."""
        self.record(status)
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if length is not None:
                self.send_header("Content-Length", str(length))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            for chunk in chunks:
                self.wfile.write(chunk)
                if pause:
                    self.wfile.flush()
                    time.sleep(pause)
        except OSError:  # the client hung up: what a limit or a kill does
            self.close_connection = True

    def reset(self) -> None:
        """No answer at all: a TCP reset (RST, not FIN) once the request is read."""
        self.record(0)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.rfile.close()
            self.connection.close()


Responder = Callable[[Handler], None]
App = Callable[[str, dict[str, list[str]]], Responder | None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return  # clients that hang up are normal here


class AttackServer:
    """A loopback HTTP server: ``routes`` (exact paths) first, then ``app``, then the files
    under ``root`` (``:`` as ``_``, ``.html`` added, as the demo mirror maps them), else 404.
    A ``trap`` answers every path with a harmless page: it exists to count escapes."""

    def __init__(self, host: str = "127.0.0.1", root: Path | None = None, *,
                 trap: bool = False) -> None:
        self.host = host
        self.root = root
        self.trap = trap
        self.routes: dict[str, Responder] = {}
        self.app: App | None = None
        self.latency = 0.0
        self.log: list[tuple[str, int]] = []
        self.errors: list[str] = []
        """Exceptions of the bench's own answering code (a bug here, not in the crawler)."""
        self.lock = threading.Lock()
        self._server: _Server | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def __enter__(self) -> Self:
        owner: AttackServer = self

        class Bound(Handler):
            server_of = owner

        self._server = _Server((self.host, 0), Bound)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def default(self, path: str) -> Responder:
        if self.trap:
            if path == "/robots.txt":
                return static(200, b"User-agent: *\nAllow: /\n", TEXT)
            return static(200, b"<html><head><title>Elsewhere</title></head><body><p>A page "
                          b"on another host.</p></body></html>", HTML)
        found = self.file_for(path)
        if found is None:
            return static(404, b"<html><body><h1>Not found</h1></body></html>", HTML)
        return static(200, found.read_bytes(),
                      ("Content-Type", CONTENT_TYPES.get(found.suffix, HTML[1])))

    def file_for(self, path: str) -> Path | None:
        if self.root is None:
            return None
        path = re.sub(r"/language:[A-Za-z]+/?$", "", path)
        candidate = self.root / (path.strip("/").replace(":", "_") or "index")
        if not candidate.suffix:
            candidate = candidate.with_suffix(".html")
        try:
            candidate.resolve().relative_to(self.root.resolve())
        except (OSError, ValueError):
            return None
        return candidate if candidate.is_file() else None


def static(status: int, body: bytes = b"", *headers: tuple[str, str]) -> Responder:
    return lambda handler: handler.send(status, body, headers)


def redirect(location: str, status: int = 302) -> Responder:
    return static(status, b"", ("Location", location))


def reset_connection(handler: Handler) -> None:
    handler.reset()


# Decompression bombs -------------------------------------------------------------------------

MEGABYTE = bytes(2**20)
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"


@cache
def _zero_segment() -> tuple[bytes, bytes]:
    """The raw deflate of one MiB of zeros after a full flush (no history: every further MiB
    compresses to the same bytes), and the empty final block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(MEGABYTE) + compressor.flush(zlib.Z_FULL_FLUSH)
    second = compressor.compress(MEGABYTE) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert first == second
    return second, compressor.flush(zlib.Z_FINISH)


def gzip_zeros(megabytes: int) -> Iterator[bytes]:
    """A valid gzip stream of ``megabytes`` MiB of zeros (about 1 KB per MiB), streamed; its
    CRC is worked out only if a client reads that far."""
    segment, final = _zero_segment()
    yield GZIP_HEADER
    for _ in range(megabytes):
        yield segment
    yield final
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(MEGABYTE, crc)
    yield struct.pack("<II", crc, (megabytes * 2**20) & 0xFFFFFFFF)


def gzip_zeros_length(megabytes: int) -> int:
    segment, final = _zero_segment()
    return len(GZIP_HEADER) + megabytes * len(segment) + len(final) + 8


@cache
def double_gzip_zeros(megabytes: int) -> bytes:
    """gzip of :func:`gzip_zeros`: a few KB that are ``megabytes`` MiB twice decoded."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [compressor.compress(chunk) for chunk in gzip_zeros(megabytes)]
    return b"".join(parts) + compressor.flush()


def gzip_bomb(megabytes: int, content_type: tuple[str, str]) -> Responder:
    headers = (content_type, ("Content-Encoding", "gzip"))
    return lambda handler: handler.stream(200, headers, gzip_zeros(megabytes),
                                          length=gzip_zeros_length(megabytes))


# Child processes ---------------------------------------------------------------------------

# The CLI is started by this launcher, not by the benchmark: on Linux a child's ru_maxrss
# starts from the RSS of the process it was forked from. The launcher (python -I -S) is tiny;
# it also kills the child at the time cap ("hung") or past RSS_KILL_MB ("rss").
LAUNCHER = r"""
import json, os, resource, signal, sys, time
result, limit, rss_cap, address_space = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
command = sys.argv[5:]
page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
started = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        os.execv(command[0], command)
    finally:
        os._exit(127)
killed = None
while True:
    done, status, usage = os.wait4(pid, os.WNOHANG)
    if done:
        break
    if time.monotonic() - started > limit:
        killed = "hung"
    else:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                if int(statm.read().split()[1]) * page_mb > rss_cap:
                    killed = "rss"
        except (OSError, ValueError, IndexError):
            pass
    if killed:
        os.kill(pid, signal.SIGKILL)
        done, status, usage = os.wait4(pid, 0)
        break
    time.sleep(0.02)
with open(result, "w") as out:
    json.dump({"status": status, "seconds": time.monotonic() - started,
               "maxrss_kb": usage.ru_maxrss, "killed": killed}, out)
"""


@dataclass(slots=True)
class ChildRun:
    """One CLI child: what it was asked and how it ended."""

    argv: list[str]
    exit_code: int | None = None
    killed: str | None = None
    """"hung" (past the time cap), "rss" (past RSS_KILL_MB), "not run" (no time left)."""
    seconds: float = 0.0
    peak_rss_mb: int = 0
    traceback: bool = False
    message: str = ""
    """The last line of stderr (the traceback's last line when there is one)."""
    stderr: str = ""
    """The file holding the child's stderr."""
    started: float = 0.0
    ended: float = 0.0

    @property
    def shown_exit(self) -> str:
        return self.killed or str(self.exit_code)


class Launched:
    """A child started through the launcher; :meth:`finish` waits for it."""

    def __init__(self, argv: list[str], folder: Path, number: int, limit: float) -> None:
        self.result = folder / f".run-{number}.json"
        self.stderr = folder / f".run-{number}.stderr"
        self.run = ChildRun(argv=argv, started=time.monotonic(), stderr=str(self.stderr))
        self.limit = limit
        command = [sys.executable, "-m", "scraper", *argv]
        with open(self.stderr, "wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", LAUNCHER, str(self.result), str(limit),
                 str(RSS_KILL_MB), str(ADDRESS_SPACE_LIMIT), *command],
                cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)

    def finish(self) -> ChildRun:
        try:
            self.process.wait(timeout=self.limit + 30)
        except subprocess.TimeoutExpired:  # the launcher itself stuck: never seen
            self.process.kill()
            self.process.wait()
        run = self.run
        run.ended = time.monotonic()
        outcome = json.loads(self.result.read_text()) if self.result.exists() else {}
        run.seconds = round(outcome.get("seconds", run.ended - run.started), 2)
        run.peak_rss_mb = round(outcome.get("maxrss_kb", 0) / 1024)
        run.killed = outcome.get("killed")
        if "status" in outcome:
            run.exit_code = os.waitstatus_to_exitcode(outcome["status"])
        text = self.stderr.read_text("utf-8", "replace")
        run.traceback = TRACEBACK in text
        lines = [line for line in text.splitlines() if line.strip()]
        run.message = lines[-1].strip()[:200] if lines else ""
        return run


# The arena: one attack's folder, servers and children ---------------------------------------


@dataclass(frozen=True, slots=True)
class Shared:
    """What every attack may read: the generated mirror (never written to)."""

    site: Path
    work: Path


class Arena:
    """One attack's temporary folder, its server (``site``), the two traps, and its children.
    Children share the attack's time cap: a child still running at the cap is killed."""

    def __init__(self, shared: Shared, name: str, cap: float) -> None:
        self.shared = shared
        self.folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=shared.work))
        self.cap = cap
        self.site = AttackServer("127.0.0.1", shared.site)
        self.foreign = AttackServer(FOREIGN_HOST, trap=True)
        self.other_port = AttackServer("127.0.0.1", trap=True)
        self.runs: list[ChildRun] = []
        self.spent = 0.0
        self.started = 0
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Self:
        for server in (self.site, self.foreign, self.other_port):
            self._stack.enter_context(server)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    @property
    def base_url(self) -> str:
        return self.site.base_url

    def page(self, path: str) -> bytes:
        """A file of the generated mirror, by URL path."""
        found = self.site.file_for(path)
        assert found is not None, path
        return found.read_bytes()

    # Children

    def start(self, *argv: str) -> Launched | ChildRun:
        """Start ``python -m scraper ARGV`` (or, with no time left, a run marked "not run")."""
        left = self.cap - self.spent
        if left < 1:
            return ChildRun(argv=list(argv), killed="not run")
        self.started += 1
        return Launched(list(argv), self.folder, self.started, left)

    def finish(self, *started: Launched | ChildRun) -> list[ChildRun]:
        """Wait for children started together; their wall time counts once."""
        runs = [each.finish() if isinstance(each, Launched) else each for each in started]
        launched = [run for run in runs if run.killed != "not run"]
        if launched:
            self.spent += max(run.ended for run in launched) - min(
                run.started for run in launched)
        self.runs.extend(runs)
        return runs

    def cli(self, *argv: str) -> ChildRun:
        return self.finish(self.start(*argv))[0]

    def crawl(self, *extra: str, out: str = "out.jsonl", state: str | None = "out.state.db",
              ids: str | None = IDS, retries: int = 1, base_url: str | None = None) -> ChildRun:
        """``crawl --base-url URL -o OUT --state S --ids A-B --delay 0 --retries N EXTRA``."""
        return self.cli(*crawl_argv(base_url or self.base_url, *extra, out=out, state=state,
                                    ids=ids, retries=retries))

    # Reading what the children left

    def records(self, out: str = "out.jsonl") -> list[dict[str, Any]]:
        return read_jsonl(self.folder / out)

    def reasons(self, out: str = "out.jsonl", state: str = "out.state.db") -> set[str]:
        """Items not written but accounted for: in the failures file, or skipped with a
        reason in the state file."""
        listed = {str(row.get("item") or row.get("url"))
                  for row in read_jsonl(self.folder / f"{out}.failures.jsonl")}
        return listed | set(state_items(self.folder / state, "skipped", with_reason=True))

    def account(self, expected: set[str], *, strict: bool, out: str = "out.jsonl",
                state: str = "out.state.db") -> Findings:
        """Lost and duplicated records of ``out`` against ``expected`` (see the module's
        docstring for strict), with a note of what was written."""
        keys = [record_key(record) for record in self.records(out)]
        written = set(keys) & expected
        excused = set() if strict else self.reasons(out, state)
        lost = expected - written - excused
        findings = Findings(lost=len(lost), duplicated=len(keys) - len(set(keys)))
        findings.notes.append(f"written {len(written)} of {len(expected)} expected"
                              + ("" if strict else f", {len(expected - written - lost)} "
                                 "with a reason"))
        if lost:
            findings.notes.append("lost: " + ", ".join(sorted(short(key) for key in lost)[:3]))
        return findings


def crawl_argv(base_url: str, *extra: str, out: str = "out.jsonl",
               state: str | None = "out.state.db", ids: str | None = IDS,
               retries: int = 1) -> list[str]:
    argv = ["crawl", "--base-url", base_url, "-o", out]
    if state:
        argv += ["--state", state]
    if ids:
        argv += ["--ids", ids]
    return [*argv, "--delay", "0", "--retries", str(retries), *extra]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSONL file; a torn or garbled line (a killed writer) is skipped."""
    if not path.is_file():
        return []
    found = []
    for line in path.read_bytes().splitlines():
        with contextlib.suppress(ValueError):
            value = json.loads(line)
            if isinstance(value, dict):
                found.append(value)
    return found


def record_key(record: dict[str, Any]) -> str:
    return str(record.get("canonical_url") or record.get("url"))


def short(key: str) -> str:
    return re.sub(r"^https?://[^/]+", "", key)


def state_items(path: Path, status: str, *, with_reason: bool = False) -> list[str]:
    """Items (or URLs) of the state file with this status."""
    if not path.is_file():
        return []
    query = "SELECT COALESCE(item, url) FROM urls WHERE status = ?"
    if with_reason:
        query += " AND reason IS NOT NULL"
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=5)) as db:
            return [str(row[0]) for row in db.execute(query, (status,))]
    except sqlite3.Error:
        return []


def state_bytes(path: Path) -> int:
    return sum(each.stat().st_size for each in path.parent.glob(path.name + "*"))


def cemr_keys(*, ids: Iterable[int] | None = None,
              languages: tuple[str, ...] = ("en", "fr")) -> set[str]:
    """Canonical URLs of mirror items (default: every item, both languages)."""
    numbers = ids if ids is not None else range(FIRST_ID, FIRST_ID + ITEMS)
    return {f"https://ccre.org/{language}/actualites/view/{number}"
            for number in numbers for language in languages}


def with_paragraph(page: bytes, paragraph: str) -> bytes:
    """An item page of the mirror with ``paragraph`` first in its body."""
    marker = b'<div class="texte">'
    assert marker in page
    return page.replace(marker, marker + f"\n<p>{paragraph}</p>".encode(), 1)


def crawl_then_heal(arena: Arena, path: str, *, retries: int = 1) -> tuple[ChildRun, Findings]:
    """Crawl the mirror with a hostile answer at ``path`` (robots.txt). A first run that ends
    with a non-zero exit leaving items unwritten and without a reason has deferred them
    (what a crawl should do when it cannot read robots.txt): the answer is made healthy and
    one ``--resume`` run must write them. Lost is counted after that (not strict: an item
    may end with a reason instead)."""
    first = arena.crawl(retries=retries)
    expected = cemr_keys()
    written = {record_key(record) for record in arena.records()}
    deferred = expected - written - arena.reasons()
    notes = []
    if deferred and first.killed is None and first.exit_code not in (0, None):
        del arena.site.routes[path]
        arena.crawl("--resume", retries=retries)
        notes.append(f"first run deferred {len(deferred)} items (exit {first.exit_code}); "
                     f"resumed with {path} healthy")
    findings = arena.account(expected, strict=False)
    findings.notes[:0] = notes
    return first, findings


# Outcomes ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Findings:
    """What an attack found beyond the children's own figures."""

    lost: int | None = None
    duplicated: int | None = None
    checks: dict[str, bool] = field(default_factory=dict)
    """The attack's own conditions (a name that reads as a requirement -> met)."""
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Outcome:
    """One attack's row: the figures and the verdict."""

    name: str
    group: str
    attacks: str
    cap: float
    exit: str
    traceback: bool
    seconds: float
    peak_rss_mb: int
    requests: int
    outside: int
    lost: int | None
    duplicated: int | None
    passed: bool
    why: list[str]
    checks: dict[str, bool]
    notes: list[str]
    runs: list[dict[str, Any]]


def judge(name: str, group: str, doc: str, arena: Arena, findings: Findings) -> Outcome:
    runs = arena.runs
    outside = len(arena.foreign.log) + len(arena.other_port.log)
    requests = len(arena.site.log) + outside
    peak = max((run.peak_rss_mb for run in runs), default=0)
    why = []
    if any(run.killed == "hung" or run.killed == "not run" for run in runs):
        why.append(f"hung (killed at the {arena.cap:g} s cap)")
    elif arena.spent > arena.cap:
        why.append(f"over the {arena.cap:g} s cap")
    if any(run.killed == "rss" for run in runs):
        why.append(f"killed past {RSS_KILL_MB} MB RSS")
    tracebacks = [run for run in runs if run.traceback]
    if tracebacks:
        why.append(f"traceback ({tracebacks[0].message[:90]})")
    if peak >= RSS_LIMIT_MB:
        why.append(f"peak RSS {peak} MB")
    if outside:
        escapes = sorted({path for path, _ in arena.foreign.log + arena.other_port.log})
        why.append(f"{outside} requests outside ({', '.join(escapes[:2])})")
    if findings.lost:
        why.append(f"{findings.lost} lost")
    if findings.duplicated:
        why.append(f"{findings.duplicated} duplicated")
    why.extend(f"not met: {check}" for check, met in findings.checks.items() if not met)
    if arena.site.errors:
        why.append(f"bench server error: {arena.site.errors[0]}")
    return Outcome(
        name=name, group=group, attacks=doc, cap=arena.cap,
        exit=",".join(run.shown_exit for run in runs) or "-",
        traceback=bool(tracebacks), seconds=round(arena.spent, 1), peak_rss_mb=peak,
        requests=requests, outside=outside, lost=findings.lost,
        duplicated=findings.duplicated, passed=not why, why=why, checks=findings.checks,
        notes=findings.notes, runs=[asdict(run) for run in runs],
    )


# The attacks -------------------------------------------------------------------------------

AttackFunction = Callable[[Arena], Findings]


@dataclass(frozen=True, slots=True)
class Attack:
    name: str
    group: str
    function: AttackFunction
    cap: float

    @property
    def doc(self) -> str:
        return " ".join((self.function.__doc__ or "").split("\n\n")[0].split())


ATTACKS: list[Attack] = []


def attack(name: str, group: str, cap: float = DEFAULT_CAP
           ) -> Callable[[AttackFunction], AttackFunction]:
    def register(function: AttackFunction) -> AttackFunction:
        ATTACKS.append(Attack(name, group, function, cap))
        return function

    return register


# 1. Quote blowups: the quote and speaker extractors on one paragraph built to be slow.


def _quote_page(arena: Arena, paragraph: str) -> Findings:
    path = f"/en/actualites/view/{FIRST_ID}"
    arena.site.routes[path] = static(200, with_paragraph(arena.page(path), paragraph), HTML)
    arena.crawl()
    return arena.account(cemr_keys(), strict=True)


@attack("quotes-ascii-4000", "1 quotes")
def quotes_ascii(arena: Arena) -> Findings:
    """An item page with a paragraph of 4,000 ASCII double quotes. Passes: every item
    written, in time."""
    return _quote_page(arena, '"' * 4000)


@attack("quotes-curly-2000", "1 quotes")
def quotes_curly(arena: Arena) -> Findings:
    """An item page with 2,000 “a” pairs in one paragraph. Passes: every item written, in
    time."""
    return _quote_page(arena, "“a”" * 2000)


@attack("quotes-says-1000", "1 quotes")
def quotes_says(arena: Arena) -> Findings:
    """An item page with 1,000 "“…,” says NAME, says NAME" chains in one paragraph (1,000
    quotes and 2,000 attributions to weigh). Passes: every item written, in time."""
    return _quote_page(arena, " ".join(
        f"“We will act on point {n},” says Mayor Anna Berg{n}, says Councillor Jan Novak{n},"
        for n in range(1000)))


@attack("quotes-marks-100k", "1 quotes")
def quotes_marks(arena: Arena) -> Findings:
    """An item page with 100,000 mixed quote marks (" “ ” « » „ ‘ ’ ‹ ›) in one paragraph.
    Passes: every item written, in time."""
    marks = "\"“”«»„‘’‹›"
    return _quote_page(arena, "".join(marks[n % len(marks)] for n in range(100_000)))


# 2. Decompression bombs: bodies a few KB on the wire, gigabytes decoded.


@attack("bomb-gzip-gzip-item", "2 bombs")
def bomb_double_gzip(arena: Arena) -> Findings:
    """An item page sent with ``Content-Encoding: gzip, gzip``: gzip of gzip of 1 GiB of
    zeros (about 6 KB on the wire). Passes: that item failed with a reason, the others
    written, RSS bounded."""
    body = double_gzip_zeros(1024)
    arena.site.routes[f"/en/actualites/view/{FIRST_ID}"] = static(
        200, body, HTML, ("Content-Encoding", "gzip, gzip"))
    arena.crawl()
    findings = arena.account(cemr_keys(), strict=False)
    findings.notes.append(f"{len(body):,} bytes on the wire")
    return findings


@attack("bomb-gzip-item", "2 bombs")
def bomb_gzip(arena: Arena) -> Findings:
    """An item page sent with ``Content-Encoding: gzip``: 1 GiB of zeros in about 1 MB.
    Passes: that item failed with a reason, the others written, RSS bounded."""
    arena.site.routes[f"/en/actualites/view/{FIRST_ID}"] = gzip_bomb(1024, HTML)
    arena.crawl()
    return arena.account(cemr_keys(), strict=False)


@attack("bomb-gzip-robots", "2 bombs")
def bomb_robots(arena: Arena) -> Findings:
    """robots.txt as a gzip bomb: 4 MB compressed, 4 GiB of zeros decoded. Passes: RSS
    bounded, no traceback, every item written or given a reason (or deferred with a
    non-zero exit, then written by a ``--resume``: :func:`crawl_then_heal`)."""
    arena.site.routes["/robots.txt"] = gzip_bomb(4096, TEXT)
    return crawl_then_heal(arena, "/robots.txt")[1]


@attack("robots-50mb-plain", "2 bombs")
def robots_huge(arena: Arena) -> Findings:
    """A 50 MB plain robots.txt of Disallow lines that match no item. Passes: RSS bounded,
    in time, every item written or given a reason (or deferred, then resumed: as
    bomb-gzip-robots)."""
    line_count = 50 * 2**20 // 32
    lines = (f"Disallow: /nowhere/{n:010d}/\n".encode() for n in range(line_count))
    head = b"User-agent: *\n"
    length = len(head) + line_count * len(b"Disallow: /nowhere/0000000000/\n")

    def chunks() -> Iterator[bytes]:
        yield head
        batch: list[bytes] = []
        for line in lines:
            batch.append(line)
            if len(batch) == 4096:
                yield b"".join(batch)
                batch.clear()
        yield b"".join(batch)

    arena.site.routes["/robots.txt"] = lambda handler: handler.stream(
        200, [TEXT], chunks(), length=length)
    return crawl_then_heal(arena, "/robots.txt")[1]


# 3. Redirects off the crawl's host:port.


@attack("robots-redirect-foreign", "3 escapes")
def robots_redirect(arena: Arena) -> Findings:
    """robots.txt answers 302 to http://127.0.0.2:PORT/robots.txt. Passes: no request
    reaches 127.0.0.2; every item written or given a reason (or deferred, then resumed: as
    bomb-gzip-robots)."""
    arena.site.routes["/robots.txt"] = redirect(f"{arena.foreign.base_url}/robots.txt")
    return crawl_then_heal(arena, "/robots.txt")[1]


@attack("item-redirect-other-port", "3 escapes")
def item_redirect_port(arena: Arena) -> Findings:
    """An item page answers 302 to the same path on 127.0.0.1 but another port. Passes: no
    request reaches that port; the item failed with a reason, the others written."""
    path = f"/en/actualites/view/{FIRST_ID + 1}"
    arena.site.routes[path] = redirect(f"{arena.other_port.base_url}{path}")
    arena.crawl()
    return arena.account(cemr_keys(), strict=False)


# 4. robots.txt unavailable: the crawl must stop, not mark items, and resume later.


def _robots_unavailable(arena: Arena, responder: Responder) -> Findings:
    arena.site.routes["/robots.txt"] = responder
    first = arena.crawl()
    marked = state_items(arena.folder / "out.state.db", "done") + state_items(
        arena.folder / "out.state.db", "skipped")
    del arena.site.routes["/robots.txt"]  # robots.txt healthy again
    arena.crawl("--resume")
    findings = arena.account(cemr_keys(), strict=True)
    findings.checks["first run exits non-zero"] = first.exit_code not in (0, None)
    findings.checks["first run marks no item done or skipped"] = not marked
    if marked:
        findings.notes.append(f"first run marked {len(marked)} items done or skipped")
    return findings


@attack("robots-503-then-resume", "4 robots down")
def robots_503(arena: Arena) -> Findings:
    """robots.txt answers 503 on every attempt, then is healthy for a ``--resume`` run.
    Passes: the first run exits non-zero leaving items pending (not skipped, not done); the
    resumed run writes every item."""
    return _robots_unavailable(arena, static(503, b"busy", TEXT))


@attack("robots-reset-then-resume", "4 robots down")
def robots_reset(arena: Arena) -> Findings:
    """robots.txt connections reset (TCP RST) on every attempt, then healthy for a
    ``--resume`` run. Passes: as robots-503-then-resume."""
    return _robots_unavailable(arena, reset_connection)


# 5. Exactly once.


@attack("fr-redirects-to-en", "5 exactly once")
def fr_redirects_to_en(arena: Arena) -> Findings:
    """The FR page of an item answers 302 to its EN edition; the crawl runs, then runs
    again with ``--resume``. Passes: every other item written, each identity once across
    both runs."""
    arena.site.routes[f"/fr/actualites/view/{FIRST_ID}"] = redirect(
        f"/en/actualites/view/{FIRST_ID}")
    arena.crawl()
    arena.crawl("--resume")
    return arena.account(cemr_keys() - cemr_keys(ids=[FIRST_ID], languages=("fr",)),
                         strict=True)


@attack("concurrent-resume", "5 exactly once", cap=40)
def concurrent_resume(arena: Arena) -> Findings:
    """Two ``--resume`` runs started together on one state and output (each page answered
    after 0.2 s, so they overlap). Passes: no record written twice, every item written; the
    second run may refuse with one line."""
    arena.site.latency = 0.2
    arena.crawl("--max-items", "1")
    argv = crawl_argv(arena.base_url, "--resume")
    runs = arena.finish(arena.start(*argv), arena.start(*argv))
    findings = arena.account(cemr_keys(), strict=True)
    findings.notes.append("exit codes of the two: " + ", ".join(run.shown_exit for run in runs))
    return findings


# 6. Unbounded discovery.

WP_LINK_BASE = "https://ccre-cemr.org"


@cache
def wp_posts() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads((WP_ARCHIVE / "posts.json").read_text("utf-8")))


def wp_page(posts: Iterable[dict[str, Any]], total: str = "1") -> Responder:
    body = json.dumps(list(posts), ensure_ascii=False).encode("utf-8")
    return static(200, body, JSON, ("X-WP-Total", "14"), ("X-WP-TotalPages", total))


def wordpress_site(posts_api: Callable[[int, dict[str, list[str]]], Responder], *,
                   api: bool = True, sitemaps: dict[str, Callable[[dict[str, list[str]]],
                                                                  bytes]] | None = None) -> App:
    """A WordPress site of the demo posts: ``posts_api(page, query)`` answers the posts
    endpoint; categories and tags in one page; the article pages the archive has; robots.txt
    allowing all; ``sitemaps`` (path -> body from the query), else 404."""
    terms = {name: (WP_ARCHIVE / f"{name}.json").read_bytes() for name in ("categories", "tags")}
    pages = {str(urlsplit(post["link"]).path).rstrip("/"): WP_ARCHIVE / "html" /
             f"{post['slug']}.html" for post in wp_posts()}

    def app(path: str, query: dict[str, list[str]]) -> Responder | None:
        if path.startswith("/wp-json/"):
            name = path.removeprefix("/wp-json/wp/v2/").strip("/")
            if not api or name not in ("posts", "categories", "tags"):
                return static(404, b'{"code": "rest_no_route"}', JSON)
            if name == "posts":
                page = query.get("page", ["1"])[0]
                return posts_api(int(page) if page.isdigit() else 1, query)
            return static(200, terms[name], JSON, ("X-WP-TotalPages", "1"))
        if path == "/robots.txt":
            return static(200, b"User-agent: *\nAllow: /\n", TEXT)
        if sitemaps and path in sitemaps:
            return static(200, sitemaps[path](query), XML)
        page_file = pages.get(path.rstrip("/"))
        if page_file is not None and page_file.is_file():
            return static(200, page_file.read_bytes(), HTML)
        return static(404, b"<html><body>Not found</body></html>", HTML)

    return app


def wp_crawl(arena: Arena, *extra: str, out: str = "out.jsonl",
             state: str = "out.state.db") -> ChildRun:
    return arena.crawl("--site", "cemr-wp", *extra, out=out, state=state, ids=None)


def wp_keys(posts: Iterable[dict[str, Any]]) -> set[str]:
    return {str(post["link"]) for post in posts}


def _api_requests(arena: Arena) -> int:
    return sum(1 for path, _ in arena.site.log if path.startswith("/wp-json/wp/v2/posts"))


@attack("wp-totalpages-1000000", "6 unbounded")
def wp_total_pages_huge(arena: Arena) -> Findings:
    """The WordPress API says ``X-WP-TotalPages: 1000000``; page 1 holds 5 posts, every
    later page ``[]``. Passes: fewer than 50 requests, page 1's posts written."""
    first = wp_posts()[:5]
    arena.site.app = wordpress_site(lambda page, query: wp_page(
        first if page == 1 else [], "1000000"))
    wp_crawl(arena)
    findings = arena.account(wp_keys(first), strict=True)
    findings.checks["fewer than 50 requests"] = len(arena.site.log) < 50
    findings.notes.append(f"{_api_requests(arena)} posts API requests")
    return findings


@attack("sitemap-lists-itself", "6 unbounded")
def sitemap_lists_itself(arena: Arena) -> Findings:
    """No API (404); the post sitemap index lists itself, itself with ``?page=N+1`` (a new
    URL every time) and the real post sitemap. Passes: at most 250 requests (the crawler's
    own cap is 200 sitemaps), the sitemap's 6 posts written."""
    with_pages = [post for post in wp_posts()
                  if (WP_ARCHIVE / "html" / f"{post['slug']}.html").is_file()]
    loop = f"{WP_LINK_BASE}/wp-sitemap-posts-post-1.xml"

    def index(query: dict[str, list[str]]) -> bytes:
        page = query.get("page", ["1"])[0]
        number = int(page) if page.isdigit() else 1
        locs = [loop, f"{loop}?page={number + 1}", f"{WP_LINK_BASE}/wp-sitemap-posts-post-2.xml"]
        return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex>' + "".join(
            f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs) + "</sitemapindex>").encode()

    def urlset(query: dict[str, list[str]]) -> bytes:
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset>' + "".join(
            f"<url><loc>{post['link']}</loc></url>" for post in with_pages) + "</urlset>").encode()

    def root(query: dict[str, list[str]]) -> bytes:
        return index({})  # the site's first index: the loop's first page

    arena.site.app = wordpress_site(lambda page, query: wp_page([]), api=False, sitemaps={
        "/wp-sitemap.xml": root, "/wp-sitemap-posts-post-1.xml": index,
        "/wp-sitemap-posts-post-2.xml": urlset})
    wp_crawl(arena)
    findings = arena.account(wp_keys(with_pages), strict=True)
    findings.checks["at most 250 requests"] = len(arena.site.log) <= 250
    sitemap_requests = sum(1 for path, _ in arena.site.log if "sitemap" in path)
    findings.notes.append(f"{sitemap_requests} sitemap requests")
    return findings


WAYBACK_ITEM = re.compile(r"^/(?:(en|fr)/)?actualites/view/(\d+)(?:/language:[A-Za-z]+)?/?$")


def wayback_keys(folder: Path = WAYBACK_ARCHIVE) -> set[str]:
    """Items of a CDX file: HTML captures with status 200 of item pages (no language
    prefix: English), as canonical URLs."""
    rows = json.loads((folder / "cdx.json").read_text("utf-8"))
    header = rows[0]
    keys = set()
    for row in rows[1:]:
        fields = dict(zip(header, row, strict=True))
        match = WAYBACK_ITEM.match(urlsplit(fields["original"]).path)
        if match and fields["statuscode"] == "200" and fields["mimetype"] == "text/html":
            keys.add(f"https://ccre.org/{match[1] or 'en'}/actualites/view/{match[2]}")
    return keys


def wayback(folder: Path) -> App:
    """The demo web archive of ``folder`` (:func:`scraper.demo.wayback.wayback_app`)."""
    from scraper.demo.wayback import wayback_app

    archive = wayback_app(folder)

    def app(path: str, query: dict[str, list[str]]) -> Responder | None:
        answer = archive(path, query)
        if answer is None:
            return None
        return static(answer.status, answer.body, *answer.headers)

    return app


def wayback_crawl(arena: Arena) -> ChildRun:
    return arena.crawl("--via", "wayback", ids=None)


@attack("cdx-resume-key-repeats", "6 unbounded")
def cdx_resume_loop(arena: Arena) -> Findings:
    """Every CDX answer ends with the same resume key, even when asked with that key.
    Passes: fewer than 50 requests, every archived item written."""
    from scraper.demo.wayback import wayback_app

    archive, raw = wayback(WAYBACK_ARCHIVE), wayback_app(WAYBACK_ARCHIVE)
    key = "org,ccre)/en/actualites/view/3950 20191106104512"

    def app(path: str, query: dict[str, list[str]]) -> Responder | None:
        if path != "/cdx/search/cdx":
            return archive(path, query)
        answer = raw(path, {name: values for name, values in query.items()
                            if name != "resumeKey"})  # the same rows, whatever the key
        assert answer is not None
        rows = json.loads(answer.body) or [query.get("fl", [""])[0].split(",")]
        if len(rows) >= 2 and rows[-2] == []:
            rows = rows[:-2]
        return static(200, json.dumps([*rows, [], [key]]).encode(), JSON)

    arena.site.app = app
    wayback_crawl(arena)
    findings = arena.account(wayback_keys(), strict=True)
    findings.checks["fewer than 50 requests"] = len(arena.site.log) < 50
    cdx = sum(1 for path, _ in arena.site.log if path.startswith("/cdx/"))
    findings.notes.append(f"{cdx} CDX requests")
    return findings


@attack("listing-id-3000000", "6 unbounded")
def listing_huge_id(arena: Arena) -> Findings:
    """A listing page links to item 3,000,000 (the newest real id is 4103) and the crawl
    runs with ``--ids 4100-`` (up to the newest listed). Passes: at most 300 requests, a
    state file under 5 MB, every real item written."""
    listing = "/en/actualites/index_actu"
    page = arena.page(listing).replace(
        b"</body>", b'<p><a href="/en/actualites/view/3000000">Newest</a></p></body>', 1)
    arena.site.routes[listing] = static(200, page, HTML)
    arena.crawl(ids=f"{FIRST_ID}-")
    findings = arena.account(cemr_keys(), strict=True)
    size = state_bytes(arena.folder / "out.state.db")
    findings.checks["at most 300 requests"] = len(arena.site.log) <= 300
    findings.checks["state file under 5 MB"] = size < 5 * 2**20
    findings.notes.append(f"state file {size / 2**20:.1f} MB")
    return findings


# 7. Hangs.


@attack("robots-drip", "7 hangs", cap=75)
def robots_drip(arena: Arena) -> Findings:
    """robots.txt of 300 bytes sent 1 byte a second (each byte well inside the read
    timeout; 5 minutes in all), ``--retries 0``. Passes: the crawl ends within 75 s (the
    fetcher's robots.txt deadline is 20 s), no traceback, every item written or given a
    reason (or deferred, then resumed: as bomb-gzip-robots)."""
    body = b"User-agent: *\nDisallow: /admin/\n".ljust(299, b"#") + b"\n"
    arena.site.routes["/robots.txt"] = lambda handler: handler.stream(
        200, [TEXT], (body[n:n + 1] for n in range(len(body))), length=len(body), pause=1.0)
    return crawl_then_heal(arena, "/robots.txt", retries=0)[1]


@attack("crawl-delay-100000", "7 hangs")
def crawl_delay_huge(arena: Arena) -> Findings:
    """robots.txt asks ``Crawl-delay: 100000`` (28 hours between requests). Passes: the
    crawl ends in time, with a non-zero exit or a message that names the delay (an honest
    deferral), never a silent stall; every item written or given a reason, or deferred and
    then written by a ``--resume`` once robots.txt asks no delay (as bomb-gzip-robots)."""
    arena.site.routes["/robots.txt"] = static(
        200, b"User-agent: *\nCrawl-delay: 100000\nDisallow: /admin/\n", TEXT)
    run, findings = crawl_then_heal(arena, "/robots.txt")
    stderr = Path(run.stderr).read_text("utf-8", "replace") if run.stderr else ""
    findings.checks["ends with a non-zero exit or a message naming the delay"] = \
        run.killed is None and (run.exit_code != 0 or "delay" in stderr.lower())
    findings.notes.append(f"first run: {run.message[:120]}")
    return findings


# 8. Tracebacks: values no parser expects.


@attack("retry-after-superscript", "8 tracebacks")
def retry_after_superscript(arena: Arena) -> Findings:
    """An item page answers 503 with ``Retry-After: ²`` (a digit to str.isdigit, not to
    int). Passes: no traceback; that item failed with a reason, the others written."""
    arena.site.routes[f"/en/actualites/view/{FIRST_ID + 1}"] = static(
        503, b"busy", HTML, ("Retry-After", "²"))
    arena.crawl()
    return arena.account(cemr_keys(), strict=False)


def _wp_three_pages(total: str) -> tuple[list[tuple[dict[str, Any], ...]], App]:
    posts = wp_posts()
    pages = [posts[0:5], posts[5:10], posts[10:]]
    return pages, wordpress_site(lambda page, query: wp_page(
        pages[page - 1] if page <= len(pages) else [], total))


@attack("wp-totalpages-superscript", "8 tracebacks")
def wp_total_pages_superscript(arena: Arena) -> Findings:
    """The WordPress API answers ``X-WP-TotalPages: ²``. Passes: no traceback, page 1's
    posts written, fewer than 50 requests."""
    return _garbled_total_pages(arena, "²")


@attack("wp-totalpages-5000-digits", "8 tracebacks")
def wp_total_pages_digits(arena: Arena) -> Findings:
    """The WordPress API answers a 5,000-digit ``X-WP-TotalPages`` (past Python's 4,300-digit
    int conversion limit); pages past the third are ``[]``. Passes: no traceback, page 1's
    posts written, fewer than 50 requests."""
    return _garbled_total_pages(arena, "9" * 5000)


def _garbled_total_pages(arena: Arena, header: str) -> Findings:
    """Page 1's posts written and fewer than 50 requests whatever ``X-WP-TotalPages`` says."""
    pages, arena.site.app = _wp_three_pages(header)
    wp_crawl(arena)
    findings = arena.account(wp_keys(pages[0]), strict=True)
    findings.checks["fewer than 50 requests"] = len(arena.site.log) < 50
    return findings


@attack("wp-json-200000-deep", "8 tracebacks")
def wp_deep_json(arena: Arena) -> Findings:
    """The WordPress API's first page is 200,000 nested arrays (``[[[…]]]``, json's
    RecursionError). Passes: no traceback, fewer than 50 requests, in time."""
    body = b"[" * 200_000 + b"]" * 200_000
    arena.site.app = wordpress_site(lambda page, query: static(
        200, body, JSON, ("X-WP-TotalPages", "1")))
    run = wp_crawl(arena)
    findings = Findings()
    findings.checks["fewer than 50 requests"] = len(arena.site.log) < 50
    findings.notes.append(f"written {len(arena.records())}; stderr: {run.message[:100]}")
    return findings


@attack("get-invalid-ipv6", "8 tracebacks")
def get_invalid_ipv6(arena: Arena) -> Findings:
    """``scraper get 'http://[::1/'`` (an unclosed IPv6 bracket). Passes: a non-zero exit
    with a message, no traceback."""
    run = arena.cli("get", "http://[::1/", "-o", "out.jsonl")
    findings = Findings()
    findings.checks["exits non-zero"] = run.exit_code not in (0, None)
    findings.notes.append(f"stderr: {run.message[:120]}")
    return findings


@attack("wp-malformed-page-2", "8 tracebacks")
def wp_malformed_page(arena: Arena) -> Findings:
    """Page 2 of 3 of the WordPress API is cut-off JSON; pages 1 and 3 are good. Passes: no
    traceback, the posts of pages 1 and 3 written."""
    posts = wp_posts()
    good = {1: posts[0:5], 3: posts[10:]}

    def api(page: int, query: dict[str, list[str]]) -> Responder:
        if page == 2:
            return static(200, b'[{"id": 1, "link": "https://ccre-cemr.org/x", "title": {"re',
                          JSON, ("X-WP-TotalPages", "3"))
        return wp_page(good.get(page, []), "3")

    arena.site.app = wordpress_site(api)
    wp_crawl(arena)
    return arena.account(wp_keys(good[1] + good[3]), strict=True)


# 9. Outputs and poisoned values.


@attack("output-collision", "9 poison")
def output_collision(arena: Arena) -> Findings:
    """``crawl -o X --failures X``, fresh and with ``--resume``, X holding an earlier
    record. Passes: both runs refuse (non-zero exit), X untouched."""
    target = arena.folder / "records.jsonl"
    original = b'{"canonical_url": "https://ccre.org/en/actualites/view/1", "title": "kept"}\n'
    target.write_bytes(original)
    fresh = arena.crawl("--failures", "records.jsonl", out="records.jsonl", state=None)
    resumed = arena.crawl("--failures", "records.jsonl", "--resume", out="records.jsonl",
                          state="s.db")
    findings = Findings()
    findings.checks["both runs exit non-zero"] = all(
        run.exit_code not in (0, None) for run in (fresh, resumed))
    findings.checks["X untouched"] = target.read_bytes() == original
    findings.notes.append(f"stderr: {resumed.message[:120]}")
    return findings


CHANGED = "Changed after the first crawl"


@attack("wp-modified-9999-refresh", "9 poison", cap=30)
def wp_modified_future(arena: Arena) -> Findings:
    """One WordPress post says ``modified: 9999-12-31T23:59:59``; after a first crawl
    another post changes (title, content and modified: now), then ``--resume --refresh``
    runs (it asks the API for ``modified_after`` the newest ``modified`` seen).
    Passes: every post written, the changed post written again by the refresh, no record
    twice within one run."""
    posts = [copy.deepcopy(post) for post in wp_posts()]
    posts[0]["modified"] = posts[0]["modified_gmt"] = "9999-12-31T23:59:59"

    def api(page: int, query: dict[str, list[str]]) -> Responder:
        after = query.get("modified_after", [""])[0]
        chosen = [post for post in posts if not after or str(post["modified"]) > after]
        return wp_page(chosen if page == 1 else [], "1")

    arena.site.app = wordpress_site(api)
    wp_crawl(arena)
    before = len(arena.records())
    changed = posts[3]
    changed["title"] = {"rendered": CHANGED}
    changed["content"] = {"rendered": f"<p>{CHANGED}.</p>" + changed["content"]["rendered"]}
    changed["modified"] = changed["modified_gmt"] = datetime.now(UTC).strftime(
        "%Y-%m-%dT%H:%M:%S")
    time.sleep(1.1)  # a second later than the change, whatever the crawler's clock says
    wp_crawl(arena, "--resume", "--refresh")
    records = arena.records()
    findings = arena.account(wp_keys(posts), strict=True)
    runs = [records[:before], records[before:]]
    findings.duplicated = sum(len(run) - len({record_key(each) for each in run})
                              for run in runs)
    findings.checks["--refresh rewrites the changed post"] = any(
        record_key(record) == changed["link"] and CHANGED in json.dumps(record, ensure_ascii=False)
        for record in runs[1])
    findings.notes.append(f"records: {len(runs[0])} then {len(runs[1])}")
    return findings


@attack("cdx-future-timestamp", "9 poison")
def cdx_future_timestamp(arena: Arena) -> Findings:
    """The CDX index lists an extra capture of an item dated 99991231235959 (the same page).
    Passes: every archived item written, none archived in the future."""
    folder = arena.folder / "archive"
    shutil.copytree(WAYBACK_ARCHIVE, folder)
    rows = json.loads((folder / "cdx.json").read_text("utf-8"))
    real = next(row for row in rows if row[2].endswith("/en/actualites/view/3958"))
    rows.append([real[0], "99991231235959", *real[2:5], "FUTURE" + real[5][6:], real[6]])
    (folder / "cdx.json").write_text(json.dumps(rows), "utf-8")
    (folder / "captures" / "99991231235959").mkdir()
    shutil.copy(folder / "captures" / real[1] / "3958-en.html",
                folder / "captures" / "99991231235959" / "3958-en.html")
    arena.site.app = wayback(folder)
    wayback_crawl(arena)
    findings = arena.account(wayback_keys(), strict=True)
    year = datetime.now(UTC).year
    future = [record_key(record) for record in arena.records()
              if str((record.get("fetch") or {}).get("archived_at") or "0")[:4] > str(year)]
    findings.checks["no record archived in the future"] = not future
    return findings


# The section -------------------------------------------------------------------------------


def generate_site(folder: Path) -> Path:
    subprocess.run([sys.executable, str(GENERATOR), "--items", str(ITEMS), "--dense",
                    "--bilingual", "--no-crawl-delay", "--out", str(folder)],
                   check=True, capture_output=True)
    return folder / "site"


def chosen(names: str | None) -> list[Attack]:
    """Attacks whose name contains one of the comma-separated ``names`` (all: None)."""
    if not names:
        return list(ATTACKS)
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    return [each for each in ATTACKS if any(name in each.name for name in wanted)]


def run_attack(each: Attack, shared: Shared) -> Outcome:
    with Arena(shared, each.name, each.cap) as arena:
        try:
            findings = each.function(arena)
        except Exception as error:  # noqa: BLE001 (the bench's own trouble, shown as a FAIL)
            findings = Findings(checks={f"the attack ran ({type(error).__name__}: "
                                        f"{str(error)[:80]})": False})
        return judge(each.name, each.group, each.doc, arena, findings)


def run_adversarial(names: str | None = None, *, progress: bool = True) -> dict[str, Any]:
    """Run the attacks (``names``: see :func:`chosen`) and return every figure."""
    outcomes = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="adversarial-") as folder:
        work = Path(folder)
        shared = Shared(site=generate_site(work / "mirror"), work=work)
        for each in chosen(names):
            outcome = run_attack(each, shared)
            outcomes.append(outcome)
            if progress:
                print(f"adversarial: {each.name}: {'PASS' if outcome.passed else 'FAIL'} "
                      f"({outcome.seconds} s)", file=sys.stderr, flush=True)
    rows = [asdict(outcome) for outcome in outcomes]
    return {"attacks": rows, "totals": totals(outcomes),
            "seconds": round(time.monotonic() - started, 1),
            "targets": {"lost": 0, "duplicated": 0, "tracebacks": 0,
                        "peak_rss_mb_below": RSS_LIMIT_MB, "outside_requests": 0}}


def totals(outcomes: list[Outcome]) -> dict[str, int]:
    return {
        "lost": sum(outcome.lost or 0 for outcome in outcomes),
        "duplicated": sum(outcome.duplicated or 0 for outcome in outcomes),
        "tracebacks": sum(outcome.traceback for outcome in outcomes),
        "max_peak_rss_mb": max((outcome.peak_rss_mb for outcome in outcomes), default=0),
        "outside_requests": sum(outcome.outside for outcome in outcomes),
        "hung": sum("hung" in outcome.exit or "not run" in outcome.exit
                    for outcome in outcomes),
        "passed": sum(outcome.passed for outcome in outcomes),
        "attacks": len(outcomes),
    }


def report(section: dict[str, Any]) -> None:
    """Print the table of :func:`run_adversarial`'s figures."""
    rows, total = section["attacks"], section["totals"]
    print(f"\n== adversarial: {total['attacks']} attacks on the CLI in {section['seconds']} s "
          f"(targets: 0 lost, 0 duplicated, no traceback, peak RSS < {RSS_LIMIT_MB} MB, "
          "0 requests outside, within the cap)")
    print(f"   {'attack':27} {'exit':>9} {'tb':>3} {'wall s':>6} {'cap':>4} {'RSS MB':>6} "
          f"{'requests':>8} {'outside':>7} {'lost':>4} {'dup':>4}  result")
    for row in rows:
        lost = "-" if row["lost"] is None else row["lost"]
        dup = "-" if row["duplicated"] is None else row["duplicated"]
        print(f"   {row['name']:27} {row['exit']:>9} {'yes' if row['traceback'] else '-':>3} "
              f"{row['seconds']:6.1f} {row['cap']:4.0f} {row['peak_rss_mb']:6} "
              f"{row['requests']:8} {row['outside']:7} {lost:>4} {dup:>4}  "
              f"{'PASS' if row['passed'] else 'FAIL'}")
        if not row["passed"]:
            print(f"   {'':27} why: {'; '.join(row['why'])}")
        if row["notes"] and not row["passed"]:
            print(f"   {'':27} saw: {'; '.join(row['notes'])[:150]}")
    print(f"   totals: lost {total['lost']}, duplicated {total['duplicated']}, tracebacks "
          f"{total['tracebacks']}, max RSS {total['max_peak_rss_mb']} MB, outside requests "
          f"{total['outside_requests']}, hung {total['hung']}, passed "
          f"{total['passed']}/{total['attacks']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attacks", help="comma-separated parts of attack names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the attacks and stop")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    arguments = parser.parse_args(argv)
    if arguments.list:
        for each in ATTACKS:
            print(f"{each.name:27} {each.group:15} {each.doc}")
        return 0
    section = run_adversarial(arguments.attacks)
    report(section)
    if arguments.json:
        arguments.json.write_text(json.dumps({"adversarial": section}, indent=2, default=str),
                                  "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
