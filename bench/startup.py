"""Start-up: how long a command takes from a fresh process, ours beside trafilatura's CLI.

    python bench/startup.py [--runs 15]

Each command runs ``--runs`` times as a new process (wall time, median and the fastest),
with compiled bytecode as an installed package has it (PYTHONDONTWRITEBYTECODE unset; the
package compiled once first). Targets (issue 18): ``scraper --help`` <= 0.3 s, a one-page
``scraper extract`` <= 0.5 s.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "fixtures" / "pages" / "seed-table.html"
URL = "https://ccre.org/en/actualites/view/4384"


def _tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def measure(command: list[str], runs: int, *, stdin: Path | None = None) -> tuple[float, float]:
    environment = {key: value for key, value in os.environ.items()
                   if key != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with open(stdin or os.devnull, "rb") as source:
            subprocess.run(command, stdin=source, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=environment, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    arguments = parser.parse_args()
    compileall.compile_dir(str(ROOT / "scraper"), quiet=1)
    commands = [
        ("scraper --help", [_tool("scraper"), "--help"], None),
        ("trafilatura --help", [_tool("trafilatura"), "--help"], None),
        ("scraper extract PAGE (one page)",
         [_tool("scraper"), "extract", str(PAGE), "--url", URL], None),
        ("trafilatura < PAGE (one page)", [_tool("trafilatura")], PAGE),
    ]
    print(f"{'command':36} {'median s':>9} {'fastest s':>10}   ({arguments.runs} runs each)")
    for label, command, stdin in commands:
        median, fastest = measure(command, arguments.runs, stdin=stdin)
        print(f"{label:36} {median:9.3f} {fastest:10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
