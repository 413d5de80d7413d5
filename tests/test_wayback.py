"""The web-archive source: CDX answers, choosing one capture per item, raw capture URLs,
undoing the replay form, --as-of dates; and the fake Wayback Machine the crawl tests use
(scraper/demo/archives/wayback, described in its README)."""

from __future__ import annotations

from archives import WAYBACK

import base64
import doctest
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from protego import Protego

import scraper
from scraper.crawl import wayback as wayback_module
from scraper.errors import FetchError, InputError
from scraper.demo.wayback import wayback_app
from scraper.demo.mirror import Mirror
from scraper.profiles import SiteProfile, load_profile
from scraper.crawl.wayback import (
    ARCHIVE_BASE,
    Capture,
    capture_url,
    cdx_query_url,
    choose_captures,
    parse_as_of,
    parse_cdx,
    unreplay,
)


CDX_TEXT = (WAYBACK / "cdx.json").read_text("utf-8")
CAPTURES = parse_cdx(CDX_TEXT)
REPLAY_FORM = WAYBACK / "captures" / "20230305071122" / "3950-en.html"
RAW_BODIES = sorted(path for path in (WAYBACK / "captures").rglob("*.html") if path != REPLAY_FORM)
ITEM_3950_EN = "https://ccre.org/en/actualites/view/3950"


@pytest.fixture(scope="module")
def profile() -> SiteProfile:
    return load_profile("cemr")


def _capture(timestamp: str) -> Capture:
    [found] = [capture for capture in CAPTURES if capture.timestamp == timestamp]
    return found


def _text(path: Path) -> str:
    """A capture file as text with its CRLFs (read_text would turn them into LF)."""
    return path.read_bytes().decode("utf-8")


def _stamps(captures: list[Capture]) -> list[str]:
    return [capture.timestamp for capture in captures]


# parse_cdx ------------------------------------------------------------------------------


def test_parse_cdx_reads_every_row_of_the_fixture_by_its_header() -> None:
    assert len(CAPTURES) == 11
    assert CAPTURES[0] == Capture("20200812093344", "https://www.ccre.eu/en/actualites/view/3950",
                                  "text/html", "200", "JTWLCR4DDAQA4ZG6A3NP3QFUDCWKYLFO")
    assert _capture("20220124201733").status == "-"  # the revisit


def test_parse_cdx_reads_fields_in_any_order() -> None:
    rows = json.loads(CDX_TEXT)
    order = [6, 5, 2, 4, 0, 3, 1]  # length, digest, original, statuscode, urlkey, ...
    shuffled = json.dumps([[row[index] for index in order] for row in rows])
    assert parse_cdx(shuffled) == CAPTURES


@pytest.mark.parametrize("text", ["", "  \n", "[]", '[["timestamp","original","mimetype",'
                                  '"statuscode","digest"]]'],
                         ids=["no-text", "blank", "empty-array", "header-only"])
def test_parse_cdx_reads_an_empty_answer_as_no_captures(text: str) -> None:
    assert parse_cdx(text) == []


def test_parse_cdx_skips_malformed_rows() -> None:
    header = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest"]
    good = ["org,ccre)/", "20191106104512", "http://ccre.org/", "text/html", "200", "X"]
    rows = [header, good,
            [],  # the separator before a resume key (showResumeKey=true)
            ["org%2Cccre%29%2F+20191106104512%21"],  # the resume key
            ["org,ccre)/", 20191106104512, "http://ccre.org/", "text/html", "200", "X"],
            ["org,ccre)/", "2019-11-06", "http://ccre.org/", "text/html", "200", "X"],
            ["org,ccre)/", "20191106104512", "", "text/html", "200", "X"],
            [*good, "extra"], "not a row", None]
    assert parse_cdx(json.dumps(rows)) == [Capture("20191106104512", "http://ccre.org/",
                                                   "text/html", "200", "X")]


@pytest.mark.parametrize(("text", "message"), [
    ("<html><body>Wayback Machine is temporarily offline</body></html>", "not JSON"),
    ("org,ccre)/ 20191106104512 http://ccre.org/ text/html 200 X 2081", "not JSON"),
    ("[" * 100_000, "not JSON"),
    ('{"error": "rate limited"}', "not a JSON array"),
    ('["urlkey", "timestamp"]', "first row"),
    ('[["urlkey","timestamp","original"]]', "mimetype, statuscode, digest"),
], ids=["html-page", "plain-text-cdx", "nested-too-deep", "object", "flat-header",
        "missing-fields"])
def test_parse_cdx_raises_a_one_line_fetch_error_on_garbage(text: str, message: str) -> None:
    with pytest.raises(FetchError, match=message) as caught:
        parse_cdx(text, url="https://web.archive.org/cdx/search/cdx?url=ccre.org/")
    assert "\n" not in str(caught.value)
    assert caught.value.url == "https://web.archive.org/cdx/search/cdx?url=ccre.org/"


@pytest.mark.parametrize(("timestamp", "expected"), [
    ("20191106104512", datetime(2019, 11, 6, 10, 45, 12, tzinfo=UTC)),
    ("2019", datetime(2019, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ("201902", datetime(2019, 2, 28, 23, 59, 59, tzinfo=UTC)),
    ("2019110610", datetime(2019, 11, 6, 10, 59, 59, tzinfo=UTC)),
    ("20191399996199", datetime(2019, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ("00000000000000", datetime(1, 1, 1, tzinfo=UTC)),
], ids=["14-digits", "year", "month", "hour", "out-of-range-clamped", "zero"])
def test_archived_at_pads_a_short_timestamp_to_the_end_of_its_period(
        timestamp: str, expected: datetime) -> None:
    assert Capture(timestamp, "http://ccre.org/", "text/html", "200", "X").archived_at == expected


# cdx_query_url and capture_url ------------------------------------------------------------


def test_cdx_query_lists_html_200_captures_under_one_host_without_collapsing() -> None:
    url = cdx_query_url(ARCHIVE_BASE + "/", "ccre.org")
    assert url == ("https://web.archive.org/cdx/search/cdx?url=ccre.org/&matchType=prefix"
                   "&output=json&fl=urlkey,timestamp,original,mimetype,statuscode,digest"
                   "&filter=statuscode:200&filter=mimetype:text/html")
    assert "collapse" not in url


def test_capture_url_asks_for_the_raw_capture() -> None:
    capture = _capture("20200229161803")
    assert capture_url(ARCHIVE_BASE, capture) == capture_url(ARCHIVE_BASE + "/", capture) == (
        "https://web.archive.org/web/20200229161803id_/http://ccre.org:80/en/actualites/view/3950")


# choose_captures --------------------------------------------------------------------------


def test_choose_captures_keeps_the_newest_capture_of_each_item(profile: SiteProfile) -> None:
    chosen = choose_captures(CAPTURES, profile)
    assert [(capture.timestamp, capture.original) for capture in chosen] == [
        ("20230305071122", "https://www.ccre.org/en/actualites/view/3950"),
        ("20191107083015", "http://www.ccre.org/fr/actualites/view/3950"),  # not the revisit
        ("20191128093051", "http://www.ccre.org/en/actualites/view/3958"),
    ]  # by (numeric id, language)


def test_the_six_rows_of_item_3950_en_are_one_item(profile: SiteProfile) -> None:
    rows = [capture for capture in CAPTURES
            if profile.item_key(capture.original) == ITEM_3950_EN]
    assert len(rows) == 6  # three hosts, two schemes, a port, language:DA, a final 301
    assert len([capture for capture in rows if capture.status == "200"]) == 5
    assert {capture.original.split("/")[2] for capture in rows} == {
        "www.ccre.eu", "www.ccre.org", "ccre.org:80", "ccre.org"}
    assert _stamps(choose_captures(rows, profile)) == ["20230305071122"]
    assert _stamps(choose_captures(reversed(rows), profile)) == ["20230305071122"]


@pytest.mark.parametrize("timestamp", ["20200301052210", "20240918154009", "20220124201733",
                                       "20191120140231"],
                         ids=["404", "301", "revisit", "pdf"])
def test_choose_captures_skips_captures_that_are_not_an_html_page(
        profile: SiteProfile, timestamp: str) -> None:
    assert choose_captures([_capture(timestamp)], profile) == []


@pytest.mark.parametrize(("as_of", "expected"), [
    ("2019-01-01", "20191106104512"),  # before every capture: the first
    ("2020-03-01", "20200229161803"),  # http://ccre.org:80/
    ("2020-06-01", "20200812093344"),  # www.ccre.eu: 72 days after against 93 before
    ("2022-01-01", "20210517120455"),  # the language:DA capture
    ("2030", "20230305071122"),  # not the 2024 redirect
], ids=["before-all", "port-80", "other-host", "language-da", "after-all"])
def test_as_of_picks_the_capture_nearest_to_it(
        profile: SiteProfile, as_of: str, expected: str) -> None:
    moment = datetime.fromisoformat(as_of) if "-" in as_of else parse_as_of(as_of)
    chosen = choose_captures(CAPTURES, profile, as_of=moment, languages=("en",))
    assert _stamps(chosen) == [expected, "20191128093051"]


def test_a_naive_as_of_is_utc(profile: SiteProfile) -> None:
    naive = datetime(2020, 3, 1)
    assert choose_captures(CAPTURES, profile, as_of=naive) == choose_captures(
        CAPTURES, profile, as_of=naive.replace(tzinfo=UTC))


def _html(timestamp: str, original: str = "https://ccre.org/en/actualites/view/7") -> Capture:
    return Capture(timestamp, original, "text/html", "200", "X")


def test_as_of_halfway_between_two_captures_picks_the_earlier(profile: SiteProfile) -> None:
    before, after = _html("20200101000000"), _html("20200103000000")
    as_of = datetime(2020, 1, 2, tzinfo=UTC)
    assert choose_captures([after, before], profile, as_of=as_of) == [before]
    assert choose_captures([before, after], profile, as_of=as_of) == [before]
    assert choose_captures([before, after], profile, as_of=as_of + timedelta(seconds=1)) == [
        after]


def test_captures_taken_the_same_second_are_chosen_whatever_the_order(
        profile: SiteProfile) -> None:
    www, bare = (_html("20200101000000", "https://www.ccre.org/en/actualites/view/7"),
                 _html("20200101000000", "https://ccre.org/en/actualites/view/7"))
    assert choose_captures([www, bare], profile) == choose_captures([bare, www], profile) == [
        bare]


@pytest.mark.parametrize(("languages", "expected"), [
    (("en",), ["20230305071122", "20191128093051"]),
    (("fr",), ["20191107083015"]),
    (("de",), []),
], ids=["en", "fr", "none"])
def test_choose_captures_keeps_only_the_languages_asked_for(
        profile: SiteProfile, languages: tuple[str, ...], expected: list[str]) -> None:
    assert _stamps(choose_captures(iter(CAPTURES), profile, languages=languages)) == expected


# unreplay ---------------------------------------------------------------------------------


def test_unreplay_removes_the_toolbar_and_unrewrites_links() -> None:
    html = unreplay(_text(REPLAY_FORM))
    assert "WAYBACK" not in html.upper() and "wm-ipp" not in html
    assert "archive.org" not in html and "/web/" not in html
    assert "FILE ARCHIVED ON" not in html
    assert '<a href="https://www.ccre.org/en/actualites/view/3958" class="suiv">' in html
    assert 'href="https://www.ccre.org/css/ccre.css"' in html  # cs_
    assert 'src="https://www.ccre.org/img/ccre_cemr.png"' in html  # im_
    assert 'href="https://www.facebook.com/sharer.php?u=https://www.ccre.org/en/' in html
    assert 'href="http://www.conseil-marketing-exemple.fr/"' in html  # the spam footer's
    assert 'href="mailto:cemr@ccre.org"' in html
    assert html.startswith("<!DOCTYPE html") and html.endswith("</body>\n</html>\n")
    assert "<head>\n<meta http-equiv" in html and "<body>\n<div id=\"page\">" in html


def test_unreplay_gives_back_the_payload_the_cdx_digest_was_taken_of() -> None:
    """Exactly what the archive inserted is removed, to the byte: with the site's own links
    made root-relative again (the one thing the replay form does not say), the page's SHA-1
    is the CDX row's digest."""
    html = unreplay(_text(REPLAY_FORM))
    relative = re.sub(r'((?:href|src)=")https://www\.ccre\.org/', r"\1/", html)
    digest = base64.b32encode(hashlib.sha1(relative.encode("utf-8")).digest()).decode()
    assert digest == _capture("20230305071122").digest


@pytest.mark.parametrize("path", RAW_BODIES, ids=lambda path: str(path.relative_to(WAYBACK)))
def test_unreplay_returns_a_raw_capture_unchanged(path: Path) -> None:
    html = _text(path)
    assert unreplay(html) is html


@pytest.mark.parametrize(("link", "expected"), [
    ("/web/20230305071122/https://www.ccre.org/en", "https://www.ccre.org/en"),
    ("/web/20230305071122im_/http://ccre.org/a.png", "http://ccre.org/a.png"),
    ("https://web.archive.org/web/20230305071122/https://ccre.org/en",
     "https://ccre.org/en"),
    ("//web.archive.org/web/20230305071122js_/https://ccre.org/a.js", "https://ccre.org/a.js"),
    ("https://example.org/web/20230305071122/https://ccre.org/en",
     "https://example.org/web/20230305071122/https://ccre.org/en"),
    ("/web/about", "/web/about"),
    ("mailto:cemr@ccre.org", "mailto:cemr@ccre.org"),
], ids=["root-relative", "image-flag", "absolute", "scheme-relative", "other-site", "not-a-capture",
        "mailto"])
def test_unreplay_unrewrites_archive_links_only(link: str, expected: str) -> None:
    toolbar = "<!-- BEGIN WAYBACK TOOLBAR INSERT -->x<!-- END WAYBACK TOOLBAR INSERT -->\n"
    page = f'<html><body>\n{toolbar}<a href="{link}">x</a></body></html>'
    assert unreplay(page) == f'<html><body>\n<a href="{expected}">x</a></body></html>'


def test_unreplay_is_idempotent() -> None:
    once = unreplay(_text(REPLAY_FORM))
    assert unreplay(once) == once


def test_the_module_doctests_pass() -> None:
    assert doctest.testmod(wayback_module).failed == 0


# parse_as_of ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2020", datetime(2020, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ("2020-02", datetime(2020, 2, 29, 23, 59, 59, tzinfo=UTC)),
    ("2019-11-06", datetime(2019, 11, 6, 23, 59, 59, tzinfo=UTC)),
    ("20191106104512", datetime(2019, 11, 6, 10, 45, 12, tzinfo=UTC)),
    (" 2020 ", datetime(2020, 12, 31, 23, 59, 59, tzinfo=UTC)),
], ids=["year", "month", "day", "timestamp", "spaces"])
def test_parse_as_of_reads_a_date_or_timestamp(text: str, expected: datetime) -> None:
    assert parse_as_of(text) == expected


@pytest.mark.parametrize("text", ["", "20", "2020-13", "2020-02-30", "2020-1", "2020/01/01",
                                  "201911061045", "20191306104512", "yesterday"])
def test_parse_as_of_rejects_anything_else(text: str) -> None:
    with pytest.raises(InputError, match="YYYY, YYYY-MM, YYYY-MM-DD or a 14-digit"):
        parse_as_of(text)


# the fake Wayback Machine -----------------------------------------------------------------


@pytest.fixture(scope="module")
def archive() -> Iterator[httpx.Client]:
    with Mirror(root=WAYBACK, app=wayback_app(WAYBACK)) as mirror, \
            httpx.Client(base_url=mirror.base_url) as client:
        yield client


def _cdx(client: httpx.Client, **params: str | list[str]) -> list[list[str]]:
    response = client.get("/cdx/search/cdx", params={"output": "json", **params})
    assert response.status_code == 200, response.text
    rows: list[list[str]] = response.json()
    assert all(isinstance(value, str) for row in rows for value in row)
    return rows


def test_the_cdx_query_of_a_host_lists_its_html_pages(archive: httpx.Client) -> None:
    response = archive.get(cdx_query_url(str(archive.base_url), "ccre.org"))
    captures = parse_cdx(response.text)
    assert _stamps(captures) == ["20210517120455", "20191106104512", "20200229161803",
                                 "20230305071122", "20191128093051", "20191107083015"]
    assert _stamps(parse_cdx(archive.get(cdx_query_url(str(archive.base_url),
                                                        "ccre.eu")).text)) == ["20200812093344"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"url": "www.ccre.org/en/actualites/view/3950"},
     ["20191106104512", "20200229161803", "20230305071122", "20240918154009"]),
    ({"url": "http://ccre.org:80/en/actualites/view/3950"},
     ["20191106104512", "20200229161803", "20230305071122", "20240918154009"]),
    ({"url": "ccre.org/fr/*"}, ["20191107083015", "20220124201733"]),
    ({"url": "www.ccre.org/actualites/view/3950", "matchType": "prefix"}, ["20210517120455"]),
    ({"url": "ccre.org", "matchType": "host", "filter": "!statuscode:200"},
     ["20200301052210", "20240918154009", "20220124201733"]),
    ({"url": "*.ccre.org", "filter": ["statuscode:200", "!mimetype:text/html"]},
     ["20191120140231"]),
    ({"url": "ccre.org/", "matchType": "prefix", "filter": "mimetype:text/.*",
      "collapse": "digest"},
     ["20210517120455", "20200301052210", "20191106104512", "20230305071122", "20240918154009",
      "20191128093051", "20191107083015"]),
    ({"url": "ccre.org/", "matchType": "prefix", "collapse": "urlkey"},
     ["20210517120455", "20200301052210", "20191106104512", "20191128093051", "20191107083015",
      "20191120140231"]),
    ({"url": "ccre.org/en/", "matchType": "prefix", "limit": "2"},
     ["20200301052210", "20191106104512"]),
    ({"url": "ccre.org/en/", "matchType": "prefix", "limit": "-1"}, ["20191128093051"]),
    ({"url": "ccre.org/de/", "matchType": "prefix"}, []),
], ids=["exact-www", "exact-port", "trailing-star", "prefix-no-language", "host-negated",
        "domain-two-filters", "collapse-digest", "collapse-urlkey", "limit", "limit-last",
        "nothing"])
def test_the_fake_cdx_server_honours_the_query(
        archive: httpx.Client, params: dict[str, str | list[str]], expected: list[str]) -> None:
    rows = _cdx(archive, **params, fl="timestamp")
    assert rows == ([["timestamp"], *([stamp] for stamp in expected)] if expected else [])


def test_the_fake_cdx_server_answers_the_fields_asked_for(archive: httpx.Client) -> None:
    rows = _cdx(archive, url="ccre.eu/", matchType="prefix", fl="original,statuscode")
    assert rows == [["original", "statuscode"],
                    ["https://www.ccre.eu/en/actualites/view/3950", "200"]]
    plain = archive.get("/cdx/search/cdx", params={"url": "ccre.eu/*"}).text
    assert plain.splitlines() == [" ".join(json.loads(CDX_TEXT)[1])]


@pytest.mark.parametrize("params", [{}, {"url": "ccre.org", "filter": "size:1"},
                                    {"url": "ccre.org", "fl": "size"},
                                    {"url": "ccre.org", "matchType": "subtree"}],
                         ids=["no-url", "unknown-filter-field", "unknown-fl", "bad-match-type"])
def test_the_fake_cdx_server_rejects_a_bad_query(
        archive: httpx.Client, params: dict[str, str]) -> None:
    assert archive.get("/cdx/search/cdx", params=params).status_code == 400


_BODY_ROWS = [capture for capture in CAPTURES
              if capture.status != "-" and capture.mimetype == "text/html"]


@pytest.mark.parametrize("capture", _BODY_ROWS, ids=lambda capture: capture.timestamp)
def test_a_raw_capture_is_the_file_byte_for_byte(archive: httpx.Client, capture: Capture) -> None:
    response = archive.get(capture_url("", capture), follow_redirects=False)
    lang = "fr" if "/fr/" in capture.original else "en"
    item = re.search(r"/view/(\d+)", capture.original)
    assert item is not None
    path = WAYBACK / "captures" / capture.timestamp / f"{item.group(1)}-{lang}.html"
    assert response.content == path.read_bytes()
    assert response.status_code == int(capture.status)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert archive.get(f"/web/{capture.timestamp}/{capture.original}",
                       follow_redirects=False).content == response.content


def test_a_revisit_answers_the_earlier_capture_with_the_same_digest(
        archive: httpx.Client) -> None:
    response = archive.get(capture_url("", _capture("20220124201733")))
    assert response.status_code == 200
    assert response.content == (WAYBACK / "captures" / "20191107083015" /
                                "3950-fr.html").read_bytes()


def test_the_redirect_capture_redirects_inside_the_archive(archive: httpx.Client) -> None:
    response = archive.get(capture_url("", _capture("20240918154009")))
    assert response.status_code == 301
    assert response.headers["location"] == "/web/20240918154009id_/https://ccre-cemr.org/"


@pytest.mark.parametrize("path", [
    "/web/20191106104513id_/http://www.ccre.org/en/actualites/view/3950",
    "/web/20191106104512id_/https://www.ccre.org/en/actualites/view/3950",
    "/web/2019id_/http://www.ccre.org/en/actualites/view/3950",
    "/web/20191120140231id_/http://www.ccre.org/img/uploads/piecesjointe/filename/"
    "CEMR_twinning_survey_2019_EN.pdf",
], ids=["other-second", "other-original", "timestamp-prefix", "pdf-without-body"])
def test_an_unknown_capture_is_404(archive: httpx.Client, path: str) -> None:
    assert archive.get(path).status_code == 404


def test_robots_txt_allows_everything_and_other_paths_fall_through(
        archive: httpx.Client) -> None:
    robots = Protego.parse(archive.get("/robots.txt").text)
    assert robots.can_fetch(f"{archive.base_url}/web/20191106104512id_/http://ccre.org/", "*")
    assert robots.can_fetch(f"{archive.base_url}/cdx/search/cdx?url=ccre.org", "scraper")
    app = wayback_app(WAYBACK)
    assert app("/en/actualites/view/3950", {}) is None
    assert archive.get("/cdx.json").json() == json.loads(CDX_TEXT)  # the mirror's own file


# end to end -------------------------------------------------------------------------------

_EXPECTED = {  # archives/wayback/README.md, "What a correct extraction of each body gives"
    ("3950", "en"): ("Town twinning in Europe", "Twinning"),
    ("3950", "fr"): ("Le jumelage en Europe", "Jumelage"),
    ("3958", "en"): ("CEMR asks for a stronger twinning strand in the future citizens’ "
                     "programme", "Citizenship"),
}


@pytest.mark.parametrize("as_of", [None, datetime(2020, 3, 1, tzinfo=UTC),
                                   datetime(2021, 6, 1, tzinfo=UTC)],
                         ids=["newest", "as-of-2020", "as-of-2021"])
def test_each_chosen_capture_extracts_to_its_item(
        archive: httpx.Client, profile: SiteProfile, as_of: datetime | None) -> None:
    chosen = choose_captures(CAPTURES, profile, as_of=as_of)
    assert len(chosen) == 3
    for capture in chosen:
        response = archive.get(capture_url(str(archive.base_url), capture))
        assert response.status_code == 200
        record = scraper.extract(unreplay(response.text), capture.original, profile="cemr")
        assert type(record).model_validate_json(record.model_dump_json()) == record
        item = profile.parse_item_url(capture.original)
        assert item is not None and record.item_id == item.item_id
        assert record.canonical_url == profile.item_key(capture.original)
        assert (record.title, record.section) == _EXPECTED[(item.item_id, item.language)]
        assert record.next_url is not None and "/web/" not in record.next_url


def test_item_prefixes_come_from_the_profile_template() -> None:
    from scraper.profiles import load_profile
    from scraper.crawl.wayback import item_prefixes

    assert item_prefixes(load_profile("cemr"), ("en", "fr")) == [
        "/en/actualites/view/", "/fr/actualites/view/", "/actualites/view/"]
    assert item_prefixes(load_profile("generic"), ("en",)) == ["/"]


def test_resume_key_ends_a_cut_answer_only() -> None:
    from scraper.crawl.wayback import cdx_query_url, cdx_resume_key

    assert cdx_resume_key('[["urlkey"],["a"],[],["org,ccre)/x 2019"]]') == "org,ccre)/x 2019"
    assert cdx_resume_key('[["urlkey"],["a"]]') is None
    assert cdx_resume_key("not json") is None
    url = cdx_query_url("https://web.archive.org", "ccre.org", "/en/actualites/view/",
                        limit=10, resume_key="k 1")
    assert "url=ccre.org/en/actualites/view/&" in url
    assert url.endswith("&limit=10&showResumeKey=true&resumeKey=k+1")
