"""Where the quotes are: spans of text between quote marks, across paragraphs.

Curly, straight and French marks, nested and mixed (the legacy CMS opens with ' and closes
with ", or closes a part with “), an opening mark left open continuing into the next
paragraphs (French paragraphs reopened with «), a closing mark with no opening one (the
quote starts at the paragraph's start), and an unclosed quote cut where ", said NAME"
begins. :mod:`scraper.extract.quotes` attributes the spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from scraper.extract.speakers import QuoteWords

OPENERS = "“«„"
CLOSERS = "”»"
MAX_SPANS = 500
"""Quotes looked for in one article at most: real ones hold a few dozen; a page of thousands
of marks (hostile input, issue 15) stops here instead of costing minutes."""
MAX_CUE_CHARS = 120
"""Characters read after a comma to see whether ", said NAME" cuts an unclosed quote."""
MAX_CONTINUATION = 4
"""Paragraphs an unclosed quote may run on before it is taken as never closed."""


@dataclass(slots=True)
class Span:
    """A quoted stretch: from (paragraph, offset of the opening mark or -1) to (paragraph,
    offset of the closing mark or the paragraph's length)."""

    first: int
    start: int
    last: int
    end: int
    closed: bool
    parts: list[str] = field(default_factory=list)


_MARK_CHARACTERS = re.compile("[" + re.escape("".join(sorted(set(OPENERS + CLOSERS + "\"'"))))
                              + "]")


def mark_kind(paragraph: str, index: int) -> str | None:
    char = paragraph[index]
    before = paragraph[index - 1] if index else " "
    after = paragraph[index + 1] if index + 1 < len(paragraph) else " "
    if char in OPENERS:
        if char == "“" and not before.isspace() and before not in "([—–-:" and (
                after.isspace() or after in ".,;:!?)"):
            return "close"  # “A,” said X. “B“: the legacy CMS closes with an opening mark
        return "open"
    if char in CLOSERS:
        return "close"
    if char == '"':
        if (before.isspace() or before in "([—–-:") and not after.isspace():
            return "open"
        return "close"
    if char == "'" and (before.isspace() or before in "([") and after.isalpha() and \
            _closed_by_double_mark(paragraph, index):
        return "open"  # old press releases open with ' and close with "
    return None


def _closed_by_double_mark(paragraph: str, index: int) -> bool:
    """Whether the ' at ``index`` is closed by a " (mixed marks of the legacy CMS), not by
    another ' ('key action' is a quoted term, Europe's an apostrophe)."""
    closing = paragraph.find('"', index + 1)
    if closing < 0:
        return False
    for match in re.finditer("'", paragraph[index + 1: closing]):
        at = index + 1 + match.start()
        following = paragraph[at + 1: at + 2]
        if not following.isalpha():  # a ' that closes, before the "
            return False
    return True


def _mark_indices(paragraph: str, start: int = 0) -> list[int]:
    """Where ``paragraph`` holds a character that may open or close a quote (the only ones
    :func:`_mark_kind` reads), from ``start`` on."""
    return [match.start() for match in _MARK_CHARACTERS.finditer(paragraph, start)]


def find_spans(paragraphs: Sequence[str], words: QuoteWords) -> list[Span]:
    spans: list[Span] = []
    current: Span | None = None
    for number, paragraph in enumerate(paragraphs):
        if len(spans) >= MAX_SPANS:
            break  # hostile input: no article quotes this much; the work stays bounded
        depth, position, previous_end = 0, 0, 0
        if current is not None:
            marks = [(index, mark_kind(paragraph, index)) for index in _mark_indices(paragraph)]
            first_open = next((i for i, kind in marks if kind == "open"), None)
            first_close = next((i for i, kind in marks if kind == "close"), None)
            if first_open is not None and first_open > 2 and (
                    first_close is None or first_open < first_close):
                _close_unfinished(current, paragraphs, spans)  # a new quote starts here
                current = None
            else:
                current.parts.append("")
                depth = 1
                stripped = paragraph.lstrip()
                if stripped[:1] in OPENERS:  # reopened at the paragraph's start (French)
                    position = len(paragraph) - len(stripped) + 1
        for index in _mark_indices(paragraph, position):
            if len(spans) >= MAX_SPANS:
                break
            kind = mark_kind(paragraph, index)
            if kind == "open":
                if depth == 0:
                    current = Span(number, index, number, index, False, [""])
                    position = index + 1
                depth += 1
            elif kind == "close":
                if depth == 0 or current is None:
                    # no opening mark: from the paragraph's start, or from the last quote
                    # closed in it (text is never held twice: memory stays linear)
                    spans.append(Span(number, -1, number, index, True,
                                      [paragraph[previous_end:index]]))
                    previous_end = index + 1
                    continue
                depth -= 1
                if depth == 0:
                    current.parts[-1] += paragraph[position:index]
                    current.last, current.end, current.closed = number, index, True
                    spans.append(current)
                    current = None
                    previous_end = index + 1
        if current is None:
            continue
        current.parts[-1] += paragraph[position:]
        cut = _attribution_inside(current.parts[-1], words)
        if cut is not None:  # “A, said NAME: the closing mark is missing
            offset = len(paragraph) - len(current.parts[-1])
            current.parts[-1] = current.parts[-1][:cut]
            current.last, current.end, current.closed = number, offset + cut, True
            spans.append(current)
            current = None
        elif number - current.first + 1 >= MAX_CONTINUATION:
            _close_unfinished(current, paragraphs, spans)
            current = None
    if current is not None:
        _close_unfinished(current, paragraphs, spans)
    spans.sort(key=lambda span: (span.first, span.start))
    return spans


def _close_unfinished(span: Span, paragraphs: Sequence[str], spans: list[Span]) -> None:
    """A quote never closed: it ends with its own paragraph."""
    span.parts = span.parts[:1]
    span.last = span.first
    span.end = len(paragraphs[span.first])
    span.closed = False
    spans.append(span)


def _attribution_inside(text: str, words: QuoteWords) -> int | None:
    """Where ", said NAME" cuts an unclosed quote, or None."""
    for match in re.finditer(r",\s+", text):
        rest = text[match.end(): match.end() + MAX_CUE_CHARS]
        verb = words.verb_pattern.match(rest)
        if verb and words.speaker_start.match(rest[verb.end():]):
            return match.start()
    return None


__all__ = ["CLOSERS", "MAX_CONTINUATION", "MAX_SPANS", "OPENERS", "Span", "find_spans", "mark_kind"]
