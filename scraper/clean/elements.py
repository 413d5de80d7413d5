"""What the walk makes of an element: its attributes read once, and its place in the page.

An element's *context* (its block, the furniture it sits in, the furniture words of its
ancestors, whether it is hidden or inside an article) depends only on its parent's context,
its tag and the attributes the walk reads. Pages, and the pages of one site, repeat the same
few combinations on element after element, so both are worked out once and remembered
(interned: compared by identity) by the site's :class:`AttributeReader`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.caches import page_cache
from scraper.profiles import CompiledSite

BLOCK_TAGS = frozenset(
    "html body p div section article main header footer nav aside h1 h2 h3 h4 h5 h6 li ul "
    "ol dl dt dd table tbody thead tfoot tr td th caption blockquote pre figure figcaption "
    "address hr form fieldset legend center details summary".split()
)
STRONG_TAGS = frozenset({"strong", "b"})
FURNITURE_TAGS = {"header": "header", "nav": "navigation", "footer": "footer",
                  "aside": "sidebar", "form": "form"}
FURNITURE_ROLES = {"banner": "header", "navigation": "navigation", "contentinfo": "footer",
                   "complementary": "sidebar", "search": "sidebar"}
HIDDEN_CLASS_WORDS = frozenset({"hidden", "hide", "invisible", "d-none", "visually-hidden"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CLASS_SPLIT = re.compile(r"[\s_]+|(?<=[a-z])-(?=[a-z])")


@dataclass(frozen=True, slots=True, eq=False)
class Attributes:
    """What the walk reads from an element's attributes."""

    name: str
    """id, class and itemprop, lower case (``Document.names``)."""
    furniture_words: frozenset[str]
    """The element's id/class/aria-label words that name page furniture."""
    kind: str | None
    """The furniture those words or the ARIA role name."""
    role_kind: str | None
    main: bool
    """role="main"."""
    hidden: bool
    """hidden, aria-hidden="true" or an inline style that hides."""
    hidden_class: bool
    """A class token that hides ("d-none"); ignored on <html> and <body>."""


READ_ATTRIBUTES = frozenset(
    {"id", "class", "itemprop", "role", "aria-label", "style", "aria-hidden", "hidden"})
"""The attributes :class:`AttributeReader` reads."""
NO_ATTRIBUTES = Attributes(name="  ", furniture_words=frozenset(), kind=None, role_kind=None,
                           main=False, hidden=False, hidden_class=False)


@dataclass(frozen=True, slots=True, eq=False)
class Context:
    """What an element's place in the page makes of it (see the module's docstring)."""

    tag: str
    block_tag: str
    """Its own tag for a block element, else its block's."""
    furniture: str | None
    marks: frozenset[str]
    hidden: bool
    in_article: bool
    block_hidden: bool
    """Whether the nearest block-level ancestor (or self) is hidden: a hidden inline element
    inside a visible paragraph is cut out of the line, not allowed to hide it."""
    parent_hidden: bool
    is_block: bool
    list_tag: str | None
    """"ul" or "ol" for a list element."""
    strong: bool = False
    """Inside ``<strong>`` or ``<b>`` (within its block)."""


OUTSIDE = Context(tag="", block_tag="div", furniture=None, marks=frozenset(), hidden=False,
                  in_article=False, block_hidden=False, parent_hidden=False, is_block=False,
                  list_tag=None)
"""The context of the root element's parent."""


class AttributeReader:
    """Reads elements' attributes and contexts for one site's furniture words, remembering
    each combination once worked out."""

    MAX_REMEMBERED = 20_000

    def __init__(self, word_kinds: dict[str, str]) -> None:
        self.word_kinds = word_kinds
        self.known: dict[tuple[str | bool | None, ...], Attributes] = {}
        self.contexts: dict[tuple[Context, str, Attributes], Context] = {}

    def read(self, attributes: dict[str, str | None]) -> Attributes:
        if READ_ATTRIBUTES.isdisjoint(attributes):
            return NO_ATTRIBUTES  # most elements: none, or only href, src, alt, lang...
        get = attributes.get
        key = (get("id"), get("class"), get("itemprop"), get("role"), get("aria-label"),
               get("style"), get("aria-hidden"), "hidden" in attributes)
        known = self.known.get(key)
        if known is None:
            if len(self.known) >= self.MAX_REMEMBERED:
                self.known.clear()
            known = self.known[key] = self._read(*key)
        return known

    def context(self, parent: Context, tag: str, read: Attributes) -> Context:
        key = (parent, tag, read)
        known = self.contexts.get(key)
        if known is None:
            if len(self.contexts) >= self.MAX_REMEMBERED:
                self.contexts.clear()
            known = self.contexts[key] = _context(parent, tag, read)
        return known

    def _read(self, ident: str | bool | None, classes: str | bool | None,
              itemprop: str | bool | None, role: str | bool | None, label: str | bool | None,
              style: str | bool | None, aria_hidden: str | bool | None,
              hidden: str | bool | None) -> Attributes:
        ident, classes, itemprop = str(ident or ""), str(classes or ""), str(itemprop or "")
        role = str(role or "").lower()
        own_words = {word for word in _CLASS_SPLIT.split(f"{ident} {classes} {label or ''}"
                                                         .lower()) if word}
        furniture_words = frozenset(own_words & self.word_kinds.keys())
        # The innermost, most specific hint wins: class words, then the tag, then the role.
        return Attributes(
            name=f"{ident} {classes} {itemprop}".lower(),
            furniture_words=furniture_words,
            kind=self.word_kinds[min(furniture_words)] if furniture_words else None,
            role_kind=FURNITURE_ROLES.get(role),
            main=role == "main",
            hidden=bool(hidden) or str(aria_hidden or "").lower() == "true"
            or bool(_HIDDEN_STYLE.search(str(style or ""))),
            # Whole class tokens only ("d-none" hides, "field-label-hidden" does not).
            hidden_class=bool(set(classes.lower().split()) & HIDDEN_CLASS_WORDS),
        )


def _context(parent: Context, tag: str, read: Attributes) -> Context:
    is_block = tag in BLOCK_TAGS
    furniture = parent.furniture
    marks = parent.marks
    in_article = parent.in_article or tag in ("article", "main") or read.main
    if read.furniture_words:
        marks = marks | read.furniture_words
    kind = read.kind or FURNITURE_TAGS.get(tag) or read.role_kind
    if kind == "header" and in_article:
        kind = None  # an article's own <header> holds its headline and date
    if kind is not None and tag not in ("html", "body"):
        furniture = kind
    # Classes on <html>/<body> describe the page, not its visibility.
    hidden = parent.hidden or read.hidden or (
        read.hidden_class and tag not in ("html", "body"))
    return Context(tag=tag, block_tag=tag if is_block else parent.block_tag,
                   furniture=furniture, marks=marks, hidden=hidden, in_article=in_article,
                   block_hidden=hidden if is_block or parent is OUTSIDE else parent.block_hidden,
                   parent_hidden=parent.hidden, is_block=is_block,
                   list_tag=tag if tag in ("ul", "ol") else None,
                   strong=tag in STRONG_TAGS or (parent.strong and not is_block))


@page_cache(maxsize=32)
def attribute_reader(site: CompiledSite) -> AttributeReader:
    """One reader per profile (its furniture words), kept across pages."""
    return AttributeReader(site.furniture_kinds)
