"""Attributed direct quotes: text without outer marks, speaker without honorifics, role
without its article, the cue as written, paragraphs counted (DESIGN.md, `quotes`)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.extract import speakers
from scraper.extract import quotes as quotes_module
from scraper.extract.quote_marks import MAX_SPANS, find_spans
from scraper.extract.quotes import extract_quotes

Row = tuple[str, str | None, str | None, str | None, int]
"""(text, speaker, role, cue, paragraphs) of one quote."""

def _quotes(paragraphs: list[str]) -> list[Row]:
    return [(quote.text, quote.speaker, quote.role, quote.cue, quote.paragraphs)
            for quote in extract_quotes(paragraphs)]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # The seed patterns: an intro paragraph ending in ":" and the quote after it
        pytest.param(["According to Anna Berg, Mayor of Umeå:", "“Towns need stable budgets.", "Without them nothing works.”"],
                     [("Towns need stable budgets.\n\nWithout them nothing works.", "Anna Berg", "Mayor of Umeå", "According to", 2)],
                     id="en-according-to-two-paragraphs"),
        pytest.param(["According to Anna Berg, Mayor of Umeå:", "“Towns need stable budgets to plan.”"],
                     [("Towns need stable budgets to plan.", "Anna Berg", "Mayor of Umeå", "According to", 1)],
                     id="en-according-to-one-paragraph"),
        pytest.param(["Opening the day, the CEMR Secretary General, Fabrizio Rossi, stressed their role:", "“Towns are the first responders.”"],
                     [("Towns are the first responders.", "Fabrizio Rossi", "CEMR Secretary General", "stressed", 1)],
                     id="en-role-before-name"),
        pytest.param(["Opening the day, the CEMR Secretary General, Mr. Fabrizio Rossi, stressed their role:", "“Towns are the first responders.”"],
                     [("Towns are the first responders.", "Fabrizio Rossi", "CEMR Secretary General", "stressed", 1)],
                     id="en-role-before-mr-name"),
        # Attribution in the same paragraph
        pytest.param(['Jan Novak, Mayor of Brno, stated: "Cohesion policy is for all regions."'],
                     [("Cohesion policy is for all regions.", "Jan Novak", "Mayor of Brno", "stated", 1)],
                     id="en-name-role-stated-colon"),
        pytest.param(["“Twinning is the backbone of Europe,” said Anna Berg, Mayor of Umeå."],
                     [("Twinning is the backbone of Europe", "Anna Berg", "Mayor of Umeå", "said", 1)],
                     id="en-said-after-quote"),
        pytest.param(['"Local democracy needs resources and trust," said CEMR President.'],
                     [("Local democracy needs resources and trust", None, "CEMR President", "said", 1)],
                     id="en-role-only"),
        pytest.param(["Anna Berg goes on to say: “Towns need stable budgets to plan.”"],
                     [("Towns need stable budgets to plan.", "Anna Berg", None, "goes on to say", 1)],
                     id="en-goes-on-to-say"),
        # French
        pytest.param(["« Les communes doivent être associées à la relance », déclare le Secrétaire général du CCRE, Paul Roy."],
                     [("Les communes doivent être associées à la relance", "Paul Roy", "Secrétaire général du CCRE", "déclare", 1)],
                     id="fr-declare-role-name"),
        pytest.param(["Selon Marie Dupont, présidente de la commission :", "« Il faut des moyens pour les communes. »", "« Sans eux, rien ne change. »"],
                     [("Il faut des moyens pour les communes.\n\nSans eux, rien ne change.", "Marie Dupont", "présidente de la commission", "Selon", 2)],
                     id="fr-selon-reopened-paragraphs"),
        pytest.param(["Jean Martin, maire de Lyon, a souligné : « La ville doit rester accessible à tous. »"],
                     [("La ville doit rester accessible à tous.", "Jean Martin", "maire de Lyon", "a souligné", 1)],
                     id="fr-name-role-a-souligne"),
        # Honorifics are not part of the speaker
        pytest.param(['Ms. Anna Berg, Mayor of Umeå, stated: "Towns need stable budgets to plan."'],
                     [("Towns need stable budgets to plan.", "Anna Berg", "Mayor of Umeå", "stated", 1)],
                     id="en-ms-dot-before"),
        pytest.param(["“Twinning is the backbone of Europe,” said Mr Jan Novak, Mayor of Brno."],
                     [("Twinning is the backbone of Europe", "Jan Novak", "Mayor of Brno", "said", 1)],
                     id="en-mr-no-dot-after"),
        pytest.param(["Mme Marie Dupont, présidente de la commission, a souligné : « Il faut des moyens pour les communes. »"],
                     [("Il faut des moyens pour les communes.", "Marie Dupont", "présidente de la commission", "a souligné", 1)],
                     id="fr-mme-before"),
        pytest.param(["« Les communes doivent être associées à la relance », a déclaré Mme Marie Dupont, présidente de la commission."],
                     [("Les communes doivent être associées à la relance", "Marie Dupont", "présidente de la commission", "a déclaré", 1)],
                     id="fr-mme-after"),
        pytest.param(["“Twinning is the backbone of Europe,” said Mr. Jan Novak, Mayor of Brno."],
                     [("Twinning is the backbone of Europe", "Jan Novak", "Mayor of Brno", "said", 1)],
                     id="en-mr-dot-after"),
        pytest.param(["« Les communes doivent être associées à la relance », a déclaré M. Paul Roy, secrétaire général du CCRE."],
                     [("Les communes doivent être associées à la relance", "Paul Roy", "secrétaire général du CCRE", "a déclaré", 1)],
                     id="fr-m-dot-after"),
        # A statement introduced by a colon, with no marks at all
        pytest.param(["According to Anna Berg, Mayor of Umeå:", "Towns need stable budgets to plan their investments."],
                     [("Towns need stable budgets to plan their investments.", "Anna Berg", "Mayor of Umeå", "According to", 1)],
                     id="en-colon-no-marks"),
    ],
)
def test_quote(paragraphs: list[str], expected: list[Row]) -> None:
    assert _quotes(paragraphs) == expected


@pytest.mark.parametrize(
    "paragraphs",
    [
        pytest.param(["The project “Cities for Equality” brings together twelve towns."], id="en-project-title"),
        pytest.param(["Le projet « La ville pour l'égalité » réunit douze communes."], id="fr-project-title"),
        pytest.param(["The report “Local Governments in Europe: Structures and Competences” was presented by Anna Berg."],
                     id="en-long-report-title"),
        pytest.param(["Anna Berg insisted that local authorities must be heard."], id="en-indirect-insisted-that"),
        pytest.param(["Anna Berg called on the Member States to respect local self-government."], id="en-indirect-called-on"),
        pytest.param(["Marie Dupont a insisté sur le fait que les communes doivent être entendues."], id="fr-indirect"),
    ],
)
def test_not_a_quote(paragraphs: list[str]) -> None:
    assert _quotes(paragraphs) == []


def test_surname_resolves_to_full_name_given_earlier() -> None:
    paragraphs = ['Anna Berg, Mayor of Umeå, stated: "Towns need stable budgets to plan."',
                  "“Without them nothing works in the long run,” added Berg."]
    assert [(quote.speaker, quote.role) for quote in extract_quotes(paragraphs)] == [
        ("Anna Berg", "Mayor of Umeå"), ("Anna Berg", None)]


def test_pronoun_resolves_to_full_name_given_earlier() -> None:
    paragraphs = ['Anna Berg, Mayor of Umeå, stated: "Towns need stable budgets to plan."',
                  "“Without them nothing works in the long run,” she added."]
    assert [(quote.speaker, quote.cue) for quote in extract_quotes(paragraphs)] == [
        ("Anna Berg", "stated"), ("Anna Berg", "added")]


def test_attribution_in_the_middle_gives_one_quote() -> None:
    paragraphs = ["“Twinning is the backbone of Europe,” declares Anna Berg. “It builds trust between people.”"]
    quotes = extract_quotes(paragraphs)
    assert [(quote.speaker, quote.cue) for quote in quotes] == [("Anna Berg", "declares")]
    assert quotes[0].text.startswith("Twinning is the backbone of Europe")
    assert quotes[0].text.endswith(" It builds trust between people.")


@given(st.text(st.sampled_from(' ,abc“”«»()"\n'), max_size=30))
def test_parts_split_as_the_mark_aware_split_does(text: str) -> None:
    """split_parts' shortcut (no quote mark or bracket: split at every comma) agrees with
    the mark-aware split on every text."""
    assert speakers.split_parts(text) == speakers._split_outside_marks(text)


@pytest.mark.parametrize("name", ["Łukasz Nowak", "Šimon Novák", "Øystein Berg",
                                  "Şükrü Yılmaz", "Ólafur Jónsson", "Ἀλέξης Παππάς"])
@pytest.mark.parametrize("paragraph", [
    "The visit ended. {name}, mayor of Lublin, said: “We will rebuild the school.”",
    "“We will rebuild the school,” said {name}, mayor of Lublin.",
    "According to {name}, mayor of Lublin: “We will rebuild the school.”",
])
def test_names_start_with_a_capital_of_any_script(name: str, paragraph: str) -> None:
    quotes = extract_quotes((paragraph.format(name=name),), ("en",))
    assert [(quote.speaker, quote.role) for quote in quotes] == [(name, "mayor of Lublin")]


def test_a_capitalised_speaker_starts_after_an_unclosed_quote_in_any_script() -> None:
    """A quote left open is cut where ", said NAME" starts, NAME in any script."""
    quotes = extract_quotes(("“We will rebuild the school, said Łukasz Nowak, mayor of "
                             "Lublin.",), ("en",))
    assert [(quote.text, quote.speaker) for quote in quotes] == [
        ("We will rebuild the school", "Łukasz Nowak")]


@pytest.mark.parametrize(("paragraphs", "expected"), [
    (("“Decentralised cooperation is one important tool to guarantee local governments’ role,”"
      " states PLATFORMA in a reaction to the joint communication.",), [("PLATFORMA", None)]),
    (("CEMR warns that this transformation must not impose new burdens.",
      "“European initiatives must support, not sideline, local governments,” says the "
      "organisation.",), [("CEMR", None)]),
    (("PLATFORMA welcomed the text. The umbrella organisation however calls on EU "
      "institutions “to remain particularly vigilant on local democracy and governance.”",),
     [("PLATFORMA", None)]),
    (("“Consultation is not a box to tick for anyone here,” said in substance a "
      "representative of the European External Action Service.",),
     [(None, "representative of the European External Action Service")]),
    (("As stated last week by Josep Borrell, High Representative for Foreign Affairs and "
      "Security Policy, “The Eastern Partnership is a success story.”",),
     [("Josep Borrell", "High Representative for Foreign Affairs and Security Policy")]),
    (("“International cooperation enables better coordination of relations,” stressed Congress"
      " Secretary General Andreas Kiefer at the PLATFORMAwards ceremony on 8 June 2020.",),
     [("Andreas Kiefer", "Congress Secretary General")]),
    (("PLATFORMA was represented by the CEMR spokesperson Linda Gillham, councillor of "
      "Runnymede. “The rules to access the available funds lack clarity,” she said.",),
     [("Linda Gillham", None)]),
    (("Frédéric Vallier, CEMR Secretary General, welcomed the move.",
      "CEMR's Secretary General underlined that the Congress must act. 'It is essential for "
      "local democracy to gain a solid footing in the new Europe.\"",),
     [("Frédéric Vallier", "CEMR's Secretary General")]),
    (("Le maire de Maroussi (Grèce), qui est aussi le président de notre association "
      "grecque (KEDE), Giorgios Patoulis, a expliqué la situation : « Les gouvernements "
      "locaux ne sont pas préparés à cette situation. »",),
     [("Giorgios Patoulis", "maire de Maroussi (Grèce)")]),
    (("Le CCRE a publié une déclaration. L’organisation dénonce la violence ciblant les "
      "civils :", "« Nous réaffirmons notre plein engagement à soutenir le peuple ukrainien. »"),
     [("CCRE", None)]),
], ids=["acronym-after", "the-organisation", "object-cue-umbrella-organisation",
        "adverb-and-article-body", "passive-agent-role-connectors", "circumstance-after-name",
        "titled-name-in-narration-pronoun", "role-only-resolves-mixed-marks",
        "relative-clause-is-no-role", "l-organisation-colon"])
def test_real_prose_shapes(paragraphs: tuple[str, ...],
                           expected: list[tuple[str | None, str | None]]) -> None:
    """Shapes met on real CEMR and PLATFORMA pages (fixtures/manifests/REAL.md)."""
    quotes = extract_quotes(paragraphs, ("en", "fr"))
    assert [(quote.speaker, quote.role) for quote in quotes] == expected


# Hostile input (issue 15, finding 1): thousands of marks in one paragraph ---------------

class _CountingPattern:
    """A compiled pattern that counts the characters its searches may scan."""

    def __init__(self, pattern: re.Pattern[str], counter: list[int]) -> None:
        self.pattern, self.counter = pattern, counter

    def match(self, text: str, *arguments: int) -> re.Match[str] | None:
        self.counter[0] += len(text)
        return self.pattern.match(text, *arguments)

    def search(self, text: str, *arguments: int) -> re.Match[str] | None:
        self.counter[0] += len(text)
        return self.pattern.search(text, *arguments)

    def finditer(self, text: str, *arguments: int) -> Iterator[re.Match[str]]:
        self.counter[0] += len(text)
        return self.pattern.finditer(text, *arguments)


def _scanned(paragraph: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """Characters the speech-verb pattern is given while the paragraph's quotes are read."""
    counter = [0]
    words = quotes_module.quote_words(("en", "fr"))
    counting = dataclasses.replace(words, verb_pattern=_CountingPattern(words.verb_pattern,
                                                                          counter))
    monkeypatch.setattr(quotes_module, "quote_words", lambda languages: counting)
    extract_quotes((paragraph,), ("en", "fr"))
    return counter[0]


@pytest.mark.parametrize("unit", ["“a” ", '"a b c" said X ', "« a » ",
                                  ", says Anna Berg, mayor of Lund. “a b c” "])
def test_quote_work_does_not_grow_with_the_square_of_the_marks(
        unit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every quote reads its attribution within a bounded window, and an article's quotes
    are bounded in number: ten times the marks cost at most about ten times the work (it
    was a hundred times: the verb pattern re-read the rest of the paragraph at each mark)."""
    small, large = _scanned(unit * 200, monkeypatch), _scanned(unit * 2000, monkeypatch)
    assert large <= 12 * small + 10_000


def test_a_paragraph_of_marks_holds_its_text_once() -> None:
    """100,000 straight marks: spans are bounded in number and never copy the paragraph's
    start again for each closing mark (that reached 4.8 GB)."""
    paragraph = '"' * 100_000
    spans = find_spans((paragraph,), quotes_module.quote_words(("en",)))
    assert len(spans) <= MAX_SPANS
    assert sum(len(part) for span in spans for part in span.parts) <= len(paragraph)
