"""`scraper extract --explain` and scraper.explain: each quote's rule and chosen speaker, each
date's rule and reference date, each removal's reason."""

from __future__ import annotations

from pathlib import Path

import pytest

import scraper
from scraper.cli import main
from scraper.extract.quotes import RULES, explain_quotes

PAGES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "pages"
SEED_URL = "https://ccre.org/en/actualites/view/4384"


def test_every_quote_names_a_known_rule_and_its_resolution() -> None:
    paragraphs = ("Closing the seminar, Marco Bellandi, President of the Tuscan section of "
                  "CEMR, thanked the hosts.",
                  "“Twinning has survived wars and crises,” he affirmed.",
                  "According to Anna Berg, mayor of Lund:",
                  "“We will host the next meeting.”")
    explained = explain_quotes(paragraphs, ("en",))
    assert [(quote.speaker, reason.rule, reason.written, reason.resolved)
            for quote, reason in explained] == [
        ("Marco Bellandi", "after-subject", "he", "pronoun"),
        ("Anna Berg", "intro-paragraph", "Anna Berg", None)]
    assert explained[0][1].introduced_as == "President of the Tuscan section of CEMR"
    assert all(reason.rule in RULES for _, reason in explained)


def test_explain_gives_rules_reference_dates_and_removals() -> None:
    explanation = scraper.explain((PAGES / "seed-br.html").read_bytes(), SEED_URL)
    assert (explanation.profile, explanation.layout) == ("cemr", "category-date")
    assert [(quote.speaker, quote.rule) for quote in explanation.quotes] == [
        ("Yuliia Kazakova", "intro-paragraph"), ("Liudmyla Rudiak", "intro-paragraph")]
    assert [(date.text, date.rule, str(date.reference)) for date in explanation.dates] == [
        ("3-7 October 2022", "day", "2022-10-20"), ("November 2021", "month", "2022-10-20")]
    assert explanation.removed[0][0] == "spam"


def test_cli_explain_prints_the_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(PAGES / "seed-table.html"), "--url", SEED_URL,
                 "--explain"]) == 0
    report = capsys.readouterr().out
    assert "rule intro-paragraph" in report
    assert "'3-7 October 2022' -> 2022-10-03..2022-10-07 (day): rule day" in report
    assert "spam: Développez vos ventes" in report


def test_cli_explain_takes_one_html_page(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    warc = tmp_path / "pages.warc.gz"
    warc.write_bytes(b"")
    assert main(["extract", str(warc), "--explain"]) == 2
    assert "--explain explains one HTML page" in capsys.readouterr().err
