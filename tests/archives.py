"""Where the bundled demo archives are (package data of scraper.demo)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import scraper
from scraper.crawl.wordpress import parse_terms, post_page
from scraper.demo import archives_folder
from scraper.profiles import load_profile
from scraper.records import Article

ARCHIVES = archives_folder()
LEGACY = ARCHIVES / "cemr"
"""The legacy site's archive: ``site/`` (served) and ``items.json``."""
WP = ARCHIVES / "cemr-wp"
WAYBACK = ARCHIVES / "wayback"
PLATFORMA = ARCHIVES / "platforma"


class WordPressArchive:
    """A bundled WordPress archive read as the tests need it: its posts, terms, intents and
    article pages, and a post's record read from the API's JSON or from its page."""

    def __init__(self, folder: Path) -> None:
        manifest = tomllib.loads((folder / "demo.toml").read_text("utf-8"))
        self.profile = load_profile(manifest["profile"])
        self.site_url: str = manifest["site_url"]
        self.posts: list[dict[str, Any]] = json.loads((folder / "posts.json").read_text("utf-8"))
        self.categories = parse_terms(json.loads((folder / "categories.json").read_text("utf-8")))
        self.tags = parse_terms(json.loads((folder / "tags.json").read_text("utf-8")))
        self.intent: dict[int, dict[str, Any]] = {
            entry["id"]: entry
            for entry in json.loads((folder / "intent.json").read_text("utf-8"))["posts"]}
        self.pages = sorted((folder / "html").glob("*.html"))

    def from_api(self, post: dict[str, Any]) -> Article:
        page = post_page(post, self.categories, self.tags, self.profile, self.site_url)
        return scraper.extract(page, str(post["link"]), profile=self.profile)

    @staticmethod
    def from_page(path: Path) -> Article:
        """The record of an article page, at its canonical URL (whose host picks the
        profile)."""
        html = path.read_text("utf-8")
        canonical = re.search(r'rel="canonical" href="([^"]+)"', html)
        assert canonical is not None
        return scraper.extract(html, canonical.group(1))


def linked_theme_pages(site: Path) -> set[str]:
    """Canonical URLs of the theme pages (/activites/view/N) the listing pages of a legacy
    archive's ``site`` folder link to: a crawl fetches them beside the news items."""
    listings = "".join(path.read_text("utf-8") for path in site.glob("*/actualites/*.html"))
    return {f"https://ccre.org{path}"
            for path in re.findall(r'href="(/(?:en|fr)/activites/view/\d+)"', listings)}


def legacy_site(root: Path, items: dict[tuple[str, int], str]) -> Path:
    """A small legacy-layout site under ``root``: fixture page NAME served as item
    (language, id) for each entry of ``items``, and a robots.txt that allows everything."""
    from fixture_checks import FIXTURES

    for (language, number), page in items.items():
        folder = root / language / "actualites" / "view"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number}.html").write_bytes((FIXTURES / "pages" / f"{page}.html").read_bytes())
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    return root
