"""What every command shares: exit codes, the closing line, writing text out."""

from __future__ import annotations

import sys
from pathlib import Path

from scraper.errors import ScraperError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
QUIET = [False]
"""-q: no summary lines (set by :func:`main`)."""


def closing_line(line: str) -> None:
    """A command's closing line on stderr (not with -q)."""
    if not QUIET[0]:
        print(line, file=sys.stderr)


def write(text: str, path: Path | None) -> None:
    if path is None:
        sys.stdout.write(text)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ScraperError(f"cannot write {path}: {error.strerror or error}") from error


