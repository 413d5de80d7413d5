"""Main text of pages no profile lays out (scraper/extract/main_text.py): the article's
container wins over sidebars, footers, comments and related links; the title and captions
stay out, headings inside the article stay in; odd markup never raises."""

from __future__ import annotations

import dataclasses

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.clean import clean_html
from scraper.config import CleanOptions
from scraper.document import Document
from scraper.extract.main_text import (
    extract_main_text,
    read_elements,
    select_main_text,
)
from scraper.profiles import load_profile

URL = "https://news.example.org/2022/10/town-halls"

PARAGRAPHS = [
    "Town halls across the region are covering their roofs with solar panels, and the "
    "mayors say the savings are already showing in this year's budgets.",
    "The association of municipalities, which coordinated the purchase, negotiated a single "
    "contract for forty towns, cutting the price of each installation by a third.",
    "Smaller villages, which could never have afforded an engineer of their own, shared one "
    "through the association, and the first panels went up in the spring.",
    "The next round, planned for 2023, will add schools and sports halls, the association "
    "said on Tuesday, once the regional grant has been confirmed.",
]
ARTICLE = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
SIDEBAR = (
    "<aside class='sidebar'><h3>Most read</h3><ul>"
    + "".join(f"<li><a href='/story/{n}'>Another story about something else, number {n}</a></li>"
              for n in range(8))
    + "</ul><p>Sign up to our newsletter and get the news of the region every morning.</p>"
    "</aside>"
)
FOOTER = ("<footer><p>© 2022 News Example. All rights reserved. Example Media Group, "
          "1 Main Street, Example Town.</p><a href='/about'>About</a> <a href='/jobs'>Jobs</a>"
          "</footer>")
NAVIGATION = ("<nav><ul>" + "".join(f"<li><a href='/{name}'>{name}</a></li>"
                                    for name in ("News", "Sport", "Culture", "Weather"))
              + "</ul></nav>")
COMMENTS = (
    "<div id='comments' class='comments-area'><h3>3 Comments</h3>"
    + "".join(
        f"<div class='comment'><div class='comment-author'>Reader {n}</div>"
        f"<p>I have read this with great interest, and I think that our own town should do "
        f"exactly the same thing, as soon as the council can find the money for it ({n}).</p>"
        "<a href='#reply'>Reply</a></div>"
        for n in range(6)
    )
    + "</div>"
)
RELATED = (
    "<div class='related-posts'><h3>Related stories</h3>"
    + "".join(f"<p><a href='/r/{n}'>Wind farms come to the valley, part {n}</a></p>"
              for n in range(5))
    + "</div>"
)


def _page(body: str, *, title: str = "Town halls go solar") -> str:
    return (f"<html><head><title>{title}</title></head><body>{NAVIGATION}"
            f"<div class='page'>{body}</div>{FOOTER}</body></html>")


def _document(html: str, options: CleanOptions | None = None) -> Document:
    profile = load_profile("generic")
    if options is None:
        return clean_html(html, URL, profile)
    return clean_html(html, URL, profile, options)


def _texts(html: str) -> list[str]:
    return [block.text for block in extract_main_text(_document(html))]


def test_article_in_a_div_beside_a_sidebar_and_above_a_footer() -> None:
    html = _page(f"<div class='main'><h1>Town halls go solar</h1>"
                 f"<div class='story'>{ARTICLE}</div></div>{SIDEBAR}")
    assert _texts(html) == PARAGRAPHS


def test_comment_section_is_dropped() -> None:
    html = _page(f"<article><div class='entry-content'>{ARTICLE}</div>{COMMENTS}</article>")
    assert _texts(html) == PARAGRAPHS


def test_comment_section_longer_than_the_article_does_not_win() -> None:
    html = _page(f"<div class='post'>{''.join(f'<p>{text}</p>' for text in PARAGRAPHS[:2])}"
                 f"</div>{COMMENTS}{COMMENTS}")
    assert _texts(html) == PARAGRAPHS[:2]


def test_related_links_are_dropped() -> None:
    html = _page(f"<div class='story'>{ARTICLE}{RELATED}</div>")
    assert _texts(html) == PARAGRAPHS


def test_end_matter_after_the_text_is_cut() -> None:
    teasers = "".join(f"<p>Teaser {n}: the council votes on the new budget, and more.</p>"
                      for n in range(2))
    html = _page(f"<div class='story'>{ARTICLE}<h3>You may also like</h3>{teasers}</div>")
    assert _texts(html) == PARAGRAPHS


def test_headings_inside_the_article_stay_title_and_captions_go() -> None:
    html = _page(
        "<article><h1>Town halls go solar</h1><p class='byline'>By Jane Doe</p>"
        f"<p>{PARAGRAPHS[0]}</p><figure><img src='a.jpg'><figcaption>The roof of the town "
        f"hall of Example Town, with its new panels, in May.</figcaption></figure>"
        f"<h2>What comes next</h2><p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p></article>"
    )
    assert _texts(html) == [PARAGRAPHS[0], "What comes next", PARAGRAPHS[1], PARAGRAPHS[2]]


def test_article_cut_into_sibling_chunks_is_kept_whole() -> None:
    chunks = (f"<div class='chunk'><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></div>"
              "<div class='ad-slot'><a href='/ad'>Advertisement</a></div>"
              f"<div class='chunk'><p>{PARAGRAPHS[2]}</p><p>{PARAGRAPHS[3]}</p></div>")
    assert _texts(_page(f"<div class='story'>{chunks}</div>{SIDEBAR}")) == PARAGRAPHS


def test_trailing_credit_lines_are_dropped() -> None:
    html = _page(f"<div class='story'>{ARTICLE}<p>Reporting by Jane Doe; editing by John Roe"
                 "</p><p>Write to Jane Doe at jane.doe@example.org</p></div>")
    assert _texts(html) == PARAGRAPHS


@pytest.mark.parametrize(
    "wrapper",
    [
        pytest.param("<div class='field field-label-hidden'>{}</div>", id="drupal-label-hidden"),
        pytest.param("<div class='content-sidebar-wrap'>{}</div>", id="layout-sidebar-word"),
    ],
)
def test_a_mark_on_the_article_itself_is_a_misfire(wrapper: str) -> None:
    html = _page(wrapper.format(f"<div class='story'>{ARTICLE}</div>") + SIDEBAR)
    assert _texts(html) == PARAGRAPHS


def test_page_without_an_article_gives_few_blocks() -> None:
    links = "".join(f"<li><a href='/s/{n}'>Headline number {n} of the day</a></li>"
                    for n in range(30))
    html = _page(f"<div class='home'><h2>Latest</h2><ul>{links}</ul>{SIDEBAR}</div>")
    assert len(_texts(html)) <= 2


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("<html><body></body></html>", id="empty-body"),
        pytest.param("<script>var a = 1;</script>", id="script-only"),
        pytest.param("<p>Hello</p>", id="one-word"),
        pytest.param("<div>" * 3000 + "deep text" + "</div>" * 3000, id="deep-nesting"),
        pytest.param("<table><tr><td>1</td><td>2</td></tr></table>", id="tiny-table"),
    ],
)
def test_never_raises(html: str) -> None:
    document = _document(html)
    blocks = extract_main_text(document)
    assert all(block in document.blocks for block in blocks)


def test_document_without_blocks_gives_nothing() -> None:
    document = Document(url=URL, html="", tree=LexborHTMLParser(""), blocks=())
    assert extract_main_text(document) == []


def test_blocks_alone_suffice_without_element_records() -> None:
    html = _page(f"<div class='main'><div class='story'>{ARTICLE}</div></div>{SIDEBAR}")
    document = dataclasses.replace(_document(html), tags=(), names=())
    assert read_elements(document) is None
    assert [block.text for block in extract_main_text(document)] == PARAGRAPHS


def test_elements_are_numbered_as_the_cleaner_numbers_them() -> None:
    html = _page(f"<div class='story'><svg><g><text>x</text></g></svg>{ARTICLE}<br>"
                 f"<script>var a;</script></div>{SIDEBAR}")
    document = _document(html)
    elements = read_elements(document)
    assert elements is not None
    assert len(elements.tags) == len(document.parents)
    assert all(elements.tags[block.element] == "p" for block in extract_main_text(document))


def test_a_page_cut_at_max_elements_keeps_its_element_names() -> None:
    html = _page(f"<div class='story'>{ARTICLE}</div>{SIDEBAR}")
    document = _document(html, CleanOptions(max_elements=12))
    elements = read_elements(document)
    assert elements is not None
    assert len(elements.tags) == len(document.parents)


def test_removed_blocks_of_the_container_carry_their_reason() -> None:
    html = _page(f"<article><h1>Town halls go solar</h1><div class='entry-content'>{ARTICLE}"
                 "<figure><figcaption>The new panels on the roof of the town hall, in May."
                 f"</figcaption></figure>{RELATED}</div></article>")
    selected = select_main_text(_document(html))
    reasons = {removal.text: removal.reason for removal in selected.removed}
    assert [block.text for block in selected.blocks] == PARAGRAPHS
    assert reasons["The new panels on the roof of the town hall, in May."] == "caption"
    assert reasons["Wind farms come to the valley, part 0"] in ("sidebar", "boilerplate",
                                                               "navigation")
