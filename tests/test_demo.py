"""`scraper demo` serves the bundled archive on 127.0.0.1 and crawls all of it."""

from __future__ import annotations

from archives import LEGACY, linked_theme_pages

import json
from pathlib import Path

import pytest

from scraper.cli import main

ARCHIVE = LEGACY


def test_demo_crawls_every_item_of_the_bundled_archive(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = json.loads((ARCHIVE / "items.json").read_text("utf-8"))
    assert len(items) >= 200 and {item["lang"] for item in items} == {"en", "fr"}
    out = tmp_path / "demo.jsonl"
    assert main(["demo", "--archive", str(ARCHIVE), "-o", str(out)]) == 0
    records = {record["canonical_url"]: record
               for record in map(json.loads, out.read_text("utf-8").splitlines())}
    themes = {record["canonical_url"] for record in records.values()
              if record["page_kind"] == "theme page"}
    assert themes == linked_theme_pages(ARCHIVE / "site") and len(themes) == 10
    assert len(records) == len(items) + len(themes)
    for item in items:
        record = records[f"https://ccre.org/{item['lang']}/actualites/view/{item['id']}"]
        assert (record["title"], record["published"], record["language"]) == (
            item["title"], item["published"], item["body_language"])
        assert "Développez vos ventes" not in record["text"]
        # What the article links and shows (issue 17), as the archive's manifest says.
        assert [document["url"].split("/", 3)[3] for document in record["documents"]] == [
            path.lstrip("/") for path in item["documents"]]
        assert [contact["name"] for contact in record["contacts"]] == (
            [item["contact"]] if item["contact"] else [])
        assert len(record["images"]) == item["photo"]
        assert record["headings"] == (["About CEMR" if item["lang"] == "en"
                                       else "À propos du CCRE"] if item["documents"] else [])
    assert "255 written" in capsys.readouterr().err


def test_demo_outside_the_repository_says_what_to_do(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--archive", str(tmp_path)]) == 2
    assert "holds no demo archive" in capsys.readouterr().err
