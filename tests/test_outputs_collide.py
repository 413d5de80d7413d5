"""A crawl's files never overwrite each other (issue 15, finding 9): records, state, failures
and WARC named the same are refused with one line, before any request."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.cli import main


@pytest.mark.parametrize("option", ["--failures", "--warc", "--state"])
def test_a_file_given_twice_is_refused(option: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "records.jsonl"
    assert main(["crawl", "--base-url", "http://127.0.0.1:9", "-o", str(out), option,
                 str(out), "--delay", "0", "--retries", "0"]) == 2
    error = capsys.readouterr().err
    assert f"-o and {option} name the same file" in error and error.count("\n") == 1
    assert not out.exists()


def test_the_same_file_through_another_path_is_refused(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    out = tmp_path / "records.jsonl"
    assert main(["crawl", "--base-url", "http://127.0.0.1:9", "-o", str(out), "--state",
                 str(tmp_path / "sub" / ".." / "records.jsonl"), "--delay", "0"]) == 2
    assert "name the same file" in capsys.readouterr().err
