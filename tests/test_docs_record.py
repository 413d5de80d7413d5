"""docs/record.md and docs/article.schema.json are generated from the models and never
stale: regenerate them with `python -m scraper.docs` (from the repository root)."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

import scraper.docs
import scraper.dataset.export
from scraper.cli import main
from scraper.docs import EXAMPLE, MODELS, record_markdown, schema_text, stale_files
from scraper.records import Article

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HINT = "stale: regenerate with `python -m scraper.docs` from the repository root"


def test_record_md_is_up_to_date() -> None:
    assert (DOCS / "record.md").read_text("utf-8") == record_markdown(), HINT


def test_schema_file_is_up_to_date_and_the_same_as_scraper_schema(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert (DOCS / "article.schema.json").read_text("utf-8") == schema_text(), HINT
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == schema_text()


def test_the_check_command_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert stale_files() == []
    assert scraper.docs.main(["--check"]) == 0


def test_the_check_command_names_stale_files(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert scraper.docs.main(["--check", "--folder", str(tmp_path)]) == 1
    assert "record.md is stale" in capsys.readouterr().err
    assert scraper.docs.main(["--folder", str(tmp_path)]) == 0
    assert stale_files(tmp_path) == []


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_field_of_every_model_is_in_the_dictionary(model: type) -> None:
    section = record_markdown().split(f"## {model.__name__}\n", 1)[1].split("\n## ", 1)[0]
    for name, field in model.model_fields.items():  # type: ignore[attr-defined]
        assert f"| `{name}` |" in section, name
        assert field.description.split('"')[0].strip() in section, name


def test_every_model_is_documented() -> None:
    def nested(model: type) -> set[str]:
        found = {model.__name__}
        for field in model.model_fields.values():  # type: ignore[attr-defined]
            for candidate in MODELS:
                if candidate.__name__ in str(field.annotation):
                    found.add(candidate.__name__)
        return found

    assert nested(Article) == {model.__name__ for model in MODELS}


def test_the_example_record_shows_every_field() -> None:
    defaults = Article(url=EXAMPLE.url, extractor_version="x")
    for name in Article.model_fields:
        if name not in ("url", "extractor_version"):
            assert getattr(EXAMPLE, name) != getattr(defaults, name), f"EXAMPLE lacks {name}"


def test_every_export_column_is_in_the_dictionary() -> None:
    text = record_markdown()
    for column in scraper.dataset.export.COLUMNS:
        assert f"`{column}`" in text
    assert json.loads(schema_text())["title"] == "Article"


@pytest.mark.parametrize("module", [scraper.docs, scraper.dataset.export],
                         ids=lambda module: module.__name__)
def test_module_doctests(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0
