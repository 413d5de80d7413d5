"""Discovery by ids (the ``ids`` strategy): where the archive's items are, from the site
profile.

Item URLs come from enumerating ids (the stable way to cover an archive whose listings
shift) and from listing pages (to learn the newest id and find new items). Every URL is
keyed by its item identity, (id, language), so each item is fetched once whatever host,
scheme or ``/language:XX`` variant points to it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from scraper.charset import decode_html
from scraper.crawl.fetch import Fetcher
from scraper.crawl.settings import CrawlSettings
from scraper.crawl.state import CrawlState
from scraper.profiles import SiteProfile
from scraper.text import absolute_url, parse_count

logger = logging.getLogger(__name__)


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


def other_target(profile: SiteProfile, base_url: str, language: str, kind: str,
                 item_id: int) -> Target:
    """A listed item of a kind that is not enumerated, at its canonical path on
    ``base_url``."""
    url = profile.urls.canonical_template.format(base=base_url.rstrip("/"), lang=language,
                                                 kind=kind, id=item_id)
    return Target(url=url, key=profile.item_key(url), origin="listed")


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
        number = parse_count(item.item_id) if item is not None else None
        if item is None or number is None:
            continue
        if item.kind in profile.urls.dated_kinds:
            target = item_target(profile, base_url, item.language, number, "listed")
        elif item.kind in profile.discovery.listed_kinds:  # a theme page, say
            target = other_target(profile, base_url, item.language, item.kind, number)
        else:
            continue
        if target is not None:
            found.setdefault(target.key, target)
    return list(found.values())


def item_number(profile: SiteProfile, url: str) -> int | None:
    """The numeric id of an item URL, or None."""
    item = profile.parse_item_url(url)
    return parse_count(item.item_id) if item is not None else None


async def discover_ids(fetcher: Fetcher, profile: SiteProfile, base_url: str,
                       settings: CrawlSettings, state: CrawlState) -> None:
    """Ids enumerated from ``first_id`` to past the newest one the listing pages show
    (``max_misses`` more, and more again whenever one of those exists); the listing pages'
    items first.

    Fills ``state``."""
    listed: list[Target] = []
    for language in settings.languages:
        for url in listing_urls(profile, base_url, language, settings.listing_pages):
            result = await fetcher.fetch(url)
            if result.outcome == "done" and result.page is not None:
                html = decode_html(result.page.body, result.page.charset)
                listed.extend(listed_targets(html, result.page.final_url, profile, base_url))
            else:
                logger.warning("listing %s: %s", url, result.reason)
    if settings.first_id is not None:  # --ids is a strict filter of news ids, listed too
        listed = [target for target in listed if not is_dated(profile, target.url) or in_range(
            item_number(profile, target.url), settings.first_id, settings.last_id)]
    numbers = [number for target in listed if is_dated(profile, target.url)
               and (number := item_number(profile, target.url)) is not None]
    newest = settings.last_id or newest_listed(numbers, profile.discovery.max_misses)
    first = settings.first_id if settings.first_id is not None else profile.discovery.first_id
    state.add((target.url, target.key, "listed") for target in listed
              if in_languages(profile, target.url, settings.languages))
    tail = 0 if settings.last_id else profile.discovery.max_misses
    for language in settings.languages:
        targets = (item_target(profile, base_url, language, number)
                   for number in range(first, newest + tail + 1))
        state.add((target.url, target.key, target.origin) for target in targets if target)
    state.set_setting("newest", str(newest + tail))
    logger.info("discovered %d listed items, ids %d to %d", len(listed), first, newest)


ID_GROWTH = 2
"""How far past the ids known an enumeration may reach: the newest id is at most this many
times the reference one (the median listed id; later, the newest enumerated). One listing
link to id 3,000,000 enumerated three million ids into the state (issue 15)."""


def id_ceiling(reference: int, max_misses: int) -> int:
    """The highest id an enumeration anchored at ``reference`` may reach."""
    return max(reference * ID_GROWTH, reference + max_misses)


def newest_listed(numbers: list[int], max_misses: int) -> int:
    """The newest listed id the enumeration runs to: the largest not beyond
    :func:`id_ceiling` of the median (an outlier is fetched as listed, not enumerated to).

    >>> newest_listed([4380, 4381, 4384, 3_000_000], 20)
    4384
    """
    if not numbers:
        return 0
    ordered = sorted(numbers)
    ceiling = id_ceiling(ordered[(len(ordered) - 1) // 2], max_misses)
    kept = [number for number in ordered if number <= ceiling]
    if len(kept) < len(ordered):
        logger.warning("listed ids past %d (%s) are fetched but not enumerated to", ceiling,
                       ", ".join(map(str, ordered[len(kept):][:5])))
    return kept[-1]


def is_dated(profile: SiteProfile, url: str) -> bool:
    """Whether ``url`` is an item of an enumerated (dated) kind: news, not a theme page."""
    item = profile.parse_item_url(url)
    return item is not None and item.kind in profile.urls.dated_kinds


def in_range(number: int | None, first: int, last: int | None) -> bool:
    """Whether an item id is within ``--ids FIRST-LAST`` (``FIRST-``: no upper end)."""
    return number is not None and number >= first and (last is None or number <= last)


def in_languages(profile: SiteProfile, url: str, languages: tuple[str, ...]) -> bool:
    item = profile.parse_item_url(url)
    return item is None or item.language in languages


def extend_tail(profile: SiteProfile, base_url: str, settings: CrawlSettings,
                state: CrawlState, url: str, newest: int) -> int:
    """An item beyond the newest known id: enumerate max_misses more ids past it (unless it
    is past :func:`id_ceiling` of the newest). Returns the newest id now enumerated."""
    number = item_number(profile, url)
    misses = profile.discovery.max_misses
    if number is None or settings.last_id or number + misses <= newest or \
            not is_dated(profile, url):
        return newest
    ceiling = id_ceiling(newest, misses)
    if number > ceiling:  # an item far past the rest: fetched, not enumerated to
        logger.warning("item %s is past id %d: the ids up to it are not enumerated", url,
                       ceiling)
        return newest
    start, newest = newest + 1, number + misses
    state.set_setting("newest", str(newest))
    for language in settings.languages:
        targets = [item_target(profile, base_url, language, each)
                   for each in range(start, newest + 1)]
        fresh = [target for target in targets if target is not None]
        state.add((each.url, each.key, each.origin) for each in fresh)  # read later
    return newest
