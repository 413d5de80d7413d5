"""Discovery for the sources beyond the legacy site's id enumeration: a WordPress site
(:mod:`scraper.wordpress`: REST API, else sitemaps, else category listings) and a web
archive's captures of the legacy site (:mod:`scraper.wayback`: the CDX API). Each fills the
crawl state with one URL per item, keyed by the item's identity, so the crawl loop, resume,
retries and the exactly-once output work the same for every source.

A WordPress post read from an API page is kept in the state (``payloads``) with the time
and address of that page: its record is made from it, with no request of its own.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from scraper import wayback, wordpress
from scraper.document import Page
from scraper.errors import FetchError
from scraper.fetch import Fetcher
from scraper.profile import SiteProfile, WordPressRules
from scraper.state import CrawlState

logger = logging.getLogger(__name__)
JSON_TYPES = ("application/json", "text/json")
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "text/html")
CDX_TYPES = ("application/json", "text/plain", "text/json")


# --- WordPress --------------------------------------------------------------------------

async def discover_wordpress(fetcher: Fetcher, profile: SiteProfile, base_url: str,
                             languages: tuple[str, ...], state: CrawlState, *,
                             modified_after: str | None = None, refresh: bool = False) -> str:
    """Fill ``state`` with the site's posts; returns how they were found ("api",
    "sitemap" or "listing"). ``refresh`` (a crawl read through the API before): ask the API
    only for the posts modified since the newest one seen then, and crawl those again."""
    rules = profile.wordpress or WordPressRules()
    if refresh and modified_after is None:
        modified_after = state.get_setting("wp_modified")
    if await _from_api(fetcher, profile, rules, base_url, languages, state, modified_after,
                       refresh=refresh):
        return "api"
    if refresh:
        state.reset(["done"])  # no API: every page again, conditionally (304 if unchanged)
    if modified_after:
        logger.warning("the REST API does not answer: --modified-after cannot be honoured, "
                       "every post found is crawled")
    urls = await _from_sitemaps(fetcher, profile, rules, base_url)
    way = "sitemap"
    if not urls:
        urls = await _from_listings(fetcher, profile, rules, base_url, languages)
        way = "listing"
    state.add((wordpress.on_base(url, base_url), url, way) for url in urls
              if _language(url, rules, profile) in languages)
    return way


async def _from_api(fetcher: Fetcher, profile: SiteProfile, rules: WordPressRules,
                    base_url: str, languages: tuple[str, ...], state: CrawlState,
                    modified_after: str | None, *, refresh: bool = False) -> bool:
    first = await fetcher.fetch(wordpress.posts_url(base_url, rules, 1,
                                                    modified_after=modified_after),
                                types=JSON_TYPES)
    if first.outcome != "done" or first.page is None:
        logger.warning("WordPress API: %s; trying the sitemaps", first.reason)
        return False
    terms = {taxonomy: await _terms(fetcher, rules, base_url, taxonomy)
             for taxonomy in ("categories", "tags")}
    state.set_setting("wp_terms", json.dumps(terms))
    page, pages, result = 1, wordpress.total_pages(first.page.headers), first
    while True:
        assert result.page is not None
        posts = wordpress.parse_json_list(result.page.body, result.page.final_url)
        _keep_posts(posts, profile, rules, base_url, languages, state, result.page,
                    refresh=refresh)
        page += 1
        if page > pages:
            return True
        result = await fetcher.fetch(wordpress.posts_url(base_url, rules, page,
                                                         modified_after=modified_after),
                                     types=JSON_TYPES)
        if result.outcome != "done" or result.page is None:
            logger.error("WordPress API page %d of %d: %s; the posts of the pages read are "
                         "crawled", page, pages, result.reason)
            return True


def _keep_posts(posts: list[wordpress.JsonPost], profile: SiteProfile, rules: WordPressRules,
                base_url: str, languages: tuple[str, ...], state: CrawlState,
                source: Page, *, refresh: bool = False) -> None:
    rows, payloads = [], []
    newest = state.get_setting("wp_modified") or ""
    for post in posts:
        modified = post.get("modified")
        if isinstance(modified, str) and modified > newest:
            newest = modified
        link = wordpress.post_link(post)
        if link is None or wordpress.post_language(
                post, rules, profile.urls.default_language) not in languages:
            continue
        url = wordpress.on_base(link, base_url)
        rows.append((url, link, "api"))
        payloads.append((url, json.dumps(post, ensure_ascii=False).encode("utf-8"),
                         source.final_url, source.fetched_at.isoformat()))
    state.add(rows)
    state.put_payloads(payloads)
    if refresh:  # changed since the last run: crawl them again
        state.reset_urls(url for url, _, _ in rows)
    if newest:
        state.set_setting("wp_modified", newest)


async def _terms(fetcher: Fetcher, rules: WordPressRules, base_url: str,
                 taxonomy: str) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    page, pages = 1, 1
    while page <= pages:
        result = await fetcher.fetch(wordpress.terms_url(base_url, rules, taxonomy, page),
                                     types=JSON_TYPES)
        if result.outcome != "done" or result.page is None:
            logger.warning("WordPress %s page %d: %s (their names stay unknown)", taxonomy,
                           page, result.reason)
            break
        pages = wordpress.total_pages(result.page.headers)
        terms = wordpress.parse_terms(wordpress.parse_json_list(result.page.body,
                                                                result.page.final_url))
        found.update((term_id, (term.name, term.link)) for term_id, term in terms.items())
        page += 1
    return found


async def _from_sitemaps(fetcher: Fetcher, profile: SiteProfile, rules: WordPressRules,
                         base_url: str) -> list[str]:
    for path in rules.sitemaps:
        pending, found = [base_url.rstrip("/") + path], dict[str, None]()
        while pending:
            result = await fetcher.fetch(pending.pop(0), types=XML_TYPES)
            if result.outcome != "done" or result.page is None:
                break
            is_index, locations = wordpress.sitemap_locations(
                result.page.body.decode("utf-8", "replace"))
            if is_index:
                pending.extend(wordpress.on_base(url, base_url) for url in locations
                               if wordpress.is_post_sitemap(url))
            else:
                found.update((url, None) for url in locations
                             if wordpress.is_post_url(url, profile))
        if found:
            logger.info("sitemap %s: %d posts", path, len(found))
            return list(found)
    return []


async def _from_listings(fetcher: Fetcher, profile: SiteProfile, rules: WordPressRules,
                         base_url: str, languages: tuple[str, ...]) -> list[str]:
    found: dict[str, None] = {}
    for listing in rules.listings:
        if _language(listing, rules, profile) not in languages:
            continue
        first = base_url.rstrip("/") + listing
        for number in range(1, rules.max_listing_pages + 1):
            url = first if number == 1 else rules.listing_page_template.format(
                listing=first, page=number)
            result = await fetcher.fetch(url)
            if result.outcome != "done" or result.page is None:
                break
            links = wordpress.listing_links(result.page.body.decode("utf-8", "replace"),
                                            result.page.final_url, profile)
            fresh = [link for link in links if link not in found]
            if not fresh:
                break
            found.update((link, None) for link in fresh)
    return list(found)


def _language(url: str, rules: WordPressRules, profile: SiteProfile) -> str:
    found = rules.language_prefix(url if "://" in url else "http://host" + url)
    return found[0] if found else profile.urls.default_language


def payload_page(state: CrawlState, url: str, profile: SiteProfile,
                 base_url: str) -> tuple[str, Page] | None:
    """A post kept from an API page: the page written out for it
    (:func:`scraper.wordpress.post_page`), and the post's JSON as a fetched page (the API
    page's address and time), or None if the state holds no post for ``url``."""
    kept = state.payload(url)
    if kept is None:
        return None
    body, source, fetched_at = kept
    terms = json.loads(state.get_setting("wp_terms") or "{}")

    def named(taxonomy: str) -> dict[int, wordpress.Term]:
        return {int(term_id): wordpress.Term(name=name, link=link)
                for term_id, (name, link) in terms.get(taxonomy, {}).items()}

    html = wordpress.post_page(json.loads(body), named("categories"), named("tags"), profile,
                               base_url)
    return html, Page(url=url, final_url=source, status=200,
                      headers={"content-type": "application/json"}, body=body,
                      fetched_at=datetime.fromisoformat(fetched_at))


# --- web archive ------------------------------------------------------------------------

async def discover_wayback(fetcher: Fetcher, profile: SiteProfile, archive_base: str,
                           languages: tuple[str, ...], state: CrawlState, *,
                           as_of: datetime | None = None) -> int:
    """Fill ``state`` with one capture per item of the site's hosts: the newest, or the one
    nearest ``as_of``. Returns how many."""
    captures: list[wayback.Capture] = []
    # The index finds www.HOST under HOST (its keys drop "www."): one query per site and
    # item path, read a page of rows at a time.
    for host in dict.fromkeys(host.removeprefix("www.") for host in profile.urls.hosts):
        for path in wayback.item_prefixes(profile, languages):
            captures.extend(await _index(fetcher, archive_base, host, path))
    chosen = wayback.choose_captures(captures, profile, as_of=as_of, languages=languages)
    state.add((wayback.capture_url(archive_base, capture), profile.item_key(capture.original),
               "archived") for capture in chosen)
    return len(chosen)


async def _index(fetcher: Fetcher, archive_base: str, host: str,
                 path: str) -> list[wayback.Capture]:
    """Every capture the archive's index lists under ``host`` + ``path``, page by page."""
    found: list[wayback.Capture] = []
    resume: str | None = None
    while True:
        query = wayback.cdx_query_url(archive_base, host, path, limit=wayback.CDX_PAGE_ROWS,
                                      resume_key=resume)
        result = await fetcher.fetch(query, types=CDX_TYPES)
        if result.outcome != "done" or result.page is None:
            logger.warning("web archive index for %s%s: %s", host, path, result.reason)
            return found
        text = result.page.body.decode("utf-8", "replace")
        try:
            found.extend(wayback.parse_cdx(text, url=query))
        except FetchError as error:  # an "offline for maintenance" page, say
            logger.warning("web archive index for %s%s: %s", host, path, error)
            return found
        resume = wayback.cdx_resume_key(text)
        if resume is None:
            return found


__all__ = ["discover_wayback", "discover_wordpress",
           "payload_page"]
