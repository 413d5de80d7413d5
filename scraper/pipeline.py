"""The only module that knows the order of the stages: clean, then extract.

``extract(html, url)`` is the single-page pipeline: a pure function of the page and its URL
(plus the profile), so it maps over WARC files or a cluster unchanged.
"""

from __future__ import annotations

import logging
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import BinaryIO
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
        return extract_article(document, site, version=extractor_version(), fetch=fetch,
                               max_fallback_chars=options.max_fallback_chars)
    except ValidationError as error:
        raise RecordError(f"record for {url} fails the contract: {error}", url=url) from error


BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\xff\xd8\xff",
                b"\x7fELF", b"BZh", b"\xfd7zXZ", b"Rar!")
_CANONICAL = re.compile(
    rb"""<link[^>]+rel=["']?canonical["']?[^>]*href=["']([^"'>]+)|"""
    rb"""<meta[^>]+property=["']og:url["'][^>]*content=["']([^"'>]+)""",
    re.IGNORECASE,
)


def looks_binary(data: bytes) -> bool:
    """True for bytes that are plainly not a web page (images, archives, executables)."""
    head = data[:8192]
    if head.startswith(BINARY_MAGIC):
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > len(head) * 0.1 and b"<" not in head


def read_page(source: str, *, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of a saved page: a file path, or "-" for ``stdin``. Raises
    :class:`InputError` for a missing, unreadable, empty or binary file, or a directory."""
    if source == "-":
        if stdin is None:
            raise InputError("no standard input to read the page from")
        data = stdin.read()
        name = "standard input"
    else:
        path = Path(source)
        if path.is_dir():
            raise InputError(f"{source} is a directory; give an HTML file")
        try:
            data = path.read_bytes()
        except FileNotFoundError as error:
            raise InputError(f"{source}: no such file") from error
        except OSError as error:
            raise InputError(f"{source}: cannot read: {error.strerror or error}") from error
        name = source
    if not data.strip():
        raise InputError(f"{name} is empty; give a saved HTML page")
    if looks_binary(data):
        raise InputError(f"{name} looks binary, not an HTML page")
    return data


def url_from_page(data: bytes) -> str | None:
    """The page's own canonical (or og:url) URL when it names an absolute one."""
    match = _CANONICAL.search(data[:200_000])
    if match is None:
        return None
    url = (match.group(1) or match.group(2)).decode("utf-8", "replace").strip()
    return url if url.startswith(("http://", "https://")) else None


def extract_text(html: str | bytes, url: str | None = None) -> str:
    """The record's ``text`` (the clean body) of one page."""
    return extract(html, url or "https://example.invalid/").text
