"""Raw pages in WARC files (warcio, gzip): the request and response of every fetch, kept for
offline re-extraction, and read back as pages."""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.config import DEFAULT_MAX_BYTES
from scraper.document import Page
from scraper.errors import ExportError
from scraper.text import parse_count

logger = logging.getLogger(__name__)


class WarcPageWriter:
    """Writes each fetched page as a WARC request + response pair (gzip members, so a
    resumed crawl appends to the same file)."""

    def __init__(self, path: Path | str, *, user_agent: str, profile: str | None = None,
                 software: str = "scraper") -> None:
        self.path = Path(path)
        self.user_agent = user_agent
        try:
            self.handle: IO[bytes] = self.path.open("ab")
        except OSError as error:
            raise ExportError(f"cannot write {self.path}: {error.strerror or error}") from error
        self.writer = WARCWriter(self.handle, gzip=True)
        if profile is not None:  # each run (a resume too) says what read its pages
            self._write_info(profile, software)

    def _write_info(self, profile: str, software: str) -> None:
        """A warcinfo record naming the site profile the crawl read its pages with, so that
        ``scraper extract`` of this file reads them the same way without ``--profile``."""
        fields = {"software": software, "format": "WARC File Format 1.1",
                  PROFILE_FIELD: profile}
        record = self.writer.create_warcinfo_record(self.path.name, fields)
        self.writer.write_record(record)
        self.handle.flush()

    def write(self, page: Page) -> None:
        date = page.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        request_headers = StatusAndHeaders(
            f"GET {_path_of(page.final_url)} HTTP/1.1",
            [("Host", _host_of(page.final_url)), ("User-Agent", self.user_agent)],
            is_http_request=True,
        )
        request = self.writer.create_warc_record(
            page.final_url, "request", http_headers=request_headers,
            warc_headers_dict={"WARC-Date": date})
        response_headers = StatusAndHeaders(
            f"{page.status} {_REASONS.get(page.status, 'OK')}",
            [(name, value) for name, value in page.headers.items()
             if name not in ("content-encoding", "transfer-encoding", "content-length")],
            protocol="HTTP/1.1",
        )
        response = self.writer.create_warc_record(
            page.final_url, "response", payload=io.BytesIO(page.body),
            http_headers=response_headers, warc_headers_dict={"WARC-Date": date})
        request.rec_headers.add_header("WARC-Concurrent-To",
                                       response.rec_headers.get_header("WARC-Record-ID"))
        self.writer.write_record(request)
        self.writer.write_record(response)
        for record in (request, response):  # warcio buffers bodies in temporary files
            if record.raw_stream is not None:
                record.raw_stream.close()
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()


_REASONS = {200: "OK", 203: "Non-Authoritative Information"}
PROFILE_FIELD = "scraper-profile"
"""The warcinfo field naming the crawl's site profile (a bundled name or a .toml path)."""


def warc_profile(path: Path | str) -> str | None:
    """The site profile a crawl wrote into the WARC file's warcinfo (the last one before the
    first page), or None (a WARC from elsewhere, or an older crawl)."""
    found = None
    try:
        with Path(path).open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "warcinfo":
                    text = record.content_stream().read(65536).decode("utf-8", "replace")
                    for line in text.splitlines():
                        name, _, value = line.partition(":")
                        if name.strip() == PROFILE_FIELD and value.strip():
                            found = value.strip()
                elif record.rec_type in ("response", "request"):
                    break
    except (OSError, ArchiveLoadFailed, EOFError, zlib.error):
        return None
    return found


def _path_of(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def _host_of(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0]


def read_warc_pages(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Page]:
    """Every HTML response of a WARC file, as pages; a payload over ``max_bytes`` (the
    fetcher's limit) is skipped with a warning, not read whole. Raises :class:`ExportError`
    (one line) for a file that is not a WARC file, or after the last whole page of a file
    cut short (a copy or a download interrupted): the pages before the cut are yielded."""
    from datetime import UTC, datetime

    try:
        handle = Path(path).open("rb")
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror or error}") from error
    with handle:
        head = handle.read(5)
        if head[:2] == b"\x1f\x8b":  # gzip members: the first must open with a WARC record
            handle.seek(0)
            try:
                head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(handle.read(4096), 5)
            except zlib.error:
                head = b""
        handle.seek(0)
        if head != b"WARC/":
            raise ExportError(f"{path} is not a WARC file (it starts {head!r}); give a .warc "
                              "or .warc.gz file written by a crawl")
        count = 0
        try:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                headers = {name.lower(): value for name, value in record.http_headers.headers}
                content_type = headers.get("content-type", "text/html").split(";")[0].strip()
                if content_type not in ("text/html", "application/xhtml+xml"):
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                stamp = record.rec_headers.get_header("WARC-Date") or ""
                try:
                    fetched_at = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
                except ValueError:
                    fetched_at = datetime.now(UTC)
                status = parse_count(record.http_headers.get_statuscode()) or 200
                body = record.content_stream().read(max_bytes + 1)
                if len(body) > max_bytes:  # the rest is skipped, never read into memory
                    logger.warning("%s: the payload of %s is over the %d byte limit: skipped",
                                   path, url, max_bytes)
                    continue
                if getattr(record.raw_stream, "limit", 0):  # bytes the record announced
                    raise ExportError(f"{path} is cut short in the record of {url}: "
                                      f"{count} pages read before it")
                count += 1
                yield Page(url, url, status, headers, body, fetched_at)
        except ArchiveLoadFailed as error:
            reason = " ".join(str(error).split())[:200]
            raise ExportError(f"{path}: not a readable WARC file after {count} pages "
                              f"({reason})") from None
        except (OSError, EOFError, zlib.error) as error:
            raise ExportError(f"{path} is cut short or damaged after {count} pages "
                              f"({type(error).__name__}: {error})") from None


__all__ = ["PROFILE_FIELD", "WarcPageWriter", "read_warc_pages", "warc_profile"]
