"""The people and organisations of one article: who is named where, with which role, so that
a pronoun, a surname, "the organisation" or a role-only cue ("said CEMR President") names
the right one (:class:`Registry`). Narration is scanned only when a cue needs it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scraper.extract.speakers import (
    QuoteWords,
    after_conjunction,
    bare_token,
    split_glued,
    clean_role,
    fold,
    has_role_noun,
    is_name,
    is_name_token,
    split_parts,
    strip_honorifics,
)

_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z]{2,})(?![\w-])")
"""An organisation's acronym in running text (CEMR, CCRE, PLATFORMA)."""


def people_in(paragraph: str, words: QuoteWords) -> list[tuple[str, str | None]]:
    """People introduced in narration, with the role named beside them, if any ("NAME,
    ROLE, presented", "The ROLE, NAME, was elected", "La députée européenne NAME a répondu")."""
    found: list[tuple[str, str | None]] = []
    parts = split_parts(paragraph)
    for part in parts:
        for sentence in re.split(r"(?<=[.!?])\s+", part):
            head = " ".join(sentence.split()[:8])
            speaker, role = split_glued(head, words)
            if speaker is None:
                tokens = head.split()
                for size in range(len(tokens) - 1, 2, -1):
                    # A shorter head can only split as ROLE NAME (NAME ROLE failed on the
                    # whole head, and has fewer role words to find in a shorter one), so it
                    # must end in a name.
                    if not is_name_token(tokens[size - 1], words):
                        continue
                    speaker, role = split_glued(" ".join(tokens[:size]), words)
                    if speaker is not None:
                        break
            if speaker is not None and len(speaker.split()) >= 2:
                found.append((speaker, clean_role(role, words) if role else None))
    found += _titled_names(paragraph, words)
    for index, part in enumerate(parts):
        candidate = strip_honorifics(after_conjunction(words.conjunctions).sub("", part),
                                     words)
        tokens = candidate.split()
        if not (2 <= len(tokens) <= 5) or not is_name(candidate, words):
            continue
        before, after = parts[index - 1: index], parts[index + 1: index + 2]
        roles = [part for part in before if has_role_noun(part, words)] + [
            part for part in after if has_role_noun(part, words) and _opens_role(part, words)]
        if roles or any(has_role_noun(neighbour, words) for neighbour in before + after):
            found.append((candidate, clean_role(_last_phrase(roles[0]), words)
                          if roles else None))
    return found


MAX_NAME_TOKENS = 4


def _titled_names(paragraph: str, words: QuoteWords) -> list[tuple[str, str | None]]:
    """Names anywhere in a sentence right after a role noun or an honorific ("... by the
    CEMR spokesperson Linda Gillham, councillor of Runnymede", "Mr. Durmish Guri, the
    Director of ..."), with the role written before the name or the part after it."""
    found: list[tuple[str, str | None]] = []
    if words.titles.search(paragraph) is None:  # no role noun, no honorific: nobody titled
        return found
    for sentence in _sentences(paragraph, words):
        if words.titles.search(sentence) is None:
            continue
        tokens = sentence.split()
        for index, token in enumerate(tokens[:-2]):
            bare = bare_token(token).lower()
            if bare not in words.role_nouns and bare not in words.honorifics:
                continue
            run = 0
            while index + 1 + run < len(tokens) and run < MAX_NAME_TOKENS and (
                    is_name_token(tokens[index + 1 + run], words)
                    or (run and bare_token(tokens[index + 1 + run]).lower() in words.particles)):
                run += 1
                if tokens[index + run].endswith((",", ".", ";", ":")):
                    break
            while run and not is_name_token(tokens[index + run], words):
                run -= 1
            if run < 2:
                continue
            name = " ".join(bare_token(each) for each in tokens[index + 1: index + 1 + run])
            role = _role_before(tokens[: index + 1], words) if bare in words.role_nouns \
                else None
            if role is None:
                after = " ".join(tokens[index + 1 + run:])
                if tokens[index + run].endswith(",") and after:
                    part = split_parts(after)[0]
                    if has_role_noun(part, words) and _opens_role(part, words):
                        role = clean_role(part, words)
            found.append((name, role))
    return found


def _sentences(paragraph: str, words: QuoteWords) -> list[str]:
    """The sentences of a paragraph; an honorific's or an initial's full stop ends none."""
    found, start = [], 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=\S)", paragraph):
        before = paragraph[start: match.start()].split()
        last = before[-1].lower() if before else ""
        if last in words.honorifics or last.rstrip(".") in words.honorifics or (
                len(last) == 2 and last[0].isalpha()):
            continue
        found.append(paragraph[start: match.start()])
        start = match.end()
    return [*found, paragraph[start:]]


def _role_before(tokens: list[str], words: QuoteWords) -> str | None:
    """The role phrase ending with ``tokens`` (its role noun last): back over capitalised
    words, role nouns, connectors and bracketed acronyms, to an article or a lower-case word
    ("the Council of European Municipalities and Regions (CEMR) spokesperson")."""
    start = len(tokens) - 1
    while start > 0:
        previous = tokens[start - 1]
        bare = bare_token(previous)
        lowered = bare.lower()
        if lowered in words.articles or previous.endswith((",", ".", ";", ":")):
            break
        if not (bare[:1].isupper() or lowered in words.role_nouns
                or lowered in words.role_connectors or previous.startswith("(")):
            break
        start -= 1
    while start < len(tokens) - 1 and bare_token(tokens[start]).lower() in words.role_connectors:
        start += 1
    return clean_role(" ".join(tokens[start:]), words)


def _opens_role(part: str, words: QuoteWords) -> bool:
    """A part after a name that is its role ("the mayor of X"), not the rest of the sentence
    ("was elected president")."""
    first = part.split()[0].lower() if part.split() else ""
    return first in words.articles or first in words.role_nouns or part[:1].isupper()


def _last_phrase(part: str) -> str:
    """The last sentence of a part: a role beside a name in the next sentence ("... in
    Oslo. The mayor of Lund, NAME, ...") is "The mayor of Lund", not the part whole."""
    return re.split(r"(?<=[.!?])\s+", part)[-1]


def _role_words(role: str, words: QuoteWords, *, every: bool = False) -> set[str]:
    """The words that identify a role: its role nouns and capitalised words, folded
    ("CEMR's Secretary General" -> cemr, secretary, general); ``every``: all its words."""
    found = set()
    for token in re.findall(r"[\w-]+", role.replace("’s", "").replace("'s", "")):
        lowered = fold(token)
        if every or lowered in words.role_nouns or token[:1].isupper():
            found.add(lowered)
    return found - {fold(article) for article in words.articles}


class Registry:
    """People of one article and where they were last named, to resolve surnames and
    pronouns. Narration is scanned for names only when a pronoun or surname needs it."""

    def __init__(self, words: QuoteWords, paragraphs: Sequence[str], *,
                 explaining: bool = False) -> None:
        self.words = words
        self.explaining = explaining
        """Also find the roles people were introduced with (``--explain``)."""
        self.paragraphs = paragraphs
        self.seen: dict[str, float] = {}
        self.roles: dict[str, str] = {}
        """Full name -> the role the article first named the person with."""
        self.scanned = -1

    def note(self, name: str, position: float) -> None:
        if len(name.split()) >= 2 or name in self.seen:
            self.seen[name] = position

    def _scan(self, upto: int) -> None:
        for number in range(self.scanned + 1, min(upto, len(self.paragraphs) - 1) + 1):
            for person, role in people_in(self.paragraphs[number], self.words):
                self.seen[person] = max(self.seen.get(person, -1.0), float(number))
                if role:
                    self.roles.setdefault(person, role)
        self.scanned = max(self.scanned, upto)

    def last_organisation(self, paragraph: int) -> str | None:
        """The organisation last named by its acronym up to ``paragraph`` ("says the
        organisation" after "CEMR warns")."""
        for text in reversed(self.paragraphs[: paragraph + 1]):
            found = [match.group(1) for match in _ACRONYM.finditer(text)]
            if found:
                return found[-1]
        return None

    def person_with_role(self, role: str, paragraph: int) -> str | None:
        """The person the article introduced with ``role`` ("CEMR's Secretary General",
        "the mayor") up to ``paragraph``: the one whose introduced role holds every role
        noun and capitalised word of it, the most recently named if several."""
        self._scan(paragraph)
        wanted = _role_words(role, self.words)
        if not wanted:
            return None
        fitting = [name for name, introduced in self.roles.items()
                   if wanted <= _role_words(introduced, self.words, every=True)]
        return max(fitting, key=lambda name: self.seen.get(name, -1.0)) if fitting else None

    def introduced_role(self, name: str, paragraph: int) -> str | None:
        """The role the article gave ``name`` in narration up to ``paragraph``, if any."""
        self._scan(paragraph)
        return self.roles.get(name)

    def resolve(self, speaker: str | None, paragraph: int) -> str | None:
        """The full name a pronoun or surname in ``paragraph`` stands for (the most recently
        named person that fits); full names are kept as written."""
        if speaker is None:
            return None
        position = paragraph + 0.5  # a speaker comes after the narration of its paragraph
        if speaker in self.words.organisation_references:
            return self.last_organisation(paragraph)
        is_pronoun = speaker.lower() in self.words.pronouns
        if not is_pronoun and len(speaker.split()) > 1:
            self.note(speaker, position)
            return speaker
        self._scan(paragraph)
        if is_pronoun:
            return max(self.seen, key=lambda name: self.seen[name]) if self.seen else None
        wanted = fold(speaker)
        matches = [name for name in self.seen
                   if any(fold(token) == wanted for token in name.split()[1:])]
        if not matches:
            return speaker
        name = max(matches, key=lambda each: self.seen[each])
        self.note(name, position)
        return name


__all__ = ["Registry", "people_in"]
