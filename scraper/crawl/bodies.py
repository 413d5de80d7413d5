"""Response bodies read within a limit on *decoded* bytes.

httpx decodes ``Content-Encoding`` a whole network chunk at a time: 1.8 KB of
``gzip, gzip`` on the wire became 2 GB in memory before any size check could run. Here the
raw bytes are decoded by hand, each layer asked for at most the bytes still allowed
(``zlib`` ``max_length``), so memory stays bounded by the limit whatever the ratio. Only the
encodings the fetcher advertises (:data:`ACCEPT_ENCODING`) are decoded; another one is
refused with its name.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

ACCEPT_ENCODING = "gzip, deflate"
"""What requests say they accept: the encodings :class:`BoundedBody` decodes."""


class BodyTooLarge(Exception):
    """The body (raw or decoded) is over the limit."""

    def __init__(self, limit: int, *, decoded: bool) -> None:
        super().__init__(f"body over the {limit} byte limit"
                         + (" once decompressed" if decoded else ""))
        self.limit = limit
        self.decoded = decoded


class BadEncoding(Exception):
    """An encoding that is not offered, or compressed data that does not decode."""


def content_codings(header: str | None) -> list[str]:
    """The codings of a Content-Encoding header in the order they were applied
    (``identity`` dropped).

    >>> content_codings("gzip, gzip")
    ['gzip', 'gzip']
    >>> content_codings(None)
    []
    """
    if not header:
        return []
    return [part.strip().lower() for part in header.split(",")
            if part.strip() and part.strip().lower() != "identity"]


class _Layer:
    """One coding undone: gzip (``x-gzip``) or deflate (zlib-wrapped, or raw as some
    servers send it)."""

    def __init__(self, coding: str) -> None:
        if coding in ("gzip", "x-gzip"):
            self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self.inflate = zlib.decompressobj()
        else:
            raise BadEncoding(f"Content-Encoding {coding[:40]!r} is not one this crawler "
                              f"accepts ({ACCEPT_ENCODING})")
        self.coding = coding
        self.first = True

    def feed(self, data: bytes, allowed: int) -> bytes:
        """Up to ``allowed`` + 1 decoded bytes of ``data`` (one more: the caller sees the
        limit crossed)."""
        if self.inflate.eof:
            return b""  # bytes after the end of the stream: ignored, as browsers do
        try:
            out = self.inflate.decompress(data, allowed + 1)
        except zlib.error as error:
            if self.coding == "deflate" and self.first:  # raw deflate, without the zlib header
                self.inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                self.first = False
                return self.feed(data, allowed)
            raise BadEncoding(f"{self.coding} data that does not decode: {error}") from error
        self.first = False
        return out

    def finish(self) -> bool:
        """True when the compressed stream ended properly (a cut one is truncated)."""
        return self.inflate.eof or self.coding == "deflate" and not self.inflate.unconsumed_tail


class BoundedBody:
    """Collects a body from raw chunks: at most ``limit`` bytes on the wire and after each
    decoding. ``truncate``: keep the first ``limit`` decoded bytes and stop instead of
    failing (robots.txt: RFC 9309 lets a crawler parse only the first 500 KiB)."""

    def __init__(self, content_encoding: str | None, limit: int, *,
                 truncate: bool = False) -> None:
        self.layers = [_Layer(coding) for coding in reversed(content_codings(content_encoding))]
        self.limit = limit
        self.truncate = truncate
        self.raw = 0
        self.size = 0
        self.chunks: list[bytes] = []
        self.full = False

    def feed(self, chunk: bytes) -> None:
        """Add raw bytes; raises :class:`BodyTooLarge` past the limit (unless truncating:
        then :attr:`full` turns True and the rest is ignored)."""
        if self.full:
            return
        self.raw += len(chunk)
        if self.raw > self.limit and not self.truncate:
            raise BodyTooLarge(self.limit, decoded=False)
        data = chunk
        for layer in self.layers:
            data = layer.feed(data, self.limit)
            if len(data) > self.limit:  # the layer stopped at the cap, input left undecoded
                if not self.truncate:
                    raise BodyTooLarge(self.limit, decoded=True)
                self.full = True
        room = self.limit - self.size
        if len(data) > room:
            if not self.truncate:
                raise BodyTooLarge(self.limit, decoded=bool(self.layers))
            data, self.full = data[:room], True
        self.size += len(data)
        self.chunks.append(data)

    def complete(self) -> bool:
        """True when every compressed layer ended (false: the body was cut short)."""
        return self.full or all(layer.finish() for layer in self.layers)

    def body(self) -> bytes:
        return b"".join(self.chunks)

    async def read(self, chunks: AsyncIterator[bytes]) -> bytes:
        """Feed every raw chunk (stopping early once full) and return the decoded body."""
        async for chunk in chunks:
            self.feed(chunk)
            if self.full:
                break
        return self.body()


__all__ = ["ACCEPT_ENCODING", "BadEncoding", "BodyTooLarge", "BoundedBody", "content_codings"]
