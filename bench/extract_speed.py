"""Extraction speed: the full record per page, single core, side by side with trafilatura.

    python bench/extract_speed.py [--repeat 5] [--workers] [--dask] [--copies 10] [--json PATH]

Times, in one run and one process, `scraper.extract` (every field of the record) and
`trafilatura.bare_extraction` with default settings, page by page, on six corpora: the CEMR
pages of the bundled demo archive (scraper/demo/archives/cemr/site, 245 pages, table
layout), the same items written by four other templates (``make_demo.py --markup``: br
lines, HTML5 with JSON-LD, a generic CMS theme, nested tables with <font>), and the public
article-extraction benchmark (../shared/bench, 181 pages); then the five CEMR markups
together and the total. Pages/s is pages divided by the
best pass; the two extractors' passes alternate, so a busier stretch of the machine's time
falls on both alike, and each pass starts with the page caches empty (see best_passes).
`--workers` also crawls the demo into a WARC file, writes its pages `--copies` times over
(2,450 pages by default, so that process start stops dominating) and times
`scraper extract FILE.warc.gz --workers N` for N = 1 .. all cores (scale-out). `--dask`
then times `scraper extract --dask local` on the same WARC split into 2 shards (a Dask local
cluster, one worker process per core; needs `pip install "scraper[dask]"`).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from typing import Any
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

import scraper  # noqa: E402
from scraper.crawl.warc import WarcPageWriter, read_warc_pages  # noqa: E402

Pages = list[tuple[str, str]]


def cemr_pages(site: Path = ROOT / "scraper" / "demo" / "archives" / "cemr" / "site") -> Pages:
    return [(path.read_text("utf-8"), f"https://ccre.org/{path.parts[-4]}/actualites/view/"
             f"{path.stem}") for path in sorted(site.glob("*/actualites/view/*.html"))]


MARKUPS = ("br", "html5", "cms", "nested")
"""The demo's items written by other templates (fixtures/demo/make_demo.py --markup)."""


def markup_pages(markup: str, folder: Path) -> Pages:
    """The demo's item pages in ``markup`` (generated into ``folder``)."""
    out = folder / f"markup-{markup}"
    subprocess.run([sys.executable, str(ROOT / "fixtures" / "demo" / "make_demo.py"),
                    "--markup", markup, "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return cemr_pages(out / "site")


def benchmark_pages() -> Pages:
    folder = ROOT.parent / "shared" / "bench" / "article-extraction-benchmark" / "html"
    return [(gzip.open(path).read().decode("utf-8", "replace"), "https://example.org/article")
            for path in sorted(folder.glob("*.html.gz"))]


def peer_caches(*packages: str) -> list[Any]:
    """The page-level caches of a peer: the bounded caches (``functools.lru_cache`` with a
    maxsize) of the loaded modules of ``packages``, and urllib's urlsplit (both packages
    split URLs with it): the caches keyed by what a page holds (its URLs, lines, class
    names). Unbounded ``functools.cache`` ones hold what a run builds once and are kept.
    Ours are the ones scraper registers, emptied by ``scraper.clear_caches()``."""
    found: dict[int, Any] = {}
    if hasattr(urllib.parse.urlsplit, "cache_clear"):
        found[id(urllib.parse.urlsplit)] = urllib.parse.urlsplit
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in packages:
            continue
        for value in list(vars(module).values()):
            parameters = getattr(value, "cache_parameters", None)
            if callable(parameters) and parameters().get("maxsize") is not None:
                found[id(value)] = value
    return list(found.values())


def clear_page_caches(peer: list[Any]) -> None:
    """Empty both packages' page caches (ours in one call)."""
    scraper.clear_caches()
    for cache in peer:
        cache.cache_clear()


def best_passes(functions: list[Callable[[str, str], object]], pages: Pages,
                repeat: int) -> list[float]:
    """The best pass of each function over ``pages``, the functions' passes interleaved
    (ours, the peer's, ours, ...) so that a slower or busier stretch of the machine's time
    falls on both alike. Every pass starts with both packages' page caches empty
    (:func:`clear_page_caches`): a later pass over the same pages would otherwise find each
    page's own URLs and lines already read, which no crawl does."""
    for html, url in pages[:3]:  # load every module whose caches are to be emptied
        for function in functions:
            function(html, url)
    peer = peer_caches("trafilatura")
    best = [float("inf")] * len(functions)
    for _ in range(repeat):
        for index, function in enumerate(functions):
            clear_page_caches(peer)
            started = time.perf_counter()
            for html, url in pages:
                function(html, url)
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def demo_warc(folder: Path, copies: int = 1) -> tuple[Path, int]:
    """The bundled demo crawled into a WARC file in ``folder``, its pages written ``copies``
    times over (a collection large enough that process and cluster start stop dominating);
    and the number of pages in it."""
    warc = folder / "demo.warc.gz"
    if not warc.exists():
        subprocess.run([sys.executable, "-m", "scraper", "demo", "-o", str(folder / "d.jsonl"),
                        "--warc", str(warc)], cwd=ROOT, check=True, capture_output=True)
    if copies == 1:
        return warc, len(list(read_warc_pages(warc)))
    pages = list(read_warc_pages(warc))
    larger = folder / f"demo-x{copies}.warc.gz"
    if not larger.exists():
        writer = WarcPageWriter(larger, user_agent="bench")
        for _ in range(copies):
            for page in pages:
                writer.write(page)
        writer.close()
    return larger, len(pages) * copies


def scaling(repeat: int, folder: Path, copies: int) -> list[dict[str, float]]:
    rows = []
    warc, count = demo_warc(folder, copies)
    for workers in range(1, (os.cpu_count() or 1) + 1):
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "scraper", "extract", str(warc),
                            "--profile", "cemr", "--workers", str(workers), "-o",
                            str(folder / "out.jsonl")], check=True, cwd=ROOT)
            best = min(best, time.perf_counter() - started)
        rows.append({"workers": workers, "pages": count, "seconds": best,
                     "pages_per_s": count / best})
    return rows


def split_warc(warc: Path, parts: int) -> list[Path]:
    """The pages of ``warc`` in ``parts`` consecutive shards beside it (file order kept)."""
    pages = list(read_warc_pages(warc))
    size = -(-len(pages) // parts)
    shards = []
    for index in range(parts):
        shard = warc.with_name(f"shard-{index + 1}.warc.gz")
        shard.unlink(missing_ok=True)
        writer = WarcPageWriter(shard, user_agent="bench")
        for page in pages[index * size:(index + 1) * size]:
            writer.write(page)
        writer.close()
        shards.append(shard)
    return shards


def dask_timing(repeat: int, folder: Path, copies: int) -> dict[str, float]:
    """`scraper extract --dask local` over the demo WARC (``copies`` times over) in 2 shards,
    best of ``repeat``; its records are checked against `--workers 1` on the whole file."""
    warc, _ = demo_warc(folder, copies)
    shards = split_warc(warc, 2)
    expected, out = folder / "single.jsonl", folder / "dask.jsonl"
    subprocess.run([sys.executable, "-m", "scraper", "extract", str(warc), "--profile", "cemr",
                    "-o", str(expected)], check=True, cwd=ROOT)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scraper", "extract", "--dask", "local",
                        *map(str, shards), "--profile", "cemr", "-o", str(out)],
                       check=True, cwd=ROOT)
        best = min(best, time.perf_counter() - started)
    if out.read_bytes() != expected.read_bytes():
        raise SystemExit("--dask local wrote other records than --workers 1")
    pages = len(out.read_bytes().splitlines())
    return {"shards": len(shards), "workers": os.cpu_count() or 1, "pages": pages,
            "seconds": best, "pages_per_s": pages / best}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", action="store_true", help="also time the WARC scale-out")
    parser.add_argument("--copies", type=int, default=10,
                        help="the WARC of --workers and --dask holds the demo's pages this "
                             "many times over (default 10: 2,450 pages)")
    parser.add_argument("--dask", action="store_true",
                        help="also time the WARC in 2 shards on a Dask local cluster")
    parser.add_argument("--json", help="write the figures to this file")
    arguments = parser.parse_args()
    figures: dict[str, object] = {}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, scraper "
          f"{scraper.__name__} from {Path(scraper.__file__).parent}, trafilatura "
          f"{trafilatura.__version__}; single core, best of {arguments.repeat}")
    print(f"{'corpus':<14}{'pages':>6}{'ours p/s':>10}{'trafilatura p/s':>17}{'ratio':>8}")
    markups = tempfile.TemporaryDirectory()
    loaders: list[tuple[str, Callable[[], Pages]]] = [("cemr-table", cemr_pages)]
    loaders += [(f"cemr-{markup}", lambda markup=markup: markup_pages(markup,
                                                                       Path(markups.name)))
                for markup in MARKUPS]
    loaders.append(("benchmark", benchmark_pages))
    totals = {"pages": 0, "ours": 0.0, "peer": 0.0, "cemr_pages": 0, "cemr_ours": 0.0,
              "cemr_peer": 0.0}
    for name, loader in loaders:
        pages = loader()
        if not pages:
            print(f"{name:<12}  (no pages found)")
            continue
        ours, peer = best_passes([lambda html, url: scraper.extract(html, url),
                                  lambda html, url: trafilatura.bare_extraction(html, url=url)],
                                 pages, arguments.repeat)
        row = {"pages": len(pages), "ours_pages_per_s": len(pages) / ours,
               "trafilatura_pages_per_s": len(pages) / peer, "ratio": peer / ours}
        figures[name] = row
        print(f"{name:<14}{len(pages):>6}{row['ours_pages_per_s']:>10.1f}"
              f"{row['trafilatura_pages_per_s']:>17.1f}{row['ratio']:>8.2f}")
        totals["pages"] += len(pages)
        totals["ours"] += ours
        totals["peer"] += peer
        if name.startswith("cemr-"):
            totals["cemr_pages"] += len(pages)
            totals["cemr_ours"] += ours
            totals["cemr_peer"] += peer
    markups.cleanup()
    for name, count, ours, peer in (
            ("cemr (all 5)", totals["cemr_pages"], totals["cemr_ours"], totals["cemr_peer"]),
            ("total", totals["pages"], totals["ours"], totals["peer"])):
        if ours:
            figures[name] = {"pages": count, "ours_pages_per_s": count / ours,
                             "trafilatura_pages_per_s": count / peer, "ratio": peer / ours}
            print(f"{name:<14}{count:>6.0f}{count / ours:>10.1f}{count / peer:>17.1f}"
                  f"{peer / ours:>8.2f}")
    with tempfile.TemporaryDirectory() as folder:
        if arguments.workers:
            rows = scaling(arguments.repeat, Path(folder), arguments.copies)
            figures["scaling"] = rows
            print(f"scraper extract demo-x{arguments.copies}.warc.gz --workers N "
                  f"({rows[0]['pages']:.0f} pages, process start included):")
            for row in rows:
                print(f"  workers {row['workers']:.0f}: {row['seconds']:.2f} s, "
                      f"{row['pages_per_s']:.1f} pages/s")
        if arguments.dask and importlib.util.find_spec("distributed") is None:
            print('scraper extract --dask local: skipped, Dask is not installed '
                  '(pip install "scraper[dask]")')
        elif arguments.dask:
            row = dask_timing(arguments.repeat, Path(folder), arguments.copies)
            figures["dask"] = row
            print(f"scraper extract --dask local shard-1.warc.gz shard-2.warc.gz "
                  f"({row['pages']:.0f} pages, {row['shards']:.0f} shards, process start "
                  "included):")
            print(f"  dask local, {row['workers']:.0f} workers: {row['seconds']:.2f} s, "
                  f"{row['pages_per_s']:.1f} pages/s")
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(figures, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
