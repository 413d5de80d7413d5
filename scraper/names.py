"""The names the command line offers, known before anything heavy is imported: the default
profiles, the record and export formats, the sources read ``--via`` another service, and the
installed version. ``scraper --help`` and ``--version`` read only this module (no pydantic,
httpx or trafilatura); the modules that implement each name import it from here."""

from __future__ import annotations

import functools
from importlib.metadata import PackageNotFoundError, version

DEFAULT_PROFILE = "cemr"
"""The profile ``scraper crawl`` reads when no ``--site`` is given."""
FALLBACK_PROFILE = "generic"
"""The profile of pages whose host no bundled profile serves."""
FORMATS = ("json", "jsonl", "txt", "md", "tei")
"""The record formats, as ``--format`` names them (:mod:`scraper.records.formats`)."""
EXPORT_FORMATS = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet", "sqlite": ".sqlite"}
"""Export format name -> the file suffix it is written with (:mod:`scraper.dataset.export`)."""
DEFAULT_DELAY = 1.0
"""Seconds between two requests to one host (raised by robots.txt Crawl-delay)."""
DEFAULT_PER_HOST = 2
"""Requests in flight per host at most."""
DEFAULT_RETRIES = 3
"""Retries after the first attempt, for timeouts, connection errors, 5xx, 429 and truncated
bodies; other 4xx are never retried."""
DEFAULT_MAX_CRAWL_DELAY = 60.0
"""A robots.txt Crawl-delay longer than this defers the host's URLs to another run."""
VIA_SOURCES = ("wayback",)
"""Sources read through another service, as ``--via`` names them
(:data:`scraper.crawl.runner.VIAS`)."""


@functools.cache
def installed_version() -> str:
    """The installed package version: in every record (``extractor_version``) and in a
    crawl's WARC (read once: reading package metadata costs more than extracting a small
    page)."""
    try:
        return version("scraper")
    except PackageNotFoundError:
        return "0+unknown"


__all__ = ["DEFAULT_DELAY", "DEFAULT_MAX_CRAWL_DELAY", "DEFAULT_PER_HOST", "DEFAULT_PROFILE",
           "DEFAULT_RETRIES", "EXPORT_FORMATS", "FALLBACK_PROFILE", "FORMATS", "VIA_SOURCES",
           "installed_version"]
