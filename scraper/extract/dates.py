"""Dates: the publication date of the category-date line, and date expressions in prose.

Prose patterns are built from the lexicons' month names (English and French): day ranges
within and across months ("3-7 October 2022", "30 June to 2 July 2016", "du 3 au 5 mars
2023"), single days ("Friday, 14 of October 2016", "1er juillet 2021"), months ("November
2021"), month ranges, year ranges ("2014-2020") and years after a preposition ("by 2030").
A date without a year takes the year that puts it nearest the publication date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

from scraper.models import DateMention, Precision
from scraper.profile import SiteProfile, load_lexicon

YEAR = r"(?:1[89]\d\d|20\d\d)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er|e)?"
_NOT_NUMBER_AFTER = r"(?![\d,.]\d|\s?%|\s?(?:€|euros?|EUR|million|billion|milliard))"
YEAR_WORDS = (r"in|by|since|until|till|from|before|after|during|of|for|year|around|"
              r"en|depuis|d'ici|jusqu'en|avant|après|année|vers|dès|pour")


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    mention: DateMention


def extract_published(text: str, profile: SiteProfile,
                      pattern_match: re.Match[str]) -> tuple[dt.date, str] | None:
    """Date and raw date of a category-date line already matched by the profile."""
    raw = pattern_match.group("date")
    for form in profile.dates.formats:
        try:
            return dt.datetime.strptime(raw, form).date(), raw
        except ValueError:
            continue
    return None


@functools.cache
def _month_names(languages: tuple[str, ...]) -> dict[str, int]:
    months: dict[str, int] = {}
    for language in languages:
        lexicon = load_lexicon(language)
        if lexicon is not None:
            months.update(lexicon.months)
    return months


@functools.cache
def _patterns(languages: tuple[str, ...]) -> re.Pattern[str]:
    names = sorted(_month_names(languages), key=len, reverse=True)
    # Abbreviations (a prefix of the month's full name) may end in "." ("Sept."); full names
    # may not, or a sentence's full stop would join the date.
    months = _month_names(languages)
    abbreviations = {name for name in names
                     if any(other != name and other.startswith(name) and months[other] == number
                            for other, number in months.items())}
    month = r"(?:" + "|".join(
        re.escape(name) + (r"\.?" if name in abbreviations else "") for name in names
    ) + r")"
    joiner = r"\s*(?:-|–|—|to|and|until|till|through|au|et|à)\s*"
    weekday = (r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|"
               r"mercredi|jeudi|vendredi|samedi|dimanche),?\s+(?:the\s+)?)?")
    of = r"(?:\s+of)?\s+"
    parts = [
        # 30 June to 2 July 2016 / 30 juin au 2 juillet 2016
        rf"(?P<d1a>{DAY}){of}(?P<m1a>{month})(?:,?\s+(?P<y1a>{YEAR}))?{joiner}"
        rf"(?P<d2a>{DAY}){of}(?P<m2a>{month})"
        rf"(?:,?\s+(?P<ya>{YEAR}))?",
        # 3-7 October 2022 / 17 and 18 February / the 25th and 26th of April / 3 au 5 mars
        rf"{weekday}(?P<d1b>{DAY}){joiner}(?:the\s+)?(?P<d2b>{DAY}){of}(?P<mb>{month})"
        rf"(?:,?\s+(?P<yb>{YEAR}))?",
        # October 2022 to May 2023 / d'octobre 2022 à mai 2023
        rf"(?P<m1c>{month})\s+(?P<y1c>{YEAR})?{joiner}(?P<m2c>{month})\s+(?P<yc>{YEAR})",
        # Friday, 14 of October 2016 / 14 October / 1er juillet 2021
        rf"{weekday}(?P<dd>{DAY}){of}(?P<md>{month})(?:,?\s+(?P<yd>{YEAR}))?",
        # October 14, 2016
        rf"(?P<me>{month})\s+(?P<de>{DAY}),?\s+(?P<ye>{YEAR})",
        # November 2021 / mai 2006
        rf"(?P<mf>{month})\s+(?P<yf>{YEAR})",
        # 2014-2020
        rf"(?P<y1g>{YEAR})\s*[-–/]\s*(?P<y2g>{YEAR})",
        # by 2030
        rf"(?:{YEAR_WORDS})\s+(?P<yh>{YEAR})(?!\s*[-–/]\s*{YEAR})",
    ]
    body = "|".join(f"(?:{part})" for part in parts)
    return re.compile(rf"(?<![\w/.-])(?:{body})(?![\w]){_NOT_NUMBER_AFTER}", re.IGNORECASE)


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())  # type: ignore[union-attr]


def _infer_year(month: int, day: int, published: dt.date | None) -> int | None:
    if published is None:
        return None
    best = None
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidate = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
        except ValueError:
            continue
        if best is None or abs(candidate - published) < abs(best - published):
            best = candidate
    return best.year if best else None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _build(match: re.Match[str], months: dict[str, int],
           published: dt.date | None) -> DateMention | None:
    group = match.group
    text = match.group().strip(" ,")
    precision: Precision

    def month_of(name: str) -> int:
        return months[name.lower().rstrip(".")]

    if group("d1a"):
        m1, m2 = month_of(group("m1a")), month_of(group("m2a"))
        d1, d2 = _day(group("d1a")), _day(group("d2a"))
        year = int(group("ya")) if group("ya") else _infer_year(m2, d2, published)
        if year is None:
            return None
        start_year = int(group("y1a")) if group("y1a") else (year - 1 if m1 > m2 else year)
        start, end = dt.date(start_year, m1, d1), dt.date(year, m2, d2)
        precision = "day"
    elif group("d1b"):
        month = month_of(group("mb"))
        d1, d2 = _day(group("d1b")), _day(group("d2b"))
        year = int(group("yb")) if group("yb") else _infer_year(month, d2, published)
        if year is None or d1 > d2:
            return None
        start, end, precision = dt.date(year, month, d1), dt.date(year, month, d2), "day"
    elif group("m1c"):
        m1, m2, year = month_of(group("m1c")), month_of(group("m2c")), int(group("yc"))
        y1 = int(group("y1c")) if group("y1c") else (year - 1 if m1 > m2 else year)
        start, end, precision = dt.date(y1, m1, 1), _month_end(year, m2), "month"
    elif group("dd"):
        month, day = month_of(group("md")), _day(group("dd"))
        year = int(group("yd")) if group("yd") else _infer_year(month, day, published)
        if year is None:
            return None
        start = end = dt.date(year, month, day)
        precision = "day"
    elif group("me"):
        month, day, year = month_of(group("me")), _day(group("de")), int(group("ye"))
        start = end = dt.date(year, month, day)
        precision = "day"
    elif group("mf"):
        month, year = month_of(group("mf")), int(group("yf"))
        start, end, precision = dt.date(year, month, 1), _month_end(year, month), "month"
    elif group("y1g"):
        y1, y2 = int(group("y1g")), int(group("y2g"))
        if not 0 < y2 - y1 <= 50:
            return None
        start, end, precision = dt.date(y1, 1, 1), dt.date(y2, 12, 31), "year"
    else:
        text = group("yh")
        year = int(text)
        start, end, precision = dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    if end < start:
        return None
    return DateMention(text=text, start=start, end=end, precision=precision, relative=False)


def extract_date_mentions(paragraphs: list[str] | tuple[str, ...], *,
                          published: dt.date | None,
                          languages: tuple[str, ...] = ("en", "fr")) -> tuple[DateMention, ...]:
    """Every date expression in ``paragraphs``, in reading order."""
    pattern = _patterns(languages)
    months = _month_names(languages)
    mentions: list[DateMention] = []
    for paragraph in paragraphs:
        for match in pattern.finditer(paragraph):
            try:
                mention = _build(match, months, published)
            except (ValueError, KeyError):
                mention = None
            if mention is not None:
                mentions.append(mention)
    return tuple(mentions)
