"""Frozen option values with named defaults, passed as arguments (never read globally)."""

from __future__ import annotations


from pydantic import BaseModel, ConfigDict, Field

from scraper.names import DEFAULT_DELAY, DEFAULT_MAX_CRAWL_DELAY, DEFAULT_PER_HOST, DEFAULT_RETRIES

DEFAULT_MAX_ELEMENTS = 50_000
"""Elements rendered per page at most; the rest of a larger page is ignored (and logged)."""
DEFAULT_MAX_BLOCKS = 10_000
"""Blocks (rendered lines) per page at most, the same way: a long article has a few hundred,
and every extractor's time grows with them."""
DEFAULT_MAX_HTML_CHARS = 2_000_000
"""Characters of HTML read per page at most, after comments, scripts and styles are shed; a
longer page is cut (and the cut logged)."""
DEFAULT_MAX_DEPTH = 2_000
"""Element nesting kept at most: deeper tags are dropped (their text kept) before parsing,
since HTML parsers slow down quadratically on pathological nesting."""
DEFAULT_MAX_TEXT_CHARS = 300_000
"""Characters of text rendered per page at most (a long report); the rest is ignored (and
logged), so extractors stay fast on pages of nothing but text."""
DEFAULT_MAX_TAG_CHARS = 16_384
"""Tags longer than this are cut to their name before parsing: parsers compare attributes
pairwise, and no text is in them (a data: URI, 100,000 attributes)."""
DEFAULT_MAX_FALLBACK_CHARS = 300_000
"""Pages longer than this (without scripts and styles) skip trafilatura, which takes seconds
on larger ones, for the block fallback."""
DEFAULT_MAX_JSON_LD_CHARS = 1_000_000
"""JSON-LD scripts longer than this are skipped unparsed."""


class CleanOptions(BaseModel):
    """Limits that keep cleaning bounded on hostile pages."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    max_html_chars: int = Field(default=DEFAULT_MAX_HTML_CHARS, ge=1)
    max_depth: int = Field(default=DEFAULT_MAX_DEPTH, ge=16)
    max_elements: int = Field(default=DEFAULT_MAX_ELEMENTS, ge=1)
    max_blocks: int = Field(default=DEFAULT_MAX_BLOCKS, ge=1)
    max_text_chars: int = Field(default=DEFAULT_MAX_TEXT_CHARS, ge=1)
    max_tag_chars: int = Field(default=DEFAULT_MAX_TAG_CHARS, ge=256)
    max_fallback_chars: int = Field(default=DEFAULT_MAX_FALLBACK_CHARS, ge=0)
    max_json_ld_chars: int = Field(default=DEFAULT_MAX_JSON_LD_CHARS, ge=0)


DEFAULT_CLEAN_OPTIONS = CleanOptions()


DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Bodies larger than this are aborted while streaming."""


class FetchOptions(BaseModel):
    """How politely and patiently pages are fetched."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    user_agent: str = Field(default="scraper (CEMR news archive research crawler)",
                            min_length=1)
    contact: str | None = Field(default=None, description="URL or e-mail added to the UA")
    delay: float = Field(default=DEFAULT_DELAY, ge=0)
    per_host: int = Field(default=DEFAULT_PER_HOST, ge=1, le=64)
    connect_timeout: float = Field(default=10.0, gt=0)
    read_timeout: float = Field(default=30.0, gt=0)
    total_timeout: float = Field(default=60.0, gt=0)
    robots_timeout: float = Field(
        default=20.0, gt=0, description="total deadline of one robots.txt request (a file "
        "of 512 KiB at most: a slower answer is an outage, retried, then the host waits)")
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1024)
    max_redirects: int = Field(default=5, ge=0, le=20)
    retries: int = Field(default=DEFAULT_RETRIES, ge=0, le=20)
    backoff: float = Field(default=1.0, ge=0, description="first retry wait, doubled each time")
    max_backoff: float = Field(default=60.0, ge=0)
    max_retry_after: float = Field(default=600.0, ge=0,
                                   description="longer Retry-After waits fail the URL instead")
    max_crawl_delay: float = Field(
        default=DEFAULT_MAX_CRAWL_DELAY, ge=0,
        description="a robots.txt Crawl-delay longer than this defers the "
        "host's URLs to another run instead of stalling the crawl")
    respect_robots: bool = True
    obey_crawl_delay: bool = Field(
        default=True, description="False: robots.txt rules still apply, its Crawl-delay not "
        "(the offline demo and benchmarks against a local mirror)")

    @property
    def full_user_agent(self) -> str:
        return f"{self.user_agent} (+{self.contact})" if self.contact else self.user_agent


DEFAULT_FETCH_OPTIONS = FetchOptions()
