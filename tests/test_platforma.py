"""PLATFORMA (platforma-dev.eu), added as data only: scraper/profiles/platforma.toml and the
demo archive scraper/demo/archives/platforma. Its posts read from the REST API and its article
pages give the records the hand-written intents describe; the demo crawls it from any folder."""

from __future__ import annotations

from archives import PLATFORMA, WordPressArchive

import re
from pathlib import Path
from typing import Any

import pytest

from scraper.cli import main
from scraper.demo.mirror import Mirror
from scraper.demo.wordpress import wordpress_app
from scraper.profiles import bundled_profiles, profile_for_host
from scraper.records import Article
from test_wordpress import check_intent

SITE = WordPressArchive(PLATFORMA)
PROFILE, POSTS, INTENT, PAGES = SITE.profile, SITE.posts, SITE.intent, SITE.pages
CATEGORIES, TAGS = SITE.categories, SITE.tags
from_api, from_page = SITE.from_api, SITE.from_page


def test_the_profile_is_bundled_and_serves_its_host() -> None:
    assert "platforma" in bundled_profiles()
    assert profile_for_host("platforma-dev.eu").name == "platforma"
    assert (PROFILE.layout, PROFILE.discovery.strategy) == ("wordpress", "wordpress")


@pytest.mark.parametrize("post", POSTS, ids=[post["slug"] for post in POSTS])
def test_api_post_gives_the_intended_record(post: dict[str, Any]) -> None:
    check_intent(from_api(post), INTENT[post["id"]])


@pytest.mark.parametrize("path", PAGES, ids=[path.stem for path in PAGES])
def test_article_page_gives_the_intended_record(path: Path) -> None:
    intent = next(entry for entry in INTENT.values() if entry["slug"] == path.stem)
    # The pages' footer carries the spam line seen on the real site: dropped and listed.
    intent = {**intent, "spam_removed": intent.get("page_spam_removed", intent["spam_removed"])}
    check_intent(from_page(path), intent)


@pytest.mark.parametrize("path", PAGES, ids=[path.stem for path in PAGES])
def test_api_and_page_give_the_same_record(path: Path) -> None:
    page = from_page(path)
    api = from_api(next(post for post in POSTS if post["slug"] == path.stem))
    fields = {"url", "canonical_url", "item_id", "language", "title", "breadcrumbs", "section",
              "topics", "published", "dateline", "date_mentions", "paragraphs", "text",
              "lists", "goals_intro", "goals", "quotes"}
    assert api.model_dump(include=fields) == page.model_dump(include=fields)


def test_the_trail_is_home_then_the_category_path() -> None:
    post = next(post for post in POSTS if post["id"] == 31548)  # FR, Actualités › Déclarations
    assert [(crumb.name, crumb.url) for crumb in from_api(post).breadcrumbs] == [
        ("Accueil", "https://platforma-dev.eu/fr/"),
        ("Actualités", "https://platforma-dev.eu/fr/category/actualites"),
        ("Déclarations", "https://platforma-dev.eu/fr/category/actualites/declarations")]


def test_demo_crawls_every_post_from_any_folder(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--site", "platforma", "-o", "platforma.jsonl"]) == 0
    records = [Article.model_validate_json(line)
               for line in (tmp_path / "platforma.jsonl").read_text("utf-8").splitlines()]
    assert sorted(int(record.item_id or 0) for record in records) == sorted(INTENT)
    by_id = {int(record.item_id or 0): record for record in records}
    for post_id, intent in INTENT.items():
        assert by_id[post_id].section == intent["section"]
        assert by_id[post_id].canonical_url == intent["link"]


def _listed() -> set[int]:
    """The posts the archive's listing pages link to (the profile's listings: the news
    category, 2 pages, and the NDICI tags, EN and FR)."""
    links = {match for path in (PLATFORMA / "listing").glob("*.html")
             for match in re.findall(r'href="([^"]+)"', path.read_text("utf-8"))}
    return {post["id"] for post in POSTS if post["link"] in links}


@pytest.mark.parametrize(("api", "sitemaps", "way"), [
    (False, True, "sitemap"),
    (False, False, "listing"),
])
def test_the_fallbacks_find_the_posts(api: bool, sitemaps: bool, way: str,
                                      tmp_path: Path) -> None:
    """Sitemaps list every post; listings reach the posts they show (9 of 10: the English
    post under /fr/ is in no configured listing)."""
    with Mirror(PLATFORMA, app=wordpress_app(PLATFORMA, api=api, sitemaps=sitemaps)) as site:
        out = tmp_path / "platforma.jsonl"
        assert main(["crawl", "--site", "platforma", "--base-url", site.base_url, "-o",
                     str(out), "--delay", "0"]) == 0
        requested = [entry.path for entry in site.log]
    records = [Article.model_validate_json(line)
               for line in out.read_text("utf-8").splitlines()]
    found = {int(record.item_id or 0) for record in records}
    if way == "sitemap":
        assert found == set(INTENT)
    else:
        assert found == _listed() and len(found) == 9
        assert {"/category/news", "/category/news/page/2", "/tag/ndici",
                "/fr/tag/ndici-fr"} <= set(requested)
