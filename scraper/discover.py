"""Discover stage: where the archive's items are, from the site profile.

Item URLs come from enumerating ids (the stable way to cover an archive whose listings
shift) and from listing pages (to learn the newest id and find new items). Every URL is
keyed by its item identity, (id, language), so each item is fetched once whatever host,
scheme or ``/language:XX`` variant points to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from scraper.profile import SiteProfile
from scraper.text import absolute_url


@dataclass(frozen=True, slots=True)
class Target:
    """One URL to fetch, with the identity of the item it holds."""

    url: str
    key: str
    origin: str
    """"enumerated" (may not exist), "listed" (a page linked to it) or "given"."""


def item_target(profile: SiteProfile, base_url: str, language: str, item_id: int,
                origin: str = "enumerated") -> Target | None:
    template = profile.discovery.item_template
    if template is None:
        return None
    url = base_url.rstrip("/") + template.format(lang=language, id=item_id)
    return Target(url=url, key=profile.item_key(url), origin=origin)


def listing_urls(profile: SiteProfile, base_url: str, language: str,
                 pages: int = 1) -> list[str]:
    """The first ``pages`` pages of every listing of ``language``."""
    urls = []
    for template in profile.discovery.listing_templates:
        first = base_url.rstrip("/") + template.format(lang=language)
        urls.append(first)
        urls.extend(profile.discovery.listing_page_template.format(listing=first, page=page)
                    for page in range(2, pages + 1))
    return urls


def listed_targets(html: str, page_url: str, profile: SiteProfile,
                   base_url: str) -> list[Target]:
    """Item links of a listing page, keyed by item, each once, in page order. Whatever host,
    scheme or ``/language:XX`` variant a link uses, the target is the item's URL on
    ``base_url``, so every item is fetched once, from the crawl's own host."""
    found: dict[str, Target] = {}
    for node in LexborHTMLParser(html).css("a[href]"):
        url = absolute_url(page_url, node.attributes.get("href") or "")
        if url is None:  # "//[" and other links no URL parser accepts
            continue
        item = profile.parse_item_url(url)
        if item is None or item.kind not in profile.urls.dated_kinds or \
                not item.item_id.isdigit():
            continue
        target = item_target(profile, base_url, item.language, int(item.item_id), "listed")
        if target is not None:
            found.setdefault(target.key, target)
    return list(found.values())


def item_number(profile: SiteProfile, url: str) -> int | None:
    """The numeric id of an item URL, or None."""
    item = profile.parse_item_url(url)
    return int(item.item_id) if item is not None and item.item_id.isdigit() else None
