"""The command line, run in-process through main(argv)."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from scraper.cli import main
from scraper.cli.parser import build_parser as _build_parser
from fixture_checks import FIXTURES

SEED = FIXTURES / "pages" / "seed-table.html"
SEED_URL = "https://ccre.org/en/actualites/view/4384"
README = Path(__file__).resolve().parent.parent / "README.md"


def test_extract_prints_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEED), "--url", SEED_URL]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["title"].startswith("Bridges of Trust partner-municipalities")
    assert record["published"] == "2022-10-20"


def test_extract_reads_stdin(monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED.read_bytes())))
    assert main(["extract", "-", "--url", SEED_URL]) == 0
    assert json.loads(capsys.readouterr().out)["item_id"] == "4384"


def test_extract_takes_the_url_from_the_canonical_link(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text('<html><head><link rel="canonical" href="https://ccre.org/fr/actualites/view/9">'
                    "</head><body><p>Bonjour</p></body></html>", "utf-8")
    assert main(["extract", str(page)]) == 0
    assert json.loads(capsys.readouterr().out)["canonical_url"].endswith("/fr/actualites/view/9")


def test_extract_writes_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "record.json"
    assert main(["extract", str(SEED), "--url", SEED_URL, "-o", str(target)]) == 0
    assert json.loads(target.read_text("utf-8"))["section"] == "Solidarity with Ukraine"


def _bad_inputs(tmp_path: Path) -> dict[str, list[str]]:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.html"
    blank.write_bytes(b"  \n\t ")
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return {
        "missing-file": ["extract", str(tmp_path / "missing.html"), "--url", SEED_URL],
        "directory": ["extract", str(tmp_path), "--url", SEED_URL],
        "empty-file": ["extract", str(empty), "--url", SEED_URL],
        "blank-file": ["extract", str(blank), "--url", SEED_URL],
        "binary-file": ["extract", str(binary), "--url", SEED_URL],
        "relative-url": ["extract", str(SEED), "--url", "ccre.org/en/actualites/view/4384"],
        "ftp-url": ["extract", str(SEED), "--url", "ftp://ccre.org/file"],
        "credentials-url": ["extract", str(SEED), "--url", "https://user:pw@ccre.org/"],
        "unknown-profile": ["extract", str(SEED), "--url", SEED_URL, "--profile", "nope"],
        "missing-profile-file": ["extract", str(SEED), "--url", SEED_URL, "--profile",
                                 str(tmp_path / "p.toml")],
        "unknown-command": ["frobnicate"],
        "no-page": ["extract"],
        "no-command": [],
    }


@pytest.mark.parametrize("case", list(_bad_inputs(Path("/tmp"))))
def test_bad_input_is_one_line_and_exit_2(case: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_bad_inputs(tmp_path)[case]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    if case != "no-command":
        assert len(captured.err.strip().splitlines()) == 1, captured.err
        assert captured.err.startswith("scraper: error: ")


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--help"]) == 0
    assert "Example:" in capsys.readouterr().out


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Article"
    assert "quotes" in schema["properties"]


def _subcommands() -> dict[str, str]:
    parser = _build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return {name: sub.format_help() for name, sub in action.choices.items()}  # type: ignore[union-attr]


@pytest.mark.parametrize("name", list(_subcommands()))
def test_every_subcommand_has_help_with_an_example_and_is_in_the_readme(name: str) -> None:
    help_text = _subcommands()[name]
    assert "Example:" in help_text
    assert re.search(rf"scraper {name}\b", README.read_text("utf-8"))
