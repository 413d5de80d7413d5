"""Records as text: the formats ``scraper extract`` and ``scraper get`` write (``--format``).

One record (:func:`render`) or a stream of them (:func:`render_many`) in one of
:data:`FORMATS`:

- ``json``: the record as JSON, pretty-printed (indent 2, non-ASCII as is): what
  ``Article.model_dump_json()`` holds. Several records make one JSON array.
- ``jsonl``: the record on one line, as :class:`~scraper.records.jsonl.JsonlWriter` writes
  it. Several records are several lines.
- ``txt``: the title, a blank line and the body text (``Article.text``: paragraphs and list
  items), like trafilatura's txt output. Several records are separated by a line of ``=``.
- ``md``: Markdown (CommonMark): ``# title``, one metadata line (published date, section,
  topics, URL), then the body: paragraphs, sub-headings as ``##``, lists as ``-`` or ``1.``
  lists, and each quote
  that fills whole paragraphs as a ``>`` blockquote of those paragraphs ending in
  ``> — speaker, role``. Record text is escaped: a paragraph starting with ``1.`` or ``#``
  stays a paragraph, ``*`` or ``<b>`` stay characters. Several records are separated by a
  ``---`` rule.
- ``tei``: an XML TEI P5 document (``<TEI>`` in the TEI namespace). Its ``<teiHeader>``
  holds the title, publisher, publication date and URL (``publicationStmt``), the source page
  (``sourceDesc/bibl``), the language (``langUsage``), section and topics
  (``textClass/keywords/term``) and the quoted speakers (``particDesc/listPerson/person``,
  each with an ``xml:id``); its ``<body>`` holds ``<p>``, ``<list rend="bulleted|numbered">``
  with ``<item>``, and each quote as ``<said who="#speaker-N"><quote>``; a sub-heading opens
  a ``<div>`` with its ``<head>``, holding the blocks up to the next one. Several records
  make one ``<teiCorpus>`` with a header of its own and one ``<TEI>`` per record (an XML
  file has one root); there speaker ids are ``record-N-speaker-M``, unique in the file.

The body's blocks follow ``Article.text``: a list stands where its items are (else after its
intro paragraph). A quote that fills whole paragraphs (its quote marks aside) stands in their
place; a quote inside a paragraph ("“...,” said X") stays in it, marked ``<said>`` in TEI and
as written in md; a quote found in no paragraph follows the body, so none is lost.

Every text ends with a newline. In txt, md and tei, the characters XML 1.0 forbids (C0
controls but tab and line feed, lone surrogates, U+FFFE, U+FFFF) are removed and line ends
become ``\\n``; the XML is built with ElementTree, which escapes all the rest.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from pydantic_core import PydanticSerializationError

from scraper.errors import ExportError
from scraper.names import FORMATS
from scraper.records.models import Article, ListBlock, Quote


TEI_NAMESPACE = "http://www.tei-c.org/ns/1.0"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
TXT_SEPARATOR = "\n" + "=" * 72 + "\n\n"
"""Between two records in txt: a blank line, a line of ``=``, a blank line."""
MD_SEPARATOR = "\n---\n\n"
"""Between two records in md: a thematic break between blank lines."""
QUOTE_MARKS = "\"'“”„‟«»‹›‘’‚ \u00a0\u202f\t\n"
"""Stripped from both ends when matching a quote's text with the paragraphs it spans."""
CORPUS_TITLE = "Extracted records"
"""The title of a ``<teiCorpus>`` header; each record's own header names its page."""

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~#])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_LINE_START = re.compile(r"^(?:([+\-=])|(\d+)([.)]))")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


class _Paragraph(NamedTuple):
    """A body paragraph and the quotes found inside it (offset, quote), by offset."""

    text: str
    quotes: tuple[tuple[int, Quote], ...] = ()


class _Quoted(NamedTuple):
    """A quote and the body paragraphs it spans, in order (none: found in no paragraph)."""

    quote: Quote
    paragraphs: tuple[str, ...]


_Block = _Paragraph | ListBlock | _Quoted
"""One block of the body: a paragraph, a list or a quote."""


def render(article: Article, format_name: str) -> str:
    """``article`` as text in format ``format_name`` (one of :data:`FORMATS`), ending in a newline.

    Raises :class:`~scraper.errors.ExportError` for an unknown format."""
    _check_format(format_name)
    if format_name in ("json", "jsonl"):
        return _json(article, indent=2 if format_name == "json" else None) + "\n"
    if format_name == "txt":
        return _txt(article)
    if format_name == "md":
        return _markdown(article)
    return _xml_text(_tei(article, id_prefix=""))


def render_many(articles: Iterable[Article], format_name: str) -> Iterator[str]:
    """``articles`` as one text in format ``format_name``, yielded in pieces as the records come:
    a JSON array, JSON lines, txt or md records with separators, or one ``<teiCorpus>``.
    No records yield nothing, but ``[]`` in json.

    Raises :class:`~scraper.errors.ExportError` for an unknown format."""
    _check_format(format_name)
    count = 0
    for count, article in enumerate(articles, start=1):
        yield _piece(article, format_name, count)
    if format_name == "json":
        yield "\n]\n" if count else "[]\n"
    elif format_name == "tei" and count:
        yield "</teiCorpus>\n"


def _piece(article: Article, format_name: str, number: int) -> str:
    """Record ``number`` (from 1) of a stream, with what precedes it in ``format_name``."""
    first = number == 1
    if format_name == "json":
        record = _json(article, indent=2).replace("\n", "\n  ")
        return ("[\n  " if first else ",\n  ") + record
    if format_name == "tei":
        tree = _tei(article, id_prefix=f"record-{number}-")
        _indent(tree, level=1)
        return (_corpus_start() if first else "") + "  " + _serialise(tree) + "\n"
    separator = {"txt": TXT_SEPARATOR, "md": MD_SEPARATOR}.get(format_name, "")
    return ("" if first else separator) + render(article, format_name)


def _json(article: Article, *, indent: int | None) -> str:
    try:
        return article.model_dump_json(indent=indent)
    except PydanticSerializationError as error:  # a lone surrogate in a string
        raise ExportError(f"record of {article.url} cannot be written as JSON: {error}") \
            from error


def _check_format(format_name: str) -> None:
    if format_name not in FORMATS:
        raise ExportError(f"unknown record format {format_name!r}: use one of {', '.join(FORMATS)}")


def _clean(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids, with ``\\n`` line ends."""
    return _NOT_IN_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _pointer(url: str) -> str:
    """``url`` with spaces, controls, ``<``, ``>`` and non-ASCII percent-encoded: a URI that
    fits an autolink or a ``target`` attribute."""
    return quote(_clean(url), safe=_URL_SAFE)


# -- reading order ---------------------------------------------------------------------------


def _blocks(article: Article) -> list[_Block]:
    """The body's paragraphs, lists and quotes in reading order (see the module docstring)."""
    blocks: list[str | ListBlock | _Quoted] = _reading_order(article)
    inside: list[Quote] = []
    for quoted in article.quotes:  # first every quote that is whole paragraphs
        blocks, found = _replace_quoted(blocks, quoted)
        if not found:
            inside.append(quoted)
    spans: dict[int, list[tuple[int, Quote]]] = {}
    after: list[_Block] = []
    for quoted in inside:
        place = _find_inside(blocks, spans, quoted)
        if place is None:
            after.append(_Quoted(quoted, ()))
        else:
            spans.setdefault(place[0], []).append((place[1], quoted))
    return [_Paragraph(block, tuple(sorted(spans.get(index, ()), key=lambda span: span[0])))
            if isinstance(block, str) else block
            for index, block in enumerate(blocks)] + after


def _heading_blocks(article: Article, blocks: list[_Block]) -> set[int]:
    """Indexes (in ``blocks``, :func:`_blocks`) of the paragraphs that are the record's
    sub-headings, matched in order."""
    found: set[int] = set()
    pending = list(article.headings)
    for index, block in enumerate(blocks):
        if pending and isinstance(block, _Paragraph) and not block.quotes and \
                block.text == pending[0]:
            found.add(index)
            pending.pop(0)
    return found


def _reading_order(article: Article) -> list[str | ListBlock | _Quoted]:
    """Paragraphs and lists in the order ``Article.text`` has them: a list where its items
    are, else after its intro paragraph, else at the end."""
    text = article.text
    placed: list[tuple[float, int, str | ListBlock]] = []
    cursor = 0
    for paragraph in article.paragraphs:
        found = text.find(paragraph, cursor)
        if found >= 0:
            cursor = found + len(paragraph)
        placed.append((found if found >= 0 else cursor, len(placed), paragraph))
    cursor = 0
    for block in article.lists:
        found = text.find("\n".join(block.items), cursor)
        if found >= 0:
            cursor = found + 1
            position: float = found
        else:
            intros = [at for at, _, paragraph in placed if paragraph == block.intro]
            position = intros[0] + 0.5 if intros else float("inf")
        placed.append((position, len(placed), block))
    return [block for _, _, block in sorted(placed, key=lambda row: row[:2])]


def _unquoted(text: str) -> str:
    return text.strip(QUOTE_MARKS)


def _quote_parts(quoted: Quote) -> list[str]:
    """The quote's paragraphs, without quote marks."""
    return [_unquoted(part) for part in quoted.text.split("\n\n") if _unquoted(part)]


def _replace_quoted(blocks: list[str | ListBlock | _Quoted],
                    quoted: Quote) -> tuple[list[str | ListBlock | _Quoted], bool]:
    """``blocks`` with the first run of paragraphs that are ``quoted``'s paragraphs (quote
    marks aside) replaced by one quote block, and whether there was such a run."""
    parts = _quote_parts(quoted)
    for start in range(len(blocks) - len(parts) + 1):
        run = blocks[start:start + len(parts)]
        paragraphs = tuple(block for block in run if isinstance(block, str))
        if len(paragraphs) == len(parts) and all(
                _unquoted(paragraph) == part for paragraph, part in zip(paragraphs, parts)):
            return [*blocks[:start], _Quoted(quoted, paragraphs),
                    *blocks[start + len(parts):]], True
    return blocks, False


def _find_inside(blocks: list[str | ListBlock | _Quoted],
                 spans: dict[int, list[tuple[int, Quote]]],
                 quoted: Quote) -> tuple[int, int] | None:
    """(block index, offset) of ``quoted``'s text in a paragraph, clear of the quotes already
    found there; None when no paragraph has it."""
    for index, block in enumerate(blocks):
        if not isinstance(block, str):
            continue
        start = block.find(quoted.text)
        end = start + len(quoted.text)
        if start >= 0 and all(end <= other or start >= other + len(found.text)
                              for other, found in spans.get(index, ())):
            return index, start
    return None


def _attribution(quoted: Quote) -> str:
    """``speaker, role``, either alone, or "" for an unattributed quote."""
    return ", ".join(part for part in (quoted.speaker, quoted.role) if part)


# -- txt and md ------------------------------------------------------------------------------


def _txt(article: Article) -> str:
    return "\n\n".join(_clean(part).strip() for part in (article.title, article.text)
                       if part.strip()) + "\n"


def _md_inline(text: str) -> str:
    """Record text as Markdown inline content that reads as itself (one line): markup
    characters and entity references escaped."""
    line = _clean(text).replace("\n", " ").strip()
    return _MD_ENTITY.sub(r"\\&", _MD_INLINE.sub(r"\\\1", line))


def _md_lines(text: str) -> list[str]:
    """The non-blank lines of ``text`` (a blank line would end the block), each escaped
    inline and at its start, where ``#``, ``-``, ``+``, ``=``, ``1.`` would open a block."""
    return [_MD_LINE_START.sub(lambda match: f"\\{match[1]}" if match[1]
                               else f"{match[2]}\\{match[3]}", _md_inline(line))
            for line in _clean(text).split("\n") if line.strip()]


def _md_metadata(article: Article) -> str:
    fields = []
    if published := article.published.isoformat() if article.published else \
            article.published_raw:
        fields.append(f"Published: {_md_inline(published)}")
    if article.section:
        fields.append(f"Section: {_md_inline(article.section)}")
    if article.topics:
        fields.append(f"Topics: {', '.join(_md_inline(topic) for topic in article.topics)}")
    fields.append(f"URL: <{_pointer(article.url)}>")
    return " · ".join(fields)


def _md_list(block: ListBlock) -> list[str]:
    lines = []
    for number, item in enumerate(block.items, start=1):
        marker = f"{number}. " if block.ordered else "- "
        item_lines = _md_lines(item) or [""]
        lines.append(marker + item_lines[0])
        lines.extend(" " * len(marker) + line for line in item_lines[1:])
    return lines


def _md_quote(quoted: _Quoted) -> list[str]:
    paragraphs = quoted.paragraphs or tuple(quoted.quote.text.split("\n\n"))
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines:
            lines.append(">")
        lines.extend(f"> {line}" for line in _md_lines(paragraph))
    if attribution := _attribution(quoted.quote):
        lines.extend([">", f"> — {_md_inline(attribution)}"])
    return lines


def _markdown(article: Article) -> str:
    chunks = []
    if title := _md_inline(article.title):
        chunks.append(f"# {title}")
    chunks.append(_md_metadata(article))
    previous: _Block | None = None
    blocks = _blocks(article)
    headings = _heading_blocks(article, blocks)
    for index, block in enumerate(blocks):
        if index in headings and isinstance(block, _Paragraph):
            chunks.append(f"## {_md_inline(block.text)}")
        elif isinstance(block, ListBlock):
            if isinstance(previous, ListBlock) and previous.ordered == block.ordered:
                chunks.append("<!-- -->")  # two lists in a row would merge into one
            chunks.append("\n".join(_md_list(block)))
        elif isinstance(block, _Quoted):
            chunks.append("\n".join(_md_quote(block)))
        elif lines := _md_lines(block.text):  # a quote inside stays as written
            chunks.append("\n".join(lines))
        previous = block
    return "\n\n".join(chunks) + "\n"


# -- TEI -------------------------------------------------------------------------------------


def _element(parent: ET.Element | None, tag: str, text: str | None = None,
             **attributes: str) -> ET.Element:
    """An element (under ``parent`` when given) with cleaned ``text`` and attributes;
    ``xml_id`` and ``xml_lang`` become ``xml:id`` and ``xml:lang``. Tags stay unqualified:
    the root declares the TEI namespace as the default one (:func:`_tei_root`)."""
    values = {(f"{{{XML_NAMESPACE}}}{name[4:]}" if name.startswith("xml_") else name):
              _clean(value) for name, value in attributes.items()}
    node = ET.Element(tag, values) if parent is None else ET.SubElement(parent, tag, values)
    if text is not None:
        node.text = _clean(text)
    return node


def _tei_root(tag: str, **attributes: str) -> ET.Element:
    """A root element in the TEI namespace (declared as the default namespace)."""
    return _element(None, tag, xmlns=TEI_NAMESPACE, **attributes)


def _speaker_ids(quotes: Iterable[Quote], id_prefix: str) -> dict[str, str]:
    """Who said each quote (the speaker's name, else the role) -> an ``xml:id``, numbered in
    order of first quote."""
    ids: dict[str, str] = {}
    for quoted in quotes:
        key = quoted.speaker or quoted.role
        if key and key not in ids:
            ids[key] = f"{id_prefix}speaker-{len(ids) + 1}"
    return ids


def _tei_header(article: Article, speakers: dict[str, str], parent: ET.Element) -> None:
    header = _element(parent, "teiHeader")
    file_description = _element(header, "fileDesc")
    _element(_element(file_description, "titleStmt"), "title", article.title)
    publisher = article.site_name or urlsplit(article.url).hostname or article.url
    publication = _element(file_description, "publicationStmt")
    _element(publication, "publisher", publisher)
    if article.published:
        _element(publication, "date", article.published_raw or article.published.isoformat(),
                 when=article.published.isoformat())
    _element(publication, "idno", article.url, type="URL")
    source = _element(_element(file_description, "sourceDesc"), "bibl")
    if article.title:
        _element(source, "title", article.title)
    _element(source, "publisher", publisher)
    if article.published:
        _element(source, "date", article.published_raw or article.published.isoformat(),
                 when=article.published.isoformat())
    _element(source, "ptr", target=_pointer(article.url))

    profile = _element(header, "profileDesc")
    if article.language:
        _element(_element(profile, "langUsage"), "language", ident=article.language)
    if article.section or article.topics:
        keywords = _element(_element(profile, "textClass"), "keywords")
        if article.section:
            _element(keywords, "term", article.section, type="section")
        for topic in article.topics:
            _element(keywords, "term", topic, type="topic")
    if speakers:
        people = _element(_element(profile, "particDesc"), "listPerson")
        for key, speaker_id in speakers.items():
            person = _element(people, "person", xml_id=speaker_id)
            quotes = [quoted for quoted in article.quotes
                      if (quoted.speaker or quoted.role) == key]
            if quotes[0].speaker:
                _element(person, "persName", quotes[0].speaker)
            for role in dict.fromkeys(quoted.role for quoted in quotes if quoted.role):
                _element(person, "occupation", role)


def _tei_said(parent: ET.Element, quoted: Quote, parts: list[str],
              speakers: dict[str, str]) -> ET.Element:
    """``<said who="#id"><quote>`` for ``quoted`` under ``parent``, holding its text
    (``parts``: one, or several paragraphs as ``<p>``)."""
    key = quoted.speaker or quoted.role
    said = _element(parent, "said", **({"who": f"#{speakers[key]}"} if key else {}))
    if len(parts) == 1:
        _element(said, "quote", parts[0])
    else:
        text = _element(said, "quote")
        for part in parts:
            _element(text, "p", part)
    return said


def _tei_paragraph(parent: ET.Element, paragraph: _Paragraph,
                   speakers: dict[str, str]) -> None:
    """``<p>`` with each quote inside it marked as ``<said><quote>`` where it stands."""
    text, quotes = paragraph.text, paragraph.quotes
    node = _element(parent, "p", text[:quotes[0][0]] if quotes else text)
    for number, (start, quoted) in enumerate(quotes):
        said = _tei_said(node, quoted, [quoted.text], speakers)
        end = quotes[number + 1][0] if number + 1 < len(quotes) else len(text)
        said.tail = _clean(text[start + len(quoted.text):end])


def _tei(article: Article, *, id_prefix: str) -> ET.Element:
    """The ``<TEI>`` element of ``article``; speaker ids start with ``id_prefix``."""
    root = _tei_root("TEI", **({"xml_lang": article.language} if article.language else {}))
    speakers = _speaker_ids(article.quotes, id_prefix)
    _tei_header(article, speakers, root)
    body = parent = _element(_element(root, "text"), "body")
    blocks = _blocks(article)
    headings = _heading_blocks(article, blocks)
    for index, block in enumerate(blocks):
        if index in headings and isinstance(block, _Paragraph):
            # A sub-heading opens a <div> that holds the blocks up to the next one.
            parent = _element(body, "div")
            _element(parent, "head", block.text)
        elif isinstance(block, ListBlock):
            items = _element(parent, "list", rend="numbered" if block.ordered else "bulleted")
            for item in block.items:
                _element(items, "item", item)
        elif isinstance(block, _Quoted):
            _tei_said(parent, block.quote, _quote_parts(block.quote), speakers)
        else:
            _tei_paragraph(parent, block, speakers)
    if len(body) == 0:
        _element(body, "p")  # a body holds at least one block
    return root


def _indent(node: ET.Element, level: int = 0) -> None:
    """Indent element-only content two spaces a level; leave mixed content as it is (a
    ``<p>``, with a quote marked inside or not: whitespace there would be text)."""
    mixed = node.tag == "p" or bool(node.text and node.text.strip()) or any(
        child.tail and child.tail.strip() for child in node)
    if len(node) == 0 or mixed:
        return
    node.text = "\n" + "  " * (level + 1)
    for child in node:
        _indent(child, level + 1)
        child.tail = node.text
    node[-1].tail = "\n" + "  " * level


def _serialise(node: ET.Element) -> str:
    return ET.tostring(node, encoding="unicode")


def _xml_text(root: ET.Element) -> str:
    _indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _serialise(root) + "\n"


def _corpus_start() -> str:
    """The opening of a ``<teiCorpus>`` and its header, up to its first ``<TEI>``."""
    corpus = _tei_root("teiCorpus")
    header = _element(corpus, "teiHeader")
    file_description = _element(header, "fileDesc")
    _element(_element(file_description, "titleStmt"), "title", CORPUS_TITLE)
    _element(_element(file_description, "publicationStmt"), "p",
             "Records written by scraper, one TEI document each.")
    _element(_element(file_description, "sourceDesc"), "p",
             "Web pages: each TEI document's header names its own.")
    _indent(corpus)
    opening, _, _ = _serialise(corpus).rpartition("</teiCorpus>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + opening.rstrip() + "\n"


__all__ = ["FORMATS", "render", "render_many"]
