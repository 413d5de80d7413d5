"""What the body links: every link in reading order with its kind, and the files among them.

A link is ``internal`` when it stays on the site (the page's own host, or any host of the
profile), ``document`` when its path ends in a file type (pdf, doc, docx, odt, xls, xlsx, ppt,
pptx, zip: on any site), ``mail`` for ``mailto:``, else ``external``. Share buttons
("facebook.com/sharer", "twitter.com/intent", a ``mailto:`` with no address) are never
links of the article. An attachment box right after the body (PLATFORMA's "Useful
documents": a title, then one file per line) is part of the article: its files count.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote, urlsplit

from scraper.document import Block, Document
from scraper.lexicons import load_common_words
from scraper.profiles import SiteProfile
from scraper.records import Link, LinkedDocument, LinkKind

DOCUMENT_TYPES = frozenset({"pdf", "doc", "docx", "odt", "xls", "xlsx", "ppt", "pptx", "zip"})
"""File types (URL path extensions) whose links are documents."""
MAX_LINKS = 1000
"""Links kept per record."""
MAX_BOX_TITLE_WORDS = 6
MIN_BOX_LINK_SHARE = 0.6
"""An attachment line is mostly link text: at least this share of its characters."""

_SHARE = re.compile(
    r"^(?:www\.|m\.|api\.)?(?:facebook\.com/(?:sharer|share|dialog/share)|"
    r"(?:twitter|x)\.com/(?:intent|share|home\?status)|"
    r"linkedin\.com/(?:sharearticle|sharing|cws/share|shareArticle)|"
    r"pinterest\.[a-z.]+/pin/create|reddit\.com/submit|(?:api\.)?whatsapp\.com/send|wa\.me/|"
    r"t\.me/share|telegram\.me/share|tumblr\.com/share|xing\.com/(?:spi/)?shares?|"
    r"plus\.google\.com/share|bsky\.app/intent|addtoany\.com/|addthis\.com/)",
    re.IGNORECASE)


def document_type(url: str) -> str | None:
    """The file type a URL's path ends in ("pdf"), when it is a document type."""
    path = unquote(urlsplit(url).path).rstrip("/")
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return None
    extension = name.rsplit(".", 1)[1].lower()
    return extension if extension in DOCUMENT_TYPES else None


def links_files(block: Block) -> bool:
    """A line whose links all point to files ("Read full position paper" on a .pdf): the
    article's own document, never a menu or a list of other items."""
    return bool(block.links) and all(document_type(link.href) for link in block.links)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def is_share_link(url: str) -> bool:
    """A share button's link: a social network's share endpoint, or a mailto: that names
    no address (``mailto:?subject=...``)."""
    if url[:7].lower() == "mailto:":
        return url[7:8] in ("", "?")
    parts = urlsplit(url)
    return bool(_SHARE.match(f"{parts.netloc}{parts.path}?{parts.query}"))


def link_kind(url: str, site_hosts: frozenset[str]) -> LinkKind:
    """What ``url`` points to, seen from a page of a site with ``site_hosts``."""
    if url[:7].lower() == "mailto:":
        return "mail"
    if document_type(url) is not None:
        return "document"
    return "internal" if _host(url) in site_hosts else "external"


def site_hosts(document: Document, profile: SiteProfile) -> frozenset[str]:
    """The hosts of the page's site (``www.`` dropped): the page's own and the profile's."""
    hosts = {_host(document.url)}
    hosts.update(host[4:] if host.startswith("www.") else host for host in profile.urls.hosts)
    return frozenset(host for host in hosts if host)


def body_links(blocks: Iterable[Block], hosts: frozenset[str]) -> list[Link]:
    """The links of ``blocks`` in reading order, share buttons left out."""
    links: list[Link] = []
    for block in blocks:
        for link in block.all_links:
            if link.href[:7].lower() == "mailto:":
                url = link.href
            else:
                try:
                    url = link.url
                except ValueError:
                    continue
                if not url.startswith(("http://", "https://")):
                    continue
            if is_share_link(url):
                continue
            links.append(Link(text=link.text, url=url, kind=link_kind(url, hosts)))
            if len(links) >= MAX_LINKS:
                return links
    return links


def linked_documents(links: Iterable[Link]) -> list[LinkedDocument]:
    """The document links, once per URL (the first link's text)."""
    seen: dict[str, LinkedDocument] = {}
    for link in links:
        if link.kind == "document" and link.url not in seen:
            seen[link.url] = LinkedDocument(url=link.url, text=link.text,
                                            type=document_type(link.url) or "file")
    return list(seen.values())


@functools.cache
def _box_titles() -> frozenset[str]:
    return load_common_words().structure.attachment_titles


def attachment_box(document: Document, body: Sequence[Block]) -> list[Block]:
    """The lines of an attachment box right after the body: an optional short title ("Useful
    documents"), then lines that are mostly a link to a file. [] when there is none."""
    if not body or body[-1].element < 0:
        return []
    blocks = document.blocks
    position = body[-1].position + 1
    found: list[Block] = []
    titled = False
    while position < len(blocks):
        block = blocks[position]
        position += 1
        if block.dropped is not None:
            continue
        if block.furniture is not None:
            break
        if links_files(block) and block.link_chars >= MIN_BOX_LINK_SHARE * len(block.text):
            found.append(block)
            continue
        if not found and not titled and (
                block.text.casefold().strip(" :") in _box_titles()
                or (len(block.text.split()) <= MAX_BOX_TITLE_WORDS and not block.links
                    and position < len(blocks) and links_files(blocks[position]))):
            titled = True
            continue
        break
    return found


__all__ = ["DOCUMENT_TYPES", "attachment_box", "body_links", "document_type",
           "is_share_link", "link_kind", "linked_documents", "links_files", "site_hosts"]
