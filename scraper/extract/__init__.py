"""Extract stage: every field of the record from a cleaned document.

Each module exports ``extract_<thing>()``; this one assembles them into an
:class:`~scraper.records.Article`. Precise signals come first (JSON-LD, microdata, ``<time>``,
meta tags, the profile's layout), text heuristics last; trafilatura finds the main text of
pages the profile does not lay out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scraper.document import Document, Removal
from scraper.extract.body import Body, body_from_blocks, body_headings
from scraper.extract.contacts import take_contacts
from scraper.extract.images import content_images
from scraper.extract.links import attachment_box, body_links, linked_documents, site_hosts
from scraper.extract import wordpress
from scraper.extract.breadcrumbs import extract_breadcrumbs
from scraper.extract.dates import extract_date_mentions
from scraper.extract.explain import explain_article, prose_languages
from scraper.extract.goals import extract_goals
from scraper.extract.kinds import edition, page_kind, record_source
from scraper.extract.layouts import layout_reader
from scraper.extract.meta import (
    ARTICLE_TYPES,
    extract_markup_published,
    extract_markup_topics,
    extract_pager,
    extract_site_name,
    extract_translations,
    json_ld_of_type,
)
from scraper.extract.quotes import extract_quotes
from scraper.extract.selectors import apply_selectors
from scraper.profiles import SiteProfile
from scraper.records import (
    Article, Breadcrumb, Contact, Dateline, FetchInfo, Image, RemovedBlock)

__all__ = ["explain_article", "extract_article"]

MIN_SECTION_TRAIL = 3
"""A trail this long or longer ends in the item's category (Home / News / Category)."""


def extract_article(document: Document, profile: SiteProfile, *, version: str,
                    fetch: FetchInfo | None = None,
                    max_fallback_chars: int = 2_000_000) -> Article:
    """The record of one cleaned page."""
    # The layout strategy the profile names reads the body, the title and what the page's
    # shape says (section, topics, date, id); the rest is read the same way on every page.
    reading = layout_reader(profile)(document, profile, max_fallback_chars)
    chosen = apply_selectors(document, profile)
    language, title = reading.language, reading.title
    # A body the profile's selector chose replaces the layout's; contact blocks and image
    # captions leave it before the title glued to it (a migration artefact) is cut off.
    structure = _Structure(contacts=list(reading.contacts))
    body = structure.take_out(chosen.body or reading.body, document,
                              chosen.title or title)
    if profile.content.migration_artefacts and chosen.body is None:
        body = wordpress.unglue_title(body, title)
    breadcrumbs = extract_breadcrumbs(document, profile, title=title)
    if reading.trail:  # a post shows no trail: its primary category's path stands for one
        breadcrumbs = (*_home(document, profile), *reading.trail)
    section, topics = reading.section, reading.topics
    published, published_raw = reading.published, reading.published_raw
    if published is None:
        marked = extract_markup_published(document)
        if marked is not None:
            published, published_raw = marked
    if section is None:
        section = _markup_section(document, breadcrumbs_names=[c.name for c in breadcrumbs])
    if topics is None:
        topics = list(extract_markup_topics(document))
    title = chosen.title or title
    section = chosen.section or section
    topics = chosen.topics or topics
    breadcrumbs = chosen.breadcrumbs or breadcrumbs
    if chosen.published is not None:
        published, published_raw = chosen.published
    links = body_links((*body.blocks, *attachment_box(document, body.blocks)),
                       site_hosts(document, profile))

    languages = prose_languages(language, profile)
    dateline: Dateline | None = wordpress.read_dateline(body, profile, languages, published)
    goals_intro, goals = extract_goals(body.lists, languages)
    previous_url, next_url = extract_pager(document, profile)
    previous_url = chosen.previous_url or previous_url
    next_url = chosen.next_url or next_url
    item = profile.parse_item_url(document.url)
    return Article(
        url=document.url,
        canonical_url=profile.canonical_url(item) if item else document.meta.get("canonical"),
        item_id=item.item_id if item else reading.item_id,
        language=language,
        site_name=extract_site_name(document, profile),
        title=title,
        breadcrumbs=list(breadcrumbs),
        section=section,
        topics=topics,
        published=published,
        published_raw=published_raw,
        dateline=dateline,
        # Every line of the body in reading order: paragraphs and list items alike.
        date_mentions=list(extract_date_mentions(body.text.split("\n"), published=published,
                                                 languages=languages)),
        paragraphs=list(body.paragraphs),
        text=body.text,
        lists=list(body.lists),
        goals_intro=goals_intro,
        goals=list(goals),
        quotes=list(extract_quotes(body.paragraphs, languages)),
        previous_url=previous_url,
        next_url=next_url,
        translations=extract_translations(document, profile, language),
        removed=[RemovedBlock(text=each.text, reason=each.reason)
                 for each in (*document.removed, *reading.removed, *structure.removed)],
        source=record_source(profile, fetch),
        page_kind=page_kind(profile, document.url, breadcrumbs, section, topics),
        edition=edition(profile, document.url),
        headings=body_headings(body.blocks, from_text=profile.content.text_headings),
        links=links,
        documents=linked_documents(links),
        images=structure.images,
        contacts=structure.contacts,
        fetch=fetch,
        extractor_version=version,
    )


@dataclass(slots=True)
class _Structure:
    """What leaves the body before it is read: contact blocks and image captions."""

    contacts: list[Contact] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)

    def take_out(self, body: Body, document: Document, title: str) -> Body:
        """``body`` without its contact blocks and the captions of its images (kept here,
        with the images and the removals)."""
        blocks, contacts = take_contacts(list(body.blocks), self.removed)
        self.contacts.extend(contacts)
        self.images, captions = content_images(document, blocks, title)
        if captions:
            self.removed.extend(Removal(text=block.text, reason="caption")
                                for block in blocks if block.position in captions)
            blocks = [block for block in blocks if block.position not in captions]
        return body_from_blocks(blocks) if contacts or captions else body


def _home(document: Document, profile: SiteProfile) -> tuple[Breadcrumb, ...]:
    """The home crumb of a WordPress page: the site's root in the page's language."""
    rules = profile.wordpress
    base = (profile.urls.canonical_base or "").rstrip("/")
    language, root = rules.language_prefix(document.meta.get("canonical") or document.url) \
        or (profile.urls.default_language, "/")
    label = rules.home_labels.get(language, "Home")
    return (Breadcrumb(name=label, url=base + root if base else None),)


def _markup_section(document: Document, *, breadcrumbs_names: list[str]) -> str | None:
    article = json_ld_of_type(document, *ARTICLE_TYPES)
    section = article.get("articleSection") if article else None
    if isinstance(section, list) and section:
        section = section[0]
    if isinstance(section, str) and section.strip():
        return section.strip()
    if document.meta.get("article:section"):
        return document.meta["article:section"]
    if len(breadcrumbs_names) >= MIN_SECTION_TRAIL:
        return breadcrumbs_names[-1]
    return None
