"""Records as JSONL, written so that a kill at any instant never leaves half a record
counted: each line goes out in one ``write`` on an append-only descriptor, and on resume a
torn last line is cut off and the records already present are read back, so nothing is
written twice."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, ValidationError

from scraper.errors import ExportError, InputError
from scraper.records.models import Document
from scraper.text import load_json

logger = logging.getLogger(__name__)


TAIL_CHUNK = 1 << 16
def _cut_torn_line(path: Path) -> None:
    """Truncate ``path`` after its last newline (a kill mid-write leaves a torn line),
    reading from the end only."""
    with path.open("r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        position = size
        while position > 0:
            step = min(TAIL_CHUNK, position)
            position -= step
            handle.seek(position)
            newline = handle.read(step).rfind(b"\n")
            if newline >= 0:
                end = position + newline + 1
                break
        else:
            end = 0
        if end < size:
            logger.warning("%s: cutting a torn last line of %d bytes", path, size - end)
            handle.truncate(end)


def read_jsonl_line(line: bytes, where: str) -> object:
    """One JSON line, or :class:`ExportError` naming ``where``."""
    try:
        return load_json(line)
    except ValueError as error:
        raise ExportError(f"{where} is not a JSON record: {error}") from error


def repair_jsonl(path: Path) -> Iterator[dict[str, object]]:
    """Cut a torn last line off ``path`` (left by a kill) and yield the records in it, one
    line in memory at a time."""
    if not path.exists():
        return
    try:
        _cut_torn_line(path)
        handle = path.open("rb")
    except OSError as error:
        raise ExportError(f"cannot repair {path}: {error.strerror or error}") from error
    with handle:
        for _, record in _json_lines(handle, path):
            if isinstance(record, dict):
                yield record


def _json_lines(handle: BinaryIO, path: Path) -> Iterator[tuple[int, object]]:
    """(line number, JSON value) of each non-blank line."""
    for number, line in enumerate(handle, start=1):
        if line.strip():
            yield number, read_jsonl_line(line, f"{path}:{number}")


def read_documents(path: Path) -> Iterator[Document]:
    """The document records of a ``crawl --documents`` file, validated, one line in memory at
    a time; :class:`InputError` naming the line for one that is not a document record."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from error
    with handle:
        lines = _json_lines(handle, path)
        for number, value in lines:
            try:
                yield Document.model_validate(value)
            except ValidationError as error:
                problem = error.errors()[0]
                where = ".".join(str(part) for part in problem["loc"]) or "record"
                raise InputError(f"{path}:{number} is not a document record: {where}: "
                                 f"{problem['msg']}") from None


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
