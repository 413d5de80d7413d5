"""Exceptions raised by scraper's public API.

```
ScraperError                 base class: catch this to catch everything below
├── InputError               a page, file or URL given by the caller cannot be used
├── FetchError               an HTTP fetch failed (carries url and status)
├── ProfileError             a site profile or lexicon file is missing or invalid
├── ConfigError              an option value is invalid
├── RecordError              extracted values do not form a valid record (carries url)
├── StateError               the crawl's state file cannot be written (disk full, read-only)
└── ExportError              records cannot be written in the requested format
```
Foreign exceptions (httpx, selectolax, pydantic) are translated where they enter and chained
with ``from``; none leaves the public API.
"""

from __future__ import annotations


class ScraperError(Exception):
    """Base class of every error scraper raises on purpose."""


class InputError(ScraperError):
    """Raised when a page, file or URL given by the caller cannot be used (empty, binary,
    not a file, not an absolute http(s) URL)."""


class FetchError(ScraperError):
    """Raised when fetching a URL fails for good (after retries)."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class ProfileError(ScraperError):
    """Raised when a site profile or lexicon file is missing, unreadable or invalid."""


class ConfigError(ScraperError):
    """Raised when an option value is out of range or inconsistent."""


class RecordError(ScraperError):
    """Raised when the extracted values fail the record contract (a bug, reported with url)."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class StateError(ScraperError):
    """Raised when the crawl state file cannot be read or written (a full disk, a read-only
    folder); what was committed before stays intact, so the crawl can resume."""


class ExportError(ScraperError):
    """Raised when records cannot be written in the requested format."""
