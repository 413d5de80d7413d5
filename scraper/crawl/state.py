"""Crawl state in an embedded SQLite file (WAL): every URL's status, reason, attempts,
validators (ETag, Last-Modified) and content hash, so a crawl killed at any instant resumes
with nothing lost and nothing fetched twice."""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

from scraper.errors import ConfigError, StateError

P = ParamSpec("P")
R = TypeVar("R")

SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    item TEXT,                -- identity of the item ("en/actualites/4384"), or NULL
    origin TEXT NOT NULL,     -- "enumerated" ids may not exist; "listed" ones should
    status TEXT NOT NULL DEFAULT 'pending',   -- pending, done, failed, skipped
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    http_status INTEGER,
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,
    updated_at TEXT
);
CREATE INDEX IF NOT EXISTS urls_status ON urls (status);
CREATE UNIQUE INDEX IF NOT EXISTS urls_item ON urls (item);  -- one URL per item
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- What discovery already holds for a URL (a post of a WordPress API page, with the time and
-- URL of that page): the record is made from it, not fetched again.
CREATE TABLE IF NOT EXISTS payloads (
    url TEXT PRIMARY KEY REFERENCES urls (url),
    body BLOB NOT NULL,
    source TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
"""
DOCUMENTS_SCHEMA = """
-- Files the articles link (`crawl --documents`): fetched after the articles, once each.
CREATE TABLE IF NOT EXISTS documents (
    url TEXT PRIMARY KEY,
    type TEXT NOT NULL,       -- "pdf", "docx", ... (from the URL)
    link_text TEXT,           -- text of the first link to it
    status TEXT NOT NULL DEFAULT 'pending',   -- pending, done, failed, skipped
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    http_status INTEGER,
    sha256 TEXT,
    updated_at TEXT
);
CREATE TABLE IF NOT EXISTS document_links (
    document TEXT NOT NULL,   -- documents.url
    article TEXT NOT NULL,    -- the linking record's url
    PRIMARY KEY (document, article)
);
"""
"""Made by the first crawl that fetches documents (``crawl --documents``): other crawls'
state files stay as small as before."""
STATUSES = ("pending", "done", "failed", "skipped")
MARK_BATCH = 200
MARK_SECONDS = 1.0
"""URL marks are committed every MARK_BATCH marks or MARK_SECONDS seconds."""


@dataclass(frozen=True, slots=True)
class UrlState:
    url: str
    item: str | None
    origin: str
    status: str
    reason: str | None
    attempts: int
    http_status: int | None
    etag: str | None
    last_modified: str | None
    sha256: str | None
    updated_at: str | None


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Translate sqlite3 errors of a state write into :class:`StateError`."""

    @functools.wraps(method)
    def wrapper(*arguments: P.args, **keywords: P.kwargs) -> R:
        try:
            return method(*arguments, **keywords)
        except sqlite3.Error as error:
            state = arguments[0]
            path = getattr(state, "path", "?")
            if isinstance(state, CrawlState) and state.db.in_transaction:
                state.db.rollback()
            raise StateError(f"cannot write state file {path}: {error}") from error

    return wrapper


class CrawlState:
    """The state file of one crawl. URLs marked done, failed or skipped are committed a
    batch at a time (:data:`MARK_BATCH` or :data:`MARK_SECONDS`, whichever comes first: a
    commit per page cost more than reading it); every other change at once. A kill loses at
    most the last batch's marks, which ``--resume`` restores from the records written
    (:meth:`reconcile`). A file is locked for as long as it is open: a second crawl on it is
    refused with one line (two runs on one state wrote every record twice)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._has_documents = False
        self._batched = 0
        self._batch_started = 0.0
        self._lock_fd = -1 if str(path) == ":memory:" else _lock(self.path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
        except sqlite3.Error as error:
            self._unlock()
            raise ConfigError(f"cannot use state file {self.path}: {error}") from error

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.db.close()
            self._unlock()

    @_guarded
    def flush(self) -> None:
        """Commit the marks of the current batch."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self._batched = 0

    def _begin(self) -> None:
        """Start a transaction of its own (the current batch of marks committed first)."""
        self.flush()
        self.db.execute("BEGIN")

    def _unlock(self) -> None:
        if self._lock_fd >= 0:
            os.close(self._lock_fd)  # closing the descriptor releases the lock
            self._lock_fd = -1

    def has_item(self, item: str) -> bool:
        """True when an item of this identity is known to the crawl."""
        return self.db.execute("SELECT 1 FROM urls WHERE item = ?", (item,)).fetchone() \
            is not None

    def get_setting(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @_guarded
    def set_setting(self, key: str, value: str) -> None:
        self.flush()
        self.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                        (key, value))

    @_guarded
    def add(self, entries: Iterable[tuple[str, str | None, str]]) -> int:
        """Add (url, item, origin) rows not yet known; returns how many were new."""
        before = self.db.total_changes
        self._begin()
        self.db.executemany("INSERT OR IGNORE INTO urls (url, item, origin) VALUES (?, ?, ?)",
                            entries)
        self.db.execute("COMMIT")
        return self.db.total_changes - before

    @_guarded
    def put_payloads(self, rows: Iterable[tuple[str, bytes, str, str]]) -> None:
        """Keep (url, body, source URL, fetched_at ISO) for URLs, replacing older ones."""
        self._begin()
        self.db.executemany("INSERT OR REPLACE INTO payloads (url, body, source, fetched_at) "
                            "VALUES (?, ?, ?, ?)", rows)
        self.db.execute("COMMIT")

    def payload(self, url: str) -> tuple[bytes, str, str] | None:
        """(body, source URL, fetched_at) kept for ``url``, or None."""
        row = self.db.execute("SELECT body, source, fetched_at FROM payloads WHERE url = ?",
                              (url,)).fetchone()
        return None if row is None else (bytes(row[0]), str(row[1]), str(row[2]))

    @_guarded
    def mark(self, url: str, status: str, *, reason: str | None = None, attempts: int = 0,
             http_status: int | None = None, etag: str | None = None,
             last_modified: str | None = None, sha256: str | None = None) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if not self.db.in_transaction:
            self.db.execute("BEGIN")
            self._batched, self._batch_started = 0, time.monotonic()
        self.db.execute(
            "UPDATE urls SET status = ?, reason = ?, attempts = attempts + ?, http_status = ?,"
            " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),"
            " sha256 = COALESCE(?, sha256), updated_at = ? WHERE url = ?",
            (status, reason, attempts, http_status, etag, last_modified, sha256,
             datetime.now(UTC).isoformat(), url),
        )
        self._batched += 1
        if self._batched >= MARK_BATCH or time.monotonic() - self._batch_started >= MARK_SECONDS:
            self.flush()

    @_guarded
    def reconcile(self, written: Collection[str], legacy: Collection[str] = ()) -> tuple[int, int]:
        """Make the state agree with the output file after a kill: items whose records are
        written are done, items marked done whose records are missing are pending again.
        ``written``: the URLs the records were requested as (``fetch.requested_url``, the
        state's own key); ``legacy``: canonical URLs of records written before that field
        existed, matched to the item. Returns (marked done, put back)."""
        done = lost = 0
        self._begin()
        for url, item, status in self.db.execute("SELECT url, item, status FROM urls").fetchall():
            present = url in written or (item or url) in legacy
            if present and status != "done":
                self.db.execute("UPDATE urls SET status = 'done', reason = NULL WHERE url = ?",
                                (url,))
                done += 1
            elif not present and status == "done":
                self.db.execute("UPDATE urls SET status = 'pending' WHERE url = ?", (url,))
                lost += 1
        self.db.execute("COMMIT")
        return done, lost

    def _documents_tables(self, *, create: bool = True) -> bool:
        """Whether the documents tables exist; ``create``: make them first."""
        if self._has_documents:
            return True
        found = self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                "name = 'document_links'").fetchone() is not None
        if not found and create:
            self.flush()
            self.db.executescript(DOCUMENTS_SCHEMA)
            found = True
        self._has_documents = found
        return found

    @_guarded
    def add_documents(self, article: str, documents: Iterable[tuple[str, str, str]]) -> None:
        """Note the files (url, type, link text) the record at ``article`` links: new ones
        are pending, and every one remembers the article."""
        rows = list(documents)
        if not rows:
            return
        self._documents_tables()
        self._begin()
        self.db.executemany("INSERT OR IGNORE INTO documents (url, type, link_text) "
                            "VALUES (?, ?, ?)", rows)
        self.db.executemany("INSERT OR IGNORE INTO document_links (document, article) "
                            "VALUES (?, ?)", ((url, article) for url, _, _ in rows))
        self.db.execute("COMMIT")

    def pending_documents(self, rowid: int, limit: int) -> list[tuple[int, str, str, str | None]]:
        """The next ``limit`` pending files after ``rowid``: (rowid, url, type, link text)."""
        if not self._documents_tables(create=False):
            return []
        return [(int(row[0]), str(row[1]), str(row[2]), row[3]) for row in self.db.execute(
            "SELECT rowid, url, type, link_text FROM documents WHERE status = 'pending' AND "
            "rowid > ? ORDER BY rowid LIMIT ?", (rowid, limit)).fetchall()]

    def linked_from(self, url: str) -> list[str]:
        """The records that link the file at ``url``, in the order they were written."""
        if not self._documents_tables(create=False):
            return []
        return [str(row[0]) for row in self.db.execute(
            "SELECT article FROM document_links WHERE document = ? ORDER BY rowid", (url,))]

    @_guarded
    def mark_document(self, url: str, status: str, *, reason: str | None = None,
                      attempts: int = 0, http_status: int | None = None,
                      sha256: str | None = None) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        self.flush()
        self.db.execute(
            "UPDATE documents SET status = ?, reason = ?, attempts = attempts + ?, "
            "http_status = ?, sha256 = COALESCE(?, sha256), updated_at = ? WHERE url = ?",
            (status, reason, attempts, http_status, sha256, datetime.now(UTC).isoformat(), url))

    def document_counts(self) -> dict[str, int]:
        found = dict.fromkeys(STATUSES, 0)
        if not self._documents_tables(create=False):
            return found
        for status, count in self.db.execute(
                "SELECT status, COUNT(*) FROM documents GROUP BY status"):
            found[status] = count
        return found

    def failed_documents(self) -> list[tuple[str, str | None, int, int | None]]:
        """(url, reason, attempts, HTTP status) of every file that failed."""
        if not self._documents_tables(create=False):
            return []
        return [(str(row[0]), row[1], int(row[2]), row[3]) for row in self.db.execute(
            "SELECT url, reason, attempts, http_status FROM documents WHERE status = 'failed' "
            "ORDER BY rowid")]

    @_guarded
    def reconcile_documents(self, written: Collection[str]) -> tuple[int, int]:
        """As :meth:`reconcile`, for the document records: (marked done, put back)."""
        done = lost = 0
        if not self._documents_tables(create=False):
            return done, lost
        self._begin()
        for url, status in self.db.execute("SELECT url, status FROM documents").fetchall():
            if url in written and status != "done":
                self.db.execute("UPDATE documents SET status = 'done', reason = NULL "
                                "WHERE url = ?", (url,))
                done += 1
            elif url not in written and status == "done":
                self.db.execute("UPDATE documents SET status = 'pending' WHERE url = ?", (url,))
                lost += 1
        self.db.execute("COMMIT")
        return done, lost

    def with_status(self, *statuses: str) -> Iterator[UrlState]:
        marks = ",".join("?" for _ in statuses)
        query = f"SELECT * FROM urls WHERE status IN ({marks}) ORDER BY rowid"  # noqa: S608
        for row in self.db.execute(query, statuses).fetchall():
            yield UrlState(*row)

    def pending_after(self, rowid: int, limit: int) -> list[tuple[int, UrlState]]:
        """The next ``limit`` pending URLs after ``rowid``, in insertion order, so a crawl
        holds one batch in memory, not the whole archive."""
        rows = self.db.execute("SELECT rowid, * FROM urls WHERE status = 'pending' AND rowid > ?"
                               " ORDER BY rowid LIMIT ?", (rowid, limit)).fetchall()
        return [(row[0], UrlState(*row[1:])) for row in rows]

    def get(self, url: str) -> UrlState | None:
        row = self.db.execute("SELECT * FROM urls WHERE url = ?", (url,)).fetchone()
        return None if row is None else UrlState(*row)

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(STATUSES, 0)
        for status, count in self.db.execute("SELECT status, COUNT(*) FROM urls GROUP BY status"):
            found[status] = count
        return found

    @_guarded
    def reset_urls(self, urls: Iterable[str]) -> None:
        """Put these URLs back to pending (items changed since they were done)."""
        self._begin()
        self.db.executemany("UPDATE urls SET status = 'pending' WHERE url = ?",
                            ((url,) for url in urls))
        self.db.execute("COMMIT")

    @_guarded
    def reset(self, statuses: Iterable[str]) -> None:
        """Put URLs with these statuses back to pending (for a refresh or a retry)."""
        self.flush()
        for status in statuses:
            self.db.execute("UPDATE urls SET status = 'pending' WHERE status = ?", (status,))


def remove_state(path: Path) -> None:
    """Remove a state file (and its WAL files) to start afresh; refused with one line while
    another crawl holds it."""
    if path.exists():
        fd = _lock(path)
        try:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        finally:
            if fd >= 0:
                os.close(fd)


def _lock(path: Path) -> int:
    """An exclusive lock on the state file (``flock``, separate from SQLite's own locks),
    held until :meth:`CrawlState.close`; one line when another crawl holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, as before
        return -1
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise ConfigError(f"cannot use state file {path}: {error.strerror or error}") from error
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise ConfigError(f"state file {path} is in use by another crawl: wait for it to "
                          "finish (or stop it), then --resume") from None
    return fd
