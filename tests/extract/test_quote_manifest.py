"""Every case of the quote manifest (fixtures/manifests/quotes.jsonl, one line per case:
paragraphs, expected quotes, the CEMR_SITE.md pattern it exercises) gives exactly its quotes.
Known gaps would be strict xfails in KNOWN_GAPS, with the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scraper.extract.quotes import extract_quotes

MANIFEST = Path(__file__).resolve().parents[2] / "fixtures" / "manifests" / "quotes.jsonl"
CASES: list[dict[str, Any]] = [json.loads(line) for line in MANIFEST.read_text("utf-8").splitlines()]
KNOWN_GAPS: dict[str, str] = {}


def test_manifest_is_large_enough_and_covers_every_pattern() -> None:
    assert len(CASES) >= 80
    assert {case["lang"] for case in CASES} == {"en", "fr"}
    assert set(range(1, 15)) <= {case["pattern"] for case in CASES}
    assert sum(1 for case in CASES if not case["expected"]) >= 10


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case["id"], marks=[pytest.mark.xfail(strict=True,
                                                                reason=KNOWN_GAPS[case["id"]])]
                  if case["id"] in KNOWN_GAPS else []) for case in CASES],
)
def test_quote_case(case: dict[str, Any]) -> None:
    languages = tuple(dict.fromkeys((case["lang"], "en", "fr")))
    assert [quote.model_dump() for quote in extract_quotes(case["paragraphs"], languages)] == \
        case["expected"]
