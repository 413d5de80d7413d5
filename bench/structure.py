"""Contacts and sub-headings on real pages (issue 17): fixtures/real17/cases.jsonl.

    python bench/structure.py [--blind] [--show-misses]

The cases are stored text copies of real ccre.org, ccre-cemr.org and platforma-dev.eu pages
(the pages corpus), annotated by a helper that never saw the extractor (SURVEY.md). The copies
keep no markup: each excerpt line is rendered as a ``<p>`` of a plain article page and read
with the site's profile, so sub-headings can only be found from the text (the markup rules,
<h2>-<h6> and wholly bold lines, have nothing to see). Links, documents and images carry no
URL in the copies and are not scored here; the fixture pages' intents score them.

Contacts: a predicted contact matches a gold one with the same name, role and phone (spaces
normalised; the e-mail is null in every stored copy). Headings: precision and recall of the
exact heading texts. Tuning cases (28) are scored by default; the blind ones (12) only with
--blind, once, and their misses are never listed.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scraper  # noqa: E402

CASES = ROOT / "fixtures" / "real17" / "cases.jsonl"
PROFILES = {"ccre.org": "cemr", "ccre-cemr.org": "cemr-wp", "platforma-dev.eu": "platforma"}


def page_of(case: dict[str, Any]) -> str:
    """The excerpt as a plain article page: one <p> per non-blank line."""
    lines = [line.strip() for block in case["excerpt"] for line in block.split("\n")]
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    return (f'<html lang="{case["language"]}"><head><title>Case</title></head><body>'
            f"<article><h1>Case</h1>\n{paragraphs}\n</article></body></html>")


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def score(cases: list[dict[str, Any]], *, show: bool) -> dict[str, float | int]:
    gold_contacts = found_contacts = matched_contacts = 0
    gold_headings = found_headings = matched_headings = 0
    for case in cases:
        record = scraper.extract(page_of(case), case["source_url"],
                                 profile=PROFILES[case["site"]])
        gold = [(_norm(each["name"]), _norm(each["role"]), _norm(each["phone"]))
                for each in case["expected"]["contacts"]]
        found = [(_norm(each.name), _norm(each.role), _norm(each.phone))
                 for each in record.contacts]
        gold_contacts += len(gold)
        found_contacts += len(found)
        matched_contacts += sum(1 for each in found if each in gold)
        expected = [_norm(text) for text in case["expected"]["headings"]]
        headings = [_norm(text) for text in record.headings]
        gold_headings += len(expected)
        found_headings += len(headings)
        hits = sum(1 for text in headings if text in expected)
        matched_headings += hits
        if show and (hits != len(expected) or hits != len(headings) or found != gold):
            print(f"{case['id']}: headings expected {expected} got {headings}; "
                  f"contacts expected {gold} got {found}")
    return {
        "cases": len(cases),
        "contacts_gold": gold_contacts, "contacts_found": found_contacts,
        "contacts_matched": matched_contacts,
        "headings_gold": gold_headings, "headings_found": found_headings,
        "headings_precision": round(matched_headings / found_headings, 3) if found_headings
        else 1.0,
        "headings_recall": round(matched_headings / gold_headings, 3) if gold_headings else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blind", action="store_true",
                        help="score the blind cases (once, at the end of a piece of work)")
    parser.add_argument("--show-misses", action="store_true",
                        help="list the tuning cases that miss (never the blind ones)")
    arguments = parser.parse_args()
    part = "blind" if arguments.blind else "tuning"
    cases = [json.loads(line) for line in CASES.read_text("utf-8").splitlines() if line]
    chosen = [case for case in cases if case["split"] == part]
    result = score(chosen, show=arguments.show_misses and not arguments.blind)
    print(json.dumps({part: result}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
