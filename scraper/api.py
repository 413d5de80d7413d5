"""The public functions: one page, one URL, a whole crawl, a dataset.

``extract(html, url)`` is the single-page pipeline, clean then extract: a pure function of
the page and its URL (plus the profile), so it maps over WARC files or a cluster unchanged.
The crawl (:mod:`scraper.crawl.runner`) is handed this function to read each page with; this
module and the runner are the only ones that know the order of the stages.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError

from scraper.budget import check as check_budget
from scraper.charset import decode_html
from scraper.clean import clean_html
from scraper.config import (
    DEFAULT_CLEAN_OPTIONS,
    DEFAULT_FETCH_OPTIONS,
    CleanOptions,
    FetchOptions,
)
from scraper.crawl.settings import CrawlSettings
from scraper.document import Page
from scraper.errors import FetchError, InputError, RecordError
from scraper.extract import explain_article, extract_article
from scraper.extract.explain import Explanation
from scraper.inputs import check_url
from scraper.names import installed_version
from scraper.profiles import SiteProfile, load_profile, profile_for_host
from scraper.records import Article, FetchInfo

if TYPE_CHECKING:  # the crawl's and the dataset's modules load when a function needs them
    import httpx

    from scraper.crawl.runner import CrawlEvent, CrawlSummary, open_crawl
    from scraper.crawl.state import CrawlState
    from scraper.dataset.tidy import DatasetStats, DatasetSummary

logger = logging.getLogger(__name__)
_T = TypeVar("_T")


extractor_version = installed_version
"""The installed package version, written into every record."""


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
    sniffing). ``url`` is where the page was read from (an http(s) URL, or for a saved page
    that names none its ``file:///`` URI); it selects the site profile unless ``profile`` (a
    SiteProfile, a bundled name or a TOML path) is given.
    """
    url = check_url(url, allow_file=True)
    site = resolve_profile(url, profile)
    text = decode_html(html, charset) if isinstance(html, bytes) else html
    document = clean_html(text, url, site, options)
    check_budget()  # a crawl's per-page deadline (scraper.budget); none otherwise
    try:
        return extract_article(document, site, version=extractor_version(), fetch=fetch,
                               max_fallback_chars=options.max_fallback_chars)
    except ValidationError as error:
        raise RecordError(f"record for {url} fails the contract: {error}", url=url) from error


def explain(html: str | bytes, url: str, *,
            profile: SiteProfile | str | Path | None = None,
            charset: str | None = None) -> Explanation:
    """Why the record of one page says what it says: for each quote the attribution rule and
    the speaker it chose, for each date mention the rule and the reference date, for each
    removed block the reason (``scraper extract --explain``)."""
    site = resolve_profile(check_url(url), profile)
    return explain_article(extract(html, url, profile=site, charset=charset), site)


def extract_page(page: Page, profile: SiteProfile) -> Article:
    """The record of a fetched page (or of a page read back from a WARC file)."""
    from scraper.crawl import runner

    return runner.read_page(extract, page, profile)


def extract_text(html: str | bytes, url: str | None = None) -> str:
    """The record's ``text`` (the clean body) of one page."""
    return extract(html, url or "https://example.invalid/").text


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
    from scraper.crawl import runner
    from scraper.crawl.fetch import Fetcher
    from scraper.crawl.wayback import archived_page

    checked = [check_url(url) for url in urls]
    # A web-archive capture (/web/<timestamp>id_/<url>) is read as its original page.
    captures = [archived_page(url) for url in checked]
    sites = [resolve_profile(capture.original if capture else url, profile)
             for url, capture in zip(checked, captures, strict=True)]
    hosts = frozenset().union(*(runner.allowed_hosts(site, url) for site, url in zip(sites, checked,
                                                                               strict=True)))
    async with Fetcher(options, allowed_hosts=hosts, client=client) as fetcher:
        for url, site, capture in zip(checked, sites, captures, strict=True):
            result = await fetcher.fetch(url)
            if result.outcome != "done" or result.page is None:
                yield FetchError(f"{url}: {result.reason or result.outcome}", url=url,
                                 status=result.status)
                continue
            yield runner.read_page(extract, result.page, site) if capture is None else \
                runner.read_capture(extract, result.page, capture, site)


def fetch_article_sync(url: str, **keywords: Any) -> Article:
    """:func:`fetch_article` from synchronous code: scripts, and notebooks. Works inside a
    running event loop too (a Jupyter cell, an ``async def``): the fetch then runs on its own
    loop in a worker thread while the caller waits (blocking the caller's loop meanwhile:
    in async code, ``await fetch_article(...)`` instead). Raises what :func:`fetch_article`
    raises (:class:`FetchError` when the page cannot be had); Ctrl-C cancels it cleanly."""
    return _run(fetch_article(url, **keywords))


async def crawl(settings: CrawlSettings | None = None, *, state: Path | str | None = None,
                options: FetchOptions = DEFAULT_FETCH_OPTIONS,
                client: httpx.AsyncClient | None = None) -> AsyncIterator[Article]:
    """Crawl the archive and yield its records (``async for article in crawl(...)``).
    ``state`` (a file path) makes the crawl resumable; None keeps it in memory."""
    from scraper.crawl import runner
    from scraper.crawl.state import CrawlState

    crawl_state = CrawlState(state or ":memory:")
    try:
        async for event in runner.crawl_events(settings or CrawlSettings(), extract,
                                               state=crawl_state, options=options,
                                               client=client):
            if isinstance(event, runner.CrawlEvent) and event.article is not None:
                yield event.article
    finally:
        crawl_state.close()


def crawl_sync(settings: CrawlSettings | None = None, **keywords: Any) -> list[Article]:
    """:func:`crawl` from synchronous code (scripts, notebooks): all records as a list.
    Works inside a running event loop too (a Jupyter cell, an ``async def``): the crawl then
    runs on its own loop in a worker thread while the caller waits (blocking the caller's
    loop meanwhile: in async code, ``async for article in crawl(...)`` instead). Exceptions
    come back unchanged; Ctrl-C (a kernel interrupt) cancels the crawl, closes its state
    and raises KeyboardInterrupt."""

    async def collect() -> list[Article]:
        return [article async for article in crawl(settings, **keywords)]

    return _run(collect())


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coroutine`` to completion from synchronous code and return its result.

    Without a running event loop in this thread: :func:`asyncio.run`. With one (a Jupyter
    cell, an ``async def`` caller), that loop cannot be re-entered, so the coroutine runs on
    a fresh loop in a worker thread (with this thread's context variables) while this thread
    waits; its result, or its exception unchanged, comes back here. Ctrl-C (a kernel
    interrupt) while waiting cancels it, waits for its cleanup (clients and crawl state
    closed), then raises KeyboardInterrupt here; a second Ctrl-C stops waiting.
    """
    import asyncio  # the event loop's modules: for the functions that fetch
    import concurrent.futures
    import contextvars
    import threading

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    loop, context = asyncio.new_event_loop(), contextvars.copy_context()
    outcome: concurrent.futures.Future[_T] = concurrent.futures.Future()
    finished = threading.Event()

    def work() -> None:
        try:
            with asyncio.Runner(loop_factory=lambda: loop) as runner:
                result = runner.run(coroutine, context=context)
        except BaseException as error:  # handed to the waiting thread as it is
            outcome.set_exception(error)
        else:
            outcome.set_result(result)  # after the loop's cleanup, as asyncio.run
        finally:
            finished.set()

    def cancel() -> None:  # in the worker's loop
        for task in asyncio.all_tasks():
            task.cancel()

    worker = threading.Thread(target=work, name="scraper-sync", daemon=True)
    try:
        try:
            worker.start()
        except RuntimeError:  # no thread: the coroutine is closed, never left un-awaited
            coroutine.close()
            loop.close()
            raise
        # In slices, on an Event (not Thread.join, which an interrupt can leave
        # wrong on Python < 3.13): Ctrl-C is seen on every platform.
        while not finished.wait(0.25):
            pass
    except KeyboardInterrupt:
        try:
            loop.call_soon_threadsafe(cancel)
        except RuntimeError:  # the loop is closed: it has just finished
            pass
        while not finished.wait(0.25) and worker.is_alive():  # its cleanup
            pass
        if not finished.is_set():  # Ctrl-C came before the thread started
            coroutine.close()
            loop.close()
        raise
    return outcome.result()


async def run_crawl(settings: CrawlSettings, *, output: str, state: CrawlState,
                    failures: Path | None, warc: Path | None = None, append: bool = False,
                    options: FetchOptions = DEFAULT_FETCH_OPTIONS,
                    on_event: Callable[[CrawlEvent, CrawlSummary], None] | None = None,
                    client: httpx.AsyncClient | None = None,
                    on_discovered: Callable[[int], None] | None = None) -> CrawlSummary:
    """Crawl and write (:func:`scraper.crawl.runner.run_crawl`, pages read by
    :func:`extract`): records to ``output`` (JSONL, exactly once across kills and resumes),
    raw pages to ``warc``, failures to ``failures`` at the end; with
    ``settings.documents``, the linked files as document records (read by
    :func:`scraper.extract.files.read_file`) to ``OUT.documents.jsonl``."""
    from scraper.crawl import runner
    from scraper.extract.files import read_file

    return await runner.run_crawl(settings, extract, output=output, state=state,
                                  failures=failures, warc=warc, append=append,
                                  options=options, on_event=on_event, client=client,
                                  on_discovered=on_discovered, read_file=read_file)


def export_records(source: Path | str, output: Path | str, *, to: str,
                   since: dt.date | None = None, until: dt.date | None = None,
                   bom: bool = False, documents: Path | str | None = None,
                   on_total: Callable[[int], None] | None = None,
                   on_record: Callable[[], None] | None = None) -> DatasetSummary:
    """Tidy the records of a JSONL file (deduplicated, translations linked, ``since`` /
    ``until`` on ``published``, ordered) and write them to ``output`` in format ``to``;
    ``documents``: the document records of ``crawl --documents``, whose files fill the
    SQLite ``documents`` table (SQLite only).
    ``on_total`` hears how many records will be written once they are tidied,
    ``on_record`` each one as it goes (a progress bar)."""
    from scraper.dataset.export import check_export, write_records
    from scraper.dataset.tidy import open_dataset
    from scraper.records.jsonl import read_documents

    check_export(to, output, bom=bom)
    if documents is not None and to != "sqlite":
        raise InputError("--documents fills the SQLite documents table: use it with --to "
                         "sqlite")
    if documents is not None and not Path(documents).is_file():
        raise InputError(f"--documents {documents}: no such file")
    if str(output) != "-" and Path(output).resolve() == Path(source).resolve():
        raise InputError(f"{output} is the input: choose another output file (-o)")
    workdir = Path(output).resolve().parent if str(output) != "-" else None
    if workdir is not None and not workdir.is_dir():
        raise InputError(f"cannot write {output}: no folder {workdir}")
    with open_dataset(source, since=since, until=until, workdir=workdir) as dataset:
        records = dataset.records()
        if on_total is not None and since is None and until is None:  # a window: unknown
            on_total(dataset.summary.read - dataset.summary.duplicates)
        if on_record is not None:
            records = _heard(records, on_record)
        write_records(records, output, to=to, bom=bom, documents=read_documents(
            Path(documents)) if documents is not None else None)
        return dataset.summary


def _heard(records: Iterator[Article], on_record: Callable[[], None]) -> Iterator[Article]:
    for record in records:
        on_record()
        yield record


def dataset_stats(source: Path | str, *, since: dt.date | None = None,
                  until: dt.date | None = None, top: int = 10) -> DatasetStats:
    """Counts over the tidied records of a JSONL file (see :func:`export_records`)."""
    from scraper.dataset.tidy import compute_stats, open_dataset

    with open_dataset(source, since=since, until=until) as dataset:
        stats = compute_stats(dataset.records(), top=top)
        stats.items = dataset.count_items()
        stats.duplicates_dropped = dataset.summary.duplicates
        return stats


_LAZY = {"CrawlEvent": "scraper.crawl.runner", "CrawlSummary": "scraper.crawl.runner",
         "open_crawl": "scraper.crawl.runner", "DatasetStats": "scraper.dataset.tidy",
         "DatasetSummary": "scraper.dataset.tidy"}
"""Names this module offers from the crawl's and the dataset's modules, loaded on first use."""


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'scraper.api' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)


__all__ = [
    "CrawlEvent", "CrawlSettings", "CrawlSummary", "DatasetStats", "DatasetSummary",
    "crawl", "crawl_sync", "dataset_stats", "explain", "export_records", "extract", "extract_text",
    "extract_page", "extractor_version", "fetch_article", "fetch_article_sync", "fetch_articles",
    "open_crawl", "resolve_profile", "run_crawl",
]
