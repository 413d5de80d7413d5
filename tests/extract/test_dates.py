"""Date expressions in prose: one mention per expression, ISO start/end, day/month/year
precision, a missing year taken nearest the publication date (DESIGN.md, `date_mentions`)."""

from __future__ import annotations

import datetime as dt
import doctest
import json
import re
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.extract import dates, relative_dates
from scraper.extract.dates import extract_date_mentions
from scraper.lexicons.patterns import trie_regex, word_start_regex

PUBLISHED = dt.date(2022, 10, 20)

Row = tuple[str, str, str, str]
"""(text, start, end, precision) of one mention."""


def _mentions(paragraphs: list[str], published: dt.date | None) -> list[Row]:
    return [
        (mention.text, mention.start.isoformat(), mention.end.isoformat(), mention.precision)
        for mention in extract_date_mentions(paragraphs, published=published)
    ]


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # English, with a year
        pytest.param("Training ran on 3-7 October 2022 in Kyiv.", PUBLISHED,
                     [("3-7 October 2022", "2022-10-03", "2022-10-07", "day")], id="en-day-range-hyphen"),
        pytest.param("The call closed in November 2021.", PUBLISHED,
                     [("November 2021", "2021-11-01", "2021-11-30", "month")], id="en-month"),
        pytest.param("The congress met on 17 and 18 February 2015.", PUBLISHED,
                     [("17 and 18 February 2015", "2015-02-17", "2015-02-18", "day")], id="en-day-and-day"),
        pytest.param("The summit ran from 30 June to 2 July 2016 in Ghent.", PUBLISHED,
                     [("30 June to 2 July 2016", "2016-06-30", "2016-07-02", "day")], id="en-cross-month-range"),
        pytest.param("It opens on Friday, 14 of October 2016.", PUBLISHED,
                     [("Friday, 14 of October 2016", "2016-10-14", "2016-10-14", "day")], id="en-weekday-day-of-month"),
        pytest.param("It opens on October 14, 2016.", PUBLISHED,
                     [("October 14, 2016", "2016-10-14", "2016-10-14", "day")], id="en-month-day-comma-year"),
        pytest.param("Mayors met from October 2022 to May 2023.", PUBLISHED,
                     [("October 2022 to May 2023", "2022-10-01", "2023-05-31", "month")], id="en-month-range"),
        pytest.param("The 2014-2020 period is ending.", PUBLISHED,
                     [("2014-2020", "2014-01-01", "2020-12-31", "year")], id="en-year-range"),
        pytest.param("Towns aim for climate neutrality by 2030.", PUBLISHED,
                     [("2030", "2030-01-01", "2030-12-31", "year")], id="en-by-year"),
        # English, no year: the year nearest the publication date
        pytest.param("Mayors met on the 25th and 26th of April in Brussels.", dt.date(2019, 5, 2),
                     [("the 25th and 26th of April", "2019-04-25", "2019-04-26", "day")],
                     id="en-ordinals-year-before"),
        pytest.param("Mayors meet on the 25th and 26th of April in Brussels.", dt.date(2019, 12, 20),
                     [("the 25th and 26th of April", "2020-04-25", "2020-04-26", "day")],
                     id="en-ordinals-next-year"),
        pytest.param("The workshop runs 12-14 September in Lyon.", dt.date(2022, 8, 1),
                     [("12-14 September", "2022-09-12", "2022-09-14", "day")], id="en-range-no-year"),
        pytest.param("Towns met from 11th to 17th June in Riga.", PUBLISHED,
                     [("11th to 17th June", "2022-06-11", "2022-06-17", "day")], id="en-ordinal-range-no-year"),
        pytest.param("Mayors met on 28 December in Kyiv.", dt.date(2023, 1, 10),
                     [("28 December", "2022-12-28", "2022-12-28", "day")], id="en-day-previous-year"),
        pytest.param("The exchange ran from 28 December to 3 January in Riga.", dt.date(2023, 1, 10),
                     [("28 December to 3 January", "2022-12-28", "2023-01-03", "day")], id="en-range-over-new-year"),
        # French
        pytest.param("Le congrès se tiendra du 3 au 5 mars 2023 à Paris.", PUBLISHED,
                     [("3 au 5 mars 2023", "2023-03-03", "2023-03-05", "day")], id="fr-du-au"),
        pytest.param("La charte a été signée le 8 mars 2012.", PUBLISHED,
                     [("8 mars 2012", "2012-03-08", "2012-03-08", "day")], id="fr-le-day"),
        pytest.param("Le réseau a été créé en mai 2006.", PUBLISHED,
                     [("mai 2006", "2006-05-01", "2006-05-31", "month")], id="fr-en-month"),
        pytest.param("Le règlement s'applique à partir du 1er juillet 2021.", PUBLISHED,
                     [("1er juillet 2021", "2021-07-01", "2021-07-01", "day")], id="fr-premier"),
        pytest.param("Les maires se sont réunis les 25 et 26 avril 2019.", PUBLISHED,
                     [("25 et 26 avril 2019", "2019-04-25", "2019-04-26", "day")], id="fr-les-et"),
        pytest.param("La période 2021-2027 commence.", PUBLISHED,
                     [("2021-2027", "2021-01-01", "2027-12-31", "year")], id="fr-year-range"),
        pytest.param("Le réseau existe depuis 2015.", PUBLISHED,
                     [("2015", "2015-01-01", "2015-12-31", "year")], id="fr-depuis-year"),
        # Mixed with numbers that are not dates
        pytest.param("In 2019, 2000 participants came.", PUBLISHED,
                     [("2019", "2019-01-01", "2019-12-31", "year")], id="year-beside-count"),
        pytest.param("Mayors met on 28 December.", dt.date(2023, 1, 10),
                     [("28 December", "2022-12-28", "2022-12-28", "day")], id="en-day-at-sentence-end"),
        pytest.param("It ran from 28 December 2022 to 3 January 2023.", PUBLISHED,
                     [("28 December 2022 to 3 January 2023", "2022-12-28", "2023-01-03", "day")],
                     id="en-range-both-years"),
        pytest.param("Funding in 2014-2020 was spent.", PUBLISHED,
                     [("2014-2020", "2014-01-01", "2020-12-31", "year")], id="en-year-range-after-preposition"),
    ],
)
def test_date_mention(sentence: str, published: dt.date, expected: list[Row]) -> None:
    assert _mentions([sentence], published) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The project received EUR 2.5 million from the fund.", id="en-amount"),
        pytest.param("Article 11 of the Charter protects local finances.", id="article-number"),
        pytest.param("COVID-19 hit local budgets hard.", id="covid-19"),
        pytest.param("Call the secretariat on +32 2 511 74 77 for details.", id="phone-number"),
        pytest.param("Le projet a reçu 2,5 millions d'euros.", id="fr-amount"),
        pytest.param("More than 2000 participants attended.", id="count-2000"),
        pytest.param("A town of 10.000 inhabitants joined.", id="thousands-dot"),
        pytest.param("Une commune de 10 000 habitants a rejoint le réseau.", id="fr-thousands-space"),
        pytest.param("The network spent 2020 euros on printing.", id="year-like-amount"),
    ],
)
def test_not_a_date(sentence: str) -> None:
    assert _mentions([sentence], PUBLISHED) == []


def test_yearless_date_without_publication_date_gives_nothing() -> None:
    assert _mentions(["The workshop runs 12-14 September in Lyon."], None) == []


def test_mentions_in_reading_order_across_paragraphs() -> None:
    paragraphs = [
        "Training ran on 3-7 October 2022, after the call of November 2021.",
        "No date in this paragraph.",
        "Towns aim for neutrality by 2030. La charte a été signée le 8 mars 2012.",
    ]
    texts = [text for text, *_ in _mentions(paragraphs, PUBLISHED)]
    assert texts == ["3-7 October 2022", "November 2021", "2030", "8 mars 2012"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("We met last December in Kyiv.",
                     ("last December", "2021-12-01", "2021-12-31", "month", True), id="en-last-month"),
        pytest.param("Les maires se sont réunis en décembre dernier.",
                     ("décembre dernier", "2021-12-01", "2021-12-31", "month", True), id="fr-mois-dernier"),
        pytest.param("Le traité a été signé le 8 mars dernier.",
                     ("8 mars dernier", "2022-03-08", "2022-03-08", "day", True), id="fr-jour-dernier"),
        pytest.param("Le forum se tiendra le 12 avril prochain.",
                     ("12 avril prochain", "2023-04-12", "2023-04-12", "day", True), id="fr-jour-prochain"),
        pytest.param("The Bureau met in December last year.",
                     ("December last year", "2021-12-01", "2021-12-31", "month", True),
                     id="en-month-last-year"),
        pytest.param("The Bureau met on 3 December last year.",
                     ("3 December last year", "2021-12-03", "2021-12-03", "day", True),
                     id="en-day-last-year"),
        pytest.param("A report is expected early next year.",
                     ("early next year", "2023-01-01", "2023-12-31", "year", True), id="en-qualifier-relative"),
        pytest.param("Le guide sera prêt d’ici la fin de l’année.",
                     ("fin de l’année", "2022-01-01", "2022-12-31", "year", True), id="fr-curly-apostrophe"),
        pytest.param("La réunion d’hier a eu lieu à Bruxelles.",
                     ("hier", "2022-10-19", "2022-10-19", "day", True), id="fr-d-hier"),
    ],
)
def test_relative_expression_resolved_against_published(
        sentence: str, expected: tuple[str, str, str, str, bool]) -> None:
    mentions = extract_date_mentions([sentence], published=PUBLISHED)
    assert [(mention.text, mention.start.isoformat(), mention.end.isoformat(),
             mention.precision, mention.relative) for mention in mentions] == [expected]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # "met": the past; the months before the publication (2022-10-20), not the nearest
        pytest.param("Mayors met in March and April.",
                     [("March", "2022-03-01", "2022-03-31", "month"),
                      ("April", "2022-04-01", "2022-04-30", "month")], id="en-month-list"),
        pytest.param("Mayors met in March, April and May 2019.",
                     [("March", "2019-03-01", "2019-03-31", "month"),
                      ("April", "2019-04-01", "2019-04-30", "month"),
                      ("May 2019", "2019-05-01", "2019-05-31", "month")], id="en-month-list-shares-year"),
        pytest.param("The towns met in 2018, 2019 and 2020.",
                     [("2018", "2018-01-01", "2018-12-31", "year"),
                      ("2019", "2019-01-01", "2019-12-31", "year"),
                      ("2020", "2020-01-01", "2020-12-31", "year")], id="en-year-list"),
        pytest.param("The number doubled between 2016 and 2022.",
                     [("2016 and 2022", "2016-01-01", "2022-12-31", "year")], id="en-between-years"),
        pytest.param("Twinning grew in the 1990s.",
                     [("1990s", "1990-01-01", "1999-12-31", "year")], id="en-decade"),
        pytest.param("Le jumelage s'est développé dans les années 1990.",
                     [("années 1990", "1990-01-01", "1999-12-31", "year")], id="fr-decennie"),
        pytest.param("Les maires se réuniront entre le 3 et le 5 mars.",
                     [("3 et le 5 mars", "2023-03-03", "2023-03-05", "day")], id="fr-entre-le-et-le"),
        pytest.param("Les élections municipales de 2020 ont été reportées.",
                     [("2020", "2020-01-01", "2020-12-31", "year")], id="fr-noun-adjective-de-year"),
        pytest.param("The seminar runs October 3-5, 2022 in Lyon.",
                     [("October 3-5, 2022", "2022-10-03", "2022-10-05", "day")], id="en-us-range"),
        pytest.param("In the first half of 2019, towns reported.",
                     [("first half of 2019", "2019-01-01", "2019-12-31", "year")], id="en-half-year"),
    ],
)
def test_lists_ranges_and_decades(sentence: str, expected: list[Row]) -> None:
    assert _mentions([sentence], PUBLISHED) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The mayors may meet again; they march for equality.", id="en-modal-may-verb-march"),
        pytest.param("Sept communes ont rejoint le réseau.", id="fr-sept-is-seven"),
        pytest.param("A population of 2000 and a budget of 2000 delegates.", id="en-of-count"),
        pytest.param("The Horizon 2020 programme and the Europe 2020 strategy.", id="en-programme-names"),
        pytest.param("The survey reached 2000 delegates.", id="en-noun-then-count"),
        pytest.param("Regulation (EU) 2021/1060 and Directive 2014/24/EU apply.", id="en-legal-references"),
        pytest.param("From 1990 to 2000 members joined.", id="en-count-range"),
        pytest.param("The bureau met on a week day, and again on Monday.",
                     id="en-week-and-weekday"),
        pytest.param("Il a été 2000 fois cité.", id="fr-ete-is-not-summer-here"),
    ],
)
def test_numbers_and_words_that_are_not_dates(sentence: str) -> None:
    assert _mentions([sentence], PUBLISHED) == []


def test_relative_expressions_need_a_publication_date() -> None:
    assert _mentions(["Last year and last December, the Bureau met."], None) == []


@pytest.mark.parametrize("published", [dt.date.min, dt.date.max], ids=["date-min", "date-max"])
def test_calendar_edges_give_no_impossible_date(published: dt.date) -> None:
    sentence = "Yesterday, last year, next December, in March, tomorrow, next year."
    for mention in extract_date_mentions([sentence], published=published):
        assert mention.start <= mention.end


@pytest.mark.parametrize("module", [dates, relative_dates], ids=lambda module: module.__name__)
def test_module_doctests(module: ModuleType) -> None:
    assert doctest.testmod(module).failed == 0


# --- the fast scan finds what each rule's own scan finds -----------------------------------

_MANIFESTS = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "manifests")
                    .glob("dates*.jsonl"))
_MANIFEST_TEXTS = [json.loads(line)["text"] for path in _MANIFESTS
                   for line in path.read_text("utf-8").splitlines() if line.strip()]
_TOKENS = [
    "3", "25th", "1er", "2019", "1990s", "15.09.2019", "2019-09-15", "30", "0", "٣",
    "May", "may", "MAY", "mars", "Mar.", "sept.", "Sept", "août", "Aout", "décembre", "DÉC.",
    "ſeptember", "Kelvin", "\u212aey", "İn", "ımar", "mardi", "Monday", "the", "The", "le",
    "between", "Entre", "and", "to", "au", "of", "-", "–", "/", ",", ".", "mid-", "fin",
    "last", "next", "dernier", "today", "aujourd'hui", "l’année dernière", "yesterday",
    "dismay", "Marseille", "thermal", "x", "2000", "participants", "euros", "années",
]
_SEPARATORS = [" ", "", "  ", "\n", "-", ", ", "."]


def _each_rule_alone(paragraph: str) -> set[tuple[int, int, int]]:
    grammar = dates._grammar(("en", "fr"))
    return {(index, *match.span()) for index, (pattern, *_) in enumerate(grammar.rules)
            for match in pattern.finditer(paragraph)}


def _fast_scan(paragraph: str) -> set[tuple[int, int, int]]:
    grammar = dates._grammar(("en", "fr"))
    return {(index, *match.span()) for index, match in dates._rule_matches(paragraph, grammar)}


def test_fast_scan_finds_every_rule_match_of_the_manifests() -> None:
    assert len(_MANIFEST_TEXTS) > 200
    for text in _MANIFEST_TEXTS:
        assert _fast_scan(text) == _each_rule_alone(text), text


@settings(max_examples=400)
@given(st.lists(st.tuples(st.sampled_from(_TOKENS), st.sampled_from(_SEPARATORS)),
                max_size=14))
def test_fast_scan_finds_every_rule_match(pieces: list[tuple[str, str]]) -> None:
    paragraph = "".join(token + separator for token, separator in pieces)
    assert _fast_scan(paragraph) == _each_rule_alone(paragraph)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(_TOKENS), st.sampled_from(_SEPARATORS)),
                max_size=14))
def test_relative_phrases_are_found_where_a_plain_scan_finds_them(
        pieces: list[tuple[str, str]]) -> None:
    paragraph = "".join(token + separator for token, separator in pieces)
    grammar = dates._grammar(("en", "fr")).relative
    plain = re.compile(rf"(?<!\w)(?P<date>{relative_dates.any_of(grammar.table)})"
                       r"(?!\w)(?!\s*\d)", re.IGNORECASE)
    assert ([match.span() for match in grammar.phrases.finditer(paragraph)]
            == [match.span() for match in plain.finditer(paragraph)])


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_word_start_regex_matches_what_a_case_insensitive_trie_matches(text: str) -> None:
    words = ["may", "mars", "ſept", "kelvin", "ïle", "été", "l'an", "1er"]
    fast = re.compile(word_start_regex([relative_dates.atoms(word) for word in words]))
    plain = re.compile(rf"(?<!\w){relative_dates.any_of(words)}", re.IGNORECASE)
    for probe in (text, text.upper(), f"{text} {text.title()} May K\u212aelvin ſept ÏLE"):
        assert ([match.span() for match in fast.finditer(probe)]
                == [match.span() for match in plain.finditer(probe)])


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from([*_TOKENS, "in", "by", "l'édition", "elections",
                                           "mid", "early", "et", "à"]),
                          st.sampled_from(_SEPARATORS)), max_size=10),
       st.integers(min_value=0, max_value=120))
def test_combined_contexts_are_any_of_their_parts(pieces: list[tuple[str, str]],
                                                  position: int) -> None:
    paragraph = "".join(token + separator for token, separator in pieces)
    position = min(position, len(paragraph))
    grammar = dates._grammar(("en", "fr"))
    for combined, parts in dates._EITHER.items():
        assert (dates._context(grammar, combined, paragraph, position) is not None) == any(
            dates._context(grammar, part, paragraph, position) is not None for part in parts)


_CONTEXT_TOKENS = [*_TOKENS, "in", "by", "l'édition", "l’édition", "elections", "élections",
                   "municipales", "de", "mid-", "Mi-", "early", "et", "and", "since", "depuis",
                   "the", "The", "these", "années", "ANNÉES", "end of", "fin de l'année"]


@settings(max_examples=400)
@given(st.lists(st.tuples(st.sampled_from(_CONTEXT_TOKENS), st.sampled_from(_SEPARATORS)),
                max_size=10))
def test_contexts_match_where_their_plain_regexes_match(pieces: list[tuple[str, str]]) -> None:
    """Each context ("in", "the 2019", "mid-", ...) is written to skip ahead fast; it must
    find what the plain case-insensitive regex of the same words finds, wherever it ends."""
    paragraph = "".join(token + separator for token, separator in pieces)
    grammar = dates._grammar(("en", "fr"))
    parts = dates._before(dates._parts(grammar.vocabulary), grammar.vocabulary)
    groups = {**{name: [name] for name in parts}, **dates._EITHER}
    for name, members in groups.items():
        plain = re.compile(r"(?<!\w)(?:" + "|".join(
            f"(?:{trie_regex(parts[each][0])}){parts[each][1]}" for each in members) + ")$",
            re.IGNORECASE)
        for position in range(len(paragraph) + 1):
            fast = dates._context(grammar, name, paragraph, position)
            slow = relative_dates.search_before(plain, paragraph, position)
            assert (fast.start() if fast else None) == (slow.start() if slow else None), name


@pytest.mark.parametrize(("text", "expected"), [
    ("In today's context, towns need stable funding.", []),
    ("Towns need more support than what they have today.", []),
    ("Le monde d'aujourd'hui change vite.", []),
    ("Under the theme « Demain commence aujourd'hui », the congress opened.", []),
    ("Under the theme \"Tomorrow starts Today\", the congress opened.", []),
    ("“Tomorrow the hard work begins,” she said.", []),
    ("Today, these programmes extend beyond cultural exchanges.", []),
    ("CEMR today published its report on women in politics.", ["2009-06-10"]),
    ("Yesterday, the mayor of Reims greeted the secretary of the council.", ["2009-06-09"]),
    ("Aujourd'hui, le CCRE a publié son rapport.", ["2009-06-10"]),
    ("Today, CEMR publishes the fourth edition of its survey.", ["2009-06-10"]),
])
def test_deictic_words_are_dates_only_where_they_point_at_a_day(
        text: str, expected: list[str]) -> None:
    mentions = extract_date_mentions([text], published=dt.date(2009, 6, 10))
    assert [str(mention.start) for mention in mentions] == expected


@pytest.mark.parametrize(("text", "year"), [
    ("The next summit will take place in December in Copenhagen.", 2009),
    ("The summit took place in December in Copenhagen.", 2008),
    ("Le prochain sommet se tiendra en décembre à Copenhague.", 2009),
    ("The group, set up in December, will report next spring.", 2008),  # its own clause
    ("The summit is in December in Copenhagen.", 2008),  # no tense: the nearest December
])
def test_the_tense_of_its_clause_gives_a_yearless_month_its_year(text: str, year: int) -> None:
    mentions = extract_date_mentions([text], published=dt.date(2009, 6, 10))
    assert [(mention.start.year, mention.start.month) for mention in mentions][:1] == [(year, 12)]


@pytest.mark.parametrize(("text", "start", "end"), [
    ("Next week, a delegation will attend the forum.", "2019-07-15", "2019-07-21"),
    ("Last week, the mayors met in Kyiv.", "2019-07-01", "2019-07-07"),
    ("La semaine prochaine, les maires se réuniront.", "2019-07-15", "2019-07-21"),
])
def test_relative_weeks_run_monday_to_sunday(text: str, start: str, end: str) -> None:
    mention, = extract_date_mentions([text], published=dt.date(2019, 7, 8))
    assert (str(mention.start), str(mention.end), mention.precision, mention.relative) == (
        start, end, "day", True)


@pytest.mark.parametrize(("text", "expected"), [
    ("The first edition took place in autumn 2016.", ("autumn 2016", "2016-09-01", "2016-11-30")),
    ("In the summer of 2011, towns met in Oslo.", ("summer of 2011", "2011-06-01", "2011-08-31")),
    ("Le forum aura lieu au printemps 2024.", ("printemps 2024", "2024-03-01", "2024-05-31")),
])
def test_a_season_before_a_year_spans_its_months(text: str,
                                                 expected: tuple[str, str, str]) -> None:
    mention, = extract_date_mentions([text], published=dt.date(2016, 1, 1))
    assert (mention.text, str(mention.start), str(mention.end), mention.precision) == (
        *expected, "month")
