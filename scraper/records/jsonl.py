"""Records as JSONL, written so that a kill at any instant never leaves half a record
counted: each line goes out in one ``write`` on an append-only descriptor, and on resume a
torn last line is cut off and the records already present are read back, so nothing is
written twice."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

from pydantic import BaseModel

from scraper.errors import ExportError

logger = logging.getLogger(__name__)


def repair_jsonl(path: Path) -> list[dict[str, object]]:
    """Cut a torn last line off ``path`` (left by a kill) and return the records in it."""
    if not path.exists():
        return []
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror or error}") from error
    end = data.rfind(b"\n") + 1
    if end < len(data):
        logger.warning("%s: cutting a torn last line of %d bytes", path, len(data) - end)
        try:
            with path.open("r+b") as handle:
                handle.truncate(end)
        except OSError as error:
            raise ExportError(f"cannot repair {path}: {error.strerror or error}") from error
    records = []
    for number, line in enumerate(data[:end].splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError as error:
            raise ExportError(f"{path}:{number} is not a JSON record: {error}") from error
    return records


class JsonlWriter:
    """Appends one JSON object per line; ``-`` writes to stdout."""

    def __init__(self, target: Path | str, *, append: bool) -> None:
        self.target = str(target)
        self.count = 0
        self.stdout = self.target == "-"
        self.fd = -1
        if self.stdout:
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (0 if append else os.O_TRUNC)
        try:
            self.fd = os.open(self.target, flags, 0o644)
        except OSError as error:
            raise ExportError(f"cannot write {self.target}: {error.strerror or error}") from error

    def write(self, record: BaseModel | dict[str, object]) -> None:
        if isinstance(record, BaseModel):
            line = record.model_dump_json()
        else:
            line = json.dumps(record, ensure_ascii=False)
        if self.stdout:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
            self.count += 1
            return
        data = (line + "\n").encode("utf-8")
        view = memoryview(data)
        try:
            while view:
                written = os.write(self.fd, view)
                view = view[written:]
        except OSError as error:
            raise ExportError(f"cannot write {self.target}: {error.strerror or error}") from error
        self.count += 1

    def close(self) -> None:
        if not self.stdout:
            os.close(self.fd)

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


__all__ = ["JsonlWriter", "repair_jsonl"]
