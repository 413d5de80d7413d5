"""The only module that knows the order of the stages: clean, then extract.

``extract(html, url)`` is the single-page pipeline: a pure function of the page and its URL
(plus the profile), so it maps over WARC files or a cluster unchanged.
"""

from __future__ import annotations

import asyncio
import functools
import datetime as dt
import hashlib
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError

from scraper.clean import clean_html, decode_html
from scraper.config import (
    DEFAULT_CLEAN_OPTIONS,
    DEFAULT_FETCH_OPTIONS,
    CleanOptions,
    FetchOptions,
)
from scraper.dataset import DatasetStats, DatasetSummary, compute_stats, open_dataset
from scraper.discover import Target, item_number, item_target, listed_targets, listing_urls
from scraper.document import Page
from scraper.errors import ConfigError, FetchError, InputError, RecordError, ScraperError
from scraper.extract import extract_article
from scraper.export import (
    EXPORT_FORMATS,
    JsonlWriter,
    WarcPageWriter,
    check_export,
    repair_jsonl,
    write_records,
)
from scraper.fetch import Fetcher
from scraper.models import Article, FetchInfo
from scraper.profile import SiteProfile, load_profile, profile_for_host
from scraper.mirror import Mirror
from scraper.inputs import check_url, read_page, url_from_page
from scraper.sources import discover_wayback, discover_wordpress, payload_page
from scraper.state import CrawlState
from scraper.wayback import ARCHIVE_BASE, ArchivedPage, archived_page, parse_as_of, unreplay
from scraper.fake_wayback import wayback_app
from scraper.fake_wordpress import wordpress_app

logger = logging.getLogger(__name__)
_T = TypeVar("_T")
PENDING_BATCH = 500
"""Pending URLs held in memory at once during a crawl."""


@functools.cache
def extractor_version() -> str:
    """The installed package version, written into every record (read once: reading
    package metadata costs more than extracting a small page)."""
    try:
        return version("scraper")
    except PackageNotFoundError:
        return "0+unknown"


def resolve_profile(url: str, profile: SiteProfile | str | Path | None) -> SiteProfile:
    """The profile to read ``url`` with: the bundled one for its host, or the given one,
    which then accepts the URL's host as its own (a mirror of the site)."""
    if profile is None:
        return profile_for_host((urlsplit(url).hostname or "").lower())
    site = profile if isinstance(profile, SiteProfile) else load_profile(profile)
    return site.with_mirror(url)


def extract(
    html: str | bytes,
    url: str,
    *,
    profile: SiteProfile | str | Path | None = None,
    charset: str | None = None,
    fetch: FetchInfo | None = None,
    options: CleanOptions = DEFAULT_CLEAN_OPTIONS,
) -> Article:
    """The record of one page.

    ``html`` may be bytes (decoded by ``charset``, the page's ``<meta>`` charset or
    sniffing). ``url`` is where the page was read from; it selects the site profile unless
    ``profile`` (a SiteProfile, a bundled name or a TOML path) is given.
    """
    url = check_url(url)
    site = resolve_profile(url, profile)
    text = decode_html(html, charset) if isinstance(html, bytes) else html
    document = clean_html(text, url, site, options)
    try:
        return extract_article(document, site, version=extractor_version(), fetch=fetch,
                               max_fallback_chars=options.max_fallback_chars)
    except ValidationError as error:
        raise RecordError(f"record for {url} fails the contract: {error}", url=url) from error


def extract_text(html: str | bytes, url: str | None = None) -> str:
    """The record's ``text`` (the clean body) of one page."""
    return extract(html, url or "https://example.invalid/").text


# Fetching: single URLs and whole-archive crawls ------------------------------------------


def fetch_info(page: Page) -> FetchInfo:
    """The record's fetch details of a fetched page."""
    return FetchInfo(
        fetched_at=page.fetched_at,
        status=page.status,
        final_url=page.final_url,
        content_type=page.headers.get("content-type"),
        etag=page.headers.get("etag"),
        last_modified=page.headers.get("last-modified"),
        sha256=hashlib.sha256(page.body).hexdigest(),
    )


def extract_page(page: Page, profile: SiteProfile) -> Article:
    """The record of a fetched page (or of a page read back from a WARC file)."""
    return extract(page.body, page.final_url, profile=profile, charset=page.charset,
                   fetch=fetch_info(page))


def extract_capture(page: Page, archived: ArchivedPage, profile: SiteProfile) -> Article:
    """The record of a web-archive capture: read at its original URL, the capture's time
    and address in ``fetch``."""
    info = fetch_info(page).model_copy(update={"archived_at": archived.archived_at,
                                               "archive_url": page.url})
    return extract(unreplay(decode_html(page.body, page.charset)), archived.original,
                   profile=profile, fetch=info)


def _allowed_hosts(profile: SiteProfile, *urls: str, mirror: bool = False) -> frozenset[str]:
    """Hosts a fetch may reach: the URLs' own, plus the site's unless crawling a mirror
    (a mirror crawl never leaves the mirror, even when a page redirects to the real site)."""
    hosts = {(urlsplit(url).hostname or "").lower() for url in urls}
    return frozenset(hosts if mirror else hosts | set(profile.urls.hosts))


async def fetch_article(url: str, *, profile: SiteProfile | str | Path | None = None,
                        options: FetchOptions = DEFAULT_FETCH_OPTIONS,
                        client: httpx.AsyncClient | None = None) -> Article:
    """Fetch one URL (politely: robots.txt, retries) and return its record. Raises
    :class:`FetchError` when the page cannot be had."""
    async for outcome in fetch_articles([url], profile=profile, options=options, client=client):
        if isinstance(outcome, FetchError):
            raise outcome
        return outcome
    raise AssertionError("fetch_articles yields one outcome per URL")


async def fetch_articles(urls: list[str], *, profile: SiteProfile | str | Path | None = None,
                         options: FetchOptions = DEFAULT_FETCH_OPTIONS,
                         client: httpx.AsyncClient | None = None
                         ) -> AsyncIterator[Article | FetchError]:
    """Records of several URLs through one polite fetcher (one client, one robots.txt per
    host), in order; a URL that cannot be had yields its :class:`FetchError`."""
    checked = [check_url(url) for url in urls]
    # A web-archive capture (/web/<timestamp>id_/<url>) is read as its original page.
    captures = [archived_page(url) for url in checked]
    sites = [resolve_profile(capture.original if capture else url, profile)
             for url, capture in zip(checked, captures, strict=True)]
    hosts = frozenset().union(*(_allowed_hosts(site, url) for site, url in zip(sites, checked,
                                                                               strict=True)))
    async with Fetcher(options, allowed_hosts=hosts, client=client) as fetcher:
        for url, site, capture in zip(checked, sites, captures, strict=True):
            result = await fetcher.fetch(url)
            if result.outcome != "done" or result.page is None:
                yield FetchError(f"{url}: {result.reason or result.outcome}", url=url,
                                 status=result.status)
                continue
            yield extract_page(result.page, site) if capture is None else \
                extract_capture(result.page, capture, site)


def fetch_article_sync(url: str, **keywords: Any) -> Article:
    """:func:`fetch_article` for code without an event loop (scripts, notebooks)."""
    return _run(fetch_article(url, **keywords))


@dataclass(frozen=True, slots=True)
class CrawlEvent:
    """One URL done with: its record, or the reason it has none."""

    target: Target
    status: str
    """"done", "unchanged" (304), "skipped" or "failed"."""
    article: Article | None = None
    reason: str | None = None
    attempts: int = 0
    requests: int = 0
    page: Page | None = None


@dataclass(frozen=True, slots=True)
class CrawlSettings:
    """What to crawl: the site, where, which languages and ids, how many items."""

    site: str | Path = "cemr"
    base_url: str | None = None
    languages: tuple[str, ...] = ("en", "fr")
    max_items: int | None = None
    first_id: int | None = None
    last_id: int | None = None
    listing_pages: int = 1
    concurrency: int | None = None
    refresh: bool = False
    via: str | None = None
    """"wayback": the legacy site's captures in a web archive (``base_url`` is the archive)."""
    as_of: dt.datetime | None = None
    """With ``via="wayback"``: the capture nearest this time, not the newest."""
    modified_after: str | None = None
    """A WordPress site: only posts modified after this ISO time (an incremental run)."""


async def crawl_events(settings: CrawlSettings, *, state: CrawlState,
                       options: FetchOptions = DEFAULT_FETCH_OPTIONS,
                       client: httpx.AsyncClient | None = None) -> AsyncIterator[CrawlEvent]:
    """Discover, fetch and extract the archive, yielding one event per URL. The state is
    updated after each event is consumed, so a consumer that writes the record before asking
    for the next one never loses it; :meth:`CrawlState.reconcile` repairs the rest."""
    profile = load_profile(settings.site)
    archive = settings.via == "wayback"
    if settings.via not in (None, "wayback"):
        raise ConfigError(f"unknown source --via {settings.via}: the choice is wayback")
    if archive and not (profile.urls.item_path and profile.discovery.item_template):
        raise ConfigError(f"--via wayback needs a profile that knows its item URLs (item_path, "
                          f"item_template); {profile.name} does not: use --site cemr")
    base_url = (settings.base_url or (ARCHIVE_BASE if archive else profile.urls.canonical_base)
                or "").rstrip("/")
    if not base_url:
        raise ConfigError(f"profile {profile.name} has no canonical_base: pass --base-url")
    check_url(base_url)
    mirrored = archive or (urlsplit(base_url).hostname or "").lower() not in profile.urls.hosts
    if not archive:
        profile = profile.with_mirror(base_url)
    hosts = _allowed_hosts(profile, base_url, mirror=mirrored)
    async with Fetcher(options, allowed_hosts=hosts, client=client) as fetcher:
        wordpress_refresh = settings.refresh and profile.wordpress is not None and not archive
        if state.get_setting("discovered") is None or wordpress_refresh:
            if archive:
                await discover_wayback(fetcher, profile, base_url, settings.languages, state,
                                       as_of=settings.as_of)
                state.set_setting("discovered", "1")
            elif profile.wordpress is not None:
                await discover_wordpress(fetcher, profile, base_url, settings.languages,
                                         state, modified_after=settings.modified_after,
                                         refresh=wordpress_refresh)
                state.set_setting("discovered", "1")
            else:
                await _discover(fetcher, profile, base_url, settings, state)
        if settings.refresh and not wordpress_refresh:
            state.reset(["done"])
        crawler = _Crawler(fetcher, profile, base_url, settings, state)
        try:
            async for event in crawler.run():
                yield event
                crawler.record(event)
        finally:  # every request of the run: robots.txt and listings included
            state.set_setting("requests_last_run", str(fetcher.requests))


async def _discover(fetcher: Fetcher, profile: SiteProfile, base_url: str,
                    settings: CrawlSettings, state: CrawlState) -> None:
    listed: list[Target] = []
    for language in settings.languages:
        for url in listing_urls(profile, base_url, language, settings.listing_pages):
            result = await fetcher.fetch(url)
            if result.outcome == "done" and result.page is not None:
                html = decode_html(result.page.body, result.page.charset)
                listed.extend(listed_targets(html, result.page.final_url, profile, base_url))
            else:
                logger.warning("listing %s: %s", url, result.reason)
    numbers = [number for target in listed
               if (number := item_number(profile, target.url)) is not None]
    newest = settings.last_id or max(numbers, default=0)
    first = settings.first_id if settings.first_id is not None else profile.discovery.first_id
    state.add((target.url, target.key, "listed") for target in listed
              if _in_languages(profile, target.url, settings.languages))
    tail = 0 if settings.last_id else profile.discovery.max_misses
    for language in settings.languages:
        targets = (item_target(profile, base_url, language, number)
                   for number in range(first, newest + tail + 1))
        state.add((target.url, target.key, target.origin) for target in targets if target)
    state.set_setting("newest", str(newest + tail))
    state.set_setting("discovered", "1")
    logger.info("discovered %d listed items, ids %d to %d", len(listed), first, newest)


def _in_languages(profile: SiteProfile, url: str, languages: tuple[str, ...]) -> bool:
    item = profile.parse_item_url(url)
    return item is None or item.language in languages


class _Crawler:
    """Runs the workers of one crawl and turns fetch results into events."""

    def __init__(self, fetcher: Fetcher, profile: SiteProfile, base_url: str,
                 settings: CrawlSettings, state: CrawlState) -> None:
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
            article = extract(html, target.url, profile=self.profile, fetch=fetch_info(source))
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
        try:
            archived = archived_page(target.url) if self.settings.via == "wayback" else None
            article = extract_page(result.page, self.profile) if archived is None else \
                extract_capture(result.page, archived, self.profile)
        except ScraperError as error:
            return event("failed", reason=f"extraction failed: {error}")
        self._extend_tail(target)
        return event("done", article=article)

    def _extend_tail(self, target: Target) -> None:
        """An item beyond the newest known id: enumerate max_misses more ids past it."""
        number = item_number(self.profile, target.url)
        if number is None or self.settings.last_id or number + \
                self.profile.discovery.max_misses <= self.newest:
            return
        start, self.newest = self.newest + 1, number + self.profile.discovery.max_misses
        self.state.set_setting("newest", str(self.newest))
        for language in self.settings.languages:
            targets = [item_target(self.profile, self.base_url, language, each)
                       for each in range(start, self.newest + 1)]
            fresh = [target for target in targets if target is not None]
            self.state.add((each.url, each.key, each.origin) for each in fresh)  # read later

    def record(self, event: CrawlEvent) -> None:
        """Write an event's outcome into the state (after the consumer has taken it)."""
        page = event.page
        status = {"unchanged": "done"}.get(event.status, event.status)
        self.state.mark(
            event.target.url, status, reason=event.reason, attempts=event.attempts,
            http_status=page.status if page else None,
            etag=page.headers.get("etag") if page else None,
            last_modified=page.headers.get("last-modified") if page else None,
            sha256=hashlib.sha256(page.body).hexdigest() if page and page.body else None,
        )


async def crawl(settings: CrawlSettings | None = None, *, state: Path | str | None = None,
                options: FetchOptions = DEFAULT_FETCH_OPTIONS,
                client: httpx.AsyncClient | None = None) -> AsyncIterator[Article]:
    """Crawl the archive and yield its records (``async for article in crawl(...)``).
    ``state`` (a file path) makes the crawl resumable; None keeps it in memory."""
    crawl_state = CrawlState(state or ":memory:")
    try:
        async for event in crawl_events(settings or CrawlSettings(), state=crawl_state,
                                        options=options, client=client):
            if event.article is not None:
                yield event.article
    finally:
        crawl_state.close()


def crawl_sync(settings: CrawlSettings | None = None, **keywords: Any) -> list[Article]:
    """:func:`crawl` for code without an event loop: all records as a list."""

    async def collect() -> list[Article]:
        return [article async for article in crawl(settings, **keywords)]

    return _run(collect())


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    raise ConfigError("an event loop is running here (a notebook?): await the async "
                      "function instead of calling the _sync one")


@dataclass(slots=True)
class CrawlSummary:
    """Counts of one crawl run, for the summary line and the exit code."""

    written: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    requests: int = 0
    pending_at_start: int = 0
    failures_path: Path | None = None

    def line(self, seconds: float) -> str:
        rate = self.written / seconds if seconds > 0 else 0.0
        return (f"{self.written} written, {self.unchanged} unchanged, {self.skipped} skipped, "
                f"{self.failed} failed; {self.requests} requests in {seconds:.1f} s "
                f"({rate:.1f} pages/s)")


def open_crawl(output: str, state_path: str | None, *, resume: bool) -> tuple[CrawlState, set[str]]:
    """The state of a crawl writing to ``output``: fresh, or (``resume``) reconciled with the
    records already written. Refuses to clobber an earlier crawl without ``resume``."""
    state_file = Path(state_path) if state_path else None
    if not resume:
        for path in (Path(output) if output != "-" else None, state_file):
            if path is not None and path.exists() and path.stat().st_size > 0:
                raise ConfigError(f"{path} exists: pass --resume to continue that crawl, "
                                  "or remove it")
    elif output == "-" or state_file is None:
        raise ConfigError("--resume needs an output file (-o) and a state file (--state)")
    state = CrawlState(state_file or ":memory:")
    written: set[str] = set()
    if resume:
        for record in repair_jsonl(Path(output)):
            key = record.get("canonical_url") or record.get("url")
            if isinstance(key, str):
                written.add(key)
        done, lost = state.reconcile(written)
        logger.info("resume: %d records already written, %d marked done, %d to redo",
                    len(written), done, lost)
    return state, written


async def run_crawl(settings: CrawlSettings, *, output: str, state: CrawlState,
                    failures: Path | None, warc: Path | None = None, append: bool = False,
                    options: FetchOptions = DEFAULT_FETCH_OPTIONS,
                    on_event: Callable[[CrawlEvent, CrawlSummary], None] | None = None,
                    client: httpx.AsyncClient | None = None) -> CrawlSummary:
    """Crawl and write: records to ``output`` (JSONL, one line each, exactly once across
    kills and resumes), raw pages to ``warc``, failures to ``failures`` at the end."""
    summary = CrawlSummary(pending_at_start=state.counts()["pending"], failures_path=failures)
    warc_writer = WarcPageWriter(warc, user_agent=options.full_user_agent) if warc else None
    try:
        with JsonlWriter(output, append=append) as writer:
            async for event in crawl_events(settings, state=state, options=options,
                                            client=client):
                summary.requests += event.requests
                if event.status == "done" and event.article is not None:
                    if warc_writer is not None and event.page is not None:
                        warc_writer.write(event.page)
                    writer.write(event.article)
                    summary.written += 1
                elif event.status == "unchanged":
                    summary.unchanged += 1
                elif event.status == "skipped":
                    summary.skipped += 1
                else:
                    summary.failed += 1
                if on_event is not None:
                    on_event(event, summary)
        summary.requests = int(state.get_setting("requests_last_run") or summary.requests)
    finally:
        if warc_writer is not None:
            warc_writer.close()
        if failures is not None:
            try:
                write_failures(state, failures)
            except ScraperError as error:  # never mask the error that stopped the crawl
                logger.error("%s", error)
    return summary


def write_failures(state: CrawlState, path: Path) -> int:
    """Write every failed URL of the state (url, reason, attempts, status) to ``path``."""
    rows = list(state.with_status("failed"))
    with JsonlWriter(path, append=False) as writer:
        for row in rows:
            writer.write({"url": row.url, "item": row.item, "reason": row.reason,
                          "attempts": row.attempts, "status": row.http_status})
    return len(rows)


def export_records(source: Path | str, output: Path | str, *, to: str,
                   since: dt.date | None = None, until: dt.date | None = None,
                   bom: bool = False) -> DatasetSummary:
    """Tidy the records of a JSONL file (deduplicated, translations linked, ``since`` /
    ``until`` on ``published``, ordered) and write them to ``output`` in format ``to``."""
    check_export(to, output, bom=bom)
    if str(output) != "-" and Path(output).resolve() == Path(source).resolve():
        raise InputError(f"{output} is the input: choose another output file (-o)")
    workdir = Path(output).resolve().parent if str(output) != "-" else None
    if workdir is not None and not workdir.is_dir():
        raise InputError(f"cannot write {output}: no folder {workdir}")
    with open_dataset(source, since=since, until=until, workdir=workdir) as dataset:
        write_records(dataset.records(), output, to=to, bom=bom)
        return dataset.summary


def dataset_stats(source: Path | str, *, since: dt.date | None = None,
                  until: dt.date | None = None, top: int = 10) -> DatasetStats:
    """Counts over the tidied records of a JSONL file (see :func:`export_records`)."""
    with open_dataset(source, since=since, until=until) as dataset:
        stats = compute_stats(dataset.records(), top=top)
        stats.items = dataset.count_items()
        stats.duplicates_dropped = dataset.summary.duplicates
        return stats


__all__ = [
    "DEFAULT_FETCH_OPTIONS", "EXPORT_FORMATS", "CrawlEvent", "CrawlSettings", "CrawlState",
    "CrawlSummary", "DatasetStats", "DatasetSummary", "FetchError", "FetchOptions",
    "JsonlWriter", "Mirror", "crawl", "crawl_events", "crawl_sync", "dataset_stats",
    "export_records", "extract", "extract_page", "extract_text",
    "fetch_article", "fetch_article_sync", "fetch_articles", "open_crawl", "read_page",
    "parse_as_of", "run_crawl", "url_from_page", "wayback_app", "wordpress_app",
]
