"""Cassette tests (pytest-recording): replay by default, record against a loopback server
on purpose (``--record-mode=once`` or ``rewrite``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def replay_or_serve(record_mode: str, cassette: Path, test_file: str,
                    serve: Callable[[], contextlib.AbstractContextManager[object]]
                    ) -> Iterator[None]:
    """What a cassette test needs around it: nothing when replaying (record mode ``none``,
    the default: the cassette must exist) or when ``once`` finds the cassette already there;
    else the loopback server ``serve`` starts, for the recording."""
    if record_mode == "none":
        if not cassette.exists():
            pytest.fail(f"{cassette} is missing: record it with "
                        f"`python -m pytest {test_file} --record-mode=once`")
        yield
        return
    if record_mode == "once" and cassette.exists():
        yield  # replayed: "once" never re-records an existing cassette
        return
    with serve():
        yield
