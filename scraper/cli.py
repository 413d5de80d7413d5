"""Command line: parse arguments, call the pipeline, map the outcome to an exit code.

Records go to stdout (or ``-o``), messages to stderr. Exit 0 on success, 1 when some items
failed, 2 on a usage or input error, which is always one line that says what to do.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import shlex
import signal
import time
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from scraper.api import (
    CrawlEvent,
    CrawlSettings,
    CrawlSummary,
    dataset_stats,
    explain,
    export_records,
    extract,
    fetch_articles,
    open_crawl,
    run_crawl,
)
from scraper.config import DEFAULT_FETCH_OPTIONS, FetchOptions
from scraper.crawl.runner import VIAS
from scraper.crawl.state import CrawlState
from scraper.crawl.wayback import parse_as_of
from scraper.dataset.export import EXPORT_FORMATS
from scraper.errors import FetchError, ScraperError
from scraper.inputs import check_url, read_page, url_from_page
from scraper.profiles import DEFAULT_PROFILE
from scraper.records import Article
from scraper.records.jsonl import JsonlWriter
from scraper.shards import connect_dask, extract_shards_on_dask, extract_warc

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
WAYBACK_DELAY = 4.0
"""Seconds between requests to a web archive unless --delay says otherwise."""
WARC_SUFFIXES = (".warc", ".warc.gz")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"scraper: error: {message} (see '{self.prog} -h')\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scraper",
        description="Clean, structured records from the CEMR news archive.",
        epilog="Example: scraper extract fixtures/pages/seed-table.html "
        "--url https://ccre.org/en/actualites/view/4384",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    extract_parser = commands.add_parser(
        "extract",
        help="one saved page (or - for stdin) -> one JSON record on stdout",
        description="Extract the record of one saved HTML page and print it as JSON.",
        epilog="Example: scraper extract fixtures/pages/seed-table.html "
        "--url https://ccre.org/en/actualites/view/4384",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract_parser.add_argument("pages", metavar="PAGE", nargs="+",
                                help="HTML file, or - for stdin; or .warc.gz files (several)")
    extract_parser.add_argument(
        "--url",
        help="URL the page was read from (default: the page's canonical or og:url link)",
    )
    extract_parser.add_argument(
        "--profile",
        help="site profile: a bundled name (scraper/profiles/*.toml) or a .toml file "
        "(default: chosen by the URL's host)",
    )
    extract_parser.add_argument(
        "-o", "--output", type=Path, help="write the record to this file instead of stdout"
    )
    extract_parser.add_argument(
        "--explain", action="store_true",
        help="instead of the record, say why it says what it says: each quote's attribution "
        "rule and chosen speaker, each date's rule and reference date, each removal's reason")
    extract_parser.add_argument(
        "--workers", type=_positive_int, default=1,
        help="with a .warc.gz file: extract on this many processes (default: 1)")
    extract_parser.add_argument(
        "--dask", metavar="ADDRESS",
        help="with .warc.gz files (shards): extract them on a Dask cluster, 'local' (one "
        "worker per core) or a scheduler address like tcp://host:8786 (pip install "
        "\"scraper[dask]\")")

    get_parser = commands.add_parser(
        "get",
        help="import single URLs (any site) -> JSONL records",
        description="Fetch URLs politely (robots.txt, retries) and write their records as "
        "JSONL. CEMR pages get full records; other sites get text, title and date.",
        epilog="Example: scraper get https://ccre.org/en/actualites/view/4384 -o records.jsonl",
    )
    get_parser.add_argument("urls", metavar="URL", nargs="+", help="absolute http(s) URLs")
    get_parser.add_argument("-o", "--output", default="-", help="JSONL file (default: stdout)")
    get_parser.add_argument("--profile", help="site profile name or .toml (default: by host)")
    _add_fetch_options(get_parser)

    crawl_parser = commands.add_parser(
        "crawl",
        help="batch-crawl the archive -> JSONL (resumable)",
        description="Crawl a site's whole news archive: discover items (listing pages and id "
        "enumeration), fetch them politely, write one record per item. Killed or "
        "interrupted, it resumes with --resume: nothing lost, nothing written twice.",
        epilog=f"Example: scraper crawl --site {DEFAULT_PROFILE} -o records.jsonl --lang en,fr "
        "--resume",
    )
    crawl_parser.add_argument("--site", default=DEFAULT_PROFILE,
                              help="site profile: a bundled name (scraper/profiles/*.toml) "
                              "or a .toml file (default: %(default)s)")
    crawl_parser.add_argument("--base-url", help="crawl a mirror of the site at this URL")
    crawl_parser.add_argument("-o", "--output", default="records.jsonl",
                              help="records, JSONL (default: records.jsonl; - for stdout)")
    crawl_parser.add_argument("--state", help="state file (default: OUTPUT.state.db)")
    crawl_parser.add_argument("--failures",
                              help="failed URLs, JSONL (default: OUTPUT.failures.jsonl)")
    crawl_parser.add_argument("--warc", help="also keep raw pages in this .warc.gz file")
    crawl_parser.add_argument("--lang", default="en,fr", help="languages (default: en,fr)")
    crawl_parser.add_argument("--max-items", type=_positive_int, help="stop after N records")
    crawl_parser.add_argument("--ids", type=_id_range,
                              help="item id range FROM-TO or FROM- (default: from the "
                              "profile's first id to past the newest listed one)")
    crawl_parser.add_argument("--listing-pages", type=_positive_int, default=1,
                              help="listing pages read per listing to find items (default: 1)")
    crawl_parser.add_argument("--resume", action="store_true",
                              help="continue the crawl recorded in the state file")
    crawl_parser.add_argument("--refresh", action="store_true",
                              help="with --resume: fetch done items again, conditionally "
                              "(unchanged pages cost a 304 and are not rewritten)")
    crawl_parser.add_argument("--via", choices=sorted(VIAS),
                              help="read the site's captures in a web archive (the Wayback "
                              "Machine; --base-url: another archive or a mirror of one); "
                              "default delay 4 s")
    crawl_parser.add_argument("--as-of", type=_as_of, metavar="DATE",
                              help="with --via wayback: the capture nearest DATE (YYYY, "
                              "YYYY-MM, YYYY-MM-DD), not the newest")
    crawl_parser.add_argument("--modified-after", type=_iso_date, metavar="DATE",
                              help="a WordPress site (discovery = \"wordpress\"): only posts modified "
                              "after DATE (an incremental run)")
    _add_fetch_options(crawl_parser)

    demo_parser = commands.add_parser(
        "demo",
        help="serve the bundled offline archive on 127.0.0.1 and crawl it",
        description="Serve a bundled offline archive of a site (installed with the package) "
        "on 127.0.0.1 and crawl it end to end, politeness relaxed, into a JSONL file.",
        epilog=f"Example: scraper demo --site {DEFAULT_PROFILE} -o demo.jsonl",
    )
    demo_parser.add_argument("--site", default=DEFAULT_PROFILE,
                             help="the site whose archive to serve: a bundled profile with "
                             "a demo archive (default: %(default)s)")
    demo_parser.add_argument("--via", choices=sorted(VIAS),
                             help="serve the site's captures in a web archive (a CDX "
                             "index and raw captures) and crawl them")
    demo_parser.add_argument("--archive", type=Path,
                             help="an archive folder with a demo.toml (default: the bundled "
                             "archive of --site)")
    demo_parser.add_argument("-o", "--output", default="demo.jsonl",
                             help="records, JSONL (default: demo.jsonl, overwritten)")
    demo_parser.add_argument("--warc", help="also keep raw pages in this .warc.gz file")

    export_parser = commands.add_parser(
        "export",
        help="records (JSONL) -> CSV, Parquet or SQLite (+ full-text search) for analysis",
        description="Tidy a JSONL file of records and write it for analysis: duplicates "
        "dropped (the newest fetch kept), EN/FR editions linked in translations, an optional "
        "date window on published, a stable order (published, item_id, language). Streams: "
        "memory stays flat whatever the size. CSV: one row per article, lists one item per "
        "line, nested values as JSON; Parquet: nested schema, dates as dates (needs pyarrow); "
        "SQLite: articles, quotes, date_mentions, breadcrumbs, removed, and the FTS5 index "
        "articles_fts over title and text. Columns: docs/record.md.",
        epilog="Example: scraper export demo.jsonl --to sqlite -o demo.sqlite",
    )
    export_parser.add_argument("records", metavar="FILE.jsonl", help="records, JSONL")
    export_parser.add_argument("--to", required=True, choices=sorted(EXPORT_FORMATS),
                               help="output format")
    export_parser.add_argument("-o", "--output",
                               help="output file (default: FILE with the format's suffix; "
                               "- for stdout, csv and jsonl only)")
    _add_window_options(export_parser)
    export_parser.add_argument("--bom", action="store_true",
                               help="CSV: start with a UTF-8 byte order mark (for Excel)")

    stats_parser = commands.add_parser(
        "stats",
        help="a first look at records: items per year, section, language, speakers, gaps",
        description="Count the tidied records of a JSONL file (deduplicated as by export): "
        "items per year, section and language, top quote speakers, records with no date or "
        "no body, blocks removed (spam, ...). A table, or JSON with --json.",
        epilog="Example: scraper stats demo.jsonl --json",
    )
    stats_parser.add_argument("records", metavar="FILE.jsonl", help="records, JSONL")
    stats_parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    stats_parser.add_argument("--top", type=_positive_int, default=10,
                              help="quote speakers listed (default: 10)")
    _add_window_options(stats_parser)

    commands.add_parser(
        "schema",
        help="print the JSON Schema of the record",
        description="Print the JSON Schema of the Article record (generated from the models).",
        epilog="Example: scraper schema > article.schema.json",
    )
    return parser


def _add_fetch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--delay", type=_non_negative_float,
                        help=f"seconds between requests to a host (default: "
                        f"{DEFAULT_FETCH_OPTIONS.delay:g}; robots.txt Crawl-delay may raise it)")
    parser.add_argument("--concurrency", type=_positive_int,
                        help=f"requests in flight per host (default: {DEFAULT_FETCH_OPTIONS.per_host})")
    parser.add_argument("--contact", help="URL or e-mail added to the User-Agent")
    parser.add_argument("--retries", type=_non_negative_int,
                        help=f"retries of transient failures (default: {DEFAULT_FETCH_OPTIONS.retries})")
    parser.add_argument("--max-crawl-delay", type=_non_negative_float, metavar="SECONDS",
                        help="a robots.txt Crawl-delay longer than this leaves the host's pages "
                        "pending instead of waiting (default: "
                        f"{DEFAULT_FETCH_OPTIONS.max_crawl_delay:g})")


def _add_window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_iso_date, metavar="DATE",
                        help="keep records published on or after DATE (YYYY-MM-DD)")
    parser.add_argument("--until", type=_iso_date, metavar="DATE",
                        help="keep records published on or before DATE (YYYY-MM-DD)")


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _fetch_options(arguments: argparse.Namespace) -> FetchOptions:
    changes: dict[str, object] = {}
    for name, field in (("delay", "delay"), ("concurrency", "per_host"),
                        ("contact", "contact"), ("retries", "retries"),
                        ("max_crawl_delay", "max_crawl_delay")):
        value = getattr(arguments, name, None)
        if value is not None:
            changes[field] = value
    return DEFAULT_FETCH_OPTIONS.model_copy(update=changes)


def _as_of(text: str) -> dt.datetime:
    try:
        return parse_as_of(text)
    except ScraperError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def _non_negative_int(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    return int(text)


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


def _id_range(text: str) -> tuple[int, int | None]:
    first, separator, last = text.partition("-")
    if not first.isdigit() or not separator or (last and not last.isdigit()) or (
            last and int(last) < int(first)):
        raise argparse.ArgumentTypeError(f"expected FROM-TO or FROM-, got {text!r}")
    return int(first), int(last) if last else None


def _run_extract(arguments: argparse.Namespace) -> int:
    if arguments.dask or len(arguments.pages) > 1 or arguments.pages[0].endswith(WARC_SUFFIXES):
        return _run_extract_warc(arguments)
    page = arguments.pages[0]
    data = read_page(page, stdin=sys.stdin.buffer)
    url = arguments.url or url_from_page(data)
    if url is None:
        raise ScraperError(f"{page}: the page names no canonical URL; pass --url URL")
    if arguments.explain:
        _write(explain(data, url, profile=arguments.profile).text(), arguments.output)
        return EXIT_OK
    article = extract(data, url, profile=arguments.profile)
    _write(article.model_dump_json(indent=2) + "\n", arguments.output)
    return EXIT_OK


def _run_extract_warc(arguments: argparse.Namespace) -> int:
    if arguments.explain:
        raise ScraperError("--explain explains one HTML page: extract it alone (with --url)")
    for page in arguments.pages:
        if not page.endswith(WARC_SUFFIXES):
            raise ScraperError(f"{page}: --dask and several inputs take WARC files only "
                               "(.warc, .warc.gz); extract HTML pages one at a time")
        if not Path(page).is_file():
            raise ScraperError(f"{page}: no such file")
    if arguments.dask and arguments.workers > 1:
        raise ScraperError("--workers is for one machine; with --dask the cluster's workers "
                           "extract: drop --workers")
    with contextlib.ExitStack() as stack:
        if arguments.dask:
            client = stack.enter_context(connect_dask(arguments.dask))
            articles = extract_shards_on_dask(arguments.pages, client=client,
                                              profile=arguments.profile)
        else:
            articles = (article for page in arguments.pages for article in extract_warc(
                page, profile=arguments.profile, workers=arguments.workers))
        writer = stack.enter_context(JsonlWriter(arguments.output or "-", append=False))
        for article in articles:
            writer.write(article)
    return EXIT_OK


def _run_get(arguments: argparse.Namespace) -> int:
    options = _fetch_options(arguments)
    failed = 0

    async def fetch_all(writer: JsonlWriter) -> int:
        failures = 0
        async for outcome in fetch_articles(arguments.urls, profile=arguments.profile,
                                            options=options):
            if isinstance(outcome, FetchError):
                print(f"scraper: failed: {outcome}", file=sys.stderr)
                failures += 1
            else:
                writer.write(outcome)
        return failures

    with JsonlWriter(arguments.output, append=False) as writer:
        failed = asyncio.run(fetch_all(writer))
    print(f"scraper get: {len(arguments.urls) - failed} written, {failed} failed",
          file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def _run_crawl(arguments: argparse.Namespace, argv: Sequence[str]) -> int:
    output = arguments.output
    stem = output if output != "-" else "crawl"
    state_path = arguments.state or (f"{stem}.state.db" if output != "-" else None)
    failures = Path(arguments.failures or f"{stem}.failures.jsonl")
    _refuse_collisions({"-o": output if output != "-" else None, "--state": state_path,
                        "--failures": str(failures), "--warc": arguments.warc})
    if arguments.base_url:
        check_url(arguments.base_url)  # before any file is made
    languages = tuple(part.strip() for part in arguments.lang.split(",") if part.strip())
    first_id, last_id = arguments.ids or (None, None)
    settings = CrawlSettings(
        site=arguments.site, base_url=arguments.base_url, languages=languages,
        max_items=arguments.max_items, first_id=first_id, last_id=last_id,
        listing_pages=arguments.listing_pages, refresh=arguments.refresh,
        via=arguments.via, as_of=arguments.as_of,
        modified_after=arguments.modified_after.isoformat() + "T00:00:00"
        if arguments.modified_after else None,
    )
    if arguments.as_of and arguments.via != "wayback":
        raise ScraperError("--as-of chooses among web-archive captures: use it with --via "
                           "wayback")
    options = _fetch_options(arguments)
    if arguments.via == "wayback" and arguments.delay is None:
        options = options.model_copy(update={"delay": WAYBACK_DELAY})
    if arguments.refresh and not arguments.resume:
        raise ScraperError("--refresh re-crawls an earlier crawl: use it with --resume")
    state, _ = open_crawl(output, state_path, resume=arguments.resume)
    resume_hint = shlex.join(["scraper", *argv] + ([] if arguments.resume else ["--resume"]))
    return _crawl_and_report(settings, output=output, state=state, failures=failures,
                             warc=arguments.warc, append=arguments.resume,
                             options=options, resume_hint=resume_hint)


def _refuse_collisions(paths: dict[str, str | None]) -> None:
    """One line and exit 2 when two of a crawl's files are the same file: records, state,
    failures and WARC would overwrite each other (issue 15, finding 9)."""
    seen: dict[Path, str] = {}
    for option, path in paths.items():
        if path is None:
            continue
        resolved = Path(path).resolve()
        if resolved in seen:
            raise ScraperError(f"{seen[resolved]} and {option} name the same file ({path}): "
                               "give each its own")
        seen[resolved] = option


def _crawl_and_report(settings: CrawlSettings, *, output: str, state: CrawlState,
                      failures: Path, warc: str | None, append: bool, options: FetchOptions,
                      resume_hint: str | None, label: str = "crawl") -> int:
    started = time.monotonic()
    with _progress(state.counts()["pending"]) as on_event:
        try:
            summary = asyncio.run(run_crawl(
                settings, output=output, state=state, failures=failures,
                warc=Path(warc) if warc else None, append=append, options=options,
                on_event=on_event))
        except KeyboardInterrupt:
            state.close()
            hint = f"; resume with: {resume_hint}" if resume_hint else ""
            print(f"scraper: interrupted{hint}", file=sys.stderr)
            return 130
        except ScraperError as error:  # a full disk, a read-only folder: state stays intact
            state.close()
            hint = f"; fix that, then resume with: {resume_hint}" if resume_hint else ""
            print(f"scraper: error: {error}{hint}", file=sys.stderr)
            return EXIT_USAGE
    state.close()
    print(f"scraper {label}: {summary.line(time.monotonic() - started)} -> {output}"
          + (f"; failures in {failures}" if summary.failed else ""), file=sys.stderr)
    if summary.deferred:
        hint = f"; then: {resume_hint}" if resume_hint else ""
        print(f"scraper: {summary.deferred} left pending: {summary.deferred_reason}{hint}",
              file=sys.stderr)
    return EXIT_FAILED if summary.failed or summary.deferred else EXIT_OK


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[CrawlEvent, CrawlSummary], None] | None]:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeRemainingColumn)

    columns = (TextColumn("crawl"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[failed]} failed, {task.fields[rate]:.1f}/s"),
               TimeRemainingColumn())
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task("crawl", total=total or None, failed=0, rate=0.0)
        started = time.monotonic()

        def update(event: CrawlEvent, summary: CrawlSummary) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            progress.update(task, advance=1, failed=summary.failed,
                            rate=summary.written / elapsed)

        yield update


def _run_demo(arguments: argparse.Namespace) -> int:
    from scraper import demo  # the demo's servers and archives: this command only

    archive = demo.load_archive(arguments.archive) if arguments.archive else \
        demo.find_archive(arguments.site, arguments.via)
    with demo.serve(archive) as mirror:
        print(f"scraper demo: serving {archive.served} at {mirror.base_url}", file=sys.stderr)
        settings = demo.crawl_settings(archive, mirror.base_url)
        options = DEFAULT_FETCH_OPTIONS.model_copy(
            update={"delay": 0.0, "per_host": 4, "obey_crawl_delay": False})
        state = CrawlState(":memory:")  # a demo always starts afresh
        return _crawl_and_report(settings, output=arguments.output, state=state,
                                 failures=Path(f"{arguments.output}.failures.jsonl"),
                                 warc=arguments.warc, append=False, options=options,
                                 resume_hint=None, label="demo")


def _run_export(arguments: argparse.Namespace) -> int:
    output = arguments.output or str(_default_output(Path(arguments.records), arguments.to))
    started = time.monotonic()
    summary = export_records(arguments.records, output, to=arguments.to,
                             since=arguments.since, until=arguments.until, bom=arguments.bom)
    print(f"scraper export: {summary.line()} in {time.monotonic() - started:.1f} s -> "
          f"{'stdout' if output == '-' else output}", file=sys.stderr)
    return EXIT_OK


def _default_output(source: Path, to: str) -> Path:
    output = source.with_suffix(EXPORT_FORMATS[to])
    return output if output != source else source.with_suffix(".tidy" + EXPORT_FORMATS[to])


def _run_stats(arguments: argparse.Namespace) -> int:
    stats = dataset_stats(arguments.records, since=arguments.since, until=arguments.until,
                          top=arguments.top)
    if arguments.json:
        _write(json.dumps(stats.to_json(), indent=2, ensure_ascii=False) + "\n", None)
    else:
        _write(stats.table(), None)
    return EXIT_OK


def _run_schema(arguments: argparse.Namespace) -> int:
    _write(json.dumps(Article.model_json_schema(), indent=2, ensure_ascii=False) + "\n", None)
    return EXIT_OK


def _write(text: str, path: Path | None) -> None:
    if path is None:
        sys.stdout.write(text)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ScraperError(f"cannot write {path}: {error.strerror or error}") from error


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (``kill``, a scheduler's time limit) stops the command as Ctrl-C does, so
    scratch files are removed and a crawl's state stays consistent."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and of ``python -m scraper``."""
    parser = _build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as stop:  # usage errors and --help: argparse has printed its message
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    level = (logging.INFO if arguments.verbose or os.environ.get("SCRAPER_VERBOSE") else
             logging.WARNING)
    # The level is set on the handler too: Dask's loggers set their own level (INFO) when
    # imported, which the root logger's level alone would not hold back.
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    logging.basicConfig(level=level, format="scraper: %(levelname)s: %(message)s",
                        handlers=[handler])
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    runners = {"extract": _run_extract, "schema": _run_schema, "get": _run_get,
               "demo": _run_demo, "export": _run_export, "stats": _run_stats}
    try:
        with _stop_on_sigterm():
            if arguments.command == "crawl":
                return _run_crawl(arguments, list(argv if argv is not None else sys.argv[1:]))
            return runners[arguments.command](arguments)
    except ScraperError as error:
        print(f"scraper: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("scraper: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
