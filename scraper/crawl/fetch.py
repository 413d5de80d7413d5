"""Fetch stage: httpx, politely, patiently, within limits.

One :class:`Fetcher` per run wraps one ``httpx.AsyncClient`` (keep-alive). Per host: at most
``per_host`` requests in flight and one request start every ``delay`` seconds (or the
robots.txt Crawl-delay, whichever is longer). robots.txt is obeyed (Protego). Timeouts,
connection errors, 5xx, 429 and truncated bodies are retried with exponential backoff and
jitter, honouring Retry-After; other 4xx are not. Bodies are streamed and decoded by hand
(:mod:`scraper.crawl.bodies`), aborted past ``max_bytes`` on the wire or decompressed; each
request has a total deadline. Redirects, robots.txt's included, are followed by hand, at most
``max_redirects``, only to allowed (host, port) pairs, loops detected. A robots.txt that
cannot be read (5xx, 429, network errors, a redirect off the crawl's hosts) or that asks for
a Crawl-delay over ``max_crawl_delay`` defers the host's URLs: outcome "deferred", left for
the next run (RFC 9309: unreachable means "disallowed for now", not "done"). Only http(s) URLs without credentials, with a valid host and port, are
ever requested, first URL and redirect targets alike (else: skipped with the reason). Non-HTML
responses are skipped with the reason. An ETag or Last-Modified from an earlier crawl makes
the request conditional (304: not modified).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import random
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from scraper.config import DEFAULT_FETCH_OPTIONS, FetchOptions
from scraper.crawl.bodies import ACCEPT_ENCODING, BadEncoding, BodyTooLarge, BoundedBody
from scraper.document import Page
from scraper.text import parse_count

logger = logging.getLogger(__name__)

Outcome = Literal["done", "not_modified", "skipped", "failed", "deferred"]
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_CODES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
ROBOTS_MAX_BYTES = 512 * 1024
"""robots.txt bytes parsed (RFC 9309: at least 500 KiB); the rest is ignored."""
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What became of one URL: the page (done), or why not."""

    url: str
    outcome: Outcome
    page: Page | None = None
    reason: str | None = None
    status: int | None = None
    attempts: int = 0
    requests: int = 0


class _Retryable(Exception):
    """A transient failure: try again after ``wait`` seconds (None: the backoff)."""

    def __init__(self, reason: str, *, status: int | None = None,
                 wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.wait = wait


class _Final(Exception):
    """A failure that retrying will not fix."""

    def __init__(self, reason: str, *, status: int | None = None,
                 outcome: Outcome = "failed") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.outcome = outcome


class _Host:
    """Politeness state of one host: a slot limit and the time the next request may start."""

    def __init__(self, per_host: int) -> None:
        self.slots = asyncio.Semaphore(per_host)
        self.next_start = 0.0
        self.lock = asyncio.Lock()
        self.robots: Protego | None = None
        self.robots_loaded = False
        self.robots_problem: str | None = None
        """Why this host's URLs wait for another run (robots.txt unreadable), or None."""


def origin(url: str) -> tuple[str, int | None]:
    """(host, port) a URL reaches, the scheme's default port filled in.

    >>> origin("https://CCRE.org/en")
    ('ccre.org', 443)
    >>> origin("http://127.0.0.1:8765/x")
    ('127.0.0.1', 8765)
    """
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(parts.scheme)


def origin_text(url: str) -> str:
    """``host:port`` of a URL, for ``allowed_hosts`` (IPv6 hosts in brackets)."""
    host, port = origin(url)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _allowed_pairs(entries: frozenset[str]) -> frozenset[tuple[str, int | None]]:
    """``host:port`` entries as pairs; a bare ``host`` allows its default ports (80, 443)."""
    pairs = set()
    for entry in entries:
        parts = urlsplit("//" + entry)
        pairs.add(((parts.hostname or entry).lower(), parts.port))
    return frozenset(pairs)


def refusal(url: str) -> tuple[str, str] | None:
    """Why ``url`` is never requested, as (what, detail): not http(s), credentials in it, no
    host, an invalid port or an unparseable URL; None when it may be. The detail never
    repeats a password.

    >>> refusal("ftp://ccre.org/x")
    ('non-http(s) URL', 'ftp://ccre.org/x')
    >>> refusal("https://user:secret@ccre.org/")
    ('URL with credentials', 'host ccre.org')
    """
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError: out of range or not a number
    except ValueError:
        return "invalid URL", repr(url[:200])
    if parts.scheme not in ("http", "https"):
        return "non-http(s) URL", url[:200]
    if parts.username is not None or parts.password is not None:
        return "URL with credentials", f"host {parts.hostname}"
    if not parts.hostname or port == 0:
        return "URL without a host", url[:200]
    return None


def network_reason(error: httpx.HTTPError) -> str:
    """A network failure named as such: "connection refused", "name not resolved"...

    >>> network_reason(httpx.ConnectError("[Errno 111] Connection refused"))
    'connection refused (ConnectError)'
    """
    causes = _causes(error)
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError):
            return f"connection refused ({type(error).__name__})"
        if isinstance(cause, ConnectionResetError):
            return f"connection reset ({type(error).__name__})"
        if isinstance(cause, socket.gaierror):
            return f"host name not resolved ({type(error).__name__})"
    text = " ".join(str(each) for each in causes).lower()
    for needle, name in (("refused", "connection refused"), ("reset", "connection reset"),
                         ("name or service", "host name not resolved"),
                         ("nodename", "host name not resolved"),
                         ("unreachable", "network unreachable"),
                         ("timed out", "connection timed out")):
        if needle in text:
            return f"{name} ({type(error).__name__})"
    if isinstance(error, httpx.TimeoutException):
        return f"timed out ({type(error).__name__})"
    if isinstance(error, httpx.ConnectError):
        return f"connection failed ({type(error).__name__}: {str(error)[:120]})"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"server broke the protocol ({str(error)[:120]})"
    return f"connection error ({type(error).__name__}: {str(error)[:120]})"


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what caused it (httpx's "All connection attempts failed" hides the
    socket's "Connection refused" in its causes)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 8:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    seconds = parse_count(value)
    if seconds is not None:
        return float(seconds)
    if value[:1].isdigit():
        return None  # digits, but not a number a server writes ("²", 5,000 digits)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class Fetcher:
    """Fetches URLs politely through one shared client. Use as an async context manager, or
    pass a client you own (tests pass one with a mock transport)."""

    def __init__(
        self,
        options: FetchOptions = DEFAULT_FETCH_OPTIONS,
        *,
        allowed_hosts: frozenset[str] | None = None,
        client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options
        self.allowed_hosts = allowed_hosts
        self._allowed = None if allowed_hosts is None else _allowed_pairs(allowed_hosts)
        self._own_client = client is None
        self.client = client or httpx.AsyncClient(
            headers={"User-Agent": options.full_user_agent},
            timeout=httpx.Timeout(options.read_timeout, connect=options.connect_timeout),
            limits=httpx.Limits(max_keepalive_connections=32, max_connections=64),
            follow_redirects=False,
        )
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.hosts: dict[str, _Host] = {}
        self.requests = 0

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_client:
            await self.client.aclose()

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        if key not in self.hosts:
            self.hosts[key] = _Host(self.options.per_host)
        return self.hosts[key]

    def _is_allowed_host(self, url: str) -> bool:
        """True when ``url``'s (host, port) is one the crawl may reach: an entry
        ``host:port``, or a bare ``host`` on port 80 or 443."""
        if self._allowed is None:
            return True
        host, port = origin(url)
        return (host, port) in self._allowed or (
            (host, None) in self._allowed and port in DEFAULT_PORTS.values())

    @property
    def deferred_hosts(self) -> dict[str, str]:
        """Hosts whose URLs were deferred to another run, with the reason."""
        return {name: host.robots_problem for name, host in self.hosts.items()
                if host.robots_problem is not None}

    async def fetch(self, url: str, *, etag: str | None = None,
                    last_modified: str | None = None,
                    types: tuple[str, ...] = HTML_TYPES) -> FetchResult:
        """Fetch ``url`` with retries; never raises for network or HTTP trouble. ``types``:
        the content types accepted (HTML; an API or a sitemap asks for JSON or XML; a
        linked file, any: ``()``)."""
        sent = [0]  # requests made for this URL (redirect hops and retries included)
        attempts = 0
        while True:
            attempts += 1
            try:
                page = await self._follow(url, etag=etag, last_modified=last_modified, sent=sent,
                                          types=types)
            except _Final as final:
                return FetchResult(url, final.outcome, reason=final.reason, status=final.status,
                                   attempts=attempts, requests=sent[0])
            except _Retryable as transient:
                if attempts > self.options.retries:
                    return FetchResult(url, "failed", reason=f"{transient.reason} "
                                       f"(gave up after {attempts} attempts)",
                                       status=transient.status, attempts=attempts,
                                       requests=sent[0])
                wait = transient.wait
                if wait is None:
                    wait = min(self.options.max_backoff,
                               self.options.backoff * 2 ** (attempts - 1))
                    wait *= self.rng.uniform(0.5, 1.5)
                elif wait > self.options.max_retry_after:
                    return FetchResult(url, "failed", reason=f"{transient.reason}: Retry-After "
                                       f"{wait:.0f} s is longer than allowed",
                                       status=transient.status, attempts=attempts,
                                       requests=sent[0])
                logger.info("%s: %s; retrying in %.1f s", url, transient.reason, wait)
                await self.sleep(wait)
                continue
            if page.status == 304:
                return FetchResult(url, "not_modified", page=page, status=304,
                                   attempts=attempts, requests=sent[0])
            return FetchResult(url, "done", page=page, status=page.status, attempts=attempts,
                               requests=sent[0])

    async def _follow(self, url: str, *, etag: str | None, last_modified: str | None,
                      sent: list[int], types: tuple[str, ...] = HTML_TYPES) -> Page:
        seen = {url}
        current = url
        for hop in range(self.options.max_redirects + 1):
            refused = refusal(current)
            if refused is not None:
                what, detail = refused
                raise _Final(f"{'redirect to ' if hop else ''}{what} refused: {detail}",
                             outcome="skipped")
            if not self._is_allowed_host(current):
                raise _Final(f"{'redirect to a ' if hop else ''}foreign host refused: "
                         f"{current[:200]}",
                             outcome="skipped")
            if not await self._robots_allow(current):
                raise _Final("disallowed by robots.txt", outcome="skipped")
            headers = self._headers()
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            sent[0] += 1
            page = await self._request(url, current, headers, types)
            if page.status not in REDIRECT_CODES:
                return page
            location = page.headers.get("location")
            if not location:
                raise _Final(f"HTTP {page.status} without a Location", status=page.status)
            try:
                current = urljoin(current, location.strip())
            except ValueError as error:  # "http://[": a Location no URL parser accepts
                raise _Final(f"HTTP {page.status} with an invalid Location refused: "
                             f"{location[:200]!r}", status=page.status,
                             outcome="skipped") from error
            if current in seen:
                raise _Final(f"redirect loop at {current}", status=page.status)
            seen.add(current)
        raise _Final(f"more than {self.options.max_redirects} redirects")

    def _headers(self) -> dict[str, str]:
        # The User-Agent goes with every request (a client passed in has its own), and the
        # encodings the bounded reader decodes, no others.
        return {"User-Agent": self.options.full_user_agent, "Accept-Encoding": ACCEPT_ENCODING}

    async def _request(self, url: str, current: str, headers: dict[str, str],
                       types: tuple[str, ...] = HTML_TYPES) -> Page:
        host = self._host(current)
        async with host.slots:
            await self._wait_turn(host)
            self.requests += 1
            try:
                async with asyncio.timeout(self.options.total_timeout):
                    return await self._stream(url, current, headers, types)
            except TimeoutError as error:
                raise _Retryable("timed out") from error
            except httpx.TimeoutException as error:
                raise _Retryable(f"timed out ({type(error).__name__})") from error
            except httpx.InvalidURL as error:  # stricter than urlsplit: a NUL in the host
                raise _Final(f"invalid URL refused: {error}", outcome="skipped") from error
            except httpx.TransportError as error:
                raise _Retryable(network_reason(error)) from error

    async def _wait_turn(self, host: _Host) -> None:
        delay = self.options.delay
        if host.robots is not None and self.options.obey_crawl_delay:
            crawl_delay = host.robots.crawl_delay(self.options.user_agent)
            delay = max(delay, float(crawl_delay or 0))
        async with host.lock:
            now = self.clock()
            start = max(now, host.next_start)
            host.next_start = start + delay
        if start > now:
            await self.sleep(start - now)

    async def _stream(self, url: str, current: str, headers: dict[str, str],
                      types: tuple[str, ...] = HTML_TYPES) -> Page:
        async with self.client.stream("GET", current, headers=headers) as response:
            status = response.status_code
            response_headers = {name.lower(): value for name, value in response.headers.items()}
            fetched_at = datetime.now(UTC)
            if status in RETRY_CODES:
                wait = retry_after_seconds(response_headers.get("retry-after"), fetched_at)
                raise _Retryable(f"HTTP {status}", status=status,
                                 wait=wait if status in (429, 503) else None)
            if status in REDIRECT_CODES or status == 304:
                return Page(url, current, status, response_headers, b"", fetched_at)
            if status >= 400:
                raise _Final(f"HTTP {status}", status=status,
                             outcome="skipped" if status in (404, 410) else "failed")
            content_type = response_headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type and types and content_type not in types:
                raise _Final(f"not {'HTML' if types == HTML_TYPES else ' or '.join(types)} "
                             f"({content_type})", status=status, outcome="skipped")
            declared = parse_count(response_headers.get("content-length"))
            if declared is not None and declared > self.options.max_bytes:
                raise _Final(f"body of {declared} bytes is over the {self.options.max_bytes} "
                             "byte limit", status=status)
            try:
                reader = BoundedBody(response_headers.get("content-encoding"),
                                     self.options.max_bytes)
                body = await reader.read(response.aiter_raw())
            except (BodyTooLarge, BadEncoding) as error:
                raise _Final(str(error), status=status) from error
            if declared is not None and reader.raw < declared or not reader.complete():
                raise _Retryable(f"truncated body ({reader.raw} of "
                                 f"{declared if declared is not None else '?'} bytes)",
                                 status=status)
            # The body is decoded: its headers no longer describe an encoding.
            response_headers.pop("content-encoding", None)
            return Page(url, current, status, response_headers, body, fetched_at)

    async def _robots_allow(self, url: str) -> bool:
        """True when robots.txt allows ``url``; raises a deferral when it cannot be read."""
        if not self.options.respect_robots:
            return True
        host = self._host(url)
        if not host.robots_loaded:
            async with host.lock:
                if not host.robots_loaded:
                    host.robots, host.robots_problem = await self._load_robots(url)
                    host.robots_loaded = True
                    host.next_start = max(host.next_start, self.clock() + self.options.delay)
        if host.robots_problem is not None:
            raise _Final(host.robots_problem, outcome="deferred")
        return host.robots is None or bool(host.robots.can_fetch(url, self.options.user_agent))

    async def _load_robots(self, url: str) -> tuple[Protego | None, str | None]:
        """(rules or None for "no robots.txt", why the host must wait or None)."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        attempts = self.options.retries + 1
        for attempt in range(attempts):
            deadline = min(self.options.total_timeout, self.options.robots_timeout)
            try:
                async with asyncio.timeout(deadline):
                    status, body = await self._get_robots(robots_url)
            except _Final as refused:  # a redirect off the crawl's hosts: retrying won't help
                return None, f"robots.txt unreadable ({refused.reason})"
            except TimeoutError:
                reason = f"no answer within {deadline:g} s"
            except httpx.HTTPError as error:
                reason = network_reason(error)
            else:
                if status < 300:
                    return self._rules(body, parts.netloc)
                if status < 500 and status != 429:
                    return None, None  # no robots.txt: everything allowed
                reason = f"HTTP {status}"
            logger.info("robots.txt of %s: %s (attempt %d)", parts.netloc, reason, attempt + 1)
            if attempt + 1 < attempts:
                await self.sleep(min(self.options.max_backoff, self.options.backoff * 2 ** attempt))
        # RFC 9309: an unreachable robots.txt means complete disallow, for now.
        problem = f"robots.txt of {parts.netloc} unavailable ({reason}, {attempts} attempts)"
        logger.warning("%s", problem)
        return None, problem

    def _rules(self, body: bytes, netloc: str) -> tuple[Protego | None, str | None]:
        robots = Protego.parse(body.decode("utf-8", "replace"))
        delay = robots.crawl_delay(self.options.user_agent) if self.options.obey_crawl_delay \
            else None
        if delay is not None and not (math.isfinite(delay)
                                      and delay <= self.options.max_crawl_delay):
            problem = (f"robots.txt of {netloc} asks a Crawl-delay of {delay:g} s, over the "
                       f"{self.options.max_crawl_delay:g} s this crawl waits "
                       "(--max-crawl-delay)")
            logger.warning("%s", problem)
            return robots, problem
        return robots, None

    async def _get_robots(self, robots_url: str) -> tuple[int, bytes]:
        """Status and first :data:`ROBOTS_MAX_BYTES` of robots.txt, redirects followed by
        hand to allowed hosts only (RFC 9309: at least five hops; more counts as none)."""
        current, seen = robots_url, {robots_url}
        for _ in range(self.options.max_redirects + 1):
            refused = refusal(current)
            if refused is not None:
                raise _Final(f"redirect to {refused[0]} refused: {refused[1]}")
            if not self._is_allowed_host(current):
                raise _Final(f"redirect to a foreign host refused: {current[:200]}")
            self.requests += 1
            async with self.client.stream("GET", current, headers=self._headers()) as response:
                status = response.status_code
                if status in REDIRECT_CODES and response.headers.get("location"):
                    try:
                        current = urljoin(current, response.headers["location"].strip())
                    except ValueError as error:
                        raise _Final("redirect to an invalid URL refused") from error
                    if current in seen:
                        return 404, b""  # a loop: no robots.txt to read
                    seen.add(current)
                    continue
                if status >= 300:
                    return status, b""
                try:
                    reader = BoundedBody(response.headers.get("content-encoding"),
                                         ROBOTS_MAX_BYTES, truncate=True)
                    return status, await reader.read(response.aiter_raw())
                except BadEncoding:
                    return 500, b""  # rules that do not decode: a server error, retried
        return 404, b""
