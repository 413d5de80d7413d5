"""Checks on what a caller hands in: URLs, saved pages, page bytes.

Raise :class:`InputError` with one line that says what is wrong; no I/O beyond reading the
file the caller named.
"""

from __future__ import annotations

import re
import stat
import zlib
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from scraper.errors import InputError


def check_url(url: str, *, allow_file: bool = False) -> str:
    """``url`` if it is an absolute http(s) URL with a host and a valid port (or, with
    ``allow_file``, a ``file:///`` URI: a saved page that names no URL); else
    :class:`InputError`.

    >>> check_url("http://[::1/")
    Traceback (most recent call last):
    ...
    scraper.errors.InputError: not a valid URL ('http://[::1/': Invalid IPv6 URL)
    """
    if allow_file and url.startswith("file:///"):
        return url
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - ValueError when out of range or not a number
    except ValueError as error:
        raise InputError(f"not a valid URL ({url[:200]!r}: {error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"not an absolute http(s) URL: {url[:200]!r}")
    if parts.username or parts.password:
        raise InputError(f"URLs with credentials are refused: {parts.hostname}")
    return url.strip()


def check_output(path: str | Path, *, overwrite: bool, option: str = "-o",
                 stream: bool = False) -> None:
    """Refuse, with one line, an output that would destroy something. An existing regular
    file is written over only with ``overwrite``; a folder, a symlink or a device never is.
    ``stream``: the output is opened and written, not replaced by a rename, so a FIFO or a
    character device (``/dev/stdout``) is fine. ``-`` (stdout) always passes.

    >>> check_output("/dev/null", overwrite=True)
    Traceback (most recent call last):
    ...
    scraper.errors.InputError: -o /dev/null is not a regular file: give the path of a file to write
    >>> check_output("/dev/null", overwrite=False, stream=True)
    """
    if str(path) == "-":
        return
    target = Path(path)
    try:
        status = target.lstat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise InputError(f"{option} {path}: {error.strerror or error}") from None
    if stream and (stat.S_ISCHR(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
        return
    if not stat.S_ISREG(status.st_mode):
        raise InputError(f"{option} {path} is not a regular file: give the path of a file to "
                         "write")
    if not overwrite:
        raise InputError(f"{option} {path} exists: pass --overwrite to replace it")


BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\xff\xd8\xff",
                b"\x7fELF", b"BZh", b"\xfd7zXZ", b"Rar!")
_CANONICAL = re.compile(
    rb"""<link[^<>]+rel=["']?canonical["']?[^<>]*href=["']([^"'<>]+)|"""
    rb"""<meta[^<>]+property=["']og:url["'][^<>]*content=["']([^"'<>]+)""",
    re.IGNORECASE,
)


def looks_binary(data: bytes) -> bool:
    """True for bytes that are plainly not a web page (images, archives, executables)."""
    head = data[:8192]
    if head.startswith(BINARY_MAGIC):
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > len(head) * 0.1 and b"<" not in head


def read_page(source: str, *, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of a saved page: a file path, or "-" for ``stdin``. Raises
    :class:`InputError` for a missing, unreadable, empty or binary file, or a directory."""
    if source == "-":
        if stdin is None:
            raise InputError("no standard input to read the page from")
        data = stdin.read()
        name = "standard input"
    else:
        path = Path(source)
        if path.is_dir():
            raise InputError(f"{source} is a directory; give an HTML file")
        try:
            data = path.read_bytes()
        except FileNotFoundError as error:
            raise InputError(f"{source}: no such file") from error
        except OSError as error:
            raise InputError(f"{source}: cannot read: {error.strerror or error}") from error
        name = source
    if data[:2] == b"\x1f\x8b":  # a page saved gzipped (.html.gz)
        data = _gunzip(data, name)
    if not data.strip():
        raise InputError(f"{name} is empty; give a saved HTML page")
    if looks_binary(data):
        raise InputError(f"{name} looks binary, not an HTML page")
    return data


MAX_PAGE_BYTES = 100 * 1024 * 1024
"""A saved page decompressed to more than this is refused (a gzip bomb)."""


def _gunzip(data: bytes, name: str) -> bytes:
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflate.decompress(data, MAX_PAGE_BYTES + 1)
    except zlib.error as error:
        raise InputError(f"{name} is gzip but does not decompress: {error}") from None
    if len(out) > MAX_PAGE_BYTES:
        raise InputError(f"{name} decompresses to more than {MAX_PAGE_BYTES} bytes")
    if not inflate.eof:
        raise InputError(f"{name} is a gzip file cut short")
    return out


def url_from_page(data: bytes) -> str | None:
    """The page's own canonical (or og:url) URL when it names an absolute one."""
    match = _CANONICAL.search(data[:200_000])
    if match is None:
        return None
    url = (match.group(1) or match.group(2)).decode("utf-8", "replace").strip()
    return url if url.startswith(("http://", "https://")) else None
