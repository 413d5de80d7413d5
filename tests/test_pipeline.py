"""The single-page pipeline on odd, hostile and foreign input: always a record, never a
crash; bytes decoded by declared or sniffed charset."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scraper
from scraper.clean import limit_nesting
from scraper.clean.limits import nesting_depth, quick_depth

CEMR_URL = "https://ccre.org/en/actualites/view/4000"
FIXTURES_PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "seed-table.html"
FRENCH_BODY = ("<p>Le Conseil des Communes et Régions d'Europe a réuni à Bruxelles les maires "
               "des villes jumelées pour débattre de l'avenir de la coopération européenne.</p>")


def test_page_without_body_text_gives_an_empty_record() -> None:
    article = scraper.extract("<html><head><title>Nothing</title></head><body></body></html>",
                              CEMR_URL)
    assert article.paragraphs == []
    assert article.text == ""
    assert article.title == "Nothing"


def test_huge_page_is_cut_and_still_extracted() -> None:
    paragraph = "<div><p>Municipalities and regions work together on local democracy.</p></div>"
    article = scraper.extract("<html><body>" + paragraph * 650_000 + "</body></html>", CEMR_URL)
    assert article.paragraphs[0] == "Municipalities and regions work together on local democracy."


def test_deep_nesting_is_flattened_and_its_text_kept() -> None:
    page = "<div>" * 100_000 + "<p>Deep text of the council and the mayor.</p>" + "</div>" * 100_000
    assert scraper.extract(page, "https://example.org/deep").text == (
        "Deep text of the council and the mayor.")


def test_limit_nesting_leaves_ordinary_pages_alone() -> None:
    page = "<html><body><div><p>a<br>b</p><img src=x></div></body></html>"
    assert limit_nesting(page, 16) is page


_TAG_SOUP = st.lists(st.sampled_from(
    ["<div>", "</div>", "<DIV class=a>", "</div/>", "<br>", "</br>", "<BR/>", "<img src=x>",
     "<p/>", "</p >", "<span", "</span", "<a <b>", "<brx>", "</brx>", "text", ">", "<", "/>",
     "<section-x>", "</section-x>", "<!-- c -->", "<br-x>"]), max_size=60).map("".join)


@given(_TAG_SOUP)
def test_quick_depth_never_underestimates(html: str) -> None:
    """limit_nesting trusts the quick scan when it says a page is shallow enough."""
    assert quick_depth(html) >= nesting_depth(html)


def test_depth_of_known_markup() -> None:
    assert nesting_depth("<div><p>a<br>b</p><img src=x></div></p>") == 2
    assert nesting_depth("<div><div/><p>") == 2
    assert quick_depth("<div><div/><p>") == 3  # a self-closed tag may open: an overestimate


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        pytest.param(f'<meta charset="iso-8859-1">{FRENCH_BODY}'.encode("latin-1"), None,
                     id="meta-charset"),
        pytest.param(FRENCH_BODY.encode("cp1252"), "windows-1252", id="declared-charset"),
        pytest.param(FRENCH_BODY.encode("cp1252"), None, id="sniffed"),
        pytest.param(b"\xef\xbb\xbf" + FRENCH_BODY.encode("utf-8"), "latin-1", id="bom-wins"),
    ],
)
def test_bytes_are_decoded(data: bytes, charset: str | None) -> None:
    article = scraper.extract(data, "https://example.org/fr", charset=charset)
    assert "Régions d'Europe" in article.text
    assert article.language == "fr"


def test_nul_bytes_do_not_break_extraction() -> None:
    article = scraper.extract(b"<p>Local\x00 democracy in Europe and the regions of the union"
                              b" is the theme of the day.</p>", "https://example.org/")
    assert "democracy" in article.text


def test_page_of_another_site_gets_markup_title_and_date() -> None:
    page = """<html><head><title>Site | Headline</title>
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Town halls go
    solar", "datePublished": "2021-05-04T10:00:00Z", "publisher": {"name": "Local News"}}</script>
    </head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article>
    <h1>Town halls go solar</h1>
    <p>Across the region, municipalities are installing solar panels on the roofs of their
    town halls, schools and sports centres, and they expect to cut their energy bills.</p>
    <p>The programme, launched in March 2020, has already equipped more than forty public
    buildings, and the regional council wants to double that number by 2025.</p>
    </article><footer>Contact us</footer></body></html>"""
    article = scraper.extract(page, "https://news.example.org/solar")
    assert article.title == "Town halls go solar"
    assert str(article.published) == "2021-05-04"
    assert article.site_name == "Local News"
    assert "forty public buildings" in article.text
    assert "Contact us" not in article.text
    assert article.language == "en"


_HTML_PIECES = st.sampled_from([
    "<p>", "</p>", "<div class='sidebar'>", "</div>", "<br>", "<ul>", "<li>", "</ul>",
    "<h1>", "</h1>", "“", "”", "«", "»", ":", " - 20.10.2022", "Home / News / ", "<a href='/x'>",
    "</a>", "<script type='application/ld+json'>{", "</script>", "3-7 October 2022 ",
    "According to Jane Doe, mayor of Town:", "Développez vos ventes : conseil marketing",
    "<time datetime='2020-13-45'>", "&nbsp;", "<td>", "<table>", "\x00", "<!--", "-->",
])
_HTML_LIKE = st.lists(_HTML_PIECES | st.text(max_size=20), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=_HTML_LIKE, url=st.sampled_from([CEMR_URL, "https://example.org/a",
                                             "https://ccre.org/fr/activites/view/3"]))
def test_extract_never_raises_and_round_trips(page: str, url: str) -> None:
    article = scraper.extract(page, url)
    assert scraper.Article.model_validate_json(article.model_dump_json()) == article


def test_dates_in_list_items_are_mentions_too() -> None:
    page = (FIXTURES_PAGE.read_text("utf-8")
            .replace("physically meet the partners for the first time;",
                     "physically meet the partners on 5 October 2022;"))
    article = scraper.extract(page, "https://ccre.org/en/actualites/view/4384")
    assert [mention.text for mention in article.date_mentions] == [
        "3-7 October 2022", "November 2021", "5 October 2022"]
