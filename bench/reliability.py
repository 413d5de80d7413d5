"""Reliability figures: a crawl under injected faults, SIGKILLs and resumes, the hostile-page
corpus, fuzzing. Everything talks to 127.0.0.1 only.

    /tmp/venv/bin/python bench/reliability.py      # 2,000 items, 10% faults, 5 kills, 10,000 fuzz cases
    /tmp/venv/bin/python bench/reliability.py --items 200 --kills 2 --fuzz 500 --hostile small

What it does:

1. Generates an archive of ``--items`` items (``fixtures/demo/make_demo.py --items N/2
   --dense --bilingual --no-crawl-delay``: an EN and a FR page per id, consecutive ids) and
   serves it with :class:`scraper.demo.mirror.Mirror` in this process.
2. Reference: ``python -m scraper crawl --base-url URL --ids FIRST-LAST --delay 0
   --concurrency 8`` without faults, uninterrupted.
3. Faults: the same crawl (``--retries 3``, the default backoff) while the mirror injects
   faults (:class:`scraper.demo.mirror.Faults`: ``--rate`` of the answers, ``--permanent`` of the
   URLs always failing, Retry-After 1 s, slow answers 0.5 s, 11 MiB bodies, 3-hop redirect
   chains). Every item must be written or listed with its reason, none twice; what is
   written must equal the reference record (apart from ``fetch`` and ``url``, which names
   the end of a redirect chain). Retries are bounded: at most 1 + retries requests per URL.
4. Kills: the crawl again, SIGKILLed ``--kills`` times at random moments (seeded) and
   resumed each time; the final output must hold the reference's records, identical apart
   from fetch times.
5. Hostile pages: every case of ``tests/hostile_pages.py`` through ``scraper.extract``, as a
   CEMR page and as another site's, each in a forked child: wall time and the child's peak
   RSS (``os.wait4``; building the page included). The issue's bound is 2 s per page.
6. Fuzzing: ``--fuzz`` hypothesis cases (``hostile_pages.fuzz_cases``) through extract;
   exceptions are counted, not raised.
7. Adversarial (``bench/adversarial.py``, about 4 minutes): hostile servers and pages
   against the real CLI, ``python -m scraper crawl ...`` and ``get ...`` as children, each
   attack in its own temporary folder with its own loopback server (quote blowups,
   decompression bombs, a 50 MB robots.txt, redirects to 127.0.0.2 or another port,
   robots.txt down then a ``--resume``, an FR page redirecting to its EN edition, two
   concurrent resumes, endless WordPress, sitemap and CDX paging, a listing linking to id
   3,000,000, a dripped robots.txt, ``Crawl-delay: 100000``, garbled headers and JSON,
   ``get 'http://[::1/'``, output collisions, dates in the year 9999). Per attack: exit
   code, traceback or not, wall seconds, the child's peak RSS (``os.wait4`` in a launcher),
   requests received, requests that reached 127.0.0.2 or another port, records lost and
   duplicated; PASS against 0 lost, 0 duplicated, no traceback, peak RSS < 300 MB, 0
   requests outside and a time cap per attack (a child still running at the cap is killed,
   "hung"); a totals line. ``--attacks quotes,bomb`` runs the attacks whose names hold
   those words.

``--json PATH`` keeps every figure; ``--only faults,kills,hostile,fuzz,adversarial`` runs some
sections.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the hostile corpus and fuzz strategies live there
sys.path.insert(0, str(ROOT / "bench"))  # adversarial.py, the adversarial section
GENERATOR = ROOT / "fixtures" / "demo" / "make_demo.py"
ITEM_PATH = re.compile(r"^/(en|fr)/(actualites|activites)/view/(\d+)$")
"""A news item's or a theme page's path."""
HOSTILE_LIMIT = 2.0
"""Seconds per hostile page the issue allows."""


def _crawl_command(base_url: str, out: Path, ids: tuple[int, int], *extra: str) -> list[str]:
    return [sys.executable, "-m", "scraper", "crawl", "--base-url", base_url, "-o", str(out),
            "--ids", f"{ids[0]}-{ids[1]}", "--delay", "0", "--concurrency", "8", *extra]


def _records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _key(path: str) -> str | None:
    match = ITEM_PATH.match(urlsplit(path).path)
    return f"https://ccre.org/{match[1]}/{match[2]}/view/{match[3]}" if match else None


def _comparable(record: dict[str, Any], *fields: str) -> dict[str, Any]:
    record = dict(record)
    for field in fields:
        record.pop(field, None)
    fetch = dict(record.get("fetch") or {})
    fetch.pop("fetched_at", None)
    if "fetch" in record:
        record["fetch"] = fetch
    return record


def generate(items: int, folder: Path) -> tuple[set[str], tuple[int, int]]:
    subprocess.run([sys.executable, str(GENERATOR), "--items", str(items // 2), "--dense",
                    "--bilingual", "--no-crawl-delay", "--out", str(folder)],
                   check=True, capture_output=True)
    listed = json.loads((folder / "items.json").read_text("utf-8"))
    ids = [int(item["id"]) for item in listed]
    keys = {f"https://ccre.org/{item['lang']}/actualites/view/{item['id']}" for item in listed}
    from archives import linked_theme_pages  # the theme pages a crawl reads beside the news

    return keys | linked_theme_pages(folder / "site"), (min(ids), max(ids))


# Faults ------------------------------------------------------------------------------------


def run_faults(mirror: Any, arguments: argparse.Namespace, work: Path, expected: set[str],
               ids: tuple[int, int], reference: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from scraper.demo.mirror import Faults

    mirror.faults = Faults(rate=arguments.rate, seed=arguments.seed,
                           permanent=arguments.permanent, retry_after=1, slow_seconds=0.5)
    mirror.log.clear()
    mirror.attempts.clear()
    out = work / "faults.jsonl"
    started = time.monotonic()
    finished = subprocess.run(_crawl_command(mirror.base_url, out, ids, "--retries", "3"),
                              capture_output=True, text=True)
    seconds = time.monotonic() - started
    mirror.faults = None
    log = list(mirror.log)

    records = _records(out)
    written = [str(record["canonical_url"]) for record in records]
    failures = _records(Path(f"{out}.failures.jsonl"))
    listed = {str(row["item"]): str(row["reason"]) for row in failures}
    with sqlite3.connect(f"{out}.state.db") as state:
        skipped = dict(state.execute("SELECT item, reason FROM urls WHERE status = 'skipped' "
                                     "AND reason IS NOT NULL").fetchall())
    unlisted = {key for key in expected & set(skipped) if key not in listed}
    lost = expected - set(written) - set(listed) - set(skipped)
    differing = [record["canonical_url"] for record in records
                 if _comparable(record, "url", "fetch")
                 != _comparable(reference[record["canonical_url"]], "url", "fetch")]
    met: dict[str, list[str]] = defaultdict(list)  # the faults each item met, in order
    for entry in log:
        if (key := _key(entry.path)) is not None and "?" not in entry.path:
            met[key].append(entry.fault or "-")
    by_key = {str(record["canonical_url"]): record for record in records}
    differences = [{"item": key, "faults": met[key], "fields": sorted(
        field for field in reference[key] if field not in ("url", "fetch")
        and reference[key][field] != by_key[key].get(field))} for key in differing]
    per_url = Counter(entry.path for entry in log if "?" not in entry.path)
    item_requests = sum(1 for entry in log if _key(entry.path))

    outcome = {key: "written" for key in written}
    outcome.update({key: "failed" for key in listed})
    outcome.update({key: "skipped" for key in unlisted})
    injected = Counter(entry.fault for entry in log if entry.fault is not None)
    hit: dict[str, set[str]] = defaultdict(set)  # items that met each kind at least once
    for entry in log:
        key = _key(entry.path)
        if entry.fault is not None and key is not None and "?" not in entry.path:
            hit[entry.fault].add(key)
    kinds = {kind: Counter(outcome.get(key, "lost") for key in keys)
             for kind, keys in hit.items()}
    reasons = Counter(re.sub(r"\d+", "N", reason.split(":")[0].split("(")[0]).strip()
                      for reason in [*listed.values(), *(skipped[key] for key in unlisted)])
    return {
        "exit_code": finished.returncode, "seconds": round(seconds, 1),
        "summary": (finished.stderr.strip().splitlines() or [""])[-1],
        "items": len(expected), "written": len(written), "failed_listed": len(listed),
        "skipped_unlisted": len(unlisted), "lost": len(lost), "duplicated":
        len(written) - len(set(written)), "differing_from_reference": len(differing),
        "differences": differences[:20],
        "requests": len(log), "requests_per_item": round(len(log) / len(expected), 3),
        "item_requests_per_item": round(item_requests / len(expected), 3),
        "max_requests_per_url": max(per_url.values(), default=0), "retries": 3,
        "injected": dict(injected.most_common()),
        "items_per_kind": {kind: dict(counts) for kind, counts in sorted(kinds.items())},
        "reasons": dict(reasons.most_common()),
    }


# Kills -------------------------------------------------------------------------------------


def run_kills(mirror: Any, arguments: argparse.Namespace, work: Path, ids: tuple[int, int],
              reference: dict[str, dict[str, Any]], reference_seconds: float) -> dict[str, Any]:
    rng = random.Random(arguments.seed)
    out, state = work / "killed.jsonl", work / "killed.state.db"
    command = _crawl_command(mirror.base_url, out, ids, "--state", str(state))
    kills = []
    for number in range(arguments.kills):
        process = subprocess.Popen(command + (["--resume"] if number else []),
                                   stderr=subprocess.DEVNULL)
        delay = rng.uniform(0.3, 2 * reference_seconds / (arguments.kills + 1))
        time.sleep(delay)
        alive = process.poll() is None
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        lines = out.read_bytes().count(b"\n") if out.exists() else 0
        kills.append({"after_seconds": round(delay, 2), "was_running": alive,
                      "records_at_kill": lines})
    finished = subprocess.run(command + ["--resume"], capture_output=True, text=True)
    records = _records(out)
    keys = [str(record["canonical_url"]) for record in records]
    identical = sum(1 for record in records if record["canonical_url"] in reference and
                    _comparable(record) == _comparable(reference[record["canonical_url"]]))
    return {
        "kills": kills, "survived": sum(kill["was_running"] for kill in kills),
        "final_exit_code": finished.returncode, "records": len(records),
        "reference_records": len(reference), "duplicated": len(keys) - len(set(keys)),
        "lost": len(set(reference) - set(keys)), "identical_apart_from_fetch_times": identical,
    }


# Hostile pages -----------------------------------------------------------------------------


def run_hostile(arguments: argparse.Namespace) -> dict[str, Any]:
    import scraper
    from hostile_pages import CASES, CEMR_URL, OTHER_URL

    rows = []
    for case in CASES:
        if arguments.hostile == "small" and case.large:
            continue
        for label, url in (("cemr", CEMR_URL), ("other", OTHER_URL)):
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: build, extract, report, leave without cleanup
                os.close(reader)
                signal.alarm(120)
                page = case.build()
                started = time.perf_counter()
                result: dict[str, Any]
                try:
                    article = scraper.extract(page, url, charset=case.charset)
                    result = {"ok": True, "text_chars": len(article.text)}
                except Exception as error:  # noqa: BLE001 (counted, this is what we measure)
                    result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
                result["seconds"] = time.perf_counter() - started
                os.write(writer, json.dumps(result).encode())
                os._exit(0)
            os.close(writer)
            _, status, usage = os.wait4(pid, 0)
            with os.fdopen(reader, "rb") as pipe:
                data = pipe.read()
            outcome: dict[str, Any] = json.loads(data) if data else {
                "ok": False, "error": f"child died (status {status})", "seconds": None}
            outcome.update(case=case.name, group=case.group, site=label,
                           peak_rss_mb=round(usage.ru_maxrss / 1024))
            rows.append(outcome)
    timed = [row for row in rows if row["seconds"] is not None]
    slowest = max(timed, key=lambda row: row["seconds"])
    return {
        "cases": len(rows), "passed": sum(row["ok"] for row in rows),
        "within_limit": sum(1 for row in timed if row["ok"] and row["seconds"] < HOSTILE_LIMIT),
        "slowest": {"case": slowest["case"], "site": slowest["site"],
                    "seconds": round(slowest["seconds"], 2)},
        "max_peak_rss_mb": max(row["peak_rss_mb"] for row in rows),
        "failures": [row for row in rows if not row["ok"]],
        "rows": sorted(rows, key=lambda row: -(row["seconds"] or 1e9)),
    }


# Fuzzing -----------------------------------------------------------------------------------


def run_fuzz(examples: int, seed: int) -> dict[str, Any]:
    from hypothesis import HealthCheck, Phase, given, seed as hypothesis_seed, settings

    import scraper
    from hostile_pages import FuzzCase, fuzz_cases

    errors: list[dict[str, str]] = []
    count = 0

    @hypothesis_seed(seed)
    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=fuzz_cases())
    def one(case: FuzzCase) -> None:
        nonlocal count
        count += 1
        page, url, charset = case
        try:
            scraper.extract(page, url, charset=charset)
        except Exception as error:  # noqa: BLE001 (counted, this is what we measure)
            errors.append({"error": f"{type(error).__name__}: {error}"[:300],
                           "case": repr(case)[:500]})

    started = time.monotonic()
    one()
    seconds = time.monotonic() - started
    return {"cases": count, "exceptions": len(errors), "seconds": round(seconds, 1),
            "errors": errors[:10]}


# Report ------------------------------------------------------------------------------------


def report(results: dict[str, Any]) -> None:
    faults = results.get("faults")
    if faults:
        print(f"\n== crawl under faults: {faults['items']} items, {results['rate']:.0%} of "
              f"answers faulty, {results['permanent']:.0%} of URLs always failing "
              f"({faults['seconds']} s, exit code {faults['exit_code']})")
        print(f"   {faults['summary']}")
        print(f"   items {faults['items']}  written {faults['written']}  failed (listed with "
              f"reason) {faults['failed_listed']}  lost {faults['lost']}  duplicated "
              f"{faults['duplicated']}")
        if faults["skipped_unlisted"]:
            print(f"   of the items not written, {faults['skipped_unlisted']} are 'skipped' with "
                  "their reason in the state file but missing from the failures file")
        print(f"   written records differing from the reference crawl: "
              f"{faults['differing_from_reference']}")
        for difference in faults["differences"]:
            print(f"     {difference['item']}: {', '.join(difference['fields'])} (faults met: "
                  f"{', '.join(difference['faults'])})")
        print(f"   requests per item {faults['requests_per_item']} (item pages only "
              f"{faults['item_requests_per_item']}); most requests for one URL "
              f"{faults['max_requests_per_url']} (bound: 1 + {faults['retries']} retries)")
        print("   fault kind          answers  items: written / failed / skipped / lost")
        for kind, answers in sorted(faults["injected"].items()):
            items = faults["items_per_kind"].get(kind, {})
            print(f"   {kind:18} {answers:8}         {items.get('written', 0):7} / "
                  f"{items.get('failed', 0):6} / {items.get('skipped', 0):7} / "
                  f"{items.get('lost', 0):4}")
        print("   reasons: " + "; ".join(f"{reason} x{count}"
                                         for reason, count in faults["reasons"].items()))
    kills = results.get("kills")
    if kills:
        moments = ", ".join(f"{kill['after_seconds']} s ({kill['records_at_kill']} records)"
                            for kill in kills["kills"])
        print(f"\n== SIGKILL and resume: {kills['survived']} of {len(kills['kills'])} kills "
              f"hit a running crawl, all survived: killed at {moments}")
        print(f"   final run exit code {kills['final_exit_code']}: {kills['records']} records "
              f"(uninterrupted: {kills['reference_records']}), lost {kills['lost']}, "
              f"duplicated {kills['duplicated']}, identical apart from fetch times "
              f"{kills['identical_apart_from_fetch_times']}")
    hostile = results.get("hostile")
    if hostile:
        slowest = hostile["slowest"]
        print(f"\n== hostile pages: {hostile['passed']} of {hostile['cases']} extracted "
              f"without an exception, {hostile['within_limit']} within {HOSTILE_LIMIT:g} s; "
              f"slowest {slowest['case']} ({slowest['site']}) {slowest['seconds']} s; "
              f"largest peak RSS {hostile['max_peak_rss_mb']} MB")
        for row in hostile["rows"][:12]:
            print(f"   {row['case']:34} {row['site']:5} {row['seconds'] or 0:6.2f} s "
                  f"{row['peak_rss_mb']:5} MB {'' if row['ok'] else row['error']}")
        for row in hostile["failures"]:
            print(f"   FAILED {row['case']} ({row['site']}): {row['error']}")
    fuzz = results.get("fuzz")
    if fuzz:
        print(f"\n== fuzzing: {fuzz['cases']} cases in {fuzz['seconds']} s, "
              f"{fuzz['exceptions']} exceptions")
        for error in fuzz["errors"]:
            print(f"   {error['error']}  <- {error['case'][:200]}")
    if results.get("adversarial"):
        from adversarial import report as report_adversarial

        report_adversarial(results["adversarial"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2000, help="items (EN + FR pages)")
    parser.add_argument("--rate", type=float, default=0.10, help="share of faulty answers")
    parser.add_argument("--permanent", type=float, default=0.01,
                        help="share of URLs that always fail")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--fuzz", type=int, default=10_000, help="hypothesis cases")
    parser.add_argument("--hostile", choices=("all", "small"), default="all",
                        help="small: leave out the 50 MB pages")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--only", default="faults,kills,hostile,fuzz,adversarial")
    parser.add_argument("--attacks", help="adversarial: comma-separated parts of attack names "
                        "(default: all; bench/adversarial.py --list names them)")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    arguments = parser.parse_args(argv)
    sections = set(arguments.only.split(","))
    results: dict[str, Any] = {"items": arguments.items, "rate": arguments.rate,
                               "permanent": arguments.permanent, "seed": arguments.seed}
    if sections & {"faults", "kills"}:
        from scraper.demo.mirror import Mirror

        with tempfile.TemporaryDirectory(prefix="reliability-") as folder:
            work = Path(folder)
            expected, ids = generate(arguments.items, work / "archive")
            with Mirror(work / "archive" / "site") as mirror:
                started = time.monotonic()
                clean = subprocess.run(_crawl_command(mirror.base_url, work / "clean.jsonl", ids),
                                       capture_output=True, text=True)
                reference_seconds = time.monotonic() - started
                reference = {record["canonical_url"]: record
                             for record in _records(work / "clean.jsonl")}
                results["reference"] = {"exit_code": clean.returncode,
                                        "records": len(reference),
                                        "seconds": round(reference_seconds, 1)}
                print(f"reference crawl: {len(reference)} records in {reference_seconds:.1f} s "
                      f"(exit code {clean.returncode})", flush=True)
                if "faults" in sections:
                    results["faults"] = run_faults(mirror, arguments, work, expected, ids,
                                                   reference)
                if "kills" in sections:
                    results["kills"] = run_kills(mirror, arguments, work, ids, reference,
                                                 reference_seconds)
    if "hostile" in sections:
        results["hostile"] = run_hostile(arguments)
    if "fuzz" in sections:
        results["fuzz"] = run_fuzz(arguments.fuzz, arguments.seed)
    if "adversarial" in sections:
        from adversarial import run_adversarial

        results["adversarial"] = run_adversarial(arguments.attacks)
    report(results)
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2, default=str), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
