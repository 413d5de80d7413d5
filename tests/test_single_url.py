"""The single-URL path (``scraper.fetch_article`` and ``scraper get``) on recorded HTTP.

The cassettes in ``tests/cassettes/test_single_url/`` replay a loopback mirror serving the
founding page (``fixtures/pages/seed-table.html`` as ``/en/actualites/view/4384``) and a
robots.txt on the fixed port 8765, so the recorded requests match on replay. By default
(record mode ``none``) no server runs: every response comes from the cassette. To record
again, on purpose, run

    python -m pytest tests/test_single_url.py --record-mode=rewrite

which starts the mirror on 127.0.0.1:8765 for the duration of each test (``once`` records
only cassettes that are missing).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import scraper
from recording import replay_or_serve
from fixture_checks import FIXTURES
from scraper.cli import main
from scraper.config import FetchOptions
from scraper.demo.mirror import Mirror

PORT = 8765
URL = f"http://127.0.0.1:{PORT}/en/actualites/view/4384"
CANONICAL_URL = "https://ccre.org/en/actualites/view/4384"
TITLE = ("Bridges of Trust partner-municipalities, Fastiv and Druskininkai, meet in person "
         "for the first time")
SPEAKERS = ["Yuliia Kazakova", "Liudmyla Rudiak"]
ROBOTS = "User-agent: *\nDisallow: /admin/\n"
NO_DELAY = FetchOptions(delay=0)


def _build_site(root: Path) -> None:
    folder = root / "en" / "actualites" / "view"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "pages" / "seed-table.html", folder / "4384.html")
    (root / "robots.txt").write_text(ROBOTS, encoding="utf-8")


@pytest.fixture
def served(record_mode: str, vcr_cassette_dir: str, default_cassette_name: str,
           tmp_path: Path) -> Iterator[None]:
    """The mirror on 127.0.0.1:8765 while recording; nothing when replaying."""
    def serve() -> Mirror:
        _build_site(tmp_path / "site")
        return Mirror(tmp_path / "site", port=PORT)

    with replay_or_serve(record_mode, Path(vcr_cassette_dir) / f"{default_cassette_name}.yaml",
                         "tests/test_single_url.py", serve):
        yield


def _check_record(record: dict[str, object]) -> None:
    """The founding page's real fields, read from the (recorded) HTTP response."""
    assert record["url"] == URL
    assert record["canonical_url"] == CANONICAL_URL
    assert record["item_id"] == "4384"
    assert record["language"] == "en"
    assert record["title"] == TITLE
    assert record["published"] == "2022-10-20"
    assert record["published_raw"] == "20.10.2022"
    assert record["section"] == "Solidarity with Ukraine"
    assert record["topics"] == ["Bridges of Trust"]
    quotes = record["quotes"]
    assert isinstance(quotes, list)
    assert [quote["speaker"] for quote in quotes] == SPEAKERS
    fetch = record["fetch"]
    assert isinstance(fetch, dict)
    assert fetch["status"] == 200
    assert fetch["final_url"] == URL
    assert fetch["content_type"] == "text/html; charset=utf-8"


@pytest.mark.vcr
def test_fetch_article_returns_the_record(served: None) -> None:
    async def fetch() -> scraper.Article:
        async with httpx.AsyncClient(timeout=10) as client:
            return await scraper.fetch_article(URL, profile="cemr", options=NO_DELAY,
                                               client=client)

    article = asyncio.run(fetch())

    assert article.published == dt.date(2022, 10, 20)
    assert [quote.speaker for quote in article.quotes] == SPEAKERS
    _check_record(article.model_dump(mode="json"))


@pytest.mark.vcr
def test_get_command_writes_the_record(served: None, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "records.jsonl"

    code = main(["get", URL, "--profile", "cemr", "--delay", "0", "-o", str(output)])

    assert code == 0
    assert "1 written, 0 failed" in capsys.readouterr().err
    lines = output.read_text("utf-8").splitlines()
    assert len(lines) == 1
    _check_record(json.loads(lines[0]))


def test_cassettes_hold_no_credentials() -> None:
    """vcr_config filters cookie and auth headers: no cassette may carry one."""
    cassettes = sorted((Path(__file__).parent / "cassettes" / "test_single_url").glob("*.yaml"))
    assert cassettes, "no cassettes recorded for test_single_url"
    for cassette in cassettes:
        text = cassette.read_text("utf-8").lower()
        for header in ("authorization:", "cookie:", "set-cookie:"):
            assert header not in text, f"{cassette.name} records a {header} header"
