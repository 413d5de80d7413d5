"""What a record says of its page beyond the page: where it comes from (``source``), what
kind of page it is (``page_kind``) and which language edition its URL names (``edition``).
All three come from the site profile (``[record]``, ``[urls]``, ``[wordpress]``)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from scraper.profiles import SiteProfile
from scraper.records import Breadcrumb, FetchInfo


def record_source(profile: SiteProfile, fetch: FetchInfo | None) -> str:
    """``archive`` for a page read from a web archive, else the profile's ``source``."""
    return "archive" if fetch is not None and fetch.archived_at is not None \
        else profile.record.source


def page_kind(profile: SiteProfile, url: str, breadcrumbs: Iterable[Breadcrumb],
              section: str | None, topics: Iterable[str]) -> str | None:
    """The first ``[record] kinds`` regex that matches the page's URL path, its
    breadcrumbs (names and URL paths), section or topics names the kind; else the profile's
    ``default_kind``."""
    lines = [urlsplit(url).path]
    for crumb in breadcrumbs:
        lines.append(crumb.name)
        if crumb.url:
            lines.append(urlsplit(crumb.url).path)
    lines.extend([section or "", *topics])
    text = "\n".join(lines)
    for kind, pattern in profile.site.kinds:
        if pattern.search(text):
            return kind
    return profile.record.default_kind


def edition(profile: SiteProfile, url: str) -> str | None:
    """The language edition ``url`` names: an item URL's language, a WordPress language
    prefix, or the site's default language for another URL on one of its hosts; None for a
    page of no known site."""
    item = profile.parse_item_url(url)
    if item is not None:
        return item.language
    host = (urlsplit(url).hostname or "").lower()
    if host not in profile.site.hosts:
        return None
    prefixed = profile.wordpress.language_prefix(url)
    return prefixed[0] if prefixed else profile.urls.default_language


__all__ = ["edition", "page_kind", "record_source"]
