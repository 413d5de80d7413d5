"""Adapter for ``shared/bench/eval_body.py``: the body as ``extract_main_text`` selects it.

    cd /work && python shared/bench/eval_body.py \
        --extractor /work/main/bench/main_text_adapter.py:extract --repeat 1

Parse and clean once (``clean_html`` with the generic profile), select the main text, and
join the block texts with blank lines, as ``Body.text`` does.
"""

from __future__ import annotations

from scraper.clean import clean_html
from scraper.extract.main_text import extract_main_text
from scraper.profiles import load_profile

PROFILE = load_profile("generic")


def extract(html: str, url: str | None = None) -> str:
    document = clean_html(html, url or "https://example.invalid/", PROFILE)
    return "\n\n".join(block.text for block in extract_main_text(document))


def clean_only(html: str, url: str | None = None) -> str:
    """The parse and clean alone (no selection, empty text): the floor ``extract`` stands on,
    for the pages/s column (its F1 is 0 by construction)."""
    clean_html(html, url or "https://example.invalid/", PROFILE)
    return ""


def record(html: str, url: str | None = None) -> str:
    """The body text of the whole record (``scraper.extract`` with the generic profile):
    the selection, then what leaves the body after it (contact blocks, image captions)."""
    from scraper.api import extract as extract_record

    return extract_record(html, url or "https://example.invalid/", profile=PROFILE).text
