"""Clean stage: decode, parse once (selectolax), render blocks, drop hidden text and spam.

The page is walked once, iteratively (so 100,000 nested elements cost no recursion), into
:class:`~scraper.document.Block` lines. Page furniture (header, navigation, sidebar, footer,
share links) is *marked*, not deleted, because extractors read the breadcrumb and pager from
it. Hidden blocks and off-topic commercial text (the SEO footer injected into CEMR pages, and
its kin) are *dropped* and listed in ``Document.removed`` with their reason.

Before parsing, bytes are decoded whatever charset a page names (:mod:`.charset`) and the
markup is bounded (:mod:`.limits`): comments, scripts and styles shed, the page cut, overlong
tags cut to their names, pathological nesting flattened.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.clean.artefacts import repair_migration_artefacts
from scraper.charset import decode_html
from scraper.clean.elements import (
    BLOCK_TAGS, FURNITURE_ROLES, FURNITURE_TAGS, HIDDEN_CLASS_WORDS, NO_ATTRIBUTES, OUTSIDE,
    Context, attribute_reader)
from scraper.clean.limits import drop_raw_text, limit_nesting, limit_tags
from scraper.config import DEFAULT_CLEAN_OPTIONS, CleanOptions
from scraper.document import (
    Block, Document, ImageMark, JsonObject, Link, MarkupLink, Removal, TimeMark)
from scraper.profiles import BODY_MARK, SiteProfile
from scraper.lexicons import load_common_words
from scraper.text import join_url, language_of_words, normalise_space, words

logger = logging.getLogger(__name__)

SKIPPED_TAGS = frozenset(
    "script style noscript template svg math iframe object embed head select option "
    "textarea button input canvas video audio map title meta link".split()
)
MARKUP_TAGS = frozenset({"meta", "title", "link", "script"})
"""Skipped elements the walk keeps for the markup hints (meta tags, JSON-LD, rel links)."""
_NOT_LINK_STARTS = frozenset("jJmM#")
"""First characters of the hrefs that are not links (javascript:, mailto:, #)."""
MAX_IMAGES = 1000
"""Images kept per page; the rest are ignored."""
MIN_SPAM_WORDS = 6
"""Blocks shorter than this are never scored as spam (only known markers remove them)."""
_SENTENCE_END = re.compile(r"[.!?…»”\"]\s*$|[.!?]\s+\S")


@dataclass(slots=True)
class _Frame:
    """One open element during the walk."""

    node: LexborNode | None
    element: int
    context: Context
    list_id: int | None
    ordered: bool
    link_start: int = -1
    href: str | None = None


_OUTSIDE = _Frame(node=None, element=-1, context=OUTSIDE, list_id=None, ordered=False)
"""The parent of the root element."""


class _Renderer:
    """Walks the tree once and cuts it into blocks."""

    def __init__(self, url: str, profile: SiteProfile, options: CleanOptions) -> None:
        self.url = url
        self.options = options
        self.reader = attribute_reader(profile.site)
        self.blocks: list[Block] = []
        self.parents: list[int] = []
        self.tags: list[str] = []
        self.names: list[str] = []
        self.pieces: list[str] = []
        self.links: list[Link] = []
        self.link_chars = 0
        self.anchors: list[Link] = []
        """The line's links, mailto: ones included (kept when it has one)."""
        self.has_mail = False
        self.strong_chars = 0
        """Characters (spaces aside) of the line written in bold."""
        self.images: list[ImageMark] = []
        self.owner: _Frame | None = None
        self.times: list[TimeMark] = []
        self.hidden_pieces: list[str] = []
        self.text_chars = 0
        self.markup: list[LexborNode] = []
        """meta, title, link and script elements met on the way, and a[rel] elements."""
        self.breadcrumb_list: LexborNode | None = None

    def render(self, root: LexborNode) -> tuple[list[Block], list[int]]:
        frames = [self._enter(root, root.tag or "", _OUTSIDE)]
        node = root.child
        elements = 0
        limits = self.options
        max_elements, max_blocks = limits.max_elements, limits.max_blocks
        blocks = self.blocks
        while True:
            if node is None:
                frame = frames.pop()
                self._exit(frame)
                if not frames:
                    break
                node = frame.node.next if frame.node is not None else None
                continue
            if node.is_text_node:
                self._add_text(node.text_content or "", frames[-1])
                node = node.next
                if self.text_chars <= limits.max_text_chars:
                    continue
            elif not node.is_element_node:
                node = node.next
                continue
            elif (tag := node.tag) in SKIPPED_TAGS or tag is None:
                if tag in MARKUP_TAGS:
                    self.markup.append(node)
                node = node.next
                continue
            elif tag == "br":
                self._flush()
                node = node.next
                if len(blocks) < max_blocks:
                    continue
            else:
                elements += 1
                frames.append(self._enter(node, tag, frames[-1]))
                node = node.child
                if elements <= max_elements and len(blocks) < max_blocks:
                    continue
            if self._is_over_limits(elements):
                while frames:
                    self._exit(frames.pop())
                break
        self._flush()
        return self.blocks, self.parents

    def _is_over_limits(self, elements: int) -> bool:
        """True (and logged) once the page has given all the elements, blocks or text it
        may: the rest of a larger page is ignored."""
        limits = self.options
        if elements <= limits.max_elements and len(self.blocks) < limits.max_blocks and \
                self.text_chars <= limits.max_text_chars:
            return False
        logger.warning("%s: over %d elements, %d blocks or %d characters of text; the rest "
                       "is ignored", self.url, limits.max_elements, limits.max_blocks,
                       limits.max_text_chars)
        return True

    def _enter(self, node: LexborNode, tag: str, parent: _Frame) -> _Frame:
        element = len(self.parents)
        self.parents.append(parent.element)
        self.tags.append(tag)
        attributes = node.attributes
        read = self.reader.read(attributes) if attributes else NO_ATTRIBUTES
        self.names.append(read.name)
        context = self.reader.context(parent.context, tag, read)
        if context.is_block and self.owner is not None:
            self._flush()
        if context.list_tag is None:
            frame = _Frame(node, element, context, parent.list_id, parent.ordered)
        else:
            frame = _Frame(node, element, context, element, context.list_tag == "ol")
        if tag == "time" and attributes.get("datetime"):
            self.times.append(TimeMark(datetime=attributes.get("datetime") or "",
                                       furniture="hidden" if context.hidden
                                       else context.furniture))
        elif tag == "img":
            self._image(attributes, element, context)
        elif tag == "a":
            frame.href = attributes.get("href")
            frame.link_start = len(self.pieces)
            if "rel" in attributes:
                self.markup.append(node)
        if self.breadcrumb_list is None and "itemtype" in attributes and \
                "BreadcrumbList" in (attributes.get("itemtype") or ""):
            self.breadcrumb_list = node
        return frame

    def _exit(self, frame: _Frame) -> None:
        if self.hidden_pieces and frame.context.hidden and not frame.context.parent_hidden:
            self._emit_hidden(frame)
        if frame.href is not None and self.pieces:
            pieces = self.pieces
            start = min(frame.link_start, len(pieces))
            text = normalise_space(pieces[start] if start == len(pieces) - 1
                                   else "".join(pieces[start:]))
            href = frame.href.strip()
            if text and href and not (href[0] in _NOT_LINK_STARTS and href.lower().startswith(
                    ("javascript:", "mailto:", "#"))) and _resolvable(self.url, href):
                link = Link(text, href, self.url)
                self.links.append(link)
                self.anchors.append(link)
                self.link_chars += len(text)
            elif text and href[:7].lower() == "mailto:":
                self.anchors.append(Link(text, href, self.url))
                self.has_mail = True
        if frame.context.is_block and self.owner is not None:
            self._flush()

    def _emit_hidden(self, frame: _Frame) -> None:
        text = normalise_space("".join(self.hidden_pieces))
        self.hidden_pieces = []
        if text:
            self.blocks.append(Block(position=len(self.blocks), text=text, kind="span",
                                     element=frame.element,
                                     furniture=frame.context.furniture,
                                     marks=frame.context.marks, dropped="hidden"))

    def _add_text(self, text: str, frame: _Frame) -> None:
        if len(text) > self.options.max_text_chars - self.text_chars:
            text = text[: max(0, self.options.max_text_chars - self.text_chars) + 1]
        self.text_chars += len(text)
        if frame.context.hidden and not frame.context.block_hidden:
            self.hidden_pieces.append(text)  # hidden inline text: a block of its own
            return
        if not self.pieces and not text.strip():
            return
        if self.owner is None:
            self.owner = frame
        self.pieces.append(text)
        if frame.context.strong:
            self.strong_chars += len("".join(text.split()))

    def _flush(self) -> None:
        owner = self.owner
        if owner is None:
            return  # nothing was written since the last line (no text, so no links)
        text = normalise_space("".join(self.pieces))
        if text:
            context = owner.context
            in_list = context.block_tag == "li" and owner.list_id is not None
            strong = self.strong_chars > 0 and \
                self.strong_chars >= len(text) - text.count(" ")
            # Positional, in Block's field order: position, text, kind, element, links,
            # link_chars, list_id, ordered, furniture, marks, dropped, anchors, strong.
            self.blocks.append(Block(
                len(self.blocks), text, context.block_tag, owner.element, tuple(self.links),
                min(self.link_chars, len(text)), owner.list_id if in_list else None,
                owner.ordered if in_list else False, context.furniture, context.marks,
                "hidden" if context.hidden else None,
                tuple(self.anchors) if self.has_mail else (), strong))
        self.pieces = []
        self.links = []
        self.link_chars = 0
        self.owner = None
        if self.anchors:
            self.anchors = []
            self.has_mail = False
        self.strong_chars = 0

    def _image(self, attributes: dict[str, str | None], element: int,
               context: Context) -> None:
        """Keep an ``<img>`` that names a source (a lazy loader's ``data-src`` first)."""
        if len(self.images) >= MAX_IMAGES:
            return
        src = (attributes.get("data-src") or attributes.get("data-lazy-src")
               or attributes.get("src") or "").strip()
        if not src or src.startswith("data:") or not _resolvable(self.url, src):
            return
        alt = normalise_space(attributes.get("alt") or "") or None
        self.images.append(ImageMark(
            element=element, position=len(self.blocks), src=src, base=self.url, alt=alt,
            width=_pixels(attributes.get("width")), height=_pixels(attributes.get("height")),
            furniture=context.furniture, hidden=context.hidden))


def _pixels(value: str | None) -> int | None:
    """An img's width or height attribute in pixels ("1", "1px"); None when not a number."""
    digits = (value or "").strip().removesuffix("px").strip()
    return int(digits) if digits.isdigit() and len(digits) < 7 else None


def _resolvable(base: str, href: str) -> bool:
    """Whether a URL parser accepts ``href`` (not "//[", an unclosed IPv6 host); links are
    resolved only when read."""
    if "[" not in href and "]" not in href:
        return True
    return _absolute(base, href) is not None


def _absolute(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``; None for an href no URL parser accepts ("//[")."""
    try:
        return join_url(base, href)
    except ValueError:
        return None


def _json_ld(markup: list[LexborNode], options: CleanOptions) -> tuple[JsonObject, ...]:
    """Every JSON-LD object of the page, ``@graph`` members flattened; bad JSON skipped."""
    objects: list[JsonObject] = []
    for script in markup:
        if script.tag != "script" or script.attributes.get("type") != "application/ld+json":
            continue
        raw = script.text(deep=True) or ""
        if len(raw) > options.max_json_ld_chars:
            continue
        try:
            data = json.loads(raw, strict=False)  # raw newlines in strings are common
        except (ValueError, RecursionError):
            continue
        pending = data if isinstance(data, list) else [data]
        while pending and len(objects) < 1000:
            item = pending.pop(0)
            if isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    pending.extend(graph)
                objects.append(item)
    return tuple(objects)


def _meta(markup: list[LexborNode], html: LexborNode | None, url: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = canonical = None
    for node in markup:
        tag, attributes = node.tag, node.attributes
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name") or \
                attributes.get("itemprop")
            content = attributes.get("content")
            if key and content and key.lower() not in meta:
                meta[key.lower()] = normalise_space(content)
        elif tag == "title" and title is None:
            title = node
        elif tag == "link" and canonical is None and attributes.get("rel") == "canonical":
            canonical = node
    if title is not None:
        meta["title"] = normalise_space(title.text() or "")
    if html is not None and html.attributes.get("lang"):
        meta["html_lang"] = (html.attributes.get("lang") or "").strip()
    if canonical is not None and canonical.attributes.get("href"):
        href = _absolute(url, (canonical.attributes.get("href") or "").strip())
        if href is not None:
            meta["canonical"] = href
    return meta


def _markup_links(markup: list[LexborNode]) -> tuple[MarkupLink, ...]:
    """The ``<a>``/``<link>`` elements with rel and href, in document order."""
    links = []
    for node in markup:
        tag = node.tag
        if tag not in ("a", "link"):
            continue
        attributes = node.attributes
        rel, href = attributes.get("rel"), attributes.get("href")
        if rel is None or href is None:
            continue
        links.append(MarkupLink(tag=tag, rel=rel, href=href,
                                hreflang=attributes.get("hreflang") or "",
                                text=(node.text() or "") if "tag" in rel.split() else ""))
    return tuple(links)


def _head_markup(tree: LexborHTMLParser) -> list[LexborNode]:
    """The meta, title, link and script elements of the ``<head>``, in order."""
    head = tree.head
    if head is None:
        return []
    return [node for node in head.traverse(include_text=False) if node.tag in MARKUP_TAGS]


def spam_score(block: Block, *, page_language: str | None, page_words: Counter[str],
               own_words: Counter[str] | None = None,
               commercial: frozenset[str], stopwords: dict[str, frozenset[str]],
               tokens: list[str] | None = None) -> int:
    """How much ``block`` looks like off-topic commercial or SEO text (0 = not at all).

    One point each for: a share of commercial/SEO words of 10% or more (two points from 20%,
    three from 40%),
    no sentence structure, repeated phrases (keyword stuffing), mostly link text, another
    language than the page's, and few words shared with the rest of the page. A real
    paragraph about websites or marketing is written in sentences, in the page's language,
    about the page's subject: it scores 2 at most. ``tokens``: ``words(block.text)`` if
    already read.
    """
    if tokens is None:
        tokens = words(block.text)
    if len(tokens) < MIN_SPAM_WORDS:
        return 0  # a heading or a list intro ("Le prix vise à :") says too little to judge
    hits = sum(1 for token in tokens if token in commercial)
    density = hits / len(tokens)
    if density < 0.1:
        return 0
    # Prose about websites or marketing stays well under 40% commercial words; an ad does not.
    score = 3 if density >= 0.4 else 2 if density >= 0.2 else 1
    if not _SENTENCE_END.search(block.text):
        score += 1
    trigrams = Counter(zip(tokens, tokens[1:], tokens[2:], strict=False))
    if trigrams and trigrams.most_common(1)[0][1] > 1:
        score += 1
    if block.link_density >= 0.5:
        score += 1
    language = language_of_words(Counter(tokens), stopwords)
    if page_language and language and language != page_language:
        score += 1
    content_words = {token for token in tokens if len(token) > 3 and token not in commercial}
    if content_words:
        # The block's own words do not count as shared (content blocks are in page_words).
        own = own_words if own_words is not None else (
            Counter(tokens) if block.is_content else Counter())
        shared = sum(1 for token in content_words if page_words[token] - own[token] > 0)
        if shared / len(content_words) < 0.2:
            score += 1
    return score


@functools.cache
def _spam_words() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Commercial/SEO terms and stopwords by language, from the common lexicon."""
    common = load_common_words()
    return frozenset(common.commercial.get("terms", ())), dict(common.stopwords)


def _drop_spam(blocks: list[Block], profile: SiteProfile) -> tuple[list[Block], str | None]:
    """Blocks with the spam ones marked dropped, and the page's language (None when no block
    had enough commercial words to need it: the page's words are only counted then)."""
    commercial, stopwords = _spam_words()
    known = tuple(marker.casefold() for marker in profile.spam.known)
    page: tuple[Counter[str], str | None] | None = None
    result: list[Block] = []
    for block in blocks:
        if block.furniture in ("header", "navigation"):
            result.append(block)
            continue
        folded = block.text.casefold()
        is_spam = any(marker in folded for marker in known)
        tokens = words(block.text) if not is_spam else []
        # spam_score's first two tests, first: most blocks are short or hold no commercial
        # words, and score 0 whatever the page says.
        if not is_spam and len(tokens) >= MIN_SPAM_WORDS and \
                sum(map(commercial.__contains__, tokens)) >= 0.1 * len(tokens):
            if page is None:
                page_words: Counter[str] = Counter()
                for other in blocks:
                    if other.furniture is None and other.dropped is None:
                        page_words.update(words(other.text))
                page = page_words, language_of_words(page_words, stopwords)
            score = spam_score(block, page_language=page[1], page_words=page[0],
                               commercial=commercial, stopwords=stopwords, tokens=tokens)
            is_spam = score >= profile.spam.threshold
        result.append(block._replace(dropped="spam") if is_spam else block)
    return result, page[1] if page is not None else None


def _apply_selectors(tree: LexborHTMLParser, profile: SiteProfile) -> tuple[Removal, ...]:
    """A profile's ``selectors``: ``drop`` removes elements (each listed, reason "profile"),
    ``body`` marks the article's element (:data:`BODY_MARK`) for the extract stage."""
    removed = []
    for selector in profile.selectors.drop:
        for node in tree.css(selector):
            text = normalise_space(node.text(separator=" ", strip=True))
            if text:
                removed.append(Removal(text=text, reason="profile"))
            node.decompose()
    body = tree.css_first(profile.selectors.body) if profile.selectors.body else None
    if body is not None:
        body.attrs["class"] = f"{body.attributes.get('class') or ''} {BODY_MARK}".strip()
    return tuple(removed)


def clean_html(
    html: str,
    url: str,
    profile: SiteProfile,
    options: CleanOptions = DEFAULT_CLEAN_OPTIONS,
) -> Document:
    """Parse ``html`` once and return the cleaned :class:`Document`."""
    # Browsers ignore NUL in text (lexbor would stop at it); comments, scripts and styles
    # hold no text, and shedding them first keeps a page padded with them under the cut.
    html = drop_raw_text(html.replace("\x00", ""), options.max_json_ld_chars)
    if len(html) > options.max_html_chars:
        logger.warning("%s: page of %d characters cut to %d", url, len(html),
                       options.max_html_chars)
        html = html[: options.max_html_chars]
    html = limit_nesting(limit_tags(html, options.max_tag_chars), options.max_depth)
    if profile.content.migration_artefacts:
        html = repair_migration_artefacts(html)
    tree = LexborHTMLParser(html)
    dropped = _apply_selectors(tree, profile) if profile.selectors.is_set else ()
    root = tree.body or tree.root
    blocks: list[Block] = []
    parents: list[int] = []
    times: tuple[TimeMark, ...] = ()
    tags: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    markup = _head_markup(tree) if root is not tree.head else []
    breadcrumb_list = None
    images: tuple[ImageMark, ...] = ()
    if root is not None:
        renderer = _Renderer(url, profile, options)
        blocks, parents = renderer.render(root)
        times = tuple(renderer.times)
        tags, names = tuple(renderer.tags), tuple(renderer.names)
        markup += renderer.markup
        breadcrumb_list = renderer.breadcrumb_list
        images = tuple(renderer.images)
    blocks, page_language = _drop_spam(blocks, profile)
    removed = dropped + tuple(
        Removal(text=block.text, reason=block.dropped)
        for block in blocks
        if block.dropped is not None
        and (block.dropped == "spam" or block.furniture is None)
    )
    return Document(
        url=url,
        html=html,
        tree=tree,
        blocks=tuple(blocks),
        parents=tuple(parents),
        tags=tags,
        names=names,
        removed=removed,
        json_ld=_json_ld(markup, options),
        times=times,
        meta=_meta(markup, tree.root, url),
        language=page_language,
        markup_links=_markup_links(markup),
        breadcrumb_list=breadcrumb_list,
        images=images,
    )


__all__ = [
    "BLOCK_TAGS", "FURNITURE_ROLES", "FURNITURE_TAGS", "HIDDEN_CLASS_WORDS", "MIN_SPAM_WORDS",
    "SKIPPED_TAGS", "clean_html", "decode_html", "drop_raw_text", "limit_nesting", "limit_tags",
    "spam_score",
]
