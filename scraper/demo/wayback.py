"""A fake Wayback Machine for :class:`scraper.demo.mirror.Mirror`: the CDX server and raw capture
replay, answered from a folder shaped like ``archives/wayback``.

``folder`` holds ``cdx.json`` (a CDX answer in ``output=json`` form, header row first) and
``captures/<timestamp>/<id>-<lang>.html``: a row's body is the file named by its timestamp
and the item id and language of its ``original`` (no language prefix means ``en``); rows
without such a file (a PDF, a revisit) have no body. ``wayback_app(folder)`` answers:

- ``/cdx/search/cdx``: ``url`` (a host or host/path; a trailing ``*`` means prefix, a leading
  ``*.`` domain), ``matchType`` (``exact`` by default, ``prefix``, ``host``, ``domain``),
  ``filter=[!]field:regex`` (any number, all must hold; the regex must match the whole
  value, as the Java server's ``matches()``), ``collapse=field[:N]`` (adjacent rows, after
  the filters), ``limit`` (``-N``: the last N), ``fl`` and ``output=json`` (otherwise
  space-separated lines). Matching works on the SURT ``urlkey`` as the real server does,
  so ``ccre.org`` also finds ``www.ccre.org`` and ``ccre.org:80``. Rows keep the file's
  order; no match is ``[]``. Other parameters (``from``, ``to``, paging) are ignored.
- ``/web/<timestamp>[<flag>]/<original>`` (``id_`` or none; any flag gets the raw bytes):
  the body for exactly that (timestamp, original), with the captured status (``200``, the
  CakePHP ``404``) and ``Content-Type: text/html; charset=utf-8``. A revisit row answers the
  body of the latest earlier capture with the same digest (same URL key first). A 3xx row
  answers its status with a ``Location`` inside the archive
  (``/web/<timestamp>id_/<target>``, the target read from the captured body) so a client
  that follows it stays here. Unknown (timestamp, original), or a row without a body: 404.
  Unlike the real server there is no nearest-timestamp lookup and no replay form, and an
  original with a query string cannot be asked for (the mirror splits the query off).
- ``/robots.txt``: everything allowed.
- anything else: None (the mirror serves its files).

The app keeps no state between requests: the same request always gets the same answer.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scraper.demo.mirror import Scripted

WaybackApp = Callable[[str, dict[str, list[str]]], Scripted | None]
"""What :attr:`scraper.demo.mirror.Mirror.app` takes: (path, query parameters) -> answer or None."""

_HTML = ("Content-Type", "text/html; charset=utf-8")
_TEXT = ("Content-Type", "text/plain; charset=utf-8")
_JSON = ("Content-Type", "application/json; charset=utf-8")
_REPLAY_PATH = re.compile(r"/web/(\d{1,14})([a-z]{2}_)?/(.+)", re.IGNORECASE | re.DOTALL)
_ITEM_PATH = re.compile(r"/(?:(?P<lang>[a-z]{2})/)?[a-z_]+/view/(?P<id>\d+)(?:/|$)",
                        re.IGNORECASE)
_SCHEME_SLASHES = re.compile(r"^(https?):/+", re.IGNORECASE)
_HREF = re.compile(r"""href=["']([^"']+)["']""", re.IGNORECASE)
_WWW = re.compile(r"^www\d*\.")
_MATCH_TYPES = ("exact", "prefix", "host", "domain")


@dataclass(frozen=True, slots=True)
class _Row:
    fields: dict[str, str]
    body: Path | None

    @property
    def urlkey(self) -> str:
        return self.fields.get("urlkey", "")


def wayback_app(folder: Path) -> WaybackApp:
    """The fake archive of ``folder`` (``cdx.json`` and ``captures/``), for ``Mirror(app=)``."""
    data = json.loads((folder / "cdx.json").read_text("utf-8"))
    header: list[str] = [str(name) for name in data[0]] if data else []
    rows = tuple(_Row(dict(zip(header, (str(value) for value in row), strict=True)),
                      _body_file(folder, row[header.index("timestamp")],
                                 row[header.index("original")]))
                 for row in data[1:])

    def app(path: str, query: dict[str, list[str]]) -> Scripted | None:
        if path == "/cdx/search/cdx":
            return _cdx(header, rows, query)
        if path == "/robots.txt":
            return Scripted(200, (_TEXT,), b"User-agent: *\nDisallow:\n")
        replay = _REPLAY_PATH.fullmatch(path)
        if replay is not None:
            timestamp, _, original = replay.groups()
            return _capture(rows, timestamp, _SCHEME_SLASHES.sub(r"\1://", original))
        return None

    return app


def _body_file(folder: Path, timestamp: str, original: str) -> Path | None:
    match = _ITEM_PATH.match(urlsplit(original).path)
    if match is None:
        return None
    language = (match.group("lang") or "en").lower()
    candidate = folder / "captures" / timestamp / f"{match.group('id')}-{language}.html"
    return candidate if candidate.is_file() else None


# CDX server ------------------------------------------------------------------------------


def _cdx(header: list[str], rows: tuple[_Row, ...], query: dict[str, list[str]]) -> Scripted:
    try:
        selected = _select(header, rows, query)
        fields = _first(query, "fl").split(",") if _first(query, "fl") else header
        unknown = [name for name in fields if name not in header]
        if unknown:
            raise ValueError(f"unknown field in fl: {', '.join(unknown)}")
    except (ValueError, re.error) as error:
        return Scripted(400, (_TEXT,), f"{error}\n".encode())
    table = [[row.fields[name] for name in fields] for row in selected]
    more = _resume_key(header, rows, query, len(selected))
    if _first(query, "output") == "json":
        answer: list[list[str]] = [fields, *table] if table else []
        if more is not None:  # as the real server: an empty row, then the key
            answer += [[], [more]]
        body = "[" + ",\n".join(json.dumps(line, ensure_ascii=False) for line in answer) + "]\n"
        return Scripted(200, (_JSON,), body.encode())
    return Scripted(200, (_TEXT,), "".join(" ".join(line) + "\n" for line in table).encode())


def _resume_key(header: list[str], rows: tuple[_Row, ...], query: dict[str, list[str]],
                returned: int) -> str | None:
    """With ``showResumeKey=true`` and a ``limit`` that cut the answer: where to go on."""
    if _first(query, "showResumeKey") != "true" or not _first(query, "limit"):
        return None
    everything = _select(header, rows, {**query, "limit": [], "resumeKey": []})
    resume = _first(query, "resumeKey")
    start = int(resume[4:]) if resume else 0
    following = start + returned
    return f"row-{following}" if following < len(everything) else None


def _select(header: list[str], rows: tuple[_Row, ...],
            query: dict[str, list[str]]) -> list[_Row]:
    url = _first(query, "url")
    if not url:
        raise ValueError("missing url parameter")
    match_type = _first(query, "matchType")
    if url.startswith("*."):
        url, match_type = url[2:], match_type or "domain"
    if url.endswith("*"):
        url, match_type = url.rstrip("*"), match_type or "prefix"
    match_type = match_type or "exact"
    if match_type not in _MATCH_TYPES:
        raise ValueError(f"matchType must be one of {', '.join(_MATCH_TYPES)}")
    key = _surt(url)
    selected = [row for row in rows if _matches(row.urlkey, key, match_type)]
    for spec in query.get("filter", []):
        selected = _filtered(header, selected, spec)
    for spec in query.get("collapse", []):
        selected = _collapsed(header, selected, spec)
    resume = _first(query, "resumeKey")
    if resume:  # this server's resume key: the index of the next row, as "row-N"
        if not resume.startswith("row-") or not resume[4:].isdigit():
            raise ValueError(f"bad resumeKey {resume!r}")
        selected = selected[int(resume[4:]):]
    limit = _first(query, "limit")
    if limit:
        count = int(limit)
        selected = selected[:count] if count >= 0 else selected[count:]
    return selected


def _first(query: dict[str, list[str]], name: str) -> str:
    values = query.get(name)
    return values[0] if values else ""


def _surt(url: str) -> str:
    """The SURT key of ``url`` as the CDX server writes ``urlkey``: scheme dropped, host
    lower-cased, ``www.`` and the port dropped, host parts reversed and joined by commas,
    ``)`` then the path (``/`` when empty) and query, lower-cased."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = _WWW.sub("", (parts.hostname or "").lower())
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return ",".join(reversed(host.split("."))) + ")" + path.lower()


def _matches(urlkey: str, key: str, match_type: str) -> bool:
    if match_type == "exact":
        return urlkey == key
    if match_type == "prefix":
        return urlkey.startswith(key)
    host, row_host = key.split(")")[0], urlkey.split(")")[0]
    if match_type == "host":
        return row_host == host
    return row_host == host or row_host.startswith(host + ",")  # domain: the host and below


def _filtered(header: list[str], rows: list[_Row], spec: str) -> list[_Row]:
    negated = spec.startswith("!")
    field, separator, pattern = spec.removeprefix("!").partition(":")
    if not separator or field not in header:
        raise ValueError(f"filter must be [!]field:regex with a known field, not {spec!r}")
    regex = re.compile(pattern)
    return [row for row in rows if (regex.fullmatch(row.fields[field]) is None) == negated]


def _collapsed(header: list[str], rows: list[_Row], spec: str) -> list[_Row]:
    field, _, length = spec.partition(":")
    if field not in header:
        raise ValueError(f"collapse must be field[:N] with a known field, not {spec!r}")
    width = int(length) if length else None
    kept: list[_Row] = []
    previous: str | None = None
    for row in rows:
        value = row.fields[field][:width]
        if value != previous:
            kept.append(row)
        previous = value
    return kept


# Capture replay ---------------------------------------------------------------------------


def _capture(rows: tuple[_Row, ...], timestamp: str, original: str) -> Scripted:
    found = next((row for row in rows if row.fields.get("timestamp") == timestamp
                  and row.fields.get("original") == original), None)
    if found is None:
        return _not_found(f"no capture of {original} at {timestamp}")
    status = found.fields.get("statuscode", "")
    if found.fields.get("mimetype") == "warc/revisit" or not status.isdigit():
        found = _revisited(rows, found)
        if found is None:
            return _not_found(f"revisit of {original} at {timestamp} without an original")
        status = found.fields.get("statuscode", "200")
    if found.body is None:
        return _not_found(f"the capture of {original} at {timestamp} has no body here")
    body = found.body.read_bytes()
    code = int(status) if status.isdigit() else 200
    mimetype = found.fields.get("mimetype", "text/html")
    content_type = _HTML if mimetype == "text/html" else ("Content-Type", mimetype)
    if 300 <= code < 400:
        target = _HREF.search(body.decode("utf-8", "replace"))
        location = f"/web/{timestamp}id_/{target.group(1) if target else original}"
        return Scripted(code, (content_type, ("Location", location)), body)
    return Scripted(code, (content_type,), body)


def _revisited(rows: tuple[_Row, ...], revisit: _Row) -> _Row | None:
    """The capture a revisit row points to: the latest earlier non-revisit row with the
    same digest, one of the same URL key first."""
    digest, timestamp = revisit.fields.get("digest"), revisit.fields.get("timestamp", "")
    earlier = [row for row in rows if row.fields.get("digest") == digest
               and row.fields.get("timestamp", "") < timestamp and row.body is not None
               and row.fields.get("mimetype") != "warc/revisit"]
    earlier.sort(key=lambda row: (row.urlkey == revisit.urlkey, row.fields["timestamp"]))
    return earlier[-1] if earlier else None


def _not_found(message: str) -> Scripted:
    page = f"<html><body><h1>Not found</h1><p>{html.escape(message)}</p></body></html>"
    return Scripted(404, (_HTML,), page.encode())
