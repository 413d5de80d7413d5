"""Dates resolved against the publication date, and the date words they are read with.

:func:`date_vocabulary` merges the date words of the lexicons (month and weekday names, range
joiners, the ``[dates]`` tables) for this module and :mod:`scraper.extract.dates`.
``published`` is the only clock: nothing here reads today's date. Resolved against it:

- fixed phrases with an offset in days, months or years: "today", "yesterday", "last month",
  "earlier this month", "next year", "aujourd'hui", "le mois prochain", "l'année dernière";
- a month (or a day without a year) named with a direction: "last December", "next March",
  "décembre dernier", "le 8 mars dernier";
- a date without a year ("28 December", "in March") takes the year that puts it nearest the
  publication date.

>>> published = dt.date(2024, 3, 15)
>>> relative_span("month", -1, published)
(datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
>>> named_year(12, None, -1, dt.date(2022, 10, 20)), named_year(3, None, -1, published)
(2021, 2023)
>>> nearest_span(lambda year: month_span(year, 12), dt.date(2016, 1, 12))[0]
datetime.date(2015, 12, 1)
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal, TYPE_CHECKING, NamedTuple

from scraper.records import DateMention, Precision
from scraper.lexicons import DateWords, load_lexicon
from scraper.lexicons.patterns import after_initial, initial_class, trie_regex, word_start_regex

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

NEVER = r"(?!)"
"""A regex that matches nothing: the alternation of an empty word list."""

Span = tuple[dt.date, dt.date]
RelativeUnit = Literal["day", "week", "month", "year"]
RelativeTable = dict[str, tuple[RelativeUnit, int]]
"""Normalised phrase -> (unit, offset from the publication date in that unit)."""


class Found(NamedTuple):
    """A date read in a paragraph: the characters of its text, and what it means. Its
    :class:`DateMention` is only made (and validated) for the readings kept."""

    char_start: int
    char_end: int
    span: Span
    precision: Precision
    relative: bool = False
    rule: str = ""
    """The rule that read it, named only when explaining (``--explain``)."""

    def mention(self, paragraph: str) -> DateMention:
        return DateMention(text=paragraph[self.char_start:self.char_end], start=self.span[0],
                           end=self.span[1], precision=self.precision, relative=self.relative)


# --- lexicon words as regular expressions -----------------------------------------------

def normalise(phrase: str) -> str:
    """Lookup key of a phrase as written: lower case, straight apostrophe, single spaces."""
    phrase = phrase.lower().replace("’", "'").replace("‐", "-").replace("‑", "-")
    return " ".join(phrase.split())


def phrase_regex(word: str) -> str:
    """Regex of a lexicon word or phrase: any spacing, either apostrophe, any hyphen."""
    parts = []
    for char in word:
        if char.isspace():
            parts.append(r"\s+")
        elif char in "'’":
            parts.append("['’]")
        elif char in "-‐‑":
            parts.append("[-‐‑]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def any_of(words: Iterable[str]) -> str:
    """Regex of any of ``words``, the longest first where one starts another ("january"
    before "jan"), as a trie (:func:`scraper.text.trie_regex`).

    >>> any_of(["jan", "january", "janvier", "june"])
    '(?:j(?:an(?:uary|vier)?|une))'
    """
    unique = set(words)
    return f"(?:{trie_regex(map(atoms, unique))})" if unique else NEVER


def atoms(word: str) -> list[str]:
    """The regex atoms of a lexicon word or phrase, one per character (:func:`phrase_regex`)."""
    return [phrase_regex(char) for char in word]


def joiner(words: Iterable[str]) -> str:
    """Regex of the words between two ends of a range: "-" with or without spaces, "to"."""
    words = tuple(words)
    symbols = any_of(word for word in words if not word[0].isalpha())
    names = any_of(word for word in words if word[0].isalpha())
    return rf"(?:\s*{symbols}\s*|\s+{names}\s+)"


Part = tuple[list[list[str]], str]
"""Words (each a list of regex atoms) and the regex that must follow any of them."""


def ending(*parts: Part) -> re.Pattern[str]:
    """A context that must end right where a candidate starts (searched up to it): a word of
    one of ``parts`` starting a word, then that part's regex; case-insensitive. Written as
    :func:`scraper.text.word_start_regex` is, so that the search skips to the characters a
    word can start with instead of trying every position of the text before the candidate.
    """
    words = [word for listed, _ in parts for word in listed]
    body = "|".join(f"{after_initial(listed)}{then}" for listed, then in parts if listed)
    return re.compile(f"{initial_class(words)}(?<!\\w.)(?i:{body or NEVER})$")


def search_before(pattern: re.Pattern[str], paragraph: str,
                  position: int) -> re.Match[str] | None:
    """``pattern`` (built by :func:`ending`) ending at ``position`` of ``paragraph``."""
    return pattern.search(paragraph, max(0, position - 80), position)


# --- the date words of a set of languages -----------------------------------------------

@dataclass(frozen=True, slots=True)
class DateVocabulary:
    """The date words of a set of languages, merged from their lexicons."""

    months: dict[str, int]
    abbreviations: frozenset[str]
    """Month names that shorten another ("sept", "janv"): never a month alone."""
    lower_case_months: frozenset[str]
    """Month names of languages that write them in lower case (French)."""
    weekdays: tuple[str, ...]
    joiners: tuple[str, ...]
    words: DateWords


@functools.cache
def date_vocabulary(languages: tuple[str, ...]) -> DateVocabulary:
    """Month and weekday names, range joiners and ``[dates]`` words of ``languages``."""
    lexicons = [lexicon for language in languages
                if (lexicon := load_lexicon(language)) is not None]
    months = {name: number for lexicon in lexicons for name, number in lexicon.months.items()}
    abbreviations = frozenset(
        name for name, number in months.items()
        if any(other != name and other.startswith(name) and months[other] == number
               for other in months))
    lower_case = frozenset(name for lexicon in lexicons if not lexicon.dates.capitalised_months
                           for name in lexicon.months)
    return DateVocabulary(
        months=months, abbreviations=abbreviations, lower_case_months=lower_case,
        weekdays=tuple(word for lexicon in lexicons for word in lexicon.words.weekdays),
        joiners=tuple(word for lexicon in lexicons for word in lexicon.words.range_joiners),
        words=_merged([lexicon.dates for lexicon in lexicons]))


def _merged(tables: list[DateWords]) -> DateWords:
    values: dict[str, object] = {}
    for name in DateWords.model_fields:
        parts = [getattr(table, name) for table in tables]
        if parts and isinstance(parts[0], tuple):
            values[name] = tuple(dict.fromkeys(word for part in parts for word in part))
        elif parts and isinstance(parts[0], dict):
            values[name] = {key: value for part in parts for key, value in part.items()}
    return DateWords.model_validate(values)


# --- spans ------------------------------------------------------------------------------

def month_end(year: int, month: int) -> dt.date:
    """Last day of a month."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_span(year: int, month: int) -> Span:
    """First and last day of a month."""
    return dt.date(year, month, 1), month_end(year, month)


def relative_span(unit: RelativeUnit, offset: int, published: dt.date) -> Span:
    """The day, week (Monday to Sunday), month or year ``offset`` units away from
    ``published``."""
    if unit == "day":
        day = published + dt.timedelta(days=offset)
        return day, day
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=offset)
        return monday, monday + dt.timedelta(days=6)
    if unit == "month":
        index = published.year * 12 + published.month - 1 + offset
        return month_span(index // 12, index % 12 + 1)
    year = published.year + offset
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def named_year(month: int, day: int | None, direction: int, published: dt.date) -> int:
    """Year of a month (or of a day) named with a direction: the latest one before the
    publication month (or day) for -1, the first one after it for 1, the publication year
    for 0."""
    named = (month, day or 0)
    now = (published.month, published.day if day is not None else 0)
    if direction < 0:
        return published.year if named < now else published.year - 1
    if direction > 0:
        return published.year if named > now else published.year + 1
    return published.year


def nearest_span(make: Callable[[int], Span], published: dt.date | None) -> Span | None:
    """The span of a date without a year (``make(year)``, which may raise ValueError for a
    day that year lacks) for the year that puts it nearest ``published``; ties go to the
    publication year."""
    if published is None:
        return None
    best: Span | None = None
    best_distance = 0
    for year in (published.year, published.year - 1, published.year + 1):
        try:
            span = make(year)
        except ValueError:
            continue
        distance = max((span[0] - published).days, (published - span[1]).days, 0)
        if best is None or distance < best_distance:
            best, best_distance = span, distance
    return best


# --- relative expressions ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RelativeGrammar:
    """Relative phrases and month directions of a set of languages, compiled."""

    phrases: re.Pattern[str]
    table: RelativeTable
    named_before: re.Pattern[str]
    named_after: re.Pattern[str]
    steps: dict[str, int]
    """Direction word ("last", "dernier") -> -1, 0 or 1."""
    year_after: re.Pattern[str]
    """A relative year right after a year-less date: "(in December) last year"."""
    words: DateWords
    """The ``[dates]`` words: deictic contexts, event and tense words."""


def relative_grammar(words: DateWords) -> RelativeGrammar:
    """Compile the relative words of a (merged) ``[dates]`` table."""
    table: RelativeTable = {}
    units: tuple[tuple[RelativeUnit, dict[str, int]], ...] = (
        ("day", words.relative_days), ("week", words.relative_weeks),
        ("month", words.relative_months), ("year", words.relative_years))
    for unit, phrases in units:
        table.update({normalise(phrase): (unit, offset) for phrase, offset in phrases.items()})
    steps = {normalise(word): step for word, step in
             (words.named_month_before | words.named_month_after).items()}
    return RelativeGrammar(
        # not before a number: "fin de l'année 2019" is a year, not this year's end
        phrases=re.compile(rf"(?P<date>{word_start_regex([atoms(phrase) for phrase in table])})"
                           r"(?!\w)(?!\s*\d)"),
        table=table,
        named_before=re.compile(
            rf"(?P<word>{word_start_regex([atoms(word) for word in words.named_month_before])})"
            r"\s+$"),
        named_after=re.compile(rf"\s+(?P<word>{any_of(words.named_month_after)})(?!\w)",
                               re.IGNORECASE),
        steps=steps,
        year_after=re.compile(rf"\s+(?P<phrase>{any_of(words.relative_years)})(?!\w)(?!\s*\d)",
                              re.IGNORECASE),
        words=words)


def find_relative_phrases(paragraph: str, grammar: RelativeGrammar,
                          published: dt.date) -> list[Found]:
    """The fixed relative phrases of ``paragraph``, resolved against ``published``."""
    found = []
    for match in grammar.phrases.finditer(paragraph):
        unit, offset = grammar.table[normalise(match.group("date"))]
        if unit == "day" and not points_at_a_day(paragraph, match.start("date"),
                                                 match.end("date"), grammar.words):
            continue
        try:
            start, end = relative_span(unit, offset, published)
        except (ValueError, OverflowError):  # past the ends of the calendar: no such date
            continue
        found.append(Found(match.start("date"), match.end("date"), (start, end),
                           "day" if unit == "week" else unit, relative=True))
    return found


def clause_tense(paragraph: str, char_start: int, char_end: int, words: DateWords) -> int:
    """1 when the clause around ``char_start:char_end`` speaks of the future ("will take
    place", "se tiendra"), -1 of the past ("took place", "s'est tenu"), 0 when it says
    neither or both: the tense decides the year of a year-less month. The clause, not the
    sentence: in "the group, set up in November, will report" November is not future."""
    start = max(paragraph.rfind(mark, 0, char_start) for mark in ".;!?,") + 1
    ends = [index for index in (paragraph.find(mark, char_end) for mark in ".;!?,")
            if index >= 0]
    sentence = (paragraph[start:char_start] + " " + paragraph[char_end:min(
        ends, default=len(paragraph))]).lower()

    def holds(listed: tuple[str, ...]) -> bool:
        return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", sentence) for word in listed)

    future, past = holds(words.future_words), holds(words.past_words)
    return 1 if future and not past else -1 if past and not future else 0


_QUOTE_MARKS = "“”«»\"„"
MAX_SLOGAN_WORDS = 6
"""A deictic word inside quote marks holding at most this many words is in a slogan or a
title ("Tomorrow starts Today"), not pointing at a day."""


def points_at_a_day(paragraph: str, start: int, end: int, words: DateWords) -> bool:
    """Whether "today", "tomorrow", "hier"... at ``start:end`` point at a day: not in
    "today's", "of today", "than ... today", a quoted slogan, or a clause it opens that
    tells no event ("Today, these programmes extend beyond culture")."""
    after = paragraph[end:].lower()
    before = paragraph[:start]
    words_before = before.lower().replace("’", "'").split()
    suffix = next((each for each in words.deictic_generic_after if after.startswith(each)), None)
    if suffix is not None:  # "today's Europe" is nowadays, "today's meeting" a day
        following = after[len(suffix):].split()
        return bool(following) and following[0].strip(".,;:") in words.event_nouns
    previous = words_before[-1] if words_before else ""
    if previous in {word.replace("’", "'") for word in words.deictic_generic_before}:
        # "le monde d'aujourd'hui" is nowadays, "la réunion d'hier" a day
        noun = words_before[-2] if len(words_before) >= 2 else ""
        return noun.strip(".,;:") in words.event_nouns
    clause_start = max(before.rfind(mark) for mark in ".;:!?") + 1
    clause = before[clause_start:].lower()
    if any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", clause)
           for word in words.deictic_comparatives):
        return False
    opening = max(before.rfind(mark) for mark in "“«\"„")
    closing = min((index for index in (paragraph.find(mark, end) for mark in "”»\"")
                   if index >= 0), default=-1)
    if opening >= 0 and closing >= 0 and not any(mark in paragraph[opening + 1:start]
                                                  for mark in "”»") and len(
            paragraph[opening + 1:closing].split()) <= MAX_SLOGAN_WORDS:
        return False
    if not clause.strip(" " + _QUOTE_MARKS):  # it opens its clause: the clause it opens
        # must tell an event
        rest = re.split(r"[.;!?]", paragraph[end:].lower(), maxsplit=1)[0]
        tokens = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", rest)
        # A past participle tells an event where an object or a place follows it ("greeted
        # the secretary", "met in Brussels"), not before a noun ("shared challenges").
        links = set(words.year_determiners) | set(words.day_prepositions) | set(
            words.month_prepositions)
        return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", rest)
                   for word in words.event_words) or any(
            token.endswith(words.event_suffixes) and len(token) > 3 and (
                index + 1 == len(tokens) or tokens[index + 1] in links)
            for index, token in enumerate(tokens))
    return True


def named_direction(paragraph: str, char_start: int, char_end: int,
                    grammar: RelativeGrammar) -> tuple[int, int, int] | None:
    """(direction, char_start, char_end) of a year-less month or day named with a direction
    word after it ("décembre dernier") or before it ("last December"), the word included."""
    after = grammar.named_after.match(paragraph, char_end)
    if after is not None:
        return grammar.steps[normalise(after.group("word"))], char_start, after.end()
    before = search_before(grammar.named_before, paragraph, char_start)
    if before is not None:
        return grammar.steps[normalise(before.group("word"))], before.start(), char_end
    return None


def resolve_yearless(paragraph: str, char_start: int, char_end: int, *,
                     make: Callable[[int], Span], last: tuple[int, int | None],
                     precision: Precision, grammar: RelativeGrammar,
                     published: dt.date | None, in_context: bool = True) -> Found | None:
    """A date written without a year, ``make(year)`` being its span in a year whose last
    (month, day) is ``last``. Followed by a relative year ("December last year") it lies in
    that year; named with a direction ("décembre dernier", "le 8 mars dernier") it is the
    nearest such date in that direction; both are relative. Otherwise, when ``in_context``,
    it takes the year nearest ``published``."""
    if published is None:
        return None
    span: Span | None = None
    year_phrase = grammar.year_after.match(paragraph, char_end)
    named = named_direction(paragraph, char_start, char_end, grammar)
    if year_phrase is not None:
        offset = grammar.table[normalise(year_phrase.group("phrase"))][1]
        span, char_end = make(published.year + offset), year_phrase.end()
    elif named is not None:
        direction, char_start, char_end = named
        span = make(named_year(*last, direction, published))
    elif in_context:
        tense = clause_tense(paragraph, char_start, char_end, grammar.words)
        if tense > 0:  # "will meet in December": the next December
            year = published.year if make(published.year)[1] >= published else \
                published.year + 1
            span = make(year)
        elif tense < 0:  # "met in December": the last one
            year = published.year if make(published.year)[0] <= published else \
                published.year - 1
            span = make(year)
        else:
            span = nearest_span(make, published)
    if span is None or span[1] < span[0]:
        return None
    return Found(char_start, char_end, span, precision, relative=bool(year_phrase or named))
