"""A time budget for reading one page: a deadline the extraction checks between stages and
between paragraphs, so that one hostile page costs its record, not the crawl.

The work of each stage is linear in the page's size (quote marks, speech verbs and dates are
bounded per paragraph); the budget is the second guard, for what that analysis missed. It
is cooperative: :func:`check` raises :class:`BudgetExceeded` once the deadline of the
innermost :func:`within` has passed. Outside :func:`within` (a single ``extract`` call)
there is no deadline.

>>> with within(0.0):
...     check()
Traceback (most recent call last):
...
scraper.budget.BudgetExceeded: reading the page took more than its 0 s budget
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

from scraper.errors import ScraperError

_DEADLINE: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "scraper_page_deadline", default=None)


class BudgetExceeded(ScraperError):
    """Reading one page took longer than its budget."""


@contextlib.contextmanager
def within(seconds: float | None) -> Iterator[None]:
    """Run the block with a deadline ``seconds`` from now (None: no deadline)."""
    if seconds is None:
        yield
        return
    token = _DEADLINE.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check() -> None:
    """Raise :class:`BudgetExceeded` when the current deadline has passed."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() >= deadline[0]:
        raise BudgetExceeded(f"reading the page took more than its {deadline[1]:g} s budget")


__all__ = ["BudgetExceeded", "check", "within"]
