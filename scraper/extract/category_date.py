"""The ``category-date`` layout: pages read top to bottom as a renderer shows them.

Header lines, breadcrumb, pager, theme line, the "<Category> - DD.MM.YYYY" line (the
profile's ``dates.category_date``), the title, then the body. The category-date line is the
anchor (theme pages, which have none, anchor on the breadcrumb); the body is the content that
follows the title inside the container the two share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.document import Block, Document, Removal
from scraper.extract.links import links_files
from scraper.extract.body import HEADING_TAGS, MAX_LINK_DENSITY, MAX_THEME_WORDS, TRAIL_MARKS
from scraper.caches import page_cache
from scraper.profiles import CompiledSite, SiteProfile


@dataclass(frozen=True, slots=True)
class Layout:
    """Positions (block indices) of the parts of an article page; None where absent."""

    anchor: int | None
    category_line: int | None
    title: int | None
    body: tuple[int, ...]
    removed: tuple[Removal, ...] = ()


def category_match(text: str, profile: SiteProfile) -> re.Match[str] | None:
    """The category-date line's match, or None."""
    if not profile.dates.category_date or len(text) > 200:
        return None
    return _category_match(text, profile.site)


@page_cache(maxsize=1024)
def _category_match(text: str, site: CompiledSite) -> re.Match[str] | None:
    """(Cached: the layout asks it twice of a page's lines, and menus and sidebars repeat
    from page to page.)"""
    return site.category_date.match(text) if site.category_date else None


def _is_trail(block: Block, profile: SiteProfile) -> bool:
    folded = block.text.casefold()
    for prefix in profile.breadcrumbs.prefixes:
        if folded.startswith(prefix.casefold()):
            folded = folded[len(prefix):].strip()
    starts = any(folded.startswith(root.casefold()) for root in profile.breadcrumbs.roots)
    return starts and (
        any(separator.strip() in folded for separator in profile.breadcrumbs.separators)
        or bool(block.marks & TRAIL_MARKS)
    )


def find_layout(document: Document, profile: SiteProfile) -> Layout:
    """Locate anchor, title and body blocks of a page laid out like the profile's site."""
    blocks = document.blocks
    item = profile.parse_item_url(document.url)
    dated = item is None or item.kind in profile.urls.dated_kinds
    candidates = [
        block.position
        for block in blocks
        if dated and block.is_kept and block.furniture != "sidebar"
        and category_match(block.text, profile)
    ]
    # Sidebars list other items with their own category-date lines: the article's is the
    # one followed by the most text before the next such line.
    bounds = [*candidates[1:], len(blocks)]
    category_line = max(
        candidates,
        key=lambda index: _content_chars(blocks[index + 1 : bounds[candidates.index(index)]]),
        default=None,
    )
    anchor = category_line
    if anchor is None:
        trails = [block.position for block in blocks if block.is_kept and _is_trail(block, profile)]
        anchor = trails[0] if trails else None
        while anchor is not None and anchor + 1 < len(blocks) and (
            blocks[anchor].text.rstrip().endswith(("/", ">"))
        ):
            anchor += 1
    if anchor is None:
        return Layout(anchor=None, category_line=None, title=None, body=())
    following = [block for block in blocks[anchor + 1 :] if block.is_content]
    title: int | None = None
    above = _heading_above(blocks, category_line)
    if above is not None and following and following[0].kind not in HEADING_TAGS:
        title = above  # a CMS writes the headline first, then its date line
    elif following and (category_line is not None or following[0].kind in HEADING_TAGS):
        title = following[0].position
        following = following[1:]
    if not following:
        return Layout(anchor=anchor, category_line=category_line, title=title, body=())
    start = blocks[title if title is not None else anchor].element
    container = document.common_container(start, following[0].element)
    body: list[int] = []
    removed: list[Removal] = []
    first = following[0].position
    end_markers = {marker.casefold() for marker in profile.content.end_markers}
    for block in blocks[first:]:
        if not document.contains(container, block.element):
            continue
        if category_match(block.text, profile) or block.text.casefold() in end_markers:
            break  # the next item of a listing, or a list of other items
        if block.is_content:
            body.append(block.position)
        elif block.dropped is None and block.furniture is not None:
            removed.append(Removal(text=block.text, reason=block.furniture))
    # Link lists after the last paragraph ("Read more", related items) are navigation.
    while body and blocks[body[-1]].link_density > MAX_LINK_DENSITY and len(body) > 1 and \
            not links_files(blocks[body[-1]]):
        dropped = blocks[body.pop()]
        removed.append(Removal(text=dropped.text, reason="navigation"))
    return Layout(anchor=anchor, category_line=category_line, title=title,
                  body=tuple(body), removed=tuple(removed))


def _heading_above(blocks: tuple[Block, ...], line: int | None) -> int | None:
    """The heading standing right above the category-date line (the nearest kept line),
    when it is content: the article's headline on a page that dates it below."""
    if line is None:
        return None
    for block in reversed(blocks[:line]):
        if block.is_kept:
            return block.position if block.is_content and block.kind in HEADING_TAGS else None
    return None


def _content_chars(blocks: tuple[Block, ...]) -> int:
    return sum(len(block.text) for block in blocks if block.is_content)


def theme_line(document: Document, layout: Layout, profile: SiteProfile) -> Block | None:
    """The activity (theme) line just above the category-date line, if there is one."""
    if layout.category_line is None:
        return None
    pager_words = {word.casefold() for word in profile.pager.next + profile.pager.previous}
    for block in reversed(document.blocks[max(0, layout.category_line - 4) : layout.category_line]):
        if not block.is_kept:
            continue
        if block.position == layout.title:
            return None  # the headline above the date line: no theme line there
        if _is_trail(block, profile) or block.text.rstrip().endswith(("/", ">")):
            return None
        if set(re.findall(r"\w+", block.text.casefold())) <= pager_words:
            continue  # the pager line
        if block.furniture is not None or block.marks & TRAIL_MARKS:
            return None
        if len(block.text.split()) > MAX_THEME_WORDS or block.text.endswith((".", ":")):
            return None
        return block
    return None


__all__ = ["Layout", "category_match", "find_layout", "theme_line"]
