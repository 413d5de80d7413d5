"""The single-URL path of the two newer sources on recorded HTTP: a post page of the
WordPress site, and a web-archive capture URL (``/web/<timestamp>id_/<url>``), which
``scraper get`` reads as the original page with the capture's time and address in
``fetch``.

The cassettes in ``tests/cassettes/test_sources_single/`` replay the fake servers
(``scraper.demo.wordpress``, ``scraper.demo.wayback``) on the fixed port 8766. Record mode
``none`` (the default) starts no server. To record again, on purpose:

    python -m pytest tests/test_sources_single.py --record-mode=rewrite
"""

from __future__ import annotations

from archives import WAYBACK, WP

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from recording import replay_or_serve
from scraper.cli import main
from scraper.demo.wayback import wayback_app
from scraper.demo.wordpress import wordpress_app
from scraper.demo.mirror import Mirror, Scripted

PORT = 8766
BASE = f"http://127.0.0.1:{PORT}"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
POST_URL = f"{BASE}/statutory-affairs/cemr-leaders-summit-2025-malta"
CAPTURE_URL = f"{BASE}/web/20191106104512id_/http://www.ccre.org/en/actualites/view/3950"


def _both(path: str, query: dict[str, list[str]]) -> Scripted | None:
    """The WordPress site and the web archive on one port (their paths do not overlap)."""
    if path.startswith(("/web/", "/cdx/")):
        return _ARCHIVE(path, query)
    return _WORDPRESS(path, query)


_WORDPRESS: Callable[[str, dict[str, list[str]]], Scripted | None] = wordpress_app(
    WP)
_ARCHIVE = wayback_app(WAYBACK)


@pytest.fixture
def served(record_mode: str, vcr_cassette_dir: str, default_cassette_name: str
           ) -> Iterator[None]:
    with replay_or_serve(record_mode, Path(vcr_cassette_dir) / f"{default_cassette_name}.yaml",
                         "tests/test_sources_single.py",
                         lambda: Mirror(WP, port=PORT, app=_both)):
        yield


def _get(url: str, output: Path, *extra: str) -> dict[str, object]:
    assert main(["get", url, "--delay", "0", "-o", str(output), *extra]) == 0
    lines = output.read_text("utf-8").splitlines()
    assert len(lines) == 1
    record: dict[str, object] = json.loads(lines[0])
    return record


@pytest.mark.vcr
def test_get_a_wordpress_post(served: None, tmp_path: Path) -> None:
    record = _get(POST_URL, tmp_path / "post.jsonl", "--profile", "cemr-wp")
    assert record["canonical_url"] == (
        "https://ccre-cemr.org/statutory-affairs/cemr-leaders-summit-2025-malta")
    assert record["item_id"] == "28352"
    assert record["section"] == "Statutory Affairs"
    assert record["topics"] == ["Press", "Demographic change", "Leaders Summit", "Malta"]
    assert record["published"] == "2025-12-05"
    assert record["dateline"] == {"place": "St. Julian’s, Malta", "date": "2025-12-05"}
    assert [quote["speaker"] for quote in record["quotes"]] == ["Ingrid Haugland"]  # type: ignore[union-attr]


@pytest.mark.vcr
def test_get_a_web_archive_capture(served: None, tmp_path: Path) -> None:
    record = _get(CAPTURE_URL, tmp_path / "capture.jsonl")
    assert record["url"] == "http://www.ccre.org/en/actualites/view/3950"
    assert record["canonical_url"] == "https://ccre.org/en/actualites/view/3950"
    assert record["item_id"] == "3950"
    assert record["title"] == "Town twinning in Europe"
    assert record["published"] == "2019-11-05"
    fetch = record["fetch"]
    assert isinstance(fetch, dict)
    assert fetch["archive_url"] == CAPTURE_URL
    assert dt.datetime.fromisoformat(fetch["archived_at"]) == dt.datetime(
        2019, 11, 6, 10, 45, 12, tzinfo=dt.UTC)
