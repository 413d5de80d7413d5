"""Date mentions against the hand-written manifest fixtures/manifests/dates.jsonl.

One case per manifest line (test id = the line's id): the extractor's mentions must equal the
expected list exactly (text, start, end, precision, relative, in reading order). Known gaps
are strict xfails listed in KNOWN_GAPS with the reason; a gap that closes fails the suite
until its entry is removed. A second test holds precision and recall per language to the
target of the issue "Attributed quotes and date mentions at research quality" (>= 0.95; a
mention counts only when all five fields match).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import pytest

from fixture_checks import FIXTURES
from scraper.extract.dates import extract_date_mentions

MANIFEST = FIXTURES / "manifests" / "dates.jsonl"
CASES: list[dict[str, Any]] = [json.loads(line) for line in
                               MANIFEST.read_text("utf-8").splitlines() if line.strip()]
TARGET = 0.95

KNOWN_GAPS: dict[str, str] = {}
"""Manifest id -> why the extractor does not meet that line yet (strict xfail)."""


def _mentions(case: dict[str, Any]) -> list[dict[str, Any]]:
    published = dt.date.fromisoformat(case["published"]) if case["published"] else None
    return [mention.model_dump(mode="json")
            for mention in extract_date_mentions([case["text"]], published=published)]


def _params() -> list[Any]:
    return [pytest.param(case, id=case["id"],
                         marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[case["id"]])]
                         if case["id"] in KNOWN_GAPS else [])
            for case in CASES]


def test_ids_are_unique_and_known_gaps_name_manifest_lines() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    assert set(KNOWN_GAPS) <= set(ids)


@pytest.mark.parametrize("case", _params())
def test_manifest_line(case: dict[str, Any]) -> None:
    assert _mentions(case) == case["expected"]


@pytest.mark.parametrize("language", sorted({case["lang"] for case in CASES}))
def test_precision_and_recall(language: str) -> None:
    correct = found = expected = 0
    for case in (case for case in CASES if case["lang"] == language):
        got = Counter(json.dumps(mention, sort_keys=True) for mention in _mentions(case))
        wanted = Counter(json.dumps(mention, sort_keys=True) for mention in case["expected"])
        correct += sum((got & wanted).values())
        found += sum(got.values())
        expected += sum(wanted.values())
    precision = correct / found if found else 1.0
    recall = correct / expected if expected else 1.0
    assert min(precision, recall) >= TARGET, (
        f"{language}: precision {precision:.3f} ({correct}/{found}), "
        f"recall {recall:.3f} ({correct}/{expected})")
