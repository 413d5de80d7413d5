"""A WordPress site as a source: where its posts are, and a post of the REST API as a page.

Discovery, most precise first:

1. the REST API: ``{api}/posts?per_page=100&page=N`` (``orderby=id``, oldest first, so that
   pages do not shift while new posts appear), its ``X-WP-Total`` / ``X-WP-TotalPages``
   headers saying how many pages to read, ``modified_after`` for an incremental run; the
   category and tag names from ``{api}/categories`` and ``{api}/tags``;
2. when the API is disabled or hidden (401, 403, 404, not JSON): the XML sitemaps (WordPress
   core's ``/wp-sitemap.xml`` or Yoast's ``/sitemap_index.xml``), their post sitemaps only;
3. then the category listing pages (``/category/<slug>/page/<n>``), card titles' links.

A post from the API carries everything the record needs but as fields, not as a page: it is
written out (:func:`post_page`) as the page the site would show (categories as links, the
date in ``<time>``, the content, the tags), so that a post read from the API and the same
post read from its page go through one extraction and give the same record.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.crawl.fetch import Fetcher
from scraper.crawl.settings import CrawlSettings
from scraper.crawl.state import CrawlState
from scraper.document import Page
from scraper.errors import FetchError
from scraper.profiles import SiteProfile, WordPressRules
from scraper.text import absolute_url, load_json, parse_count

logger = logging.getLogger(__name__)
JsonPost = dict[str, object]
_SITEMAP_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>", re.IGNORECASE)
_POST_SITEMAP = re.compile(r"post-sitemap|sitemap-posts-post", re.IGNORECASE)
_SITEMAP_INDEX = re.compile(r"<sitemapindex\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Term:
    """A category or a tag: its name (entities decoded) and archive link."""

    name: str
    link: str


def posts_url(base_url: str, rules: WordPressRules, page: int, *,
              modified_after: str | None = None) -> str:
    """One page of the posts endpoint, oldest post first."""
    query = {"per_page": rules.per_page, "page": page, "orderby": "id", "order": "asc",
             "status": "publish"}
    if modified_after:
        query["modified_after"] = modified_after
    return f"{base_url.rstrip('/')}{rules.api}/posts?{urlencode(query)}"


def terms_url(base_url: str, rules: WordPressRules, taxonomy: str, page: int) -> str:
    """One page of ``categories`` or ``tags``."""
    query = urlencode({"per_page": 100, "page": page})
    return f"{base_url.rstrip('/')}{rules.api}/{taxonomy}?{query}"


def total_pages(headers: Mapping[str, str]) -> int:
    """``X-WP-TotalPages`` (1 when absent or garbled: "²", thousands of digits)."""
    return max(1, parse_count(headers.get("x-wp-totalpages")) or 1)


def parse_json_list(body: bytes, url: str) -> list[JsonPost]:
    """The JSON array a collection endpoint answers, objects only."""
    try:
        data = load_json(body)
    except ValueError as error:
        raise FetchError(f"{url}: not JSON ({str(error)[:200]})", url=url) from error
    if not isinstance(data, list):
        raise FetchError(f"{url}: expected a JSON array, got {type(data).__name__}", url=url)
    return [item for item in data if isinstance(item, dict)]


def parse_terms(items: list[JsonPost]) -> dict[int, Term]:
    """Term id -> name and link."""
    terms: dict[int, Term] = {}
    for item in items:
        term_id, name, link = item.get("id"), item.get("name"), item.get("link")
        if isinstance(term_id, int) and isinstance(name, str):
            terms[term_id] = Term(name=html.unescape(name).strip(),
                                  link=link if isinstance(link, str) else "")
    return terms


def post_link(post: JsonPost) -> str | None:
    link = post.get("link")
    return link if isinstance(link, str) and link.startswith(("http://", "https://")) else None


def _rendered(post: JsonPost, field: str) -> str:
    value = post.get(field)
    if isinstance(value, dict) and isinstance(value.get("rendered"), str):
        return str(value["rendered"])
    return ""


def post_language(post: JsonPost, rules: WordPressRules, default: str) -> str:
    """The post's language: Polylang's ``lang`` field, else its link's language prefix."""
    language = post.get("lang")
    if isinstance(language, str) and len(language) == 2:
        return language
    found = rules.language_prefix(post_link(post) or "")
    return found[0] if found else default


def post_page(post: JsonPost, categories: Mapping[int, Term], tags: Mapping[int, Term],
              profile: SiteProfile, base_url: str) -> str:
    """The page of an API post, as the site lays one out: title, canonical link and
    shortlink, category links, ``<time>``, the content, tag links."""
    rules = profile.wordpress
    link = post_link(post) or ""
    post_id = post.get("id")
    date = post.get("date") if isinstance(post.get("date"), str) else ""

    def term_links(ids: object, terms: Mapping[int, Term], kind: str) -> str:
        found = [terms[each] for each in ids if isinstance(each, int) and each in terms] \
            if isinstance(ids, list) else []
        anchors = "".join(f'<a href="{html.escape(term.link)}" rel="tag">'
                          f"{html.escape(term.name)}</a>" for term in found)
        return f'<div class="taxonomy-{kind}">{anchors}</div>' if anchors else ""

    language = post_language(post, rules, profile.urls.default_language)
    return (
        f'<!DOCTYPE html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        f"<title>{_rendered(post, 'title')}</title>"
        f'<link rel="canonical" href="{html.escape(link)}">'
        f'<link rel="shortlink" href="{html.escape(base_url.rstrip("/"))}/?p={post_id}">'
        f'</head><body class="single-post postid-{post_id}"><main>'
        f'{term_links(post.get("categories"), categories, "category")}'
        f'<div class="post-date"><time datetime="{html.escape(str(date))}">'
        f"{html.escape(str(date)[:10])}</time></div>"
        f'<div class="entry-content">{_rendered(post, "content")}</div>'
        f'{term_links(post.get("tags"), tags, "post_tag")}'
        "</main></body></html>"
    )


def sitemap_locations(body: str) -> tuple[bool, list[str]]:
    """(is an index, the ``<loc>`` URLs) of a sitemap."""
    return bool(_SITEMAP_INDEX.search(body)), [html.unescape(loc)
                                               for loc in _SITEMAP_LOC.findall(body)]


def is_post_sitemap(url: str) -> bool:
    """Whether a sitemap of an index lists posts (not pages, categories or authors)."""
    return bool(_POST_SITEMAP.search(urlsplit(url).path))


def is_post_url(url: str, profile: SiteProfile) -> bool:
    """Whether ``url`` may be a post: on the site, not the home page, an archive, the API,
    an upload or a feed."""
    rules = profile.wordpress
    parts = urlsplit(url)
    path = parts.path.strip("/")
    segments = path.split("/")
    if segments and segments[0] in {prefix.strip("/") for prefix in
                                    rules.language_prefixes.values()}:
        segments = segments[1:]
    if not segments or not segments[0] or parts.query:
        return False
    return segments[0] not in {rules.category_base, rules.tag_base, "author", "page", "feed",
                               "wp-json", "wp-content", "wp-admin", "wp-includes"}


def listing_links(body: str, page_url: str, profile: SiteProfile) -> list[str]:
    """Post links of a category listing page: the titles of its cards (links in headings),
    each once, in page order."""
    found: dict[str, None] = {}
    for node in LexborHTMLParser(body).css("h2 a[href], h3 a[href], h4 a[href]"):
        url = absolute_url(page_url, node.attributes.get("href") or "")
        if url is not None and is_post_url(url, profile):
            found.setdefault(url.split("#")[0], None)
    return list(found)


def on_base(url: str, base_url: str) -> str:
    """``url`` moved onto ``base_url``'s scheme and host (a mirror of the site)."""
    parts, base = urlsplit(url), urlsplit(base_url)
    return parts._replace(scheme=base.scheme, netloc=base.netloc).geturl()


# Discovery ----------------------------------------------------------------------------

JSON_TYPES = ("application/json", "text/json")
MAX_SITEMAPS = 200
"""Sitemaps read for one site at most (a large WordPress site has a few dozen; issue 15)."""
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "text/html")


async def discover_wordpress(fetcher: Fetcher, profile: SiteProfile, base_url: str,
                             languages: tuple[str, ...], state: CrawlState, *,
                             modified_after: str | None = None, refresh: bool = False) -> str:
    """Fill ``state`` with the site's posts; returns how they were found ("api",
    "sitemap" or "listing"). ``refresh`` (a crawl read through the API before): ask the API
    only for the posts modified since the newest one seen then, and crawl those again."""
    rules = profile.wordpress
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
    state.add((on_base(url, base_url), url, way) for url in urls
              if _language(url, rules, profile) in languages)
    return way


async def discover_posts(fetcher: Fetcher, profile: SiteProfile, base_url: str,
                         settings: CrawlSettings, state: CrawlState) -> str:
    """Posts from the REST API (paged by its ``X-WP-TotalPages``; ``--modified-after``),
    else the post sitemaps, else the category listings; a ``--refresh`` run asks the API
    only what changed.

    :func:`discover_wordpress` with the crawl's settings."""
    return await discover_wordpress(fetcher, profile, base_url, settings.languages, state,
                                    modified_after=settings.modified_after,
                                    refresh=settings.refresh)


async def _from_api(fetcher: Fetcher, profile: SiteProfile, rules: WordPressRules,
                    base_url: str, languages: tuple[str, ...], state: CrawlState,
                    modified_after: str | None, *, refresh: bool = False) -> bool:
    """Posts page by page. False when the API does not answer (the sitemaps are read
    instead). A page that fails or is not a JSON array costs its posts, not the crawl: the
    pages after it are read, and the sitemaps too, to find the posts it held. Reading stops
    at ``X-WP-TotalPages`` or at the first page without posts, whichever comes first (a
    server announcing a million pages is not asked a million times)."""
    first = await _api_page(fetcher, base_url, rules, 1, modified_after)
    if isinstance(first, str):
        logger.warning("WordPress API: %s; trying the sitemaps", first)
        return False
    terms = {taxonomy: await _terms(fetcher, rules, base_url, taxonomy)
             for taxonomy in ("categories", "tags")}
    state.set_setting("wp_terms", json.dumps(terms))
    answer: tuple[list[JsonPost], Page] | str = first
    pages, missed, seen = total_pages(first[1].headers), [], set[str]()
    for page in range(1, pages + 1):
        if page > 1:
            answer = await _api_page(fetcher, base_url, rules, page, modified_after)
        if isinstance(answer, str):
            logger.error("WordPress API page %d of %d: %s", page, pages, answer)
            missed.append(page)
            continue
        posts, source = answer
        fresh = {str(post.get("id")) + (post_link(post) or "") for post in posts} - seen
        if not fresh:
            if page < pages:
                logger.warning("WordPress API page %d of %d holds no new posts: the pages "
                               "after it are not asked", page, pages)
            break
        seen |= fresh
        _keep_posts(posts, profile, rules, base_url, languages, state, source,
                    refresh=refresh)
    if missed:
        urls = await _from_sitemaps(fetcher, profile, rules, base_url)
        logger.warning("WordPress API pages %s unreadable: the sitemaps' %d posts added",
                       ", ".join(map(str, missed[:10])), len(urls))
        state.add((on_base(url, base_url), url, "sitemap") for url in urls
                  if _language(url, rules, profile) in languages)
    return True


async def _api_page(fetcher: Fetcher, base_url: str, rules: WordPressRules, page: int,
                    modified_after: str | None) -> tuple[list[JsonPost], Page] | str:
    """The posts of one page of the API and the page, or why there are none."""
    result = await fetcher.fetch(posts_url(base_url, rules, page,
                                           modified_after=modified_after), types=JSON_TYPES)
    if result.outcome != "done" or result.page is None:
        return result.reason or result.outcome
    try:
        return parse_json_list(result.page.body, result.page.final_url), result.page
    except FetchError as error:
        return str(error)[:300]


def plausible_modified(value: object, now: datetime | None = None) -> str | None:
    """A post's ``modified`` time fit to be the ``--refresh`` watermark: an ISO time no
    later than a day from now. A post modified "9999-12-31" would hide every later change.

    >>> plausible_modified("2024-03-01T10:00:00", datetime(2025, 1, 1))
    '2024-03-01T10:00:00'
    >>> plausible_modified("9999-12-31T23:59:59") is None
    True
    """
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    limit = (now or datetime.now()) + timedelta(days=1)
    return value if moment.replace(tzinfo=None) <= limit.replace(tzinfo=None) else None


def _keep_posts(posts: list[JsonPost], profile: SiteProfile, rules: WordPressRules,
                base_url: str, languages: tuple[str, ...], state: CrawlState,
                source: Page, *, refresh: bool = False) -> None:
    rows, payloads = [], []
    newest = state.get_setting("wp_modified") or ""
    for post in posts:
        modified = plausible_modified(post.get("modified"))
        if modified is not None and modified > newest:
            newest = modified
        link = post_link(post)
        if link is None or post_language(
                post, rules, profile.urls.default_language) not in languages:
            continue
        url = on_base(link, base_url)
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
        result = await fetcher.fetch(terms_url(base_url, rules, taxonomy, page),
                                     types=JSON_TYPES)
        try:
            if result.outcome != "done" or result.page is None:
                raise FetchError(result.reason or result.outcome, url=result.url)
            terms = parse_terms(parse_json_list(result.page.body, result.page.final_url))
        except FetchError as error:
            logger.warning("WordPress %s page %d: %s (their names stay unknown)", taxonomy,
                           page, str(error)[:300])
            break
        if not set(terms) - set(found):  # an empty or repeated page: the end
            break
        pages = total_pages(result.page.headers)
        found.update((term_id, (term.name, term.link)) for term_id, term in terms.items())
        page += 1
    return found


async def _from_sitemaps(fetcher: Fetcher, profile: SiteProfile, rules: WordPressRules,
                         base_url: str) -> list[str]:
    for path in rules.sitemaps:
        pending, found = [base_url.rstrip("/") + path], dict[str, None]()
        seen: set[str] = set()
        while pending and len(seen) < MAX_SITEMAPS:
            url = pending.pop(0)
            if url in seen:  # an index listing itself, or two indexes listing each other
                continue
            seen.add(url)
            result = await fetcher.fetch(url, types=XML_TYPES)
            if result.outcome != "done" or result.page is None:
                break
            is_index, locations = sitemap_locations(
                result.page.body.decode("utf-8", "replace"))
            if is_index:
                pending.extend(on_base(url, base_url) for url in locations
                               if is_post_sitemap(url))
            else:
                found.update((url, None) for url in locations
                             if is_post_url(url, profile))
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
            links = listing_links(result.page.body.decode("utf-8", "replace"),
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
    (:func:`scraper.post_page`), and the post's JSON as a fetched page (the API
    page's address and time), or None if the state holds no post for ``url``."""
    kept = state.payload(url)
    if kept is None:
        return None
    body, source, fetched_at = kept
    terms = json.loads(state.get_setting("wp_terms") or "{}")

    def named(taxonomy: str) -> dict[int, Term]:
        return {int(term_id): Term(name=name, link=link)
                for term_id, (name, link) in terms.get(taxonomy, {}).items()}

    html = post_page(json.loads(body), named("categories"), named("tags"), profile,
                               base_url)
    return html, Page(url=url, final_url=source, status=200,
                      headers={"content-type": "application/json"}, body=body,
                      fetched_at=datetime.fromisoformat(fetched_at))


__all__ = ["discover_posts", "discover_wordpress", "payload_page", "JsonPost", "Term", "is_post_sitemap", "is_post_url", "listing_links", "on_base",
           "parse_json_list", "parse_terms", "post_language", "post_link", "post_page",
           "posts_url", "sitemap_locations", "terms_url", "total_pages"]
