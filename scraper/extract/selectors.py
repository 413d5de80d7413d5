"""A profile's CSS selectors (``[selectors]``): fields read where the user says they are.

They override what the layout found, field by field; a selector that matches nothing leaves
the field as the layout read it. ``drop`` is applied by the cleaner before the page is
rendered; ``body`` is marked by the cleaner (:data:`BODY_MARK`) so that the body is the
content blocks inside that element, furniture and spam still dropped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scraper.document import Document
from scraper.extract.body import Body, body_from_blocks
from scraper.extract.meta import parse_iso_date
from scraper.profiles import BODY_MARK, SiteProfile
from scraper.records import Breadcrumb
from scraper.text import absolute_url, normalise_space, parse_date

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode


@dataclass(frozen=True, slots=True)
class Chosen:
    """The fields a profile's selectors found; None (or empty) where none matched."""

    title: str | None = None
    published: tuple[dt.date, str] | None = None
    section: str | None = None
    topics: list[str] | None = None
    breadcrumbs: tuple[Breadcrumb, ...] = ()
    body: Body | None = None
    previous_url: str | None = None
    next_url: str | None = None


NOTHING = Chosen()


def apply_selectors(document: Document, profile: SiteProfile) -> Chosen:
    """What ``profile``'s selectors find on the page (:data:`NOTHING` when it has none)."""
    rules = profile.selectors
    if not rules.is_set:
        return NOTHING
    return Chosen(
        title=_first_text(document, rules.title),
        published=_published(document, profile, rules.published),
        section=_first_text(document, rules.section),
        topics=[text for node in _nodes(document, rules.topics)
                if (text := _text(node))] or None,
        breadcrumbs=_crumbs(document, rules.breadcrumbs),
        body=_body(document),
        previous_url=_link(document, rules.pager_previous),
        next_url=_link(document, rules.pager_next),
    )


def _nodes(document: Document, selector: str | None) -> list[LexborNode]:
    return list(document.tree.css(selector)) if selector else []


def _text(node: LexborNode) -> str:
    return normalise_space(node.text(separator=" ", strip=True))


def _first_text(document: Document, selector: str | None) -> str | None:
    for node in _nodes(document, selector):
        text = _text(node)
        if text:
            return text
    return None


def _published(document: Document, profile: SiteProfile,
               selector: str | None) -> tuple[dt.date, str] | None:
    for node in _nodes(document, selector):
        for raw in (node.attributes.get("datetime"), node.attributes.get("content"), _text(node)):
            if not raw:
                continue
            day = parse_iso_date(raw.strip())
            for form in profile.dates.formats:
                day = day or parse_date(raw.strip(), form)
            if day is not None:
                return day, raw.strip()
    return None


def _href(node: LexborNode) -> str | None:
    href = node.attributes.get("href")
    if not href:
        link = node.css_first("a[href]")
        href = link.attributes.get("href") if link is not None else None
    return href


def _crumbs(document: Document, selector: str | None) -> tuple[Breadcrumb, ...]:
    crumbs = []
    for node in _nodes(document, selector):
        name = _text(node)
        href = _href(node)
        if name:
            crumbs.append(Breadcrumb(name=name, url=absolute_url(document.url, href)
                                     if href else None))
    return tuple(crumbs)


def _link(document: Document, selector: str | None) -> str | None:
    for node in _nodes(document, selector):
        href = _href(node)
        if href:
            return absolute_url(document.url, href)
    return None


def _body(document: Document) -> Body | None:
    container = next((element for element, name in enumerate(document.names)
                      if BODY_MARK in name.split()), None)
    if container is None:
        return None
    blocks = [block for block in document.blocks
              if block.is_content and document.contains(container, block.element)]
    return body_from_blocks(blocks) if blocks else None


__all__ = ["NOTHING", "Chosen", "apply_selectors"]
