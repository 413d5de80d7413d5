"""Compare a record with a fixture's hand-written intent; used by tests and by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load_intent(slug: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "intent" / f"{slug}.json").read_text("utf-8"))
    return data


def intent_mismatches(record: dict[str, Any], intent: dict[str, Any]) -> list[str]:
    """Every way ``record`` (a JSON-mode dump) differs from ``intent``; [] when it agrees."""
    problems = []
    for field, expected in intent["expect"].items():
        if record.get(field) != expected:
            problems.append(f"{field}: expected {expected!r}, got {record.get(field)!r}")
    if "paragraph_count" in intent and len(record["paragraphs"]) != intent["paragraph_count"]:
        problems.append(f"paragraph_count: expected {intent['paragraph_count']}, "
                        f"got {len(record['paragraphs'])}: {record['paragraphs']!r}")
    if "list_items" in intent:
        items = [block["items"] for block in record["lists"]]
        if items != intent["list_items"]:
            problems.append(f"list_items: expected {intent['list_items']!r}, got {items!r}")
    for text in intent.get("text_contains", []):
        if text not in record["text"]:
            problems.append(f"text lacks {text!r}")
    for text in intent.get("text_excludes", []):
        if text in record["text"]:
            problems.append(f"text holds {text!r}")
    links = {link["url"] for link in record.get("links", [])}
    for url in intent.get("links_exclude", []):
        if url in links:
            problems.append(f"links hold {url!r}")
    images = {image["url"] for image in record.get("images", [])}
    for url in intent.get("images_exclude", []):
        if url in images:
            problems.append(f"images hold {url!r}")
    reasons = {block["reason"] for block in record["removed"]}
    for reason in intent.get("removed_reasons", []):
        if reason not in reasons:
            problems.append(f"removed lacks reason {reason!r}: {record['removed']!r}")
    return problems
