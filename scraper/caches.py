"""The page-level caches, in one place: registered here, emptied by :func:`clear_caches`.

A cache earns its place when the same small input recurs across the lines and pages of one
site (a menu's link text, a sidebar's URLs, the words of a line the layout reads twice) and
measurably pays off; each is a bounded ``functools.lru_cache`` made with :func:`page_cache`
(the cleaner's attribute readers, which remember the class names they met, are one).
Run-once values (lexicons, date grammars, a profile's compiled patterns) are not caches:
they are built once per language or profile. Benchmarks call :func:`clear_caches` before
every pass, so that a pass never finds a page's own lines already worked out (a crawl never
does); a long-running process may call it to give the memory back.

>>> @page_cache(maxsize=4)
... def double(number: int) -> int:
...     return 2 * number
>>> double(2), double.cache_info().currsize
(4, 1)
>>> clear_caches(); double.cache_info().currsize
0
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


class Clearable(Protocol):
    def cache_clear(self) -> None: ...


_CACHES: list[Clearable] = []


def page_cache(maxsize: int) -> Callable[[_F], _F]:
    """``functools.lru_cache(maxsize)``, registered so that :func:`clear_caches` empties it."""

    def decorate(function: _F) -> _F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return decorate


def clear_caches() -> None:
    """Empty every page-level cache of the package."""
    for cache in _CACHES:
        cache.cache_clear()


def registered() -> tuple[Clearable, ...]:
    """Every registered cache (for tests and benchmarks)."""
    return tuple(_CACHES)


__all__ = ["clear_caches", "page_cache", "registered"]
