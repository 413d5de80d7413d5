"""The fetcher against a real loopback server: politeness, retries, limits, redirects."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_checks import FIXTURES
from scraper.config import FetchOptions
from scraper.crawl.fetch import Fetcher, FetchResult, retry_after_seconds
from scraper.demo.mirror import Mirror, Scripted

FAST = FetchOptions(delay=0.0, backoff=0.0, retries=3)
HTML = (("Content-Type", "text/html; charset=utf-8"),)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "en" / "actualites" / "view").mkdir(parents=True)
    for number, page in enumerate(["seed-table", "en-indepth-table-layout", "en-brief-br-text",
                                   "en-press-spam-variant"], start=4384):
        shutil.copy(FIXTURES / "pages" / f"{page}.html",
                    root / "en" / "actualites" / "view" / f"{number}.html")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", "utf-8")
    return root


@pytest.fixture
def mirror(site: Path) -> Iterator[Mirror]:
    with Mirror(site) as running:
        yield running


def _fetch(mirror: Mirror, path: str, options: FetchOptions = FAST,
           waits: list[float] | None = None, **keywords: str) -> FetchResult:
    async def sleep(seconds: float) -> None:
        if waits is not None:
            waits.append(seconds)

    async def run() -> FetchResult:
        async with Fetcher(options, allowed_hosts=frozenset({mirror.base_url[7:]}),
                           sleep=sleep) as fetcher:
            return await fetcher.fetch(mirror.base_url + path, **keywords)

    return asyncio.run(run())


def test_a_page_is_fetched_with_its_headers(mirror: Mirror) -> None:
    result = _fetch(mirror, "/en/actualites/view/4384")
    assert result.outcome == "done"
    assert result.page is not None and b"Bridges of Trust" in result.page.body
    assert result.page.charset == "utf-8"
    assert "etag" in result.page.headers
    assert mirror.log[0].headers["User-Agent"].startswith("scraper")


def test_robots_txt_is_obeyed(mirror: Mirror) -> None:
    result = _fetch(mirror, "/private/page")
    assert (result.outcome, result.reason) == ("skipped", "disallowed by robots.txt")
    assert [entry.path for entry in mirror.log] == ["/robots.txt"]


def test_crawl_delay_spaces_requests(site: Path) -> None:
    (site / "robots.txt").write_text("User-agent: *\nCrawl-delay: 0.3\n", "utf-8")
    with Mirror(site) as mirror:
        async def run() -> None:
            async with Fetcher(FAST, allowed_hosts=frozenset({mirror.base_url[7:]})) as fetcher:
                await asyncio.gather(*(fetcher.fetch(f"{mirror.base_url}/en/actualites/view/{n}")
                                       for n in range(4384, 4388)))

        asyncio.run(run())
    starts = [entry.at for entry in mirror.log if entry.path != "/robots.txt"]
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 4
    assert min(gaps) >= 0.25


def test_at_most_per_host_requests_in_flight(mirror: Mirror) -> None:
    slow = [Scripted(200, HTML, b"<p>slow</p>", delay=0.2)]
    for number in range(10):
        mirror.script[f"/slow/{number}"] = list(slow)
    options = FetchOptions(delay=0.0, per_host=2)

    async def run() -> None:
        async with Fetcher(options, allowed_hosts=frozenset({mirror.base_url[7:]})) as fetcher:
            await asyncio.gather(*(fetcher.fetch(f"{mirror.base_url}/slow/{number}")
                                   for number in range(10)))

    asyncio.run(run())
    assert mirror.max_in_flight == 2


def test_retry_after_is_honoured_on_429_and_503(mirror: Mirror) -> None:
    mirror.script["/busy"] = [Scripted(429, (("Retry-After", "7"),)),
                              Scripted(503, (("Retry-After", "3"),)), Scripted(200, HTML, b"ok")]
    waits: list[float] = []
    result = _fetch(mirror, "/busy", waits=waits)
    assert (result.outcome, result.attempts) == ("done", 3)
    assert waits == [7.0, 3.0]


def test_server_errors_are_retried_then_given_up(mirror: Mirror) -> None:
    mirror.script["/broken"] = [Scripted(500)]
    waits: list[float] = []
    result = _fetch(mirror, "/broken", FetchOptions(delay=0.0, retries=3, backoff=1.0), waits)
    assert (result.outcome, result.attempts, result.status) == ("failed", 4, 500)
    assert "gave up after 4 attempts" in (result.reason or "")
    assert len(waits) == 3  # 1, 2, 4 s, each times a jitter factor in [0.5, 1.5]
    for attempt, wait in enumerate(waits):
        assert 0.5 * 2 ** attempt <= wait <= 1.5 * 2 ** attempt


def test_other_client_errors_are_not_retried(mirror: Mirror) -> None:
    mirror.script["/gone"] = [Scripted(403)]
    result = _fetch(mirror, "/gone")
    assert (result.outcome, result.attempts, result.reason) == ("failed", 1, "HTTP 403")
    assert _fetch(mirror, "/en/actualites/view/1").outcome == "skipped"  # 404: no such page


def test_truncated_bodies_are_retried(mirror: Mirror) -> None:
    mirror.script["/torn"] = [Scripted(200, HTML, b"<p>half", declared_length=5000),
                              Scripted(200, HTML, b"<p>whole</p>")]
    result = _fetch(mirror, "/torn")
    assert (result.outcome, result.attempts) == ("done", 2)
    assert result.page is not None and result.page.body == b"<p>whole</p>"


def test_oversized_bodies_are_aborted(mirror: Mirror) -> None:
    mirror.script["/huge"] = [Scripted(200, HTML, b"<p>" + b"x" * 50_000 + b"</p>")]
    result = _fetch(mirror, "/huge", FetchOptions(delay=0.0, max_bytes=4096))
    assert result.outcome == "failed"
    assert "4096 byte limit" in (result.reason or "")


def test_redirects_are_followed_within_allowed_hosts(mirror: Mirror) -> None:
    mirror.script["/old"] = [Scripted(301, (("Location", "/en/actualites/view/4384"),))]
    result = _fetch(mirror, "/old")
    assert result.outcome == "done"
    assert result.page is not None and result.page.final_url.endswith("/view/4384")


def test_redirects_to_foreign_hosts_are_refused(mirror: Mirror) -> None:
    mirror.script["/away"] = [Scripted(302, (("Location", "http://elsewhere.invalid/x"),))]
    result = _fetch(mirror, "/away")
    assert result.outcome == "skipped"
    assert "foreign host" in (result.reason or "")
    assert len(mirror.log) == 2  # robots.txt and /away; nothing sent elsewhere


def test_redirect_loops_and_chains_are_cut(mirror: Mirror) -> None:
    mirror.script["/a"] = [Scripted(302, (("Location", "/b"),))]
    mirror.script["/b"] = [Scripted(302, (("Location", "/a"),))]
    assert "redirect loop" in (_fetch(mirror, "/a").reason or "")
    for number in range(8):
        mirror.script[f"/hop{number}"] = [Scripted(302, (("Location", f"/hop{number + 1}"),))]
    assert "more than 5 redirects" in (_fetch(mirror, "/hop0").reason or "")


def test_non_html_is_skipped_with_the_reason(mirror: Mirror) -> None:
    mirror.script["/file.pdf"] = [Scripted(200, (("Content-Type", "application/pdf"),), b"%PDF")]
    result = _fetch(mirror, "/file.pdf")
    assert (result.outcome, result.reason) == ("skipped", "not HTML (application/pdf)")


def test_conditional_get_returns_not_modified(mirror: Mirror) -> None:
    first = _fetch(mirror, "/en/actualites/view/4385")
    assert first.page is not None
    again = _fetch(mirror, "/en/actualites/view/4385", etag=first.page.headers["etag"])
    assert (again.outcome, again.status) == ("not_modified", 304)
    assert mirror.log[-1].headers["If-None-Match"] == first.page.headers["etag"]


def test_connection_refused_is_retried_then_failed() -> None:
    async def run() -> FetchResult:
        options = FetchOptions(delay=0.0, backoff=0.0, retries=2, respect_robots=False)
        async with Fetcher(options) as fetcher:
            return await fetcher.fetch("http://127.0.0.1:9/nothing-listens-here")

    result = asyncio.run(run())
    assert (result.outcome, result.attempts) == ("failed", 3)
    assert "connection refused" in (result.reason or "")


@pytest.mark.parametrize(
    ("header", "seconds"),
    [pytest.param("120", 120.0, id="delta-seconds"),
     pytest.param("Wed, 21 Oct 2015 07:28:30 GMT", 30.0, id="http-date"),
     pytest.param("soon", None, id="garbage"), pytest.param(None, None, id="absent")],
)
def test_retry_after_header_forms(header: str | None, seconds: float | None) -> None:
    from datetime import UTC, datetime

    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after_seconds(header, now) == seconds


def test_a_redirected_robots_txt_is_followed(mirror: Mirror, site: Path) -> None:
    (site / "real-robots.txt").write_text("User-agent: *\nDisallow: /en/\n", "utf-8")
    mirror.script["/robots.txt"] = [Scripted(301, (("Location", "/real-robots.txt"),))]
    result = _fetch(mirror, "/en/actualites/view/4384")
    assert (result.outcome, result.reason) == ("skipped", "disallowed by robots.txt")


def test_a_client_passed_in_still_sends_our_user_agent(mirror: Mirror) -> None:
    import httpx

    async def run() -> FetchResult:
        async with httpx.AsyncClient() as client:
            async with Fetcher(FAST, allowed_hosts=frozenset({mirror.base_url[7:]}),
                               client=client) as fetcher:
                return await fetcher.fetch(mirror.base_url + "/en/actualites/view/4384")

    assert asyncio.run(run()).outcome == "done"
    assert {entry.headers["User-Agent"] for entry in mirror.log} == {FAST.full_user_agent}
