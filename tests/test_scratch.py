"""Scratch and large files under hostile conditions (issue 15, finding 9): what a killed
export or dataset left behind is removed by the next run, SIGTERM cleans up as Ctrl-C does,
and a WARC payload over the limit is skipped, not read whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from demo_crawl import demo_jsonl
from scraper.crawl.warc import WarcPageWriter, read_warc_pages
from scraper.dataset.export import write_records
from scraper.dataset.tidy import open_dataset
from scraper.document import Page
from scraper.records import Article


def _dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_dataset_folder_left_by_a_killed_run_is_removed(tmp_path_factory: pytest.TempPathFactory,
                                                          tmp_path: Path) -> None:
    records = demo_jsonl(tmp_path_factory)
    stale = tmp_path / f"scraper-dataset-{_dead_pid()}-abc123"
    (stale / "dataset.db").parent.mkdir()
    (stale / "dataset.db").write_bytes(b"\0" * 1000)
    alive = tmp_path / f"scraper-dataset-{os.getppid()}-def456"  # a running process's
    alive.mkdir()
    with open_dataset(records, workdir=tmp_path) as dataset:
        assert dataset.summary.read > 0
    assert not stale.exists() and alive.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == [alive.name]


def test_an_export_part_file_left_by_a_killed_run_is_removed(tmp_path: Path) -> None:
    stale = tmp_path / f".out.csv.{_dead_pid()}.part"
    stale.write_text("half an export", "utf-8")
    other = tmp_path / f".other.csv.{_dead_pid()}.part"  # another target's: not ours to judge
    other.write_text("x", "utf-8")
    write_records([Article(url="https://ccre.org/a", extractor_version="1")],
                  tmp_path / "out.csv", to="csv")
    assert sorted(path.name for path in tmp_path.iterdir()) == [other.name, "out.csv"]


def test_sigterm_during_an_export_leaves_no_scratch(tmp_path_factory: pytest.TempPathFactory,
                                                    tmp_path: Path) -> None:
    line = demo_jsonl(tmp_path_factory).read_bytes().splitlines()[0] + b"\n"
    big = tmp_path / "big.jsonl"
    big.write_bytes(line * 40_000)
    out = tmp_path / "out" / "big.sqlite"
    out.parent.mkdir()
    child = subprocess.Popen([sys.executable, "-m", "scraper", "export", str(big), "--to",
                              "sqlite", "-o", str(out)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(out.parent.iterdir()):
        time.sleep(0.05)  # the export has made its scratch folder
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err
    assert list(out.parent.iterdir()) == []


def test_a_warc_payload_over_the_limit_is_skipped_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "pages.warc.gz"
    at = datetime(2026, 12, 8, tzinfo=UTC)
    writer = WarcPageWriter(path, user_agent="test")
    huge = b"<html><body><p>" + os.urandom(8_000_000).hex().encode() + b"</p></body></html>"
    small = b"<html><body><p>small</p></body></html>"
    for number, body in enumerate([huge, small]):
        writer.write(Page(f"https://ccre.org/en/actualites/view/{number}",
                          f"https://ccre.org/en/actualites/view/{number}", 200,
                          {"content-type": "text/html"}, body, at))
    writer.close()
    del huge
    tracemalloc.start()
    try:
        pages = list(read_warc_pages(path, max_bytes=1_000_000))
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    assert [page.body for page in pages] == [small]
    assert peak < 8, f"{peak:.0f} MB"  # the 16 MB payload was never held
