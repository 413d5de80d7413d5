"""What an article points to and how it is built (issue 17): links and their kinds, share
buttons left out, documents once per URL, content images (never logos, icons, avatars or
pixels) with their captions, press contacts taken out of the body with e-mails decoded only
when unambiguous, and sub-headings, kept in place in text, Markdown and TEI."""

from __future__ import annotations

import pytest
from lxml import etree
from test_formats import TEI, md_blocks, valid_tei

import scraper
from scraper.extract.contacts import decode_email
from scraper.extract.links import document_type, is_share_link, link_kind
from scraper.records.formats import render

URL = "https://ccre-cemr.org/en/news/water-cities"

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Water in cities | CEMR</title></head>
<body>
<header class="site-header"><a href="/"><img src="/wp-content/themes/cemr/logo.png"
  alt="CEMR logo" width="180" height="60"></a>
  <nav><ul><li><a href="/en/news">News</a></li><li><a href="/en/about">About</a></li></ul></nav>
</header>
<main><article>
<h1>Water in cities: mayors ask for a say in the new directive</h1>
<figure class="wp-block-image"><img src="/wp-content/uploads/2024/03/water-lead.jpg"
  alt="The fountain of the town hall square" width="1024" height="683">
  <figcaption>The town hall square in Graz. Photo: CEMR</figcaption></figure>
<div class="entry-content">
<p>Brussels, 12 March 2024 – Mayors and regional presidents met in Brussels to discuss how the
new drinking water directive will be applied by local governments across Europe.</p>
<p>CEMR published its <a href="/wp-content/uploads/2024/03/CEMR_Position_Water.PDF">position
paper</a> and a <a href="https://ccre-cemr.org/wp-content/uploads/2024/03/annex.docx">technical
annex</a>, and points to the <a href="https://environment.ec.europa.eu/water">Commission's
page</a> and to <a href="/en/news/water-2023">last year's statement</a>.</p>
<h2>What local governments ask</h2>
<p>They ask for longer transition periods and for funding that reaches small water utilities,
which serve most of the rural municipalities of the Union.</p>
<p><img src="/wp-content/uploads/2024/03/chart.png" alt="Share of small utilities"
  width="600" height="400"></p>
<p>(Photo by Jane Roe on Unsplash)</p>
<p><strong>Next steps</strong></p>
<p>The position paper is open for comments until the end of April; write to
<a href="mailto:policy@ccre-cemr.org">policy@ccre-cemr.org</a> or see the
<a href="/wp-content/uploads/2024/03/CEMR_Position_Water.PDF">paper</a> again.</p>
<p>The comments will be discussed by the policy committee at its spring meeting, before
the directive's implementing acts are adopted.</p>
<img src="/wp-content/uploads/avatars/author-12.jpg" class="avatar" alt="Author" width="96">
<p>Press contact</p>
<p>Lena Marković, Press and Communication Officer</p>
<p>E-mail: lena.markovic [at] ccre-cemr [dot] org</p>
<p>Tél : +32 2 500 05 39</p>
<div class="share-buttons">
  <a href="https://www.facebook.com/sharer/sharer.php?u=x"><img src="/icons/facebook.svg"
  alt="Facebook" width="24" height="24"></a>
  <a href="https://twitter.com/intent/tweet?url=x">Tweet</a>
  <a href="mailto:?subject=Water%20in%20cities">E-mail</a>
</div>
</div></article></main>
<aside class="sidebar"><h3>Latest news</h3><img src="/uploads/thumb-other.jpg" alt="Other"
  width="300" height="200"><a href="/en/news/other">Other news</a></aside>
<footer><img src="https://stats.example.org/pixel.gif" width="1" height="1" alt="">
  <a href="/en/privacy">Privacy</a></footer>
</body></html>"""


@pytest.fixture(scope="module")
def article() -> scraper.Article:
    return scraper.extract(PAGE, URL, profile="cemr-wp")


def test_links_in_reading_order_with_their_kinds(article: scraper.Article) -> None:
    assert [(link.text, link.url, link.kind) for link in article.links] == [
        ("position paper",
         "https://ccre-cemr.org/wp-content/uploads/2024/03/CEMR_Position_Water.PDF", "document"),
        ("technical annex", "https://ccre-cemr.org/wp-content/uploads/2024/03/annex.docx",
         "document"),
        ("Commission's page", "https://environment.ec.europa.eu/water", "external"),
        ("last year's statement", "https://ccre-cemr.org/en/news/water-2023", "internal"),
        ("policy@ccre-cemr.org", "mailto:policy@ccre-cemr.org", "mail"),
        ("paper", "https://ccre-cemr.org/wp-content/uploads/2024/03/CEMR_Position_Water.PDF",
         "document"),
    ]


def test_documents_once_per_url_with_their_type(article: scraper.Article) -> None:
    assert [(document.url.rsplit("/", 1)[1], document.text, document.type)
            for document in article.documents] == [
        ("CEMR_Position_Water.PDF", "position paper", "pdf"),
        ("annex.docx", "technical annex", "docx")]


def test_content_images_only_with_alt_and_caption(article: scraper.Article) -> None:
    assert [(image.url.rsplit("/", 1)[1], image.alt, image.caption)
            for image in article.images] == [
        ("water-lead.jpg", "The fountain of the town hall square",
         "The town hall square in Graz. Photo: CEMR"),
        ("chart.png", "Share of small utilities", "(Photo by Jane Roe on Unsplash)"),
    ]
    assert "Photo by Jane Roe" not in article.text and "Graz" not in article.text


def test_the_contact_leaves_the_body_decoded(article: scraper.Article) -> None:
    assert [contact.model_dump() for contact in article.contacts] == [
        {"name": "Lena Marković", "role": "Press and Communication Officer",
         "email": "lena.markovic@ccre-cemr.org", "phone": "+32 2 500 05 39"}]
    assert "Lena" not in article.text and "Press contact" not in article.text
    assert [block.text for block in article.removed if block.reason == "contact"] == [
        "Press contact", "Lena Marković, Press and Communication Officer",
        "E-mail: lena.markovic [at] ccre-cemr [dot] org", "Tél : +32 2 500 05 39"]


def test_sub_headings_stay_in_place(article: scraper.Article) -> None:
    assert article.headings == ["What local governments ask", "Next steps"]
    assert "What local governments ask\n\nThey ask" in article.text
    assert [(kind, text) for kind, text in md_blocks(render(article, "md"))
            if kind == "heading"][1:] == [("heading", "What local governments ask"),
                                          ("heading", "Next steps")]
    root = valid_tei(render(article, "tei"))
    divs = root.findall(f".//{TEI}body/{TEI}div")
    assert ["".join(div.find(f"{TEI}head").itertext()) for div in divs] == article.headings
    assert "".join(divs[0].find(f"{TEI}p").itertext()).startswith("They ask")
    assert isinstance(root, etree._Element)


def test_no_share_menu_logo_sidebar_or_footer_link(article: scraper.Article) -> None:
    urls = {link.url for link in article.links}
    assert not {url for url in urls if "sharer" in url or "intent" in url or "?subject" in url}
    assert not urls & {"https://ccre-cemr.org/en/news", "https://ccre-cemr.org/en/about",
                       "https://ccre-cemr.org/en/news/other", "https://ccre-cemr.org/en/privacy"}


@pytest.mark.parametrize(("text", "expected"), [
    ("boris.tonhauser [at] ccre.org", "boris.tonhauser@ccre.org"),
    ("name(at)ccre(dot)org", "name@ccre.org"),
    ("Email : press@ccre.org", "press@ccre.org"),
    ("boris.tonhauser [at] or by phone", None),  # cut: no domain
    ("a@ccre.org or b@ccre.org", None),  # two: ambiguous
    ("meet at the town hall", None),
])
def test_e_mails_are_decoded_only_when_unambiguous(text: str, expected: str | None) -> None:
    assert decode_email(text) == expected


@pytest.mark.parametrize(("url", "kind"), [
    ("https://ccre.org/img/uploads/piecesjointe/filename/report.pdf", "document"),
    ("https://other.org/files/Report%20final.DOCX", "document"),
    ("https://www.ccre.org/en/actualites/view/12", "internal"),
    ("https://platforma-dev.eu/news", "external"),
    ("mailto:press@ccre.org", "mail"),
])
def test_link_kinds(url: str, kind: str) -> None:
    assert link_kind(url, frozenset({"ccre.org"})) == kind
    assert (document_type(url) is not None) == (kind == "document")


@pytest.mark.parametrize("url", [
    "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fccre.org",
    "https://twitter.com/intent/tweet?url=x", "https://x.com/intent/post?text=x",
    "https://www.linkedin.com/shareArticle?mini=true&url=x", "mailto:?subject=x",
    "https://api.whatsapp.com/send?text=x",
])
def test_share_buttons_are_not_links(url: str) -> None:
    assert is_share_link(url)
    assert not is_share_link("https://www.facebook.com/CEMR.CCRE")


def test_a_lone_email_label_or_a_phone_in_prose_is_no_contact() -> None:
    page = ("<html><body><article><h1>T</h1><p>The helpdesk answers questions on the call "
            "every working day, from 9:00 to 17:00, in English and French.</p>"
            "<p>Email :</p><p>Tel : +32 2 511 74 77 is the number of the helpdesk.</p>"
            "</article></body></html>")
    article = scraper.extract(page, "https://ccre.org/en/actualites/view/1", profile="generic")
    assert article.contacts == [] and "Email :" in article.text


def test_plain_line_headings_only_where_the_profile_asks() -> None:
    page = ("<html><body><article><h1>T</h1>"
            "<p>The committee met in Innsbruck and adopted the work programme of the year.</p>"
            "<p>Opening ceremony and debate on Europe</p>"
            "<p>The opening ceremony included a message from the president of the European "
            "Commission and a debate with the mayors present.</p></article></body></html>")
    assert scraper.extract(page, "https://ccre.org/en/actualites/view/1",
                           profile="cemr").headings == ["Opening ceremony and debate on Europe"]
    assert scraper.extract(page, "https://example.org/a", profile="generic").headings == []
