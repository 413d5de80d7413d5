"""The only module that knows the order of the stages: clean, then extract.

``extract(html, url)`` is the single-page pipeline: a pure function of the page and its URL
(plus the profile), so it maps over WARC files or a cluster unchanged.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError

from scraper.clean import clean_html, decode_html
from scraper.config import DEFAULT_CLEAN_OPTIONS, CleanOptions
from scraper.errors import InputError, RecordError
from scraper.extract import extract_article
from scraper.models import Article, FetchInfo
from scraper.profile import SiteProfile, load_profile, profile_for_host

logger = logging.getLogger(__name__)


def extractor_version() -> str:
    """The installed package version, written into every record."""
    try:
        return version("scraper")
    except PackageNotFoundError:
        return "0+unknown"


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host; else :class:`InputError`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"not an absolute http(s) URL: {url!r}")
    if parts.username or parts.password:
        raise InputError(f"URLs with credentials are refused: {parts.hostname}")
    return url.strip()


def resolve_profile(url: str, profile: SiteProfile | str | Path | None) -> SiteProfile:
    """The profile to read ``url`` with: the given one, or the bundled one for its host."""
    if isinstance(profile, SiteProfile):
        return profile
    if profile is not None:
        return load_profile(profile)
    return profile_for_host((urlsplit(url).hostname or "").lower())


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
        return extract_article(document, site, version=extractor_version(), fetch=fetch)
    except ValidationError as error:
        raise RecordError(f"record for {url} fails the contract: {error}", url=url) from error


def extract_text(html: str | bytes, url: str | None = None) -> str:
    """The record's ``text`` (the clean body) of one page."""
    return extract(html, url or "https://example.invalid/").text
