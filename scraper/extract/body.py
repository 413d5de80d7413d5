"""An article's body as paragraphs and lists, from the blocks a layout chose; trafilatura
as the last fallback for pages nothing else reads (the only adapter to it in the package).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scraper.document import Block, Document
from scraper.extract.contacts import is_name
from scraper.records import ListBlock

BULLET = re.compile(r"^\s*(?:[•·▪◦●■□►▸‣⁃∙*]|-(?=\s)|–(?=\s))\s*")
NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+")
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4"})
SUB_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
MAX_HEADING_WORDS = 15
MAX_HEADING_CHARS = 150
"""A bold line longer than this is emphasis, not a sub-heading."""
MAX_PLAIN_HEADING_WORDS = 18
MIN_PROSE_WORDS = 15
PROSE_ENDS = (".", "!", "?", "…", ":", '"', "”", "»")
QUOTE_OPENERS = frozenset("\"“«‘'„")
QUOTE_CLOSERS = ("\"", "”", "»", "’")
"""A line ending in a closing quote mark ends a quote, not a heading."""
MAX_THEME_WORDS = 12
MAX_LINK_DENSITY = 0.6
"""Blocks whose text is more link text than this are navigation, not body."""
TRAIL_MARKS = frozenset({"breadcrumb", "breadcrumbs", "crumbs", "ariane"})


@dataclass(frozen=True, slots=True)
class Body:
    """The body as the record holds it."""

    paragraphs: tuple[str, ...]
    lists: tuple[ListBlock, ...]
    text: str
    blocks: tuple[Block, ...] = ()
    """The lines it was made from, in order (what links, headings and images are read
    from)."""


def body_from_blocks(blocks: list[Block]) -> Body:
    """Paragraphs and lists from body blocks: ``<li>`` runs and bullet lines are lists."""
    paragraphs: list[str] = []
    lists: list[ListBlock] = []
    parts: list[str] = []
    pending: list[str] = []
    pending_key: tuple[str, int | None] | None = None
    ordered = False

    def close_list() -> None:
        nonlocal pending, pending_key
        if pending:
            intro = paragraphs[-1] if paragraphs and paragraphs[-1].endswith(":") else None
            lists.append(ListBlock(intro=intro, items=list(pending), ordered=ordered))
            parts.append("\n".join(pending))
        pending, pending_key = [], None

    for block in blocks:
        key: tuple[str, int | None] | None = None
        item = block.text
        if block.list_id is not None:
            key, item_ordered = ("li", block.list_id), block.ordered
        elif BULLET.match(block.text) and len(BULLET.sub("", block.text)) > 0:
            key, item_ordered, item = ("bullet", None), False, BULLET.sub("", block.text)
        elif NUMBERED.match(block.text) and (
            pending_key == ("numbered", None) or _next_is_numbered(blocks, block)
        ):
            key, item_ordered, item = ("numbered", None), True, NUMBERED.sub("", block.text)
        if key is None:
            close_list()
            paragraphs.append(block.text)
            parts.append(block.text)
            continue
        if key != pending_key:
            close_list()
            pending_key, ordered = key, item_ordered
        pending.append(item.strip())
    close_list()
    return Body(paragraphs=tuple(paragraphs), lists=tuple(lists), text="\n\n".join(parts),
                blocks=tuple(blocks))


def body_headings(blocks: Sequence[Block], *, from_text: bool = False) -> list[str]:
    """The body's sub-headings in order: its ``<h2>``-``<h6>`` lines, and short lines
    written wholly in bold that stand alone above ordinary text. ``from_text``: on a body
    that marks none, short plain lines that stand alone between sentences and open prose
    (:func:`_plain_heading`)."""
    headings = []
    for position, block in enumerate(blocks):
        if block.list_id is not None or BULLET.match(block.text):
            continue
        if block.kind in SUB_HEADING_TAGS:
            headings.append(block.text)
        elif block.strong and _reads_as_heading(block.text) and position + 1 < len(blocks) \
                and not blocks[position + 1].strong \
                and blocks[position + 1].kind not in SUB_HEADING_TAGS:
            headings.append(block.text)
    if headings or not from_text:
        return headings
    return [block.text for position, block in enumerate(blocks)
            if _plain_heading(blocks, position)]


def _plain_heading(blocks: Sequence[Block], position: int) -> bool:
    """A plain line that reads as a sub-heading: short, no final full stop, colon, or quote
    mark, capitalised, not a list item nor a link; after a finished sentence (or first,
    without digits: not a dateline), and followed by prose, at most one such line between
    (a heading and its sub-heading)."""
    if not _is_heading_like(blocks[position]):
        return False
    if position == 0:
        if any(character.isdigit() for character in blocks[0].text):
            return False
    elif not (_is_heading_like(blocks[position - 1])
              or blocks[position - 1].text.endswith(PROSE_ENDS)
              or blocks[position - 1].list_id is not None
              or BULLET.match(blocks[position - 1].text)) \
            or is_name(blocks[position - 1].text):  # a name, then its role: a signature
        return False
    following = blocks[position + 1: position + 3]
    if following and _is_prose(following[0]):
        return True
    return len(following) == 2 and _is_heading_like(following[0]) and _is_prose(following[1])


def _is_heading_like(block: Block) -> bool:
    text = block.text
    return (block.list_id is None and not BULLET.match(text) and not NUMBERED.match(text)
            and len(text.split()) <= MAX_PLAIN_HEADING_WORDS and _reads_as_heading(text)
            and ": " not in text and text[:1].isupper() and not text.endswith(("!", ")"))
            and text[:1] not in QUOTE_OPENERS and block.link_density <= MAX_LINK_DENSITY
            and not is_name(text))


def _is_prose(block: Block) -> bool:
    return block.list_id is None and (len(block.text.split()) >= MIN_PROSE_WORDS
                                      or block.text.endswith(PROSE_ENDS))


def _reads_as_heading(text: str) -> bool:
    return len(text) <= MAX_HEADING_CHARS and len(text.split()) <= MAX_HEADING_WORDS and \
        not text.endswith((".", ":", ";", ",", "…", *QUOTE_CLOSERS))


def _next_is_numbered(blocks: list[Block], block: Block) -> bool:
    position = blocks.index(block)
    return position + 1 < len(blocks) and bool(NUMBERED.match(blocks[position + 1].text))


def body_from_trafilatura(html: str, url: str) -> Body:
    """Main text of a page no profile lays out, by trafilatura (lists as "- " lines)."""
    import trafilatura  # a fallback: loaded (0.3 s) only for a page that needs it

    extracted = trafilatura.extract(html, url=url, include_comments=False, include_tables=False,
                                    deduplicate=False)
    lines = [line.strip() for line in (extracted or "").splitlines() if line.strip()]
    blocks = [
        Block(position=index, text=line, kind="p", element=-1) for index, line in enumerate(lines)
    ]
    return body_from_blocks(blocks)


def body_from_content(document: Document) -> tuple[Body, list[Block]]:
    """Every kept, non-furniture, not link-dominated block: the fallback of last resort."""
    blocks = [block for block in document.blocks
              if block.is_content and block.link_density <= MAX_LINK_DENSITY]
    return body_from_blocks(blocks), blocks
