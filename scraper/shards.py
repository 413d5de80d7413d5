"""WARC files extracted offline: on the processes of one machine (:func:`extract_warc`), or
as shards on a Dask cluster, for collections beyond one machine.

Extraction is a pure function of the page, so a collection split into WARC shards is one
function, :func:`extract_shard`, mapped over the shard paths by Dask's distributed scheduler
(``pip install "scraper[dask]"``); no scheduler of our own. Records come back shard by shard
in the order the paths were given, so the output is the same on any cluster. Every worker
must have scraper installed and see the shard files at the same paths (a shared file system).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from scraper.api import extract_page, resolve_profile
from scraper.crawl.warc import read_warc_pages, warc_profile
from scraper.document import Page
from scraper.errors import ConfigError, ProfileError
from scraper.profiles import SiteProfile, load_profile
from scraper.records import Article

if TYPE_CHECKING:
    from distributed import Client, Future

DASK_MISSING = 'install the dask extra: pip install "scraper[dask]"'
LOCAL = "local"
"""The ``address`` of :func:`connect_dask` that starts a cluster on this machine."""


logger = logging.getLogger(__name__)

def extract_warc(path: Path | str, *, profile: SiteProfile | str | Path | None = None,
                 workers: int = 1) -> Iterator[Article]:
    """Records of every HTML response in a WARC file (offline re-extraction), in file order.
    ``workers`` > 1 extracts on that many processes (extraction is a pure function of the
    page, so it maps over processes, or over shards on a cluster, unchanged)."""
    if profile is None:  # the profile the crawl named in the file's warcinfo, if any
        named = warc_profile(path)
        if named is not None:
            try:
                profile = load_profile(named)
                logger.info("%s: read with the profile its crawl used: %s", path, named)
            except ProfileError as error:
                logger.warning("%s: its crawl used the profile %s, not usable here (%s): "
                               "pass --profile", path, named, error)
    if workers <= 1:
        for page in read_warc_pages(path):
            yield extract_page(page, resolve_profile(page.final_url, profile))
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:  # profiles pickle (pydantic)
        yield from pool.map(_extract_in_worker, read_warc_pages(path),
                            itertools.repeat(profile), chunksize=16)


def _extract_in_worker(page: Page, profile: SiteProfile | str | Path | None) -> Article:
    return extract_page(page, resolve_profile(page.final_url, profile))


def extract_shard(path: Path | str,
                  profile: SiteProfile | str | Path | None = None) -> list[Article]:
    """The records of every HTML response in one WARC shard, in file order (one process)."""
    return list(extract_warc(path, profile=profile, workers=1))


def extract_shards_on_dask(paths: Iterable[Path | str], *, client: Client,
                           profile: SiteProfile | str | Path | None = None) -> Iterator[Article]:
    """Records of every WARC shard in ``paths``, extracted on the cluster behind ``client``,
    yielded shard by shard in the order of ``paths`` (the records of the first shard first).

    The shards are sent at the call, all at once; Dask runs them as workers free up. A
    profile name or file is loaded here, once, and shipped to the workers (they need not see
    the file), so a bad profile fails before any shard is sent. An error in a shard is raised
    when its records are reached."""
    _require_distributed()
    site = profile if profile is None or isinstance(profile, SiteProfile) else load_profile(profile)
    shards = [str(Path(path).absolute()) for path in paths]
    # pure=False: a shard's records depend on the file's contents, not only on its path.
    futures = client.map(extract_shard, shards, profile=site, pure=False)
    return _results_in_order(futures)


def _results_in_order(futures: list[Future[list[Article]]]) -> Iterator[Article]:
    futures.reverse()  # popped from the end: each shard's result is released once yielded
    while futures:
        yield from futures.pop().result()


@contextlib.contextmanager
def connect_dask(address: str) -> Iterator[Client]:
    """A Dask client for ``address``: ``"local"`` starts a cluster on this machine (one
    worker process per core, on 127.0.0.1, no dashboard) and closes it on exit; otherwise
    the address of a running scheduler, such as ``tcp://host:8786``."""
    _require_distributed()
    from distributed import Client, LocalCluster

    if address == LOCAL:
        # No dashboard; the scheduler's HTTP server (health, metrics) still starts, so it
        # gets a free port: on its default, 8787, a second cluster would warn and move.
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
            host="127.0.0.1", dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
        with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    try:
        remote = Client(address)  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as error:  # refused, timed out, or not an address
        raise ConfigError(f"cannot reach the Dask scheduler at {address!r} ({error}): start "
                          f"one (dask scheduler) or use --dask {LOCAL}") from error
    with remote:
        yield remote


def _require_distributed() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError as error:
        raise ConfigError(DASK_MISSING) from error


__all__ = ["DASK_MISSING", "LOCAL", "connect_dask", "extract_shard", "extract_shards_on_dask",
           "extract_warc"]
