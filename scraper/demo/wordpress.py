"""A WordPress site served on 127.0.0.1 from a folder shaped like ``archives/cemr-wp``: its REST
API (posts with the paging headers and ``modified_after``, categories, tags), sitemaps,
category listing pages and article pages, for tests and ``scraper demo`` of a WordPress site.

Articles: ``html/<slug>.html`` when the folder has the page, else the page written from the
post's JSON. ``api=False`` answers the API with 404, as a site that disabled it does, so the
sitemap and listing fallbacks can be exercised.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from scraper.demo.mirror import Scripted
from scraper.errors import ConfigError
from scraper.profiles import load_profile
from scraper.tomldata import read_toml
from scraper.crawl.wordpress import parse_terms, post_page

_JSON = ("Content-Type", "application/json; charset=UTF-8")
_HTML = ("Content-Type", "text/html; charset=UTF-8")
_XML = ("Content-Type", "application/xml; charset=UTF-8")
App = Callable[[str, dict[str, list[str]]], Scripted | None]


def wordpress_app(folder: Path, *, api: bool = True, sitemaps: bool = True,
                  profile: str | None = None, base_url: str | None = None) -> App:
    """The answering function of a fake WordPress site (see :class:`scraper.demo.mirror.Mirror`).
    ``profile``: the site profile its pages are written with; ``base_url``: the real site's
    address, as written in the folder's links (both default to the folder's ``demo.toml``:
    ``profile``, ``site_url``)."""
    manifest = read_toml(folder / "demo.toml") if (folder / "demo.toml").is_file() else {}
    profile = profile or str(manifest.get("profile", ""))
    base_url = base_url or str(manifest.get("site_url", ""))
    if not profile or not base_url:
        raise ConfigError(f"{folder}: say which profile and site_url it is (demo.toml)")
    posts: list[dict[str, object]] = json.loads((folder / "posts.json").read_text("utf-8"))
    collections = {
        "categories": json.loads((folder / "categories.json").read_text("utf-8")),
        "tags": json.loads((folder / "tags.json").read_text("utf-8")),
    }
    categories, tags = parse_terms(collections["categories"]), parse_terms(collections["tags"])
    site = load_profile(profile)
    by_path = {urlsplit(str(post["link"])).path.rstrip("/"): post for post in posts}
    files = {f"/{path.relative_to(folder / 'listing').with_suffix('')}": path
             for path in (folder / "listing").glob("*.html")}

    def answer(path: str, query: dict[str, list[str]]) -> Scripted | None:
        if path.startswith("/wp-json/"):
            if not api:
                return _json(404, {"code": "rest_no_route", "message": "No route was found"})
            name = path.removeprefix("/wp-json/wp/v2/").strip("/")
            if name == "posts":
                return _page(_posts(posts, query), query)
            if name in collections:
                return _page(collections[name], query)
            return _json(404, {"code": "rest_no_route", "message": "No route was found"})
        if path == "/robots.txt":
            return Scripted(200, (("Content-Type", "text/plain"),), b"User-agent: *\nAllow: /\n")
        if path in ("/sitemap_index.xml", "/post-sitemap.xml"):
            found = folder / "sitemaps" / path.lstrip("/")
            return Scripted(200, (_XML,), found.read_bytes()) if sitemaps and found.is_file() \
                else None
        listing = _listing_file(path, files)
        if listing is not None:
            return Scripted(200, (_HTML,), listing.read_bytes())
        post = by_path.get(path.rstrip("/"))
        if post is None:
            return None
        page = folder / "html" / f"{post['slug']}.html"
        body = page.read_bytes() if page.is_file() else post_page(
            post, categories, tags, site, base_url).encode("utf-8")
        return Scripted(200, (_HTML,), body)

    return answer


def _listing_file(path: str, files: dict[str, Path]) -> Path | None:
    """``/category/press`` -> ``listing/category-press-page-1.html``; ``.../page/2`` -> 2."""
    parts = path.strip("/").split("/")
    page = 1
    if len(parts) >= 3 and parts[-2] == "page" and parts[-1].isdigit():
        page, parts = int(parts[-1]), parts[:-2]
    return files.get("/" + "-".join(parts) + f"-page-{page}")


def _posts(posts: list[dict[str, object]],
           query: dict[str, list[str]]) -> list[dict[str, object]]:
    chosen = posts
    after = query.get("modified_after", [""])[0]
    if after:
        chosen = [post for post in chosen if str(post.get("modified", "")) > after]
    key = query.get("orderby", ["date"])[0]
    reverse = query.get("order", ["desc"])[0] != "asc"
    return sorted(chosen, key=lambda post: str(post.get(key if key in ("id", "date", "modified")
                                                        else "date", "")).zfill(12),
                  reverse=reverse)


def _page(items: list[dict[str, object]], query: dict[str, list[str]]) -> Scripted:
    """One page of a collection, with WordPress's paging headers; past the last page, the
    400 WordPress answers."""
    per_page = min(100, max(1, int(query.get("per_page", ["10"])[0] or 10)))
    page = max(1, int(query.get("page", ["1"])[0] or 1))
    pages = max(1, math.ceil(len(items) / per_page))
    if page > pages:
        return _json(400, {"code": "rest_post_invalid_page_number",
                           "message": "The page number requested is larger than the number "
                                      "of pages available."})
    chunk = items[(page - 1) * per_page: page * per_page]
    return Scripted(200, (_JSON, ("X-WP-Total", str(len(items))),
                          ("X-WP-TotalPages", str(pages))),
                    json.dumps(chunk, ensure_ascii=False).encode("utf-8"))


def _json(status: int, data: object) -> Scripted:
    return Scripted(status, (_JSON,), json.dumps(data).encode("utf-8"))


__all__ = ["wordpress_app"]
