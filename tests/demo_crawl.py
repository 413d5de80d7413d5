"""The bundled demo archive crawled once per test session: 255 real records (245 news items, 10 theme pages) as JSONL, the
realistic input of the export, dataset and stats tests."""

from __future__ import annotations

from archives import LEGACY

from pathlib import Path

import pytest

from scraper.cli import main

ARCHIVE = LEGACY
_CRAWLED: dict[str, Path] = {}


def demo_jsonl(factory: pytest.TempPathFactory) -> Path:
    """The records of ``scraper demo`` (crawled on first use, then shared; do not modify)."""
    if "path" not in _CRAWLED:
        out = factory.mktemp("demo-crawl") / "demo.jsonl"
        assert main(["demo", "--archive", str(ARCHIVE), "-o", str(out)]) == 0
        _CRAWLED["path"] = out
    return _CRAWLED["path"]
