"""Crawl benchmark: our crawler against Scrapy, on the same loopback mirror, in the same run.

    /tmp/venv/bin/python bench/crawl.py                  # 2,000 items, then ours at 20,000
    /tmp/venv/bin/python bench/crawl.py --items 500 --large 0 --skip-scrapy --json out.json

What it does, all on 127.0.0.1:

1. Generates a mirror of ``--items`` items into a temporary folder with
   ``fixtures/demo/make_demo.py --items N --dense --bilingual --no-crawl-delay``: consecutive
   ids, an EN and a FR page per item (2N item pages), robots.txt without Crawl-delay (the CLI
   has no switch for ``FetchOptions.obey_crawl_delay``; its ``Disallow`` rules still apply).
2. Serves it with :class:`scraper.demo.mirror.Mirror` in a separate process (``_serve`` below), so
   the server does not share a GIL or a core's time slices with the crawler being measured.
   The server keeps the request log; the benchmark asks it for counts after each run.
3. Runs each crawler as a child process and takes its peak RSS and CPU time from
   ``os.wait4`` in a tiny launcher process (``LAUNCHER``; no ``/usr/bin/time`` needed):

   - ``ours``: ``python -m scraper crawl --base-url URL --ids FIRST-LAST --delay 0
     --concurrency C -o OUT`` (robots.txt read and obeyed, listing pages read, state in
     SQLite, records to JSONL: the real batch path);
   - ``scrapy-parsel``: a Scrapy spider fetching the same item URLs (robots.txt obeyed, same
     concurrency, no delay, no autothrottle) that extracts title, date and body text with
     parsel selectors: the "fetch + minimal parse" peer;
   - ``scrapy-extract``: the same spider calling ``scraper.extract`` in its callback, so that
     both sides do the same full extraction and differ only in the crawling machinery.

4. Runs ours once more on a ``--large`` mirror (default 20,000 items: 40,000 pages) to show
   whether peak RSS stays flat as the crawl grows.

Reported per run: pages written, wall seconds (process start to exit, imports included),
pages/s over the wall time, pages/s over the crawl span (first to last request the server
saw), requests per page (from the server's log, robots.txt and listings included), peak RSS
and CPU seconds of the crawler process. With ``--repeat N`` the table shows medians (RSS:
the maximum) and ``--json`` keeps every run.

Children run in the temporary folder, so they import the installed ``scraper`` (the
editable checkout), or whatever ``PYTHONPATH`` puts first: ``git archive HEAD scraper | tar
-x -C /tmp/snap`` and ``PYTHONPATH=/tmp/snap`` measure a fixed commit while the tree changes.

Scrapy is a benchmark-only peer, not a dependency of the package: without it the Scrapy rows
are skipped with a message (``pip install scrapy`` to get them).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "fixtures" / "demo" / "make_demo.py"
ITEM_PATH = re.compile(r"^/(en|fr)/actualites/view/\d+$")


# The mirror server, in its own process ---------------------------------------------------


def serve(root: Path, port: int) -> int:
    """Serve ``root`` and answer commands on stdin: "stats" (a JSON line of counts since the
    last reset), "reset", or end of input (stop)."""
    from scraper.demo.mirror import Mirror

    mirror = Mirror(root, port=port).start()
    print(json.dumps({"base_url": mirror.base_url}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "reset":
            with mirror.lock:
                mirror.log.clear()
                mirror.max_in_flight = mirror.in_flight
            print(json.dumps({"ok": True}), flush=True)
        elif command == "stats":
            log = list(mirror.log)
            statuses: dict[str, int] = {}
            for entry in log:
                statuses[str(entry.status)] = statuses.get(str(entry.status), 0) + 1
            items = [entry for entry in log if ITEM_PATH.match(entry.path) and entry.status == 200]
            print(json.dumps({
                "requests": len(log),
                "statuses": statuses,
                "item_pages": len(items),
                "span": (log[-1].at - log[0].at) if len(log) > 1 else 0.0,
                "max_in_flight": mirror.max_in_flight,
            }), flush=True)
    mirror.stop()
    return 0


class MirrorProcess:
    """The ``serve`` child, driven through its stdin/stdout."""

    def __init__(self, root: Path, port: int = 0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "_serve", str(root),
             "--port", str(port)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=root.parent)
        self.base_url: str = self._read()["base_url"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the mirror process stopped (see its stderr)")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> MirrorProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# The Scrapy peer, in its own process -----------------------------------------------------


def run_scrapy(base_url: str, first: int, last: int, mode: str, output: Path,
               concurrency: int, stats_path: Path) -> int:
    """Crawl the item URLs of ids ``first``..``last`` (EN and FR) with Scrapy."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy import signals

    site = None
    extract = None
    if mode == "extract":
        import scraper

        site = scraper.load_profile("cemr").with_mirror(base_url)
        extract = scraper.extract

    def urls() -> list[str]:
        return [f"{base_url}/{language}/actualites/view/{number}"
                for language in ("en", "fr") for number in range(first, last + 1)]

    class ArchiveSpider(scrapy.Spider):
        name = "archive"

        async def start(self) -> Any:  # Scrapy >= 2.13
            for url in urls():
                yield scrapy.Request(url, callback=self.parse_page)

        def start_requests(self) -> Any:  # older Scrapy
            for url in urls():
                yield scrapy.Request(url, callback=self.parse_page)

        def parse_page(self, response: Any) -> Any:
            if extract is not None:
                article = extract(response.body, response.url, profile=site,
                                  charset=response.encoding)
                yield article.model_dump(mode="json")
                return
            main = response.css("td#main")
            yield {
                "url": response.url,
                "title": (main.css("h2::text").get() or main.css("h1::text").get() or "").strip(),
                "published_raw": main.css("div.date::text").re_first(r"\d\d\.\d\d\.\d{4}"),
                "text": "\n".join(text.strip() for text in main.css("div.texte ::text").getall()
                                  if text.strip()),
            }

    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "USER_AGENT": "scraper-bench (Scrapy peer)",
        "LOG_LEVEL": "WARNING",
        "FEEDS": {str(output): {"format": "jsonlines", "encoding": "utf-8"}},
    })
    crawler = process.create_crawler(ArchiveSpider)

    def closed(spider: Any, reason: str) -> None:
        stats = {key: (value.isoformat() if hasattr(value, "isoformat") else value)
                 for key, value in crawler.stats.get_stats().items()}
        stats_path.write_text(json.dumps(stats, default=str), encoding="utf-8")

    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler)
    process.start()
    return 0


# Measuring ---------------------------------------------------------------------------------


@dataclass
class Run:
    crawler: str
    items: int
    pages: int
    seconds: float
    crawl_seconds: float
    requests: int
    statuses: dict[str, int]
    max_in_flight: int
    peak_rss_mb: float
    cpu_seconds: float
    exit_code: int
    note: str = ""

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def crawl_pages_per_second(self) -> float:
        return self.pages / self.crawl_seconds if self.crawl_seconds else 0.0

    @property
    def requests_per_page(self) -> float:
        return self.requests / self.pages if self.pages else float("nan")

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(pages_per_second=round(self.pages_per_second, 1),
                    crawl_pages_per_second=round(self.crawl_pages_per_second, 1),
                    requests_per_page=round(self.requests_per_page, 4))
        return data


# The crawler is started by this tiny launcher, not by the benchmark process itself: on Linux
# a child's ru_maxrss starts from the RSS of the address space it was forked (or vforked)
# from, so a benchmark holding 40,000 manifest entries would be billed to the crawler. The
# launcher (python -I -S, no imports but os and json) stays far below any crawler's RSS.
LAUNCHER = """
import json, os, sys
command = sys.argv[1:]
pid = os.posix_spawn(command[0], command, os.environ,
                     file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"exit": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss,
                  "cpu": usage.ru_utime + usage.ru_stime}))
"""


def launch(command: list[str], *, log: Path) -> dict[str, Any]:
    """Run ``command`` (stdout discarded, stderr to ``log``) through the launcher: its exit
    code, peak RSS (KiB) and CPU seconds."""
    with log.open("w", encoding="utf-8") as stderr:
        finished = subprocess.run([sys.executable, "-I", "-S", "-c", LAUNCHER, *command],
                                  stdout=subprocess.PIPE, stderr=stderr, cwd=log.parent, text=True,
                                  check=True)
    usage: dict[str, Any] = json.loads(finished.stdout)
    return usage


def measure(command: list[str], *, crawler: str, items: int, mirror: MirrorProcess,
            output: Path, log: Path) -> Run:
    """Run one crawler process against the mirror; its rusage and the server's counts."""
    mirror.ask("reset")
    started = time.monotonic()
    usage = launch(command, log=log)
    seconds = time.monotonic() - started
    stats = mirror.ask("stats")
    pages = _count_lines(output)
    note = ""
    if usage["exit"] != 0:
        tail = log.read_text("utf-8", "replace").strip().splitlines()[-3:]
        note = f"exit {usage['exit']}: " + " | ".join(tail)
    elif stats["item_pages"] != 2 * items or pages != 2 * items:
        note = f"expected {2 * items} pages, server served {stats['item_pages']}"
    return Run(crawler=crawler, items=items, pages=pages, seconds=seconds,
               crawl_seconds=stats["span"], requests=stats["requests"],
               statuses=stats["statuses"], max_in_flight=stats["max_in_flight"],
               peak_rss_mb=usage["maxrss_kb"] / 1024, cpu_seconds=usage["cpu"],
               exit_code=usage["exit"], note=note)


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def generate(items: int, folder: Path, markup: str = "table") -> tuple[Path, int, int]:
    """A dense, bilingual mirror of ``items`` items without Crawl-delay, item pages in
    ``markup`` (make_demo.py --markup: "mix" writes each item in the next template in
    turn): (site, first, last)."""
    subprocess.run([sys.executable, str(GENERATOR), "--items", str(items), "--dense",
                    "--bilingual", "--no-crawl-delay", "--markup", markup, "--out", str(folder)],
                   check=True, stdout=subprocess.DEVNULL)
    numbers = [int(entry["id"]) for entry in
               json.loads((folder / "items.json").read_text("utf-8"))]
    first, last = min(numbers), max(numbers)
    assert last - first + 1 == items, "the generated ids are not dense"
    robots = (folder / "site" / "robots.txt").read_text("utf-8")
    assert "crawl-delay" not in robots.lower(), robots
    return folder / "site", first, last


def ours_command(base_url: str, first: int, last: int, output: Path,
                 concurrency: int) -> list[str]:
    return [sys.executable, "-m", "scraper", "crawl", "--base-url", base_url,
            "--ids", f"{first}-{last}", "--lang", "en,fr", "--delay", "0",
            "--concurrency", str(concurrency), "-o", str(output)]


def scrapy_command(base_url: str, first: int, last: int, output: Path, concurrency: int,
                   mode: str, stats: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "_scrapy", "--base-url", base_url,
            "--ids", f"{first}-{last}", "--mode", mode, "-o", str(output),
            "--concurrency", str(concurrency), "--stats", str(stats)]


def scraper_origin() -> str:
    """The folder the children import ``scraper`` from (they run outside the checkout)."""
    here = os.getcwd()
    try:
        os.chdir(tempfile.gettempdir())
        spec = importlib.util.find_spec("scraper")
    finally:
        os.chdir(here)
    origin = spec.origin if spec is not None else None
    return str(Path(origin).parent) if origin else "nowhere (not installed)"


def scrapy_available() -> str | None:
    """Scrapy's version, or None when it is not installed."""
    try:
        import scrapy
    except ImportError:
        return None
    return str(scrapy.__version__)


# Reporting ---------------------------------------------------------------------------------


def summarise(runs: list[Run]) -> dict[str, Any]:
    """Medians over repeats (peak RSS: the maximum)."""
    first = runs[0]
    return {
        "crawler": first.crawler, "items": first.items, "pages": first.pages,
        "seconds": statistics.median(run.seconds for run in runs),
        "pages_per_second": statistics.median(run.pages_per_second for run in runs),
        "crawl_pages_per_second": statistics.median(run.crawl_pages_per_second for run in runs),
        "requests_per_page": statistics.median(run.requests_per_page for run in runs),
        "peak_rss_mb": max(run.peak_rss_mb for run in runs),
        "cpu_seconds": statistics.median(run.cpu_seconds for run in runs),
        "max_in_flight": max(run.max_in_flight for run in runs),
        "runs": len(runs),
        "note": "; ".join(run.note for run in runs if run.note),
    }


def table(rows: list[dict[str, Any]]) -> str:
    header = ("crawler", "items", "pages", "wall s", "pages/s", "crawl pages/s", "req/page",
              "peak RSS MB", "CPU s", "in flight")
    lines = [header]
    for row in rows:
        lines.append((row["crawler"], f"{row['items']:,}", f"{row['pages']:,}",
                      f"{row['seconds']:.1f}", f"{row['pages_per_second']:.1f}",
                      f"{row['crawl_pages_per_second']:.1f}", f"{row['requests_per_page']:.3f}",
                      f"{row['peak_rss_mb']:.0f}", f"{row['cpu_seconds']:.1f}",
                      str(row["max_in_flight"])))
    widths = [max(len(line[index]) for line in lines) for index in range(len(header))]
    out = []
    for number, line in enumerate(lines):
        out.append("  ".join(cell.ljust(width) if index == 0 else cell.rjust(width)
                             for index, (cell, width) in enumerate(zip(line, widths))))
        if number == 0:
            out.append("  ".join("-" * width for width in widths))
    notes = [f"  {row['crawler']} ({row['items']:,} items): {row['note']}"
             for row in rows if row["note"]]
    return "\n".join(out + (["notes:", *notes] if notes else []))


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def benchmark(arguments: argparse.Namespace) -> int:
    scrapy_version = None if arguments.skip_scrapy else scrapy_available()
    if not arguments.skip_scrapy and scrapy_version is None:
        print("bench: scrapy is not installed: skipping the Scrapy peers "
              "(it is a benchmark-only peer: /tmp/venv/bin/pip install scrapy)", file=sys.stderr)
    modes = [] if scrapy_version is None else ["parsel", "extract"]
    concurrency = arguments.concurrency
    results: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory(prefix="scraper-bench-") as temporary:
        work = Path(temporary)
        _progress(f"generating a mirror of {arguments.items:,} items")
        site, first, last = generate(arguments.items, work / f"archive-{arguments.items}",
                                     arguments.markup)
        with MirrorProcess(site) as mirror:
            _progress(f"serving {site} at {mirror.base_url} (separate process)")
            for repeat in range(arguments.repeat):
                output = work / f"ours-{arguments.items}-{repeat}.jsonl"
                _progress(f"ours, run {repeat + 1}")
                run = measure(ours_command(mirror.base_url, first, last, output, concurrency),
                              crawler="ours", items=arguments.items, mirror=mirror,
                              output=output, log=work / f"ours-{repeat}.log")
                results.setdefault("ours", []).append(run)
                for mode in modes:
                    output = work / f"scrapy-{mode}-{repeat}.jsonl"
                    _progress(f"scrapy-{mode}, run {repeat + 1}")
                    run = measure(
                        scrapy_command(mirror.base_url, first, last, output, concurrency, mode,
                                       work / f"scrapy-{mode}-{repeat}.stats.json"),
                        crawler=f"scrapy-{mode}", items=arguments.items, mirror=mirror,
                        output=output, log=work / f"scrapy-{mode}-{repeat}.log")
                    results.setdefault(f"scrapy-{mode}", []).append(run)
        if arguments.large:
            _progress(f"generating a mirror of {arguments.large:,} items")
            site, first, last = generate(arguments.large, work / f"archive-{arguments.large}",
                                         arguments.markup)
            with MirrorProcess(site) as mirror:
                output = work / f"ours-{arguments.large}.jsonl"
                _progress(f"ours at {arguments.large:,} items")
                run = measure(ours_command(mirror.base_url, first, last, output, concurrency),
                              crawler="ours", items=arguments.large, mirror=mirror,
                              output=output, log=work / "ours-large.log")
                results.setdefault("ours-large", []).append(run)
    rows = [summarise(runs) for runs in results.values()]
    print(f"crawl benchmark: {arguments.items:,} items (ids dense, EN + FR: "
          f"{2 * arguments.items:,} item pages, markup {arguments.markup}), concurrency "
          f"{concurrency}, delay 0, "
          f"no Crawl-delay, loopback mirror in its own process; "
          f"{arguments.repeat} run(s) each, medians (peak RSS: max)")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"scrapy {scrapy_version or 'not installed'}, scraper from {scraper_origin()}")
    print(table(rows))
    by_name = {row["crawler"]: row for row in rows}
    if "ours" in by_name and "ours-large" in by_name:
        small, large = by_name["ours"], by_name["ours-large"]
        print(f"ours peak RSS: {small['peak_rss_mb']:.0f} MB at {small['pages']:,} pages, "
              f"{large['peak_rss_mb']:.0f} MB at {large['pages']:,} pages "
              f"(x{large['peak_rss_mb'] / small['peak_rss_mb']:.2f} for "
              f"x{large['pages'] / max(small['pages'], 1):.0f} pages)")
    if arguments.json:
        arguments.json.write_text(json.dumps({
            "items": arguments.items, "large": arguments.large, "concurrency": concurrency,
            "repeat": arguments.repeat, "python": platform.python_version(),
            "cpus": os.cpu_count(), "scrapy": scrapy_version, "summary": rows,
            "runs": {name: [run.as_json() for run in runs] for name, runs in results.items()},
        }, indent=2) + "\n", encoding="utf-8")
    failed = any(row["note"] for row in rows)
    return 1 if failed else 0


def _id_range(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    return int(first), int(last)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_serve"]:
        internal = argparse.ArgumentParser(prog="crawl.py _serve")
        internal.add_argument("root", type=Path)
        internal.add_argument("--port", type=int, default=0)
        served = internal.parse_args(argv[1:])
        return serve(served.root, served.port)
    if argv[:1] == ["_scrapy"]:
        internal = argparse.ArgumentParser(prog="crawl.py _scrapy")
        internal.add_argument("--base-url", required=True)
        internal.add_argument("--ids", type=_id_range, required=True)
        internal.add_argument("--mode", choices=("parsel", "extract"), required=True)
        internal.add_argument("-o", "--output", type=Path, required=True)
        internal.add_argument("--concurrency", type=int, default=8)
        internal.add_argument("--stats", type=Path, required=True)
        spider = internal.parse_args(argv[1:])
        first, last = spider.ids
        return run_scrapy(spider.base_url, first, last, spider.mode, spider.output,
                          spider.concurrency, spider.stats)
    parser = argparse.ArgumentParser(
        description="Benchmark `scraper crawl` against Scrapy on a loopback mirror.",
        epilog="Example: /tmp/venv/bin/python bench/crawl.py --items 2000 --json bench.json")
    parser.add_argument("--items", type=int, default=2000,
                        help="items in the mirror (each an EN and a FR page; default 2000)")
    parser.add_argument("--large", type=int, default=20000,
                        help="also crawl (ours only) a mirror of this many items, to watch "
                        "peak RSS (default 20000; 0 skips)")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="requests in flight, both crawlers (default 8)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per crawler (default 1)")
    parser.add_argument("--markup", default="mix",
                        choices=("mix", "table", "br", "html5", "cms", "nested"),
                        help="how the mirror's item pages are written (default mix: the five "
                        "templates of make_demo.py --markup in turn)")
    parser.add_argument("--skip-scrapy", action="store_true", help="measure ours only")
    parser.add_argument("--json", type=Path, help="also write every run to this JSON file")
    arguments = parser.parse_args(argv)
    if arguments.items < 2 or arguments.repeat < 1 or arguments.concurrency < 1:
        parser.error("--items must be at least 2, --repeat and --concurrency at least 1")
    return benchmark(arguments)


if __name__ == "__main__":
    sys.exit(main())
