"""Whole crawls against a loopback mirror: discovery, exactly-once output, resume after
SIGKILL, conditional re-crawls, the get and crawl commands."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_checks import FIXTURES
from scraper.cli import main
from scraper.demo.mirror import Mirror, Scripted

EN_PAGES = sorted(path for path in (FIXTURES / "pages").glob("*.html")
                  if not path.name.startswith("fr-"))
FR_PAGES = sorted((FIXTURES / "pages").glob("fr-*.html"))
FIRST_ID = 4001


def _build_site(root: Path) -> set[str]:
    """A small legacy-layout site: EN items 4001.., FR items for the first ids, gaps between
    some ids, a listing page per language. Returns the canonical URLs of its items."""
    items = set()
    for language, pages in (("en", EN_PAGES), ("fr", FR_PAGES)):
        folder = root / language / "actualites" / "view"
        folder.mkdir(parents=True)
        links = []
        for position, page in enumerate(pages):
            number = FIRST_ID + position * 2  # every other id is missing
            shutil.copy(page, folder / f"{number}.html")
            items.add(f"https://ccre.org/{language}/actualites/view/{number}")
            links.append(f'<li><a href="/{language}/actualites/view/{number}">item</a></li>')
        (root / language / "actualites" / "index_actu.html").write_text(
            "<html><body><ul>" + "".join(links[-3:]) + "</ul></body></html>", "utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    return items


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, set[str]]:
    root = tmp_path / "site"
    return root, _build_site(root)


@pytest.fixture
def mirror(site: tuple[Path, set[str]]) -> Iterator[Mirror]:
    with Mirror(site[0]) as running:
        yield running


def _crawl(mirror: Mirror, out: Path, *extra: str) -> int:
    return main(["crawl", "--base-url", mirror.base_url, "-o", str(out), "--delay", "0",
                 "--ids", f"{FIRST_ID}-", *extra])


def _keys(out: Path) -> list[str]:
    return [json.loads(line)["canonical_url"] for line in out.read_text("utf-8").splitlines()]


def test_crawl_writes_every_item_once(mirror: Mirror, site: tuple[Path, set[str]],
                                      tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "records.jsonl"
    assert _crawl(mirror, out) == 0
    keys = _keys(out)
    assert sorted(keys) == sorted(site[1])
    summary = capsys.readouterr().err
    assert f"{len(mirror.log)} requests" in summary  # robots.txt and listings counted too
    record = json.loads(out.read_text("utf-8").splitlines()[0])
    assert record["fetch"]["status"] == 200 and len(record["fetch"]["sha256"]) == 64
    assert record["url"].startswith(mirror.base_url)
    paths = Counter(entry.path for entry in mirror.log)
    assert max(paths.values()) == 1  # no URL fetched twice
    assert json.loads((tmp_path / "records.jsonl.failures.jsonl").read_text() or "[]") == []


def test_crawl_refuses_to_clobber_and_resume_finishes(mirror: Mirror, tmp_path: Path,
                                                      site: tuple[Path, set[str]],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "records.jsonl"
    assert _crawl(mirror, out, "--max-items", "4") == 0
    assert len(_keys(out)) == 4
    assert _crawl(mirror, out) == 2
    assert "pass --resume" in capsys.readouterr().err
    assert _crawl(mirror, out, "--resume") == 0
    assert sorted(_keys(out)) == sorted(site[1])


def test_refresh_uses_conditional_get(mirror: Mirror, tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    assert _crawl(mirror, out) == 0
    before = len(mirror.log)
    assert _crawl(mirror, out, "--resume", "--refresh") == 0
    again = [entry for entry in mirror.log[before:] if "/view/" in entry.path
             and entry.status != 404]
    assert again and all(entry.status == 304 for entry in again)
    assert len(_keys(out)) == len(set(_keys(out)))  # unchanged pages are not rewritten


def test_failures_are_listed_and_exit_1(mirror: Mirror, tmp_path: Path) -> None:
    mirror.script["/en/actualites/view/4003"] = [Scripted(500)]
    out = tmp_path / "records.jsonl"
    assert _crawl(mirror, out, "--retries", "1") == 1
    failures = [json.loads(line) for line in
                (tmp_path / "records.jsonl.failures.jsonl").read_text().splitlines()]
    assert [(row["url"].rsplit("/", 1)[1], row["attempts"]) for row in failures] == [("4003", 2)]
    assert "gave up after 2 attempts" in failures[0]["reason"]


def test_kill_at_any_moment_and_resume_gives_each_item_once(
        site: tuple[Path, set[str]], tmp_path: Path) -> None:
    out, state = tmp_path / "records.jsonl", tmp_path / "state.db"
    with Mirror(site[0], latency=0.03) as mirror:
        command = [sys.executable, "-m", "scraper", "crawl", "--base-url", mirror.base_url,
                   "-o", str(out), "--state", str(state), "--delay", "0",
                   "--ids", f"{FIRST_ID}-"]
        for kill_after in (1, 4, 9, 13):
            process = subprocess.Popen(command + (["--resume"] if out.exists() else []),
                                       stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                if out.exists() and out.read_bytes().count(b"\n") >= kill_after:
                    break
                time.sleep(0.005)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        finished = subprocess.run(command + ["--resume"], capture_output=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    keys = _keys(out)
    assert len(keys) == len(set(keys))
    assert set(keys) == site[1]


def test_get_writes_records_and_reports_failures(mirror: Mirror, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "got.jsonl"
    code = main(["get", f"{mirror.base_url}/en/actualites/view/4001",
                 f"{mirror.base_url}/en/actualites/view/4002", "-o", str(out), "--delay", "0",
                 "--profile", "cemr"])
    assert code == 1
    assert _keys(out) == ["https://ccre.org/en/actualites/view/4001"]
    assert "1 written, 1 failed" in capsys.readouterr().err
    assert [entry.path for entry in mirror.log].count("/robots.txt") == 1  # one fetcher


def test_warc_keeps_pages_for_offline_extraction(mirror: Mirror, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out, warc = tmp_path / "records.jsonl", tmp_path / "pages.warc.gz"
    assert _crawl(mirror, out, "--warc", str(warc), "--max-items", "3") == 0
    capsys.readouterr()
    assert main(["extract", str(warc), "--profile", "cemr"]) == 0
    again = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["extract", str(warc), "--profile", "cemr", "--workers", "2"]) == 0
    parallel = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert parallel == again  # same records, same order, on two processes
    original = [json.loads(line) for line in out.read_text().splitlines()]
    for record in again + original:
        record.pop("fetch")
    assert again == original


def test_warc_workers_use_a_loaded_profile(mirror: Mirror, tmp_path: Path) -> None:
    """A SiteProfile object reaches the worker processes (it was once dropped for the
    per-host default, which for the mirror's 127.0.0.1 is the generic profile)."""
    from scraper.shards import extract_warc
    from scraper.profiles import load_profile

    out, warc = tmp_path / "records.jsonl", tmp_path / "pages.warc.gz"
    assert _crawl(mirror, out, "--warc", str(warc), "--max-items", "2") == 0
    cemr = load_profile("cemr")
    alone = list(extract_warc(warc, profile=cemr, workers=1))
    assert list(extract_warc(warc, profile=cemr, workers=2)) == alone
    assert [article.item_id for article in alone] != [
        article.item_id for article in extract_warc(warc, profile="generic", workers=1)]
    # Without a profile, the one the crawl named in the WARC's warcinfo (cemr) is used.
    assert list(extract_warc(warc, workers=1)) == alone


def test_python_api_crawls_and_fetches(mirror: Mirror, site: tuple[Path, set[str]]) -> None:
    import scraper
    from scraper.config import FetchOptions

    options = FetchOptions(delay=0.0)
    settings = scraper.CrawlSettings(base_url=mirror.base_url, languages=("fr",),
                                     first_id=FIRST_ID)
    articles = scraper.crawl_sync(settings, options=options)
    assert {article.canonical_url for article in articles} == {
        key for key in site[1] if "/fr/" in key}
    article = scraper.fetch_article_sync(f"{mirror.base_url}/en/actualites/view/4001",
                                         profile="cemr", options=options)
    assert article.item_id == "4001" and article.fetch is not None


def test_items_past_the_newest_listed_id_and_host_variants_are_found(tmp_path: Path) -> None:
    root = tmp_path / "site"
    folder = root / "en" / "actualites" / "view"
    folder.mkdir(parents=True)
    for number in (10, 11, 30, 45):  # 30 and 45: beyond the listing, within 50 misses
        shutil.copy(EN_PAGES[0], folder / f"{number}.html")
    (root / "en" / "actualites" / "index_actu.html").write_text(
        '<a href="http://www.ccre.eu/actualites/view/11/language:LT">variant</a>'
        '<a href="https://ccre.org/en/actualites/view/10">canonical</a>', "utf-8")
    out = tmp_path / "records.jsonl"
    with Mirror(root) as mirror:
        assert main(["crawl", "--base-url", mirror.base_url, "-o", str(out), "--delay", "0",
                     "--lang", "en", "--ids", "9-"]) == 0
        fetched = Counter(entry.path for entry in mirror.log if "/view/" in entry.path)
    assert sorted(_keys(out)) == sorted(f"https://ccre.org/en/actualites/view/{number}"
                                        for number in (10, 11, 30, 45))
    assert max(fetched.values()) == 1
    assert "/en/actualites/view/95" in fetched and "/en/actualites/view/96" not in fetched


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(site: tuple[Path, set[str]],
                                                     tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    with Mirror(site[0], latency=0.05) as mirror:
        process = subprocess.Popen(
            [sys.executable, "-m", "scraper", "crawl", "--base-url", mirror.base_url, "-o",
             str(out), "--delay", "0", "--ids", f"{FIRST_ID}-"],
            stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (out.exists() and out.read_bytes().count(b"\n")):
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted; resume with: scraper crawl" in stderr and "--resume" in stderr
    assert "Traceback" not in stderr
