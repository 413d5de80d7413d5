"""scraper: clean, structured, validated records from the CEMR news archive.

>>> import scraper
>>> scraper.extract("<p>Hello</p>", "https://example.org/a").url
'https://example.org/a'
"""

from __future__ import annotations

import logging

from scraper.caches import clear_caches
from scraper.errors import (
    ConfigError,
    ExportError,
    FetchError,
    InputError,
    ProfileError,
    RecordError,
    ScraperError,
)
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
from scraper.api import extractor_version as _version
from scraper.profiles import SiteProfile, load_profile

__version__ = _version()
"""The installed version (also in every record's ``extractor_version``)."""

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

logging.getLogger(__name__).addHandler(logging.NullHandler())
