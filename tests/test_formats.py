"""Records as json, jsonl, txt, md and TEI (``scraper.records.formats``, issue 16).

TEI documents are validated against the TEI P5 DTD that trafilatura ships
(``trafilatura/data/tei_corpus.dtd``: TEI P5 4.8.0, generated from the TEI Consortium's
``tei_corpus`` ODD; the schema ``trafilatura.xml.validate_tei`` uses), with lxml. A DTD does
not see namespaces, so the TEI namespace is asserted beside it. Markdown is parsed with
markdown-it-py (CommonMark, with GFM tables and strikethrough: the syntax a reader's renderer
may add), so "reads as itself" means what a renderer does, not what a regex guesses.
"""

from __future__ import annotations

import functools
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from markdown_it import MarkdownIt

import scraper
from scraper.errors import ExportError
from scraper.records import Article, ListBlock, Quote
from scraper.names import FORMATS
from scraper.records.formats import render, render_many

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MANIFEST: list[dict[str, Any]] = json.loads((FIXTURES / "manifest.json").read_text("utf-8"))
PAGES = [row["page"].split("/")[-1][:-5] for row in MANIFEST]
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NS = {"tei": TEI[1:-1]}

QUOTES = "seed-br"  # two quotes, one over two paragraphs; a list
INLINE_QUOTE = "en-indepth-digital-skills"  # "“...,” said Marta Novak" inside a paragraph
LISTS = "en-indepth-twinning-split-crumbs"  # a bulleted and a numbered list
FRENCH = "fr-article-jumelage-bled"  # French, a « » quote over two paragraphs, a list
NO_TITLE = "en-theme-empty-title"  # a theme page: no title, date, section or topics


@functools.cache
def record(slug: str) -> Article:
    row = next(row for row in MANIFEST if row["page"] == f"pages/{slug}.html")
    return scraper.extract((FIXTURES / row["page"]).read_bytes(), row["url"])


@functools.cache
def tei_dtd() -> etree.DTD:
    return etree.DTD(str(files("trafilatura") / "data" / "tei_corpus.dtd"))


def valid_tei(text: str) -> etree._Element:
    """The parsed document, asserted to be TEI: valid by the DTD, in the TEI namespace."""
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = etree.fromstring(text.encode("utf-8"))
    dtd = tei_dtd()
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
    assert all(node.tag.startswith(TEI) for node in root.iter(etree.Element))
    return root


def plain(node: etree._Element) -> str:
    return "".join(node.itertext())


def md_blocks(text: str) -> list[tuple[str, str]]:
    """(kind, text as a reader sees it) for each run of inline text of a Markdown document;
    kind is the innermost of heading, bullet_list, ordered_list, blockquote, else
    paragraph. Raw HTML and code come out as ("html"|"code", source)."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    containers = {"heading", "bullet_list", "ordered_list", "blockquote", "table"}
    blocks, open_kinds = [], []
    for token in parser.parse(text):
        kind, _, edge = token.type.rpartition("_")
        if kind in containers and edge == "open":
            open_kinds.append(kind)
        elif kind in containers and edge == "close":
            open_kinds.pop()
        elif token.type in {"html_block", "code_block", "fence"}:
            blocks.append(("html" if token.type == "html_block" else "code", token.content))
        elif token.type == "inline":
            parts = []
            for child in token.children or []:
                if child.type in {"softbreak", "hardbreak"}:
                    parts.append("\n")
                elif child.type in {"html_inline", "code_inline"}:
                    blocks.append(("html" if child.type == "html_inline" else "code",
                                   child.content))
                else:
                    parts.append(child.content)
            blocks.append((open_kinds[-1] if open_kinds else "paragraph", "".join(parts)))
    return blocks


# -- the formats -----------------------------------------------------------------------------


def test_formats_are_the_five_of_issue_16() -> None:
    assert FORMATS == ("json", "jsonl", "txt", "md", "tei")


def test_an_unknown_format_is_an_export_error() -> None:
    with pytest.raises(ExportError, match="unknown record format 'xml'"):
        render(record(QUOTES), "xml")
    with pytest.raises(ExportError):
        list(render_many([record(QUOTES)], "html"))


# -- json and jsonl --------------------------------------------------------------------------


@pytest.mark.parametrize("slug", [QUOTES, FRENCH, NO_TITLE])
@pytest.mark.parametrize("format_name", ["json", "jsonl"])
def test_json_holds_the_record(format_name: str, slug: str) -> None:
    article = record(slug)
    text = render(article, format_name)
    assert json.loads(text) == json.loads(article.model_dump_json())
    assert Article.model_validate_json(text) == article
    assert text.endswith("}\n")
    assert (text.count("\n") == 1) is (format_name == "jsonl")


def test_json_is_pretty_and_keeps_non_ascii() -> None:
    text = render(record(FRENCH), "json")
    assert text.startswith('{\n  "url": ')
    assert "Régions d'Europe" in text and "\\u00e9" not in text


def test_json_of_a_lone_surrogate_is_an_export_error() -> None:
    article = record(QUOTES).model_copy(update={"title": "broken \ud800 text"})
    with pytest.raises(ExportError, match="cannot be written as JSON"):
        render(article, "json")


def test_many_json_records_are_one_array_and_jsonl_one_line_each() -> None:
    articles = [record(QUOTES), record(FRENCH), record(NO_TITLE)]
    array = json.loads("".join(render_many(articles, "json")))
    assert [Article.model_validate(item) for item in array] == articles
    lines = "".join(render_many(articles, "jsonl")).splitlines()
    assert [Article.model_validate_json(line) for line in lines] == articles
    assert "".join(render_many([], "json")) == "[]\n"
    assert list(render_many([], "jsonl")) == []


# -- txt ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", [QUOTES, LISTS, FRENCH])
def test_txt_is_the_title_a_blank_line_and_the_text(slug: str) -> None:
    article = record(slug)
    text = render(article, "txt")
    assert text == f"{article.title}\n\n{article.text}\n"
    assert all(paragraph in text for paragraph in article.paragraphs)


def test_txt_without_a_title_is_the_text() -> None:
    article = record(NO_TITLE)
    assert render(article, "txt") == article.text + "\n"


def test_many_txt_records_are_separated_by_a_rule() -> None:
    articles = [record(QUOTES), record(FRENCH)]
    text = "".join(render_many(articles, "txt"))
    first, second = text.split("\n\n" + "=" * 72 + "\n\n")
    assert (first + "\n", second) == (render(articles[0], "txt"), render(articles[1], "txt"))


# -- Markdown ----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", [QUOTES, INLINE_QUOTE, LISTS, FRENCH, NO_TITLE])
def test_md_holds_title_metadata_and_every_paragraph(slug: str) -> None:
    article = record(slug)
    blocks = md_blocks(render(article, "md"))
    if article.title:
        assert blocks[0] == ("heading", article.title)
    metadata = blocks[1 if article.title else 0][1]
    assert f"URL: {article.url}" in metadata
    published = article.published.isoformat() if article.published else None
    for value in [article.section, *article.topics, published]:
        assert value is None or value in metadata
    texts = [text for kind, text in blocks if kind in {"paragraph", "blockquote"}]
    assert all(paragraph in texts for paragraph in article.paragraphs)
    assert not [block for block in blocks if block[0] in {"html", "code"}]


@pytest.mark.parametrize("slug", [QUOTES, LISTS, FRENCH])
def test_md_lists_are_markdown_lists(slug: str) -> None:
    article = record(slug)
    blocks = md_blocks(render(article, "md"))
    for block in article.lists:
        kind = "ordered_list" if block.ordered else "bullet_list"
        assert all((kind, item) in blocks for item in block.items)
    assert len([kind for kind, _ in blocks if kind.endswith("_list")]) == \
        sum(len(block.items) for block in article.lists)


@pytest.mark.parametrize("slug", [QUOTES, FRENCH])
def test_md_quotes_are_attributed_blockquotes(slug: str) -> None:
    article = record(slug)
    quoted = [text for kind, text in md_blocks(render(article, "md")) if kind == "blockquote"]
    for quote in article.quotes:
        assert f"— {quote.speaker}, {quote.role}" in quoted
    assert len(quoted) == sum(quote.paragraphs + 1 for quote in article.quotes)


def test_a_quote_inside_a_paragraph_stays_in_it_in_md() -> None:
    article = record(INLINE_QUOTE)
    blocks = md_blocks(render(article, "md"))
    assert not [kind for kind, _ in blocks if kind == "blockquote"]
    assert any(article.quotes[0].text in text for kind, text in blocks if kind == "paragraph")


def test_many_md_records_are_separated_by_a_thematic_break() -> None:
    text = "".join(render_many([record(QUOTES), record(FRENCH), record(LISTS)], "md"))
    tokens = MarkdownIt("commonmark").parse(text)
    assert [token.type for token in tokens].count("hr") == 2
    assert [token.tag for token in tokens if token.type == "heading_open"] == ["h1"] * 3


# -- TEI ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", PAGES)
def test_tei_of_every_fixture_page_is_valid(slug: str) -> None:
    valid_tei(render(record(slug), "tei"))


def test_the_tei_validator_rejects_what_tei_does_not_allow() -> None:
    text = render(record(QUOTES), "tei")
    for broken in [text.replace("<said ", "<speech ").replace("</said>", "</speech>"),
                   text.replace('<list rend="bulleted">', '<list colour="blue">'),
                   text.replace("<publisher>", "<p>").replace("</publisher>", "</p>")]:
        assert not tei_dtd().validate(etree.fromstring(broken.encode("utf-8")))


def test_tei_header_holds_the_metadata() -> None:
    article = record(QUOTES)
    root = valid_tei(render(article, "tei"))
    header = root.find("tei:teiHeader", NS)
    assert header is not None

    def texts(path: str) -> list[str]:
        return [plain(node) for node in header.iterfind(path, NS)]

    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert texts("tei:fileDesc/tei:titleStmt/tei:title") == [article.title]
    publication = "tei:fileDesc/tei:publicationStmt/"
    assert texts(publication + "tei:publisher") == [article.site_name]
    assert header.find(publication + "tei:date", NS).get("when") == "2022-10-20"
    assert texts(publication + "tei:idno[@type='URL']") == [article.url]
    assert header.find("tei:fileDesc/tei:sourceDesc/tei:bibl/tei:ptr", NS).get("target") == \
        article.url
    assert header.find("tei:profileDesc/tei:langUsage/tei:language", NS).get("ident") == "en"
    keywords = "tei:profileDesc/tei:textClass/tei:keywords/tei:term"
    assert texts(keywords) == [article.section, *article.topics]
    people = header.findall("tei:profileDesc/tei:particDesc/tei:listPerson/tei:person", NS)
    assert [(person.get(XML_ID), plain(person.find("tei:persName", NS)),
             plain(person.find("tei:occupation", NS))) for person in people] == [
        (f"speaker-{number}", quote.speaker, quote.role)
        for number, quote in enumerate(article.quotes, start=1)]


@pytest.mark.parametrize("slug", [QUOTES, INLINE_QUOTE, FRENCH])
def test_tei_quotes_are_said_by_a_declared_person(slug: str) -> None:
    article = record(slug)
    root = valid_tei(render(article, "tei"))
    people = {person.get(XML_ID): plain(person.find("tei:persName", NS))
              for person in root.iterfind(".//tei:person", NS)}
    said = root.findall("tei:text/tei:body//tei:said", NS)
    assert [people[node.get("who").removeprefix("#")] for node in said] == \
        [quote.speaker for quote in article.quotes]
    spoken = [node.find("tei:quote", NS) for node in said]
    assert ["\n\n".join(plain(part) for part in quote.iterfind("tei:p", NS)) or plain(quote)
            for quote in spoken] == [quote.text for quote in article.quotes]


def test_tei_body_keeps_paragraphs_lists_and_reading_order() -> None:
    article = record(LISTS)
    body = valid_tei(render(article, "tei")).find("tei:text/tei:body", NS)
    assert [node.tag.removeprefix(TEI) for node in body] == \
        ["p", "p", "list", "p", "p", "list", "p", "p"]
    assert [plain(node) for node in body.iterfind("tei:p", NS)] == article.paragraphs
    lists = body.findall("tei:list", NS)
    assert [node.get("rend") for node in lists] == ["bulleted", "numbered"]
    assert [[plain(item) for item in node] for node in lists] == \
        [block.items for block in article.lists]


def test_a_quote_inside_a_paragraph_is_marked_where_it_stands() -> None:
    article = record(INLINE_QUOTE)
    body = valid_tei(render(article, "tei")).find("tei:text/tei:body", NS)
    said = body.find("tei:p/tei:said", NS)
    assert said is not None and plain(said) == article.quotes[0].text
    assert [plain(node) for node in body.iterfind("tei:p", NS)] == article.paragraphs


def test_quotes_inside_a_paragraph_or_nowhere_are_kept() -> None:
    paragraph = "“One,” she said, “two.” The mayor added “three”."
    quotes = [Quote(text="two.", speaker="Ann"), Quote(text="One,", speaker="Ann"),
              Quote(text="three", role="Mayor"), Quote(text="Said elsewhere", speaker="Bo")]
    article = Article(url="https://example.test/q", title="Quotes", paragraphs=[paragraph],
                      text=paragraph, quotes=quotes, extractor_version="test")
    root = valid_tei(render(article, "tei"))
    body = root.find("tei:text/tei:body", NS)
    assert plain(body[0]) == paragraph
    assert [(node.get("who"), plain(node)) for node in body[0]] == \
        [("#speaker-1", "One,"), ("#speaker-1", "two."), ("#speaker-2", "three")]
    assert (body[1].tag, body[1].get("who"), plain(body[1].find("tei:quote", NS))) == \
        (TEI + "said", "#speaker-3", "Said elsewhere")
    people = root.findall(".//tei:person", NS)
    assert [[plain(part) for part in person] for person in people] == \
        [["Ann"], ["Mayor"], ["Bo"]]
    assert md_blocks(render(article, "md"))[2:] == \
        [("paragraph", paragraph), ("blockquote", "Said elsewhere"), ("blockquote", "— Bo")]


def test_many_tei_records_are_one_valid_corpus() -> None:
    articles = [record(slug) for slug in PAGES]
    root = valid_tei("".join(render_many(articles, "tei")))
    assert root.tag == TEI + "teiCorpus"
    documents = root.findall("tei:TEI", NS)
    assert [plain(document.find(".//tei:titleStmt/tei:title", NS)) for document in documents] \
        == [article.title for article in articles]
    ids = [node.get(XML_ID) for node in root.iterfind(".//tei:person", NS)]
    assert len(ids) == len(set(ids)) > 0 and all(id.startswith("record-") for id in ids)
    assert list(render_many([], "tei")) == []


# -- hostile text --------------------------------------------------------------------------

CONTROL = "".join(map(chr, range(0x09))) + "\x0b\x0c\x0e\x1f\ufffe\uffff\ud800"
HOSTILE = [
    "<script>alert('x')</script> & &amp; &#169; ]]> <![CDATA[ x ]]> \"quoted\" 'single'",
    f"NUL and friends:{CONTROL} gone",
    "Emoji 🇪🇺 👩🏽‍💻 and RTL: שלום עולם مرحبا بالعالم \u202eoverride\u202c done",
    "1. not a numbered list",
    "2) nor this",
    "# not a heading #",
    "- not an item",
    "+ nor this",
    "> not a quote",
    "*not emphasis* _nor this_ `not code` [not a link](http://x.test) ![no](img.png)",
    "<b>not html</b> <!-- not a comment --> <http://not-an-autolink.test>",
    "| not | a table |",
    "~~not struck~~ and a trailing backslash \\",
    "===",
    "---",
    "first line\n- second line is no item\n# third is no heading",
]


def cleaned(text: str) -> str:
    """``text`` as the formats promise to keep it: without what XML 1.0 forbids, ``\\n``
    line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)


@functools.cache
def hostile_record() -> Article:
    paragraphs = [*HOSTILE, "Intro:", "“Hostile <quote> & ]]> said\x00.”"]
    items = ["1. <item> & ]]>", "\x07# heading?", "> quote?"]
    quotes = [Quote(text="Hostile <quote> & ]]> said\x00.", speaker="Ann <Evil> & Co \x01",
                    role="]]> head \ud800of \"quotes\"")]
    text = "\n\n".join([*HOSTILE, "Intro:", "\n".join(items), paragraphs[-1]])
    return Article(url="https://example.test/a?b=1&c=<2>", title="Title <&> ]]> # 1. \x00🇪🇺",
                   section="*Section* <&>", topics=["Topic & <1>", "]]>"], language="en",
                   published_raw="20.10.2022", paragraphs=paragraphs, text=text,
                   lists=[ListBlock(intro="Intro:", items=items, ordered=True)], quotes=quotes,
                   extractor_version="test")


def test_hostile_text_round_trips_into_tei() -> None:
    article = hostile_record()
    root = valid_tei(render(article, "tei"))
    body = root.find("tei:text/tei:body", NS)
    assert [plain(node) for node in body.iterfind("tei:p", NS)] == \
        [cleaned(paragraph) for paragraph in article.paragraphs[:-1]]
    assert [plain(item) for item in body.iterfind("tei:list/tei:item", NS)] == \
        [cleaned(item) for item in article.lists[0].items]
    quote = body.find("tei:said/tei:quote", NS)
    assert plain(quote) == cleaned(article.quotes[0].text)
    person = root.find(".//tei:person", NS)
    assert plain(person.find("tei:persName", NS)) == cleaned(article.quotes[0].speaker or "")
    assert plain(person.find("tei:occupation", NS)) == cleaned(article.quotes[0].role or "")
    assert plain(root.find(".//tei:titleStmt/tei:title", NS)) == cleaned(article.title)
    assert [plain(term) for term in root.iterfind(".//tei:term", NS)] == \
        [article.section, *article.topics]
    assert root.find(".//tei:idno", NS).text == article.url
    assert root.find(".//tei:ptr", NS).get("target") == "https://example.test/a?b=1&c=%3C2%3E"


def test_hostile_text_stays_text_in_md() -> None:
    article = hostile_record()
    text = render(article, "md")
    assert not set(CONTROL) & set(text)
    blocks = md_blocks(text)
    assert blocks[0] == ("heading", cleaned(article.title))
    expected = [("paragraph", cleaned(paragraph)) for paragraph in article.paragraphs[:-1]]
    expected += [("ordered_list", cleaned(item)) for item in article.lists[0].items]
    expected += [("blockquote", cleaned(article.paragraphs[-1])),
                 ("blockquote", "— " + cleaned(f"{article.quotes[0].speaker}, "
                                                f"{article.quotes[0].role}"))]
    assert blocks[2:] == expected
    assert "Section: *Section* <&>" in blocks[1][1]
    assert "Topics: Topic & <1>, ]]>" in blocks[1][1]


def test_hostile_text_in_txt_loses_only_control_characters() -> None:
    article = hostile_record()
    assert render(article, "txt") == f"{cleaned(article.title)}\n\n{cleaned(article.text)}\n"


MARKUP = "#*_-+=>`[]()<>!&;|~\\ 1.)\n\t\r\x00\x0b\"'“”«»"
paragraph_texts = st.text(st.one_of(st.sampled_from(MARKUP), st.characters()), min_size=1,
                          max_size=40).filter(lambda text: cleaned(text).strip())


@settings(max_examples=150, deadline=None)
@given(paragraphs=st.lists(paragraph_texts, min_size=1, max_size=4))
def test_any_paragraph_stays_itself_in_tei_and_md(paragraphs: list[str]) -> None:
    """Whatever a paragraph holds, TEI keeps it exactly (less what XML forbids) and Markdown
    renders it as one paragraph of the same text (lines trimmed, as Markdown trims them)."""
    article = Article(url="https://example.test/p", title="Paragraphs", paragraphs=paragraphs,
                      text="\n\n".join(paragraphs), extractor_version="test")
    body = valid_tei(render(article, "tei")).find("tei:text/tei:body", NS)
    assert [plain(node) for node in body] == [cleaned(paragraph) for paragraph in paragraphs]
    assert md_blocks(render(article, "md"))[2:] == [
        ("paragraph", "\n".join(line.strip() for line in cleaned(paragraph).split("\n")
                                 if line.strip()))
        for paragraph in paragraphs]
