"""Numbers from the network are read by one checked parser (issue 15, finding 8): a header or
an id of "²" (str.isdigit admits it, int refuses it) or of thousands of digits (int refuses
more than 4,300) is garbled input, never a traceback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scraper.crawl.fetch import retry_after_seconds
from scraper.crawl.ids import item_number, listed_targets
from scraper.crawl.wordpress import total_pages
from scraper.profiles import load_profile
from scraper.text import parse_count

HUGE = "9" * 5000
NOW = datetime(2026, 12, 7, tzinfo=UTC)
PROFILE = load_profile("cemr")


@pytest.mark.parametrize(("text", "expected"), [
    ("120", 120), (" 7 ", 7), ("0", 0), ("²", None), ("٣", None), (HUGE, None), ("-3", None),
    ("", None), (None, None), ("12a", None),
])
def test_parse_count(text: str | None, expected: int | None) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(("value", "expected"), [("²", None), (HUGE, None), ("30", 30.0)])
def test_retry_after_of_garbled_digits_is_no_wait(value: str, expected: float | None) -> None:
    assert retry_after_seconds(value, NOW) == expected


@pytest.mark.parametrize("value", ["²", HUGE, "", "many"])
def test_total_pages_of_a_garbled_header_is_one(value: str) -> None:
    assert total_pages({"x-wp-totalpages": value}) == 1


def test_an_item_id_of_thousands_of_digits_is_no_item_number() -> None:
    assert item_number(PROFILE, f"https://ccre.org/en/actualites/view/{HUGE}") is None
    assert item_number(PROFILE, "https://ccre.org/en/actualites/view/4384") == 4384


def test_a_listing_link_to_an_id_of_thousands_of_digits_is_skipped() -> None:
    html = (f'<a href="/en/actualites/view/{HUGE}">x</a>'
            '<a href="/en/actualites/view/4384">y</a>')
    targets = listed_targets(html, "https://ccre.org/en/actualites/index_actu", PROFILE,
                             "https://ccre.org")
    assert [target.url for target in targets] == ["https://ccre.org/en/actualites/view/4384"]
