"""Frozen option values with named defaults, passed as arguments (never read globally)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_MAX_ELEMENTS = 300_000
"""Elements rendered per page at most; the rest of a larger page is ignored (and logged)."""
DEFAULT_MAX_JSON_LD_CHARS = 1_000_000
"""JSON-LD scripts longer than this are skipped unparsed."""


class CleanOptions(BaseModel):
    """Limits that keep cleaning bounded on hostile pages."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    max_elements: int = Field(default=DEFAULT_MAX_ELEMENTS, ge=1)
    max_json_ld_chars: int = Field(default=DEFAULT_MAX_JSON_LD_CHARS, ge=0)


DEFAULT_CLEAN_OPTIONS = CleanOptions()
