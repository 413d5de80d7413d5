"""Who said it: attribution phrases split into speaker and role, and the people of an article.

An attribution phrase is what surrounds a speech verb: "Yuliia Kazakova, medical director of
the Fastiv hospital", "the Secretary of the Fastiv City Council, Liudmyla Rudiak", "CEMR
President Stefano Albertini", "Lena Marttinen CEMR Gender Officer", "he". Names are runs of
capitalised words that are not role nouns; roles are the parts holding a role noun (from the
lexicons); honorifics and leading articles are dropped; circumstances that follow a role
("at the end of the visit", "lors de la séance") are cut. A surname or pronoun resolves to a
full name given earlier in the same article.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from scraper.lexicons import load_common_words, load_lexicon
from scraper.lexicons.patterns import capital_class, trie_regex, words_alternation

_TOKEN = re.compile(r"\S+")



@dataclass(frozen=True, slots=True)
class QuoteWords:
    """The lexicon words quote extraction needs, for a set of languages."""

    verbs: tuple[str, ...]
    verb_pattern: re.Pattern[str]
    sources: tuple[str, ...]
    honorifics: frozenset[str]
    role_nouns: frozenset[str]
    articles: tuple[str, ...]
    elided_articles: tuple[str, ...]
    titles: re.Pattern[str]
    """Any role noun or honorific, as a word: where a titled name may stand."""
    """Articles that glue to their noun ("l'", "l’"), with either apostrophe."""
    pronouns: frozenset[str]
    role_stops: tuple[str, ...]
    conjunctions: tuple[str, ...]
    first_person: frozenset[str]
    manner: tuple[str, ...]
    complementizers: tuple[str, ...]
    auxiliaries: tuple[str, ...]
    places: frozenset[str]
    circumstance: re.Pattern[str]
    inversion: re.Pattern[str]
    particles: frozenset[str]
    organisations: frozenset[str]
    organisation_references: frozenset[str]
    role_connectors: frozenset[str]
    object_verbs: frozenset[str]
    verb_adverbs: re.Pattern[str]
    """Adverbs right after a cue ("said in substance"), to skip."""
    relative_pronouns: frozenset[str]
    agent: re.Pattern[str]
    """Up to the agent word of a passive cue ("last week by "), to cut."""
    speaker_start: re.Pattern[str]
    """Where a speaker's phrase starts after a verb: a capital of any script, or an article."""


@functools.cache
def quote_words(languages: tuple[str, ...]) -> QuoteWords:
    """Speech verbs, honorifics, role nouns... of ``languages``, merged."""
    lists: dict[str, set[str]] = {name: set() for name in (
        "manner_phrases", "complementizers", "auxiliaries", "place_prepositions",
        "circumstance_starters", "inversion_auxiliaries")}
    verbs: set[str] = set()
    sources: set[str] = set()
    honorifics: set[str] = set()
    roles: set[str] = set()
    articles: set[str] = set()
    pronouns: set[str] = set()
    stops: set[str] = set()
    conjunctions: set[str] = set()
    first: set[str] = set()
    for language in languages:
        lexicon = load_lexicon(language)
        if lexicon is None:
            continue
        words = lexicon.words
        verbs.update(words.speech_verbs)
        verbs.update(words.object_verbs)  # "urges EU institutions “to act”" is a cue too
        sources.update(words.source_phrases)
        honorifics.update(words.honorifics)
        roles.update(words.role_nouns)
        articles.update(words.articles)
        pronouns.update(words.pronouns)
        stops.update(words.role_stops)
        conjunctions.update(words.conjunctions)
        first.update(words.first_person)
        for name, found in lists.items():
            found.update(getattr(words, name))
    ordered = tuple(sorted(verbs, key=len, reverse=True))
    article = words_alternation(frozenset(articles), whole=False)
    adverbs = words_alternation(frozenset(
        adverb for language in languages if (lexicon := load_lexicon(language))
        for adverb in lexicon.words.verb_adverbs))
    agents = words_alternation(frozenset(
        agent for language in languages if (lexicon := load_lexicon(language))
        for agent in lexicon.words.agents), whole=False)
    # A trie, not a list: re tries a list's 200 verbs one by one at every position.
    alternatives = trie_regex([["['’]" if char == "'" else re.escape(char) for char in verb]
                               for verb in ordered])
    return QuoteWords(
        verbs=ordered,
        verb_pattern=re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", re.IGNORECASE),
        sources=tuple(sorted(sources, key=len, reverse=True)),
        honorifics=frozenset(honorifics),
        role_nouns=frozenset(roles),
        articles=tuple(sorted(articles, key=len, reverse=True)),
        titles=re.compile(rf"(?<![\w-])(?:{words_alternation(frozenset(roles | honorifics))})"
                          r"(?![\w-])", re.IGNORECASE),
        elided_articles=tuple(variant for article in articles if article.endswith(("'", "’"))
                              for variant in (article[:-1] + "'", article[:-1] + "’")),
        pronouns=frozenset(pronouns),
        role_stops=tuple(sorted(stops, key=len, reverse=True)),
        conjunctions=tuple(sorted(conjunctions, key=len, reverse=True)),
        first_person=frozenset(first),
        manner=tuple(sorted(lists["manner_phrases"])),
        complementizers=tuple(sorted(lists["complementizers"], key=len, reverse=True)),
        auxiliaries=tuple(sorted(lists["auxiliaries"])),
        places=frozenset(lists["place_prepositions"]),
        circumstance=re.compile(rf"^(?:{words_alternation(frozenset(lists['circumstance_starters']), whole=False)})\b",
                                re.IGNORECASE),
        inversion=_inversion(lists["inversion_auxiliaries"], pronouns),
        organisation_references=frozenset(
            reference for language in languages if (lexicon := load_lexicon(language))
            for reference in lexicon.words.organisation_references),
        agent=re.compile(rf"^.*?(?<!\w)(?:{agents})\s+", re.IGNORECASE),
        verb_adverbs=re.compile(rf"^\s*(?:(?:{adverbs})\s+)+", re.IGNORECASE),
        object_verbs=frozenset(
            verb for language in languages if (lexicon := load_lexicon(language))
            for verb in lexicon.words.object_verbs),
        relative_pronouns=frozenset(
            pronoun for language in languages if (lexicon := load_lexicon(language))
            for pronoun in lexicon.words.relative_pronouns),
        role_connectors=frozenset(
            connector for language in languages if (lexicon := load_lexicon(language))
            for connector in lexicon.words.role_connectors),
        speaker_start=re.compile(rf"\s+(?:{capital_class()}|(?:{article})(?:\s|(?<=')))"),
        particles=frozenset(load_common_words().names.get("particles", ())),
        organisations=frozenset(load_common_words().names.get("organisation_words", ())),
    )


@functools.cache
def after_conjunction(conjunctions: tuple[str, ...] | frozenset[str]) -> re.Pattern[str]:
    """What comes up to a conjunction that opens a phrase ("... and NAME"), to cut it."""
    return re.compile(rf"^.*?\b(?:{words_alternation(frozenset(conjunctions), whole=False)})\s+")


def _inversion(auxiliaries: set[str], pronouns: set[str]) -> re.Pattern[str]:
    """French inverted cues: "a-t-il souligné", "déclare-t-elle", "ajoute-il"."""
    auxiliary = words_alternation(frozenset(auxiliaries), whole=False)
    pronoun = words_alternation(frozenset(pronouns), whole=False)
    return re.compile(rf"^((?:{auxiliary})-t-(?:{pronoun})\s+\w+|\w+-t-(?:{pronoun})|"
                      rf"\w+-(?:{pronoun}))\b", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case without accents, to match "Wisniewski" with "Wiśniewski"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def bare_token(token: str) -> str:
    return token.strip(".,;:()«»“”\"'")


def is_acronym(token: str) -> bool:
    bare = bare_token(token).rstrip("'s").rstrip("’s")
    return len(bare) >= 2 and bare.isupper() and bare.isalpha()


MIN_ACRONYM = 3
"""An organisation named by its acronym has at least this many capitals (CEMR, CCRE,
PLATFORMA); "EU" or "UN" alone never speak."""


def organisation_speaker(phrase: str, words: QuoteWords) -> str | None:
    """The organisation an attribution phrase names: its acronym ("states PLATFORMA in a
    reaction", "CEMR highlights") or a word standing for one ("the organisation"), else
    None."""
    text = " ".join(phrase.strip(" ,:").split())
    folded = text.lower().replace("’", "'")
    for reference in sorted(words.organisation_references, key=len, reverse=True):
        if folded == reference.replace("’", "'") or folded.startswith(
                reference.replace("’", "'") + " "):
            return reference
    first = bare_token(text.split()[0]) if text.split() else ""
    bare = first.removesuffix("'s").removesuffix("’s")
    if len(bare) >= MIN_ACRONYM and is_acronym(bare):
        return bare
    return None


def is_name_token(token: str, words: QuoteWords) -> bool:
    """A capitalised word that can be part of a person's name."""
    bare = bare_token(token)
    if not bare or not bare[0].isupper() or is_acronym(bare):
        return False
    lowered = bare.lower()
    if lowered.startswith(words.elided_articles):
        return False  # "L'organisation", "L’eurodéputée": an article glued to a noun
    return lowered not in words.role_nouns and lowered not in words.articles and \
        lowered not in words.honorifics and lowered not in words.organisations and \
        lowered.rpartition("-")[2] not in words.role_nouns  # "Co-President", "Vice-Mayor"


def has_role_noun(text: str, words: QuoteWords) -> bool:
    """Whether ``text`` holds a role noun, hyphenated ones too ("Co-President")."""
    return any(word in words.role_nouns or word.rpartition("-")[2] in words.role_nouns
               for word in re.findall(r"[\w-]+", text.lower()))


def strip_honorifics(text: str, words: QuoteWords) -> str:
    """``text`` without leading honorifics, when a capitalised name follows them
    ("Mr. Guri" -> "Guri", "Councillor Aoife Brennan"; "Mayor of Brno" stays)."""
    tokens = text.split()
    while len(tokens) > 1 and tokens[0].lower() in words.honorifics and \
            is_name_token(tokens[1], words):
        tokens = tokens[1:]
    return " ".join(tokens)


def is_name(text: str, words: QuoteWords) -> bool:
    """A person's name: one to five tokens, capitalised or particles, none a role noun,
    starting and ending with a capitalised one."""
    tokens = strip_honorifics(text, words).split()
    if not 1 <= len(tokens) <= 5 or not is_name_token(tokens[0], words):
        return False
    capitalised = 0
    for token in tokens:
        if is_name_token(token, words):
            capitalised += 1
        elif bare_token(token).lower() not in words.particles:
            return False
    return capitalised >= 1 and is_name_token(tokens[-1], words)


def clean_role(role: str, words: QuoteWords) -> str | None:
    """The role without leading article, trailing circumstances or punctuation."""
    role = role.strip(" ,;:.")
    folded = role.casefold()
    for stop in words.role_stops:
        position = folded.find(stop)
        if position > 0:
            role, folded = role[:position], folded[:position]
    role = role.strip(" ,;:.")
    for conjunction in words.conjunctions:
        if role.lower().startswith(conjunction + " "):
            role = role[len(conjunction) + 1:]
            break
    lowered = role.lower().replace("’", "'")
    for article in words.articles:
        if article.endswith("'") and lowered.startswith(article):
            role = role[len(article):]
            break
        if lowered.startswith(article + " "):
            role = role[len(article) + 1:]
            break
    role = role.strip(" ,;:.")
    return role or None


_NESTING_MARKS = frozenset('“«(”»)"')
"""Marks inside which a comma does not split a part (:func:`split_parts`)."""


def split_parts(text: str) -> list[str]:
    """Comma-separated parts; commas inside quote marks or brackets do not split."""
    if not _NESTING_MARKS.intersection(text):  # most attributions: every comma splits
        return [part for piece in text.split(",") if (part := piece.strip())]
    return _split_outside_marks(text)


def _split_outside_marks(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    straight_open = False
    for char in text:
        if char in "“«(":
            depth += 1
        elif char in "”»)" and depth:
            depth -= 1
        elif char == '"':
            straight_open = not straight_open
        if char == "," and depth == 0 and not straight_open:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def split_glued(part: str, words: QuoteWords) -> tuple[str | None, str | None]:
    """A part holding a name and a role with no comma between them: "CEMR President
    Stefano Albertini", "Lena Marttinen CEMR Gender Officer"."""
    tokens = _TOKEN.findall(part)
    # Role first, name last: the trailing run of name tokens (not starting with a particle).
    run = 0
    while run < len(tokens) and (is_name_token(tokens[-1 - run], words)
                                 or (bare_token(tokens[-1 - run]).lower() in words.particles and run)):
        run += 1
    while run and not is_name_token(tokens[len(tokens) - run], words):
        run -= 1
    if run >= 2 and run < len(tokens) and \
            tokens[len(tokens) - run - 1].lower() in words.articles:
        run = 0  # "a representative of the European External Action Service": a body
    if run >= 2 and run < len(tokens) and \
            tokens[len(tokens) - run - 1].lower() in words.role_connectors:
        # "... Foreign Affairs and Security Policy Josep Borrell": the capitalised words
        # after a connector are the role's; a name is the last two ("Knowledge Strategy"
        # alone is the end of a role, no name)
        run = 2 if run > 2 else 0
    if 2 <= run < len(tokens):
        before = tokens[: len(tokens) - run]
        if before[-1].lower() in words.places:
            # "Mayor of Dąbrowa Leśna" is a place; "Commissioner for Cohesion Ana Lobo" ends
            # in a name after the place.
            before, run = before + tokens[len(tokens) - run: len(tokens) - 2], 2 if run > 2 else 0
        role = " ".join(before)
        if run and run <= 4 and has_role_noun(role, words):
            return " ".join(tokens[len(tokens) - run:]), role
    # Name first, role after: the leading run of name tokens.
    run = 0
    while run < len(tokens) and is_name_token(tokens[run], words):
        run += 1
    if 2 <= run < len(tokens) and has_role_noun(" ".join(tokens[run:]), words):
        run = 2 if run > 2 else run  # "Ruth Okafor Policy Adviser": the role's first word
        return " ".join(tokens[:run]), " ".join(tokens[run:])
    return None, None


def _without_circumstance(part: str, words: QuoteWords) -> str:
    """A part cut where a circumstance follows a name: "Congress Secretary General Andreas
    Kiefer at the PLATFORMAwards ceremony on 8 June" -> "... Andreas Kiefer" (not "Director
    at CEMR": a circumstance opens with an article or a number after its preposition)."""
    tokens = part.split()
    for index in range(2, len(tokens) - 1):
        following = tokens[index + 1].lower()
        if words.circumstance.match(tokens[index]) and is_name_token(tokens[index - 1], words) \
                and is_name_token(tokens[index - 2], words) \
                and (following in words.articles or following[:1].isdigit()):
            return " ".join(tokens[:index])  # after a name of two words at least
    return part


def split_who(phrase: str, words: QuoteWords) -> tuple[str | None, str | None]:
    """(speaker, role) of an attribution phrase; (None, None) when it names nobody."""
    parts = [_without_circumstance(part, words) for part in split_parts(phrase)
             if not words.circumstance.match(part)]
    names = [index for index, part in enumerate(parts) if is_name(part, words)]
    if not names:
        for part in parts:
            speaker, role = split_glued(part, words)
            if speaker is not None:
                return speaker, clean_role(role or "", words)
        roles = [part for part in parts if has_role_noun(part, words)]
        return None, clean_role(roles[-1], words) if roles else None
    index = names[-1] if len(names) > 1 and not has_role_noun(
        " ".join(parts[names[0] + 1: names[-1]]), words) else names[0]
    speaker = strip_honorifics(parts[index], words)
    before = parts[index - 1] if index > 0 else ""
    after = [part for part in parts[index + 1:]]
    role_parts: list[str] = []
    for part in after:  # NAME, ROLE[, ROLE...]: stop at what is no role (a verb phrase)
        if has_role_noun(part, words) or (part[:1].isupper() and not role_parts):
            role_parts.append(part)
        else:
            break
    earlier = [part for part in reversed(parts[:index]) if not _is_relative(part, words)]
    before = earlier[0] if earlier else ""  # "le maire de X, qui est aussi ..., NAME"
    if not role_parts and before and has_role_noun(before, words):
        role_parts = [before]  # the ROLE, NAME
    return speaker, clean_role(", ".join(role_parts), words) if role_parts else None


def _is_relative(part: str, words: QuoteWords) -> bool:
    """A relative clause ("who is also president of ...", "qui est aussi ..."): it describes
    a person, it is not the role written beside the name."""
    first = part.split()[0].lower() if part.split() else ""
    return first in words.relative_pronouns
