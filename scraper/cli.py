"""Command line: parse arguments, call the pipeline, map the outcome to an exit code.

Records go to stdout (or ``-o``), messages to stderr. Exit 0 on success, 1 when some items
failed, 2 on a usage or input error, which is always one line that says what to do.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from scraper.errors import ScraperError
from scraper.models import Article
from scraper.pipeline import extract, read_page, url_from_page

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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
    extract_parser.add_argument("page", metavar="PAGE", help="HTML file, or - for stdin")
    extract_parser.add_argument(
        "--url",
        help="URL the page was read from (default: the page's canonical or og:url link)",
    )
    extract_parser.add_argument(
        "--profile",
        help="site profile: a bundled name (cemr, generic) or a .toml file "
        "(default: chosen by the URL's host)",
    )
    extract_parser.add_argument(
        "-o", "--output", type=Path, help="write the record to this file instead of stdout"
    )

    commands.add_parser(
        "schema",
        help="print the JSON Schema of the record",
        description="Print the JSON Schema of the Article record (generated from the models).",
        epilog="Example: scraper schema > article.schema.json",
    )
    return parser


def _run_extract(arguments: argparse.Namespace) -> int:
    data = read_page(arguments.page, stdin=sys.stdin.buffer)
    url = arguments.url or url_from_page(data)
    if url is None:
        raise ScraperError(
            f"{arguments.page}: the page names no canonical URL; pass --url URL"
        )
    article = extract(data, url, profile=arguments.profile)
    _write(article.model_dump_json(indent=2) + "\n", arguments.output)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and of ``python -m scraper``."""
    parser = _build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as stop:  # usage errors and --help: argparse has printed its message
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    logging.basicConfig(
        level=logging.INFO if arguments.verbose or os.environ.get("SCRAPER_VERBOSE") else
        logging.WARNING,
        format="scraper: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    runners = {"extract": _run_extract, "schema": _run_schema}
    try:
        return runners[arguments.command](arguments)
    except ScraperError as error:
        print(f"scraper: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("scraper: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
