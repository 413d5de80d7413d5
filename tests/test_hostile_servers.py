"""Hostile servers (issue 15, findings 2 to 9): bounded memory, only the allowed (host, port),
robots.txt outages left pending, one identity per item, discovery bounded, no hang, one line
instead of a traceback. Every server is on 127.0.0.1; each test failed before its fix."""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import shutil
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from archives import legacy_site
from fixture_checks import FIXTURES

import scraper
from scraper.cli import main
from scraper.config import FetchOptions
from scraper.crawl import runner
from scraper.crawl.fetch import Fetcher, FetchResult
from scraper.crawl.runner import CrawlSummary, PageReader
from scraper.crawl.settings import CrawlSettings
from scraper.crawl.state import CrawlState
from scraper.crawl.wayback import Capture, choose_captures
from scraper.crawl.wordpress import plausible_modified
from scraper.demo.mirror import Mirror, Scripted
from scraper.errors import ConfigError
from scraper.profiles import load_profile
from scraper.records import Article

FAST = FetchOptions(delay=0.0, backoff=0.0, retries=1)
HTML = ("Content-Type", "text/html; charset=utf-8")
TEXT = ("Content-Type", "text/plain")
JSON = ("Content-Type", "application/json")
T = TypeVar("T")


def _gzip_stream(chunk: bytes, repeat: int) -> bytes:
    """gzip of ``chunk`` * ``repeat``, compressed as a stream (the input never in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(chunk) for _ in range(repeat)]
    return b"".join(parts) + packer.flush()


def _peak_mb(run: Callable[[], T]) -> tuple[T, float]:
    """``run()``'s result and the peak of Python memory allocated while it ran, in MB
    (the loopback server's thread included)."""
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _fetch(mirror: Mirror, path: str, options: FetchOptions = FAST,
           allowed: frozenset[str] | None = None) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(options, allowed_hosts=allowed or frozenset({mirror.base_url[7:]})
                           ) as fetcher:
            return await fetcher.fetch(mirror.base_url + path)

    return asyncio.run(run())


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Items 4384 and 4385 in EN and FR, a robots.txt allowing all."""
    return legacy_site(tmp_path / "site", {
        ("en", 4384): "seed-table", ("en", 4385): "en-brief-br-text",
        ("fr", 4384): "fr-article-autonomie-locale", ("fr", 4385): "fr-communique-charte-egalite"})


@pytest.fixture
def mirror(site: Path) -> Iterator[Mirror]:
    with Mirror(site) as running:
        yield running


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Mirror]:
    """A second server on 127.0.0.1, another port: a host the crawl must not reach."""
    root = tmp_path / "other"
    root.mkdir()
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /\n", "utf-8")
    with Mirror(root) as running:
        yield running


def _crawl(mirror: Mirror, out: Path, *extra: str) -> int:
    return main(["crawl", "--base-url", mirror.base_url, "-o", str(out), "--delay", "0",
                 "--ids", "4384-4385", "--retries", "1", *extra])


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# 2. Decompression bombs ------------------------------------------------------------------

def test_a_gzip_of_gzip_bomb_stops_at_the_limit_in_bounded_memory(mirror: Mirror) -> None:
    bomb = gzip.compress(_gzip_stream(b"\0" * (1 << 20), 300))  # 300 MB inside 1 KB
    mirror.script["/bomb"] = [Scripted(200, (HTML, ("Content-Encoding", "gzip, gzip")), bomb)]
    result, peak = _peak_mb(lambda: _fetch(mirror, "/bomb"))
    assert result.outcome == "failed"
    assert result.reason == "body over the 10485760 byte limit once decompressed"
    assert peak < 64, f"{peak:.0f} MB"


def test_a_gzip_page_within_the_limit_is_read(mirror: Mirror) -> None:
    page = (FIXTURES / "pages" / "seed-table.html").read_bytes()
    mirror.script["/gz"] = [Scripted(200, (HTML, ("Content-Encoding", "gzip")),
                                     gzip.compress(page))]
    mirror.script["/deflate"] = [Scripted(200, (HTML, ("Content-Encoding", "deflate")),
                                          zlib.compress(page))]
    for path in ("/gz", "/deflate"):
        result = _fetch(mirror, path)
        assert result.outcome == "done" and result.page is not None
        assert result.page.body == page
        assert "content-encoding" not in result.page.headers  # the body is decoded
    assert mirror.log[-1].headers["Accept-Encoding"] == "gzip, deflate"


def test_an_encoding_not_offered_is_refused_by_name(mirror: Mirror) -> None:
    mirror.script["/br"] = [Scripted(200, (HTML, ("Content-Encoding", "br")), b"\x0b\x02")]
    result = _fetch(mirror, "/br")
    assert result.outcome == "failed" and "Content-Encoding 'br'" in (result.reason or "")


def test_a_cut_gzip_body_is_truncated_and_retried(mirror: Mirror) -> None:
    whole = gzip.compress(b"<p>" + random.Random(1).randbytes(50_000).hex().encode() + b"</p>")
    mirror.script["/cut"] = [Scripted(200, (HTML, ("Content-Encoding", "gzip")), whole[:200])]
    result = _fetch(mirror, "/cut")
    assert result.outcome == "failed" and "truncated body" in (result.reason or "")
    assert result.attempts == 2


def test_a_huge_robots_txt_is_read_to_512_kib_only(mirror: Mirror, site: Path) -> None:
    # The rule after 5 MB of comments is past what is read: the page is allowed.
    (site / "robots.txt").write_bytes(b"# padding\n" * 500_000 + b"User-agent: *\nDisallow: /\n")
    result, peak = _peak_mb(lambda: _fetch(mirror, "/en/actualites/view/4384"))
    assert result.outcome == "done"
    assert peak < 40, f"{peak:.0f} MB"


def test_a_gzip_bomb_robots_txt_is_read_to_512_kib_only(mirror: Mirror) -> None:
    bomb = _gzip_stream(b"# padding\n" * 100_000, 300)  # 300 MB of comments
    mirror.script["/robots.txt"] = [Scripted(200, (TEXT, ("Content-Encoding", "gzip")), bomb)]
    result, peak = _peak_mb(lambda: _fetch(mirror, "/en/actualites/view/4384"))
    assert result.outcome == "done"
    assert peak < 64, f"{peak:.0f} MB"


# 3. Redirects reach only the allowed (host, port) pairs -------------------------------------

def test_a_robots_txt_redirect_to_another_port_is_not_followed(mirror: Mirror,
                                                               other: Mirror) -> None:
    mirror.script["/robots.txt"] = [Scripted(302, (("Location", other.base_url + "/robots.txt"),))]
    result = _fetch(mirror, "/en/actualites/view/4384")
    assert other.log == []
    assert result.outcome == "deferred"
    assert "foreign host refused" in (result.reason or "")


def test_a_page_redirect_to_the_same_host_on_another_port_is_refused(mirror: Mirror,
                                                                      other: Mirror) -> None:
    mirror.script["/away"] = [Scripted(302, (("Location", other.base_url + "/x"),))]
    result = _fetch(mirror, "/away")
    assert other.log == []
    assert (result.outcome, result.reason) == (
        "skipped", f"redirect to a foreign host refused: {other.base_url}/x")


def test_a_bare_host_allows_its_default_ports_only() -> None:
    fetcher = Fetcher(FAST, allowed_hosts=frozenset({"ccre.org", "127.0.0.1:8765"}))
    assert fetcher._is_allowed_host("https://ccre.org/en")
    assert fetcher._is_allowed_host("http://ccre.org:80/en")
    assert not fetcher._is_allowed_host("http://ccre.org:8080/en")
    assert fetcher._is_allowed_host("http://127.0.0.1:8765/x")
    assert not fetcher._is_allowed_host("http://127.0.0.1:8766/x")
    asyncio.run(fetcher.aclose())


# 4. A robots.txt outage leaves the crawl pending, loudly ---------------------------------

def test_a_robots_txt_outage_leaves_every_item_pending_and_exits_non_zero(
        mirror: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mirror.script["/robots.txt"] = [Scripted(503, (TEXT,), b"down")]
    out = tmp_path / "out.jsonl"
    assert _crawl(mirror, out) == 1
    err = capsys.readouterr().err
    assert "4 left pending: robots.txt of" in err and "unavailable (HTTP 503, 2 attempts)" in err
    assert "--resume" in err
    state = CrawlState(tmp_path / "out.jsonl.state.db")
    assert state.counts()["pending"] == 4 and state.counts()["skipped"] == 0
    state.close()
    assert [entry.path for entry in mirror.log] == ["/robots.txt"] * 2  # no page asked
    del mirror.script["/robots.txt"]  # robots.txt is back: the next run does the work
    assert _crawl(mirror, out, "--resume") == 0
    assert len(_lines(out)) == 4


def test_a_robots_txt_that_never_connects_is_deferred_too(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def run() -> FetchResult:
        async with Fetcher(FAST, allowed_hosts=frozenset({f"127.0.0.1:{port}"})) as fetcher:
            return await fetcher.fetch(f"http://127.0.0.1:{port}/page")

    result = asyncio.run(run())
    assert result.outcome == "deferred" and "ConnectError" in (result.reason or "")


# 5. Exactly once: one identity per item; one crawl per state -----------------------------

def test_an_fr_item_redirecting_to_its_en_edition_is_written_once_across_resumes(
        mirror: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mirror.script["/fr/actualites/view/4384"] = [
        Scripted(302, (("Location", "/en/actualites/view/4384"),))]
    out = tmp_path / "out.jsonl"
    assert _crawl(mirror, out) == 0
    assert _crawl(mirror, out, "--resume") == 0
    assert _crawl(mirror, out, "--resume") == 0
    records = _lines(out)
    canonical = [record["canonical_url"] for record in records]
    assert len(canonical) == len(set(canonical)) == 3
    assert {record["fetch"]["requested_url"] for record in records} == {
        f"{mirror.base_url}/en/actualites/view/4384", f"{mirror.base_url}/en/actualites/view/4385",
        f"{mirror.base_url}/fr/actualites/view/4385"}
    state = CrawlState(tmp_path / "out.jsonl.state.db")
    fr = state.get(f"{mirror.base_url}/fr/actualites/view/4384")
    state.close()
    assert fr is not None and fr.status == "skipped"
    assert "an item of its own" in (fr.reason or "")


def test_a_record_is_known_by_its_request_when_its_canonical_url_says_otherwise(
        tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.db")
    state.add([("http://127.0.0.1:1/a", "https://site/a", "listed"),
               ("http://127.0.0.1:1/b", "https://site/b", "listed")])
    state.mark("http://127.0.0.1:1/a", "done")
    state.mark("http://127.0.0.1:1/b", "done")
    # a's record names no canonical URL (a WordPress page without one): its request counts
    assert state.reconcile({"http://127.0.0.1:1/a"}, {"https://site/b"}) == (0, 0)
    assert state.reconcile({"http://127.0.0.1:1/a"}) == (0, 1)
    state.close()


def test_a_state_file_in_use_is_refused_with_one_line(tmp_path: Path) -> None:
    first = CrawlState(tmp_path / "s.db")
    with pytest.raises(ConfigError, match="is in use by another crawl"):
        CrawlState(tmp_path / "s.db")
    first.close()
    CrawlState(tmp_path / "s.db").close()  # released on close


def test_two_concurrent_resumes_never_write_twice(mirror: Mirror, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    assert _crawl(mirror, out, "--max-items", "1") == 0
    holder = CrawlState(tmp_path / "out.jsonl.state.db")  # another run holds the state
    assert _crawl(mirror, out, "--resume") == 2
    assert "in use by another crawl" in capsys.readouterr().err
    holder.close()
    assert _crawl(mirror, out, "--resume") == 0
    canonical = [record["canonical_url"] for record in _lines(out)]
    assert len(canonical) == len(set(canonical)) == 4


# 6. Discovery bounded ---------------------------------------------------------------------

def _wordpress_app(posts_page: Callable[[int], Scripted]) -> Callable[..., Scripted | None]:
    def app(path: str, query: dict[str, list[str]]) -> Scripted | None:
        if path == "/robots.txt":
            return Scripted(200, (TEXT,), b"User-agent: *\nAllow: /\n")
        if path == "/wp-json/wp/v2/posts":
            return posts_page(int(query.get("page", ["1"])[0]))
        if path.startswith("/wp-json/wp/v2/"):
            return Scripted(200, (JSON,), b"[]")
        return Scripted(404, (HTML,), b"not here")
    return app


def _post(number: int, base: str) -> dict[str, Any]:
    return {"id": number, "link": f"{base}/news/post-{number}/", "date": "2024-03-01T10:00:00",
            "modified": "2024-03-02T10:00:00", "title": {"rendered": f"Post {number}"},
            "content": {"rendered": f"<p>Body of post {number}.</p>"}, "categories": [],
            "tags": [], "lang": "en"}


def _wordpress_crawl(tmp_path: Path, app: Callable[..., Scripted | None],
                     *extra: str) -> tuple[int, list[str], Path]:
    out = tmp_path / "wp.jsonl"
    with Mirror(tmp_path, app=app) as site:
        code = main(["crawl", "--site", "cemr-wp", "--base-url", site.base_url, "-o", str(out),
                     "--delay", "0", "--retries", "0", *extra])
        requested = [entry.path.split("?")[0] for entry in site.log]
    return code, requested, out


def test_a_million_announced_api_pages_that_are_empty_cost_one_request(tmp_path: Path) -> None:
    def posts(page: int) -> Scripted:
        body = json.dumps([_post(1, "https://ccre-cemr.org")] if page == 1 else []).encode()
        return Scripted(200, (JSON, ("X-WP-TotalPages", "1000000")), body)

    code, requested, out = _wordpress_crawl(tmp_path, _wordpress_app(posts))
    assert code == 0
    assert requested.count("/wp-json/wp/v2/posts") == 2  # page 1, then page 2 is empty
    assert len(_lines(out)) == 1


def test_an_api_repeating_its_page_is_read_until_nothing_new(tmp_path: Path) -> None:
    def posts(page: int) -> Scripted:
        body = json.dumps([_post(1, "https://ccre-cemr.org")]).encode()
        return Scripted(200, (JSON, ("X-WP-TotalPages", "1000000")), body)

    code, requested, _ = _wordpress_crawl(tmp_path, _wordpress_app(posts))
    assert code == 0 and requested.count("/wp-json/wp/v2/posts") == 2


def test_one_malformed_api_page_costs_its_posts_not_the_crawl(tmp_path: Path) -> None:
    def posts(page: int) -> Scripted:
        if page == 2:  # 200,000 levels deep: a RecursionError for json
            return Scripted(200, (JSON, ("X-WP-TotalPages", "3")), b"[" * 200_000)
        body = json.dumps([_post(page, "https://ccre-cemr.org")]).encode()
        return Scripted(200, (JSON, ("X-WP-TotalPages", "3")), body)

    code, requested, out = _wordpress_crawl(tmp_path, _wordpress_app(posts))
    assert code == 0
    assert requested.count("/wp-json/wp/v2/posts") == 3
    assert sorted(record["title"] for record in _lines(out)) == ["Post 1", "Post 3"]


def test_a_cdx_answer_repeating_its_resume_key_is_read_twice_at_most(tmp_path: Path) -> None:
    row = ["ccre.org/en/actualites/view/4384", "20191106104512",
           "http://ccre.org/en/actualites/view/4384", "text/html", "200", "DIGEST"]
    header = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest"]
    answer = json.dumps([header, row, [], ["the-same-key"]]).encode()

    def app(path: str, query: dict[str, list[str]]) -> Scripted | None:
        if path == "/robots.txt":
            return Scripted(200, (TEXT,), b"User-agent: *\nAllow: /\n")
        if path == "/cdx/search/cdx":
            return Scripted(200, (JSON,), answer)
        return Scripted(404, (HTML,), b"not here")

    out = tmp_path / "wb.jsonl"
    with Mirror(tmp_path, app=app) as archive:
        main(["crawl", "--via", "wayback", "--base-url", archive.base_url, "-o", str(out),
              "--delay", "0", "--retries", "0", "--lang", "en"])
        queries = [entry.path for entry in archive.log if entry.path.startswith("/cdx/")]
    prefixes = 2  # /en/actualites/view/ and /actualites/view/, for ccre.org
    assert len(queries) <= 2 * prefixes * len(load_profile("cemr").urls.hosts)


def test_a_listing_link_to_id_three_million_is_fetched_not_enumerated_to(
        mirror: Mirror, site: Path, tmp_path: Path) -> None:
    listing = site / "en" / "actualites" / "index_actu.html"
    listing.write_text('<a href="/en/actualites/view/4384">a</a><a href="/en/actualites/view/'
                       '4385">b</a><a href="/en/actualites/view/3000000">c</a>', "utf-8")
    shutil.copy(FIXTURES / "pages" / "seed-table.html",
                site / "en" / "actualites" / "view" / "3000000.html")
    out = tmp_path / "out.jsonl"
    main(["crawl", "--base-url", mirror.base_url, "-o", str(out), "--delay", "0",
          "--lang", "en", "--concurrency", "8", "--ids", "4380-"])
    state = CrawlState(tmp_path / "out.jsonl.state.db")
    total = sum(state.counts().values())
    state.close()
    assert total < 100  # ids 4380 to 4435 and the listed outlier, not three million
    assert any(record["url"].endswith("/3000000") for record in _lines(out))


# 7. No hang ----------------------------------------------------------------------------------

def _drip_server(body: bytes, every: float) -> tuple[socket.socket, threading.Event]:
    """A server that answers any request with ``body`` one byte every ``every`` seconds."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                   b"Content-Length: %d\r\n\r\n" % len(body))
                for byte in body:
                    if stop.wait(every):
                        return
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        break

    threading.Thread(target=serve, daemon=True).start()
    return server, stop


def _fetch_behind_a_dripped_robots_txt(**deadlines: float) -> tuple[FetchResult, float]:
    """Fetch a page of a host whose robots.txt comes one byte every 0.1 s (each byte well
    inside the read timeout): the result and the seconds it took."""
    server, stop = _drip_server(b"User-agent: *\nAllow: /\n" * 50, every=0.1)
    port = server.getsockname()[1]
    options = FetchOptions(delay=0.0, backoff=0.0, retries=0, read_timeout=5.0, **deadlines)

    async def run() -> FetchResult:
        async with Fetcher(options, allowed_hosts=frozenset({f"127.0.0.1:{port}"})) as fetcher:
            return await fetcher.fetch(f"http://127.0.0.1:{port}/page")

    started = time.monotonic()
    try:
        return asyncio.run(run()), time.monotonic() - started
    finally:
        stop.set()
        server.close()


def test_a_dripped_robots_txt_is_given_up_on_at_the_total_timeout() -> None:
    result, seconds = _fetch_behind_a_dripped_robots_txt(total_timeout=1.0)
    assert seconds < 3
    assert result.outcome == "deferred" and "no answer within 1 s" in (result.reason or "")


def test_robots_txt_has_a_shorter_deadline_than_pages() -> None:
    result, seconds = _fetch_behind_a_dripped_robots_txt(total_timeout=30.0,
                                                         robots_timeout=1.0)
    assert seconds < 3
    assert result.outcome == "deferred" and "no answer within 1 s" in (result.reason or "")


def test_a_crawl_delay_of_100000_s_defers_at_once_with_the_reason(mirror: Mirror,
                                                                 site: Path) -> None:
    (site / "robots.txt").write_text("User-agent: *\nCrawl-delay: 100000\n", "utf-8")
    started = time.monotonic()
    result = _fetch(mirror, "/en/actualites/view/4384")
    assert time.monotonic() - started < 2
    assert result.outcome == "deferred"
    assert "Crawl-delay of 100000 s, over the 60 s" in (result.reason or "")
    allowed = _fetch(mirror, "/en/actualites/view/4384",
                     FetchOptions(delay=0.0, max_crawl_delay=1e6, obey_crawl_delay=False))
    assert allowed.outcome == "done"


# 8. One line, not a traceback -----------------------------------------------------------

@pytest.mark.parametrize("url", ["http://[::1/", "http://127.0.0.1:99999/"])
def test_an_unparseable_url_is_one_line(url: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", url]) == 2
    assert main(["crawl", "--base-url", url, "-o", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # refused before any file was made


def test_a_deep_json_last_line_is_one_line_on_resume(mirror: Mirror, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    assert _crawl(mirror, out, "--max-items", "1") == 0
    with out.open("ab") as handle:
        handle.write(b"[" * 200_000 + b"\n")
    assert _crawl(mirror, out, "--resume") == 2
    err = capsys.readouterr().err
    assert "nested deeper than 200 levels" in err and "Traceback" not in err


# 9. Lower: the failures file, the watermark, the newest capture, memory on resume ----------

def test_the_failures_file_is_never_written_through_a_symlink(
        mirror: Mirror, site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me", "utf-8")
    failures = tmp_path / "failures.jsonl"
    failures.symlink_to(victim)
    mirror.script["/en/actualites/view/4384"] = [Scripted(500, (HTML,), b"down")]
    out = tmp_path / "out.jsonl"
    assert _crawl(mirror, out, "--failures", str(failures)) == 2  # refused before any request
    assert "is not a regular file" in capsys.readouterr().err and mirror.log == []
    state = CrawlState(":memory:")  # and the writer itself replaces a link, never follows it
    state.add([("http://127.0.0.1:1/a", None, "listed")])
    state.mark("http://127.0.0.1:1/a", "failed", reason="HTTP 500")
    runner.write_failures(state, failures)
    state.close()
    assert victim.read_text("utf-8") == "keep me"
    assert not failures.is_symlink()
    assert [row["url"] for row in _lines(failures)] == ["http://127.0.0.1:1/a"]


def test_a_modified_time_in_year_9999_is_no_watermark() -> None:
    now = datetime(2026, 12, 8)
    assert plausible_modified("9999-12-31T23:59:59", now) is None
    assert plausible_modified("2026-12-08T10:00:00", now) == "2026-12-08T10:00:00"
    assert plausible_modified("not a time", now) is None
    assert plausible_modified(["2020"], now) is None


def test_a_post_modified_in_9999_does_not_poison_refresh(tmp_path: Path) -> None:
    def posts(page: int) -> Scripted:
        future = dict(_post(1, "https://ccre-cemr.org"), modified="9999-12-31T23:59:59")
        return Scripted(200, (JSON, ("X-WP-TotalPages", "1")),
                        json.dumps([future, _post(2, "https://ccre-cemr.org")]).encode())

    code, _, out = _wordpress_crawl(tmp_path, _wordpress_app(posts))
    assert code == 0
    state = CrawlState(out.with_name("wp.jsonl.state.db"))
    assert state.get_setting("wp_modified") == "2024-03-02T10:00:00"
    state.close()


def test_a_capture_dated_in_the_future_is_never_the_newest() -> None:
    profile = load_profile("cemr")
    url = "http://ccre.org/en/actualites/view/4384"
    real = Capture("20191106104512", url, "text/html", "200", "A")
    future = Capture("29991231000000", url, "text/html", "200", "B")
    assert choose_captures([real, future], profile, now=datetime(2026, 12, 8, tzinfo=UTC)) \
        == [real]


def test_resume_reads_the_output_a_line_at_a_time(mirror: Mirror, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert _crawl(mirror, out, "--max-items", "1") == 0
    line = out.read_bytes()
    with out.open("ab") as handle:  # 60 MB of records (copies of the first)
        handle.write(line * (60_000_000 // len(line)))
    code, peak = _peak_mb(lambda: _crawl(mirror, out, "--resume"))
    assert code == 0
    assert peak < 30, f"{peak:.0f} MB"


# 1. A per-page budget, and reading off the event loop ---------------------------------------

def _run_crawl(mirror: Mirror, tmp_path: Path, read: PageReader,
               **settings: Any) -> tuple[CrawlSummary, CrawlState]:
    state = CrawlState(":memory:")
    summary = asyncio.run(runner.run_crawl(
        CrawlSettings(base_url=mirror.base_url, first_id=4384, last_id=4385, **settings), read,
        output=str(tmp_path / "out.jsonl"), state=state, failures=None, options=FAST))
    return summary, state


def test_a_page_over_its_budget_fails_alone_with_the_reason(mirror: Mirror,
                                                            tmp_path: Path) -> None:
    calls: list[str] = []

    def slow_on_4384(html: str | bytes, url: str, **keywords: Any) -> Article:
        calls.append(url)
        if url.endswith("/en/actualites/view/4384"):
            time.sleep(1.2)  # work the budget's next check finds over
        return scraper.extract(html, url, **keywords)

    for page in sorted(mirror.root.glob("*/actualites/view/*.html")):  # lexicons built
        scraper.extract(page.read_bytes(), "https://ccre.org/en/actualites/view/1")
    summary, state = _run_crawl(mirror, tmp_path, slow_on_4384, page_seconds=1.0)
    failed = list(state.with_status("failed"))
    assert [row.url.endswith("/en/actualites/view/4384") for row in failed] == [True]
    assert failed[0].reason == "extraction failed: reading the page took more than its 1 s " \
        "budget"
    assert (summary.written, summary.failed) == (3, 1)


def test_pages_are_read_on_the_reading_thread_not_the_event_loop(mirror: Mirror,
                                                                 tmp_path: Path) -> None:
    threads: set[str] = set()

    def read(html: str | bytes, url: str, **keywords: Any) -> Article:
        threads.add(threading.current_thread().name)
        return scraper.extract(html, url, **keywords)

    summary, _ = _run_crawl(mirror, tmp_path, read)
    assert summary.written == 4
    assert {name.split("_")[0] for name in threads} == {"scraper-read"}
