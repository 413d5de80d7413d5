"""Attributed direct quotes: who said what, in which capacity, over how many paragraphs.

Reads the body paragraphs in order, in three steps:

1. *Spans* (:mod:`scraper.extract.quote_marks`): quoted text, found by its marks across
   paragraphs.
2. *Attribution*, a sieve of rules (:data:`RULES`) from the most precise: after the closing mark (", declares NAME, ROLE." / ", he affirmed." /
   ", a-t-il souligné."), before the opening mark in the same sentence ("NAME, ROLE,
   stated:", "According to NAME, ROLE,", "As NAME puts it,", "said that the"), or in the
   paragraph before when it ends with ":". A statement after such a colon with no marks
   is a quote too, running over the following first-person paragraphs.
3. *Assembly*: an attribution in the middle ("“A,” declares X. “B”") makes one quote "A B";
   a fully quoted paragraph with no attribution of its own continues the quote before it.
4. *Resolution*: a pronoun, surname, "the organisation" or a role-only cue names the person
   or organisation the article introduced (:class:`~scraper.extract.speakers.Registry`).

Quoted titles, slogans and project names have no attribution, so they are not quotes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scraper.budget import check as check_budget
from scraper.lexicons.patterns import capital_class, words_alternation
from scraper.extract.quote_marks import (
    CLOSERS,
    MAX_CONTINUATION,
    OPENERS,
    Span,
    find_spans,
    mark_kind,
)
from scraper.extract.speakers import (
    organisation_speaker,
    QuoteWords,
    has_role_noun,
    is_name,
    quote_words,
    split_parts,
    split_who,
    strip_honorifics,
)
from scraper.extract.people import Registry
from scraper.records import Quote

MAX_OBJECT_WORDS = 4
"""At most this many words between an object-taking cue and its quote ("calls on EU
institutions “...”")."""
MAX_ATTRIBUTION_CHARS = 400
"""An attribution is read within this many characters of its quote (before or after it):
longer ones do not occur, and a paragraph of thousands of marks stays linear (issue 15)."""
MIN_QUOTE_WORDS = 3
"""Fewer words in quote marks are a quoted term, not speech ("“outstanding opportunity”")."""
_NAME_OR_MARK = capital_class('«“"')
"""A capital letter of any script, or an opening quote mark."""
_SENTENCE_BREAK = re.compile(rf"[.!?]\s+(?={_NAME_OR_MARK})")


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: str | None
    role: str | None
    cue: str
    end: int = -1
    """Offset in the paragraph where the attribution clause ends (after-attributions)."""
    rule: str = ""
    """The rule that read it (:data:`RULES`)."""


RULES = {
    "after": '", said NAME, ROLE." after the closing mark',
    "after-inverted": '", a-t-il souligné." after the closing mark (French inversion)',
    "after-subject": '", NAME said." after the closing mark (subject before the verb)',
    "after-organisation": '", states PLATFORMA" / ", says the organisation" after the quote',
    "before-source": '"According to NAME, ROLE:" before the quote',
    "before-manner": '"As NAME puts it," before the quote',
    "before-verb": '"NAME, ROLE, stressed:" before the quote',
    "before-organisation": '"CEMR highlights:" / "L\'organisation dénonce :" before the quote',
    "intro-paragraph": "a paragraph ending with a colon introduces the quote",
    "inside": '"« A, estime NAME, ROLE, B »": the attribution inside the quote',
    "next-cue": "a second cue of a quote joined to the one before",
    "statement": "a statement after a colon, with no quote marks",
    "statement-inline": "a statement after a colon in the same paragraph, no quote marks",
}
"""Every attribution rule, most precise first, as ``--explain`` names them."""


@dataclass(frozen=True, slots=True)
class QuoteReason:
    """Why a quote has its speaker and role (``--explain``)."""

    rule: str
    """The attribution rule (a key of :data:`RULES`)."""
    written: str | None
    """The speaker as the attribution writes it ("he", "Vallier"), before resolution."""
    resolved: str | None
    """How the written speaker became the record's: "pronoun", "surname", "role" (a
    role-only attribution naming the person the article introduced with that role) or
    None."""
    introduced_as: str | None
    """The role the article introduced the speaker with in its narration, if any (the
    record's role is the attribution's own, as written)."""


def _first_clause_end(text: str, words: QuoteWords) -> int:
    """Offset of the first "." ";" or ":" that ends a clause (not an honorific's)."""
    for match in re.finditer(r"[.;:!?](?=\s|$)", text):
        if match.group() == ".":
            before = text[: match.start()].split()
            last = before[-1].lower() if before else ""
            if f"{last}." in words.honorifics or (len(last) == 1 and last.isalpha()):
                continue
        return match.start()
    return len(text)


@functools.cache
def _joined_clause(conjunctions: tuple[str, ...] | frozenset[str]) -> re.Pattern[str]:
    """", while ", ", tandis que ": where a second clause joins an attribution's."""
    alternation = "|".join(re.escape(each) for each in conjunctions)
    return re.compile(rf",\s+(?:{alternation})\s" if alternation else "(?!)", re.IGNORECASE)


def _after(paragraph: str, end: int, words: QuoteWords) -> _Attribution | None:
    """Attribution after a closing mark: ", declares NAME, ROLE." / ", he affirmed."."""
    start = end + 1
    lead = re.match(r"[\s,.]*", paragraph[start:start + MAX_ATTRIBUTION_CHARS])
    start += lead.end() if lead else 0
    tail = paragraph[start:start + MAX_ATTRIBUTION_CHARS]  # work per quote stays bounded
    clause_end = _first_clause_end(tail, words)
    joined = _joined_clause(words.conjunctions).search(tail[:clause_end])
    if joined:  # "..., said X, while the ROLE, Y, warned:": X's clause ends at "while"
        clause_end = joined.start()
    clause = tail[:clause_end]
    inversion = words.inversion.match(clause)
    if inversion:
        pronoun = sorted(words.pronouns)[0]  # any pronoun: it resolves to the last person
        return _Attribution(pronoun, None, inversion.group(1), start + clause_end,
                            "after-inverted")
    verb = words.verb_pattern.match(clause)
    if verb:
        phrase = words.verb_adverbs.sub(" ", clause[verb.end():])
        if re.match(rf"\s*(?:{words_alternation(words.complementizers)})", phrase):
            return None  # "... said that “B”": the attribution of the next quote
        speaker, role = split_who(phrase.strip(" ,"), words)
        if speaker is None and role is None:
            organisation = organisation_speaker(phrase, words)
            return None if organisation is None else _Attribution(
                organisation, None, verb.group(1), start + clause_end, "after-organisation")
        return _Attribution(speaker, role, verb.group(1), start + clause_end, "after")
    found = words.verb_pattern.search(clause)
    if found and found.start() > 0:  # ", she also stressed": no adverb in the subject
        who = strip_honorifics(_subject(clause[: found.start()], words), words)
        rest = clause[found.end():].strip()
        if (who.lower() in words.pronouns or (len(who.split()) <= 3 and who[:1].isupper())) \
                and (not rest or rest.startswith(",")):
            speaker, role = split_who(who, words)
            speaker = speaker or (who if who.lower() in words.pronouns else None) or (
                None if role else organisation_speaker(who, words))
            if speaker is not None:
                return _Attribution(speaker, role, found.group(1), start + clause_end,
                                    "after-subject")
    return None


def _sentence_before(text: str, words: QuoteWords) -> str:
    """The last sentence of ``text`` (honorifics' and initials' full stops do not end one)."""
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        before = text[: match.start() + 1].split()
        last = before[-1].lower() if before else ""
        if last in words.honorifics or (len(last) == 2 and last[0].isalpha()):
            continue
        start = match.end()
    return text[start:]


def _before(head: str, words: QuoteWords, *, intro: bool = False) -> _Attribution | None:
    """Attribution ending where a quote begins: "NAME, ROLE, stated:", "According to NAME,",
    "As NAME puts it,", "Comme le souligne NAME,", "said that the". ``intro``: a whole
    paragraph ending with ":"."""
    head = head[-MAX_ATTRIBUTION_CHARS:]  # work per quote stays bounded
    last_close = max(head.rfind(mark) for mark in CLOSERS + '"')
    if last_close >= 0 and not intro:
        head = head[last_close + 1:]  # what precedes belongs to an earlier quote
    sentence = _sentence_before(head, words).strip()
    if not sentence:
        return None
    ends_with_colon = sentence.endswith(":")
    trimmed = re.sub(r"[\s,:]+$", "", sentence)
    lowered = trimmed.lower()
    for source in words.sources:
        if lowered.startswith(source + " "):
            if not (ends_with_colon or sentence.endswith(",") or intro):
                return None
            speaker, role = split_who(trimmed[len(source):], words)
            if speaker or role:
                return _Attribution(speaker, role, trimmed[: len(source)],
                                    rule="before-source")
    as_match = re.match(rf"(?:{words_alternation(words.manner)})\s+"
                        rf"(?:(?:{words_alternation(words.articles)})\s*)?(.*)$",
                        trimmed, re.IGNORECASE)
    verbs = list(words.verb_pattern.finditer(trimmed))
    if as_match and verbs:
        verb = verbs[-1]
        who = words.agent.sub("", trimmed[verb.end():]) if verb.start() <= \
            as_match.start(1) + 1 else trimmed[as_match.start(1): verb.start()]
        speaker, role = split_who(who.strip(" ,"), words)
        if speaker or role:
            return _Attribution(speaker, role, verb.group(1), rule="before-manner")
    for verb in reversed(verbs):
        after = trimmed[verb.end():]
        complementizer = words_alternation(words.complementizers)
        reported = re.search(rf"(?<!\w)(?:{complementizer})", after)
        close = re.fullmatch(rf"\s*(?:,?\s*(?:{complementizer})\s*)?"
                             rf"(?:(?:{words_alternation(words.articles)})\s*)?", after)
        takes_object = verb.group(1).lower() in words.object_verbs and \
            len(after.split()) <= MAX_OBJECT_WORDS
        if not (close or ends_with_colon or intro or reported or takes_object):
            continue
        subject = _subject(trimmed[: verb.start()], words)
        speaker, role = split_who(subject, words)
        rule = "before-verb"
        if speaker is None and role is None:
            last = trimmed[: verb.start()].strip(" ,").split(",")[-1].strip()
            if last.lower() in words.pronouns:
                speaker = last.lower()
            elif (organisation := organisation_speaker(subject.split(",")[-1], words)):
                speaker, rule = organisation, "before-organisation"
            else:
                continue
        return _Attribution(speaker, role, verb.group(1), rule=rule)
    return None


def _subject(text: str, words: QuoteWords) -> str:
    """The subject of a speech verb: the sentence up to it, without a trailing auxiliary or
    adverb ("has", "also")."""
    auxiliaries = words_alternation(words.auxiliaries)
    while True:
        shorter = re.sub(rf"\s+(?:{auxiliaries})\s*$", "", text.strip(" ,"), flags=re.IGNORECASE)
        if shorter == text.strip(" ,"):
            return shorter
        text = shorter


def _statement_paragraphs(paragraphs: Sequence[str], first: int,
                          words: QuoteWords) -> int:
    """How many paragraphs from ``first`` form an unmarked first-person statement."""
    count = 0
    for paragraph in paragraphs[first: first + MAX_CONTINUATION]:
        tokens = set(re.findall(r"[\w']+", paragraph.lower()))
        if any(mark in paragraph for mark in OPENERS + CLOSERS + '"') or paragraph.endswith(":"):
            break
        if count and not tokens & words.first_person:
            break
        count += 1
    return count


def _text_of(parts: list[str]) -> list[str]:
    """Parts without surrounding space, unbalanced outer marks and a trailing comma."""
    cleaned = []
    for part in parts:
        text = part.strip()
        while text[:1] in OPENERS and _balance(text) > 0:
            text = text[1:].strip()
        while text[-1:] in CLOSERS + '"' and _balance(text) < 0:
            text = text[:-1].strip()
        cleaned.append(text.rstrip(",").rstrip())
    return [text for text in cleaned if text]


def _balance(text: str) -> int:
    """Opening marks minus closing marks (curly and guillemets)."""
    return sum(text.count(mark) for mark in OPENERS) - sum(text.count(mark) for mark in CLOSERS)


def extract_quotes(paragraphs: Sequence[str],
                   languages: tuple[str, ...] = ("en", "fr")) -> tuple[Quote, ...]:
    """Attributed quotes of the body, in reading order."""
    return tuple(quote for quote, _ in explain_quotes(paragraphs, languages, explaining=False))


def explain_quotes(paragraphs: Sequence[str], languages: tuple[str, ...] = ("en", "fr"), *,
                   explaining: bool = True) -> tuple[tuple[Quote, QuoteReason], ...]:
    """:func:`extract_quotes`, each quote with the reason it has its speaker and role.

    Attribution is a sieve: the rules of :data:`RULES` are tried from the most to the least
    precise, each only where the earlier ones found nothing; then the speaker is resolved
    (a pronoun or surname to the person the article named) and, for a person's first quote
    whose attribution gives no role, the role the article introduced them with."""
    words = quote_words(languages)
    registry = Registry(words, paragraphs, explaining=explaining)
    spans = find_spans(paragraphs, words)
    quotes: list[tuple[Quote, QuoteReason]] = []
    used: set[int] = set()
    previous: tuple[Span, _Attribution] | None = None
    carried: dict[int, _Attribution] = {}
    for position, span in enumerate(spans):
        check_budget()
        if position in used:
            continue
        parts = list(span.parts)
        last_paragraph = paragraphs[span.last]
        attribution = _after(last_paragraph, span.end, words) if span.closed else None
        join_next = False
        if attribution is not None and attribution.end >= 0:
            rest = last_paragraph[attribution.end + 1:].lstrip()
            at = len(last_paragraph) - len(rest)
            following = spans[position + 1] if position + 1 < len(spans) else None
            if ((rest[:1] in OPENERS + '"' or (rest[:1] == "'" and mark_kind(
                    last_paragraph, at) == "open")) and following is not None
                    and following.first == span.last):
                join_next = True
        if attribution is None and position in carried:
            attribution = carried.pop(position)
        if attribution is None and span.start >= 0:
            attribution = _before(paragraphs[span.first][: span.start], words)
        if attribution is None and span.first > 0 and span.start <= 2 and (
                paragraphs[span.first - 1].rstrip().endswith(":")):
            attribution = _before(paragraphs[span.first - 1], words, intro=True)
            if attribution is not None:
                attribution = replace(attribution, rule="intro-paragraph")
        if attribution is None and span.first == span.last:
            incise = _incise(parts[0], words)  # « A, estime NAME, ROLE, B »
            if incise is not None:
                parts, attribution = [incise[0]], incise[1]
        if attribution is None and previous is not None and _continues(span, previous[0],
                                                                       paragraphs, words):
            quotes[-1] = (_extend(quotes[-1][0], _text_of(parts), span), quotes[-1][1])
            previous = (span, previous[1])
            continue
        if attribution is None:
            continue
        count = span.last - span.first + 1
        speaker = registry.resolve(_person(attribution.speaker, words), span.first)
        index = position
        while join_next:
            # “A,” declares X. “B”: one quote. A later cue by the same person (“C,” observes
            # SURNAME. “D”) continues it; another person's cue belongs to the next quote.
            following = spans[index + 1]
            used.add(index + 1)
            parts = [*parts[:-1], _joined(parts[-1], following.parts[0]), *following.parts[1:]]
            count += following.last - following.first
            index += 1
            span, join_next = following, False
            second = _after(paragraphs[span.last], span.end, words) if span.closed else None
            if second is None or index + 1 >= len(spans) or spans[index + 1].first != span.last:
                break
            if registry.resolve(_person(second.speaker, words), span.last) == speaker:
                join_next = True
            else:
                carried[index + 1] = replace(second, rule="next-cue")
        texts = _text_of(parts)
        if not texts or len(" ".join(texts).split()) < MIN_QUOTE_WORDS:
            continue  # a scare-quoted term (the so-called “renationalisation”) says nothing
        quotes.append(_attributed("\n\n".join(texts), attribution, speaker, count,
                                  span.first, words, registry))
        previous = (span, attribution)
    return tuple(_with_statements(paragraphs, quotes, spans, words, registry))


def _attributed(text: str, attribution: _Attribution, speaker: str | None, count: int,
                paragraph: int, words: QuoteWords, registry: Registry
                ) -> tuple[Quote, QuoteReason]:
    """The quote and its reason. The role is the attribution's, as written (DESIGN's
    contract); the role the article introduced the person with is named in the reason."""
    written = attribution.speaker
    resolved = None if speaker is None or written is None or speaker == written else (
        "pronoun" if written.lower() in words.pronouns else "surname")
    if speaker is None and attribution.role:  # "the mayor", "CEMR's Secretary General"
        speaker = registry.person_with_role(attribution.role, paragraph)
        resolved = "role" if speaker else None
    # Only asked when explaining: finding introductions scans the article's narration.
    introduced = registry.introduced_role(speaker, paragraph) \
        if speaker and registry.explaining else None
    return (Quote(text=text, speaker=speaker, role=attribution.role, cue=attribution.cue,
                  paragraphs=count),
            QuoteReason(attribution.rule, written, resolved, introduced))


def _incise(text: str, words: QuoteWords) -> tuple[str, _Attribution] | None:
    """An attribution inside the marks: "A, estime NAME, ROLE, B" -> ("A B", attribution)."""
    for match in re.finditer(r",\s+", text):
        verb = words.verb_pattern.match(text, match.end())
        if verb is None:
            continue
        parts = split_parts(text[verb.end():])
        taken = 0
        while taken < len(parts) and (is_name(parts[taken], words)
                                      or has_role_noun(parts[taken], words)):
            taken += 1
        if not taken or taken == len(parts):
            continue
        speaker, role = split_who(", ".join(parts[:taken]), words)
        if speaker is None and role is None:
            continue
        rest = ", ".join(parts[taken:])
        return f"{text[: match.start()]} {rest}", _Attribution(speaker, role, verb.group(1),
                                                               rule="inside")
    return None


def _joined(first: str, second: str) -> str:
    """Two parts of one quote around a mid attribution, joined by a space."""
    return " ".join(text for text in _text_of([first]) + _text_of([second]))


def _person(speaker: str | None, words: QuoteWords) -> str | None:
    if speaker is None:
        return None
    return speaker.lower() if speaker.lower() in words.pronouns else speaker


def _continues(span: Span, before: Span, paragraphs: Sequence[str],
               words: QuoteWords) -> bool:
    """A fully quoted paragraph right after an attributed quote, with no attribution of its
    own, continues that quote."""
    paragraph = paragraphs[span.first].strip()
    return (span.first == before.last + 1 and span.start <= 2
            and (not span.closed or span.end >= len(paragraph.rstrip(" .")) - 2))


def _extend(quote: Quote, texts: list[str], span: Span) -> Quote:
    return quote.model_copy(update={
        "text": "\n\n".join([quote.text, *texts]),
        "paragraphs": quote.paragraphs + span.last - span.first + 1,
    })


_INLINE_COLON = re.compile(rf"\s?:\s+(?={capital_class()})")
"""A statement's colon inside its paragraph: "NAME declared: The ..."."""


def _with_statements(paragraphs: Sequence[str], quotes: list[tuple[Quote, QuoteReason]],
                     spans: list[Span], words: QuoteWords, registry: Registry
                     ) -> list[tuple[Quote, QuoteReason]]:
    """Add statements introduced by a colon with no quote marks, in reading order."""
    quoted = {number for span in spans for number in range(span.first, span.last + 1)}
    found: list[tuple[int, tuple[Quote, QuoteReason]]] = []
    for number, paragraph in enumerate(paragraphs):
        if number in quoted:
            continue
        inline = _INLINE_COLON.search(paragraph) if ":" in paragraph else None
        if paragraph.rstrip().endswith(":") and number + 1 < len(paragraphs) \
                and number + 1 not in quoted:
            count = _statement_paragraphs(paragraphs, number + 1, words)
            attribution = _before(paragraph, words, intro=True) if count else None
            if attribution is not None and _ends_with_verb(paragraph, words):
                texts = [text.strip() for text in paragraphs[number + 1: number + 1 + count]]
                found.append((number, _attributed(
                    "\n\n".join(texts), replace(attribution, rule="statement"),
                    registry.resolve(_person(attribution.speaker, words), number), count,
                    number, words, registry)))
        elif inline and len(paragraph[inline.end():].split()) >= 6:
            head = paragraph[: inline.start() + 1]
            attribution = _before(head, words, intro=True)
            if attribution is not None and _ends_with_verb(head, words):
                found.append((number, _attributed(
                    paragraph[inline.end():].strip(), replace(attribution,
                                                              rule="statement-inline"),
                    registry.resolve(_person(attribution.speaker, words), number), 1,
                    number, words, registry)))
    if not found:
        return quotes
    starts = {id(pair): _quote_position(pair[0], paragraphs) for pair in quotes}
    merged = [(starts[id(pair)], pair) for pair in quotes] + found
    return [pair for _, pair in sorted(merged, key=lambda each: each[0])]


def _ends_with_verb(paragraph: str, words: QuoteWords) -> bool:
    """The intro ends with its speech verb ("declared:", "a conclu :") or is a source
    phrase ("According to NAME, ROLE:", "Selon NAME :")."""
    trimmed = re.sub(r"[\s:]+$", "", paragraph)
    sentence = _sentence_before(trimmed, words).lower()
    if any(sentence.startswith(source + " ") for source in words.sources):
        return True
    last = list(words.verb_pattern.finditer(trimmed))
    return bool(last) and not trimmed[last[-1].end():].strip()


def _quote_position(quote: Quote, paragraphs: Sequence[str]) -> int:
    head = quote.text.split("\n\n")[0][:40]
    for number, paragraph in enumerate(paragraphs):
        if head and head in paragraph:
            return number
    return len(paragraphs)
