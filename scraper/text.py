"""Pure text helpers shared by the stages: whitespace, words, language guess, word lists
as fast regexes, URL joining and shown dates.

>>> normalise_space("  a\\xa0 b\\n c ")
'a b c'
>>> words("L'Europe des communes, c'est 2024!")
["l'europe", 'des', 'communes', "c'est", '2024']
>>> language_of_words(Counter(words("the council and the mayor of the town")),
...                   {"en": frozenset({"the", "and"}), "fr": frozenset({"le", "et"})})
'en'
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import Counter  # noqa: F401  (the module doctest uses it)
from collections.abc import Iterable, Mapping
from urllib.parse import urljoin, urlsplit, urlunsplit

from scraper.caches import page_cache

_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*", re.UNICODE)
MAX_JSON_DEPTH = 200
"""JSON nesting accepted from the network or a file: deeper is refused before parsing (json
recurses once per level: 200,000 levels were a RecursionError traceback)."""
MIN_LANGUAGE_HITS = 3
"""Fewer stopword hits than this and the language is unknown (None)."""


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space."""
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (letters and digits; inner apostrophes and hyphens
    kept)."""
    return list(_words(text))


@page_cache(maxsize=2048)
def _words(text: str) -> tuple[str, ...]:
    """(Cached: the cleaner and the extractors read the same lines.)"""
    return tuple(_WORD.findall(text.lower().replace("’", "'")))


def language_of_words(counts: Mapping[str, int],
                      stopwords: Mapping[str, frozenset[str]]) -> str | None:
    """The language whose stopwords occur most among ``counts`` (a text's words, counted),
    or None when too few occur."""
    if not stopwords:
        return None
    hits = {language: sum(counts[word] for word in vocabulary.intersection(counts))
            for language, vocabulary in stopwords.items()}
    best = max(hits, key=lambda language: hits[language])
    return best if hits[best] >= MIN_LANGUAGE_HITS else None


_COUNT = re.compile(r"[0-9]{1,18}")
"""A number from the network: ASCII digits only, at most 18 (an int64 holds it)."""


def parse_count(text: str | None) -> int | None:
    """A whole number as a server writes one (ASCII digits, at most 18 of them), or None:
    the one parser for numbers from the network (issue 15). ``str.isdigit`` admits "²" and
    ``int`` refuses 4,300 digits; neither reaches a traceback here.

    >>> parse_count("120"), parse_count(" 7 "), parse_count("²"), parse_count("9" * 5000)
    (120, 7, None, None)
    """
    if text is None:
        return None
    text = text.strip()
    return int(text) if _COUNT.fullmatch(text) else None


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_too_deep(data: bytes) -> bool:
    """True when brackets nest deeper than :data:`MAX_JSON_DEPTH` (checked before parsing:
    json recurses once per level). Brackets inside strings do not count."""
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return False
    depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", data)):
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        else:
            depth -= 1
    return False


def load_json(data: bytes | str) -> object:
    """``json.loads``, refusing (ValueError) JSON nested deeper than :data:`MAX_JSON_DEPTH`.

    >>> load_json(b"[" * 300 + b"]" * 300)
    Traceback (most recent call last):
    ...
    ValueError: JSON nested deeper than 200 levels
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if json_too_deep(raw):
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return json.loads(data)


def strip_prefixes(text: str, prefixes: Iterable[str]) -> str:
    """``text`` without the first of ``prefixes`` it starts with (case-insensitive)."""
    folded = text.casefold()
    for prefix in prefixes:
        if folded.startswith(prefix.casefold()):
            return text[len(prefix) :].strip()
    return text


def parse_date(text: str, form: str) -> dt.date | None:
    """``datetime.strptime(text, form).date()``, or None where strptime raises ValueError.
    A format of day, month and 4-digit year between literal marks ("%d.%m.%Y") is read by a
    regex of strptime's own directives, without strptime's locale checks and exceptions
    (tested equal to strptime on any text); other formats go to strptime.

    >>> parse_date("15.02.2019", "%d.%m.%Y"), parse_date("30.02.2019", "%d.%m.%Y")
    (datetime.date(2019, 2, 15), None)
    """
    pattern = _numeric_date_pattern(form)
    if pattern is None:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            return None
    match = pattern.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(int(match.group("Y")), int(match.group("m")), int(match.group("d")))
    except ValueError:  # a day the month does not have
        return None


_DATE_DIRECTIVES = {"d": r"(?P<d>3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9])",
                    "m": r"(?P<m>1[0-2]|0[1-9]|[1-9])", "Y": r"(?P<Y>\d\d\d\d)"}
"""strptime's regexes for %d, %m and %Y (CPython's _strptime.TimeRE)."""


@functools.cache
def _numeric_date_pattern(form: str) -> re.Pattern[str] | None:
    """The regex of a format made of %d, %m and %Y once each between literal marks (no
    space, which strptime reads as any whitespace); None for any other format."""
    pieces = re.split(r"%(.)", form)
    directives, literals = pieces[1::2], pieces[0::2]
    if sorted(directives) != ["Y", "d", "m"] or any(
            "%" in literal or any(char.isspace() or char.isalnum() for char in literal)
            for literal in literals):
        return None
    regex = "".join(re.escape(literal) + (_DATE_DIRECTIVES[directive] if directive else "")
                    for literal, directive in zip(literals, [*directives, ""], strict=True))
    return re.compile(regex, re.IGNORECASE)


def join_url(base: str, href: str) -> str:
    """``urljoin(base, href)``, cached. A link written from the site's root ("/en/news")
    resolves the same against every page of a host, so it is cached under the host's root
    rather than the page: the menus and pagers of a crawl are joined once, not once per page.
    Raises ValueError where urljoin does ("//[").

    >>> join_url("https://ccre.org/en/a/b?x=1", "/fr/c/../d"), join_url("https://ccre.org/en/a", "b")
    ('https://ccre.org/fr/d', 'https://ccre.org/en/b')
    """
    if href[:1] == "/" and href[1:2] != "/":
        return _join(_root(base), href)
    return _join(base, href)


@page_cache(maxsize=4096)
def _join(base: str, href: str) -> str:
    return urljoin(base, href)


@page_cache(maxsize=256)
def _root(base: str) -> str:
    """The root of ``base``'s host ("https://ccre.org/"): all that urljoin reads of a base
    to resolve a root-relative href is its scheme and host."""
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def absolute_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base`` when that gives an http(s) URL; None for links no
    URL parser accepts ("//[") and for other schemes (mailto:, javascript:).

    >>> absolute_url("https://ccre.org/en/a", "../b"), absolute_url("https://ccre.org/", "//[")
    ('https://ccre.org/b', None)
    """
    try:
        url = join_url(base, href.strip())
    except ValueError:
        return None
    return url if url.startswith(("http://", "https://")) else None
