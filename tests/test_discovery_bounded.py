"""Discovery is bounded on hostile sites (issue 15, finding 6, in part): a sitemap index that
lists itself is read once."""

from __future__ import annotations

from pathlib import Path

from scraper.cli import main
from scraper.demo.mirror import Mirror, Scripted

_XML = ("Content-Type", "application/xml; charset=UTF-8")


def _looping_site(path: str, query: dict[str, list[str]]) -> Scripted | None:
    if path == "/robots.txt":
        return Scripted(200, (("Content-Type", "text/plain"),), b"User-agent: *\nAllow: /\n")
    if path == "/post-sitemap.xml":  # an index that lists itself (and nothing else)
        return Scripted(200, (_XML,), b'<?xml version="1.0"?><sitemapindex><sitemap><loc>'
                        b"http://example.invalid/post-sitemap.xml</loc></sitemap>"
                        b"</sitemapindex>")
    return Scripted(404, (("Content-Type", "text/html"),), b"not here")


def test_a_sitemap_index_listing_itself_is_read_once(tmp_path: Path) -> None:
    profile = tmp_path / "loop.toml"
    profile.write_text('name = "loop"\nextends = "cemr-wp"\n[wordpress]\n'
                       'sitemaps = ["/post-sitemap.xml"]\nlistings = []\n', "utf-8")
    with Mirror(tmp_path, app=_looping_site) as site:
        main(["crawl", "--site", str(profile), "--base-url", site.base_url, "-o",
              str(tmp_path / "out.jsonl"), "--delay", "0"])
        requested = [entry.path for entry in site.log]
    assert requested.count("/post-sitemap.xml") == 1
