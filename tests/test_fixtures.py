"""Every fixture page yields its golden record and agrees with its hand-written intent."""

from __future__ import annotations

import json
from typing import Any

import pytest

import scraper
from fixture_checks import FIXTURES, intent_mismatches

MANIFEST: list[dict[str, Any]] = json.loads((FIXTURES / "manifest.json").read_text("utf-8"))


def _cases() -> list[Any]:
    cases = []
    for row in MANIFEST:
        marks = [pytest.mark.xfail(reason=row["xfail"], strict=True)] if row["xfail"] else []
        cases.append(pytest.param(row, id=row["page"].split("/")[-1][:-5], marks=marks))
    return cases


def _record(row: dict[str, Any]) -> dict[str, Any]:
    data = (FIXTURES / row["page"]).read_bytes()
    record = scraper.extract(data, row["url"]).model_dump(mode="json")
    record.pop("extractor_version")
    return record


@pytest.mark.parametrize("row", _cases())
def test_intent(row: dict[str, Any]) -> None:
    intent = json.loads((FIXTURES / row["intent"]).read_text("utf-8"))
    assert intent_mismatches(_record(row), intent) == []


@pytest.mark.parametrize("row", _cases())
def test_golden(row: dict[str, Any], update_golden: bool) -> None:
    record = _record(row)
    path = FIXTURES / row["expected"]
    if update_golden:
        path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert record == json.loads(path.read_text("utf-8"))


def test_manifest_lists_every_page() -> None:
    pages = sorted(f"pages/{path.name}" for path in (FIXTURES / "pages").glob("*.html"))
    assert sorted(row["page"] for row in MANIFEST) == pages
    assert len(pages) >= 18
