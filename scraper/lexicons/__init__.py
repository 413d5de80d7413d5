"""Lexicons: the words of each language that extractors read prose with.

``<lang>.toml`` holds one language's month names, speech verbs, honorifics, role nouns, goal
words and date words; ``common.toml`` the stopwords used for language detection, the
commercial vocabulary used to score spam and the name particles. Both are validated on load;
a bad file raises :class:`~scraper.errors.ProfileError`.
"""

from __future__ import annotations

import functools
from importlib import resources

from pydantic import BaseModel, field_validator

from scraper.tomldata import FROZEN as _FROZEN
from scraper.tomldata import read_toml, validate_data


class LexiconWords(BaseModel):
    model_config = _FROZEN
    weekdays: tuple[str, ...] = ()
    range_joiners: tuple[str, ...] = ()
    goal_intro: tuple[str, ...] = ()
    speech_verbs: tuple[str, ...] = ()
    source_phrases: tuple[str, ...] = ()
    honorifics: tuple[str, ...] = ()
    role_nouns: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    pronouns: tuple[str, ...] = ()
    role_stops: tuple[str, ...] = ()
    """Where a role ends and the circumstances begin (", at the opening of")."""
    manner_phrases: tuple[str, ...] = ()
    complementizers: tuple[str, ...] = ()
    auxiliaries: tuple[str, ...] = ()
    place_prepositions: tuple[str, ...] = ()
    circumstance_starters: tuple[str, ...] = ()
    inversion_auxiliaries: tuple[str, ...] = ()
    conjunctions: tuple[str, ...] = ()
    """Conjunctions that may open a role phrase and are not part of it."""
    first_person: tuple[str, ...] = ()
    verb_adverbs: tuple[str, ...] = ()
    """Adverbs between a cue and its speaker ("said in substance a representative of ...",
    "a déclaré en substance le maire"): not part of the speaker."""
    object_verbs: tuple[str, ...] = ()
    """Cues whose object stands between them and the quote ("calls on EU institutions
    “to remain vigilant”", "appelle les États « à agir »")."""
    relative_pronouns: tuple[str, ...] = ()
    """Open a relative clause about a person ("who is also ..."), which is no role."""
    agents: tuple[str, ...] = ()
    """The word before the speaker of a passive cue ("As stated last week by NAME")."""
    role_connectors: tuple[str, ...] = ()
    """Words inside a role that join its capitalised parts ("High Representative for Foreign
    Affairs and Security Policy"): capitalised words after one are the role's, not a name."""
    organisation_references: tuple[str, ...] = ()
    """Words standing for an organisation named earlier ("the organisation", "l'organisation"):
    a speaker they name is the organisation the article last named by its acronym."""
    """First-person words that mark a paragraph as speech (a statement after a colon)."""


class DateWords(BaseModel):
    """Date words of one language (the ``[dates]`` table); month names are in ``months``,
    weekday names and day-range joiners in ``words``."""

    model_config = _FROZEN
    ordinal_suffixes: tuple[str, ...] = ()
    day_articles: tuple[str, ...] = ()
    range_day_articles: tuple[str, ...] = ()
    day_links: tuple[str, ...] = ()
    day_prepositions: tuple[str, ...] = ()
    month_prepositions: tuple[str, ...] = ()
    year_prepositions: tuple[str, ...] = ()
    year_nouns: tuple[str, ...] = ()
    year_noun_links: tuple[str, ...] = ()
    year_determiners: tuple[str, ...] = ()
    quantity_words: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    range_openers: tuple[str, ...] = ()
    pair_joiners: tuple[str, ...] = ()
    decade_suffixes: tuple[str, ...] = ()
    decade_words: tuple[str, ...] = ()
    capitalised_months: bool = False
    seasons: dict[str, tuple[int, int]] = {}
    """A season before a year: its first and last month ("autumn 2016" is September to
    November 2016, month precision); the season's name is also a qualifier."""
    relative_days: dict[str, int] = {}
    relative_weeks: dict[str, int] = {}
    """"next week" 1: the week (Monday to Sunday) that many weeks from the publication's."""
    relative_months: dict[str, int] = {}
    relative_years: dict[str, int] = {}
    deictic_generic_after: tuple[str, ...] = ()
    """After "today"/"tomorrow", what makes it point at no day ("today's Europe")."""
    deictic_generic_before: tuple[str, ...] = ()
    """The word just before "today"/"demain" that makes it point at no day ("the Europe of
    today", "le monde d'aujourd'hui", "until today")."""
    event_nouns: tuple[str, ...] = ()
    """Nouns of an event: "today's meeting", "la réunion d'hier" point at a day, where
    "today's Europe" and "le monde d'aujourd'hui" do not."""
    deictic_comparatives: tuple[str, ...] = ()
    """Earlier in the clause, these make "today" a comparison, not a day ("than we have
    today")."""
    event_words: tuple[str, ...] = ()
    """Words of a clause that tell an event (past or future tense): "Today, CEMR has
    published" is a day, "Today, these programmes extend" means nowadays."""
    event_suffixes: tuple[str, ...] = ()
    """Word endings that tell an event ("published", "signé")."""
    future_words: tuple[str, ...] = ()
    """A sentence holding one of these speaks of the future: its year-less month is the next
    one ("will meet in December", published in June: this December)."""
    past_words: tuple[str, ...] = ()
    """... of the past: its year-less month is the last one."""
    named_month_before: dict[str, int] = {}
    named_month_after: dict[str, int] = {}

    @field_validator("named_month_before", "named_month_after")
    @classmethod
    def _directions(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {word: step for word, step in value.items() if step not in (-1, 0, 1)}
        if bad:
            raise ValueError(f"a named month's direction is -1, 0 or 1: {bad}")
        return value


class Lexicon(BaseModel):
    """The words of one language that extractors read prose with."""

    model_config = _FROZEN
    language: str
    months: dict[str, int]
    words: LexiconWords
    dates: DateWords = DateWords()

    @field_validator("months")
    @classmethod
    def _months_in_range(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {name: number for name, number in value.items() if not 1 <= number <= 12}
        if bad:
            raise ValueError(f"month numbers must be 1-12: {bad}")
        return value


class EndMatter(BaseModel):
    """What ends an article on pages no profile lays out (the main-text selector), in many
    languages: end-matter headings, matched whole or by their start, and trailing credit
    lines."""

    model_config = _FROZEN
    markers: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    trailing: tuple[str, ...] = ()
    trailing_anywhere: tuple[str, ...] = ()


class StructureWords(BaseModel):
    """Words of how an article is built, in many languages: the labels of a press-contact
    block, the titles that open one, and the titles of an attachment box."""

    model_config = _FROZEN
    email_labels: tuple[str, ...] = ()
    phone_labels: tuple[str, ...] = ()
    other_labels: tuple[str, ...] = ()
    """Labels of a contact line that is neither e-mail nor phone ("Skype", "Fax")."""
    contact_titles: frozenset[str] = frozenset()
    attachment_titles: frozenset[str] = frozenset()


class CommonWords(BaseModel):
    """Stopwords per language (language detection), commercial terms (spam scoring), name
    words, and the end matter of articles (main-text selection)."""

    model_config = _FROZEN
    stopwords: dict[str, frozenset[str]]
    commercial: dict[str, tuple[str, ...]]
    names: dict[str, tuple[str, ...]] = {}
    end_matter: EndMatter = EndMatter()
    structure: StructureWords = StructureWords()


@functools.cache
def load_lexicon(language: str) -> Lexicon | None:
    """The bundled lexicon of ``language``, or None when there is none."""
    path = resources.files(__name__) / f"{language}.toml"
    if not path.is_file():
        return None
    return validate_data(Lexicon, read_toml(path), path)


@functools.cache
def load_common_words() -> CommonWords:
    """Stopwords and commercial terms shared by all languages."""
    path = resources.files(__name__) / "common.toml"
    return validate_data(CommonWords, read_toml(path), path)



__all__ = ["CommonWords", "DateWords", "EndMatter", "Lexicon", "LexiconWords", "StructureWords", "load_common_words",
           "load_lexicon"]
