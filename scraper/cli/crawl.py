"""The commands that crawl: crawl (and --list) and demo."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from scraper.api import CrawlEvent, CrawlSettings, CrawlSummary, open_crawl, run_crawl
from scraper.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Bar, closing_line
from scraper.cli.parser import WAYBACK_DELAY, fetch_options
from scraper.config import DEFAULT_FETCH_OPTIONS, FetchOptions
from scraper.crawl.runner import discover_only
from scraper.crawl.files import documents_path
from scraper.crawl.state import CrawlState
from scraper.errors import ScraperError
from scraper.inputs import check_output, check_url
from scraper.profiles import load_profile


def crawl_command(arguments: argparse.Namespace, argv: Sequence[str]) -> int:
    output = arguments.output
    stem = output if output != "-" else "crawl"
    state_path = arguments.state or (f"{stem}.state.db" if output != "-" else None)
    failures = Path(arguments.failures or f"{stem}.failures.jsonl")
    _refuse_collisions({"-o": output if output != "-" else None, "--state": state_path,
                        "--failures": str(failures), "--warc": arguments.warc})
    if arguments.base_url:
        check_url(arguments.base_url)  # before any file is made
    load_profile(arguments.site)  # a bad profile: one line, before any file is made
    languages = tuple(part.strip() for part in arguments.lang.split(",") if part.strip())
    first_id, last_id = arguments.ids or (None, None)
    settings = CrawlSettings(
        site=arguments.site, base_url=arguments.base_url, languages=languages,
        max_items=arguments.max_items, first_id=first_id, last_id=last_id,
        listing_pages=arguments.listing_pages, refresh=arguments.refresh,
        via=arguments.via, as_of=arguments.as_of,
        modified_after=arguments.modified_after.isoformat() + "T00:00:00"
        if arguments.modified_after else None, documents=arguments.documents,
    )
    if arguments.as_of and arguments.via != "wayback":
        raise ScraperError("--as-of chooses among web-archive captures: use it with --via "
                           "wayback")
    options = fetch_options(arguments)
    if arguments.via == "wayback" and arguments.delay is None:
        options = options.model_copy(update={"delay": WAYBACK_DELAY})
    if arguments.refresh and not arguments.resume:
        raise ScraperError("--refresh re-crawls an earlier crawl: use it with --resume")
    if arguments.list:
        return _list_crawl(settings, options, state_path if arguments.resume else None)
    for option, path in (("--failures", str(failures)), ("--warc", arguments.warc)):
        if path is not None:  # rewritten or appended to by every run: a file, nothing else
            check_output(path, overwrite=True, option=option, stream=option == "--warc")
    state, _ = open_crawl(output, state_path, resume=arguments.resume,
                          overwrite=arguments.overwrite, documents=arguments.documents)
    resume_hint = shlex.join(["scraper", *argv] + ([] if arguments.resume else ["--resume"]))
    return _crawl_and_report(settings, output=output, state=state, failures=failures,
                             warc=arguments.warc, append=arguments.resume,
                             options=options, resume_hint=resume_hint)


def _list_crawl(settings: CrawlSettings, options: FetchOptions, state_path: str | None) -> int:
    """``crawl --list``: discovery only, the pending URLs on stdout. With --resume, those of
    the crawl in the state file (discovery then runs only if it never completed)."""
    state = CrawlState(state_path or ":memory:")
    try:
        deferred = asyncio.run(discover_only(settings, state=state, options=options))
        origins: Counter[str] = Counter()
        for row in state.with_status("pending"):
            origins[row.origin] += 1
            sys.stdout.write(row.url + "\n")
        sys.stdout.flush()
    finally:
        state.close()
    counts = ", ".join(f"{count} {origin}" for origin, count in origins.most_common())
    closing_line(f"scraper crawl --list: {sum(origins.values())} URLs would be fetched"
             + (f" ({counts})" if counts else ""))
    for host, reason in deferred.items():
        print(f"scraper: {host}: {reason}", file=sys.stderr)
    return EXIT_FAILED if deferred else EXIT_OK


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
    with _progress(state) as (on_event, on_discovered):
        try:
            summary = asyncio.run(run_crawl(
                settings, output=output, state=state, failures=failures,
                warc=Path(warc) if warc else None, append=append, options=options,
                on_event=on_event, on_discovered=on_discovered))
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
    failed = summary.failed + summary.documents_failed
    files = f" and {summary.documents_path}" if summary.documents_path is not None else ""
    closing_line(f"scraper {label}: {summary.line(time.monotonic() - started)} -> {output}"
                 + files + (f"; failures in {failures}" if failed else ""))
    if summary.deferred:
        hint = f"; then: {resume_hint}" if resume_hint else ""
        print(f"scraper: {summary.deferred} left pending: {summary.deferred_reason}{hint}",
              file=sys.stderr)
    attempted = summary.skipped + summary.failed + summary.deferred
    if attempted and not summary.written + summary.unchanged:
        print(f"scraper: nothing could be fetched ({attempted} URLs tried): see "
              + (f"{failures}" if summary.failed else "the reasons above"), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_FAILED if failed or summary.deferred else EXIT_OK


@contextlib.contextmanager
def _progress(state: CrawlState) -> Iterator[tuple[Callable[[CrawlEvent, CrawlSummary], None],
                                                   Callable[[int], None]]]:
    """The crawl's bar: URLs done of those to fetch (known once discovery is done, read
    again as the id range grows, at most once a second), written and failed beside it."""
    with Bar("crawl", "URLs", counted=("written", "failed")) as bar:
        seen, checked = [0], [0.0]

        def update(event: CrawlEvent, summary: CrawlSummary) -> None:
            seen[0] += 1
            now = time.monotonic()
            if now - checked[0] >= 1.0:  # done before this one + still pending (this one too)
                checked[0] = now
                bar.set_total(seen[0] - 1 + state.counts()["pending"])
            bar.advance(written=summary.written, failed=summary.failed)

        def discovered(pending: int) -> None:
            checked[0] = time.monotonic()
            bar.set_total(pending)

        yield update, discovered


def demo_command(arguments: argparse.Namespace) -> int:
    from scraper import demo  # the demo's servers and archives: this command only

    check_output(arguments.output, overwrite=True, stream=True)  # replaced, by design
    if arguments.documents:
        if arguments.output == "-":
            raise ScraperError("--documents writes OUT.documents.jsonl beside the records: "
                               "pass an output file (-o)")
        check_output(documents_path(arguments.output), overwrite=True)
    archive = demo.load_archive(arguments.archive) if arguments.archive else \
        demo.find_archive(arguments.site, arguments.via)
    with demo.serve(archive) as mirror:
        closing_line(f"scraper demo: serving {archive.served} at {mirror.base_url}")
        settings = dataclasses.replace(demo.crawl_settings(archive, mirror.base_url),
                                       documents=arguments.documents)
        options = DEFAULT_FETCH_OPTIONS.model_copy(
            update={"delay": 0.0, "per_host": 4, "obey_crawl_delay": False})
        state = CrawlState(":memory:")  # a demo always starts afresh
        return _crawl_and_report(settings, output=arguments.output, state=state,
                                 failures=Path(f"{arguments.output}.failures.jsonl"),
                                 warc=arguments.warc, append=False, options=options,
                                 resume_hint=None, label="demo")


