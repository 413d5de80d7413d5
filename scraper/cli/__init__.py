"""Command line: parse arguments, call the pipeline, map the outcome to an exit code.

Records go to stdout (or ``-o``), messages and progress bars to stderr. Exit 0 on success,
1 when some items failed or were left pending (or nothing could be fetched), 2 on a usage or
input error, which is always one line that says what to do. The commands live in
:mod:`~scraper.cli.records` (extract, get, export, stats, schema) and
:mod:`~scraper.cli.crawl` (crawl, demo); their grammar in :mod:`~scraper.cli.parser`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Iterator, Sequence

from scraper.cli import common
from scraper.cli.common import EXIT_OK, EXIT_USAGE
from scraper.cli.parser import build_parser
from scraper.errors import ScraperError
from scraper.inputs import check_output

COMMANDS = {"extract": "records", "get": "records", "export": "records", "stats": "records",
            "schema": "records", "crawl": "crawl", "demo": "crawl"}
"""Each command's module (scraper.cli.NAME, function COMMAND_command): imported only when
the command runs, so --help and a one-page extract load only what they use."""


def _configure_logging(arguments: argparse.Namespace) -> None:
    """stderr: warnings (default), errors only (-q), progress (-v), detail (-vv); a
    --log-file gets progress at least."""
    verbosity = arguments.verbose or (1 if os.environ.get("SCRAPER_VERBOSE") else 0)
    common.QUIET[0] = arguments.quiet
    level = logging.ERROR if arguments.quiet else \
        {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    form = logging.Formatter("scraper: %(levelname)s: %(message)s")
    # The level is set on the handler too: Dask's loggers set their own level (INFO) when
    # imported, which the root logger's level alone would not hold back.
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    handlers: list[logging.Handler] = [handler]
    if arguments.log_file:
        check_output(arguments.log_file, overwrite=True, option="--log-file")
        try:
            to_file = logging.FileHandler(arguments.log_file, encoding="utf-8")
        except OSError as error:
            raise ScraperError(f"--log-file {arguments.log_file}: "
                               f"{error.strerror or error}") from None
        to_file.setLevel(min(level, logging.INFO))
        to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: "
                                               "%(message)s"))
        handlers.append(to_file)
    for each in handlers[:1]:
        each.setFormatter(form)
    root = logging.getLogger()
    for old in list(root.handlers):  # main() called twice in one process (tests, notebooks)
        if getattr(old, "_scraper", False):
            root.removeHandler(old)
            old.close()
    for each in handlers:
        each._scraper = True  # type: ignore[attr-defined]
        root.addHandler(each)
    root.setLevel(min(each.level for each in handlers))


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
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as stop:  # usage errors and --help: argparse has printed its message
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    try:
        _configure_logging(arguments)
    except ScraperError as error:
        print(f"scraper: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with _stop_on_sigterm():
            module = importlib.import_module(f"scraper.cli.{COMMANDS[arguments.command]}")
            command = getattr(module, f"{arguments.command}_command")
            if arguments.command == "crawl":
                return int(command(arguments, list(argv if argv is not None else sys.argv[1:])))
            return int(command(arguments))
    except ScraperError as error:
        print(f"scraper: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("scraper: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except (OSError, sqlite3.Error) as error:  # the last guard: one line, never a traceback
        filename = getattr(error, "filename", None)
        print(f"scraper: error: {getattr(error, 'strerror', None) or error}"
              + (f": {filename}" if filename else ""), file=sys.stderr)
        return EXIT_USAGE
