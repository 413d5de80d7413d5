"""Export speed and memory: N generated records to every format, each in a fresh process.

    /tmp/venv/bin/python bench/export.py                     # 10,000 and 100,000 records
    /tmp/venv/bin/python bench/export.py --sizes 100000 --json bench-export.json

The records are the golden records of ``fixtures/expected/`` (real extractions of the
fixture pages, 1-8 KB of JSON each) cycled and varied: every item id appears in English and
French (one page each, so nothing is deduplicated), dates spread over 2005-2024, a fetch with
its own timestamp and sha256, and one record in ten missing its ``translations`` (the export
links them back). Each export runs ``python -m scraper export IN --to FORMAT -o OUT`` in a new
process; the figures are its wall time and its peak RSS (``os.wait4`` rusage), beside the
RSS of a process that only imports the CLI. A flat peak RSS from 10,000 to 100,000 records
is the streaming working. Printed, not asserted (STYLE.md: speed belongs in bench/).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDENS = sorted((ROOT / "fixtures" / "expected").glob("*.json"))
FORMATS = ("jsonl", "csv", "parquet", "sqlite")


def generate(path: Path, count: int, seed: int = 2024) -> None:
    """``count`` valid records (``count // 2`` items, EN and FR) as JSONL in ``path``."""
    rng = random.Random(seed)
    templates = [json.loads(golden.read_text("utf-8")) for golden in GOLDENS]
    start = dt.date(2005, 1, 1).toordinal()
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            record = dict(templates[number % len(templates)])
            item_id, language = str(10_000 + number // 2), ("en", "fr")[number % 2]
            other = "fr" if language == "en" else "en"
            url = f"https://ccre.org/{language}/actualites/view/{item_id}"
            published = dt.date.fromordinal(start + rng.randrange(7300))
            record.update(
                url=url, canonical_url=url, item_id=item_id, language=language,
                published=published.isoformat(),
                published_raw=published.strftime("%d.%m.%Y"),
                translations={} if number % 10 == 0 else {
                    other: f"https://ccre.org/{other}/actualites/view/{item_id}"},
                fetch={"fetched_at": f"2024-05-{1 + number % 28:02d}T10:00:{number % 60:02d}Z",
                       "status": 200, "final_url": url,
                       "content_type": "text/html; charset=utf-8", "etag": None,
                       "last_modified": None,
                       "sha256": hashlib.sha256(url.encode()).hexdigest()},
                extractor_version="0.1.0")
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def measure(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit status of ``command`` in a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    assert process.stderr is not None
    error = process.stderr.read().decode("utf-8", "replace").strip()
    process.stderr.close()
    if status != 0:
        print(f"  {' '.join(command)}: exit {status >> 8}: {error}", file=sys.stderr)
    return seconds, usage.ru_maxrss / 1024, status >> 8


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="record counts, comma-separated (default: 10000,100000)")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"formats (default: {','.join(FORMATS)})")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args(argv)
    sizes = [int(size) for size in arguments.sizes.split(",")]
    formats = [name.strip() for name in arguments.formats.split(",")]
    python = sys.executable
    results = []
    baseline = measure([python, "-c", "import scraper.cli"])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; a process importing "
          f"scraper.cli peaks at {baseline[1]:.0f} MB RSS\n")
    print(f"{'records':>8}  {'format':<8} {'seconds':>8} {'records/s':>10} "
          f"{'peak RSS MB':>12} {'output MB':>10}")
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        for size in sizes:
            source = Path(folder) / f"records-{size}.jsonl"
            generate(source, size)
            input_mb = source.stat().st_size / 1e6
            for name in formats:
                output = Path(folder) / f"out-{size}.{name}"
                seconds, peak, status = measure(
                    [python, "-m", "scraper", "export", str(source), "--to", name,
                     "-o", str(output)])
                size_mb = output.stat().st_size / 1e6 if output.exists() else 0.0
                results.append({"records": size, "format": name, "seconds": round(seconds, 2),
                                "peak_rss_mb": round(peak, 1), "output_mb": round(size_mb, 1),
                                "input_mb": round(input_mb, 1), "exit": status})
                print(f"{size:>8}  {name:<8} {seconds:>8.1f} {size / seconds:>10.0f} "
                      f"{peak:>12.0f} {size_mb:>10.1f}" + ("" if status == 0 else "  FAILED"))
                output.unlink(missing_ok=True)
            print(f"{'':>8}  (input JSONL: {input_mb:.0f} MB)")
            source.unlink()
    if arguments.json:
        arguments.json.write_text(json.dumps({"baseline_rss_mb": round(baseline[1], 1),
                                              "runs": results}, indent=2) + "\n", "utf-8")
    return 0 if all(result["exit"] == 0 for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
