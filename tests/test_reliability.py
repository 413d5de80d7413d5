"""Reliability against a loopback mirror: injected faults (every item written or listed with
its reason, none twice, retries bounded, records as a clean crawl's), SIGKILLs at random
moments (the records of an uninterrupted crawl), a full disk; and scope: only http(s) URLs
without credentials, never another host, nothing from a page run or made into a path, a
mirror that keeps to its root. The figures at scale are ``bench/reliability.py``'s.

Bugs this caught (fixed in ``scraper/fetch.py`` and ``scraper/mirror.py``): a redirect whose
Location no URL parser accepts (``//[``) or whose port is out of range made
``Fetcher.fetch`` raise, which hung the whole crawl (a worker died, the crawl waited for it
forever); a redirect to ``http://user:pass@host/`` was followed and the credentials sent as
Basic auth, as were those of a URL given directly; ``ftp:``, ``file:`` and ``data:`` URLs
given directly were "disallowed by robots.txt" or "redirects to a foreign host" instead of
refused; the mirror dropped the connection, instead of answering 404, for a file name too
long for the file system.
"""

from __future__ import annotations

import asyncio
import ast
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

import scraper
from archives import linked_theme_pages
from fixture_checks import FIXTURES
from scraper.cli import main
from scraper.config import FetchOptions
from scraper.errors import InputError
from scraper.crawl.fetch import Fetcher, FetchResult
from scraper.demo.mirror import FAULT_KINDS, Faults, Mirror, Scripted
from scraper.api import CrawlSettings, CrawlSummary, run_crawl
from scraper.crawl.state import CrawlState

FAST = FetchOptions(delay=0.0, per_host=4, backoff=0.001, max_backoff=0.01, retries=3,
                    max_bytes=200_000)
FAULTS = Faults(rate=0.35, seed=3, permanent=0.05, retry_after=0, slow_seconds=0.05,
                oversized_bytes=300_000)
"""Seed 3 draws every kind of fault at least once over the 60 items of the archive below."""
IDS = (4100, 4129)
PACKAGE = Path(scraper.__file__).resolve().parent


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated archive of 30 ids in EN and FR (60 items), consecutive ids."""
    folder = tmp_path_factory.mktemp("archive")
    subprocess.run([sys.executable, str(FIXTURES / "demo" / "make_demo.py"), "--items", "30",
                    "--dense", "--bilingual", "--no-crawl-delay", "--out", str(folder)],
                   check=True, capture_output=True)
    return folder


@pytest.fixture
def mirror(archive: Path) -> Iterator[Mirror]:
    with Mirror(archive / "site") as running:
        yield running


def _items(archive: Path) -> set[str]:
    """The news items of the archive and the theme pages its listings link to."""
    return {f"https://ccre.org/{item['lang']}/actualites/view/{item['id']}"
            for item in json.loads((archive / "items.json").read_text("utf-8"))} | \
        linked_theme_pages(archive / "site")


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _crawl(mirror: Mirror, out: Path, state: CrawlState,
           options: FetchOptions = FAST) -> CrawlSummary:
    settings = CrawlSettings(base_url=mirror.base_url, first_id=IDS[0], last_id=IDS[1])
    return asyncio.run(run_crawl(settings, output=str(out), state=state, options=options,
                                 failures=out.with_suffix(".failures.jsonl")))


def _fetch(mirror: Mirror, path: str, options: FetchOptions = FAST) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(options, allowed_hosts=frozenset({mirror.base_url[7:]})) as fetcher:
            return await fetcher.fetch(mirror.base_url + path)

    return asyncio.run(run())


# The fault mode of the mirror ----------------------------------------------------------


def test_fault_draws_are_the_same_on_every_run() -> None:
    paths = [f"/en/actualites/view/{number}" for number in range(200)]
    draws = [Faults(rate=0.3, seed=1).draw(path, attempt) for path in paths for attempt in (1, 2)]
    assert draws == [Faults(rate=0.3, seed=1).draw(path, attempt)
                     for path in paths for attempt in (1, 2)]
    assert draws != [Faults(rate=0.3, seed=2).draw(path, attempt)
                     for path in paths for attempt in (1, 2)]
    assert 0.2 < sum(draw is not None for draw in draws) / len(draws) < 0.4
    assert Faults(rate=0.0).draw(paths[0], 1) is None
    assert Faults(rate=1.0, kinds=("503",)).draw(paths[0], 1) == "503"
    assert Faults(rate=1.0).draw("/robots.txt", 1) is None  # exempt


def test_a_permanent_path_fails_at_every_attempt() -> None:
    faults = Faults(rate=0.0, permanent=0.5, seed=4)
    paths = [f"/en/actualites/view/{number}" for number in range(100)]
    permanent = [path for path in paths if faults.is_permanent(path)]
    assert 30 < len(permanent) < 70
    kinds = {path: faults.draw(path, 1) for path in permanent}
    assert set(kinds.values()) == {"permanent-500", "permanent-reset"}
    assert all(faults.draw(path, attempt) == kinds[path]
               for path in permanent for attempt in range(2, 6))


def test_unknown_fault_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kinds"):
        Faults(kinds=("500", "teapot"))


@pytest.mark.parametrize(
    ("kind", "outcome", "reason", "attempts"),
    [
        pytest.param("500", "failed", "HTTP 500 (gave up after 3 attempts)", 3, id="500"),
        pytest.param("503", "failed", "HTTP 503 (gave up after 3 attempts)", 3, id="503"),
        pytest.param("429", "failed", "HTTP 429 (gave up after 3 attempts)", 3, id="429"),
        pytest.param("reset", "failed", "connection reset", 3, id="reset"),
        pytest.param("truncated", "failed", "gave up after 3 attempts", 3, id="truncated"),
        pytest.param("slow", "done", None, 1, id="slow"),
        pytest.param("redirect", "done", None, 1, id="redirect"),
        pytest.param("content-type", "skipped", "not HTML", 1, id="content-type"),
        pytest.param("charset", "done", None, 1, id="charset"),
        pytest.param("oversized", "failed", "200000 byte limit", 1, id="oversized"),
        pytest.param("foreign-redirect", "skipped", "redirect to a foreign host refused", 1,
                     id="foreign-redirect"),
    ],
)
def test_each_fault_meets_its_handling(mirror: Mirror, kind: str, outcome: str,
                                       reason: str | None, attempts: int) -> None:
    """Transient faults are retried (here they never stop), lasting ones are not."""
    mirror.faults = Faults(rate=1.0, kinds=(kind,), retry_after=0, slow_seconds=0.05,
                           oversized_bytes=300_000)
    result = _fetch(mirror, "/en/actualites/view/4100", FAST.model_copy(update={"retries": 2}))
    assert (result.outcome, result.attempts) == (outcome, attempts)
    assert reason is None or reason in (result.reason or "")
    faults = [entry.fault for entry in mirror.log if entry.path != "/robots.txt"]
    if kind == "redirect":  # three hops, then the page itself
        assert faults == ["redirect"] * 3 + [None] and result.page is not None
        assert result.page.final_url.endswith("/view/4100?fault-hop=3")
    else:
        assert faults and set(faults) == {kind}


# Crawls under faults -------------------------------------------------------------------


def test_a_crawl_under_faults_loses_nothing_and_writes_nothing_twice(
        archive: Path, mirror: Mirror, tmp_path: Path) -> None:
    reference = tmp_path / "clean.jsonl"
    assert _crawl(mirror, reference, CrawlState(":memory:")).written == len(_items(archive))
    mirror.faults, mirror.log = FAULTS, []
    out, state = tmp_path / "faults.jsonl", CrawlState(":memory:")
    summary = _crawl(mirror, out, state)

    assert {entry.fault for entry in mirror.log} - {None} >= set(FAULT_KINDS)
    written = [str(record["canonical_url"]) for record in _records(out)]
    failures = _records(out.with_suffix(".failures.jsonl"))
    failed = {str(row["item"]) for row in failures}
    skipped = {row.item: row.reason for row in state.with_status("skipped")}
    assert len(written) == len(set(written))  # 0 duplicated
    assert set(written) | failed | set(skipped) == _items(archive)  # 0 lost
    assert len(written) + len(failed) + len(skipped) == len(_items(archive))
    assert summary.failed == len(failures) > 0
    assert all(row["reason"] for row in failures)
    assert all(reason and ("not HTML" in reason or "foreign host" in reason)
               for reason in skipped.values())
    permanent = {urlsplit(entry.path).path for entry in mirror.log
                 if (entry.fault or "").startswith("permanent")}
    assert permanent and all(any(str(row["url"]).endswith(path) and "gave up after 4"
                                 in str(row["reason"]) for row in failures) for path in permanent)
    # Retries are bounded: at most 1 + retries requests per URL, redirect hops aside.
    per_path = Counter(entry.path for entry in mirror.log if "?" not in entry.path)
    assert max(per_path.values()) <= 1 + FAST.retries
    # What got through is what a crawl without faults writes (charsets decoded right too).
    clean = {str(record["canonical_url"]): record for record in _records(reference)}
    for record in _records(out):
        for field in ("fetch", "url"):
            record.pop(field)
            clean[str(record["canonical_url"])].pop(field, None)
        assert record == clean[str(record["canonical_url"])]


def test_items_refused_for_their_answer_are_listed_in_failures(mirror: Mirror,
                                                               tmp_path: Path) -> None:
    mirror.faults = Faults(rate=1.0, kinds=("content-type", "foreign-redirect"))
    out = tmp_path / "records.jsonl"
    _crawl(mirror, out, CrawlState(":memory:"))
    # The listings are refused too: only the enumerated news items are known to fail.
    assert len(_records(out.with_suffix(".failures.jsonl"))) == 60


def test_permanent_failures_end_in_the_summary_and_exit_1(
        mirror: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mirror.faults = Faults(rate=0.0, permanent=0.1, seed=5)
    out = tmp_path / "records.jsonl"
    code = main(["crawl", "--base-url", mirror.base_url, "-o", str(out), "--delay", "0",
                 "--retries", "0", "--ids", f"{IDS[0]}-{IDS[1]}"])
    failures = _records(Path(f"{out}.failures.jsonl"))
    permanent = {path for path in {urlsplit(entry.path).path for entry in mirror.log}
                 if mirror.faults.is_permanent(path) and "/view/" in path}
    assert code == 1
    assert {urlsplit(str(row["url"])).path for row in failures} == permanent
    stderr = capsys.readouterr().err
    assert f"{len(permanent)} failed" in stderr and "failures in" in stderr


# Kills ---------------------------------------------------------------------------------


def _without_fetch_time(records: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    keyed = {}
    for record in records:
        fetch = record["fetch"]
        assert isinstance(fetch, dict)
        fetch.pop("fetched_at")
        keyed[str(record["canonical_url"])] = record
    return keyed


def test_sigkill_at_random_moments_then_resume_gives_the_uninterrupted_records(
        archive: Path, tmp_path: Path) -> None:
    rng = random.Random(2024)
    with Mirror(archive / "site", latency=0.01) as mirror:
        base = ["--base-url", mirror.base_url, "--delay", "0", "--ids", f"{IDS[0]}-{IDS[1]}"]
        reference = tmp_path / "uninterrupted.jsonl"
        assert main(["crawl", "-o", str(reference), *base]) == 0
        out, state = tmp_path / "killed.jsonl", tmp_path / "killed.db"
        command = [sys.executable, "-m", "scraper", "crawl", "-o", str(out), "--state",
                   str(state), *base]
        targets = sorted(rng.sample(range(1, 60), 5))
        for kills, target in enumerate(targets):
            process = subprocess.Popen(command + (["--resume"] if kills else []),
                                       stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None and not (
                    out.exists() and out.read_bytes().count(b"\n") >= target):
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.02))  # anywhere between two records
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        finished = subprocess.run(command + ["--resume"], capture_output=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    killed = _records(out)
    assert len(killed) == len(_items(archive))
    assert _without_fetch_time(killed) == _without_fetch_time(_records(reference))


# Disk full, read-only output -----------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_disk_under_the_output_stops_with_one_line(
        mirror: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "state.db"
    code = main(["crawl", "--base-url", mirror.base_url, "-o", "/dev/full", "--state",
                 str(state), "--failures", str(tmp_path / "failures.jsonl"), "--delay", "0",
                 "--ids", f"{IDS[0]}-{IDS[1]}"])
    stderr = capsys.readouterr().err
    assert code == 2
    assert stderr.startswith("scraper: error: cannot write /dev/full: No space left on device")
    assert stderr.count("\n") == 1 and stderr.rstrip().endswith("--resume")
    reopened = CrawlState(state)
    assert reopened.counts()["done"] == 0  # nothing claimed written: a resume redoes all
    reopened.close()


def _limit_file_size() -> None:
    """A disk that fills up: writes past 64 KiB fail with EFBIG (SIGXFSZ ignored)."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (65_536, 65_536))


def test_a_full_disk_under_the_state_file_stops_with_one_line(mirror: Mirror,
                                                              tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "scraper", "crawl", "--base-url", mirror.base_url, "-o",
         str(tmp_path / "records.jsonl"), "--delay", "0", "--ids", f"{IDS[0]}-{IDS[1]}"],
        preexec_fn=_limit_file_size, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 2
    assert "Traceback" not in finished.stderr
    assert "--resume" in finished.stderr


def test_a_read_only_output_folder_gives_one_line(mirror: Mirror,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # /proc refuses new files even to root (the tests run as root, so chmod would not do).
    code = main(["crawl", "--base-url", mirror.base_url, "-o", "/proc/scraper/records.jsonl",
                 "--delay", "0", "--ids", f"{IDS[0]}-{IDS[1]}"])
    stderr = capsys.readouterr().err
    assert code == 2 and stderr.count("\n") == 1 and "scraper: error: cannot" in stderr


# Scope and safety ----------------------------------------------------------------------

REFUSED_URLS = [
    pytest.param("file:///etc/passwd", id="file"),
    pytest.param("data:text/html,<p>x</p>", id="data"),
    pytest.param("ftp://127.0.0.1/x", id="ftp"),
    pytest.param("javascript:alert(1)", id="javascript"),
    pytest.param("/en/actualites/view/4384", id="relative"),
    pytest.param("http://user:secret@127.0.0.1/x", id="credentials"),
    pytest.param("https://:secret@127.0.0.1/x", id="password-only"),
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_only_http_urls_without_credentials_are_accepted(
        url: str, capsys: pytest.CaptureFixture[str]) -> None:
    if not url.startswith("file:///"):  # a saved page's record may name its file
        with pytest.raises(InputError):
            scraper.extract("<p>text</p>", url)
    with pytest.raises(InputError):
        scraper.fetch_article_sync(url)
    assert main(["get", url]) == 2
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1 and "secret" not in stderr


@pytest.mark.parametrize("url", REFUSED_URLS[:3] + REFUSED_URLS[5:])
def test_the_fetcher_refuses_them_without_a_request(mirror: Mirror, url: str) -> None:
    async def run() -> FetchResult:
        async with Fetcher(FAST, allowed_hosts=frozenset({mirror.base_url[7:]})) as fetcher:
            return await fetcher.fetch(url.replace("127.0.0.1", mirror.base_url[7:]))

    result = asyncio.run(run())
    assert (result.outcome, result.requests) == ("skipped", 0)
    assert "refused" in (result.reason or "") and "secret" not in (result.reason or "")
    assert mirror.log == []


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        pytest.param("file:///etc/passwd", "non-http(s) URL refused", id="file"),
        pytest.param("ftp://127.0.0.1/x", "non-http(s) URL refused", id="ftp"),
        pytest.param("data:text/html,x", "refused", id="data"),
        pytest.param("http://user:secret@{host}/en/actualites/view/4100",
                     "URL with credentials refused", id="credentials"),
        pytest.param("http://elsewhere.invalid/x", "foreign host refused", id="foreign-host"),
        pytest.param("//[", "invalid Location refused", id="unparseable"),
        pytest.param("http://127.0.0.1:99999/x", "invalid URL refused", id="bad-port"),
    ],
)
def test_redirects_never_leave_the_hosts_nor_http(mirror: Mirror, location: str,
                                                  reason: str) -> None:
    host = mirror.base_url[7:]
    mirror.script["/away"] = [Scripted(302, (("Location", location.format(host=host)),))]
    result = _fetch(mirror, "/away")
    assert result.outcome == "skipped" and reason in (result.reason or "")
    assert [entry.path for entry in mirror.log] == ["/robots.txt", "/away"]
    assert all("Authorization" not in entry.headers for entry in mirror.log)


class _RecordingTransport(httpx.AsyncBaseTransport):
    """Every URL the crawl asks for, then the real loopback request."""

    def __init__(self) -> None:
        self.urls: list[httpx.URL] = []
        self.transport = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(request.url)
        return await self.transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self.transport.aclose()


def test_a_crawl_never_leaves_its_host(archive: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "en" / "actualites" / "view").mkdir(parents=True)
    page = (archive / "site" / "en" / "actualites" / "view" / "4100.html").read_text("utf-8")
    for number in (4100, 4101):
        (site / "en" / "actualites" / "view" / f"{number}.html").write_text(page, "utf-8")
    (site / "en" / "actualites" / "index_actu.html").write_text(
        "<a href='http://evil.example/en/actualites/view/4101'>foreign item</a>"
        "<a href='https://evil.example/elsewhere'>foreign page</a>"
        "<a href='file:///etc/passwd'>file</a><a href='javascript:go()'>script</a>"
        "<a href='https://ccre.org/en/actualites/view/4101'>the real site's item</a>", "utf-8")
    transport = _RecordingTransport()
    with Mirror(site) as mirror:
        mirror.script["/en/actualites/view/4102"] = [
            Scripted(302, (("Location", "http://evil.example/en/actualites/view/4102"),))]

        async def run() -> CrawlSummary:
            async with httpx.AsyncClient(transport=transport) as client:
                return await run_crawl(
                    CrawlSettings(base_url=mirror.base_url, languages=("en",), first_id=4100,
                                  last_id=4102),
                    output=str(tmp_path / "records.jsonl"), state=CrawlState(":memory:"),
                    failures=None, options=FAST, client=client)

        summary = asyncio.run(run())
    assert summary.written == 2
    assert {(url.scheme, url.host) for url in transport.urls} == {("http", "127.0.0.1")}


def test_a_listing_link_no_parser_accepts_does_not_stop_the_crawl(archive: Path,
                                                                   tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "en" / "actualites" / "view").mkdir(parents=True)
    page = (archive / "site" / "en" / "actualites" / "view" / "4100.html").read_text("utf-8")
    (site / "en" / "actualites" / "view" / "4100.html").write_text(page, "utf-8")
    (site / "en" / "actualites" / "index_actu.html").write_text(
        "<a href='//['>broken</a><a href='/en/actualites/view/4100'>item</a>", "utf-8")
    with Mirror(site) as mirror:
        summary = asyncio.run(run_crawl(
            CrawlSettings(base_url=mirror.base_url, languages=("en",), first_id=4100,
                          last_id=4100),
            output=str(tmp_path / "records.jsonl"), state=CrawlState(":memory:"),
            failures=None, options=FAST))
    assert summary.written == 1


def test_nothing_from_a_page_names_a_file(archive: Path, tmp_path: Path) -> None:
    site, out = tmp_path / "site", tmp_path / "out"
    (site / "en" / "actualites" / "view").mkdir(parents=True)
    out.mkdir()
    page = (archive / "site" / "en" / "actualites" / "view" / "4100.html").read_text("utf-8")
    hostile = page.replace("<head>", "<head><link rel='canonical' href='../../../../evil'>"
                           "<meta property='og:url' content='file:///tmp/evil'>"
                           "<title>../../../evil/${HOME}/$(touch evil)</title>")
    (site / "en" / "actualites" / "view" / "4100.html").write_text(hostile, "utf-8")
    with Mirror(site) as mirror:
        assert main(["crawl", "--base-url", mirror.base_url, "-o", str(out / "r.jsonl"),
                     "--delay", "0", "--lang", "en", "--ids", "4100-4100",
                     "--warc", str(out / "r.warc.gz")]) == 0
    assert sorted(path.name for path in tmp_path.rglob("*") if "evil" in str(path)) == []
    assert sorted(path.name for path in out.iterdir()) == [
        "r.jsonl", "r.jsonl.failures.jsonl", "r.jsonl.state.db", "r.warc.gz"]


def test_the_package_never_runs_or_unpickles_anything() -> None:
    """Nothing from a page is executed: no eval/exec/compile, no subprocess, shell or
    pickle anywhere in the package (a static check: the cheapest proof there is)."""
    banned_calls = {"eval", "exec", "compile", "__import__", "system", "popen", "loads"}
    banned_modules = {"subprocess", "pickle", "marshal", "shelve", "ctypes"}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) \
                    else [node.module or ""]
                assert not {name.split(".")[0] for name in names} & banned_modules, path
            if isinstance(node, ast.Call):
                function = node.func
                name = function.id if isinstance(function, ast.Name) else \
                    function.attr if isinstance(function, ast.Attribute) else ""
                owner = function.value.id if isinstance(function, ast.Attribute) and \
                    isinstance(function.value, ast.Name) else ""
                if name == "loads":
                    assert owner in ("json", ""), f"{path}: {owner}.loads"
                    continue
                assert name not in banned_calls or owner == "re", f"{path}: {name}"


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("/../secret.txt", id="dot-dot"),
        pytest.param("/%2e%2e/secret.txt", id="encoded-dots"),
        pytest.param("/..%2fsecret.txt", id="encoded-slash"),
        pytest.param("/%2e%2e%2f%2e%2e%2fsecret.txt", id="all-encoded"),
        pytest.param("/en/../../secret.txt", id="deeper"),
        pytest.param("/out/secret.txt", id="symlink-out"),
        pytest.param("//secret.txt", id="double-slash"),
        pytest.param("/secret.txt%00.html", id="nul"),
        pytest.param("/" + "a" * 300, id="name-too-long"),
        pytest.param("http://127.0.0.1/../secret.txt", id="absolute-form"),
    ],
)
def test_mirror_paths_never_leave_the_root(tmp_path: Path, target: str) -> None:
    (tmp_path / "secret.txt").write_text("SECRET", "utf-8")
    root = tmp_path / "site"
    (root / "en").mkdir(parents=True)
    (root / "out").symlink_to(tmp_path)
    with Mirror(root) as mirror, socket.create_connection(
            ("127.0.0.1", int(mirror.base_url.rsplit(":", 1)[1])), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                           .encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 404") and b"SECRET" not in answer
