"""Data handed between stages: the fetched page, and the cleaned document.

Plain frozen data, no parsing: :mod:`scraper.clean` builds it from HTML once, and every
extractor reads it. A page is rendered into *blocks*, the lines a text browser would show
(a paragraph, a list item, a heading, a cell, a ``<br>``-separated line), each carrying the
structural hints the extractors need: its links, the list it belongs to, the path of
element ids from the root (for container tests), and whether it sits in page furniture
(header, navigation, sidebar, footer) or was dropped by the cleaner (hidden, spam).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from scraper.text import join_url

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

JsonObject = dict[str, object]
"""A decoded JSON object (from JSON-LD)."""


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched response: what the fetch stage hands on (and what WARC files keep)."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    """Response headers, names lower-cased."""
    body: bytes
    fetched_at: datetime

    @property
    def charset(self) -> str | None:
        """The charset declared in the Content-Type header, if any."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                return value.strip().strip('"')
        return None


class Link(NamedTuple):
    """A link inside a block: its visible text and where it points (a named tuple, as
    :class:`Block`)."""

    text: str
    href: str
    """As written in the page (stripped)."""
    base: str
    """The URL ``href`` is relative to."""

    @property
    def url(self) -> str:
        """The absolute URL (resolved when read: most links of a page never are)."""
        return join_url(self.base, self.href)


class Block(NamedTuple):
    """One rendered line of the page. A named tuple, not a frozen dataclass: a page makes
    dozens, and a tuple is built in a third of the time (a frozen dataclass sets each field
    through ``object.__setattr__``)."""

    position: int
    """Its place in ``Document.blocks``."""
    text: str
    kind: str
    """Tag of the element that holds it ("p", "li", "h2", "td", ...) or "line" for text
    between ``<br>``s or loose in a container."""
    element: int
    """Id of the element that holds the line (see ``Document.parents``)."""
    links: tuple[Link, ...] = ()
    link_chars: int = 0
    list_id: int | None = None
    """The ``<ul>``/``<ol>`` this item belongs to (its element id), for ``li`` blocks."""
    ordered: bool = False
    furniture: str | None = None
    """"header", "navigation", "sidebar", "footer", "share", ... when the block sits in
    page furniture; None in content."""
    marks: frozenset[str] = frozenset()
    """Furniture words found on its ancestors' ids and classes ("breadcrumb", "pager")."""
    dropped: str | None = None
    """Why the cleaner dropped it ("hidden", "spam"); None when kept."""
    anchors: tuple[Link, ...] = ()
    """Every link of the line in reading order, ``mailto:`` ones included; empty when the
    line has no ``mailto:`` link (``links`` then says it all)."""
    strong: bool = False
    """The whole line is bold (``<strong>``/``<b>``): a sub-heading when short and alone."""

    @property
    def all_links(self) -> tuple[Link, ...]:
        """The line's links in reading order, ``mailto:`` ones included."""
        return self.anchors or self.links

    @property
    def is_kept(self) -> bool:
        return self.dropped is None

    @property
    def is_content(self) -> bool:
        """Kept and not page furniture."""
        return self.dropped is None and self.furniture is None

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


@dataclass(frozen=True, slots=True)
class TimeMark:
    """A ``<time datetime>`` element: its attribute and whether it sits in furniture."""

    datetime: str
    furniture: str | None


@dataclass(frozen=True, slots=True)
class MarkupLink:
    """An ``<a>`` or ``<link>`` with both ``rel`` and ``href`` (pager, translations, tags)."""

    tag: str
    rel: str
    """As written."""
    href: str
    hreflang: str = ""
    text: str = ""
    """The element's text, read only for rel="tag" links."""


@dataclass(frozen=True, slots=True)
class ImageMark:
    """An ``<img>`` of the page, where it sits and what its attributes say."""

    element: int
    """Its element id (see ``Document.parents``)."""
    position: int
    """The number of blocks rendered before it: it sits before ``blocks[position]``."""
    src: str
    """As written (``src``, or a lazy loader's ``data-src``), stripped."""
    base: str
    alt: str | None
    width: int | None
    height: int | None
    furniture: str | None
    hidden: bool

    @property
    def url(self) -> str:
        """The absolute URL."""
        return join_url(self.base, self.src)


@dataclass(frozen=True, slots=True)
class FileText:
    """What a linked file says of itself (a PDF's page count, title and text), or why it
    says nothing (``error``)."""

    pages: int | None = None
    title: str | None = None
    text: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Removal:
    """A block the cleaner dropped, with the reason."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Document:
    """A page parsed once and cleaned: blocks plus the markup hints extractors use."""

    url: str
    html: str
    tree: LexborHTMLParser
    blocks: tuple[Block, ...]
    parents: tuple[int, ...] = ()
    """Parent element id of each element id (-1 for the root): the container structure."""
    tags: tuple[str, ...] = ()
    """Tag of each element id."""
    names: tuple[str, ...] = ()
    """Lower-cased "id class itemprop" text of each element id (class-name hints)."""
    removed: tuple[Removal, ...] = ()
    json_ld: tuple[JsonObject, ...] = ()
    times: tuple[TimeMark, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)
    """Meta tags by lower-cased name or property ("og:title"), plus "title" (the
    ``<title>``), "html_lang" and "canonical"."""
    language: str | None = None
    """Language of the page's content text, as the cleaner judged it for spam scoring (None
    when no block had enough commercial words to need it)."""
    markup_links: tuple[MarkupLink, ...] = ()
    """Every ``<a>``/``<link>`` with rel and href, in document order."""
    breadcrumb_list: LexborNode | None = None
    """The first element whose itemtype names a schema.org BreadcrumbList (microdata)."""
    images: tuple[ImageMark, ...] = ()
    """Every ``<img>`` with a source, in document order."""

    def ancestors(self, element: int) -> list[int]:
        """Element ids from ``element`` up to the root, ``element`` first."""
        chain = []
        while 0 <= element < len(self.parents):
            chain.append(element)
            element = self.parents[element]
        return chain

    def common_container(self, first: int, second: int) -> int:
        """Id of the innermost element that contains both elements (-1: none)."""
        above_first = set(self.ancestors(first))
        for element in self.ancestors(second):
            if element in above_first:
                return element
        return -1

    def contains(self, container: int, element: int) -> bool:
        """True when ``element`` is ``container`` or inside it. Ids follow document order,
        so an ancestor's id is smaller than its descendants': the walk up stops below
        ``container``."""
        parents = self.parents
        while container <= element < len(parents):
            if element == container:
                return True
            element = parents[element]
        return False
