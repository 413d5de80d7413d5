"""Scratch files that outlive a killed process are removed by the next one.

A ``with`` block or ``finally`` cleans up on an exception, Ctrl-C and (the CLI turns it into
an exit) SIGTERM, but not on SIGKILL or a power cut: a killed export left 335 MB behind.
Every scratch name carries the process id; before making its own, a process removes those
whose process is gone.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

logger = logging.getLogger(__name__)
_PID = re.compile(r"-(\d+)-|\.(\d+)\.part$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0  # another user's process (or a number no process has)
    return True


def sweep(folder: Path, pattern: str) -> int:
    """Remove the entries of ``folder`` matching ``pattern`` (a glob whose names hold a
    process id: ``prefix-PID-…`` or ``….PID.part``) left by processes no longer running.
    Returns how many were removed; errors are logged, never raised."""
    removed = 0
    try:
        entries = list(folder.glob(pattern))
    except OSError:
        return 0
    for entry in entries:
        match = _PID.search(entry.name)
        if match is None:
            continue
        pid = int(match.group(1) or match.group(2))
        if pid == os.getpid() or _alive(pid):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError as error:
            logger.warning("cannot remove %s left by a killed run: %s", entry,
                           error.strerror or error)
            continue
        logger.info("removed %s, left by a killed run (process %d)", entry, pid)
        removed += 1
    return removed


__all__ = ["sweep"]
