"""The front door (issue 16): exit codes and one-line errors, outputs that destroy nothing,
the conventions trafilatura and Scrapy users expect (--version, -v/-q anywhere, --log-file,
get -i, export by extension, --ids strict, crawl --list). Each test failed before."""

from __future__ import annotations

import json
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from archives import legacy_site
from demo_crawl import demo_jsonl
from fixture_checks import FIXTURES

import scraper
from scraper.cli import main
from scraper.demo.mirror import Mirror

ITEMS = {("en", 4384): "seed-table", ("en", 4385): "en-brief-br-text",
         ("en", 4390): "en-indepth-table-layout", ("fr", 4384): "fr-article-autonomie-locale"}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = legacy_site(tmp_path / "site", ITEMS)
    (root / "en" / "actualites" / "index_actu.html").write_text(
        '<a href="/en/actualites/view/4385">a</a><a href="/en/actualites/view/4390">b</a>',
        "utf-8")
    return root


@pytest.fixture
def mirror(site: Path) -> Iterator[Mirror]:
    with Mirror(site) as running:
        yield running


@pytest.fixture
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_jsonl(tmp_path_factory)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().err


# Exit codes and one line -------------------------------------------------------------------

def test_an_unreachable_site_is_a_failure_named_as_a_refused_connection(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = f"http://127.0.0.1:{_free_port()}"
    code = main(["crawl", "--base-url", base, "-o", str(tmp_path / "o.jsonl"), "--delay", "0",
                 "--retries", "0", "--ids", "1-3", "--lang", "en"])
    err = _err(capsys)
    assert code == 1
    assert "connection refused" in err and "disallowed by robots.txt" not in err
    assert "nothing could be fetched" in err
    assert main(["get", f"{base}/en/actualites/view/1", "--retries", "0"]) == 1
    err = _err(capsys)
    assert "connection refused" in err and "disallowed" not in err


def test_a_crawl_where_every_page_fails_exits_non_zero(mirror: Mirror, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["crawl", "--base-url", mirror.base_url, "-o", str(tmp_path / "o.jsonl"),
                 "--delay", "0", "--ids", "9000-9001", "--lang", "en"])  # ids that 404
    assert code == 1 and "nothing could be fetched (2 URLs tried)" in _err(capsys)


def test_a_truncated_warc_keeps_what_it_read_and_says_so(
        mirror: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warc = tmp_path / "pages.warc.gz"
    assert main(["crawl", "--base-url", mirror.base_url, "-o", str(tmp_path / "o.jsonl"),
                 "--delay", "0", "--ids", "4384-4390", "--warc", str(warc)]) == 0
    data = warc.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    _err(capsys)
    out = tmp_path / "cut.jsonl"
    assert main(["extract", str(cut), "-o", str(out)]) == 2
    err = _err(capsys)
    assert err.count("\n") == 1 and "is cut short" in err and "pages read before it" in err
    assert 0 < len(out.read_text("utf-8").splitlines()) < 4


def test_a_jsonl_named_warc_gz_is_one_line(records: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "records.warc.gz"
    shutil.copy(records, fake)
    assert main(["extract", str(fake)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "is not a WARC file" in captured.err
    assert captured.out == ""


def _limited_export(records: Path, tmp_path: Path, to: str) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # a disk that fills up: writes past 100 KB fail (EFBIG)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    return subprocess.run([sys.executable, "-m", "scraper", "export", str(records), "--to", to,
                           "-o", str(tmp_path / f"out.{to}")], preexec_fn=limit,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("to", ["csv", "sqlite"])
def test_export_on_a_full_disk_is_one_line_and_leaves_nothing(records: Path, tmp_path: Path,
                                                              to: str) -> None:
    done = _limited_export(records, tmp_path, to)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "disk" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_malformed_profile_is_one_line_before_any_file(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "bad.toml"
    profile.write_text('name = "bad"\nextends = "cemr"\n[urls]\ncanonical_base = 3\n'
                       "[content]\nbogus = 1\n", "utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["crawl", "--site", str(profile), "-o", str(out)]) == 2
    err = _err(capsys)
    assert err.count("\n") == 1
    assert "urls.canonical_base: Input should be a valid string" in err
    assert "content.bogus: Extra inputs are not permitted" in err
    assert not out.exists() and not Path(f"{out}.state.db").exists()
    page = FIXTURES / "pages" / "seed-table.html"
    assert main(["extract", str(page), "--url", "https://ccre.org/en/actualites/view/4384",
                 "--profile", str(profile)]) == 2
    assert _err(capsys).count("\n") == 1


def test_abbreviated_options_are_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--max", "5", "--list"]) == 2
    assert "unrecognized arguments: --max 5" in _err(capsys)


# Outputs that destroy nothing --------------------------------------------------------------

def test_export_never_replaces_a_device_or_a_symlink(records: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "precious.csv"
    victim.write_text("keep", "utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    for target in ("/dev/null", str(link)):
        assert main(["export", str(records), "--to", "csv", "-o", target, "--overwrite"]) == 2
        assert "is not a regular file" in _err(capsys)
    assert link.is_symlink() and victim.read_text("utf-8") == "keep"
    assert Path("/dev/null").is_char_device()


def test_existing_outputs_need_overwrite(records: Path, mirror: Mirror, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.csv"
    out.write_text("keep", "utf-8")
    assert main(["export", str(records), "-o", str(out)]) == 2
    assert "exists: pass --overwrite" in _err(capsys) and out.read_text("utf-8") == "keep"
    assert main(["export", str(records), "-o", str(out), "--overwrite"]) == 0
    assert out.read_text("utf-8").startswith("url,")
    got = tmp_path / "got.jsonl"
    got.write_text("keep", "utf-8")
    url = f"{mirror.base_url}/en/actualites/view/4384"
    assert main(["get", url, "-o", str(got)]) == 2
    assert got.read_text("utf-8") == "keep"
    assert main(["get", url, "-o", str(got), "--overwrite", "--delay", "0"]) == 0
    assert json.loads(got.read_text("utf-8"))["url"] == url


def test_a_folder_as_state_is_refused_without_advice_to_remove_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "-o", str(tmp_path / "o.jsonl"), "--state", str(tmp_path)]) == 2
    err = _err(capsys)
    assert f"--state {tmp_path} is not a regular file" in err and "remove" not in err


def test_crawl_overwrite_starts_afresh(mirror: Mirror, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.jsonl"
    crawl = ["crawl", "--base-url", mirror.base_url, "-o", str(out), "--delay", "0",
             "--ids", "4384-4385", "--lang", "en"]
    assert main(crawl) == 0
    assert main(crawl) == 2 and "--overwrite to start afresh" in _err(capsys)
    assert main([*crawl, "--overwrite"]) == 0
    assert len(out.read_text("utf-8").splitlines()) == 2


# Conventions ---------------------------------------------------------------------------------

def test_version_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"scraper {scraper.__version__}\n"
    assert scraper.__version__ == "0.1.0"


def test_verbosity_after_the_command_and_quiet(mirror: Mirror, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    base = ["crawl", "--base-url", mirror.base_url, "--delay", "0", "--ids", "4384-4385",
            "--lang", "en"]
    assert main([*base, "-o", str(tmp_path / "a.jsonl"), "-v"]) == 0
    assert "scraper: INFO: " in _err(capsys)
    assert main([*base, "-o", str(tmp_path / "b.jsonl"), "-vv"]) == 0
    assert "scraper: DEBUG: " in _err(capsys)
    assert main([*base, "-o", str(tmp_path / "c.jsonl"), "-q"]) == 0
    assert _err(capsys) == ""
    log = tmp_path / "crawl.log"
    assert main(["-q", *base, "-o", str(tmp_path / "d.jsonl"), "--log-file", str(log)]) == 0
    assert _err(capsys) == "" and " INFO scraper." in log.read_text("utf-8")


def test_get_reads_urls_from_a_file_and_from_stdin(mirror: Mirror, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# to read\n{mirror.base_url}/en/actualites/view/4384\n\n"
                    f"{mirror.base_url}/en/actualites/view/4385\n", "utf-8")
    out = tmp_path / "a.jsonl"
    assert main(["get", "-i", str(urls), "-o", str(out), "--delay", "0"]) == 0
    assert [json.loads(line)["url"].rsplit("/", 1)[1]
            for line in out.read_text("utf-8").splitlines()] == ["4384", "4385"]
    out = tmp_path / "b.jsonl"
    with urls.open(encoding="utf-8") as stdin:
        monkeypatch.setattr("sys.stdin", stdin)
        assert main(["get", "-i", "-", "-o", str(out), "--delay", "0"]) == 0
    assert len(out.read_text("utf-8").splitlines()) == 2


@pytest.mark.parametrize(("suffix", "magic"), [(".csv", b"url,"), (".sqlite", b"SQLite format 3"),
                                               (".db", b"SQLite format 3"), (".jsonl", b'{"')])
def test_export_takes_its_format_from_the_extension(records: Path, tmp_path: Path,
                                                    suffix: str, magic: bytes) -> None:
    out = tmp_path / f"records{suffix}"
    assert main(["export", str(records), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


def test_export_without_format_or_extension_says_what_to_give(
        records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(records), "-o", str(tmp_path / "out.xyz")]) == 2
    assert "give --to (csv, jsonl, parquet, sqlite) or an output ending .csv" in _err(capsys)


def test_ids_is_a_strict_filter(mirror: Mirror, tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"  # the listing links to 4385 and 4390; only 4384-4386 asked
    assert main(["crawl", "--base-url", mirror.base_url, "-o", str(out), "--delay", "0",
                 "--ids", "4384-4386", "--lang", "en"]) == 0
    assert sorted(json.loads(line)["item_id"] for line in out.read_text("utf-8").splitlines()) \
        == ["4384", "4385"]
    assert not any(entry.path.endswith("/4390") for entry in mirror.log)


def test_crawl_list_prints_what_would_be_fetched_and_fetches_no_item(
        mirror: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--base-url", mirror.base_url, "--list", "--ids", "4384-4390",
                 "--lang", "en", "--delay", "0", "-o", str(tmp_path / "o.jsonl")]) == 0
    captured = capsys.readouterr()
    listed = captured.out.splitlines()
    assert sorted(listed) == sorted(f"{mirror.base_url}/en/actualites/view/{number}"
                                    for number in range(4384, 4391))
    assert "7 URLs would be fetched (5 enumerated, 2 listed)" in captured.err
    assert not any("/view/" in entry.path for entry in mirror.log)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]  # nothing written


# extract: many pages, folders, .gz, no --url; --format ---------------------------------------

PAGES = FIXTURES / "pages"


def test_extract_without_url_uses_the_file_uri_and_says_so(
        capsys: pytest.CaptureFixture[str]) -> None:
    page = PAGES / "seed-table.html"  # names no canonical link
    assert main(["extract", str(page)]) == 0
    captured = capsys.readouterr()
    record = json.loads(captured.out)
    assert record["url"] == page.resolve().as_uri()
    assert record["title"].startswith("CEMR - Bridges of Trust")  # the generic reading
    assert "names no URL" in captured.err and "--profile" in captured.err


def test_extract_of_a_folder_on_two_workers_gives_every_page_in_order(tmp_path: Path) -> None:
    two, one = tmp_path / "two.jsonl", tmp_path / "one.jsonl"
    assert main(["extract", str(PAGES), "--workers", "2", "--profile", "cemr", "-o",
                 str(two)]) == 0
    assert main(["extract", *map(str, sorted(PAGES.glob("*.html"))), "--profile", "cemr",
                 "-o", str(one)]) == 0
    records = [json.loads(line) for line in two.read_text("utf-8").splitlines()]
    assert len(records) == len(list(PAGES.glob("*.html"))) == 29
    assert two.read_text("utf-8") == one.read_text("utf-8")
    assert records[-1]["url"] == sorted(PAGES.glob("*.html"))[-1].resolve().as_uri()


def test_extract_reads_gzipped_pages_and_goes_on_past_a_bad_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import gzip
    zipped = tmp_path / "seed.html.gz"
    zipped.write_bytes(gzip.compress((PAGES / "seed-br.html").read_bytes()))
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(zipped), str(empty), str(PAGES / "seed-html5.html"),
                 "--profile", "cemr", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"scraper: failed: {empty}: {empty} is empty" in err
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == 2 and records[0]["title"].startswith("Bridges of Trust")


@pytest.mark.parametrize(("fmt", "start"), [("txt", "Bridges of Trust"), ("md", "# Bridges"),
                                            ("tei", '<?xml version="1.0"'), ("jsonl", '{"url"')])
def test_extract_and_get_write_each_format(fmt: str, start: str, mirror: Mirror,
                                           tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    page = PAGES / "seed-br.html"
    assert main(["extract", str(page), "--profile", "cemr", "--format", fmt]) == 0
    assert capsys.readouterr().out.startswith(start)
    out = tmp_path / f"got.{fmt}"
    assert main(["get", f"{mirror.base_url}/en/actualites/view/4384", "--delay", "0",
                 "--profile", "cemr",
                 "--format", fmt, "-o", str(out)]) == 0
    text = out.read_text("utf-8")
    assert "Bridges of Trust" in text
    if fmt == "tei":
        assert "<teiCorpus" in text and text.count("<TEI") == 1


# Records researchers can tell apart: source, page_kind, edition; theme pages ---------------

def test_an_english_body_under_fr_keeps_its_edition() -> None:
    page = PAGES / "fr-article-corps-anglais.html"
    record = scraper.extract(page.read_bytes(), "https://ccre.org/fr/actualites/view/3950")
    assert (record.language, record.edition) == ("en", "fr")
    assert (record.source, record.page_kind) == ("legacy", "news")


@pytest.mark.parametrize(("site", "via", "sources", "kinds"), [
    ("cemr", None, {"legacy"}, {"news", "press release", "brief", "theme page"}),
    ("cemr", "wayback", {"archive"}, {"news"}),  # its three captures are articles
    ("cemr-wp", None, {"wordpress"}, {"news", "press release"}),
    ("platforma", None, {"wordpress"}, {"news", "statement", "event", "call", "partner news"}),
])
def test_every_demo_record_says_its_source_kind_and_edition(
        site: str, via: str | None, sources: set[str], kinds: set[str], tmp_path: Path,
        records: Path) -> None:
    out = tmp_path / "demo.jsonl"
    if site == "cemr" and via is None:
        out = records  # the session's crawl of the legacy demo
    else:
        assert main(["demo", "--site", site, *(["--via", via] if via else []), "-o",
                     str(out), "-q"]) == 0
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {record["source"] for record in records} == sources
    assert {record["page_kind"] for record in records} == kinds
    for record in records:
        path = record["url"].split("/", 3)[3]
        expected = path[:2] if path[:3] in ("en/", "fr/", "es/") else "en"
        assert record["edition"] == expected, record["url"]


def test_theme_pages_are_exported_with_their_kind(records: Path, tmp_path: Path) -> None:
    import csv
    out = tmp_path / "records.csv"
    assert main(["export", str(records), "-o", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    themes = [row for row in rows if row["page_kind"] == "theme page"]
    assert len(themes) == 10 and all("/activites/view/" in row["url"] for row in themes)
    assert {row["source"] for row in rows} == {"legacy"}


def test_extract_of_a_mirror_crawls_warc_reads_it_with_the_crawls_profile(
        mirror: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crawled, warc = tmp_path / "crawl.jsonl", tmp_path / "pages.warc.gz"
    assert main(["crawl", "--base-url", mirror.base_url, "-o", str(crawled), "--delay", "0",
                 "--ids", "4384-4390", "--lang", "en", "--warc", str(warc)]) == 0
    out = tmp_path / "again.jsonl"
    assert main(["extract", str(warc), "-o", str(out)]) == 0  # no --profile
    def comparable(path: Path) -> dict[str, dict[str, object]]:
        records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        return {record["canonical_url"]: {key: value for key, value in record.items()
                                          if key != "fetch"} for record in records}
    again, first = comparable(out), comparable(crawled)
    assert again == first and len(first) == 3
    assert all(record["item_id"] for record in again.values())


# Progress: on a terminal only, with the total -----------------------------------------------

def _on_a_terminal(arguments: list[str]) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal: (exit code, stdout, what the terminal
    showed, escape sequences removed)."""
    import os
    import pty
    import re
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "scraper", *arguments],
                               stdout=subprocess.PIPE, stderr=slave,
                               env={**os.environ, "COLUMNS": "160", "TERM": "xterm"})
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    out, _ = process.communicate(timeout=60)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", "replace"))
    text = text.replace("\r", "\n")
    return process.returncode, out.decode("utf-8"), text


def test_progress_shows_totals_on_a_terminal_and_nothing_else_off_it(
        mirror: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    urls = [f"{mirror.base_url}/en/actualites/view/{number}" for number in (4384, 4385)]
    code, _, shown = _on_a_terminal(["get", *urls, "-o", str(tmp_path / "a.jsonl"), "--delay", "0"])
    assert code == 0 and "2/2 URLs" in shown
    code, _, shown = _on_a_terminal(["crawl", "--base-url", mirror.base_url, "-o",
                                     str(tmp_path / "b.jsonl"), "--delay", "0", "--ids",
                                     "4384-4390", "--lang", "en"])
    assert code == 0
    assert re.search(r"\b7/7 URLs \(3 written, 0 failed\)", shown), shown[-2000:]
    assert "/?" not in shown
    code, _, shown = _on_a_terminal(["export", str(tmp_path / "b.jsonl"), "-o",
                                     str(tmp_path / "b.csv")])
    assert code == 0 and "3/3 records" in shown
    # Not a terminal: the closing line only.
    assert main(["get", *urls, "-o", str(tmp_path / "c.jsonl"), "--delay", "0"]) == 0
    assert capsys.readouterr().err == "scraper get: 2 written, 0 failed\n"


def test_overwrite_never_removes_the_state_of_a_running_crawl(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scraper.crawl.state import CrawlState
    state = tmp_path / "o.jsonl.state.db"
    running = CrawlState(state)  # another crawl holds it
    assert main(["crawl", "-o", str(tmp_path / "o.jsonl"), "--overwrite"]) == 2
    assert "in use by another crawl" in capsys.readouterr().err and state.exists()
    running.close()
