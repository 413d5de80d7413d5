"""What a WordPress site (the profile's ``[wordpress]``) adds to a record: the post's
categories and tags as section and topics, its date, its id, the dateline opening a press
release, and the repair of items migrated from an older site.

A post page shows its categories as links to ``/<category_base>/<path>`` (in alphabetical
order) and the *primary* category only in its permalink (``/<path>/<slug>``), so the section
is the category whose path the permalink starts with; where permalinks name no category
(``/<slug>``), it is the most specific category (a child before its parent). The other
categories, then the tags, are the topics. The date is the page's own ``<time datetime>`` (site time): JSON-LD and
``article:published_time`` are UTC, the day before for a post dated at midnight.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from scraper.document import Document, Link
from scraper.extract.body import Body
from scraper.extract.meta import parse_iso_date
from scraper.lexicons.patterns import ordinal_suffixes, words_alternation
from scraper.extract.relative_dates import date_vocabulary, normalise
from scraper.records import Dateline
from scraper.profiles import SiteProfile, WordPressRules
from scraper.text import normalise_space, parse_date

MAX_DATE_LINE = 40
"""A line longer than this is not a date line."""
_POST_ID = re.compile(r"\bpostid-(\d+)\b")


@functools.cache
def _day_month_year_pattern(languages: tuple[str, ...]) -> re.Pattern[str]:
    """"5 December 2025", "11 décembre", "1er mars": day (with the languages' ordinal
    suffixes), month name, optional year."""
    suffixes = words_alternation(ordinal_suffixes(languages), whole=False)
    return re.compile(rf"^(?P<day>\d{{1,2}})(?:{suffixes})?\s+(?P<month>[^\W\d_]+\.?)"
                      r"(?:\s+(?P<year>\d{4}))?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A post's section (primary category), topics (other categories, then tags) and trail
    (the primary category's path, parents first, as (name, archive URL))."""

    section: str | None
    topics: list[str]
    trail: list[tuple[str, str]]


def taxonomy(document: Document, rules: WordPressRules, tags: list[str]) -> Taxonomy | None:
    """Section and topics from the first line of category links of the page (the post's
    own; related-post cards come later), the primary one chosen by the permalink. ``tags``:
    the tag names already found (rel=tag links to tags, JSON-LD keywords)."""
    categories: list[Link] = []
    for block in document.blocks:
        if block.dropped is not None or block.furniture in ("navigation", "footer", "header"):
            continue
        categories = [link for link in block.links if _term_path(link.url, rules.category_base)]
        if categories:
            break
    if not categories:
        return None
    permalink = _permalink_path(document, rules)
    paths = [_term_path(link.url, rules.category_base) or "" for link in categories]
    primary = next((index for index, path in enumerate(paths) if permalink == path), None)
    if primary is None:  # a child category: the permalink names its last segment
        primary = next((index for index, path in enumerate(paths)
                        if permalink and path.rsplit("/", 1)[-1] == permalink.rsplit("/", 1)[-1]),
                       None)
    if primary is None:  # the permalink names no category: the most specific one (deepest
        # path; the first of equals), as a child category says more than its parent
        primary = max(range(len(paths)), key=lambda index: (paths[index].count("/"), -index))
    names = [link.text for link in categories]
    others = names[:primary] + names[primary + 1:]
    # The trail: each category whose path starts the primary one's, shortest first
    # (impactgoal-society, then impactgoal-society/twinning).
    chosen = paths[primary]
    trail = sorted(((len(path), names[index], categories[index].url)
                    for index, path in enumerate(paths)
                    if chosen == path or chosen.startswith(path + "/")))
    return Taxonomy(section=names[primary],
                    topics=list(dict.fromkeys([*others, *(tag for tag in tags
                                                           if tag not in names)])),
                    trail=[(name, url) for _, name, url in trail])


def is_term_link(href: str, base_url: str, base: str) -> bool:
    """Whether ``href`` points to a ``/<base>/...`` archive (a category or a tag)."""
    return _term_path(urljoin(base_url, href.strip()), base) is not None


def _term_path(url: str, base: str) -> str | None:
    """``path`` of a ``/<base>/<path>`` link (``/fr/<base>/...`` too), or None."""
    path = urlsplit(url).path.strip("/")
    parts = path.split("/")
    if parts and len(parts[0]) == 2 and parts[0].isalpha() and len(parts) > 2:
        parts = parts[1:]  # /fr/category/...
    if len(parts) >= 2 and parts[0] == base:
        return "/".join(parts[1:])
    return None


def _permalink_path(document: Document, rules: WordPressRules) -> str:
    """The category path of the post's permalink (its canonical URL without the language
    prefix and the slug)."""
    url = document.meta.get("canonical") or document.meta.get("og:url") or document.url
    path = urlsplit(url).path
    language = rules.language_prefix(url)
    if language is not None:
        path = "/" + path[len(language[1]):]
    return path.strip("/").rpartition("/")[0]


def published(document: Document, profile: SiteProfile) -> tuple[dt.date, str] | None:
    """The post's date: its first ``<time datetime>`` outside page furniture, in site time;
    else the first line outside furniture that is a date written in one of the profile's
    ``dates.formats`` ("2025-07-25", "23/01/2026"): the post's own date comes before the
    related posts' dates."""
    for mark in document.times:
        if mark.furniture is None:
            day = parse_iso_date(mark.datetime)
            if day is not None:
                return day, mark.datetime
    for block in document.blocks:
        if not block.is_content or len(block.text) > MAX_DATE_LINE:
            continue
        for form in profile.dates.formats:
            day = parse_date(block.text.strip(), form)
            if day is not None:
                return day, block.text.strip()
    return None


def post_id(document: Document) -> str | None:
    """The post id: from the shortlink (``?p=ID``) or the body's ``postid-ID`` class."""
    for link in document.markup_links:
        if link.tag == "link" and link.rel == "shortlink":
            found = parse_qs(urlsplit(link.href).query).get("p")
            if found and found[0].isdigit():
                return found[0]
    for name in document.names[:3]:
        match = _POST_ID.search(name)
        if match:
            return match.group(1)
    return None


def unglue_title(body: Body, title: str) -> Body:
    """The body without the title glued to its first paragraph ("Town twinning in
    EuropeSince 1951, ...": the old title, then the text with no space between)."""
    if not body.paragraphs or not title:
        return body
    first = body.paragraphs[0]
    if len(first) <= len(title) or normalise(first[:len(title)]) != normalise(title) or \
            not first[len(title)].isalnum():
        return body
    rest = first[len(title):].strip()
    paragraphs = (rest, *body.paragraphs[1:])
    return Body(paragraphs=paragraphs, lists=body.lists,
                text=body.text.replace(first, rest, 1), blocks=body.blocks)


def read_dateline(body: Body, profile: SiteProfile, languages: tuple[str, ...],
                  published_on: dt.date | None) -> Dateline | None:
    """The dateline at the start of one of the first paragraphs (a key-points list may come
    first): place and date; a date without a year takes the year nearest ``published_on``."""
    pattern = profile.site.dateline
    if pattern is None:
        return None
    months = date_vocabulary(languages).months
    for paragraph in body.paragraphs[:3]:
        match = pattern.match(paragraph)
        if match is None:
            continue
        day = _day_month_year(normalise_space(match.group("date")), months, published_on,
                              languages)
        if day is None:
            continue
        place = normalise_space(match.group("place")).rstrip(",")
        return Dateline(place=place, date=day)
    return None


def _day_month_year(text: str, months: dict[str, int], published_on: dt.date | None,
                    languages: tuple[str, ...]) -> dt.date | None:
    match = _day_month_year_pattern(languages).match(text)
    if match is None:
        return None
    month = months.get(normalise(match.group("month")).rstrip("."))
    if month is None:
        return None
    day = int(match.group("day"))
    try:
        if match.group("year"):
            return dt.date(int(match.group("year")), month, day)
        if published_on is None:
            return None
        candidates = [dt.date(year, month, day) for year in
                      (published_on.year - 1, published_on.year, published_on.year + 1)]
    except ValueError:  # 30 February
        return None
    return min(candidates, key=lambda candidate: abs((candidate - published_on).days))


__all__ = ["Taxonomy", "is_term_link", "post_id", "published", "read_dateline", "taxonomy", "unglue_title"]
