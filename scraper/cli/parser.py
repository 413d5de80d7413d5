"""The command line's grammar: commands, options and their checks (argparse)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from scraper.cli.common import EXIT_USAGE
from scraper.errors import ScraperError
from scraper.names import (
    DEFAULT_DELAY,
    DEFAULT_MAX_CRAWL_DELAY,
    DEFAULT_PER_HOST,
    DEFAULT_PROFILE,
    DEFAULT_RETRIES,
    EXPORT_FORMATS,
    FORMATS,
    VIA_SOURCES,
    installed_version,
)

if TYPE_CHECKING:
    from scraper.config import FetchOptions

WAYBACK_DELAY = 4.0
"""Seconds between requests to a web archive unless --delay says otherwise."""
EXPORT_SUFFIXES = {suffix: name for name, suffix in EXPORT_FORMATS.items()} | {
    ".db": "sqlite", ".sqlite3": "sqlite", ".pq": "parquet"}
"""Output extensions and the export format each names."""


def format_of(output: str | None) -> str:
    """The export format ``-o``'s extension names; one line when it names none."""
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    if suffix not in EXPORT_SUFFIXES:
        where = f"-o {output}" if output else "no -o"
        raise ScraperError(f"{where}: give --to ({', '.join(sorted(EXPORT_FORMATS))}) or an "
                           f"output ending {', '.join(EXPORT_SUFFIXES)}")
    return EXPORT_SUFFIXES[suffix]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2, and never expands an
    abbreviation (``--max 5`` is an error, not ``--max-items 5``)."""

    def __init__(self, *arguments: Any, **keywords: Any) -> None:
        keywords.setdefault("allow_abbrev", False)
        super().__init__(*arguments, **keywords)

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"scraper: error: {message} (see '{self.prog} -h')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scraper",
        description="Clean, structured records from the CEMR news archive.",
        epilog="Example: scraper extract fixtures/pages/seed-table.html "
        "--url https://ccre.org/en/actualites/view/4384",
    )
    parser.add_argument("--version", action="version", version=f"scraper {installed_version()}")
    _add_logging_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    extract_parser = commands.add_parser(
        "extract",
        help="saved pages (files, folders, .gz, .warc.gz, - for stdin) -> records",
        description="Extract the records of saved pages: HTML files (.gz too), folders of "
        "them, or WARC files. One HTML page prints one pretty JSON record; several inputs "
        "print JSONL (or --format). A page's URL is --url, else its canonical link, else "
        "its file's URI (then read by the generic profile unless --profile names one).",
        epilog="Example: scraper extract fixtures/pages/seed-table.html "
        "--url https://ccre.org/en/actualites/view/4384",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract_parser.add_argument("pages", metavar="PAGE", nargs="+",
                                help="HTML files (.html, .htm, .gz), folders of them, .warc or "
                                ".warc.gz files, or - for stdin")
    extract_parser.add_argument(
        "--url",
        help="URL the page was read from, with one HTML page (default: the page's canonical "
        "or og:url link, else the file's URI)",
    )
    _add_format(extract_parser, "json for one HTML page, else jsonl")
    extract_parser.add_argument(
        "--profile",
        help="site profile: a bundled name (scraper/profiles/*.toml) or a .toml file "
        "(default: chosen by the URL's host)",
    )
    extract_parser.add_argument(
        "-o", "--output", type=Path, help="write the record to this file instead of stdout"
    )
    _add_overwrite(extract_parser)
    extract_parser.add_argument(
        "--explain", action="store_true",
        help="instead of the record, say why it says what it says: each quote's attribution "
        "rule and chosen speaker, each date's rule and reference date, each removal's reason")
    extract_parser.add_argument(
        "--workers", type=_positive_int, default=1,
        help="extract on this many processes (default: 1)")
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
    get_parser.add_argument("urls", metavar="URL", nargs="*", help="absolute http(s) URLs")
    get_parser.add_argument("-i", "--input-file", metavar="FILE",
                            help="read URLs from FILE, one per line (- for stdin; blank lines "
                            "and # comments skipped)")
    get_parser.add_argument("-o", "--output", default="-",
                            help="output file (default: stdout)")
    _add_format(get_parser, "jsonl")
    _add_overwrite(get_parser)
    get_parser.add_argument("--profile", help="site profile name or .toml (default: by host)")
    _addfetch_options(get_parser)

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
    crawl_parser.add_argument("--documents", action="store_true",
                              help="also fetch the files the articles link (pdf, docx...) "
                              "once the articles are done: one record each in "
                              "OUTPUT.documents.jsonl (a PDF's pages, title and text with "
                              "the pdf extra), kept in the WARC and resumable")
    crawl_parser.add_argument("--lang", default="en,fr", help="languages (default: en,fr)")
    crawl_parser.add_argument("--max-items", type=_positive_int, help="stop after N records")
    crawl_parser.add_argument("--ids", type=_id_range,
                              help="news item ids FROM-TO or FROM-, strictly: listed items "
                              "outside are not crawled either (default: from the profile's "
                              "first id to past the newest listed one)")
    crawl_parser.add_argument("--listing-pages", type=_positive_int, default=1,
                              help="listing pages read per listing to find items (default: 1)")
    crawl_parser.add_argument("--list", action="store_true",
                              help="discover only: print the URLs the crawl would fetch, one "
                              "per line, and stop (listings and indexes are read; no item "
                              "page is fetched, no file written)")
    crawl_parser.add_argument("--overwrite", action="store_true",
                              help="start afresh over an earlier crawl's output and state")
    crawl_parser.add_argument("--resume", action="store_true",
                              help="continue the crawl recorded in the state file")
    crawl_parser.add_argument("--refresh", action="store_true",
                              help="with --resume: fetch done items again, conditionally "
                              "(unchanged pages cost a 304 and are not rewritten)")
    crawl_parser.add_argument("--via", choices=sorted(VIA_SOURCES),
                              help="read the site's captures in a web archive (the Wayback "
                              "Machine; --base-url: another archive or a mirror of one); "
                              "default delay 4 s")
    crawl_parser.add_argument("--as-of", type=_as_of, metavar="DATE",
                              help="with --via wayback: the capture nearest DATE (YYYY, "
                              "YYYY-MM, YYYY-MM-DD), not the newest")
    crawl_parser.add_argument("--modified-after", type=_iso_date, metavar="DATE",
                              help="a WordPress site (discovery = \"wordpress\"): only posts modified "
                              "after DATE (an incremental run)")
    _addfetch_options(crawl_parser)

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
    demo_parser.add_argument("--via", choices=sorted(VIA_SOURCES),
                             help="serve the site's captures in a web archive (a CDX "
                             "index and raw captures) and crawl them")
    demo_parser.add_argument("--archive", type=Path,
                             help="an archive folder with a demo.toml (default: the bundled "
                             "archive of --site)")
    demo_parser.add_argument("-o", "--output", default="demo.jsonl",
                             help="records, JSONL (default: demo.jsonl, overwritten)")
    demo_parser.add_argument("--warc", help="also keep raw pages in this .warc.gz file")
    demo_parser.add_argument("--documents", action="store_true",
                             help="also fetch the files the articles link, as crawl "
                             "--documents does (OUTPUT.documents.jsonl)")

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
    export_parser.add_argument("--to", choices=sorted(EXPORT_FORMATS),
                               help="output format (default: from -o's extension: "
                               f"{', '.join(EXPORT_SUFFIXES)})")
    export_parser.add_argument("-o", "--output",
                               help="output file (default: FILE with the format's suffix; "
                               "- for stdout, csv and jsonl only)")
    _add_overwrite(export_parser)
    _add_window_options(export_parser)
    export_parser.add_argument("--documents", metavar="FILE.documents.jsonl",
                               help="sqlite: fill the documents table (and its full-text "
                               "index) with the files `crawl --documents` fetched (default: "
                               "FILE.documents.jsonl beside the records, when there is one)")
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
    for command in commands.choices.values():
        _add_logging_options(command)
    return parser


def _add_format(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("--format", choices=FORMATS, help="records as json, jsonl, txt (title "
                        "and text), md (Markdown) or tei (XML-TEI P5) (default: "
                        f"{default})")


def _add_overwrite(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--overwrite", action="store_true",
                        help="replace the output file if it exists (only a regular file is "
                        "ever replaced)")


def _add_logging_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """-v/-vv/-q and --log-file, before or after the command (a command's own copy only sets
    what it is given, so ``scraper -v crawl`` and ``scraper crawl -v`` both work)."""
    default: dict[str, Any] = {} if top else {"default": argparse.SUPPRESS}
    group = parser.add_argument_group("logging")
    group.add_argument("-v", "--verbose", action="count", help="log progress to stderr "
                       "(-vv: debugging detail)", **({"default": 0} if top else default))
    group.add_argument("-q", "--quiet", action="store_true",
                       help="print errors only (no summary, no warnings)",
                       **({"default": False} if top else default))
    group.add_argument("--log-file", metavar="FILE", help="also write the log (progress "
                       "included) to FILE", **({"default": None} if top else default))


def _addfetch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--delay", type=_non_negative_float,
                        help=f"seconds between requests to a host (default: "
                        f"{DEFAULT_DELAY:g}; robots.txt Crawl-delay may raise it)")
    parser.add_argument("--concurrency", type=_positive_int,
                        help=f"requests in flight per host (default: {DEFAULT_PER_HOST})")
    parser.add_argument("--contact", help="URL or e-mail added to the User-Agent")
    parser.add_argument("--retries", type=_non_negative_int,
                        help=f"retries of transient failures (default: {DEFAULT_RETRIES})")
    parser.add_argument("--max-crawl-delay", type=_non_negative_float, metavar="SECONDS",
                        help="a robots.txt Crawl-delay longer than this leaves the host's pages "
                        "pending instead of waiting (default: "
                        f"{DEFAULT_MAX_CRAWL_DELAY:g})")


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


def fetch_options(arguments: argparse.Namespace) -> FetchOptions:
    changes: dict[str, object] = {}
    for name, field in (("delay", "delay"), ("concurrency", "per_host"),
                        ("contact", "contact"), ("retries", "retries"),
                        ("max_crawl_delay", "max_crawl_delay")):
        value = getattr(arguments, name, None)
        if value is not None:
            changes[field] = value
    from scraper.config import DEFAULT_FETCH_OPTIONS  # the models: when a command runs

    return DEFAULT_FETCH_OPTIONS.model_copy(update=changes)


def _as_of(text: str) -> dt.datetime:
    try:
        from scraper.crawl.wayback import parse_as_of  # the crawl's modules: when used

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


