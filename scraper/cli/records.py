"""The commands that read or write records: extract, get, export, stats, schema."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path

from scraper.api import dataset_stats, explain, export_records, extract, fetch_articles
from scraper.cli.common import EXIT_FAILED, EXIT_OK, closing_line, write
from scraper.cli.parser import fetch_options, format_of
from scraper.dataset.export import EXPORT_FORMATS
from scraper.errors import FetchError, ScraperError
from scraper.inputs import check_output, read_page, url_from_page
from scraper.records import Article
from scraper.records.jsonl import JsonlWriter
from scraper.shards import connect_dask, extract_shards_on_dask, extract_warc

WARC_SUFFIXES = (".warc", ".warc.gz")

def extract_command(arguments: argparse.Namespace) -> int:
    if arguments.dask or len(arguments.pages) > 1 or arguments.pages[0].endswith(WARC_SUFFIXES):
        return extract_warc_command(arguments)
    page = arguments.pages[0]
    if arguments.output is not None:
        check_output(arguments.output, overwrite=arguments.overwrite, stream=True)
    data = read_page(page, stdin=sys.stdin.buffer)
    url = arguments.url or url_from_page(data)
    if url is None:
        raise ScraperError(f"{page}: the page names no canonical URL; pass --url URL")
    if arguments.explain:
        write(explain(data, url, profile=arguments.profile).text(), arguments.output)
        return EXIT_OK
    article = extract(data, url, profile=arguments.profile)
    write(article.model_dump_json(indent=2) + "\n", arguments.output)
    return EXIT_OK


def extract_warc_command(arguments: argparse.Namespace) -> int:
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
        check_output(arguments.output or "-", overwrite=arguments.overwrite, stream=True)
        writer = stack.enter_context(JsonlWriter(arguments.output or "-", append=False))
        for article in articles:
            writer.write(article)
    return EXIT_OK


def _urls_of(arguments: argparse.Namespace) -> list[str]:
    """The URLs of ``get``: on the command line, then from ``-i FILE`` (or stdin)."""
    urls = list(arguments.urls)
    if arguments.input_file:
        try:
            if arguments.input_file == "-":
                text = sys.stdin.read()
            else:
                text = Path(arguments.input_file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or error
            raise ScraperError(f"-i {arguments.input_file}: cannot read: {reason}") from None
        urls += [line.strip() for line in text.splitlines()
                 if line.strip() and not line.lstrip().startswith("#")]
    if not urls:
        raise ScraperError("no URL to get: give URLs, or -i FILE (one per line; - for stdin)")
    return urls


def get_command(arguments: argparse.Namespace) -> int:
    arguments.urls = _urls_of(arguments)
    options = fetch_options(arguments)
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

    check_output(arguments.output, overwrite=arguments.overwrite, stream=True)
    with JsonlWriter(arguments.output, append=False) as writer:
        failed = asyncio.run(fetch_all(writer))
    closing_line(f"scraper get: {len(arguments.urls) - failed} written, {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK


def export_command(arguments: argparse.Namespace) -> int:
    arguments.to = arguments.to or format_of(arguments.output)
    output = arguments.output or str(_default_output(Path(arguments.records), arguments.to))
    check_output(output, overwrite=arguments.overwrite)
    started = time.monotonic()
    summary = export_records(arguments.records, output, to=arguments.to,
                             since=arguments.since, until=arguments.until, bom=arguments.bom)
    closing_line(f"scraper export: {summary.line()} in {time.monotonic() - started:.1f} s -> "
             f"{'stdout' if output == '-' else output}")
    return EXIT_OK


def _default_output(source: Path, to: str) -> Path:
    output = source.with_suffix(EXPORT_FORMATS[to])
    return output if output != source else source.with_suffix(".tidy" + EXPORT_FORMATS[to])


def stats_command(arguments: argparse.Namespace) -> int:
    stats = dataset_stats(arguments.records, since=arguments.since, until=arguments.until,
                          top=arguments.top)
    if arguments.json:
        write(json.dumps(stats.to_json(), indent=2, ensure_ascii=False) + "\n", None)
    else:
        write(stats.table(), None)
    return EXIT_OK


def schema_command(arguments: argparse.Namespace) -> int:
    write(json.dumps(Article.model_json_schema(), indent=2, ensure_ascii=False) + "\n", None)
    return EXIT_OK


