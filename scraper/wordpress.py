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
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.errors import FetchError
from scraper.profile import SiteProfile, WordPressRules
from scraper.text import absolute_url

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
    """``X-WP-TotalPages`` (1 when absent or garbled)."""
    value = headers.get("x-wp-totalpages", "1").strip()
    return max(1, int(value)) if value.isdigit() else 1


def parse_json_list(body: bytes, url: str) -> list[JsonPost]:
    """The JSON array a collection endpoint answers, objects only."""
    try:
        data = json.loads(body)
    except ValueError as error:
        raise FetchError(f"{url}: not JSON ({error})", url=url) from error
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
    rules = profile.wordpress or WordPressRules()
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
    rules = profile.wordpress or WordPressRules()
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


__all__ = ["JsonPost", "Term", "is_post_sitemap", "is_post_url", "listing_links", "on_base",
           "parse_json_list", "parse_terms", "post_language", "post_link", "post_page",
           "posts_url", "sitemap_locations", "terms_url", "total_pages"]
