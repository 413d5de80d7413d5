"""What a crawl is asked to do: one frozen value, read by the runner and by every discovery
strategy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from scraper.names import DEFAULT_PROFILE


@dataclass(frozen=True, slots=True)
class CrawlSettings:
    """What to crawl: the site, where, which languages and ids, how many items."""

    site: str | Path = DEFAULT_PROFILE
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
    documents: bool = False
    """Also fetch the files the articles link (pdf, docx...) once the articles are done,
    writing a document record for each (``crawl --documents``)."""
    page_seconds: float | None = 30.0
    """Time budget for reading one fetched page into its record (None: no limit); a page
    over it fails alone, with the reason."""


__all__ = ["CrawlSettings"]
