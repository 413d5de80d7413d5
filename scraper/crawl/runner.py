"""The crawl runner: discovery, then fetching with workers, each page handed to a reader.

It knows the order of the crawl (discover, fetch, read, write, mark done) but not how a
page is read: :mod:`scraper.api` passes the single-page pipeline in as ``read``, so the crawl
never imports the clean or extract stages. Discovery strategies are found by the name the
profile gives (``discovery = "ids" | "wordpress"``) or by ``--via`` (``wayback``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from scraper import budget
from scraper.charset import decode_html
from scraper.config import DEFAULT_FETCH_OPTIONS, FetchOptions
from scraper.crawl import wayback, wordpress
from scraper.crawl.fetch import Fetcher, origin_text
from scraper.crawl.files import FileEvent, FileReader, documents_path, file_events, fetch_info
from scraper.crawl.ids import Target, discover_ids, extend_tail
from scraper.crawl.settings import CrawlSettings
from scraper.crawl.state import CrawlState, remove_state
from scraper.crawl.warc import WarcPageWriter
from scraper.crawl.wayback import ARCHIVE_BASE, ArchivedPage, archived_page, unreplay
from scraper.crawl.wordpress import payload_page
from scraper.document import Page
from scraper.errors import ConfigError, ExportError, InputError, ScraperError
from scraper.inputs import check_output, check_url
from scraper.names import installed_version
from scraper.profiles import SiteProfile, load_profile
from scraper.records import Article, FetchInfo
from scraper.records.jsonl import JsonlWriter, repair_jsonl

logger = logging.getLogger(__name__)
PENDING_BATCH = 500
"""Pending URLs held in memory at once during a crawl."""


class PageReader(Protocol):
    """How a crawl turns a page into its record: :func:`scraper.api.extract`."""

    def __call__(self, html: str | bytes, url: str, *, profile: SiteProfile,
                  charset: str | None = None, fetch: FetchInfo | None = None) -> Article: ...


Discover = Callable[[Fetcher, SiteProfile, str, CrawlSettings, CrawlState], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class DiscoveryStrategy:
    """How a kind of source finds its items; ``rediscovers``: a ``--refresh`` run asks the
    source again (what changed) instead of re-requesting every page done."""

    discover: Discover
    rediscovers: bool = False


DISCOVERIES: dict[str, DiscoveryStrategy] = {
    "ids": DiscoveryStrategy(discover_ids),
    "wordpress": DiscoveryStrategy(wordpress.discover_posts, rediscovers=True),
}
"""Discovery strategies by the name a profile gives (``discovery = "NAME"``)."""
VIAS: dict[str, DiscoveryStrategy] = {
    "wayback": DiscoveryStrategy(wayback.discover_captures),
}
"""Sources read through another service (``--via NAME``): a web archive's captures."""


def read_page(read: PageReader, page: Page, profile: SiteProfile) -> Article:
    """The record of a fetched page (or of a page read back from a WARC file)."""
    return read(page.body, page.final_url, profile=profile, charset=page.charset,
                fetch=fetch_info(page))


def read_capture(read: PageReader, page: Page, archived: ArchivedPage,
                 profile: SiteProfile) -> Article:
    """The record of a web-archive capture: read at its original URL, the capture's time
    and address in ``fetch``."""
    info = fetch_info(page).model_copy(update={"archived_at": archived.archived_at,
                                               "archive_url": page.url})
    return read(unreplay(decode_html(page.body, page.charset)), archived.original,
                profile=profile, fetch=info)


def allowed_hosts(profile: SiteProfile, *urls: str, mirror: bool = False) -> frozenset[str]:
    """Hosts a fetch may reach: the URLs' own (host and port), plus the site's on ports 80
    and 443 unless crawling a mirror (a mirror crawl never leaves the mirror, even when a
    page redirects to the real site)."""
    hosts = {origin_text(url) for url in urls}
    return frozenset(hosts if mirror else hosts | set(profile.urls.hosts))


@dataclass(frozen=True, slots=True)
class CrawlEvent:
    """One URL done with: its record, or the reason it has none."""

    target: Target
    status: str
    """"done", "unchanged" (304), "skipped", "failed" or "deferred" (left pending for the
    next run: the host's robots.txt could not be read)."""
    article: Article | None = None
    reason: str | None = None
    attempts: int = 0
    requests: int = 0
    page: Page | None = None


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a crawl reads and where: the profile (moved onto a mirror), its discovery, the
    base URL and the hosts a fetch may reach."""

    profile: SiteProfile
    strategy: DiscoveryStrategy
    base_url: str
    hosts: frozenset[str]


def _plan(settings: CrawlSettings) -> _Plan:
    profile = load_profile(settings.site)
    archive = settings.via == "wayback"
    if settings.via is not None and settings.via not in VIAS:
        raise ConfigError(f"unknown source --via {settings.via}: the choice is "
                          f"{', '.join(VIAS)}")
    strategy = VIAS[settings.via] if settings.via else DISCOVERIES.get(
        profile.discovery.strategy)
    if strategy is None:
        raise ConfigError(f"profile {profile.name}: unknown discovery strategy "
                          f"{profile.discovery.strategy!r}: use one of "
                          f"{', '.join(DISCOVERIES)}")
    if archive and not (profile.urls.item_path and profile.discovery.item_template):
        raise ConfigError(f"--via {settings.via} needs a profile that knows its item URLs: "
                          f"{profile.name} has no [urls] item_path or [discovery] "
                          "item_template; choose a --site that has both")
    base_url = (settings.base_url or (ARCHIVE_BASE if archive else profile.urls.canonical_base)
                or "").rstrip("/")
    if not base_url:
        raise ConfigError(f"profile {profile.name} has no canonical_base: pass --base-url")
    check_url(base_url)
    mirrored = archive or (urlsplit(base_url).hostname or "").lower() not in profile.urls.hosts
    if not archive:
        profile = profile.with_mirror(base_url)
    return _Plan(profile, strategy, base_url, allowed_hosts(profile, base_url, mirror=mirrored))


async def _discover(plan: _Plan, fetcher: Fetcher, settings: CrawlSettings,
                    state: CrawlState) -> None:
    rediscover = settings.refresh and plan.strategy.rediscovers
    if not state.get_setting("discovered") or rediscover:
        await plan.strategy.discover(fetcher, plan.profile, plan.base_url, settings, state)
        # Discovery cut short by an unreadable robots.txt runs again next time.
        state.set_setting("discovered", "" if fetcher.deferred_hosts else "1")
    if settings.refresh and not rediscover:
        state.reset(["done"])


async def discover_only(settings: CrawlSettings, *, state: CrawlState,
                        options: FetchOptions = DEFAULT_FETCH_OPTIONS,
                        client: httpx.AsyncClient | None = None) -> dict[str, str]:
    """Discovery alone (``scraper crawl --list``): fill ``state`` with what a crawl would
    fetch, fetching listings, indexes and APIs but no item page. Returns the hosts whose
    robots.txt could not be read, with the reason."""
    plan = _plan(settings)
    async with Fetcher(options, allowed_hosts=plan.hosts, client=client) as fetcher:
        await _discover(plan, fetcher, settings, state)
        return fetcher.deferred_hosts


async def crawl_events(settings: CrawlSettings, read: PageReader, *, state: CrawlState,
                       options: FetchOptions = DEFAULT_FETCH_OPTIONS,
                       client: httpx.AsyncClient | None = None,
                       on_discovered: Callable[[int], None] | None = None,
                       read_file: FileReader | None = None
                       ) -> AsyncIterator[CrawlEvent | FileEvent]:
    """Discover, fetch and read the archive (``read``: a page's HTML and URL to its record),
    yielding one event per URL; then, with ``settings.documents``, one :class:`FileEvent`
    per file the written records link (``read_file`` reads them; the consumer notes each
    record's documents in the state as it writes it). The state is updated after each event
    is consumed, so a consumer that writes the record before asking for the next one never
    loses it; :meth:`CrawlState.reconcile` repairs the rest."""
    plan = _plan(settings)
    async with Fetcher(options, allowed_hosts=plan.hosts, client=client) as fetcher:
        await _discover(plan, fetcher, settings, state)
        if on_discovered is not None:  # the URLs this run will fetch (a progress bar)
            on_discovered(state.counts()["pending"])
        crawler = _Crawler(fetcher, plan.profile, plan.base_url, settings, state, read)
        try:
            async for event in crawler.run():
                yield event
                crawler.record(event)
            if settings.documents and read_file is not None:
                async for file_event in file_events(
                        fetcher, state, read_file, version=installed_version(),
                        workers=settings.concurrency or options.per_host,
                        executor=crawler.reader, page_seconds=settings.page_seconds):
                    yield file_event
        finally:  # every request of the run: robots.txt and listings included
            crawler.reader.shutdown(wait=False, cancel_futures=True)
            state.set_setting("requests_last_run", str(fetcher.requests))


class _Crawler:
    """Runs the workers of one crawl and turns fetch results into events."""

    def __init__(self, fetcher: Fetcher, profile: SiteProfile, base_url: str,
                 settings: CrawlSettings, state: CrawlState, read: PageReader) -> None:
        self.read = read
        self.fetcher = fetcher
        self.profile = profile
        self.base_url = base_url
        self.settings = settings
        self.state = state
        self.pending: deque[Target] = deque()
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.cursor = 0
        self.done = state.counts()["done"] if not settings.refresh else 0
        self.newest = int(state.get_setting("newest") or 0)
        self.wake = asyncio.Event()
        # One reading thread: pages are read one at a time, as before, but off the loop.
        self.reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scraper-read")

    async def run(self) -> AsyncIterator[CrawlEvent]:
        events: asyncio.Queue[CrawlEvent | None] = asyncio.Queue()
        workers = self.settings.concurrency or self.fetcher.options.per_host
        active = 0

        async def work() -> None:
            nonlocal active
            try:
                while self._has_more():
                    target = self.pending.popleft()
                    active += 1
                    try:
                        event = await self._process(target)
                    except Exception as error:  # a bug costs one URL, never a hung crawl
                        logger.exception("%s: internal error", target.url)
                        event = CrawlEvent(target, "failed", reason=f"internal error: "
                                           f"{type(error).__name__}: {error}")
                    finally:
                        active -= 1
                    await events.put(event)
            finally:
                events.put_nowait(None)

        tasks = [asyncio.create_task(work()) for _ in range(workers)]
        finished = 0
        try:
            while finished < len(tasks) or not events.empty():
                event = await events.get()
                if event is None:
                    finished += 1
                    if finished == len(tasks) and self._has_more():
                        tasks.append(asyncio.create_task(work()))  # the tail grew
                    continue
                yield event
                if event.status == "done":
                    self.done += 1
                    if self.settings.max_items and self.done >= self.settings.max_items:
                        return
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _has_more(self) -> bool:
        """True when a target is ready; pending URLs are read from the state a batch at a
        time (memory stays flat whatever the archive's size)."""
        if not self.pending:
            for rowid, row in self.state.pending_after(self.cursor, PENDING_BATCH):
                self.pending.append(Target(row.url, row.item or row.url, row.origin))
                if row.etag or row.last_modified:
                    self.validators[row.url] = (row.etag, row.last_modified)
                self.cursor = rowid
        return bool(self.pending)

    async def _process(self, target: Target) -> CrawlEvent:
        kept = payload_page(self.state, target.url, self.profile, self.base_url)
        if kept is not None:  # a WordPress post read with its API page: no request
            html, source = kept
            try:
                article = await self._off_loop(lambda: self.read(
                    html, target.url, profile=self.profile, fetch=fetch_info(source, target.url)))
            except ScraperError as error:
                return CrawlEvent(target, "failed", reason=f"extraction failed: {error}")
            return CrawlEvent(target, "done", article=article)
        etag, last_modified = self.validators.pop(target.url, (None, None))
        result = await self.fetcher.fetch(target.url, etag=etag, last_modified=last_modified)
        def event(status: str, *, reason: str | None = None,
                  article: Article | None = None) -> CrawlEvent:
            return CrawlEvent(target, status, article=article, reason=reason,
                              attempts=result.attempts, requests=result.requests,
                              page=result.page)

        if result.outcome == "not_modified":
            return event("unchanged", reason="not modified (304)")
        if result.outcome == "deferred":
            return event("deferred", reason=result.reason)
        if result.outcome != "done" or result.page is None:
            status: str = result.outcome
            # Only an enumerated id that does not exist, or a page robots.txt forbids, is an
            # expected skip; anything else (non-HTML, foreign redirect, a listed 404) is a
            # failure the researcher must see in the failures file.
            expected = (result.status in (404, 410) and target.origin == "enumerated") or \
                result.reason == "disallowed by robots.txt"
            if status == "skipped" and not expected:
                status = "failed"
            return event(status, reason=result.reason)
        landed = self.profile.item_key(result.page.final_url)
        if result.page.final_url != target.url and landed != target.key and \
                self.state.has_item(landed):
            # An FR item that redirects to its EN edition: that item writes the record.
            return event("skipped", reason=f"redirects to {result.page.final_url}, an item "
                         "of its own: its record is written once, for that item")
        try:
            archived = archived_page(target.url) if self.settings.via == "wayback" else None
            page = result.page
            article = await self._off_loop(
                lambda: read_page(self.read, page, self.profile) if archived is None
                else read_capture(self.read, page, archived, self.profile))
        except ScraperError as error:
            return event("failed", reason=f"extraction failed: {error}")
        self._extend_tail(target)
        return event("done", article=article)

    async def _off_loop(self, read: Callable[[], Article]) -> Article:
        """Run ``read`` on the reading thread, within the page budget: the event loop keeps
        fetching meanwhile, and a page that takes too long fails alone."""
        seconds = self.settings.page_seconds

        def run() -> Article:
            with budget.within(seconds):
                return read()

        return await asyncio.get_running_loop().run_in_executor(self.reader, run)

    def _extend_tail(self, target: Target) -> None:
        self.newest = extend_tail(self.profile, self.base_url, self.settings, self.state,
                                  target.url, self.newest)

    def record(self, event: CrawlEvent) -> None:
        """Write an event's outcome into the state (after the consumer has taken it)."""
        page = event.page
        status = {"unchanged": "done", "deferred": "pending"}.get(event.status, event.status)
        self.state.mark(
            event.target.url, status, reason=event.reason, attempts=event.attempts,
            http_status=page.status if page else None,
            etag=page.headers.get("etag") if page else None,
            last_modified=page.headers.get("last-modified") if page else None,
            sha256=hashlib.sha256(page.body).hexdigest() if page and page.body else None,
        )


@dataclass(slots=True)
class CrawlSummary:
    """Counts of one crawl run, for the summary line and the exit code."""

    written: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0
    """URLs left pending for the next run (their host's robots.txt could not be read)."""
    deferred_reason: str | None = None
    requests: int = 0
    pending_at_start: int = 0
    failures_path: Path | None = None
    documents_path: Path | None = None
    """Where the document records go (``crawl --documents``); None without it."""
    documents_written: int = 0
    documents_failed: int = 0
    documents_skipped: int = 0

    def tally(self, status: str, reason: str | None, *, document: bool = False) -> None:
        """Count a URL (or a linked file) that gave no record: skipped, deferred, failed."""
        if status == "skipped":
            if document:
                self.documents_skipped += 1
            else:
                self.skipped += 1
        elif status == "deferred":
            self.deferred += 1
            self.deferred_reason = self.deferred_reason or reason
        elif document:
            self.documents_failed += 1
        else:
            self.failed += 1

    def line(self, seconds: float) -> str:
        rate = self.written / seconds if seconds > 0 else 0.0
        pending = f", {self.deferred} left pending" if self.deferred else ""
        files = (f"; documents: {self.documents_written} written, {self.documents_skipped} "
                 f"skipped, {self.documents_failed} failed"
                 if self.documents_path is not None else "")
        return (f"{self.written} written, {self.unchanged} unchanged, {self.skipped} skipped, "
                f"{self.failed} failed{pending}{files}; {self.requests} requests in "
                f"{seconds:.1f} s ({rate:.1f} pages/s)")


def open_crawl(output: str, state_path: str | None, *, resume: bool,
               overwrite: bool = False, documents: bool = False) -> tuple[CrawlState, set[str]]:
    """The state of a crawl writing to ``output``: fresh, or (``resume``) reconciled with the
    records already written (and, with ``documents``, with the document records of
    ``OUT.documents.jsonl``). Refuses to clobber an earlier crawl without ``resume`` or
    ``overwrite`` (which starts afresh: the state file is removed, the output truncated by
    the writer), and anything but a regular file at either path."""
    state_file = Path(state_path) if state_path else None
    if resume and overwrite:
        raise ConfigError("--resume continues a crawl, --overwrite starts afresh: choose one")
    if documents and output == "-":
        raise ConfigError("--documents writes OUT.documents.jsonl beside the records: pass "
                          "an output file (-o)")
    files = documents_path(output) if documents else None
    for option, path in (("-o", Path(output) if output != "-" else None),
                         ("--state", state_file), ("--documents", files)):
        try:
            check_output(path or "-", overwrite=True, option=option, stream=option == "-o")
        except InputError as error:
            raise ConfigError(str(error)) from None
        if path is not None and not resume and not overwrite and path.is_file() and \
                path.stat().st_size > 0:
            raise ConfigError(f"{option} {path} exists: pass --resume to continue that crawl, "
                              "or --overwrite to start afresh")
    if resume and (output == "-" or state_file is None):
        raise ConfigError("--resume needs an output file (-o) and a state file (--state)")
    if overwrite and state_file is not None:
        remove_state(state_file)
    state = CrawlState(state_file or ":memory:")
    written: set[str] = set()
    if resume:
        legacy: set[str] = set()
        try:
            for record in repair_jsonl(Path(output)):
                fetch = record.get("fetch")
                requested = fetch.get("requested_url") if isinstance(fetch, dict) else None
                key = record.get("canonical_url") or record.get("url")
                if isinstance(requested, str):
                    written.add(requested)
                elif isinstance(key, str):  # written before records named their request
                    legacy.add(key)
                if files is not None:  # killed before noting them: noted now
                    state.add_documents(str(record.get("url")), _linked(record))
            done, lost = state.reconcile(written, legacy)
            if files is not None and files.exists():
                fetched = {str(document.get("url")) for document in repair_jsonl(files)}
                logger.info("resume: %d document records already written, %d marked done, "
                            "%d to redo", len(fetched), *state.reconcile_documents(fetched))
        except BaseException:
            state.close()
            raise
        logger.info("resume: %d records already written, %d marked done, %d to redo",
                    len(written) + len(legacy), done, lost)
        written |= legacy
    return state, written


def _linked(record: dict[str, object]) -> list[tuple[str, str, str]]:
    """(url, type, link text) of the documents a record (as JSON) links."""
    documents = record.get("documents")
    return [(str(each["url"]), str(each["type"]), str(each["text"]))
            for each in documents if isinstance(each, dict)] \
        if isinstance(documents, list) else []


async def run_crawl(settings: CrawlSettings, read: PageReader, *, output: str,
                    state: CrawlState,
                    failures: Path | None, warc: Path | None = None, append: bool = False,
                    options: FetchOptions = DEFAULT_FETCH_OPTIONS,
                    on_event: Callable[[CrawlEvent, CrawlSummary], None] | None = None,
                    client: httpx.AsyncClient | None = None,
                    on_discovered: Callable[[int], None] | None = None,
                    read_file: FileReader | None = None) -> CrawlSummary:
    """Crawl and write: records to ``output`` (JSONL, one line each, exactly once across
    kills and resumes), raw pages to ``warc``, failures to ``failures`` at the end; with
    ``settings.documents``, then the linked files (read by ``read_file``) as document
    records to ``OUT.documents.jsonl``, their responses to ``warc`` too.
    ``on_discovered`` hears how many URLs are to fetch once discovery is done, ``on_event``
    each URL done with."""
    summary = CrawlSummary(pending_at_start=state.counts()["pending"], failures_path=failures,
                           documents_path=documents_path(output) if settings.documents
                           else None)
    warc_writer = WarcPageWriter(
        warc, user_agent=options.full_user_agent, profile=_profile_reference(settings.site),
        software=f"scraper {installed_version()}") if warc else None
    files = JsonlWriter(summary.documents_path, append=append) \
        if summary.documents_path is not None else None
    try:
        with JsonlWriter(output, append=append) as writer:
            async for event in crawl_events(settings, read, state=state, options=options,
                                            client=client, on_discovered=on_discovered,
                                            read_file=read_file):
                summary.requests += event.requests
                if isinstance(event, FileEvent):
                    _write_file(event, files, warc_writer, summary)
                    continue
                if event.status == "done" and event.article is not None:
                    if warc_writer is not None and event.page is not None:
                        warc_writer.write(event.page)
                    writer.write(event.article)
                    summary.written += 1
                    if files is not None and event.article.documents:
                        state.add_documents(event.article.url, (
                            (each.url, each.type, each.text)
                            for each in event.article.documents))
                elif event.status == "unchanged":
                    summary.unchanged += 1
                else:
                    summary.tally(event.status, event.reason)
                if on_event is not None:
                    on_event(event, summary)
        summary.requests = int(state.get_setting("requests_last_run") or summary.requests)
    finally:
        if warc_writer is not None:
            warc_writer.close()
        if files is not None:
            files.close()
        if failures is not None:
            try:
                write_failures(state, failures)
            except ScraperError as error:  # never mask the error that stopped the crawl
                logger.error("%s", error)
    return summary


def _write_file(event: FileEvent, files: JsonlWriter | None,
                warc_writer: WarcPageWriter | None, summary: CrawlSummary) -> None:
    if event.status == "done" and event.document is not None and files is not None:
        if warc_writer is not None and event.page is not None:
            warc_writer.write(event.page)
        files.write(event.document)
        summary.documents_written += 1
    else:
        summary.tally(event.status, event.reason, document=True)


def _profile_reference(site: str | Path) -> str:
    """How a WARC names the crawl's profile: a bundled name, or a .toml file's full path."""
    path = Path(site)
    return str(path.resolve()) if path.suffix == ".toml" else str(site)


def write_failures(state: CrawlState, path: Path) -> int:
    """Write every failed URL of the state (url, reason, attempts, status) to ``path``:
    written beside it, then renamed over it, so a symlink at ``path`` is replaced, never
    written through (it could point at the records, or at any file of the user's)."""
    rows = list(state.with_status("failed"))
    documents = state.failed_documents()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with JsonlWriter(temporary, append=False) as writer:
            for row in rows:
                writer.write({"url": row.url, "item": row.item, "reason": row.reason,
                              "attempts": row.attempts, "status": row.http_status})
            for url, reason, attempts, status in documents:  # linked files
                writer.write({"url": url, "item": None, "reason": reason,
                              "attempts": attempts, "status": status, "document": True})
        os.replace(temporary, path)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from error
    finally:
        temporary.unlink(missing_ok=True)
    return len(rows) + len(documents)


__all__ = ["DISCOVERIES", "VIAS", "CrawlEvent", "CrawlSettings", "CrawlSummary",
           "DiscoveryStrategy", "PageReader", "allowed_hosts", "crawl_events", "discover_only",
           "fetch_info",
           "open_crawl", "read_capture", "read_page", "run_crawl", "write_failures"]
