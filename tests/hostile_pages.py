"""A corpus of hostile pages, generated (the large ones are never stored): used by
``tests/test_hostile.py`` (no exception, sane output) and ``bench/reliability.py`` (time and
memory of each). Every case is deterministic.

Groups: nesting, size (50 MB pages), nul (NUL bytes), encoding (invalid, mixed and
mis-declared charsets, codec names that are not text encodings), tags (broken markup),
attributes (huge ones), entities (XHTML entity-expansion bombs, XXE), json-ld (invalid, deep,
huge, ill-typed), script (script-only pages).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

FuzzCase = tuple[str | bytes, str, str | None]
"""A page (text or bytes), its URL, and the charset a server declared for it."""

CEMR_URL = "https://ccre.org/en/actualites/view/4384"
OTHER_URL = "https://news.example.org/2022/10/town-halls"
MB = 1_000_000
SENTENCE = "Municipalities and regions of Europe work together on local democracy."
PARAGRAPH = f"<p>{SENTENCE}</p>"
PAGE = (
    "<html><head><title>Town halls go solar</title></head><body>"
    "<div id='header'>Council of European Municipalities and Regions (CEMR)</div>"
    "<div class='content'><p>Solidarity with Ukraine - 20.10.2022</p>"
    "<h1>Town halls go solar</h1>"
    f"{PARAGRAPH}<p>The mayors met in Brussels on 3-7 October 2022 to share their plans.</p>"
    "</div></body></html>"
)
"""A small, ordinary CEMR-like page that hostile wrappers are put around."""


@dataclass(frozen=True, slots=True)
class HostileCase:
    """One hostile page: how to build it, and what a sane record of it holds."""

    name: str
    group: str
    build: Callable[[], str | bytes]
    charset: str | None = None
    """Charset declared by the (imaginary) server, as ``extract(charset=...)``."""
    expect: str | None = None
    """A phrase the record's text or title must hold (the page's real content survived)."""
    refuse: str | None = None
    """A phrase the record must never hold (an expanded entity, a file's content)."""
    large: bool = False
    """Megabytes of input: built on demand, never kept."""
    known_gap: str | None = None
    """Why this case still raises, and where (a strict xfail in the tests)."""


def _join(*pieces: str) -> str:
    return "".join(pieces)


def _rng(name: str) -> random.Random:
    return random.Random(f"hostile:{name}")


# nesting --------------------------------------------------------------------------------


def _deep(open_tag: str, close_tag: str, depth: int, *, closed: bool = True) -> str:
    return _join(open_tag * depth, PARAGRAPH, close_tag * depth if closed else "")


def _formatting_bomb() -> str:
    """Thousands of distinct open formatting elements, then thousands of paragraphs: an HTML5
    parser re-opens every formatting element in each new paragraph (quadratic)."""
    opened = "".join(f"<b class='c{number}'>" for number in range(5000))
    return _join("<body>", opened, PARAGRAPH * 5000, "</body>")


# size -----------------------------------------------------------------------------------


def _repeat_to(piece: str, size: int, *, head: str = "<html><body>",
               tail: str = "</body></html>") -> str:
    return _join(head, piece * max(1, (size - len(head) - len(tail)) // len(piece)), tail)


def _text_blob(size: int) -> str:
    words = SENTENCE.split()
    rng = _rng("blob")
    chosen = " ".join(rng.choice(words) for _ in range(20_000))
    return _join("<html><body><p>", chosen * max(1, size // len(chosen)), "</p></body></html>")


# encoding -------------------------------------------------------------------------------


def _random_bytes(size: int) -> bytes:
    return _rng("bytes").randbytes(size)


def _mixed_encodings() -> bytes:
    pieces = []
    for number in range(2000):
        text = f"<p>Régions d'Europe, réunion numéro {number} à Bruxelles.</p>"
        pieces.append(text.encode("utf-8" if number % 2 else "cp1252"))
    return b"<html><body>" + b"".join(pieces) + b"</body></html>"


def _invalid_utf8() -> bytes:
    rng = _rng("utf8")
    broken = [b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xff", b"\xfe", b"\xc0\xaf", b"\xed\xa0\x80"]
    pieces = [PARAGRAPH.encode() + rng.choice(broken) for _ in range(5000)]
    return b"<html><body>" + b"".join(pieces) + b"</body></html>"


def _meta_charset(name: str) -> bytes:
    return f'<meta charset="{name}">{PAGE}'.encode()


# tags -----------------------------------------------------------------------------------


def _tag_soup(size: int) -> str:
    rng = _rng("soup")
    pieces = ["<", ">", "</", "<!", "<?", "'", '"', "=", "<p", "<div ", "</div", "<a href=",
              "<!--", "-->", "<![CDATA[", "]]>", "<script>", "</script>", "<table>", "<td>",
              " council ", "&", "&#", ";", "<br/>", "<select>", "<template>", "<svg>"]
    return "".join(rng.choice(pieces) for _ in range(size // 4))


# entities -------------------------------------------------------------------------------

XHTML_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n'
              '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
              '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd" [\n')
XHTML_BODY = ('<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Bomb</title></head>'
              '<body><p>{reference}</p>' + PARAGRAPH + '</body></html>')


def _billion_laughs() -> str:
    entities = ['<!ENTITY lol "lol">']
    entities += [f'<!ENTITY lol{level} "{f"&lol{level - 1};" if level > 1 else "&lol;"}'
                 f'{(f"&lol{level - 1};" if level > 1 else "&lol;") * 9}">'
                 for level in range(1, 10)]
    return XHTML_HEAD + "\n".join(entities) + "\n]>" + XHTML_BODY.format(reference="&lol9;")


def _quadratic_blowup() -> str:
    entity = '<!ENTITY big "' + "lol" * 100_000 + '">'
    return XHTML_HEAD + entity + "\n]>" + XHTML_BODY.format(reference="&big;" * 20_000)


def _external_entity() -> str:
    entity = '<!ENTITY secret SYSTEM "file:///etc/passwd">'
    return XHTML_HEAD + entity + "\n]>" + XHTML_BODY.format(reference="&secret;")


# json-ld --------------------------------------------------------------------------------


def _json_ld_page(*scripts: str) -> str:
    tags = "".join(f'<script type="application/ld+json">{script}</script>' for script in scripts)
    return PAGE.replace("</head>", tags + "</head>")


def _ill_typed_json_ld() -> str:
    odd: list[object] = [None, 5, -1.5, True, [], {}, "", [None, {"@id": 3}], {"name": ["x"]},
                         "9999-99-99", "20.10.2022", {"@value": {"@value": None}}]
    objects = []
    for value in odd:
        objects.append({key: value for key in (
            "@type", "@id", "@context", "@graph", "headline", "name", "datePublished",
            "dateModified", "author", "publisher", "inLanguage", "keywords", "articleSection",
            "itemListElement", "item", "position", "url", "mainEntityOfPage", "breadcrumb",
            "image", "description", "about")})
    objects.append({"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": "first", "item": {"@id": 5, "name": None}},
        {"position": 1e308, "name": ["Home"], "item": "javascript:alert(1)"},
        {"position": -1, "item": None}, "not an item", None]})
    objects.append({"@type": ["NewsArticle", 3, None], "headline": {"@value": "x"},
                    "datePublished": 20221020, "publisher": "CEMR", "author": [[[]]]})
    return _json_ld_page(*(json.dumps(item) for item in objects))


def _deep_json_ld(depth: int) -> str:
    value: object = {"@type": "NewsArticle", "headline": "Deep"}
    for _ in range(depth):
        value = {"@type": "Thing", "about": value, "@graph": [value] if depth < 50 else []}
    return _json_ld_page(json.dumps(value))


def _nested_json_ld_arrays(depth: int) -> str:
    return _json_ld_page("[" * depth + "]" * depth)


def _huge_json_ld(size: int) -> str:
    graph = [{"@type": "Thing", "name": f"thing {number}", "url": f"/thing/{number}"}
             for number in range(size // 50)]
    return _json_ld_page(json.dumps({"@context": "https://schema.org", "@graph": graph}))


def _special_numbers_json_ld() -> str:
    return _json_ld_page('{"@type": "NewsArticle", "headline": NaN, "position": Infinity, '
                         '"datePublished": -Infinity, "wordCount": ' + "9" * 5000 + "}",
                         '{"@type": "NewsArticle", "headline": "Numbers", "wordCount": 1e999}')


# the corpus -----------------------------------------------------------------------------

CASES: tuple[HostileCase, ...] = (
    # nesting
    HostileCase("div-100k-deep", "nesting", lambda: _deep("<div>", "</div>", 100_000),
                expect=SENTENCE),
    HostileCase("unclosed-100k-deep", "nesting",
                lambda: _deep("<div><span>", "", 50_000, closed=False), expect=SENTENCE),
    HostileCase("table-cells-100k-deep", "nesting",
                lambda: _deep("<table><tr><td>", "</td></tr></table>", 33_000)),
    HostileCase("lists-100k-deep", "nesting", lambda: _deep("<ul><li>", "</li></ul>", 50_000)),
    HostileCase("inline-100k-deep", "nesting",
                lambda: _deep("<b><i><em><a href='/x'>", "</a></em></i></b>", 25_000)),
    HostileCase("formatting-reconstruction", "nesting", _formatting_bomb),
    HostileCase("svg-math-100k-deep", "nesting",
                lambda: _deep("<svg><g><math><mi>", "</mi></math></g></svg>", 25_000)),
    # size: 50 MB pages, every shape
    HostileCase("50mb-paragraphs", "size", lambda: _repeat_to(f"<div>{PARAGRAPH}</div>", 50 * MB),
                expect=SENTENCE, large=True),
    HostileCase("50mb-tiny-paragraphs", "size", lambda: _repeat_to("<p>a b</p>", 50 * MB),
                large=True),
    HostileCase("50mb-table-cells", "size",
                lambda: _repeat_to("<td>3</td>", 50 * MB, head="<table><tr>", tail="</tr></table>"),
                large=True),
    HostileCase("50mb-line-breaks", "size", lambda: _repeat_to("Local democracy.<br>", 50 * MB),
                large=True),
    HostileCase("50mb-one-paragraph", "size", lambda: _text_blob(50 * MB), large=True),
    HostileCase("50mb-one-word", "size", lambda: _join("<p>", "a" * 50 * MB, "</p>"), large=True),
    HostileCase("50mb-comment", "size",
                lambda: _join("<!--", "x" * 50 * MB, "-->", PAGE), large=True),
    HostileCase("50mb-script", "size",
                lambda: _join("<script>var a='", "x" * 50 * MB, "';</script>", PAGE), large=True),
    HostileCase("50mb-links", "size", lambda: _repeat_to("<a href='/en/a'>News</a> ", 50 * MB),
                large=True),
    HostileCase("50mb-bytes-cp1252", "size",
                lambda: _repeat_to("<p>Régions d'Europe réunies à Bruxelles.</p>",
                                   50 * MB).encode("cp1252"), large=True),
    # nul
    HostileCase("nul-between-characters", "nul", lambda: "\x00".join(PAGE), expect="Municipalities"),
    HostileCase("nul-bytes-in-bytes", "nul", lambda: PAGE.replace("<p>", "<p>\x00").encode(),
                expect=SENTENCE),
    HostileCase("nul-in-tag-names", "nul", lambda: PAGE.replace("<p", "<p\x00").replace("</", "<\x00/")),
    HostileCase("nul-only", "nul", lambda: b"\x00" * MB),
    HostileCase("utf16-without-bom", "nul", lambda: PAGE.encode("utf-16-le"), expect=SENTENCE),
    # encoding
    HostileCase("random-bytes", "encoding", lambda: _random_bytes(2 * MB)),
    HostileCase("invalid-utf8", "encoding", _invalid_utf8, charset="utf-8"),
    HostileCase("mixed-utf8-cp1252", "encoding", _mixed_encodings, expect="Bruxelles"),
    HostileCase("declared-utf8-body-cp1252", "encoding",
                lambda: PAGE.replace("regions", "régions").encode("cp1252"), charset="utf-8",
                expect="régions"),
    HostileCase("declared-latin1-body-utf8", "encoding",
                lambda: PAGE.replace("regions", "régions").encode("utf-8"), charset="iso-8859-1",
                expect="régions"),
    HostileCase("declared-utf16-body-utf8", "encoding", lambda: PAGE.encode(), charset="utf-16",
                expect=SENTENCE),
    HostileCase("declared-bogus-charset", "encoding", lambda: PAGE.encode(),
                charset="no-such-charset\x00", expect=SENTENCE),
    *(HostileCase(f"meta-charset-{name}", "encoding",
                  partial(_meta_charset, name), expect=SENTENCE)
      for name in ("zip", "base64", "hex", "rot13", "undefined", "punycode", "idna", "utf-7",
                   "unicode-escape", "x-user-defined", "utf-32")),
    HostileCase("declared-charset-undefined", "encoding", lambda: PAGE.encode(),
                charset="undefined", expect=SENTENCE),
    HostileCase("bom-utf16-odd-length", "encoding", lambda: b"\xff\xfe" + PAGE.encode() + b"x"),
    # tags
    HostileCase("tag-soup", "tags", lambda: _tag_soup(2 * MB)),
    HostileCase("unterminated-tags", "tags", lambda: "<a " * 1_000_000),
    HostileCase("unterminated-link-tags", "tags", lambda: "<link rel=canonical " * 200_000),
    HostileCase("angle-brackets", "tags", lambda: "<" * MB + ">" * MB + PAGE),
    HostileCase("unterminated-comment", "tags", lambda: "<!--" + PAGE),
    HostileCase("unterminated-attribute", "tags", lambda: '<p title="' + PAGE),
    HostileCase("plaintext-element", "tags", lambda: "<plaintext>" + PAGE * 1000),
    HostileCase("unclosed-raw-text", "tags",
                lambda: "<textarea><title><style><xmp><iframe><noembed>" + PAGE),
    HostileCase("cdata-and-instructions", "tags",
                lambda: "<![CDATA[x]]><?php system('id'); ?><!DOCTYPE x [<!ENTITY a 'b'>]>" + PAGE,
                expect=SENTENCE),
    HostileCase("closing-tags-only", "tags", lambda: "</div></p></table>" * 50_000 + PAGE,
                expect=SENTENCE),
    # attributes
    HostileCase("20mb-attribute", "attributes",
                lambda: _join('<p title="', "x" * 20 * MB, '">', SENTENCE, "</p>"), large=True),
    HostileCase("100k-attributes", "attributes",
                lambda: _join("<div ", " ".join(f"a{n}='{n}'" for n in range(100_000)), ">",
                              PARAGRAPH, "</div>"), expect=SENTENCE),
    HostileCase("huge-class-list", "attributes",
                lambda: _join("<div class='", "nav footer hidden-x " * 200_000, "'>", PARAGRAPH,
                              "</div>")),
    HostileCase("huge-style", "attributes",
                lambda: _join("<div style='", "display" * 100_000, ":", " " * MB, "'>", PARAGRAPH,
                              "</div>"), expect=SENTENCE),
    HostileCase("huge-href", "attributes",
                lambda: _join("<p>", SENTENCE, " <a href='/", "%2e%2e/" * 500_000, "'>More</a></p>"),
                expect=SENTENCE),
    HostileCase("long-ids-everywhere", "attributes",
                lambda: _repeat_to(f"<div id='{'breadcrumb-' * 100}'>{PARAGRAPH}</div>", 5 * MB)),
    # entities
    HostileCase("billion-laughs-xhtml", "entities", _billion_laughs, refuse="lollollollol"),
    HostileCase("quadratic-blowup-xhtml", "entities", _quadratic_blowup,
                refuse="lollollollollollollol" * 100),
    HostileCase("external-entity-xhtml", "entities", _external_entity, refuse="root:"),
    HostileCase("numeric-references", "entities",
                lambda: _join("<p>", "&#99999999999;&#0;&#xD800;&#x110000;&#-1;" * 20_000,
                              "</p>", PAGE), expect=SENTENCE),
    HostileCase("named-references", "entities",
                lambda: _join("<p>", "&amp;&nbsp;&NotASuchEntity;&lt" * 500_000, "</p>")),
    # urls no parser accepts (urljoin raises ValueError on "//[")
    HostileCase("invalid-url-in-links", "urls",
                lambda: PAGE.replace("</p></div>", " <a href='//['>more</a> <a href='http://[::1'>"
                                     "again</a></p></div>"), expect=SENTENCE),
    HostileCase("invalid-url-in-link-rel", "urls",
                lambda: PAGE.replace("</head>", "<link rel=canonical href='http://[::1'>"
                                     "<link rel=next href='//['></head>"), expect=SENTENCE),
    HostileCase("invalid-url-in-json-ld-breadcrumb", "urls",
                lambda: _json_ld_page('{"@type": "BreadcrumbList", "itemListElement": [{"@type":'
                                      ' "ListItem", "position": 1, "name": "Home", "item": "//["}]}'),
                expect=SENTENCE),
    # json-ld
    HostileCase("json-ld-invalid", "json-ld",
                lambda: _json_ld_page("{not json", '{"@type": "NewsArticle", "headline": ',
                                      "\x00\ufffd", "]]]"), expect=SENTENCE),
    HostileCase("json-ld-ill-typed", "json-ld", _ill_typed_json_ld, expect=SENTENCE),
    HostileCase("json-ld-100k-deep-arrays", "json-ld", lambda: _nested_json_ld_arrays(100_000),
                expect=SENTENCE),
    HostileCase("json-ld-900-deep-objects", "json-ld", lambda: _deep_json_ld(900),
                expect=SENTENCE),
    HostileCase("json-ld-just-under-limit", "json-ld", lambda: _huge_json_ld(990_000),
                expect=SENTENCE),
    HostileCase("json-ld-5mb", "json-ld", lambda: _huge_json_ld(5 * MB), expect=SENTENCE),
    HostileCase("json-ld-special-numbers", "json-ld", _special_numbers_json_ld, expect=SENTENCE),
    HostileCase("json-ld-10k-scripts", "json-ld",
                lambda: _json_ld_page(*['{"@type": "NewsArticle", "headline": "x"}'] * 10_000),
                expect=SENTENCE),
    # script-only pages
    HostileCase("script-only", "script",
                lambda: "<html><head><script>document.write('<p>" + SENTENCE +
                        "</p>')</script></head><body><script>location='/x'</script></body></html>"),
    HostileCase("noscript-only", "script",
                lambda: "<html><body><noscript><p>Enable JavaScript.</p></noscript></body></html>"),
    HostileCase("script-with-closing-tag-in-string", "script",
                lambda: "<script>var s = '</scr' + 'ipt><p>fake</p>'; var t = \"</script\";"
                        "</script>" + PAGE, expect=SENTENCE),
    HostileCase("template-and-style-only", "script",
                lambda: "<template><p>" + SENTENCE + "</p></template><style>p{}</style>" * 10_000),
)


# fuzzing --------------------------------------------------------------------------------

FUZZ_URLS = (CEMR_URL, OTHER_URL, "https://ccre.org/fr/activites/view/3",
             "http://127.0.0.1:8080/en/actualites/view/1")
FUZZ_PIECES = (
    "<p>", "</p>", "<div class='sidebar hidden'>", "<div>", "</div>", "<br>", "<br/>", "<ul>",
    "<li>", "</ul>", "<ol start=-5>", "<table><tr><td>", "</td></tr></table>", "<h1>", "</h1>",
    "<a href='", "'>", "</a>", "<a href=javascript:alert(1)>", "<a href='//[", "<a href='../../x'>",
    "<script>", "</script>", "<script type='application/ld+json'>", '{"@type": "NewsArticle", ',
    '"headline": ', '"datePublished": "', '"itemListElement": [', "]}", "NaN", "[[[[", "<style>",
    "<!--", "-->", "<![CDATA[", "]]>", "<?xml version='1.0'?>", "<!DOCTYPE x [<!ENTITY e 'ee'>]>",
    "&e;", "&amp;", "&#0;", "&#xD800;", "&#99999999;", "&nbsp;", "\x00", "\ufffd", "\ud800",
    "<meta charset='utf-16'>", "<meta charset=zip>", "<meta http-equiv=content-type "
    "content='text/html; charset=undefined'>", "<time datetime='2020-13-45'>", "</time>",
    "Solidarity with Ukraine - 20.10.2022", " - 31.02.2021", "Home / News / ", "« ", " »", "“", "”",
    "According to Jane Doe, mayor of Town:", "3-7 October 2022 ", "le 1er janvier 2023",
    "Développez vos ventes : conseil marketing", "<noscript>", "<template>", "<svg><g>",
    "<math>", "<plaintext>", "<textarea>", "<title>", "</title>", "<select><option>", "<b><i>",
    "</b></i>", "<p style='display:none'>", "<span aria-hidden=true>", "\r\n", "\t", "<",
    ">", "'", '"', "=", "&", "#", ";", "/", "..", "%2e%2e%2f",
)
FUZZ_CHARSETS = (None, "utf-8", "windows-1252", "iso-8859-1", "utf-16", "utf-16-le", "shift_jis",
                 "zip", "base64", "undefined", "utf-7", "punycode", "bogus\x00", "")
FUZZ_ENCODINGS = ("str", "utf-8", "cp1252", "utf-16-le", "utf-16", "gb18030")


def fuzz_cases() -> SearchStrategy[FuzzCase]:
    """A hypothesis strategy of (page, url, charset): pages made of hostile pieces, text and
    raw bytes, as text or bytes in some encoding, with any declared charset (hypothesis is a
    test-only dependency, imported here only)."""
    from hypothesis import strategies as st

    piece = st.sampled_from(FUZZ_PIECES) | st.text(max_size=24) | \
        st.binary(max_size=12).map(lambda data: data.decode("latin-1"))
    nested = st.tuples(st.sampled_from(("div", "p", "li", "td", "b", "a", "table", "span")),
                       st.integers(0, 400)).map(lambda pair: f"<{pair[0]}>" * pair[1])
    html = st.lists(piece | nested, max_size=80).map("".join)

    def encoded(pair: tuple[str, str]) -> str | bytes:
        text, encoding = pair
        if encoding == "str":
            return text
        return text.encode(encoding, errors="surrogatepass" if "utf" in encoding else "replace")

    page = st.tuples(html, st.sampled_from(FUZZ_ENCODINGS)).map(encoded) | st.binary(max_size=400)
    return st.tuples(page, st.sampled_from(FUZZ_URLS), st.sampled_from(FUZZ_CHARSETS))
