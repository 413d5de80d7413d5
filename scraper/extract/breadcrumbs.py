"""The breadcrumb trail: JSON-LD BreadcrumbList, microdata, breadcrumb markup, or the
rendered "Home / News / ..." line (possibly split over lines that end in " /")."""

from __future__ import annotations

import re

from scraper.document import Block, Document
from scraper.extract.body import TRAIL_MARKS
from scraper.records import Breadcrumb
from scraper.profiles import SiteProfile
from scraper.text import absolute_url, normalise_space, strip_prefixes

_EDGE_SEPARATORS = re.compile(r"^[\s/>»›|]+|[\s/>»›|]+$")


def extract_breadcrumbs(document: Document, profile: SiteProfile, *,
                        title: str = "") -> tuple[Breadcrumb, ...]:
    """The trail, root first; a last crumb equal to the title is dropped."""
    for rung in (_from_json_ld, _from_microdata, _from_blocks):
        crumbs = rung(document, profile)
        if crumbs:
            if title and len(crumbs) > 1 and crumbs[-1].name.casefold() == title.casefold():
                crumbs = crumbs[:-1]
            return crumbs
    return ()


def _crumb(name: object, url: object, base_url: str) -> Breadcrumb | None:
    if not isinstance(name, str) or not normalise_space(name):
        return None
    link = absolute_url(base_url, url) if isinstance(url, str) and url.strip() else None
    return Breadcrumb(name=normalise_space(name), url=link)


def _from_json_ld(document: Document, profile: SiteProfile) -> tuple[Breadcrumb, ...]:
    for data in document.json_ld:
        if data.get("@type") != "BreadcrumbList":
            continue
        elements = data.get("itemListElement")
        if not isinstance(elements, list):
            continue
        ranked: list[tuple[float, Breadcrumb]] = []
        for order, element in enumerate(elements):
            if not isinstance(element, dict):
                continue
            item = element.get("item")
            name, url = element.get("name"), None
            if isinstance(item, dict):
                name = name or item.get("name")
                url = item.get("@id") or item.get("url")
            elif isinstance(item, str):
                url = item
            crumb = _crumb(name, url, document.url)
            position = element.get("position")
            if crumb is not None:
                rank = float(position) if isinstance(position, int | float) else float(order)
                ranked.append((rank, crumb))
        if ranked:
            return tuple(crumb for _, crumb in sorted(ranked, key=lambda pair: pair[0]))
    return ()


def _from_microdata(document: Document, profile: SiteProfile) -> tuple[Breadcrumb, ...]:
    trail = document.breadcrumb_list
    if trail is None:
        return ()
    crumbs: list[Breadcrumb] = []
    for element in trail.css('[itemprop="itemListElement"]'):
        name_node = element.css_first('[itemprop="name"]')
        link_node = element.css_first('[itemprop="item"]')
        name = name_node.text() if name_node is not None else element.text()
        url = None
        if link_node is not None:
            attributes = link_node.attributes
            url = attributes.get("href") or attributes.get("itemid") or attributes.get("content")
        crumb = _crumb(name, url, document.url)
        if crumb is not None:
            crumbs.append(crumb)
    return tuple(crumbs)


def _from_blocks(document: Document, profile: SiteProfile) -> tuple[Breadcrumb, ...]:
    blocks = document.blocks
    for position, block in enumerate(blocks):
        if not block.is_kept:
            continue
        if block.marks & TRAIL_MARKS:
            group = [block]
            for other in blocks[position + 1 :]:
                if other.marks & TRAIL_MARKS and other.is_kept:
                    group.append(other)
                else:
                    break
            crumbs = _split_trail(group, profile, require_root=False)
            if crumbs:
                return crumbs
        crumbs = _rendered_trail(blocks, position, profile)
        if crumbs:
            return crumbs
    return ()


def _rendered_trail(blocks: tuple[Block, ...], position: int,
                    profile: SiteProfile) -> tuple[Breadcrumb, ...]:
    block = blocks[position]
    text = strip_prefixes(block.text, profile.breadcrumbs.prefixes)
    if not text.casefold().startswith(profile.site.breadcrumb_roots):
        return ()
    group = [block]
    # A trail split over lines: each line but the last ends in a separator.
    for other in blocks[position + 1 : position + 12]:
        if not _ends_with_separator(group[-1].text, profile):
            break
        group.append(other)
    return _split_trail(group, profile, require_root=True)


def _ends_with_separator(text: str, profile: SiteProfile) -> bool:
    return any(text.rstrip().endswith(separator.strip())
               for separator in profile.breadcrumbs.separators)


def _split_trail(group: list[Block], profile: SiteProfile, *,
                 require_root: bool) -> tuple[Breadcrumb, ...]:
    names: list[str] = []
    for block in group:
        text = strip_prefixes(block.text, profile.breadcrumbs.prefixes)
        pieces = [text]
        for separator in profile.breadcrumbs.separators:
            pieces = [part for piece in pieces for part in piece.split(separator)]
        names.extend(name for piece in pieces if (name := _EDGE_SEPARATORS.sub("", piece)))
    if not names or len(names) < 2:
        return ()
    roots = {root.casefold() for root in profile.breadcrumbs.roots}
    if require_root and names[0].casefold() not in roots:
        return ()
    links = {link.text.casefold(): link.url for block in group for link in block.links}
    return tuple(Breadcrumb(name=name, url=links.get(name.casefold())) for name in names)

