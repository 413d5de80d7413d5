"""Web-archive source for the legacy site: pure building blocks, no I/O.

The legacy CakePHP site (ccre.org, ccre.eu, with and without ``www.``) now redirects to
ccre-cemr.org, so its items are read from the Internet Archive's Wayback Machine:

1. one CDX query per archived host lists every capture under it (:func:`cdx_query_url`,
   answer read by :func:`parse_cdx`);
2. :func:`choose_captures` keeps one capture per item (newest, or nearest to ``--as-of``);
3. each chosen capture is fetched *raw* at :func:`capture_url` and extracted as if it came
   from its ``original`` URL.

Why ``id_``: ``/web/<timestamp>id_/<original>`` returns the bytes the site sent, with no
Wayback toolbar and links not rewritten, so the page is exactly what the extractors were
written for and its SHA-1 is the CDX ``digest``. Without ``id_`` the archive answers the
*replay form* (scripts and a toolbar injected, every link rewritten to
``/web/<timestamp><flag>/<original>``); a page saved that way anyway is repaired by
:func:`unreplay`.

Politeness is the caller's: the crawl sends one request every 4 s to the archive by default
(CDX queries and captures alike) and honours ``Retry-After`` on 429 and 503. The archive is a
shared, free service; one CDX query per host replaces thousands of blind item fetches.
"""

from __future__ import annotations

import calendar
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from scraper.crawl.fetch import Fetcher
from scraper.crawl.settings import CrawlSettings
from scraper.crawl.state import CrawlState
from scraper.errors import FetchError, InputError
from scraper.text import load_json, parse_count

if TYPE_CHECKING:
    from scraper.profiles import SiteProfile

logger = logging.getLogger(__name__)

ARCHIVE_BASE = "https://web.archive.org"
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest")
"""Columns :func:`cdx_query_url` asks for (``length`` is not needed)."""
_REQUIRED_FIELDS = ("timestamp", "original", "mimetype", "statuscode", "digest")
_HTML_MIMETYPE = "text/html"
_TIMESTAMP = re.compile(r"\d{4,14}")
_AS_OF = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?|(\d{14})")


@dataclass(frozen=True, slots=True)
class Capture:
    """One row of a CDX answer: a capture of ``original`` taken at ``timestamp``.

    All fields are the CDX strings as sent: ``timestamp`` is ``yyyyMMddhhmmss`` (UTC),
    ``status`` is ``"200"``, ``"404"``… or ``"-"`` for a revisit record, ``digest`` is the
    base32 SHA-1 of the original payload.
    """

    timestamp: str
    original: str
    mimetype: str
    status: str
    digest: str

    @property
    def archived_at(self) -> datetime:
        """When the capture was taken (UTC). A timestamp shorter than 14 digits is padded to
        the end of the period it names, as the Wayback Machine reads ``/web/2019/<url>``
        (``"2019"`` -> 2019-12-31 23:59:59), and out-of-range parts are clamped.

        >>> Capture("20191106104512", "http://ccre.org/", "text/html", "200", "X").archived_at
        datetime.datetime(2019, 11, 6, 10, 45, 12, tzinfo=datetime.timezone.utc)
        """
        return _padded_datetime(self.timestamp)


def _padded_datetime(timestamp: str) -> datetime:
    """``timestamp`` (4 to 14 digits) as a UTC datetime, missing parts at their maximum."""
    if not _TIMESTAMP.fullmatch(timestamp):
        raise ValueError(f"not a Wayback timestamp (4 to 14 digits): {timestamp!r}")

    def part(start: int, low: int, high: int) -> int:
        digits = timestamp[start : start + 2]
        return max(low, min(int(digits), high)) if len(digits) == 2 else high

    year = max(1, int(timestamp[:4]))  # year 0000 is not a datetime
    month = part(4, 1, 12)
    day = part(6, 1, calendar.monthrange(year, month)[1])
    return datetime(year, month, day, part(8, 0, 23), part(10, 0, 59), part(12, 0, 59),
                    tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    """What a capture address says: the page's original URL and the capture's time."""

    original: str
    archived_at: datetime


_CAPTURE_URL = re.compile(r"/web/(?P<timestamp>\d{4,14})(?:[a-z]{2}_)?/(?P<original>https?://.+)$")


def archived_page(url: str) -> ArchivedPage | None:
    """The original URL and capture time of a capture address (``/web/<ts>id_/<url>``, the
    form :func:`capture_url` writes), or None for any other URL.

    >>> archived_page("https://web.archive.org/web/20191106104512id_/http://ccre.org/en")
    ArchivedPage(original='http://ccre.org/en', archived_at=datetime.datetime(2019, 11, 6, 10, 45, 12, tzinfo=datetime.timezone.utc))
    """
    match = _CAPTURE_URL.search(url)
    if match is None:
        return None
    return ArchivedPage(original=match.group("original"),
                        archived_at=_padded_datetime(match.group("timestamp")))


CDX_PAGE_ROWS = 10_000
"""Rows asked for per CDX request; the rest is read with the resume key."""


def cdx_query_url(archive_base: str, host: str, path: str = "/", *, limit: int | None = None,
                  resume_key: str | None = None) -> str:
    """The CDX query listing every HTML capture with status 200 under ``host``.

    The CDX server matches on the SURT ``urlkey`` (host reversed, ``www.`` and the port
    dropped), so ``ccre.org`` also lists ``www.ccre.org`` and ``ccre.org:80``; ``ccre.eu`` is
    another key and needs its own query. One answer holds at most 150 000 rows (the server's
    cap), far above the legacy archive's size.

    No ``collapse=urlkey``: it keeps only the *first* capture of each URL, so neither the
    newest capture nor the one nearest ``--as-of`` could be chosen. No ``collapse=digest``
    either, though it would drop repeated identical captures: it keeps the first of each run
    of identical rows, which moves "nearest to ``--as-of``" (a page seen unchanged at t1, t2,
    t3 and changed at t4 is, after collapsing, t1 or t4: an as-of just after t3 would get the
    changed page), it works on adjacent rows across URL boundaries, and the saving is small:
    :func:`choose_captures` keeps one capture per item anyway, so the number of captures
    fetched from the archive is the same with or without it.

    >>> print(cdx_query_url("https://web.archive.org", "ccre.org").replace("&", "\\n&"))
    https://web.archive.org/cdx/search/cdx?url=ccre.org/
    &matchType=prefix
    &output=json
    &fl=urlkey,timestamp,original,mimetype,statuscode,digest
    &filter=statuscode:200
    &filter=mimetype:text/html
    """
    parameters = [
        ("url", f"{host.strip().strip('/')}/{path.lstrip('/')}"),
        ("matchType", "prefix"),
        ("output", "json"),
        ("fl", ",".join(CDX_FIELDS)),
        ("filter", "statuscode:200"),
        ("filter", f"mimetype:{_HTML_MIMETYPE}"),
    ]
    if limit is not None:  # paged: an answer ends with [] and [resume key] when cut
        parameters += [("limit", str(limit)), ("showResumeKey", "true")]
    if resume_key is not None:
        parameters.append(("resumeKey", resume_key))
    query = urlencode(parameters, safe="/:,")
    return f"{archive_base.rstrip('/')}/cdx/search/cdx?{query}"


def cdx_resume_key(text: str) -> str | None:
    """The resume key ending a paged ``output=json`` answer (``[]`` then ``["key"]``), or
    None when the answer is complete."""
    try:
        rows = load_json(text)
    except ValueError:
        return None
    if isinstance(rows, list) and len(rows) >= 2 and rows[-2] == [] and \
            isinstance(rows[-1], list) and len(rows[-1]) == 1 and isinstance(rows[-1][0], str):
        return rows[-1][0]
    return None


def item_prefixes(profile: SiteProfile, languages: tuple[str, ...]) -> list[str]:
    """The URL paths under which the profile's items live, from its item template
    (``/{lang}/actualites/view/{id}``): one per language, and the same without the language
    (the legacy site's unprefixed, default-language URLs), so the index lists item pages
    only, not every image and PDF of the site."""
    template = profile.discovery.item_template
    if not template or "{id}" not in template:
        return ["/"]
    head = template.split("{id}")[0]
    prefixes = [head.format(lang=language) for language in languages] if "{lang}" in head \
        else [head]
    if "/{lang}" in head:
        prefixes.append(head.replace("/{lang}", ""))
    return list(dict.fromkeys(prefixes))


def parse_cdx(text: str, *, url: str = "") -> list[Capture]:
    """The captures of a CDX answer in ``output=json`` form.

    The first row names the fields (in any order; extra ones such as ``length`` are
    ignored). An empty answer is ``[]`` or no text at all. Rows that are not a list of
    strings of the header's length, or whose timestamp is not 4 to 14 digits, are skipped
    (this also drops the ``[]`` and resume-key rows of ``showResumeKey=true``).
    Raises :class:`FetchError` (with ``url``, the query, when given) when the answer is not
    JSON, not an array of rows, or lacks one of the fields a :class:`Capture` holds.

    >>> [capture] = parse_cdx('[["timestamp","original","mimetype","statuscode","digest"],'
    ...                       '["20191106104512","http://ccre.org/","text/html","200","JT"]]')
    >>> capture.original, capture.status
    ('http://ccre.org/', '200')
    """
    if not text.strip():
        return []
    try:
        data = load_json(text)
    except ValueError as error:  # not JSON; nested past the depth the parser accepts
        start = " ".join(text.split())[:60]
        raise FetchError(f"the CDX answer is not JSON (starts {start!r}): query it with "
                         f"output=json", url=url) from error
    if not isinstance(data, list):
        raise FetchError("the CDX answer is not a JSON array of rows", url=url)
    if not data:
        return []
    header = data[0]
    if not (isinstance(header, list) and all(isinstance(name, str) for name in header)):
        raise FetchError("the CDX answer's first row is not a list of field names", url=url)
    missing = [name for name in _REQUIRED_FIELDS if name not in header]
    if missing:
        raise FetchError(f"the CDX answer lacks the fields {', '.join(missing)}: query them "
                         f"with fl={','.join(CDX_FIELDS)}", url=url)
    column = {name: header.index(name) for name in _REQUIRED_FIELDS}
    captures: list[Capture] = []
    skipped = 0
    for row in data[1:]:
        if not (isinstance(row, list) and len(row) == len(header)
                and all(isinstance(value, str) for value in row)):
            skipped += 1
            continue
        capture = Capture(timestamp=row[column["timestamp"]], original=row[column["original"]],
                          mimetype=row[column["mimetype"]], status=row[column["statuscode"]],
                          digest=row[column["digest"]])
        if not _TIMESTAMP.fullmatch(capture.timestamp) or not capture.original:
            skipped += 1
            continue
        captures.append(capture)
    if skipped:
        logger.debug("CDX answer %s: %d malformed rows skipped", url or "(text)", skipped)
    return captures


def choose_captures(
    captures: Iterable[Capture],
    profile: SiteProfile,
    *,
    as_of: datetime | None = None,
    languages: tuple[str, ...] = ("en", "fr"),
    now: datetime | None = None,
) -> list[Capture]:
    """One capture per item: the newest, or with ``as_of`` the one nearest to it. Captures
    dated more than a day after ``now`` (default: the clock) are skipped.

    Only HTML captures (``text/html``) with status ``"200"`` whose ``original`` the profile
    reads as an item in one of ``languages`` count; revisits, redirects, error pages and
    other files are skipped. Captures are grouped by :meth:`SiteProfile.item_key`, so
    ``http://ccre.org:80/en/…``, ``https://www.ccre.eu/en/…`` and ``…/language:DA`` are one
    item. Ties:

    - two captures equally near ``as_of`` (one before, one after): the *earlier* one, the
      page as it stood at ``as_of``, not a later state the archive happened to see;
    - several captures with the same timestamp: the smallest ``original`` (any rule would
      do; this one makes the result the same whatever the input order).

    A naive ``as_of`` is read as UTC. The result is sorted by (numeric item id, language,
    kind).
    """
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    latest = (now or datetime.now(UTC)) + timedelta(days=1)
    groups: dict[str, list[Capture]] = {}
    sort_keys: dict[str, tuple[int, str, str]] = {}
    future = 0
    for capture in captures:
        if capture.status != "200" or not _is_html(capture.mimetype):
            continue
        if capture.archived_at > latest:  # a clock or an index gone wrong: never "newest"
            future += 1
            continue
        item = profile.parse_item_url(capture.original)
        if item is None or item.language not in languages:
            continue
        key = profile.item_key(capture.original)
        groups.setdefault(key, []).append(capture)
        sort_keys[key] = (parse_count(item.item_id) or 0, item.language, item.kind)
    if future:
        logger.warning("web archive index: %d captures dated in the future skipped", future)
    if as_of is None:
        chosen = [min(group, key=_newest_first) for group in groups.values()]
    else:
        moment = as_of
        chosen = [min(group, key=lambda capture: _nearest_first(capture, moment))
                  for group in groups.values()]
    return sorted(chosen, key=lambda capture: sort_keys[profile.item_key(capture.original)])


def _is_html(mimetype: str) -> bool:
    return mimetype.split(";")[0].strip().lower() == _HTML_MIMETYPE


def _newest_first(capture: Capture) -> tuple[float, str]:
    return (-capture.archived_at.timestamp(), capture.original)


def _nearest_first(capture: Capture, as_of: datetime) -> tuple[float, float, str]:
    moment = capture.archived_at
    return (abs((moment - as_of).total_seconds()), moment.timestamp(), capture.original)


def capture_url(archive_base: str, capture: Capture) -> str:
    """Where the archive serves ``capture`` raw: the original bytes, no toolbar, links not
    rewritten (the ``id_`` flag).

    >>> capture_url("https://web.archive.org",
    ...             Capture("20191106104512", "http://www.ccre.org/en/actualites/view/3950",
    ...                     "text/html", "200", "JTWL"))
    'https://web.archive.org/web/20191106104512id_/http://www.ccre.org/en/actualites/view/3950'
    """
    return f"{archive_base.rstrip('/')}/web/{capture.timestamp}id_/{capture.original}"


# Replay form ----------------------------------------------------------------------------

_REPLAY_MARKER = re.compile(
    r"<!--\s*(?:BEGIN WAYBACK TOOLBAR INSERT|End Wayback Rewrite JS Include)\s*-->"
    r"|<!--\s*FILE ARCHIVED ON ", re.IGNORECASE)
_LINE_END = r"[ \t]*(?:\r?\n)?"
_HEAD_INSERT_END = re.compile(r"<!--\s*End Wayback Rewrite JS Include\s*-->" + _LINE_END,
                              re.IGNORECASE)
_HEAD_OPEN = re.compile(r"<head\b[^>]*>" + _LINE_END, re.IGNORECASE)
_TOOLBAR = re.compile(r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?"
                      r"<!--\s*END WAYBACK TOOLBAR INSERT\s*-->" + _LINE_END,
                      re.IGNORECASE | re.DOTALL)
_ARCHIVE_NOTES = re.compile(r"<!--\s*(?:FILE ARCHIVED ON|playback timings)\b.*?-->" + _LINE_END,
                            re.IGNORECASE | re.DOTALL)
_REWRITTEN_PREFIX = re.compile(
    r"(?:(?:https?:)?//web\.archive\.org|(?<![\w.~%/:-]))"  # the archive, or a path start
    r"/web/\d{4,14}(?:[a-z]{2}_)?/"  # /web/<timestamp><flag>/
    r"(?=[a-z][a-z0-9+.-]*:|//)",  # followed by the original URL
    re.IGNORECASE)


def unreplay(html: str) -> str:
    """A capture saved in replay form, as the site sent it: the scripts and styles the
    Wayback Machine inserts at the top of ``<head>``, its toolbar block and its closing
    ``FILE ARCHIVED ON`` notes removed, and every ``/web/<timestamp><flag>/<original>`` or
    ``https://web.archive.org/web/…`` link turned back into ``<original>``.

    Links come back absolute (``https://www.ccre.org/en/…``) even where the site wrote them
    relative: the replay form no longer says which were. A raw (``id_``) page has none of
    the Wayback markers and is returned unchanged, archive links in its text included.

    >>> unreplay('<a href="/web/20230305071122/https://www.ccre.org/en">x</a>')
    '<a href="/web/20230305071122/https://www.ccre.org/en">x</a>'
    >>> unreplay('<body>\\n<!-- BEGIN WAYBACK TOOLBAR INSERT -->…<!-- END WAYBACK TOOLBAR '
    ...          'INSERT -->\\n<a href="/web/20230305071122/https://www.ccre.org/en">x</a>')
    '<body>\\n<a href="https://www.ccre.org/en">x</a>'
    """
    if _REPLAY_MARKER.search(html) is None:
        return html
    html = _remove_head_insert(html)
    html = _TOOLBAR.sub("", html)
    html = _ARCHIVE_NOTES.sub("", html)
    return _REWRITTEN_PREFIX.sub("", html)


def _remove_head_insert(html: str) -> str:
    """``html`` without what the archive inserted between ``<head>`` and the ``End Wayback
    Rewrite JS Include`` comment (only that comment when no ``<head>`` precedes it)."""
    end = _HEAD_INSERT_END.search(html)
    if end is None:
        return html
    start = end.start()
    for head in _HEAD_OPEN.finditer(html, 0, end.start()):
        start = head.end()
    return html[:start] + html[end.end() :]


def parse_as_of(text: str) -> datetime:
    """The moment an ``--as-of`` value names, in UTC: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``
    or a 14-digit Wayback timestamp. A year, month or day stands for its last second, as
    the Wayback Machine reads ``/web/2020/<url>``.

    >>> parse_as_of("2020-02")
    datetime.datetime(2020, 2, 29, 23, 59, 59, tzinfo=datetime.timezone.utc)
    >>> parse_as_of("20191106104512")
    datetime.datetime(2019, 11, 6, 10, 45, 12, tzinfo=datetime.timezone.utc)
    """
    match = _AS_OF.fullmatch(text.strip())
    if match is not None:
        year, month, day, timestamp = match.groups()
        digits = timestamp or year + (month or "") + (day or "")
        try:
            _check_exact(digits)
            return _padded_datetime(digits)
        except ValueError:
            pass
    raise InputError(f"invalid as-of date {text!r}: use YYYY, YYYY-MM, YYYY-MM-DD or a 14-digit "
                     f"timestamp YYYYMMDDhhmmss (UTC)")


def _check_exact(digits: str) -> None:
    """Raise ValueError when a part of ``digits`` is out of range (no clamping for input
    typed by a person: 2019-13 is a typo, not December)."""
    pattern = "%Y%m%d%H%M%S"[: {4: 2, 6: 4, 8: 6, 14: 12}[len(digits)]]
    datetime.strptime(digits, pattern)


# Discovery ----------------------------------------------------------------------------

CDX_TYPES = ("application/json", "text/plain", "text/json")
MAX_CDX_PAGES = 100
"""Pages of one index query read at most (the legacy site's item pages fit in a few)."""


async def discover_wayback(fetcher: Fetcher, profile: SiteProfile, archive_base: str,
                           languages: tuple[str, ...], state: CrawlState, *,
                           as_of: datetime | None = None) -> int:
    """Fill ``state`` with one capture per item of the site's hosts: the newest, or the one
    nearest ``as_of``. Returns how many."""
    captures: list[Capture] = []
    # The index finds www.HOST under HOST (its keys drop "www."): one query per site and
    # item path, read a page of rows at a time.
    for host in dict.fromkeys(host.removeprefix("www.") for host in profile.urls.hosts):
        for path in item_prefixes(profile, languages):
            captures.extend(await _index(fetcher, archive_base, host, path))
    chosen = choose_captures(captures, profile, as_of=as_of, languages=languages)
    state.add((capture_url(archive_base, capture), profile.item_key(capture.original),
               "archived") for capture in chosen)
    return len(chosen)


async def discover_captures(fetcher: Fetcher, profile: SiteProfile, archive_base: str,
                            settings: CrawlSettings, state: CrawlState) -> int:
    """The site's captures in a web archive's CDX index (the Wayback Machine's, or
    ``--base-url``'s): per item the newest capture, or the one nearest ``--as-of``.

    :func:`discover_wayback` with the crawl's settings."""
    return await discover_wayback(fetcher, profile, archive_base, settings.languages, state,
                                  as_of=settings.as_of)


async def _index(fetcher: Fetcher, archive_base: str, host: str,
                 path: str) -> list[Capture]:
    """Every capture the archive's index lists under ``host`` + ``path``, page by page."""
    found: list[Capture] = []
    resume: str | None = None
    keys: set[str] = set()
    while True:
        query = cdx_query_url(archive_base, host, path, limit=CDX_PAGE_ROWS,
                                      resume_key=resume)
        result = await fetcher.fetch(query, types=CDX_TYPES)
        if result.outcome != "done" or result.page is None:
            logger.warning("web archive index for %s%s: %s", host, path, result.reason)
            return found
        text = result.page.body.decode("utf-8", "replace")
        try:
            found.extend(parse_cdx(text, url=query))
        except FetchError as error:  # an "offline for maintenance" page, say
            logger.warning("web archive index for %s%s: %s", host, path, error)
            return found
        resume = cdx_resume_key(text)
        if resume is None:
            return found
        if resume in keys or len(keys) >= MAX_CDX_PAGES:
            logger.warning("web archive index for %s%s: %s after %d pages; the captures "
                           "listed so far are crawled", host, path,
                           "a resume key seen before" if resume in keys else "no end",
                           len(keys) + 1)
            return found
        keys.add(resume)
