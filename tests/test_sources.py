"""The archive where it lives today: the WordPress site (REST API, sitemaps, category
listings) and web-archive captures of the legacy site, crawled from fake servers on
127.0.0.1 (``scraper.demo.wordpress``, ``scraper.demo.wayback``) into the same record, and
one story found on both sites linked by ``same_as``."""

from __future__ import annotations

from archives import WAYBACK, WP

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from scraper.cli import main
from scraper.demo.wayback import wayback_app
from scraper.demo.wordpress import wordpress_app
from scraper.demo.mirror import Mirror
from scraper.records import Article

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

POSTS = json.loads((WP / "posts.json").read_text("utf-8"))


@pytest.fixture
def wp_site(request: pytest.FixtureRequest) -> Iterator[Mirror]:
    api, sitemaps = getattr(request, "param", (True, True))
    with Mirror(WP, app=wordpress_app(WP, api=api, sitemaps=sitemaps)) as running:
        yield running


@pytest.fixture
def archive() -> Iterator[Mirror]:
    with Mirror(WAYBACK, app=wayback_app(WAYBACK)) as running:
        yield running


def _records(path: Path) -> list[Article]:
    return [Article.model_validate_json(line) for line in path.read_text("utf-8").splitlines()]


def _crawl_wp(mirror: Mirror, out: Path, *extra: str) -> int:
    return main(["crawl", "--site", "cemr-wp", "--base-url", mirror.base_url, "-o", str(out),
                 "--delay", "0", *extra])


def test_wordpress_crawl_reads_the_api_without_a_request_per_post(
        wp_site: Mirror, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "wp.jsonl"
    assert _crawl_wp(wp_site, out) == 0
    records = _records(out)
    assert sorted(int(record.item_id or 0) for record in records) == sorted(
        post["id"] for post in POSTS)
    paths = [entry.path.split("?")[0] for entry in wp_site.log]
    assert paths == ["/robots.txt", "/wp-json/wp/v2/posts", "/wp-json/wp/v2/categories",
                     "/wp-json/wp/v2/tags"]
    summit = next(record for record in records if record.item_id == "28352")
    assert summit.section == "Statutory Affairs"
    assert summit.dateline is not None and summit.dateline.date == dt.date(2025, 12, 5)
    assert summit.canonical_url == (
        "https://ccre-cemr.org/statutory-affairs/cemr-leaders-summit-2025-malta")
    assert summit.fetch is not None and summit.fetch.content_type == "application/json"
    assert "/wp-json/wp/v2/posts?" in summit.fetch.final_url
    assert "14 written, 0 unchanged, 0 skipped, 0 failed" in capsys.readouterr().err


def test_wordpress_api_pages_are_all_read(wp_site: Mirror, tmp_path: Path) -> None:
    """Five posts a page (a profile of our own): X-WP-TotalPages says 3, each read once."""
    profile = tmp_path / "small-pages.toml"
    source = (Path(__file__).resolve().parent.parent / "scraper" / "profiles" /
              "cemr-wp.toml").read_text("utf-8")
    profile.write_text(source.replace("per_page = 100", "per_page = 5"), "utf-8")
    out = tmp_path / "wp.jsonl"
    assert _crawl_wp(wp_site, out, "--site", str(profile)) == 0
    assert len(_records(out)) == len(POSTS)
    pages = [entry.path for entry in wp_site.log if entry.path.startswith("/wp-json/wp/v2/posts")]
    assert sorted(parse_qs(urlsplit(path).query)["page"][0] for path in pages) == ["1", "2", "3"]


def test_wordpress_crawl_resumes_without_duplicates(wp_site: Mirror, tmp_path: Path) -> None:
    out = tmp_path / "wp.jsonl"
    assert _crawl_wp(wp_site, out, "--max-items", "5") == 0
    assert len(_records(out)) == 5
    assert _crawl_wp(wp_site, out, "--resume") == 0
    ids = [record.item_id for record in _records(out)]
    assert len(ids) == len(set(ids)) == len(POSTS)


def test_refresh_recrawls_only_the_posts_modified_since(wp_site: Mirror, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    out = tmp_path / "wp.jsonl"
    assert _crawl_wp(wp_site, out) == 0
    newest = max(str(post["modified"]) for post in POSTS)
    changed = tmp_path / "wp-changed"
    shutil.copytree(WP, changed)
    posts = json.loads((changed / "posts.json").read_text("utf-8"))
    edited = next(post for post in posts if post["id"] == 27893)
    edited["modified"] = "2026-02-02T09:00:00"
    edited["content"]["rendered"] = edited["content"]["rendered"].replace(
        "two-year project", "three-year project")
    (changed / "posts.json").write_text(json.dumps(posts), "utf-8")
    (changed / "html" / "social-dialogue-project.html").unlink()  # the page from the JSON
    wp_site.app = wordpress_app(changed)
    wp_site.log.clear()
    capsys.readouterr()
    assert _crawl_wp(wp_site, out, "--resume", "--refresh") == 0
    assert "1 written" in capsys.readouterr().err
    asked = [entry.path for entry in wp_site.log if entry.path.startswith("/wp-json/wp/v2/posts")]
    assert asked and all(f"modified_after={quote(newest)}" in path for path in asked)
    tidy = tmp_path / "tidy.jsonl"
    assert main(["export", str(out), "--to", "jsonl", "-o", str(tidy)]) == 0
    records = {record.item_id: record for record in _records(tidy)}
    assert len(records) == len(POSTS)
    assert "three-year project" in records["27893"].text


def test_modified_after_asks_the_api_for_recent_posts_only(wp_site: Mirror,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "wp.jsonl"
    assert _crawl_wp(wp_site, out, "--modified-after", "2025-12-01") == 0
    expected = {str(post["id"]) for post in POSTS if post["modified"] > "2025-12-01T00:00:00"}
    assert {record.item_id for record in _records(out)} == expected
    assert 0 < len(expected) < len(POSTS)
    assert any("modified_after=2025-12-01T00%3A00%3A00" in entry.path
               for entry in wp_site.log)


@pytest.mark.parametrize(("wp_site", "found"), [
    pytest.param((False, True), len(POSTS), id="api-off-sitemaps"),
    pytest.param((False, False), 9, id="api-and-sitemaps-off-listings"),  # the EN press cards
], indirect=["wp_site"])
def test_wordpress_fallbacks_read_the_article_pages(wp_site: Mirror, tmp_path: Path,
                                                    found: int) -> None:
    out = tmp_path / "wp.jsonl"
    assert _crawl_wp(wp_site, out) == 0
    records = _records(out)
    assert len(records) == found
    by_id = {record.item_id: record for record in records}
    summit = by_id["28352"]
    assert (summit.section, summit.published) == ("Statutory Affairs", dt.date(2025, 12, 5))
    assert summit.fetch is not None and summit.fetch.content_type.startswith("text/html")


def test_wayback_crawl_reads_one_capture_per_item(archive: Mirror, tmp_path: Path) -> None:
    out = tmp_path / "archived.jsonl"
    assert main(["crawl", "--site", "cemr", "--via", "wayback", "--base-url",
                 archive.base_url, "-o", str(out), "--delay", "0"]) == 0
    records = {record.canonical_url: record for record in _records(out)}
    assert sorted(records) == ["https://ccre.org/en/actualites/view/3950",
                               "https://ccre.org/en/actualites/view/3958",
                               "https://ccre.org/fr/actualites/view/3950"]
    newest = records["https://ccre.org/en/actualites/view/3950"]
    assert newest.fetch is not None
    assert newest.fetch.archived_at == dt.datetime(2023, 3, 5, 7, 11, 22, tzinfo=dt.UTC)
    assert newest.fetch.archive_url == (
        f"{archive.base_url}/web/20230305071122id_/https://www.ccre.org/en/actualites/view/3950")
    assert newest.url == "https://www.ccre.org/en/actualites/view/3950"
    assert newest.title == "Town twinning in Europe"
    assert any(removed.reason == "spam" for removed in newest.removed)
    fetched = [entry.path for entry in archive.log if entry.path.startswith("/web/")]
    assert len(fetched) == 3  # six captures of one item, one fetch


def test_wayback_index_is_read_page_by_page_under_item_paths(
        archive: Mirror, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rows a page: the resume key is followed to the end, and the index is asked for
    item paths only (not every image and PDF of the site)."""
    from scraper.crawl import wayback

    monkeypatch.setattr(wayback, "CDX_PAGE_ROWS", 2)
    out = tmp_path / "archived.jsonl"
    assert main(["crawl", "--via", "wayback", "--base-url", archive.base_url, "-o", str(out),
                 "--delay", "0"]) == 0
    assert len(_records(out)) == 3
    queries = [parse_qs(urlsplit(entry.path).query) for entry in archive.log
               if entry.path.startswith("/cdx/")]
    assert {query["url"][0] for query in queries} == {
        "ccre.org/en/actualites/view/", "ccre.org/fr/actualites/view/",
        "ccre.org/actualites/view/", "ccre.eu/en/actualites/view/",
        "ccre.eu/fr/actualites/view/", "ccre.eu/actualites/view/"}
    assert any("resumeKey" in query for query in queries)
    assert all(query["limit"] == ["2"] for query in queries)


def test_wayback_crawl_resumes_without_duplicates(archive: Mirror, tmp_path: Path) -> None:
    out = tmp_path / "archived.jsonl"
    arguments = ["crawl", "--via", "wayback", "--base-url", archive.base_url, "-o", str(out),
                 "--delay", "0"]
    assert main([*arguments, "--max-items", "1"]) == 0
    assert len(_records(out)) == 1
    assert main([*arguments, "--resume"]) == 0
    urls = [record.canonical_url for record in _records(out)]
    assert len(urls) == len(set(urls)) == 3


def test_wayback_as_of_picks_the_nearest_capture(archive: Mirror, tmp_path: Path) -> None:
    out = tmp_path / "archived.jsonl"
    assert main(["crawl", "--via", "wayback", "--as-of", "2020-01", "--base-url",
                 archive.base_url, "-o", str(out), "--delay", "0", "--lang", "en"]) == 0
    stamps = {record.canonical_url: record.fetch.archived_at.date() for record in
              _records(out) if record.fetch and record.fetch.archived_at}
    assert stamps["https://ccre.org/en/actualites/view/3950"] in (
        dt.date(2019, 11, 6), dt.date(2020, 2, 29))


def test_wayback_of_a_site_without_item_urls_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--site", "cemr-wp", "--via", "wayback", "--base-url",
                 "http://127.0.0.1:9", "-o", str(tmp_path / "x.jsonl")]) == 2
    assert "cemr-wp has no [urls] item_path" in capsys.readouterr().err


def test_as_of_without_wayback_is_a_usage_error(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--as-of", "2020", "-o", str(tmp_path / "x.jsonl")]) == 2
    assert "--via wayback" in capsys.readouterr().err


def test_one_story_on_both_sites_is_linked_not_merged(wp_site: Mirror, archive: Mirror,
                                                      tmp_path: Path) -> None:
    legacy, current = tmp_path / "legacy.jsonl", tmp_path / "wp.jsonl"
    assert main(["crawl", "--via", "wayback", "--base-url", archive.base_url, "-o",
                 str(legacy), "--delay", "0"]) == 0
    assert _crawl_wp(wp_site, current) == 0
    both = tmp_path / "all.jsonl"
    both.write_text(legacy.read_text("utf-8") + current.read_text("utf-8"), "utf-8")
    tidy = tmp_path / "tidy.jsonl"
    assert main(["export", str(both), "--to", "jsonl", "-o", str(tidy)]) == 0
    records = _records(tidy)
    assert len(records) == 3 + len(POSTS)
    linked = {record.canonical_url: record.same_as for record in records if record.same_as}
    assert linked == {
        "https://ccre.org/en/actualites/view/3950":
            ["https://ccre-cemr.org/impactgoal-society/twinning/twinning-12"],
        "https://ccre-cemr.org/impactgoal-society/twinning/twinning-12":
            ["https://ccre.org/en/actualites/view/3950"],
    }


@pytest.mark.parametrize(("arguments", "written"), [
    (["--site", "cemr-wp"], len(POSTS)),
    (["--via", "wayback"], 3),
])
def test_demo_serves_and_crawls_each_source(arguments: list[str], written: int,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # the archives are package data: any folder will do
    out = tmp_path / "demo.jsonl"
    assert main(["demo", *arguments, "-o", str(out)]) == 0
    assert len(_records(out)) == written
    assert f"{written} written" in capsys.readouterr().err
