"""``scraper crawl --documents``: the files the articles link, fetched after the articles.

The records' ``documents`` go into the state as they are written (``documents`` and
``document_links`` tables), so the crawl knows each file once and every article that links
it. When the articles are done, each pending file is fetched with the same fetcher (robots.txt,
delay, hosts, size limit and deadlines as pages, any content type), read (:class:`FileReader`:
a PDF's page count, title and text) and handed on as a :class:`FileEvent` whose
:class:`~scraper.records.Document` the consumer writes to ``OUT.documents.jsonl`` before the
state marks it done: a killed run loses nothing, and ``--resume`` reconciles the two.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from scraper import budget
from scraper.crawl.state import CrawlState
from scraper.document import FileText, Page
from scraper.records import Document, FetchInfo

if TYPE_CHECKING:
    from scraper.crawl.fetch import Fetcher

FILE_BATCH = 200
"""Pending files held in memory at once."""
ANY_TYPE: tuple[str, ...] = ()
"""A file is fetched whatever its Content-Type (a PDF is often served as octet-stream)."""


class FileReader(Protocol):
    """How a fetched file is read (:func:`scraper.extract.files.read_file`)."""

    def __call__(self, body: bytes, file_type: str) -> FileText: ...


@dataclass(frozen=True, slots=True)
class FileEvent:
    """One linked file done with: its record, or the reason it has none."""

    url: str
    status: str
    """"done", "skipped" (robots.txt forbids it, another host), "failed" or "deferred"."""
    document: Document | None = None
    reason: str | None = None
    attempts: int = 0
    requests: int = 0
    page: Page | None = None


def fetch_info(page: Page, requested: str | None = None) -> FetchInfo:
    """The record's fetch details of a fetched page; ``requested``: the URL the crawl asked
    for when the page is not its answer (a WordPress post read from its API page)."""
    return FetchInfo(
        requested_url=requested or page.url,
        fetched_at=page.fetched_at,
        status=page.status,
        final_url=page.final_url,
        content_type=page.headers.get("content-type"),
        etag=page.headers.get("etag"),
        last_modified=page.headers.get("last-modified"),
        sha256=hashlib.sha256(page.body).hexdigest(),
    )


def documents_path(output: str | Path) -> Path:
    """Where the document records of a crawl writing ``output`` go: ``OUT.documents.jsonl``
    beside it (``crawl.jsonl`` -> ``crawl.documents.jsonl``)."""
    path = Path(output)
    stem = path.name.removesuffix(".jsonl")
    return path.with_name(f"{stem}.documents.jsonl")


async def file_events(fetcher: Fetcher, state: CrawlState, read_file: FileReader, *,
                      version: str, workers: int, executor: Executor,
                      page_seconds: float | None) -> AsyncIterator[FileEvent]:
    """Fetch and read every pending file of ``state``, ``workers`` at a time, yielding one
    event each; the state is marked after the consumer has taken it."""
    pending: deque[tuple[str, str, str | None]] = deque()
    cursor = 0

    def has_more() -> bool:
        nonlocal cursor
        if not pending:
            for rowid, url, file_type, text in state.pending_documents(cursor, FILE_BATCH):
                pending.append((url, file_type, text))
                cursor = rowid
        return bool(pending)

    async def read(page: Page, file_type: str) -> FileText:
        def run() -> FileText:
            with budget.within(page_seconds):
                return read_file(page.body, file_type)
        return await asyncio.get_running_loop().run_in_executor(executor, run)

    async def one(url: str, file_type: str, link_text: str | None) -> FileEvent:
        result = await fetcher.fetch(url, types=ANY_TYPE)
        if result.outcome == "deferred":
            return FileEvent(url, "deferred", reason=result.reason)
        if result.outcome != "done" or result.page is None:
            skipped = result.outcome == "skipped" and result.status not in (404, 410)
            return FileEvent(url, "skipped" if skipped else "failed", reason=result.reason,
                             attempts=result.attempts, requests=result.requests)
        page = result.page
        try:
            contents = await read(page, file_type)
        except budget.BudgetExceeded as error:
            contents = FileText(error=str(error))
        document = Document(
            url=url, type=file_type, linked_from=state.linked_from(url), link_text=link_text,
            size=len(page.body), sha256=hashlib.sha256(page.body).hexdigest(),
            pages=contents.pages, title=contents.title, text=contents.text,
            read_error=contents.error, fetch=fetch_info(page), extractor_version=version)
        return FileEvent(url, "done", document=document, attempts=result.attempts,
                         requests=result.requests, page=page)

    events: asyncio.Queue[FileEvent | None] = asyncio.Queue()

    async def work() -> None:
        try:
            while has_more():
                url, file_type, text = pending.popleft()
                try:
                    event = await one(url, file_type, text)
                except Exception as error:  # a bug costs one file, never a hung crawl
                    event = FileEvent(url, "failed", reason=f"internal error: "
                                      f"{type(error).__name__}: {error}")
                await events.put(event)
        finally:
            events.put_nowait(None)

    tasks = [asyncio.create_task(work()) for _ in range(max(1, workers))]
    finished = 0
    try:
        while finished < len(tasks):
            event = await events.get()
            if event is None:
                finished += 1
                continue
            yield event
            record_file(state, event)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def record_file(state: CrawlState, event: FileEvent) -> None:
    """Write a file event's outcome into the state (after the consumer has taken it)."""
    page = event.page
    state.mark_document(
        event.url, "pending" if event.status == "deferred" else event.status,
        reason=event.reason, attempts=event.attempts,
        http_status=page.status if page else None,
        sha256=event.document.sha256 if event.document else None)


OnFile = Callable[[FileEvent], None]
"""Hears each file done with (a progress bar)."""

__all__ = ["ANY_TYPE", "FileEvent", "FileReader", "OnFile", "documents_path", "fetch_info",
           "file_events", "record_file"]
