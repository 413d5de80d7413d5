"""WARC shards extracted on Dask (scraper.shards, `scraper extract --dask`), on a local
cluster: the same records as extracting each shard on one process, shard by shard in order."""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from fixture_checks import FIXTURES
from scraper.cli import main
from scraper.document import Page
from scraper.errors import ProfileError
from scraper.crawl.warc import WarcPageWriter
from scraper.records import Article
from scraper.shards import extract_warc
from scraper.shards import extract_shard, extract_shards_on_dask

FETCHED_AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two WARC shards of three fixture pages each, written as a crawl writes them."""
    folder = tmp_path_factory.mktemp("shards")
    entries = json.loads((FIXTURES / "manifest.json").read_text("utf-8"))
    paths = (folder / "a.warc.gz", folder / "b.warc.gz")
    for path, part in zip(paths, (entries[:3], entries[3:6])):
        writer = WarcPageWriter(path, user_agent="scraper tests")
        for entry in part:
            body = (FIXTURES / entry["page"]).read_bytes()
            writer.write(Page(entry["url"], entry["url"], 200,
                              {"content-type": "text/html"}, body, FETCHED_AT))
        writer.close()
    return paths


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two in-process workers (processes=False: starts in milliseconds and opens no socket
    for the scheduler; pickling across processes is covered by the CLI test below). The
    scheduler's HTTP server takes a free loopback port, not 8787, which may be taken."""
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    with cluster, Client(cluster) as dask_client:  # type: ignore[no-untyped-call]
        yield dask_client


def _single_process(*paths: Path) -> list[Article]:
    return [article for path in paths for article in extract_warc(path, workers=1)]


def test_records_pickle(shards: tuple[Path, Path]) -> None:
    records = extract_shard(shards[0])
    assert len(records) == 3
    assert pickle.loads(pickle.dumps(records)) == records


@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["a-b", "b-a"])
def test_records_come_shard_by_shard_in_input_order(
        client: Client, shards: tuple[Path, Path], order: tuple[int, int]) -> None:
    paths = [shards[index] for index in order]
    records = list(extract_shards_on_dask(paths, client=client))
    assert records == _single_process(*paths)
    assert [record.url for record in records[:3]] == [
        record.url for record in _single_process(paths[0])]


def test_a_bad_profile_fails_before_any_shard_is_sent(client: Client,
                                                       shards: tuple[Path, Path]) -> None:
    with pytest.raises(ProfileError, match="unknown profile 'nope'"):
        extract_shards_on_dask(shards, client=client, profile="nope")


def test_cli_extracts_shards_on_a_local_cluster(shards: tuple[Path, Path],
                                                tmp_path: Path) -> None:
    """`--dask local` starts worker processes: the records cross process boundaries."""
    out, expected = tmp_path / "dask.jsonl", tmp_path / "single.jsonl"
    assert main(["extract", "--dask", "local", *map(str, shards), "-o", str(out)]) == 0
    assert main(["extract", *map(str, shards), "-o", str(expected)]) == 0
    assert out.read_text("utf-8") == expected.read_text("utf-8")
    assert len(out.read_text("utf-8").splitlines()) == 6


@pytest.mark.parametrize(("extra", "message"), [
    (["fixtures/pages/seed-br.html"], "fixtures/pages/seed-br.html: --dask extracts WARC "
     "files (shards) only"),
    (["-"], "-: --dask extracts WARC files (shards) only"),
    (["missing.warc.gz"], "missing.warc.gz: no such file"),
    (["--workers", "2"], "--workers is for one machine; with --dask the cluster's workers "
     "extract: drop --workers"),
], ids=["html-page", "stdin", "missing-shard", "with-workers"])
def test_dask_usage_errors_are_one_line(shards: tuple[Path, Path], extra: list[str],
                                        message: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    inputs = extra if extra[0] != "--workers" else [str(shards[0]), *extra]
    assert main(["extract", "--dask", "local", *inputs]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"scraper: error: {message}") and error.count("\n") == 1


def test_without_dask_says_what_to_install(shards: tuple[Path, Path],
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    assert main(["extract", "--dask", "local", str(shards[0])]) == 2
    assert capsys.readouterr().err == (
        'scraper: error: install the dask extra: pip install "scraper[dask]"\n')
