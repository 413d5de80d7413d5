"""scraper: clean, structured, validated records from the CEMR news archive.

>>> import scraper
>>> scraper.extract("<p>Hello</p>", "https://example.org/a").url
'https://example.org/a'

The public names are imported when first used (``scraper.extract`` loads the pipeline,
``scraper.Article`` the models), so ``import scraper`` and ``scraper --help`` stay instant.
"""

from __future__ import annotations

import importlib as _importlib
import logging as _logging
import sys as _sys
import types as _types
from typing import TYPE_CHECKING as _TYPE_CHECKING

from scraper.errors import (
    ConfigError,
    ExportError,
    FetchError,
    InputError,
    ProfileError,
    RecordError,
    ScraperError,
)
from scraper.names import installed_version as _installed_version

if _TYPE_CHECKING:
    from scraper.api import (
        CrawlSettings,
        crawl,
        crawl_sync,
        explain,
        extract,
        extract_text,
        fetch_article,
        fetch_article_sync,
    )
    from scraper.caches import clear_caches
    from scraper.profiles import SiteProfile, load_profile
    from scraper.records import (
        Article,
        Breadcrumb,
        DateMention,
        Dateline,
        FetchInfo,
        ListBlock,
        Quote,
        RemovedBlock,
    )

__version__ = _installed_version()
"""The installed version (also in every record's ``extractor_version``)."""

_HOMES = {
    **dict.fromkeys(("Article", "Breadcrumb", "DateMention", "Dateline", "FetchInfo",
                     "ListBlock", "Quote", "RemovedBlock"), "scraper.records"),
    **dict.fromkeys(("CrawlSettings", "crawl", "crawl_sync", "explain", "extract",
                     "extract_text", "fetch_article", "fetch_article_sync"), "scraper.api"),
    "clear_caches": "scraper.caches",
    "SiteProfile": "scraper.profiles",
    "load_profile": "scraper.profiles",
}
"""Where each public name lives: imported on first use."""


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'scraper' has no attribute {name!r}")
    value = getattr(_importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


class _Package(_types.ModuleType):
    """``scraper.crawl`` and ``scraper.extract`` are functions of the API that share their
    names with subpackages: importing a subpackage sets the package's attribute to it, so
    these two names are looked up in :mod:`scraper.api` on every access."""

    def __getattribute__(self, name: str) -> object:
        if name in ("crawl", "extract"):
            return getattr(_importlib.import_module("scraper.api"), name)
        return super().__getattribute__(name)


_sys.modules[__name__].__class__ = _Package


__all__ = [
    "Article",
    "Breadcrumb",
    "ConfigError",
    "CrawlSettings",
    "DateMention",
    "Dateline",
    "ExportError",
    "FetchError",
    "FetchInfo",
    "InputError",
    "ListBlock",
    "ProfileError",
    "Quote",
    "RecordError",
    "RemovedBlock",
    "ScraperError",
    "SiteProfile",
    "clear_caches",
    "crawl",
    "crawl_sync",
    "explain",
    "extract",
    "extract_text",
    "fetch_article",
    "fetch_article_sync",
    "load_profile",
]

_logging.getLogger(__name__).addHandler(_logging.NullHandler())
