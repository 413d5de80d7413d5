"""Dates: the publication date of the category-date line, and date expressions in prose.

Every date expression of the body is one :class:`DateMention` (DESIGN.md, ``date_mentions``),
read by a grammar built from the lexicons' month and weekday names, range joiners and
``[dates]`` words: days and day ranges ("3-7 October 2022", "the 25th and 26th of April",
"du 3 au 5 mars 2023", "March 8th", "15.09.2019"); months ("November 2021", "from October
2022 to May 2023", "in March", "mid-December"); years: ranges ("2014-2020", "de 2016 à
2022"), decades ("the 1990s") and a year alone only after a preposition ("by 2030"), a
qualifier ("fin 2023") or beside an event noun ("the 2019 elections"), so that "2000
participants" and "Horizon 2020" are not dates; relative expressions ("last December",
"today") are resolved by :mod:`scraper.extract.relative_dates`. A fuzzy qualifier stays in
the text and leaves the span whole ("end of January 2017" is all of January 2017). Where two
readings overlap, the one that starts first (then the longest) wins.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from scraper.extract.relative_dates import (
    DateVocabulary, Found, Part, RelativeGrammar, Span, any_of, atoms, date_vocabulary,
    ending, find_relative_phrases, joiner, month_end, month_span, nearest_span, normalise,
    phrase_regex, relative_grammar, resolve_yearless, search_before)
from scraper.records import DateMention, Precision
from scraper.profiles import SiteProfile
from scraper.lexicons import DateWords
from scraper.lexicons.patterns import after_initial, initial_class
from scraper.budget import check as check_budget
from scraper.text import parse_date

YEAR = r"(?:1[89]\d\d|20\d\d)"
_END = r"(?![\w/]|[,.]\d)"
"""After a mention: not inside a word, a path ("2014/24/EU") or a decimal number."""

_HAS_DIGIT, _HAS_YEAR, _HAS_MONTH = 1, 2, 4
"""What a paragraph must hold for a rule to match (bits of a rule's ``needs``)."""
_AT_DIGIT, _AT_WORD = 1, 2
"""Where a rule's match can start (bits of a rule's ``starts``): at a number, at a word."""
_YEAR = re.compile(YEAR)
_Builder = Callable[[re.Match[str], "_Grammar", "dt.date | None"], "Found | None"]
_Tried = list[tuple[int, re.Pattern[str]]]


def extract_published(text: str, profile: SiteProfile,
                      pattern_match: re.Match[str]) -> tuple[dt.date, str] | None:
    """Date and raw date of a category-date line already matched by the profile."""
    raw = pattern_match.group("date")
    for form in profile.dates.formats:
        day = parse_date(raw, form)
        if day is not None:
            return day, raw
    return None


def extract_date_mentions(paragraphs: list[str] | tuple[str, ...], *,
                          published: dt.date | None,
                          languages: tuple[str, ...] = ("en", "fr")) -> tuple[DateMention, ...]:
    """Every date expression in ``paragraphs``, in reading order.

    >>> [m.text for m in extract_date_mentions(["Met on 3-7 October 2022, again last March."],
    ...                                        published=dt.date(2022, 10, 20))]
    ['3-7 October 2022', 'last March']
    """
    grammar = _grammar(languages)
    return tuple(found.mention(paragraph) for paragraph in paragraphs if paragraph
                 for found in _paragraph_mentions(paragraph, grammar, published))


def explain_date_mentions(paragraphs: list[str] | tuple[str, ...], *,
                          published: dt.date | None,
                          languages: tuple[str, ...] = ("en", "fr")
                          ) -> tuple[tuple[DateMention, str], ...]:
    """:func:`extract_date_mentions`, each mention with the rule that read it (the rule's
    name: "day", "month-first", "month", "year", "numeric", "relative")."""
    grammar = _grammar(languages)
    return tuple((found.mention(paragraph), found.rule) for paragraph in paragraphs if paragraph
                 for found in _paragraph_mentions(paragraph, grammar, published, explain=True))


def _paragraph_mentions(paragraph: str, grammar: _Grammar, published: dt.date | None, *,
                        explain: bool = False) -> list[Found]:
    check_budget()
    candidates: list[Found] = []
    for index, match in _rule_matches(paragraph, grammar):
        builder = grammar.rules[index][1]
        try:
            found = builder(match, grammar, published)
        except (ValueError, KeyError):  # a day that does not exist: 30 February
            found = None
        if found is not None:
            candidates.append(found._replace(rule=_rule_name(builder)) if explain else found)
    if published is not None:
        relative = find_relative_phrases(paragraph, grammar.relative, published)
        candidates += [found._replace(rule="relative") for found in relative] if explain \
            else relative
    return _without_overlaps([_qualified(found, paragraph, grammar) for found in candidates])


def _rule_name(builder: _Builder) -> str:
    """"_month_first_mention" -> "month-first"."""
    return builder.__name__.strip("_").removesuffix("_mention").replace("_", "-")


def _rule_matches(paragraph: str, grammar: _Grammar) -> list[tuple[int, re.Match[str]]]:
    """(rule index, match) of every rule over ``paragraph``: what each rule's ``finditer``
    gives, found faster. One scan finds where a date can start (:func:`_anchors`); each rule
    is tried there alone, and only where it can start and the paragraph holds what it needs.
    Like ``finditer`` a rule looks for its next match only past the end of its last one."""
    anchors = [(anchor.start(), anchor.lastgroup)  # "digit", "month" or None (another word)
               for anchor in grammar.anchors.finditer(paragraph)]
    kinds = {kind for _, kind in anchors}
    digit = "digit" in kinds
    present = (_HAS_DIGIT if digit else 0) | (
        _HAS_YEAR if digit and _YEAR.search(paragraph) is not None else 0) | (
        _HAS_MONTH if "month" in kinds else 0)
    at_digit, at_word = grammar.tried[present]
    found: list[tuple[int, re.Match[str]]] = []
    ends = [0] * len(grammar.rules)
    for position, kind in anchors if at_digit or at_word else ():
        for index, pattern in at_digit if kind == "digit" else at_word:
            if position >= ends[index]:
                match = pattern.match(paragraph, position)
                if match is not None:
                    found.append((index, match))
                    ends[index] = match.end()
    return found


def _without_overlaps(candidates: list[Found]) -> list[Found]:
    kept: list[Found] = []
    for found in sorted(candidates, key=lambda each: (each.char_start, -each.char_end)):
        if not kept or found.char_start >= kept[-1].char_end:
            kept.append(found)
    return kept


def _qualified(found: Found, paragraph: str, grammar: _Grammar) -> Found:
    """``found`` with a fuzzy qualifier before it taken into its text ("mid-December")."""
    if found.precision == "day":
        return found
    qualifier = _context(grammar, "qualifier", paragraph, found.char_start)
    if qualifier is None:
        return found
    season = grammar.vocabulary.words.seasons.get(
        normalise(re.sub(r"\s+(?:of|de|d')$", "", qualifier.group().strip().lower())))
    if season is not None and found.precision == "year":  # "autumn 2016": its months
        year = found.span[0].year
        return found._replace(char_start=qualifier.start(), precision="month", span=(
            month_span(year, season[0])[0], month_span(year, season[1])[1]))
    return found._replace(char_start=qualifier.start())


# --- the grammar built from the vocabulary -----------------------------------------------

@dataclass(frozen=True, slots=True)
class _Grammar:
    vocabulary: DateVocabulary
    rules: tuple[tuple[re.Pattern[str], _Builder, int, int], ...]
    """Each rule with what a paragraph must hold for it to match (_HAS_* bits) and where
    its matches can start (_AT_* bits)."""
    anchors: re.Pattern[str]
    """Every place a rule's match can start (:func:`_anchors`)."""
    tried: dict[int, tuple[_Tried, _Tried]]
    """What a paragraph holds (_HAS_* bits) -> the rules worth trying there, (index,
    pattern) of those that can start at a number and of those that can start at a word."""
    contexts: dict[str, re.Pattern[str]]
    """Name -> what must stand just before a candidate (searched up to its start) or just
    after it (matched at its end, names ending in "_after")."""
    relative: RelativeGrammar


@functools.cache
def _grammar(languages: tuple[str, ...]) -> _Grammar:
    vocabulary = date_vocabulary(languages)
    parts = _parts(vocabulary)
    rules = _rules(parts)

    def tried(present: int, where: int) -> _Tried:
        return [(index, pattern) for index, (pattern, _, needs, starts) in enumerate(rules)
                if where & starts and not needs & ~present]

    every = range((_HAS_DIGIT | _HAS_YEAR | _HAS_MONTH) + 1)
    return _Grammar(vocabulary=vocabulary, rules=rules, anchors=_anchors(vocabulary),
                    tried={present: (tried(present, _AT_DIGIT), tried(present, _AT_WORD))
                           for present in every},
                    contexts=_contexts(parts, vocabulary),
                    relative=relative_grammar(vocabulary.words))


def _anchors(vocabulary: DateVocabulary) -> re.Pattern[str]:
    """The places where a date can start, each one character long: a digit, or a month name,
    weekday, range opener ("between") or day article before a number ("the 25th"), where a
    word starts. Group "digit" marks a number, group "month" a month name (maybe also a
    weekday's start: "mar" of "mardi"). One fast scan (:func:`scraper.text.word_start_regex`)
    instead of each rule trying every position of a paragraph."""
    words = vocabulary.words
    months = _month_atoms(vocabulary)
    others = [atoms(word) for word in (*vocabulary.weekdays, *words.range_openers)]
    articles = [[*atoms(word), r"\s+", r"\d"] for word in words.day_articles]
    digits = [[r"\d"]]
    return re.compile(
        initial_class([*digits, *months, *others, *articles]) + r"(?<!\w.)(?i:"
        rf"(?P<digit>{after_initial(digits)})|(?P<month>{after_initial(months, ahead=True)})"
        rf"|{after_initial([*others, *articles], ahead=True)})")


@dataclass(frozen=True, slots=True)
class _Parts:
    """Regexes of the pieces dates are made of, from the vocabulary."""

    start: str
    month: str
    day: str
    weekday: str
    link: str
    article: str
    second_article: str
    day_join: str
    join: str
    opener: str
    pair: str
    words: DateWords


def _parts(vocabulary: DateVocabulary) -> _Parts:
    words = vocabulary.words
    ordinal, links = any_of(words.ordinal_suffixes), any_of(words.day_links)
    pairs = {normalise(word) for word in words.pair_joiners}
    day_join = joiner(vocabulary.joiners)
    span_join = joiner(word for word in vocabulary.joiners if normalise(word) not in pairs)
    hyphenated = "|".join(rf"(?<={phrase_regex(word)})"
                          for word in words.qualifiers if word.endswith("-"))  # "mid-2023"
    return _Parts(
        # Every date starts with a letter or digit: \b first rejects most positions at once
        # (regexes are tried at every position); then not after "/", "." or a hyphen ("COVID-19",
        # "2014/24/EU"), except the hyphen of a qualifier ("mid-2023").
        start=(rf"\b(?:(?<![/.\-‐‑])|(?<=[-‐‑])(?:{hyphenated}))" if hyphenated
               else r"\b(?<![/.\-‐‑])"),
        month=any_of([*vocabulary.months, *(f"{name}." for name in vocabulary.abbreviations)]),
        day=rf"(?:[12]\d|3[01]|0?[1-9])(?!\d)(?:{ordinal}(?!\w))?",
        weekday=rf"(?:{any_of(vocabulary.weekdays)},?\s+)",
        link=rf"(?:\s+{links})?\s+",
        # "the 25th", "the 3 of": not "the 3 May"
        article=(rf"(?:{any_of(words.day_articles)}\s+"
                 rf"(?=\d{{1,2}}{ordinal}(?!\w)|\d{{1,2}}\s+{links}\s))"),
        second_article=rf"(?:{any_of(words.range_day_articles)}\s+)",
        day_join=day_join,
        join=rf"(?(between){day_join}|{span_join})",  # "and" joins months, years after "between"
        opener=rf"(?:(?P<between>{any_of(words.range_openers)})\s+)?",
        pair=any_of(words.pair_joiners),
        words=words)


def _rules(parts: _Parts) -> tuple[tuple[re.Pattern[str], _Builder, int, int], ...]:
    month, day, weekday, link = parts.month, parts.day, parts.weekday, parts.link
    article, opener, join = parts.article, parts.opener, parts.join
    decade = any_of(parts.words.decade_suffixes)
    rules: tuple[tuple[str, _Builder, int, int], ...] = (
        # "3-7 October 2022", "30 June to 2 July 2016", "the 25th and 26th of April"
        (rf"(?P<date>{weekday}?{article}?(?P<d1>{day})"
         rf"(?:(?:{link}(?P<m1>{month})(?:,?\s+(?P<y1>{YEAR}))?)?"
         rf"{parts.day_join}{parts.second_article}?{weekday}?{article}?(?P<d2>{day}))?"
         rf"{link}(?P<m2>{month})(?:,?\s+(?P<y2>{YEAR}))?)", _day_mention,
         _HAS_DIGIT | _HAS_MONTH, _AT_DIGIT | _AT_WORD),  # the day, weekday or article first
        # "May 17, 2024", "March 8th"
        (rf"(?P<date>(?P<weekday>{weekday})?(?P<m>{month})\s+(?P<d1>{day})"
         rf"(?:{parts.day_join}(?P<d2>{day}))?(?P<comma>,)?(?:\s*(?P<y>{YEAR}))?)",
         _month_first_mention, _HAS_DIGIT | _HAS_MONTH, _AT_WORD),
        # "November 2021", "October 2022 to May 2023", "in March"
        (rf"{opener}(?P<date>(?P<m1>{month})(?:,?\s+(?P<y1>{YEAR}))?"
         rf"(?:{join}(?P<m2>{month})(?:,?\s+(?P<y2>{YEAR}))?)?)", _month_mention,
         _HAS_MONTH, _AT_WORD),
        # "2014-2020", "by 2030", "the 1990s"
        (rf"{opener}(?P<date>(?P<y1>{YEAR})(?:(?P<decade>{decade})|{join}(?P<y2>{YEAR}))?)",
         _year_mention, _HAS_YEAR, _AT_DIGIT | _AT_WORD),  # the year or "between" first
        # "15.09.2019", "2019-09-15"
        (rf"(?P<date>(?P<d>\d{{1,2}})(?P<sep>[./])(?P<m>\d{{1,2}})(?P=sep)(?P<y>{YEAR})"
         rf"|(?P<iso_y>{YEAR})-(?P<iso_m>\d\d)-(?P<iso_d>\d\d))", _numeric_mention,
         _HAS_YEAR, _AT_DIGIT),
    )
    return tuple((re.compile(parts.start + regex + _END, re.IGNORECASE), build, needs, starts)
                 for regex, build, needs, starts in rules)


def _contexts(parts: _Parts, vocabulary: DateVocabulary) -> dict[str, re.Pattern[str]]:
    words = vocabulary.words
    noun, pair = any_of(words.year_nouns), parts.pair
    before = _before(parts, vocabulary)
    after = {  # what follows it
        # "March, April and May 2019": the list's year
        "month_list_after":
            rf"(?:(?:\s*,|\s+{pair})\s+{parts.month})+,?\s+(?P<year>{YEAR})(?!\d)",
        "noun_after": rf"(?:\s+[^\W\d_]+)?\s+{noun}(?!\w)",
        "quantity_after": rf"\s*{any_of(words.quantity_words)}(?!\w)",
        "year_list_after": rf"(?:\s*,\s*{YEAR})*,?\s+{pair}\s+{YEAR}(?!\d)",
    }
    # Any one of several contexts, in one search instead of one each.
    return {**{name: ending(part) for name, part in before.items()},
            **{name: ending(*(before[each] for each in names))
               for name, names in _EITHER.items()},
            **{name: re.compile(regex, re.IGNORECASE) for name, regex in after.items()}}


def _before(parts: _Parts, vocabulary: DateVocabulary) -> dict[str, Part]:
    """What may stand just before a candidate: words, then a regex."""
    words, pair = vocabulary.words, parts.pair
    months = _month_atoms(vocabulary)
    return {
        "qualifier": ([[*atoms(word), *([] if word.endswith("-") else [r"\s+"])]
                       for word in words.qualifiers], ""),
        "day_preposition": (_atoms(words.day_prepositions), r"\s+"),
        "month_preposition": (_atoms(words.month_prepositions), r"\s+"),
        "month_list": (months, rf"(?:\s*,|\s+{pair})\s+"),  # "March and April"
        "year_preposition": (_atoms(words.year_prepositions), r"\s+"),
        # "l'édition 2019", "les élections (municipales) de 2020"
        "noun": (_atoms(words.year_nouns),
                 rf"(?:(?:\s+[^\W\d_]+)?\s+{any_of(words.year_noun_links)})?\s+"),
        "determiner": (_atoms(words.year_determiners), r"\s+"),
        "year_and": (_YEAR_ATOMS, rf"\s+{pair}\s+"),  # "in 2019 and 2020"
        "year_comma": (_YEAR_ATOMS, r"\s*,\s+"),
        "decade_word": (_atoms(words.decade_words), r"\s+"),  # "années 1990"
    }


def _atoms(words: tuple[str, ...]) -> list[list[str]]:
    return [atoms(word) for word in words]


def _month_atoms(vocabulary: DateVocabulary) -> list[list[str]]:
    """Month names and their abbreviations with a full stop ("Sept.")."""
    return _atoms((*vocabulary.months, *(f"{name}." for name in vocabulary.abbreviations)))


_YEAR_ATOMS = [["1", "[89]", r"\d", r"\d"], ["2", "0", r"\d", r"\d"]]
"""YEAR as regex atoms, character by character."""
_EITHER = {"month_context": ("month_preposition", "qualifier", "month_list"),
           "year_context": ("year_preposition", "qualifier", "noun", "year_and")}
"""Contexts asked as "any of these": each is one search."""


# --- reading one candidate ---------------------------------------------------------------

def _context(grammar: _Grammar, name: str, paragraph: str,
             position: int) -> re.Match[str] | None:
    pattern = grammar.contexts[name]
    if name.endswith("_after"):
        return pattern.match(paragraph, position)
    return search_before(pattern, paragraph, position)


def _found(match: re.Match[str], span: Span | None, precision: Precision, *,
           char_start: int | None = None, char_end: int | None = None) -> Found | None:
    """The mention of ``match`` (its "date" group, or the given characters) over ``span``."""
    first = match.start("date") if char_start is None else char_start
    last = match.end("date") if char_end is None else char_end
    if span is None or span[1] < span[0]:
        return None
    return Found(first, last, span, precision)


def _month(name: str, grammar: _Grammar) -> int:
    return grammar.vocabulary.months[normalise(name).rstrip(".")]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _written_as_month(name: str, grammar: _Grammar) -> bool:
    """Whether a month name without a year is one: "May", "mai", not the verb "may"."""
    return name[0].isupper() or normalise(name).rstrip(".") in grammar.vocabulary.lower_case_months


def _is_full_month(name: str, grammar: _Grammar) -> bool:
    return (_written_as_month(name, grammar)
            and normalise(name).rstrip(".") not in grammar.vocabulary.abbreviations)


def _day_mention(match: re.Match[str], grammar: _Grammar,
                 published: dt.date | None) -> Found | None:
    group = match.group
    m2 = _month(group("m2"), grammar)
    m1 = _month(group("m1"), grammar) if group("m1") else m2
    d1, d2 = _day(group("d1")), _day(group("d2") or group("d1"))
    turns = (m1, d1) > (m2, d2)  # "28 December to 3 January": the range spans New Year

    def make(year: int) -> Span:
        return dt.date(year - turns, m1, d1), dt.date(year, m2, d2)

    if group("y2"):
        start_year = int(group("y1")) if group("y1") else int(group("y2")) - turns
        return _found(match, (dt.date(start_year, m1, d1), dt.date(int(group("y2")), m2, d2)),
                      "day")
    if group("y1"):
        return _found(match, make(int(group("y1")) + turns), "day")
    if not _written_as_month(group("m2"), grammar):
        return None
    return resolve_yearless(match.string, match.start("date"), match.end("date"), make=make,
                            last=(m2, d2), precision="day", grammar=grammar.relative,
                            published=published)


def _month_first_mention(match: re.Match[str], grammar: _Grammar,
                         published: dt.date | None) -> Found | None:
    """"May 17, 2024", "October 3-5, 2022"; without a year only "March 8th", "on March 8"."""
    group = match.group
    month, d1, d2 = _month(group("m"), grammar), _day(group("d1")), _day(group("d2") or group("d1"))
    if group("y"):
        year = int(group("y"))
        return _found(match, (dt.date(year, month, d1), dt.date(year, month, d2)), "day")
    if not _written_as_month(group("m"), grammar) or not (
            not group("d1").isdigit() or group("weekday") or group("comma")
            or _context(grammar, "day_preposition", match.string, match.start("date"))):
        return None
    span = nearest_span(lambda year: (dt.date(year, month, d1), dt.date(year, month, d2)),
                        published)
    return _found(match, span, "day", char_end=match.end("date") - len(group("comma") or ""))


def _month_mention(match: re.Match[str], grammar: _Grammar,
                   published: dt.date | None) -> Found | None:
    group = match.group
    m1 = _month(group("m1"), grammar)
    if not group("m2"):
        year = group("y1") or group("y2")
        if year:
            return _found(match, month_span(int(year), m1), "month")
        return _lone_month(match, m1, grammar, published)
    m2 = _month(group("m2"), grammar)
    turns = m1 > m2
    if group("y2") or group("y1"):
        end_year = int(group("y2")) if group("y2") else int(group("y1")) + turns
        start_year = int(group("y1")) if group("y1") else end_year - turns
        return _found(match, (dt.date(start_year, m1, 1), month_end(end_year, m2)), "month")
    if not (_is_full_month(group("m1"), grammar) and _is_full_month(group("m2"), grammar)):
        return None
    return _found(match, nearest_span(
        lambda year: (dt.date(year - turns, m1, 1), month_end(year, m2)), published), "month")


def _lone_month(match: re.Match[str], month: int, grammar: _Grammar,
                published: dt.date | None) -> Found | None:
    """A month named alone: in a list with a year ("March and April 2019"), relative ("last
    December"), or after a preposition or a qualifier ("in March", "mid-December")."""
    text, first, last = match.string, match.start("date"), match.end("date")
    if not _is_full_month(match.group("m1"), grammar):
        return None
    listed = _context(grammar, "month_list_after", text, last)
    if listed is not None:
        return _found(match, month_span(int(listed.group("year")), month), "month")
    in_context = _context(grammar, "month_context", text, first) is not None
    return resolve_yearless(text, first, last, make=lambda year: month_span(year, month),
                            last=(month, None), precision="month", grammar=grammar.relative,
                            published=published, in_context=in_context)


def _year_mention(match: re.Match[str], grammar: _Grammar,
                  published: dt.date | None) -> Found | None:
    text, first, last = match.string, match.start("date"), match.end("date")
    if _context(grammar, "quantity_after", text, last):
        return None  # "2020 euros", "2000 participants"
    y1 = int(match.group("y1"))
    decade = _context(grammar, "decade_word", text, first)
    if match.group("decade") or decade:  # "the 1990s", "les années 1990"
        return _found(match, (dt.date(y1, 1, 1), dt.date(y1 + 9, 12, 31)), "year",
                      char_start=decade.start() if decade else first) if y1 % 10 == 0 else None
    if match.group("y2"):
        y2 = int(match.group("y2"))
        return _found(match, (dt.date(y1, 1, 1), dt.date(y2, 12, 31)), "year") \
            if 0 < y2 - y1 <= 50 else None
    dated = (_context(grammar, "year_context", text, first)
             or (_context(grammar, "determiner", text, first)  # "the 2019 elections"
                 and _context(grammar, "noun_after", text, last))
             or (_context(grammar, "year_comma", text, first)  # "2018, 2019 and 2020"
                 and _context(grammar, "year_list_after", text, last)))
    return _found(match, (dt.date(y1, 1, 1), dt.date(y1, 12, 31)), "year") if dated else None


def _numeric_mention(match: re.Match[str], grammar: _Grammar,
                     published: dt.date | None) -> Found | None:
    group = match.group
    if group("y"):
        day = dt.date(int(group("y")), int(group("m")), int(group("d")))
    else:
        day = dt.date(int(group("iso_y")), int(group("iso_m")), int(group("iso_d")))
    return _found(match, (day, day), "day")
