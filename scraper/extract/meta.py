"""Fields read from markup hints and page furniture: site name, title, publication date
from markup, pager links, translations, topics from tags, body language."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from itertools import chain

from scraper.caches import page_cache
from scraper.document import Block, Document, JsonObject
from scraper.profiles import SiteProfile
from scraper.lexicons import load_common_words
from scraper.text import absolute_url, language_of_words, normalise_space, words

ARTICLE_TYPES = ("Article", "NewsArticle", "BlogPosting", "Report", "WebPage",
                 "AnalysisNewsArticle", "ReportageNewsArticle", "PressRelease")
PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished",
                  "publication_date", "date", "dc.date.issued", "dc.date", "dcterms.date",
                  "pubdate", "sailthru.date", "parsely-pub-date")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_PAGER_NOISE = re.compile(r"[\s<>«»‹›←→|]+")


def json_ld_of_type(document: Document, *types: str) -> JsonObject | None:
    """The first JSON-LD object whose @type is one of ``types``."""
    for data in document.json_ld:
        kind = data.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(each, str) and each in types for each in kinds):
            return data
    return None


def _string(value: object) -> str | None:
    if isinstance(value, str) and normalise_space(value):
        return normalise_space(value)
    return None


def extract_site_name(document: Document, profile: SiteProfile) -> str | None:
    """The site header's name line, else og:site_name or JSON-LD publisher / WebSite name,
    else the profile's name for the URL's language."""
    names = {header.site_name.casefold(): header.site_name for header in profile.header.values()}
    for block in document.blocks[:60]:
        if block.is_kept and block.text.casefold() in names:
            return names[block.text.casefold()]
    found = _string(document.meta.get("og:site_name"))
    if found:
        return found
    article = json_ld_of_type(document, *ARTICLE_TYPES)
    publisher = article.get("publisher") if article else None
    if isinstance(publisher, dict) and _string(publisher.get("name")):
        return _string(publisher.get("name"))
    website = json_ld_of_type(document, "WebSite", "Organization")
    if website and _string(website.get("name")):
        return _string(website.get("name"))
    item = profile.parse_item_url(document.url)
    if item is not None and item.language in profile.header:
        return profile.header[item.language].site_name
    return None


def extract_markup_title(document: Document) -> str:
    """Title from markup when the layout gave none: first content <h1>, JSON-LD headline,
    og:title, <title>."""
    for block in document.blocks:
        if block.kind == "h1" and block.is_content:
            return block.text
    article = json_ld_of_type(document, *ARTICLE_TYPES)
    for candidate in (
        article.get("headline") if article else None,
        document.meta.get("og:title"),
        document.meta.get("title"),
    ):
        text = _string(candidate)
        if text:
            return text
    return ""


def parse_iso_date(value: str) -> dt.date | None:
    """The date part of an ISO 8601 string, or None."""
    match = _ISO_DATE.match(value)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def extract_markup_published(document: Document) -> tuple[dt.date, str] | None:
    """Publication date from JSON-LD datePublished, a content <time datetime>, or meta tags
    (never dateModified), with the raw value."""
    article = json_ld_of_type(document, *ARTICLE_TYPES)
    candidates: list[object] = [article.get("datePublished") if article else None]
    candidates += [mark.datetime for mark in document.times if mark.furniture is None]
    candidates += [document.meta.get(name) for name in PUBLISHED_META]
    for candidate in candidates:
        if isinstance(candidate, str):
            parsed = parse_iso_date(candidate)
            if parsed is not None:
                return parsed, candidate.strip()
    return None


def extract_pager(document: Document, profile: SiteProfile) -> tuple[str | None, str | None]:
    """(previous_url, next_url): links labelled with the profile's pager words."""
    next_words = {word.casefold() for word in profile.pager.next}
    previous_words = {word.casefold() for word in profile.pager.previous}
    previous_url = next_url = None
    for block in document.blocks:
        if not block.is_kept or block.furniture == "sidebar":
            continue
        for link in block.links:
            label = _pager_label(link.text)
            if label in next_words and next_url is None:
                next_url = link.url
            elif label in previous_words and previous_url is None:
                previous_url = link.url
    for marked in document.markup_links:
        rel = marked.rel.lower().split()
        href = absolute_url(document.url, marked.href)
        if href is None:
            continue
        if "next" in rel and next_url is None:
            next_url = href
        if ("prev" in rel or "previous" in rel) and previous_url is None:
            previous_url = href
    return _http(previous_url), _http(next_url)


@page_cache(maxsize=1024)
def _pager_label(text: str) -> str:
    """A link's text as pager words are compared with it (cached: menus repeat)."""
    return _PAGER_NOISE.sub(" ", text).strip().casefold()


def _http(url: str | None) -> str | None:
    return url if url and url.startswith(("http://", "https://")) else None


def extract_translations(document: Document, profile: SiteProfile,
                         language: str | None) -> dict[str, str]:
    """Other languages' URLs of this item: links that the profile's URL grammar reads as the
    same item in another language, and ``<link rel=alternate hreflang>``."""
    own = profile.parse_item_url(document.url)
    found: dict[str, str] = {}
    if own is not None:
        for block in document.blocks:
            for link in block.links:
                other = profile.parse_item_url(link.url)
                if (other is not None and other.kind == own.kind and other.item_id == own.item_id
                        and other.language != own.language and other.language not in found):
                    found[other.language] = link.url
    own_language = own.language if own is not None else language
    for marked in document.markup_links:
        if marked.tag != "link" or marked.rel != "alternate" or not marked.hreflang:
            continue
        code = marked.hreflang.split("-")[0].lower()
        href = absolute_url(document.url, marked.href)
        if (href is not None and len(code) == 2 and code.isalpha() and code != own_language
                and code not in found and href != document.url):
            found[code] = href
    return found


def extract_markup_topics(document: Document, *, rel_tag: bool = True) -> tuple[str, ...]:
    """Tags from markup: rel=tag links (unless ``rel_tag`` is false: WordPress marks its
    category links so too), JSON-LD keywords, article:tag meta."""
    topics: list[str] = []
    for link in document.markup_links if rel_tag else ():
        if link.tag != "a" or "tag" not in link.rel.split():
            continue
        text = _string(link.text)
        if text and text not in topics:
            topics.append(text)
    if topics:
        return tuple(topics)
    article = json_ld_of_type(document, *ARTICLE_TYPES)
    keywords = article.get("keywords") if article else None
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    if isinstance(keywords, list):
        topics = [text for keyword in keywords if (text := _string(keyword))]
    if not topics and document.meta.get("article:tag"):
        topics = [document.meta["article:tag"]]
    return tuple(topics)


def detect_language(body: list[Block] | list[str], document: Document,
                    profile: SiteProfile) -> str | None:
    """ISO 639-1 code of the body text (interface notes ignored); the page's declared
    language only when the body is too short to tell."""
    notes = {note.casefold() for note in profile.content.interface_notes}
    texts = [item.text if isinstance(item, Block) else item for item in body]
    # Line by line (the cleaner has already read these lines), counted in one go.
    counts = Counter(chain.from_iterable(words(text) for text in texts
                                         if text.casefold() not in notes))
    language = language_of_words(counts, load_common_words().stopwords)
    if language is None:
        declared = document.meta.get("html_lang", "").split("-")[0].lower()
        language = declared if len(declared) == 2 and declared.isalpha() else None
    return language
