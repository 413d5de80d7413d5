"""Bounds put on markup before it is parsed, each in one linear pass: comments, scripts and
styles shed (:func:`drop_raw_text`), overlong tags cut to their names (:func:`limit_tags`),
pathological nesting flattened (:func:`limit_nesting`). HTML parsers are quadratic in the
attributes of a tag and slow on deep nesting; regular expressions are quadratic when every
failed match rescans the rest of the page, which each pattern here avoids.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from itertools import accumulate
from operator import sub

logger = logging.getLogger(__name__)

# [^<>], not [^>]: a "<" ends the scan, so a page of unterminated tags ("<a <a <a ...") costs
# one pass, not one pass per tag (quadratic).
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
# Quick scan: "/" for a closing tag as _TAG reads it, "" for anything that may open one.
_NOT_VOID = r"(?!(?:" + "|".join(sorted(VOID_TAGS)) + r")[\s/>])"
_QUICK_TAG = re.compile(
    rf"<(?:(/){_NOT_VOID}[A-Za-z][A-Za-z0-9-]*[^<>]*(?<!/)>|{_NOT_VOID}[A-Za-z])",
    re.IGNORECASE)
_STEP = {"": 1, "/": -1}


def limit_nesting(html: str, max_depth: int) -> str:
    """``html`` with tags nested deeper than ``max_depth`` removed (their text kept).

    The depth is estimated from the tag stream (void and self-closed tags do not nest), so
    the common case, a page within the limit, returns ``html`` unchanged after one scan: a
    quick one that can only overestimate (a self-closed or unterminated tag counts as
    opened), then, if that is over the limit, an exact one.
    """
    # Each level of nesting costs a "<": a page with few tags cannot be too deep (counted
    # in C, far cheaper than either scan).
    if html.count("<") <= max_depth or quick_depth(html) <= max_depth or \
            nesting_depth(html) <= max_depth:
        return html
    pieces: list[str] = []
    position = depth = 0
    for match in _TAG.finditer(html):
        if match.group(2).lower() in VOID_TAGS or match.group(3):
            continue
        closing = bool(match.group(1))
        depth = max(0, depth - 1) if closing else depth + 1
        too_deep = (depth + (1 if closing else 0)) > max_depth
        if too_deep:
            pieces.append(html[position : match.start()])
            position = match.end()
    pieces.append(html[position:])
    logger.warning("nesting deeper than %d elements flattened", max_depth)
    return "".join(pieces)


def quick_depth(html: str) -> int:
    """At least :func:`nesting_depth`, often more, and about five times faster."""
    return _deepest(map(_STEP.__getitem__, _QUICK_TAG.findall(html)))


def nesting_depth(html: str) -> int:
    """How deep the tags of ``html`` nest (void and self-closed tags do not nest)."""
    return _deepest([0 if self_closed or name.lower() in VOID_TAGS else -1 if closing else 1
                     for closing, name, self_closed in _TAG.findall(html)])


def _deepest(steps: Iterable[int]) -> int:
    """The deepest a walk of ``steps`` (+1 in, -1 out) gets, floored at 0 (stray closing
    tags). A walk floored at 0 is its running sum minus the lowest the sum has been (if
    below 0): computed in C, not per tag in Python."""
    sums = list(accumulate(steps))
    lowest = accumulate(sums, min, initial=0)
    next(lowest)
    return max(map(sub, sums, lowest), default=0)


_RAW_START = re.compile(r"<!--|<(script|style)(?=[\s/>])([^<>]{0,4096})>", re.IGNORECASE)
_RAW_END = {"script": re.compile(r"</script[\s/>]", re.IGNORECASE),
            "style": re.compile(r"</style[\s/>]", re.IGNORECASE)}
_JSON_LD_TYPE = re.compile(r"""type\s*=\s*["']?application/ld\+json""", re.IGNORECASE)


def drop_raw_text(html: str, max_json_ld_chars: int) -> str:
    """``html`` without comments and the contents of scripts and style sheets (JSON-LD within
    ``max_json_ld_chars`` kept), none of which is text. One pass: an unterminated comment or
    script runs to the end, as in a browser."""
    pieces: list[str] = []
    position = 0
    while (match := _RAW_START.search(html, position)) is not None:
        if match.group(1) is None:  # a comment
            pieces.append(html[position : match.start()])
            end = html.find("-->", match.end())
            position = len(html) if end < 0 else end + 3
            continue
        close = _RAW_END[match.group(1).lower()].search(html, match.end())
        end = len(html) if close is None else close.start()
        pieces.append(html[position : match.end()])
        if _JSON_LD_TYPE.search(match.group(2)) and end - match.end() <= max_json_ld_chars:
            pieces.append(html[match.end() : end])
        position = end
    pieces.append(html[position:])
    return "".join(pieces)


_TAG_NAME = re.compile(r"</?[A-Za-z][^\s/<>]{0,64}")


def limit_tags(html: str, max_tag_chars: int) -> str:
    """``html`` with every tag longer than ``max_tag_chars`` cut to its name (``<div ...>``
    -> ``<div>``): HTML parsers compare a tag's attributes pairwise (100,000 attributes take
    a minute), and an attribute holds no text. One split on ">", so a page of unterminated
    tags costs one pass. A closer at the end (``</script``, ``--``) is kept, in case the
    "tag" was script or comment text."""
    pieces = html.split(">")
    if max(map(len, pieces)) <= max_tag_chars:
        return html
    for index, piece in enumerate(pieces):
        if len(piece) <= max_tag_chars:
            continue
        name = _TAG_NAME.search(piece)
        if name is None or len(piece) - name.start() <= max_tag_chars:
            continue
        tail = piece[-80:]
        closer = tail.rfind("</")
        keep = tail[closer:] if closer >= 0 else "--" if tail.endswith("--") else ""
        pieces[index] = piece[: name.end()] + (" " + keep if keep else "")
    logger.warning("tags longer than %d characters cut to their names", max_tag_chars)
    return ">".join(pieces)


__all__ = ["VOID_TAGS", "nesting_depth", "drop_raw_text", "limit_nesting", "limit_tags", "quick_depth"]
