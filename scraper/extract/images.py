"""The article's content images: those among or just above the body's lines, with their
alt text and caption; never icons, logos, avatars, share buttons or tracking pixels.

An image counts when it sits between the first and the last line of the body (or between
the title and the body: a lead image), outside page furniture, visible, not inside an
element whose id/class says logo, icon, avatar, share, related... and is not drawn smaller
than :data:`MIN_SIDE` pixels. Its caption is the ``<figcaption>`` (or ``wp-caption-text``)
of the figure holding it, else a credit line right under it ("(Photo by ... on Unsplash)",
"Photo: CEMR", "© ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scraper.document import Block, Document, ImageMark
from scraper.records import Image

MIN_SIDE = 48
"""An image drawn this many pixels wide or high, or fewer, is an icon, a bullet or a pixel."""
MAX_LEAD_GAP = 6
"""A lead image sits at most this many lines above the body, below the title."""
MAX_CAPTION_CHARS = 300
FIGURE_LEVELS = 3
"""Levels above an image searched for the figure that holds its caption."""

_NOT_CONTENT = re.compile(
    r"logo|icon|avatar|gravatar|sprite|pixel|spacer|badge|emoji|button|facebook|twitter|"
    r"linkedin|instagram|youtube|whatsapp|tracking", re.IGNORECASE)
"""Words of an image's file name or whole alt text that say it is not the article's (not
"social" or "share": a photo of social housing is content; share buttons sit in furniture
or in an element named so)."""
_NOT_CONTENT_HOLDER = re.compile(
    r"logo|icon|avatar|share|sharing|social|related|recommend|author|widget|sidebar|"
    r"footer|advert|(?:^|[\s_-])ads?(?:$|[\s_-])|banner|menu|navigation", re.IGNORECASE)
"""Words of the id/class of an element holding an image that say it is not the article's."""
_FIGURE_NAME = re.compile(r"caption|figure|wp-block-image|image|photo|media", re.IGNORECASE)
_CAPTION_NAME = re.compile(r"caption", re.IGNORECASE)
_CREDIT = re.compile(r"^\(?\s*(?:photo|foto|image|picture|crédit|credit|source|©|\(c\))",
                     re.IGNORECASE)


def content_images(document: Document, body: Sequence[Block],
                   title: str = "") -> tuple[list[Image], set[int]]:
    """The content images of the page whose body is ``body``, and the positions of the body
    lines that are their captions (they leave the body)."""
    placed = [block for block in body if block.element >= 0]
    if not placed or not document.images:
        return [], set()
    first, last = placed[0].position, placed[-1].position
    start = _lead_start(document, first, title)
    containers = {document.common_container(placed[0].element, placed[-1].element)}
    images: list[Image] = []
    captions: set[int] = set()
    seen: set[str] = set()
    for mark in document.images:
        if not start <= mark.position <= last or not _is_content(document, mark, containers):
            continue
        try:
            url = mark.url
        except ValueError:
            continue
        if not url.startswith(("http://", "https://")) or url in seen:
            continue
        seen.add(url)
        caption, line = _caption(document, mark)
        if line is not None:
            captions.add(line)
        images.append(Image(url=url, alt=mark.alt, caption=caption))
    return images, captions


def _lead_start(document: Document, first: int, title: str) -> int:
    """Where images may start: the line after the title when it sits a few lines above the
    body, else the body's first line."""
    if not title:
        return first
    for position in range(first - 1, max(-1, first - 1 - MAX_LEAD_GAP), -1):
        if document.blocks[position].text == title:
            return position + 1
    return first


def _is_content(document: Document, mark: ImageMark, containers: set[int]) -> bool:
    if mark.hidden or mark.furniture is not None:
        return False
    if (mark.width is not None and mark.width <= MIN_SIDE) or \
            (mark.height is not None and mark.height <= MIN_SIDE):
        return False
    name = mark.src.rsplit("/", 1)[-1]
    if _NOT_CONTENT.search(name) or (mark.alt and _NOT_CONTENT.fullmatch(mark.alt.strip())):
        return False
    # The id/class of the image and of its ancestors up to the body's container.
    names = document.names
    for element in document.ancestors(mark.element):
        if element in containers or any(document.contains(element, container)
                                        for container in containers):
            break
        if element < len(names) and _NOT_CONTENT_HOLDER.search(names[element]):
            return False
    return True


def _caption(document: Document, mark: ImageMark) -> tuple[str | None, int | None]:
    """The image's caption and the position of its line (None when none)."""
    tags, names = document.tags, document.names
    figure = None
    for level, element in enumerate(document.ancestors(mark.element)[1:]):
        if level >= FIGURE_LEVELS:
            break
        if element < len(tags) and (tags[element] == "figure"
                                    or _FIGURE_NAME.search(names[element])):
            figure = element
            break
    blocks = document.blocks
    if figure is not None:
        for block in blocks[mark.position: mark.position + 3]:
            if not document.contains(figure, block.element):
                break
            if block.kind == "figcaption" or _CAPTION_NAME.search(names[block.element]) or \
                    block.kind == "caption":
                return block.text, block.position
    if mark.position < len(blocks):
        block = blocks[mark.position]
        if len(block.text) <= MAX_CAPTION_CHARS and block.furniture is None and (
                block.kind == "figcaption" or _CREDIT.match(block.text)):
            return block.text, block.position
    return None, None


__all__ = ["content_images"]
