"""Dataset hygiene and a first look: records of a JSONL file, tidied for research.

:func:`open_dataset` streams a JSONL file into a scratch SQLite database (so memory stays
flat whatever the size) and reads it back:

- **deduplicated**: one record per page, the newest fetch kept (a later line wins a tie). A
  page is its ``canonical_url`` (the site's one URL per item and language edition); without
  one, its ``(item_id, language)``; without an item id, its ``url``. Keying on the page, not
  on the detected body ``language``, keeps a French page whose body is in English apart from
  the English page of the same item.
- **linked**: the language editions of an item point to each other in ``translations``
  (the French record exists and the English one lacks ``translations["fr"]``: it is added,
  and the other way round).
- **joined across sites**: the same story on two sites (a legacy ccre.org item and its
  migrated copy on ccre-cemr.org) is linked both ways in ``same_as``, by normalised title and
  publication date; both records are kept.
- **filtered** on ``published`` by ``since`` / ``until`` (inclusive; undated records are
  left out as soon as either bound is given).
- **ordered** by (``published``, ``item_id``, ``language``), undated records last, numeric
  ids in numeric order, the page key breaking ties.

:func:`compute_stats` counts what a researcher asks first: items per year, section and
language, top quote speakers, records without date or body, blocks removed by reason.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError

from scraper.dataset.scratch import sweep
from scraper.errors import InputError
from scraper.names import FALLBACK_PROFILE
from scraper.profiles import profile_for_host
from scraper.records import Article
from scraper.text import load_json

logger = logging.getLogger(__name__)

_SCRATCH_SCHEMA = """
CREATE TABLE records (
    key TEXT PRIMARY KEY,   -- the page: canonical URL, else item id and language, else URL
    item TEXT,              -- the item across languages (kind and id), for translations
    edition TEXT,           -- the page's language edition (from its URL, else `language`)
    link TEXT,              -- the URL other editions get in `translations`
    published TEXT,         -- ISO date, for --since / --until
    sort_key TEXT NOT NULL, -- (published, item_id, language), undated last
    fetched_at TEXT NOT NULL,  -- UTC, fixed width; '' when not fetched
    story TEXT,             -- normalised title and date, for same_as across sites
    site TEXT NOT NULL,     -- the site (profile) the page belongs to
    line INTEGER NOT NULL,
    record TEXT NOT NULL
);
"""
_UPSERT = """
INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET item = excluded.item, edition = excluded.edition,
    link = excluded.link, published = excluded.published, sort_key = excluded.sort_key,
    fetched_at = excluded.fetched_at, story = excluded.story, site = excluded.site,
    line = excluded.line, record = excluded.record
WHERE excluded.fetched_at >= records.fetched_at
"""
MIN_STORY_TITLE = 12
"""Titles shorter than this ("News", "Editorial") link no stories across sites."""
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(slots=True)
class DatasetSummary:
    """What tidying did: lines read, duplicates dropped, records left out by the date
    window, translation links added, records written (the last three once read back)."""

    read: int = 0
    duplicates: int = 0
    torn: int = 0
    outside: int = 0
    links_added: int = 0
    records: int = 0
    same_as_added: int = 0
    """Links between copies of one story on two sites (each direction counts)."""

    def line(self) -> str:
        parts = [f"{self.records} records", f"{self.duplicates} duplicates dropped",
                 f"{self.links_added} translation links added"]
        if self.same_as_added:
            parts.append(f"{self.same_as_added} same-story links across sites")
        if self.outside:
            parts.append(f"{self.outside} outside the date window")
        if self.torn:
            parts.append("a torn last line skipped")
        return ", ".join(parts)


class Dataset:
    """The tidied records of one JSONL file, held in a scratch SQLite database."""

    def __init__(self, connection: sqlite3.Connection, summary: DatasetSummary, *,
                 since: dt.date | None, until: dt.date | None) -> None:
        self.connection = connection
        self.summary = summary
        self.since = since
        self.until = until

    def _window(self) -> tuple[str, tuple[str, ...]]:
        if self.since is None and self.until is None:
            return "", ()
        low = (self.since or dt.date.min).isoformat()
        high = (self.until or dt.date.max).isoformat()
        return "WHERE published BETWEEN ? AND ?", (low, high)

    def count_items(self) -> int:
        """Distinct items (an item's language editions count once) in the window."""
        where, bounds = self._window()
        query = f"SELECT COUNT(DISTINCT COALESCE(item, key)) FROM records {where}"
        return int(self.connection.execute(query, bounds).fetchone()[0])

    def records(self) -> Iterator[Article]:
        """The records, deduplicated, linked, filtered and ordered, one at a time."""
        where, bounds = self._window()
        total = self.connection.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        kept = self.connection.execute(f"SELECT COUNT(*) FROM records {where}", bounds)
        self.summary.outside = total - kept.fetchone()[0]
        self.summary.records = self.summary.links_added = self.summary.same_as_added = 0
        rows = self.connection.execute(
            f"SELECT key, item, edition, story, site, record FROM records {where} "
            "ORDER BY sort_key, key", bounds)
        for key, item, edition, story, site, record in rows:
            article = Article.model_validate_json(record)
            if item is not None:
                article = self._linked(article, key, item, edition)
            if story is not None:
                article = self._same_story(article, story, site)
            self.summary.records += 1
            yield article

    def _same_story(self, article: Article, story: str, site: str) -> Article:
        """``article`` with the other sites' copies of its story in ``same_as``."""
        copies = [link for (link,) in self.connection.execute(
            "SELECT link FROM records WHERE story = ? AND site != ? ORDER BY sort_key, key",
            (story, site)) if link not in article.same_as]
        if not copies:
            return article
        self.summary.same_as_added += len(copies)
        return article.model_copy(update={"same_as": [*article.same_as, *copies]})

    def _linked(self, article: Article, key: str, item: str, edition: str | None) -> Article:
        translations = dict(article.translations)
        siblings = self.connection.execute(
            "SELECT edition, link FROM records WHERE item = ? AND key != ? "
            "ORDER BY sort_key, key", (item, key))
        for language, link in siblings:
            if language and language != edition and _is_language_code(language) \
                    and language not in translations:
                translations[language] = link
                self.summary.links_added += 1
        if len(translations) == len(article.translations):
            return article
        return article.model_copy(update={"translations": translations})


SCRATCH_PREFIX = "scraper-dataset-"
"""Scratch folders: ``scraper-dataset-<pid>-<random>``."""


@contextlib.contextmanager
def open_dataset(source: Path | str, *, since: dt.date | None = None,
                 until: dt.date | None = None, workdir: Path | None = None
                 ) -> Iterator[Dataset]:
    """The tidied records of the JSONL file ``source``. The scratch database lives in a
    temporary folder inside ``workdir`` (default: the system's) and is removed on exit.
    Raises :class:`InputError` for a missing file or a line that is not a valid record
    (a torn last line, left by a crawl still running or killed, is skipped with a warning)."""
    path = Path(source)
    if not path.is_file():
        raise InputError(f"{source}: no such file" if not path.exists()
                         else f"{source} is not a file; give a JSONL file of records")
    if since is not None and until is not None and since > until:
        raise InputError(f"--since {since} is after --until {until}")
    sweep(Path(workdir or tempfile.gettempdir()), f"{SCRATCH_PREFIX}*")
    try:
        scratch = tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-",
                                              dir=workdir)
    except OSError as error:
        where = workdir or "the temporary folder"
        raise InputError(f"cannot create a scratch database in {where}: "
                         f"{error.strerror or error}") from error
    with scratch as folder:
        connection = sqlite3.connect(Path(folder) / "dataset.db")
        try:
            try:
                connection.execute("PRAGMA journal_mode = OFF")
                connection.execute("PRAGMA synchronous = OFF")
                connection.executescript(_SCRATCH_SCHEMA)
                summary = _load(connection, path)
                connection.execute("CREATE INDEX records_order ON records(sort_key, key)")
                connection.execute("CREATE INDEX records_item ON records(item)")
                connection.execute("CREATE INDEX records_story ON records(story)")
                connection.commit()
            except sqlite3.Error as error:  # a full disk, most often
                where = workdir or "the temporary folder"
                raise InputError(f"cannot build the scratch database in {where}: {error} "
                                 "(is the disk full?)") from None
            yield Dataset(connection, summary, since=since, until=until)
        finally:
            connection.close()


def _load(connection: sqlite3.Connection, path: Path) -> DatasetSummary:
    summary = DatasetSummary()
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    article = Article.model_validate_json(line)
                except ValidationError as error:
                    if not line.endswith(b"\n") and _is_torn(line):
                        logger.warning("%s:%d: skipping a torn last line", path, number)
                        summary.torn = 1
                        continue
                    raise InputError(f"{path}:{number}: not a valid record: "
                                     f"{_first_error(error)} (fix or remove the line)"
                                     ) from error
                connection.execute(_UPSERT, (*_keys(article), number, article.model_dump_json()))
                summary.read += 1
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from error
    stored = connection.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    summary.duplicates = summary.read - stored
    return summary


def _is_torn(line: bytes) -> bool:
    try:
        load_json(line)
    except ValueError:
        return True
    return False


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def _keys(article: Article) -> tuple[str, str | None, str | None, str, str | None, str, str,
                                    str | None, str]:
    """(key, item, edition, link, published, sort_key, fetched_at, story, site) of a
    record."""
    url = article.canonical_url or article.url
    parts = urlsplit(url)
    reference = profile_for_host((parts.hostname or "").lower()).parse_item_url(url)
    if article.canonical_url:  # one namespace for URLs: a page's canonical URL is its URL
        key = f"url:{article.canonical_url}"
    elif article.item_id is not None:
        key = f"item:{article.item_id}\x00{article.language or ''}"
    else:
        key = f"url:{article.url}"
    if reference is not None:
        item: str | None = f"{reference.kind}:{reference.item_id}"
        edition: str | None = reference.language
    else:
        item = f"id:{article.item_id}" if article.item_id is not None else None
        edition = article.language
    published = article.published.isoformat() if article.published else None
    title = " ".join(_NOT_WORD.sub(" ", article.title.casefold()).split())
    story = f"{title}\x00{published}" if published and len(title) >= MIN_STORY_TITLE else None
    site = profile_for_host((parts.hostname or "").lower()).name
    if site == FALLBACK_PROFILE:  # no profile knows the host: the host is the site
        site = (parts.hostname or "").lower()
    fetched_at = ""
    if article.fetch is not None:
        stamp = article.fetch.fetched_at
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
        fetched_at = stamp.isoformat(timespec="microseconds")
    return key, item, edition, url, published, _sort_key(article), fetched_at, story, site


def _sort_key(article: Article) -> str:
    """Text that sorts like (published, item_id, language), None last, numeric ids by value.
    NUL separates the parts: it sorts before every other character."""
    published = article.published.isoformat() if article.published else "~"
    item_id = article.item_id
    if item_id is None:
        item = "2"
    elif item_id.isascii() and item_id.isdigit():
        item = f"0{len(item_id):04d}{item_id}"
    else:
        item = f"1{item_id}"
    return "\x00".join((published, item, article.language or "~"))


def _is_language_code(text: str) -> bool:
    return len(text) == 2 and text.isascii() and text.isalpha() and text.islower()


# A first look -----------------------------------------------------------------------------


@dataclass(slots=True)
class DatasetStats:
    """Counts over a tidied dataset (:func:`compute_stats`)."""

    records: int = 0
    items: int = 0
    duplicates_dropped: int = 0
    per_year: dict[str, int] = field(default_factory=dict)
    per_section: dict[str, int] = field(default_factory=dict)
    per_language: dict[str, int] = field(default_factory=dict)
    top_speakers: list[tuple[str, int]] = field(default_factory=list)
    quotes: int = 0
    no_date: int = 0
    no_body: int = 0
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def spam_removed(self) -> int:
        return self.removed.get("spam", 0)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["top_speakers"] = [{"speaker": name, "quotes": count}
                                for name, count in self.top_speakers]
        data["spam_removed"] = self.spam_removed
        return data

    def table(self) -> str:
        """The counts as plain-text tables for a terminal."""
        lines = [
            f"records              {self.records:>7}   ({self.items} items, "
            f"{self.duplicates_dropped} duplicates dropped)",
            f"no date              {self.no_date:>7}",
            f"no body              {self.no_body:>7}",
            f"quotes               {self.quotes:>7}",
            f"spam blocks removed  {self.spam_removed:>7}",
        ]
        sections = (("year", self.per_year), ("language", self.per_language),
                    ("section", self.per_section),
                    ("top quote speakers", dict(self.top_speakers)),
                    ("removed blocks, by reason", self.removed))
        for title, counts in sections:
            lines.append("")
            lines.extend(_table(title, counts))
        return "\n".join(lines) + "\n"


def _table(title: str, counts: dict[str, int]) -> list[str]:
    if not counts:
        return [title, "  (none)"]
    width = max(len(title), *(len(name) + 2 for name in counts))
    rows = [f"{title:<{width}}  {'count':>7}"]
    rows.extend(f"  {name:<{width - 2}}  {count:>7}" for name, count in counts.items())
    return rows


def compute_stats(records: Iterable[Article], *, top: int = 10) -> DatasetStats:
    """Counts over ``records`` (one pass, memory bounded by the distinct years, sections,
    languages, speakers and reasons). ``items`` and ``duplicates_dropped`` are the caller's
    to fill (they come from the dataset, not from the records)."""
    years: Counter[str] = Counter()
    sections: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    speakers: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    stats = DatasetStats()
    for article in records:
        stats.records += 1
        if article.published is None:
            stats.no_date += 1
        else:
            years[str(article.published.year)] += 1
        if not article.text.strip():
            stats.no_body += 1
        sections[article.section or "(none)"] += 1
        languages[article.language or "(unknown)"] += 1
        stats.quotes += len(article.quotes)
        speakers.update(quote.speaker for quote in article.quotes if quote.speaker)
        removed.update(block.reason for block in article.removed)
    stats.per_year = dict(sorted(years.items()))
    stats.per_section = dict(_by_count(sections))
    stats.per_language = dict(_by_count(languages))
    stats.top_speakers = _by_count(speakers)[:top]
    stats.removed = dict(_by_count(removed))
    return stats


def _by_count(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
