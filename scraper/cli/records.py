"""The commands that read or write records: extract, get, export, stats, schema."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TextIO

from scraper.api import dataset_stats, explain, export_records, extract, fetch_articles
from scraper.cli.common import EXIT_FAILED, EXIT_OK, Bar, closing_line, write
from scraper.cli.parser import fetch_options, format_of
from scraper.crawl.files import documents_path
from scraper.errors import FetchError, ScraperError
from scraper.names import EXPORT_FORMATS
from scraper.inputs import check_output, read_page, url_from_page
from scraper.profiles import load_profile
from scraper.records import Article
from scraper.records.formats import render, render_many
from scraper.records.jsonl import JsonlWriter

logger = logging.getLogger(__name__)
WARC_SUFFIXES = (".warc", ".warc.gz")

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")


def extract_command(arguments: argparse.Namespace) -> int:
    """Records of saved pages: HTML files (gzipped too), folders of them, WARC files."""
    inputs = _expand(arguments.pages)
    warcs = [page for page in inputs if page.endswith(WARC_SUFFIXES)]
    pages = [page for page in inputs if not page.endswith(WARC_SUFFIXES)]
    single = len(inputs) == 1 and not warcs and arguments.pages[0] == inputs[0]
    if arguments.url and not single:
        raise ScraperError("--url names one page's address: give one HTML page with it")
    if arguments.explain and not single:
        raise ScraperError("--explain explains one HTML page: extract it alone")
    if arguments.dask and pages:
        raise ScraperError(f"{pages[0]}: --dask extracts WARC files (shards) only")
    if arguments.dask and arguments.workers > 1:
        raise ScraperError("--workers is for one machine; with --dask the cluster's workers "
                           "extract: drop --workers")
    if arguments.output is not None:
        check_output(arguments.output, overwrite=arguments.overwrite, stream=True)
    if arguments.profile is not None:
        load_profile(arguments.profile)  # a bad profile: one line, before any page
    format_name = arguments.format or ("json" if single else "jsonl")
    if single:  # one page: its problem is the command's, one line and exit 2
        data = read_page(pages[0], stdin=sys.stdin.buffer)
        named = arguments.url or url_from_page(data)
        url = named or _file_uri(pages[0])
        if not named and arguments.profile is None:
            logger.warning("%s names no URL: the record's url is the file's URI and the "
                           "generic profile read it; pass --url or --profile", pages[0])
        if arguments.explain:
            write(explain(data, url, profile=arguments.profile).text(), arguments.output)
        else:
            write(render(extract(data, url, profile=arguments.profile), format_name), arguments.output)
        return EXIT_OK
    failed: list[str] = []
    with contextlib.ExitStack() as stack:
        articles = _page_records(pages, arguments, failed, stack) if pages else iter(())
        if warcs:
            articles = itertools.chain(articles, _warc_records(warcs, arguments, stack))
        handle = stack.enter_context(_text_output(arguments.output))
        bar = stack.enter_context(Bar("extract", "records", total=None if warcs else
                                      len(pages)))
        for piece in render_many(_counted(articles, bar), format_name):
            handle.write(piece)
    if failed:
        closing_line(f"scraper extract: {len(failed)} of {len(pages)} pages failed")
    return EXIT_FAILED if failed else EXIT_OK


def _counted(articles: Iterator[Article], bar: Bar) -> Iterator[Article]:
    for article in articles:
        bar.advance()
        yield article


def _expand(sources: list[str]) -> list[str]:
    """Files as given; a folder's HTML and WARC files (all depths, sorted) in its place."""
    found: list[str] = []
    for source in sources:
        path = Path(source)
        if source != "-" and path.is_dir():
            inside = sorted(str(each) for each in path.rglob("*") if each.is_file()
                            and each.name.lower().endswith(HTML_SUFFIXES + WARC_SUFFIXES))
            if not inside:
                raise ScraperError(f"{source}: a folder with no HTML or WARC file in it")
            found.extend(inside)
        else:
            found.append(source)
    return found


def _file_uri(page: str) -> str:
    return "file:///dev/stdin" if page == "-" else Path(page).resolve().as_uri()


def _page_records(pages: list[str], arguments: argparse.Namespace, failed: list[str],
                  stack: contextlib.ExitStack) -> Iterator[Article]:
    """Records of HTML pages, in order, on ``--workers`` processes; a page that cannot be
    read is named on stderr and counted in ``failed``, the others go on."""
    jobs = [(page, arguments.url, arguments.profile) for page in pages]
    if arguments.workers > 1 and len(pages) > 1:
        pool = stack.enter_context(ProcessPoolExecutor(max_workers=arguments.workers))
        outcomes: Iterator[tuple[str, Article | str, bool]] = pool.map(
            _read_saved_page, jobs, chunksize=8)
    else:
        outcomes = map(_read_saved_page, jobs)
    guessed = 0
    for page, outcome, named in outcomes:
        if isinstance(outcome, str):
            print(f"scraper: failed: {page}: {outcome}", file=sys.stderr)
            failed.append(page)
            continue
        guessed += not named
        yield outcome
    if guessed and arguments.profile is None:
        logger.warning("%d page(s) name no URL: their records' url is the file's URI and "
                       "the generic profile read them; pass --url (one page) or --profile",
                       guessed)


def _read_saved_page(job: tuple[str, str | None, str | None]
                     ) -> tuple[str, Article | str, bool]:
    """(page, its record or why it has none, whether the page named its URL)."""
    page, url, profile = job
    try:
        data = read_page(page, stdin=sys.stdin.buffer)
        named = url or url_from_page(data)
        return page, extract(data, named or _file_uri(page), profile=profile), bool(named)
    except ScraperError as error:
        return page, str(error), True


def _warc_records(warcs: list[str], arguments: argparse.Namespace,
                  stack: contextlib.ExitStack) -> Iterator[Article]:
    for warc in warcs:
        if not Path(warc).is_file():
            raise ScraperError(f"{warc}: no such file")
    from scraper.shards import connect_dask, extract_shards_on_dask, extract_warc  # WARC only

    if arguments.dask:
        client = stack.enter_context(connect_dask(arguments.dask))
        return extract_shards_on_dask(warcs, client=client, profile=arguments.profile)
    return (article for warc in warcs for article in extract_warc(
        warc, profile=arguments.profile, workers=arguments.workers))


@contextlib.contextmanager
def _text_output(output: Path | str | None) -> Iterator[TextIO]:
    """Standard output, or ``output`` opened for writing (UTF-8)."""
    if output is None or str(output) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        handle = Path(output).open("w", encoding="utf-8")
    except OSError as error:
        raise ScraperError(f"cannot write {output}: {error.strerror or error}") from error
    with handle:
        yield handle


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
    import asyncio  # the event loop: for this command only

    arguments.urls = _urls_of(arguments)
    options = fetch_options(arguments)
    check_output(arguments.output, overwrite=arguments.overwrite, stream=True)
    format_name = arguments.format or "jsonl"

    async def fetch_all(keep: Callable[[Article], None]) -> int:
        failures = 0
        with Bar("get", "URLs", total=len(arguments.urls), counted=("failed",)) as bar:
            async for outcome in fetch_articles(arguments.urls, profile=arguments.profile,
                                                options=options):
                if isinstance(outcome, FetchError):
                    print(f"scraper: failed: {outcome}", file=sys.stderr)
                    failures += 1
                else:
                    keep(outcome)
                bar.advance(failed=failures)
        return failures

    if format_name == "jsonl":  # each record written as it comes
        with JsonlWriter(arguments.output, append=False) as writer:
            failed = asyncio.run(fetch_all(writer.write))
    else:  # rendered once all are had (one TEI corpus, one JSON array)
        got: list[Article] = []
        failed = asyncio.run(fetch_all(got.append))
        with _text_output(arguments.output) as handle:
            for piece in render_many(got, format_name):
                handle.write(piece)
    closing_line(f"scraper get: {len(arguments.urls) - failed} written, {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK


def export_command(arguments: argparse.Namespace) -> int:
    arguments.to = arguments.to or format_of(arguments.output)
    output = arguments.output or str(_default_output(Path(arguments.records), arguments.to))
    check_output(output, overwrite=arguments.overwrite)
    documents = arguments.documents
    beside = documents_path(arguments.records)
    if documents is None and arguments.to == "sqlite" and beside.is_file():
        documents = str(beside)  # what `crawl --documents` wrote beside the records
    started = time.monotonic()
    with Bar("export", "records") as bar:
        summary = export_records(arguments.records, output, to=arguments.to,
                                 since=arguments.since, until=arguments.until,
                                 bom=arguments.bom, documents=documents,
                                 on_total=bar.set_total, on_record=bar.advance)
    closing_line(f"scraper export: {summary.line()} in {time.monotonic() - started:.1f} s -> "
                 f"{'stdout' if output == '-' else output}"
                 + (f" (documents from {documents})" if documents else ""))
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


