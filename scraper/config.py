"""Frozen option values with named defaults, passed as arguments (never read globally)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_MAX_ELEMENTS = 300_000
"""Elements rendered per page at most; the rest of a larger page is ignored (and logged)."""
DEFAULT_MAX_HTML_CHARS = 5_000_000
"""Characters of HTML read per page at most; a longer page is cut (and the cut logged)."""
DEFAULT_MAX_DEPTH = 2_000
"""Element nesting kept at most: deeper tags are dropped (their text kept) before parsing,
since HTML parsers slow down quadratically on pathological nesting."""
DEFAULT_MAX_FALLBACK_CHARS = 2_000_000
"""Pages longer than this skip trafilatura (slow on huge pages) for the block fallback."""
DEFAULT_MAX_JSON_LD_CHARS = 1_000_000
"""JSON-LD scripts longer than this are skipped unparsed."""


class CleanOptions(BaseModel):
    """Limits that keep cleaning bounded on hostile pages."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    max_html_chars: int = Field(default=DEFAULT_MAX_HTML_CHARS, ge=1)
    max_depth: int = Field(default=DEFAULT_MAX_DEPTH, ge=16)
    max_elements: int = Field(default=DEFAULT_MAX_ELEMENTS, ge=1)
    max_fallback_chars: int = Field(default=DEFAULT_MAX_FALLBACK_CHARS, ge=0)
    max_json_ld_chars: int = Field(default=DEFAULT_MAX_JSON_LD_CHARS, ge=0)


DEFAULT_CLEAN_OPTIONS = CleanOptions()
