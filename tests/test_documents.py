"""`scraper crawl --documents` on the bundled demo archive: the position papers its press
releases link are fetched once each, read (pages, title, text), kept in the WARC, resumed
after SIGKILL with nothing lost or doubled, and exported to SQLite with full-text search."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from archives import LEGACY

from scraper.cli import main
from scraper.crawl.state import CrawlState
from scraper.demo.mirror import Mirror
from scraper.extract.files import read_file

IDS = "4300-4400"
"""Press releases 4303, 4336, 4379 and 4389 link a paper each (4303 and 4336 in EN and FR)."""
MANIFEST = json.loads((LEGACY / "items.json").read_text("utf-8"))


def _linked(first: int, last: int) -> dict[str, set[str]]:
    """Paper path -> the item pages that link it, from the archive's manifest."""
    papers: dict[str, set[str]] = {}
    for entry in MANIFEST:
        if first <= int(entry["id"]) <= last:
            for path in entry["documents"]:
                papers.setdefault(path, set()).add(f"/{entry['lang']}/actualites/view/{entry['id']}")
    return papers


PAPERS = _linked(4300, 4400)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive without its robots.txt Crawl-delay (a second per page)."""
    root = tmp_path_factory.mktemp("demo") / "site"
    shutil.copytree(LEGACY / "site", root)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n", "utf-8")
    return root


@pytest.fixture(scope="module")
def crawled(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    out = tmp_path_factory.mktemp("crawl") / "records.jsonl"
    with Mirror(site) as mirror:
        code = main(["crawl", "--base-url", mirror.base_url, "--ids", IDS, "--delay", "0",
                     "--documents", "--warc", str(out.with_suffix(".warc.gz")), "-o", str(out)])
        assert code == 0
        yield out, mirror.base_url


def _documents(out: Path) -> list[dict[str, object]]:
    path = out.with_name(out.name.removesuffix(".jsonl") + ".documents.jsonl")
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_every_linked_paper_is_fetched_once_and_read(crawled: tuple[Path, str],
                                                     site: Path) -> None:
    out, base = crawled
    assert len(PAPERS) == 4 and sum(len(pages) for pages in PAPERS.values()) == 6
    documents = _documents(out)
    assert sorted(document["url"] for document in documents) == sorted(
        base + path for path in PAPERS)
    records = {record["url"]: record
               for record in map(json.loads, out.read_text("utf-8").splitlines())}
    for document in documents:
        path = str(document["url"]).removeprefix(base)
        body = (site / path.lstrip("/")).read_bytes()
        assert document["linked_from"] and \
            {str(url).removeprefix(base) for url in document["linked_from"]} == PAPERS[path]
        assert (document["size"], document["sha256"]) == (len(body),
                                                           hashlib.sha256(body).hexdigest())
        assert document["type"] == "pdf" and document["pages"] == 2
        english = records[f"{base}/en/actualites/view/{path.rsplit('-', 1)[1][:-4]}"]
        assert document["title"] == f"CEMR position paper: {english['title']}"
        first = english["paragraphs"][0]
        assert " ".join(str(document["text"]).split()).startswith(
            f"CEMR position paper: {english['title']} {first[:40]}")
        assert document["read_error"] is None
        assert document["fetch"]["content_type"] == "application/pdf"


def test_records_link_the_papers_and_the_warc_keeps_them(crawled: tuple[Path, str]) -> None:
    out, base = crawled
    linking = [record for record in map(json.loads, out.read_text("utf-8").splitlines())
               if record["documents"]]
    assert {record["url"].removeprefix(base) for record in linking} == set().union(
        *PAPERS.values())
    for record in linking:
        assert record["links"][0]["kind"] == "document"
        assert record["contacts"] and record["contacts"][0]["email"].endswith("@ccre.org")
    with gzip.open(out.with_suffix(".warc.gz"), "rb") as handle:
        warc = handle.read()
    assert warc.lower().count(b"content-type: application/pdf") == len(PAPERS)
    # The WARC read back extracts the pages and leaves the PDFs alone.
    again = out.with_name("again.jsonl")
    assert main(["extract", str(out.with_suffix(".warc.gz")), "-o", str(again)]) == 0
    assert len(again.read_text("utf-8").splitlines()) == len(out.read_text("utf-8").splitlines())


def test_sqlite_export_puts_the_papers_beside_the_articles(crawled: tuple[Path, str],
                                                          tmp_path: Path) -> None:
    out, _ = crawled
    database = tmp_path / "records.sqlite"
    assert main(["export", str(out), "--to", "sqlite", "-o", str(database)]) == 0
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT a.language, d.text, d.type, d.pages, d.file_title FROM documents d "
            "JOIN articles a ON a.id = d.article_id").fetchall()
        assert len(rows) == 6 and all(row[2:4] == ("pdf", 2) for row in rows)
        assert {row[1] for row in rows} == {"here", "ici"}
        word = "municipalities"
        found = connection.execute(
            "SELECT d.url FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ?", (f"file_text:{word}",)).fetchall()
        texts = connection.execute("SELECT url, file_text FROM documents").fetchall()
        assert {url for (url,) in found} == {url for url, text in texts if word in text.lower()}
        assert found
        assert connection.execute("SELECT COUNT(*) FROM contacts").fetchone()[0] == 6


def test_kill_during_the_documents_and_resume_writes_each_paper_once(
        site: Path, tmp_path: Path) -> None:
    out, state = tmp_path / "records.jsonl", tmp_path / "state.db"
    files = tmp_path / "records.documents.jsonl"
    papers = _linked(4330, 4395)  # 4336 (EN and FR), 4379, 4389
    with Mirror(site, latency=0.02) as mirror:
        base = mirror.base_url
        command = [sys.executable, "-m", "scraper", "crawl", "--base-url", base,
                   "-o", str(out), "--state", str(state), "--delay", "0", "--ids", "4330-4395",
                   "--documents", "--concurrency", "1"]
        for kill_after in (1, 2):
            process = subprocess.Popen(command + (["--resume"] if out.exists() else []),
                                       stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                if files.exists() and files.read_bytes().count(b"\n") >= kill_after:
                    break
                time.sleep(0.005)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        assert files.exists() and files.read_bytes().count(b"\n") < len(papers) == 3
        finished = subprocess.run(command + ["--resume"], capture_output=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    urls = [document["url"] for document in _documents(out)]
    assert sorted(urls) == sorted(base + path for path in papers)
    keys = [json.loads(line)["url"] for line in out.read_text("utf-8").splitlines()]
    assert len(keys) == len(set(keys))


def test_resume_notes_the_papers_of_records_written_just_before_a_kill(
        site: Path, tmp_path: Path) -> None:
    """Killed after a record was written but before its papers were noted, or after a paper
    was written but before it was marked done: --resume repairs both from the files."""
    out, state_path = tmp_path / "records.jsonl", tmp_path / "state.db"
    with Mirror(site) as mirror:
        arguments = ["crawl", "--base-url", mirror.base_url, "-o", str(out), "--state",
                     str(state_path), "--delay", "0", "--ids", IDS, "--documents"]
        assert main(arguments) == 0
        written = _documents(out)
        state = CrawlState(state_path)
        kept = str(written[0]["url"])
        state.db.execute("UPDATE documents SET status = 'pending' WHERE url = ?", (kept,))
        state.db.execute("DELETE FROM documents WHERE url != ?", (kept,))
        state.db.execute("DELETE FROM document_links")
        state.close()
        lost = written[1:]
        files = out.with_name("records.documents.jsonl")
        files.write_text(json.dumps(written[0]) + "\n", "utf-8")
        assert main([*arguments, "--resume"]) == 0
    again = _documents(out)
    assert again[0] == written[0] and sorted(document["url"] for document in again[1:]) == \
        sorted(document["url"] for document in lost)
    assert all(document["linked_from"] for document in again)


def test_a_pdf_reads_without_pypdf_broken_or_not_a_pdf_say_why(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paper = next(site.glob("files/*/*.pdf")).read_bytes()
    read = read_file(paper, "pdf")
    assert read.pages == 2 and read.title and read.text and read.error is None
    assert read_file(paper[: len(paper) // 3], "pdf").error.startswith("unreadable PDF")
    assert read_file(b"<html>not a pdf</html>", "pdf").error.startswith("not a PDF")
    assert read_file(b"PK\x03\x04", "docx").error is None  # other types: nothing to read
    monkeypatch.setitem(sys.modules, "pypdf", None)
    assert "pip install 'scraper[pdf]'" in (read_file(paper, "pdf").error or "")


def test_documents_need_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--documents", "-o", "-", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "--documents writes OUT.documents.jsonl" in capsys.readouterr().err
