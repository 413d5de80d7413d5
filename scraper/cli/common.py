"""What every command shares: exit codes, the closing line, writing text out."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

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




class Bar:
    """A progress bar on stderr (rich) when stderr is a terminal, nothing otherwise: one unit
    per bar ("URLs", "pages", "records"), the total and ETA when known, then counts such as
    "(3 written, 0 failed)" for ``counted`` (names given to :meth:`advance`).
    :meth:`advance` and :meth:`set_total` are no-ops without a terminal."""

    def __init__(self, label: str, unit: str, total: int | None = None,
                 counted: tuple[str, ...] = ()) -> None:
        self.label, self.unit, self.total, self.counted = label, unit, total, counted
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> Bar:
        if QUIET[0] or not sys.stderr.isatty():
            return self
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        counts = ", ".join(f"{{task.fields[{name}]}} {name}" for name in self.counted)
        columns = [TextColumn(self.label), BarColumn(), _count_column(),
                   TextColumn(self.unit + (f" ({counts})" if counts else "")),
                   TextColumn("{task.fields[rate]:.1f}/s"), TimeRemainingColumn()]
        self.progress = Progress(*columns, transient=True, console=Console(stderr=True))
        self.progress.__enter__()
        self.task = self.progress.add_task(self.label, total=self.total, rate=0.0,
                                           **dict.fromkeys(self.counted, 0))
        self.started = time.monotonic()
        return self

    def advance(self, count: int = 1, **fields: object) -> None:
        if self.progress is None:
            return
        task = self.progress.tasks[0]
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.progress.update(self.task, advance=count,
                             rate=(task.completed + count) / elapsed, **fields)

    def set_total(self, total: int | None) -> None:
        if self.progress is not None:
            self.progress.update(self.task, total=total)

    def __exit__(self, *exc_info: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc_info)


def _count_column() -> Any:
    """Done/total, or only the count while the total is unknown (never "12/?")."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Count(ProgressColumn):
        def render(self, task: Any) -> Text:
            done = int(task.completed)
            return Text(f"{done}/{int(task.total)}" if task.total is not None else f"{done}")

    return Count()
