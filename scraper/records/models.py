"""The record contract: Pydantic models for one extracted article.

Field names are a public interface (see DESIGN.md "The record contract"): add fields, never
rename them. Every model is frozen and forbids unknown keys; dates serialise as ISO strings.
No I/O and no parsing happens here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _strip_nonempty(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty or whitespace")
    return value


def _absolute_url(value: str) -> str:
    if not value.startswith(("http://", "https://", "file:///")):
        raise ValueError(f"must be an absolute http(s) URL (or a saved page's file:/// URI), "
                         f"got {value!r}")
    return value


def _language_code(value: str) -> str:
    if len(value) != 2 or not value.isalpha() or not value.islower():
        raise ValueError(f"must be a bare ISO 639-1 code such as 'en', got {value!r}")
    return value


NonEmptyStr = Annotated[str, AfterValidator(_strip_nonempty)]
"""A string with visible content, stripped of surrounding whitespace."""

AbsoluteUrl = Annotated[str, AfterValidator(_absolute_url)]
"""An absolute http or https URL; for a saved page that names none, its file's URI."""

LanguageCode = Annotated[str, AfterValidator(_language_code)]
"""A bare ISO 639-1 language code: "en", "fr"."""

Precision = Literal["day", "month", "year"]
"""How precise a date mention is: a day, a whole month, a whole year."""

RECORD_CONFIG = ConfigDict(frozen=True, extra="forbid")


class Breadcrumb(BaseModel):
    """One step of the breadcrumb trail, as shown on the page; for a site whose posts show no
    trail (the WordPress site, profile cemr-wp), home then the post's primary category path."""

    model_config = RECORD_CONFIG

    name: NonEmptyStr = Field(description='Crumb label as shown: "Home", "In-depth news".')
    url: AbsoluteUrl | None = Field(
        default=None, description="Absolute link of the crumb; null when shown as plain text."
    )


class DateMention(BaseModel):
    """A date expression found in the body text, normalised to a day span."""

    model_config = RECORD_CONFIG

    text: NonEmptyStr = Field(description='The expression as written: "3-7 October 2022".')
    start: dt.date = Field(description="First day covered (ISO date).")
    end: dt.date = Field(description="Last day covered (ISO date), equal to start for one day.")
    precision: Precision = Field(description='"day", "month" or "year".')
    relative: bool = Field(
        default=False,
        description='True when resolved against the publication date ("last December").',
    )


class ListBlock(BaseModel):
    """A bulleted or numbered list of the body with the sentence that introduces it."""

    model_config = RECORD_CONFIG

    intro: str | None = Field(
        default=None, description='The paragraph before the list when it ends in ":".'
    )
    items: list[NonEmptyStr] = Field(description="List items in order, bullets removed.")
    ordered: bool = Field(default=False, description="True for a numbered list.")


class Quote(BaseModel):
    """An attributed direct quote."""

    model_config = RECORD_CONFIG

    text: NonEmptyStr = Field(
        description="What was said, without the outer quote marks; paragraphs joined by a "
        "blank line."
    )
    speaker: str | None = Field(
        default=None,
        description='Person\'s name as written, without honorifics ("Yuliia Kazakova"); '
        "null when only a role is given.",
    )
    role: str | None = Field(
        default=None,
        description='Title or function as written, without a leading article '
        '("Secretary of the Fastiv City Council").',
    )
    cue: str | None = Field(
        default=None, description='Attribution verb or phrase: "According to", "stressed".'
    )
    paragraphs: int = Field(default=1, ge=1, description="Number of paragraphs the quote spans.")


class RemovedBlock(BaseModel):
    """A block the cleaner dropped from the article area, kept for audit."""

    model_config = RECORD_CONFIG

    text: NonEmptyStr = Field(description="The dropped block's text.")
    reason: NonEmptyStr = Field(
        description='Why it was dropped: "spam", "hidden", "navigation", "sidebar", ...'
    )


LinkKind = Literal["internal", "external", "document", "mail"]
"""What a link points to: the same site, another site, a file, an e-mail address."""


class Link(BaseModel):
    """A link of the article body, in reading order."""

    model_config = RECORD_CONFIG

    text: NonEmptyStr = Field(description='The link\'s text as shown: "available here".')
    url: str = Field(
        description="Where it points: absolute (http, https), or the mailto: URL as written.")
    kind: LinkKind = Field(
        description='"internal" (same site), "external", "document" (a pdf, doc, docx, odt, '
        'xls, xlsx, ppt, pptx or zip file, on any site) or "mail" (mailto:).')


class LinkedDocument(BaseModel):
    """A file the article links (a position paper, a report), once per URL."""

    model_config = RECORD_CONFIG

    url: AbsoluteUrl = Field(description="Absolute URL of the file.")
    text: NonEmptyStr = Field(description="Text of its first link: \"Read full position paper\".")
    type: NonEmptyStr = Field(description='File type, from the URL\'s extension: "pdf", "docx".')


class Image(BaseModel):
    """A content image of the article (not an icon, logo or tracking pixel)."""

    model_config = RECORD_CONFIG

    url: AbsoluteUrl = Field(description="Absolute URL of the image.")
    alt: str | None = Field(default=None, description="Its alt text; null when absent or empty.")
    caption: str | None = Field(
        default=None, description="Its caption (<figcaption>, a caption or credit line under "
        "it); null when none.")


class Contact(BaseModel):
    """A press contact block ("NAME / ROLE / Email : ... / Tel : ..."), out of the body."""

    model_config = RECORD_CONFIG

    name: str | None = Field(default=None, description='The person: "Boris Tonhauser".')
    role: str | None = Field(default=None, description='Their function: "Director of Platforma".')
    email: str | None = Field(
        default=None, description='E-mail address, decoded from "name [at] ccre.org" forms '
        "only when unambiguous; null when absent, cut or ambiguous.")
    phone: str | None = Field(default=None,
                              description='Phone as printed after its label: "+ 32 2 500 05 39".')


class FetchInfo(BaseModel):
    """How the page was fetched; absent for pages read from files."""

    model_config = RECORD_CONFIG

    fetched_at: dt.datetime = Field(description="When the response arrived (ISO, UTC).")
    status: int = Field(description="HTTP status code.")
    final_url: AbsoluteUrl = Field(description="URL after redirects.")
    content_type: str | None = Field(default=None, description="Content-Type header.")
    etag: str | None = Field(default=None, description="ETag header.")
    last_modified: str | None = Field(default=None, description="Last-Modified header.")
    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the raw body bytes, hex."
    )
    archived_at: dt.datetime | None = Field(
        default=None,
        description="For a page read from a web archive: when the archive captured it (UTC); "
        "null for pages fetched from the site itself.",
    )
    archive_url: AbsoluteUrl | None = Field(
        default=None,
        description="For a page read from a web archive: the capture's address "
        "(https://web.archive.org/web/<timestamp>id_/<url>); the record's url is the "
        "page's original address.",
    )
    requested_url: AbsoluteUrl | None = Field(
        default=None,
        description="The URL the crawl asked for, before any redirect: the item's key in the "
        "crawl state, so a resumed crawl knows this record is written (an FR item that "
        "redirects to its EN edition keeps its own key).",
    )


class Dateline(BaseModel):
    """Where and when a press release was written, as its first line says: "St. Julian's,
    Malta, 5 December 2025 – ..."."""

    model_config = RECORD_CONFIG

    place: NonEmptyStr = Field(description='The place as written: "St. Julian’s, Malta".')
    date: dt.date | None = Field(
        default=None,
        description="The date (ISO); a dateline without a year takes the year nearest the "
        "publication date.",
    )


class Article(BaseModel):
    """One news item (or theme page) of the archive, clean and structured."""

    model_config = RECORD_CONFIG

    url: AbsoluteUrl = Field(description="Absolute URL the page was read from.")
    canonical_url: AbsoluteUrl | None = Field(
        default=None,
        description="Site-normalised URL: one host, one scheme, language prefix kept.",
    )
    item_id: str | None = Field(default=None, description='The site\'s own item id ("4384").')
    language: LanguageCode | None = Field(
        default=None, description='ISO 639-1 code of the body text, detected ("en").'
    )
    site_name: str | None = Field(
        default=None,
        description='Publishing site: "Council of European Municipalities and Regions (CEMR)".',
    )
    title: str = Field(default="", description="The article's own headline; may be empty.")
    breadcrumbs: list[Breadcrumb] = Field(
        default_factory=list, description="Breadcrumb trail, root first, category last."
    )
    section: str | None = Field(
        default=None, description='The item\'s category label: "Solidarity with Ukraine".'
    )
    topics: list[str] = Field(
        default_factory=list, description='Activity / theme tags: ["Bridges of Trust"].'
    )
    published: dt.date | None = Field(default=None, description="Publication date (ISO).")
    published_raw: str | None = Field(
        default=None, description='The publication date as written: "20.10.2022".'
    )
    dateline: Dateline | None = Field(
        default=None,
        description="The dateline opening the body (place and date), when there is one; "
        "the paragraph keeps it.",
    )
    date_mentions: list[DateMention] = Field(
        default_factory=list, description="Date expressions found in the body, in order."
    )
    paragraphs: list[str] = Field(
        default_factory=list, description="Clean body paragraphs in reading order (no list items)."
    )
    text: str = Field(
        default="",
        description="The clean body as plain text: paragraphs and lists, blank line between "
        "blocks, one line per list item.",
    )
    lists: list[ListBlock] = Field(default_factory=list, description="Every list in the body.")
    goals_intro: str | None = Field(
        default=None,
        description='Intro sentence of the goal list, as written: "The visit had the '
        'following main goals:".',
    )
    goals: list[str] = Field(
        default_factory=list,
        description='Items of goal / objective / aim / pledge lists, trailing ";" "." stripped.',
    )
    quotes: list[Quote] = Field(default_factory=list, description="Attributed direct quotes.")
    previous_url: AbsoluteUrl | None = Field(default=None, description="Pager: previous item.")
    next_url: AbsoluteUrl | None = Field(default=None, description="Pager: next item.")
    translations: dict[LanguageCode, AbsoluteUrl] = Field(
        default_factory=dict,
        description="Other languages' URLs of the same item: language code -> URL.",
    )
    same_as: list[AbsoluteUrl] = Field(
        default_factory=list,
        description="URLs of the same story published elsewhere (a legacy item and its "
        "migrated copy on the new site), linked by normalised title and date.",
    )
    removed: list[RemovedBlock] = Field(
        default_factory=list, description="Blocks dropped from the article area, with reasons."
    )
    source: str | None = Field(
        default=None,
        description='Where the page comes from: "legacy" (the old site, ccre.org), "archive" '
        '(a web-archive capture of it), "wordpress" (a WordPress site: ccre-cemr.org, '
        'PLATFORMA), "web" (any other page); from the site profile.',
    )
    page_kind: str | None = Field(
        default=None,
        description='What kind of page it is, by the site profile\'s [record] kinds: "news", '
        '"press release", "brief", "theme page", "statement", "event"...; null when the '
        "profile does not say.",
    )
    edition: LanguageCode | None = Field(
        default=None,
        description="The language edition the URL names (/en/, /fr/, a WordPress /fr/ "
        "prefix, the site's default language when the URL names none); `language` is the "
        "body's own. Items are (item_id, edition), even when an English body sits under "
        "/fr/.",
    )
    headings: list[NonEmptyStr] = Field(
        default_factory=list,
        description="The body's sub-headings in order; they stay in place in paragraphs and "
        "text.",
    )
    links: list[Link] = Field(
        default_factory=list,
        description="Every link of the body (and of an attachment box after it) in reading "
        "order; never navigation, share or spam links.",
    )
    documents: list[LinkedDocument] = Field(
        default_factory=list,
        description="The files the article links (pdf, doc, docx, odt, xls, xlsx, ppt, pptx, "
        "zip), once per URL, in order.",
    )
    images: list[Image] = Field(default_factory=list, description="Content images in order.")
    contacts: list[Contact] = Field(
        default_factory=list,
        description='Press contact blocks, taken out of the body (listed in removed with '
        'reason "contact").',
    )
    fetch: FetchInfo | None = Field(
        default=None, description="Fetch details; null for pages read from files."
    )
    extractor_version: str = Field(description="Version of scraper that produced the record.")


class Document(BaseModel):
    """A file the articles link, as ``scraper crawl --documents`` fetched it (one line of
    ``OUT.documents.jsonl``)."""

    model_config = RECORD_CONFIG

    url: AbsoluteUrl = Field(description="The URL the articles link (the state's key).")
    type: NonEmptyStr = Field(description='File type, from the URL\'s extension: "pdf".')
    linked_from: list[AbsoluteUrl] = Field(
        default_factory=list, description="URLs of the articles that link it, in crawl order.")
    link_text: str | None = Field(
        default=None, description="Text of the first link to it: \"Read full position paper\".")
    size: int = Field(ge=0, description="Size of the file in bytes.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the file, hex.")
    pages: int | None = Field(
        default=None, ge=0, description="PDF: number of pages; null for other types or "
        "when it could not be read (read_error says why).")
    title: str | None = Field(
        default=None, description="PDF: the title its metadata gives; null when none.")
    text: str | None = Field(
        default=None, description="PDF: its text, pages separated by a blank line; null "
        "when it could not be read.")
    read_error: str | None = Field(
        default=None, description="Why a PDF's pages, title and text are null (no PDF "
        "library installed: pip install 'scraper[pdf]'; an encrypted or broken file).")
    fetch: FetchInfo = Field(description="How the file was fetched.")
    extractor_version: str = Field(description="Version of scraper that produced the record.")
