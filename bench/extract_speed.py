"""Extraction speed: the full record per page, single core, side by side with trafilatura.

    python bench/extract_speed.py [--repeat 3] [--workers] [--json PATH]

Times, in one run and one process, `scraper.extract` (every field of the record) and
`trafilatura.bare_extraction` with default settings, page by page, on two corpora: the CEMR
pages of the bundled demo archive (fixtures/demo/site, 245 pages) and the public
article-extraction benchmark (../shared/bench, 181 pages). Pages/s is pages divided by the
best pass. `--workers` also crawls the demo into a WARC file and times
`scraper extract FILE.warc.gz --workers N` for N = 1 .. all cores (scale-out).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

import scraper  # noqa: E402

Pages = list[tuple[str, str]]


def cemr_pages() -> Pages:
    site = ROOT / "fixtures" / "demo" / "site"
    return [(path.read_text("utf-8"), f"https://ccre.org/{path.parts[-4]}/actualites/view/"
             f"{path.stem}") for path in sorted(site.glob("*/actualites/view/*.html"))]


def benchmark_pages() -> Pages:
    folder = ROOT.parent / "shared" / "bench" / "article-extraction-benchmark" / "html"
    return [(gzip.open(path).read().decode("utf-8", "replace"), "https://example.org/article")
            for path in sorted(folder.glob("*.html.gz"))]


def best_pass(function: Callable[[str, str], object], pages: Pages, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for html, url in pages:
            function(html, url)
        best = min(best, time.perf_counter() - started)
    return best


def scaling(repeat: int) -> list[dict[str, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        warc = Path(folder) / "demo.warc.gz"
        subprocess.run([sys.executable, "-m", "scraper", "demo", "-o", str(Path(folder) / "d.jsonl"),
                        "--warc", str(warc)], cwd=ROOT, check=True, capture_output=True)
        for workers in range(1, (os.cpu_count() or 1) + 1):
            best = float("inf")
            for _ in range(repeat):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "scraper", "extract", str(warc),
                                "--profile", "cemr", "--workers", str(workers), "-o",
                                str(Path(folder) / "out.jsonl")], check=True, cwd=ROOT)
                best = min(best, time.perf_counter() - started)
            rows.append({"workers": workers, "seconds": best, "pages_per_s": 245 / best})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", action="store_true", help="also time the WARC scale-out")
    parser.add_argument("--json", help="write the figures to this file")
    arguments = parser.parse_args()
    figures: dict[str, object] = {}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, scraper "
          f"{scraper.__name__} from {Path(scraper.__file__).parent}, trafilatura "
          f"{trafilatura.__version__}; single core, best of {arguments.repeat}")
    print(f"{'corpus':<12}{'pages':>6}{'ours p/s':>10}{'trafilatura p/s':>17}{'ratio':>8}")
    for name, loader in (("cemr-demo", cemr_pages), ("benchmark", benchmark_pages)):
        pages = loader()
        if not pages:
            print(f"{name:<12}  (no pages found)")
            continue
        ours = best_pass(lambda html, url: scraper.extract(html, url), pages, arguments.repeat)
        peer = best_pass(lambda html, url: trafilatura.bare_extraction(html, url=url), pages,
                         arguments.repeat)
        row = {"pages": len(pages), "ours_pages_per_s": len(pages) / ours,
               "trafilatura_pages_per_s": len(pages) / peer, "ratio": peer / ours}
        figures[name] = row
        print(f"{name:<12}{len(pages):>6}{row['ours_pages_per_s']:>10.1f}"
              f"{row['trafilatura_pages_per_s']:>17.1f}{row['ratio']:>8.2f}")
    if arguments.workers:
        rows = scaling(arguments.repeat)
        figures["scaling"] = rows
        print("scraper extract demo.warc.gz --workers N (245 pages, process start included):")
        for row in rows:
            print(f"  workers {row['workers']:.0f}: {row['seconds']:.2f} s, "
                  f"{row['pages_per_s']:.1f} pages/s")
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(figures, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
