"""Main text of a page no profile lays out, chosen from the rendered blocks (no second parse).

A readability/boilerpipe-style selector that works on :class:`~scraper.document.Document`:

1. Every block gets a *value*: its text length, minus 1.5 times its link text, minus a flat
   penalty when it is a short line (a menu item, a date, "Share"); list items count half,
   headings nothing (they belong to the text below them, they do not make a container).
2. Values add up the element tree (``Document.parents``), bottom-up. Text is worth less the
   further it sits from a container: full value up to the first level where other blocks
   join, then halved at each further level. A container of consecutive paragraphs therefore
   beats a teaser list or a comment thread that spreads the same amount of text over many
   small boxes.
3. Blocks in page furniture (navigation, header, footer, share bar, cookie notice), hidden
   blocks, and blocks under elements whose id/class says comments, related items, captions,
   bylines, ads or newsletters count for less; containers whose id/class says article body
   (or ``<article>``, ``<main>``) score half as much again. A furniture or hidden mark that
   covers most of the page's text is a misfire (``class="content-sidebar-wrap"``,
   ``class="field-label-hidden"``, a hidden ``<body>``) and is ignored.
4. The best container wins, with the sibling containers of comparable, dense text (an article
   cut into chunks). Inside them, furniture, hidden, captioned, link-dense and hinted blocks
   are dropped, and so are the title (``h1``), captions, the end matter from the first
   "Comments"/"Related stories"/"Tags" line when little text follows it, and trailing
   credit, contact and subscription lines.

Element tags and id/class names are not in the Document; :func:`read_elements` reads them
from ``document.tree`` (the parse the cleaner already made) in the renderer's element order,
and the selector falls back to blocks alone when the two disagree.
"""

from __future__ import annotations


import functools
import re
from dataclasses import dataclass

from scraper.caches import page_cache
from scraper.lexicons import load_common_words
from scraper.document import Block, Document, Removal
from scraper.extract.contacts import take_contacts
from scraper.extract.links import links_files
from scraper.records import Contact

SHORT = 20
"""A line shorter than this (in characters) is a menu item, a date, a button: it costs
this much on top of its length."""
LINK_WEIGHT = 1.5
"""Each character of link text costs this many characters of value."""
LIST_FACTOR = 0.5
"""List items are worth half: teaser and link lists are lists, article paragraphs are not."""
DECAY = 0.5
"""Value kept per level of nesting beyond the first (readability's parent/grandparent)."""
FURNITURE_FACTORS = {"navigation": 0.3, "header": 0.3, "footer": 0.3, "share": 0.3,
                     "cookie": 0.1, "form": 0.5}
"""Value kept by text in page furniture, by kind; "sidebar" (often a layout wrapper's
class word) and unknown kinds keep all of it."""
HIDDEN_FACTOR = 0.2
HINT_FACTOR = 0.15
"""Value kept by text under an element whose id/class says comments, related, caption..."""
POSITIVE_FACTOR = 1.5
"""Score multiplier of a container marked as the article (``<article>``, "entry-content")."""
MISFIRE_SHARE = 0.5
"""A furniture or hidden mark covering this share of the page's text is a misfire."""
PROTECT_SHARE = 0.2
"""An article container holding this share of the page's text clears the negative hints of
its ancestors (``class="single-post with-sidebar"`` on a wrapper)."""
SIBLING_SHARE = 0.2
SIBLING_DENSITY = 50.0
"""A sibling container joins the best one when it scores this share of it and this much per
block (dense text, not a list of short items)."""
MAX_LINK_DENSITY = 0.5
LONG_LINKED = 100
MAX_LONG_LINK_DENSITY = 0.8
"""Blocks with more link text than MAX_LINK_DENSITY are dropped, except sentences of
LONG_LINKED characters or more, which go only above MAX_LONG_LINK_DENSITY."""
PROSE_CHARS = 80
END_SHARE = 0.25
"""An end-matter line ends the body when the prose after it is less than this share of the
prose before it (otherwise it is a widget heading inside the article, dropped alone)."""
SHORT_TAIL = 20
SHORT_LEAD = 50
LOOSE_KINDS = frozenset({"div", "span", "section", "body", "center"})

CELL_KINDS = frozenset({"td", "th"})
KIND_FACTORS = {"li": LIST_FACTOR, "h1": 0.0, "h2": 0.0, "h3": 0.0, "h4": 0.0, "h5": 0.0,
                "h6": 0.0}
HEADING_KINDS = frozenset({"h2", "h3", "h4", "h5", "h6"})
DROPPED_KINDS = {"h1": "title", "figcaption": "caption", "figure": "caption"}
"""Block kinds never in the body: the title is a field of its own, captions describe images."""
ARTICLE_TAGS = frozenset({"article", "main"})

_NEGATIVE = re.compile(
    r"comment|disqus|respond|related|recommend|outbrain|taboola|recirc|more-stories|"
    r"trending|popular|newsletter|subscribe|signup|share|sharing|social|promo|sponsor|"
    r"advert|caption|byline|author|credit|widget|sidebar|footer|breadcrumb|tags|"
    r"(?:^|[\s_-])ads?(?:$|[\s_-])"
)
"""Id/class words of elements that hold no article text (readability's unlikely candidates,
plus captions, credits and bylines, which the article-body benchmarks leave out)."""
_MAYBE = re.compile(r"and|article|body|column|content|main|shadow")
"""...unless the name also says it holds the content (readability's okMaybeItsACandidate)."""
_POSITIVE = re.compile(
    r"article-?body|articlebody|article-?content|entry-content|post-?content|post-?body|"
    r"story-?body|content-?body|main-?content|page-?content|article-?text|story-?text"
)
"""Id/class/itemprop words of the article's own container."""

_MARKER_STRIP = " \t0123456789.:…!?()[]|-–—_*#»›>"


@functools.cache
def _end_matter() -> tuple[frozenset[str], tuple[str, ...], re.Pattern[str]]:
    """The end-matter markers, their prefixes and the trailing credit lines' pattern, from
    the common lexicon (``[end_matter]``; built once)."""
    words = load_common_words().end_matter
    trailing = "|".join(re.escape(phrase) for phrase in words.trailing) or "(?!)"
    anywhere = "".join(f"|{re.escape(phrase)}" for phrase in words.trailing_anywhere)
    return words.markers, words.prefixes, re.compile(
        rf"^\(?(?:{trailing}){anywhere}|[\w.+-]+@[\w-]+\.\w|^\W*$", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "»", "。", "！", "？")
_MIXED = "*"


@dataclass(frozen=True, slots=True)
class Elements:
    """Tag and lower-cased "id class itemprop" text of each element, by element id."""

    tags: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MainText:
    """The article's blocks in page order, and the blocks of its containers left out."""

    blocks: tuple[Block, ...]
    removed: tuple[Removal, ...]
    contacts: tuple[Contact, ...] = ()
    """Press contact blocks taken out of the text (before its credit lines are trimmed)."""


def extract_main_text(document: Document) -> list[Block]:
    """The blocks of the page's main text, in page order (``[]`` for a page without text)."""
    return list(select_main_text(document).blocks)


def select_main_text(document: Document) -> MainText:
    """The main text's blocks, plus what was removed from its containers and why."""
    return _select(document, read_elements(document))


def read_elements(document: Document) -> Elements | None:
    """Tags and id/class names of the elements, as the cleaner recorded them while rendering
    (no second walk of the tree); None when it recorded none."""
    if not document.tags or len(document.tags) != len(document.parents):
        return None
    return Elements(document.tags, document.names)


def _value(block: Block) -> float:
    length = len(block.text)
    value = length - LINK_WEIGHT * block.link_chars
    if length < SHORT and block.kind not in CELL_KINDS:
        value -= SHORT
    if value > 0 and block.kind in KIND_FACTORS:
        value *= KIND_FACTORS[block.kind]
    return value


@page_cache(maxsize=16384)
def _hint(name: str) -> int:
    """-1 for an element named like boilerplate, 1 like the article's body, else 0 (cached:
    a site repeats its class names on every page)."""
    if not name.strip():
        return 0
    if _NEGATIVE.search(name) and not _MAYBE.search(name):
        return -1
    return 1 if _POSITIVE.search(name) else 0


def _merge(states: list[str | None], element: int, state: str | None) -> None:
    current = states[element]
    if current is None:
        states[element] = state
    elif current != state:
        states[element] = _MIXED


def _select(document: Document, elements: Elements | None) -> MainText:
    parents = document.parents
    size = len(parents)
    blocks = [block for block in document.blocks
              if 0 <= block.element < size and block.dropped != "spam"
              and not (block.dropped and block.kind == "span")]  # hidden words in a line
    if not blocks:
        return MainText((), ())
    values = [_value(block) for block in blocks]
    own: list[list[int]] = [[] for _ in range(size)]
    for position, block in enumerate(blocks):
        own[block.element].append(position)

    # Bottom-up (a parent's id is smaller than its children's): block counts, positive
    # value, and whether all blocks below share one furniture kind / hidden flag.
    counts = [0] * size
    mass = [0.0] * size
    furniture: list[str | None] = [None] * size
    hidden: list[str | None] = [None] * size
    for element in range(size - 1, -1, -1):
        for position in own[element]:
            counts[element] += 1
            mass[element] += max(values[position], 0.0)
            _merge(furniture, element, blocks[position].furniture or "")
            _merge(hidden, element, blocks[position].dropped or "")
        parent = parents[element]
        if parent < 0 or not counts[element]:
            continue
        counts[parent] += counts[element]
        mass[parent] += mass[element]
        for states in (furniture, hidden):
            state, current = states[element], states[parent]
            if current is None:
                states[parent] = state
            elif current != state:
                states[parent] = _MIXED
    total = mass[0] if mass[0] > 0 else 1.0

    # Class hints, top-down: an element is "bad" when it or an ancestor is hinted.
    strong = [False] * size
    bad = [False] * size
    quoted = [False] * size
    if elements is not None:
        for element in range(size):
            parent = parents[element]
            quoted[element] = elements.tags[element] == "blockquote" or (
                parent >= 0 and quoted[parent])
        negative = [False] * size
        verdicts: dict[str, int] = {}
        for element in range(1, size):
            name = elements.names[element]
            verdict = verdicts.get(name)
            if verdict is None:
                verdict = verdicts[name] = _hint(name)
            if verdict < 0:
                negative[element] = True
            elif verdict > 0 or elements.tags[element] in ARTICLE_TAGS:
                strong[element] = True
        cleared = [False] * size
        for element in range(size):
            if strong[element] and mass[element] >= PROTECT_SHARE * total:
                ancestor = parents[element]
                while ancestor >= 0 and not cleared[ancestor]:
                    negative[ancestor] = False
                    cleared[ancestor] = True
                    ancestor = parents[ancestor]
        for element in range(size):
            parent = parents[element]
            bad[element] = negative[element] or (parent >= 0 and bad[parent])

    # A furniture or hidden mark is real unless its uniform region is most of the page.
    def regions(states: list[str | None]) -> list[int]:
        root = list(range(size))
        for element in range(1, size):
            parent = parents[element]
            if parent >= 0 and states[parent] == states[element]:
                root[element] = root[parent]
        return root

    furniture_root = regions(furniture)
    hidden_root = regions(hidden)

    def is_real(element: int, flag: str, states: list[str | None], root: list[int]) -> bool:
        top = root[element] if states[element] == flag else element
        return mass[top] < MISFIRE_SHARE * total

    # Node scores, bottom-up with decay: level-0 value (blocks reached without another block
    # joining) and the decayed total.
    level0 = [0.0] * size
    scores = [0.0] * size
    for position, block in enumerate(blocks):
        value = values[position]
        if value > 0:
            if block.furniture and is_real(block.element, block.furniture, furniture,
                                           furniture_root):
                value *= FURNITURE_FACTORS.get(block.furniture, 1.0)
            if block.dropped and is_real(block.element, block.dropped, hidden, hidden_root):
                value *= HIDDEN_FACTOR
            if bad[block.element]:
                value *= HINT_FACTOR
        level0[block.element] += value
        scores[block.element] += value
    for element in range(size - 1, 0, -1):
        parent = parents[element]
        if parent < 0 or not counts[element]:
            continue
        if counts[parent] == counts[element]:
            level0[parent] += level0[element]
            scores[parent] += scores[element]
        else:
            scores[parent] += level0[element] + DECAY * (scores[element] - level0[element])
    for element in range(size):
        if strong[element] and scores[element] > 0:
            scores[element] *= POSITIVE_FACTOR
    best = max(range(size), key=scores.__getitem__)

    containers = _with_siblings(best, parents, counts, scores)
    inside = [False] * size
    for element in range(size):
        parent = parents[element]
        inside[element] = element in containers or (parent >= 0 and inside[parent])
    return _filter([(block, value) for block, value in zip(blocks, values)
                    if inside[block.element]], bad, quoted)


def _with_siblings(best: int, parents: tuple[int, ...], counts: list[int],
                   scores: list[float]) -> set[int]:
    """The best container, and the siblings of its outermost wrapper that hold dense text
    scoring a fair share of it (the other chunks of an article cut in parts)."""
    containers = {best}
    top = best
    while parents[top] >= 0 and counts[parents[top]] == counts[top]:
        top = parents[top]
    holder = parents[top]
    if holder < 0:
        return containers
    threshold = SIBLING_SHARE * scores[best]
    for element in range(holder + 1, len(parents)):
        parent = parents[element]
        if parent < holder:
            break  # past the holder's subtree
        if (parent == holder and element != top and counts[element]
                and scores[element] >= threshold
                and scores[element] >= SIBLING_DENSITY * counts[element]):
            containers.add(element)
    return containers


def _filter(candidates: list[tuple[Block, float]], bad: list[bool],
            quoted: list[bool]) -> MainText:
    """The container's blocks without furniture, hidden, hinted, captions and link lists."""
    furniture_mass: dict[str | None, float] = {}
    hidden_mass: dict[str | None, float] = {}
    for block, value in candidates:
        if value > 0:
            furniture_mass[block.furniture] = furniture_mass.get(block.furniture, 0.0) + value
            hidden_mass[block.dropped] = hidden_mass.get(block.dropped, 0.0) + value
    # The mark most of the container's text carries is the container's own (a misfire).
    own_furniture = max(furniture_mass, key=furniture_mass.__getitem__, default=None)
    own_hidden = max(hidden_mass, key=hidden_mass.__getitem__, default=None)
    hinted = sum(value for block, value in candidates if value > 0 and bad[block.element])
    own_hint = hinted > 0.5 * sum(furniture_mass.values())
    kept: list[Block] = []
    removed: list[Removal] = []
    for block, _ in candidates:
        reason = None
        if block.furniture and block.furniture != own_furniture and not quoted[block.element]:
            reason = block.furniture  # an embedded post (a quote) is content
        elif block.dropped and block.dropped != own_hidden:
            reason = block.dropped
        elif block.kind in DROPPED_KINDS:
            reason = DROPPED_KINDS[block.kind]
        elif bad[block.element] and not own_hint:
            reason = "boilerplate"
        elif block.link_density > MAX_LINK_DENSITY and (
                len(block.text) < LONG_LINKED or block.link_density > MAX_LONG_LINK_DENSITY
        ) and not _is_url(block.text) and not links_files(block):
            reason = "navigation"
        if reason is None:
            kept.append(block)
        else:
            removed.append(Removal(text=block.text, reason=reason))
    kept, contacts = take_contacts(kept, removed)
    main = _trim(kept, removed)
    return MainText(main.blocks, main.removed, tuple(contacts)) if contacts else main


def _is_url(text: str) -> bool:
    """A link shown as its address is a reference the text gives, not a menu item."""
    return text.startswith(("http://", "https://", "www.")) and " " not in text


def _is_loose_line(block: Block) -> bool:
    """A short line outside any paragraph ahead of the text: a date, "Text size", "close"."""
    return (block.kind in LOOSE_KINDS and len(block.text) < SHORT_LEAD
            and not block.text.endswith(_SENTENCE_END))


def _is_end_marker(text: str) -> bool:
    if len(text) > 60:
        return False
    folded = text.casefold().strip(_MARKER_STRIP)
    markers, prefixes, _ = _end_matter()
    return folded in markers or folded.startswith(prefixes)


def _trim(blocks: list[Block], removed: list[Removal]) -> MainText:
    """The body without its end matter and the credit lines that trail it."""
    kept: list[Block] = []
    prose_after = sum(len(block.text) for block in blocks if len(block.text) >= PROSE_CHARS)
    prose_before = 0
    for position, block in enumerate(blocks):
        if len(block.text) >= PROSE_CHARS:
            prose_after -= len(block.text)
            prose_before += len(block.text)
        elif prose_before and _is_end_marker(block.text):
            if prose_after < END_SHARE * prose_before:
                removed.extend(Removal(text=rest.text, reason="end matter")
                               for rest in blocks[position:])
                break
            removed.append(Removal(text=block.text, reason="end matter"))
            continue
        kept.append(block)
    lead = 0
    while lead < len(kept) - 1 and _is_loose_line(kept[lead]):
        lead += 1
    removed.extend(Removal(text=block.text, reason="metadata") for block in kept[:lead])
    kept = kept[lead:]
    while len(kept) > 1:
        last = kept[-1]
        text = last.text
        if (last.kind in HEADING_KINDS
                or (len(text) < SHORT_TAIL and last.kind not in CELL_KINDS
                    and not text.endswith(_SENTENCE_END))
                or _end_matter()[2].search(text)):
            removed.append(Removal(text=kept.pop().text, reason="credit"))
        else:
            break
    return MainText(tuple(kept), tuple(removed))
