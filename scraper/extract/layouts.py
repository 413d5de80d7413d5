"""Layout strategies: how an article page is read, chosen by the profile's ``layout`` name.

Each strategy reads what depends on the page's shape (the body, the title, and where the
shape says them: section, topics, date, id, category trail) into one :class:`Reading`; the
extract stage then fills the fields every page has the same way. A profile's CSS selectors
(``[selectors]``) override any of these afterwards.

- ``category-date``: the legacy CEMR shape (:mod:`scraper.extract.category_date`); a page
  with neither its anchor line nor a trail is read as ``main-text``.
- ``wordpress``: a post (:mod:`scraper.extract.wordpress`): the main text, then section and
  topics from category and tag links, the date from ``<time>``, the id from the shortlink.
- ``main-text``: any page: our main-text selector, then trafilatura, then every content block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from scraper.document import Block, Document, Removal
from scraper.errors import ProfileError
from scraper.extract.wordpress import is_term_link, post_id, taxonomy
from scraper.extract.wordpress import published as post_published
from scraper.extract.body import (
    Body,
    body_from_blocks,
    body_from_content,
    body_from_trafilatura,
)
from scraper.extract.category_date import category_match, find_layout, theme_line
from scraper.extract.dates import extract_published
from scraper.extract.main_text import select_main_text
from scraper.extract.meta import detect_language, extract_markup_title, extract_markup_topics
from scraper.records import Breadcrumb, Contact
from scraper.profiles import SiteProfile


@dataclass(slots=True)
class Reading:
    """What a layout read off a page; None (or empty) where its shape says nothing."""

    body: Body
    language: str | None
    title: str
    removed: list[Removal] = field(default_factory=list)
    section: str | None = None
    topics: list[str] | None = None
    published: dt.date | None = None
    published_raw: str | None = None
    item_id: str | None = None
    trail: tuple[Breadcrumb, ...] = ()
    """A category trail standing for the page's breadcrumb (a post shows none)."""
    contacts: list[Contact] = field(default_factory=list)
    """Press contact blocks the layout took out of the body."""


Reader = Callable[[Document, SiteProfile, int], Reading]


def read_main_text(document: Document, profile: SiteProfile,
                   max_fallback_chars: int) -> Reading:
    """Any page: our main-text selector (F1 0.982 on the public benchmark, trafilatura
    0.960), then trafilatura, then every content block."""
    selection = select_main_text(document)
    body = body_from_blocks(list(selection.blocks))
    if not body.text and len(document.html) <= max_fallback_chars:
        body = body_from_trafilatura(document.html, document.url)
    if not body.text:
        body = body_from_content(document)[0]
    return Reading(body=body, language=detect_language(list(body.paragraphs), document, profile),
                   title=extract_markup_title(document), removed=list(selection.removed),
                   contacts=list(selection.contacts))


def read_category_date(document: Document, profile: SiteProfile,
                       max_fallback_chars: int) -> Reading:
    """The legacy CEMR shape: anchored on the category-date line (or the trail)."""
    layout = find_layout(document, profile)
    if layout.anchor is None:
        return read_main_text(document, profile, max_fallback_chars)
    blocks = document.blocks
    body_blocks: list[Block] = [blocks[index] for index in layout.body]
    title = blocks[layout.title].text if layout.title is not None else ""
    if not title and layout.category_line is not None:
        title = extract_markup_title(document)
    reading = Reading(body=body_from_blocks(body_blocks),
                      language=detect_language(body_blocks, document, profile),
                      title=title, removed=list(layout.removed))
    if layout.category_line is not None:
        line = blocks[layout.category_line].text
        match = category_match(line, profile)
        if match is not None:
            reading.section = match.group("section").strip()
            dated = extract_published(line, profile, match)
            if dated is not None:
                reading.published, reading.published_raw = dated
    theme = theme_line(document, layout, profile)
    if theme is not None:
        reading.topics = [link.text for link in theme.links] if len(theme.links) > 1 \
            else [theme.text]
    return reading


def read_wordpress(document: Document, profile: SiteProfile,
                   max_fallback_chars: int) -> Reading:
    """A WordPress post: the main text; section, topics and trail from its category and tag
    links (the primary category is the one its permalink names), the date from its
    ``<time>`` (site time), the id from its shortlink."""
    reading = read_main_text(document, profile, max_fallback_chars)
    rules = profile.wordpress
    tags = [link.text for link in document.markup_links
            if link.tag == "a" and "tag" in link.rel.split() and link.text.strip()
            and is_term_link(link.href, document.url, rules.tag_base)]
    if not tags:
        tags = list(extract_markup_topics(document, rel_tag=False))
    found = taxonomy(document, rules, tags)
    dated = post_published(document, profile)
    if dated is not None:
        reading.published, reading.published_raw = dated
    reading.item_id = post_id(document)
    if found is not None:
        reading.section, reading.topics = found.section, found.topics
        reading.trail = tuple(Breadcrumb(name=name, url=url) for name, url in found.trail)
    else:
        reading.topics = tags or None
    return reading


LAYOUTS: dict[str, Reader] = {
    "category-date": read_category_date,
    "wordpress": read_wordpress,
    "main-text": read_main_text,
}
"""Layout strategies by the name a profile gives (``layout = "NAME"``)."""


def layout_reader(profile: SiteProfile) -> Reader:
    """The strategy ``profile`` names; ProfileError for a name no strategy has."""
    try:
        return LAYOUTS[profile.layout]
    except KeyError:
        raise ProfileError(f"profile {profile.name}: unknown layout {profile.layout!r}: use "
                           f"one of {', '.join(LAYOUTS)}") from None


__all__ = ["LAYOUTS", "Reading", "layout_reader", "read_category_date", "read_main_text",
           "read_wordpress"]
