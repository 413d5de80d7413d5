"""Attributed direct quotes: who said what, in which capacity.

Reads body paragraphs in order. A quote is text inside quote marks (“ ” " " « ») with an
attribution: in the paragraph before it when that ends in ":" ("According to NAME, ROLE:",
"..., the ROLE, NAME, stressed ...:"), or next to it ("“...,” said NAME, ROLE.", "NAME, ROLE,
stated: “...”", "« ... », déclare le ROLE, NAME."). A quote may run over several paragraphs:
the first opens a mark that a later one closes, or (French) each paragraph is reopened with
« ». Names and roles are told apart by capitalisation and the lexicons' role nouns;
honorifics and leading articles are dropped; a surname or pronoun resolves to the full name
given earlier. Quoted titles and project names (no speech verb, no colon) are not quotes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from scraper.models import Quote
from scraper.profile import load_lexicon

OPENING = "“\"«„‘"
CLOSING = "”\"»“’"
_SPAN = re.compile(r"([“\"«„])\s*(.+?)\s*([”\"»“])")
_PARTICLES = frozenset({"de", "van", "von", "der", "den", "di", "da", "du", "la", "le", "del",
                        "dos", "das", "ter", "zu", "af", "y", "i", "al", "el", "bin"})


@dataclass(frozen=True, slots=True)
class _Words:
    verbs: tuple[str, ...]
    sources: tuple[str, ...]
    honorifics: frozenset[str]
    role_nouns: frozenset[str]
    articles: tuple[str, ...]
    pronouns: frozenset[str]


@functools.cache
def _words(languages: tuple[str, ...]) -> _Words:
    verbs: set[str] = set()
    sources: set[str] = set()
    honorifics: set[str] = set()
    roles: set[str] = set()
    articles: set[str] = set()
    pronouns: set[str] = set()
    for language in languages:
        lexicon = load_lexicon(language)
        if lexicon is None:
            continue
        verbs.update(lexicon.words.speech_verbs)
        sources.update(lexicon.words.source_phrases)
        honorifics.update(lexicon.words.honorifics)
        roles.update(lexicon.words.role_nouns)
        articles.update(lexicon.words.articles)
        pronouns.update(lexicon.words.pronouns)
    return _Words(
        verbs=tuple(sorted(verbs, key=len, reverse=True)),
        sources=tuple(sorted(sources, key=len, reverse=True)),
        honorifics=frozenset(honorifics),
        role_nouns=frozenset(roles),
        articles=tuple(sorted(articles, key=len, reverse=True)),
        pronouns=frozenset(pronouns),
    )


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: str | None
    role: str | None
    cue: str


def _strip_marks(text: str) -> str:
    text = text.strip()
    while text and text[0] in OPENING:
        text = text[1:].strip()
    while text and text[-1] in CLOSING:
        text = text[:-1].strip()
    return text


def _opens(text: str) -> bool:
    return bool(text) and text.lstrip()[:1] in OPENING


def _closes(text: str) -> bool:
    return bool(re.search(r"[”\"»“’]\s*[.,;!?]?\s*$", text))


def _find_verb(text: str, words: _Words) -> re.Match[str] | None:
    alternatives = "|".join(re.escape(verb) for verb in words.verbs)
    return re.search(rf"(?<!\w)({alternatives})(?!\w)", text, re.IGNORECASE)


def _is_name(part: str, words: _Words) -> bool:
    tokens = part.split()
    if not 1 <= len(tokens) <= 5:
        return False
    capitalised = 0
    for token in tokens:
        bare = token.strip(".,;:()")
        if not bare:
            return False
        if bare.lower() in words.role_nouns or bare.lower() in words.articles:
            return False
        if bare[0].isupper():
            capitalised += 1
        elif bare.lower() not in _PARTICLES:
            return False
    return capitalised >= 1


def _drop_honorific(name: str, words: _Words) -> str:
    tokens = name.split()
    while len(tokens) > 1 and tokens[0].lower() in words.honorifics:
        tokens = tokens[1:]
    return " ".join(tokens)


def _clean_role(role: str, words: _Words) -> str | None:
    role = role.strip(" ,;:.")
    lowered = role.lower()
    for article in words.articles:
        if lowered.startswith(article + " ") or (article.endswith("'") and lowered.startswith(article)):
            role = role[len(article):].strip()
            break
    return role or None


def _split_parts(text: str) -> list[str]:
    """Comma-separated parts, commas inside quote marks kept."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "“«":
            depth += 1
        elif char in "”»" and depth:
            depth -= 1
        elif char == '"':
            depth = 0 if depth else 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def _who(phrase: str, words: _Words) -> tuple[str | None, str | None]:
    """(speaker, role) from an attribution phrase such as "NAME, ROLE" or "the ROLE, NAME"."""
    parts = _split_parts(phrase)
    names = [index for index, part in enumerate(parts)
             if _is_name(_drop_honorific(part, words), words)]
    if not names:
        roles = [part for part in parts
                 if any(word in words.role_nouns for word in re.findall(r"[\w-]+", part.lower()))]
        return None, _clean_role(roles[-1], words) if roles else None
    index = names[0]
    # NAME first: the role is what follows; otherwise the role is the part before the name.
    if index == 0 or (index > 0 and not _has_role_noun(parts[index - 1], words)):
        if index > 0:
            index = names[-1]
        speaker = _drop_honorific(parts[index], words)
        role_parts = parts[index + 1 :]
        if index > 0 and not role_parts and _has_role_noun(parts[index - 1], words):
            role_parts = [parts[index - 1]]
        return speaker, _clean_role(", ".join(role_parts), words) if role_parts else None
    speaker = _drop_honorific(parts[index], words)
    return speaker, _clean_role(parts[index - 1], words)


def _has_role_noun(part: str, words: _Words) -> bool:
    return any(word in words.role_nouns for word in re.findall(r"[\w-]+", part.lower()))


def _intro_attribution(paragraph: str, words: _Words) -> _Attribution | None:
    """Attribution of a paragraph that ends in ":" and introduces a quote."""
    text = paragraph.strip()
    if not text.endswith(":"):
        return None
    text = text[:-1].strip()
    lowered = text.lower()
    for source in words.sources:
        position = lowered.find(source + " ")
        if position == 0 or (position > 0 and lowered[position - 1] in " ,"):
            if source == "as":
                continue
            rest = text[position + len(source) :].strip()
            speaker, role = _who(rest, words)
            if speaker or role:
                cue = text[position : position + len(source)]
                return _Attribution(speaker=speaker, role=role, cue=cue)
    verb = _find_verb(text, words)
    if verb is None:
        return None
    speaker, role = _who(text[: verb.start()].strip(" ,"), words)
    if speaker is None and role is None:
        return None
    return _Attribution(speaker=speaker, role=role, cue=verb.group(1))


def _first_clause(text: str, words: _Words) -> str:
    """``text`` up to the first ".", ";" or ":" that ends a clause; the full stop of an
    honorific ("Mr.", "M.") or an initial ("J.") does not."""
    for match in re.finditer(r"[.;:](?=\s|$)", text):
        if match.group() == ".":
            before = text[: match.start()].split()
            last = before[-1].lower() if before else ""
            if f"{last}." in words.honorifics or (len(last) == 1 and last.isalpha()):
                continue
        return text[: match.start()]
    return text


def _after_attribution(rest: str, words: _Words) -> _Attribution | None:
    """Attribution after a closing mark: ", said NAME, ROLE." / ", déclare le ROLE, NAME."."""
    match = re.match(r"^\s*[,.]?\s*", rest)
    tail = rest[match.end() if match else 0 :]
    verb = _find_verb(tail[:40], words)
    if verb is None or verb.start() > 2:
        return None
    phrase = _first_clause(tail[verb.end() :], words)
    speaker, role = _who(phrase.strip(" ,"), words)
    if speaker is None and role is None:
        return None
    return _Attribution(speaker=speaker, role=role, cue=verb.group(1))


def _before_attribution(head: str, words: _Words) -> _Attribution | None:
    """Attribution before an opening mark: "NAME, ROLE, stated:"."""
    alternatives = "|".join(re.escape(verb) for verb in words.verbs)
    verbs = list(re.finditer(rf"(?<!\w)({alternatives})(?!\w)", head, re.IGNORECASE))
    if not verbs or head[verbs[-1].end():].strip(" ,:"):
        return None
    verb = verbs[-1]
    speaker, role = _who(head[: verb.start()].strip(" ,"), words)
    if speaker is None and role is None:
        return None
    return _Attribution(speaker=speaker, role=role, cue=verb.group(1))


class _Speakers:
    """Full names seen so far, for surnames and pronouns that come back later."""

    def __init__(self, words: _Words) -> None:
        self.words = words
        self.names: list[str] = []

    def resolve(self, attribution: _Attribution) -> _Attribution:
        speaker = attribution.speaker
        if speaker is None:
            return attribution
        if speaker.lower() in self.words.pronouns:
            return _Attribution(self.names[-1] if self.names else None, attribution.role,
                                attribution.cue)
        for name in reversed(self.names):
            if len(speaker.split()) == 1 and name.split()[-1] == speaker:
                return _Attribution(name, attribution.role, attribution.cue)
        self.names.append(speaker)
        return attribution


def extract_quotes(paragraphs: list[str] | tuple[str, ...],
                   languages: tuple[str, ...] = ("en", "fr")) -> tuple[Quote, ...]:
    """Attributed quotes of the body, in reading order."""
    words = _words(languages)
    speakers = _Speakers(words)
    quotes: list[Quote] = []
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index].strip()
        if _opens(paragraph):
            end = index
            while not _closes(paragraphs[end]) and end + 1 < len(paragraphs):
                end += 1
            # French style: following paragraphs reopened and closed with « ».
            while (end + 1 < len(paragraphs) and _opens(paragraphs[end + 1])
                   and _closes(paragraphs[end + 1]) and _strip_marks(paragraphs[end + 1])
                   and _find_verb(_outside_marks(paragraphs[end + 1]), words) is None
                   and index > 0 and paragraphs[index - 1].rstrip().endswith(":")):
                end += 1
            span = [paragraph] + [text.strip() for text in paragraphs[index + 1 : end + 1]]
            attribution = None
            last = span[-1]
            closing = _last_closing(last)
            if closing is not None and last[closing + 1 :].strip(" .,"):
                attribution = _after_attribution(last[closing + 1 :], words)
                if attribution is not None:
                    span[-1] = last[: closing + 1]
            if attribution is None and index > 0:
                attribution = _intro_attribution(paragraphs[index - 1], words)
            if attribution is not None:
                quotes.append(_make_quote(span, speakers.resolve(attribution)))
                index = end + 1
                continue
        for quote in _inline_quotes(paragraph, words, speakers):
            quotes.append(quote)
        index += 1
    return tuple(quotes)


def _outside_marks(text: str) -> str:
    return _SPAN.sub(" ", text)


def _last_closing(text: str) -> int | None:
    for position in range(len(text) - 1, -1, -1):
        if text[position] in "”»" or (text[position] == '"' and position > 0):
            return position
    return None


def _make_quote(span: list[str], attribution: _Attribution) -> Quote:
    texts = [_strip_marks(part.rstrip().rstrip(",")) for part in span]
    texts = [text.rstrip(",") if text.endswith(",") else text for text in texts]
    return Quote(
        text="\n\n".join(text for text in texts if text),
        speaker=attribution.speaker,
        role=attribution.role,
        cue=attribution.cue,
        paragraphs=len([text for text in texts if text]),
    )


def _inline_quotes(paragraph: str, words: _Words, speakers: _Speakers) -> list[Quote]:
    quotes: list[Quote] = []
    for match in _SPAN.finditer(paragraph):
        inner = match.group(2).strip()
        if len(inner.split()) < 4:
            continue  # a title, a slogan, a scare quote
        attribution = _after_attribution(paragraph[match.end() :], words)
        if attribution is None:
            head = paragraph[: match.start()].rstrip()
            if head.endswith((":", ",")):
                attribution = _before_attribution(head.rstrip(":,").rstrip(), words)
        if attribution is None:
            continue
        quotes.append(_make_quote([inner], speakers.resolve(attribution)))
    return quotes
