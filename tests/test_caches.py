"""The package's caches: page-level ones registered in one place and emptied in one call;
a profile's compiled value built once per profile, never stale after a copy."""

from __future__ import annotations

from pathlib import Path

import scraper
from scraper.caches import registered
from scraper.profiles import load_profile

PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "seed-table.html"


def _filled() -> int:
    return sum(1 for cache in registered()
               if getattr(cache, "cache_info", None) and cache.cache_info().currsize)


def test_clear_caches_empties_every_page_cache() -> None:
    scraper.extract(PAGE.read_bytes(), "https://ccre.org/en/actualites/view/4384")
    assert _filled() >= 5  # words, URLs, item URLs, category lines, the attribute reader...
    scraper.clear_caches()
    assert _filled() == 0
    # and extraction works the same from empty caches
    again = scraper.extract(PAGE.read_bytes(), "https://ccre.org/en/actualites/view/4384")
    assert again.section == "Solidarity with Ukraine"


def test_a_profile_is_compiled_once() -> None:
    profile = load_profile("cemr")
    assert profile.site is profile.site
    assert profile.site.category_date is not None
    assert profile.site.category_date.match("Solidarity with Ukraine - 20.10.2022")


def test_a_mirrored_profile_compiles_its_own_hosts() -> None:
    profile = load_profile("cemr")
    assert "127.0.0.1" not in profile.site.hosts
    mirrored = profile.with_mirror("http://127.0.0.1:8000/")
    assert "127.0.0.1" in mirrored.site.hosts
    assert mirrored.parse_item_url("http://127.0.0.1:8000/en/actualites/view/4384") is not None
    assert profile.parse_item_url("http://127.0.0.1:8000/en/actualites/view/4384") is None
