"""Extract stage: every field of the record from a cleaned document.

Each module exports ``extract_<thing>()``; this one assembles them into an
:class:`~scraper.models.Article`. Precise signals come first (JSON-LD, microdata, ``<time>``,
meta tags, the profile's layout), text heuristics last; trafilatura finds the main text of
pages the profile does not lay out.
"""

from __future__ import annotations

import datetime as dt

from scraper.document import Block, Document, Removal
from scraper.extract.body import (
    Layout,
    body_from_blocks,
    body_from_content,
    body_from_trafilatura,
    category_match,
    find_layout,
    theme_line,
)
from scraper.extract.breadcrumbs import extract_breadcrumbs
from scraper.extract.dates import extract_date_mentions, extract_published
from scraper.extract.goals import extract_goals
from scraper.extract.main_text import select_main_text
from scraper.extract.meta import (
    ARTICLE_TYPES,
    detect_language,
    extract_markup_published,
    extract_markup_title,
    extract_markup_topics,
    extract_pager,
    extract_site_name,
    extract_translations,
    json_ld_of_type,
)
from scraper.extract import wordpress
from scraper.extract.quotes import extract_quotes
from scraper.models import Article, Breadcrumb, Dateline, FetchInfo, RemovedBlock
from scraper.profile import SiteProfile

__all__ = ["extract_article"]

MIN_SECTION_TRAIL = 3
"""A trail this long or longer ends in the item's category (Home / News / Category)."""


def extract_article(document: Document, profile: SiteProfile, *, version: str,
                    fetch: FetchInfo | None = None,
                    max_fallback_chars: int = 2_000_000) -> Article:
    """The record of one cleaned page."""
    # The layout (anchor, title, body) is the site profile's knowledge; a generic page is
    # read by the main-text selector instead.
    layout = find_layout(document, profile) if profile.dates.category_date else Layout(
        anchor=None, category_line=None, title=None, body=())
    blocks = document.blocks
    removed: list[Removal] = list(document.removed)
    if layout.anchor is not None:
        body_blocks: list[Block] = [blocks[index] for index in layout.body]
        body = body_from_blocks(body_blocks)
        removed.extend(layout.removed)
        language = detect_language(body_blocks, document, profile)
    else:
        # Pages no profile lays out: our main-text selector (F1 0.982 on the public
        # benchmark, trafilatura 0.960), then trafilatura, then every content block.
        selection = select_main_text(document)
        body = body_from_blocks(list(selection.blocks))
        removed.extend(selection.removed)
        if not body.text and len(document.html) <= max_fallback_chars:
            body = body_from_trafilatura(document.html, document.url)
        if not body.text:
            body = body_from_content(document)[0]
        language = detect_language(list(body.paragraphs), document, profile)
    title = blocks[layout.title].text if layout.title is not None else ""
    if layout.anchor is None or (not title and layout.category_line is not None):
        title = extract_markup_title(document)
    if profile.content.migration_artefacts:
        body = wordpress.unglue_title(body, title)
    breadcrumbs = extract_breadcrumbs(document, profile, title=title)

    section = topics = published = published_raw = None
    if layout.category_line is not None:
        line = blocks[layout.category_line].text
        match = category_match(line, profile)
        if match is not None:
            section = match.group("section").strip()
            dated = extract_published(line, profile, match)
            if dated is not None:
                published, published_raw = dated
    if published is None:
        marked = extract_markup_published(document)
        if marked is not None:
            published, published_raw = marked
    item_id = None
    if profile.wordpress is not None:
        section, topics, published, published_raw, item_id, trail = _wordpress_fields(
            document, profile, published, published_raw)
        if trail:  # a post shows no trail: its primary category's path stands for one
            breadcrumbs = (*_home(document, profile), *trail)
    if section is None:
        section = _markup_section(document, breadcrumbs_names=[c.name for c in breadcrumbs])
    theme = theme_line(document, layout, profile)
    if theme is not None:
        topics = [link.text for link in theme.links] if len(theme.links) > 1 else [theme.text]
    elif topics is None:
        topics = list(extract_markup_topics(document))

    languages = tuple(dict.fromkeys((language,) + profile.languages if language
                                    else profile.languages))
    dateline: Dateline | None = wordpress.read_dateline(body, profile, languages, published)
    goals_intro, goals = extract_goals(body.lists, languages)
    previous_url, next_url = extract_pager(document, profile)
    item = profile.parse_item_url(document.url)
    return Article(
        url=document.url,
        canonical_url=profile.canonical_url(item) if item else document.meta.get("canonical"),
        item_id=item.item_id if item else item_id,
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
        removed=[RemovedBlock(text=each.text, reason=each.reason) for each in removed],
        fetch=fetch,
        extractor_version=version,
    )


def _home(document: Document, profile: SiteProfile) -> tuple[Breadcrumb, ...]:
    """The home crumb of a WordPress page: the site's root in the page's language."""
    rules = profile.wordpress
    assert rules is not None
    base = (profile.urls.canonical_base or "").rstrip("/")
    language, root = rules.language_prefix(document.meta.get("canonical") or document.url) \
        or (profile.urls.default_language, "/")
    label = rules.home_labels.get(language, "Home")
    return (Breadcrumb(name=label, url=base + root if base else None),)


def _wordpress_fields(document: Document, profile: SiteProfile, published: dt.date | None,
                      published_raw: str | None) -> tuple[
                          str | None, list[str] | None, dt.date | None, str | None, str | None,
                          tuple[Breadcrumb, ...]]:
    """Section, topics, date (site time, before any UTC markup), post id and category trail
    of a post page."""
    rules = profile.wordpress
    assert rules is not None
    tags = [link.text for link in document.markup_links
            if link.tag == "a" and "tag" in link.rel.split() and link.text.strip()
            and wordpress.is_term_link(link.href, document.url, rules.tag_base)]
    if not tags:
        tags = list(extract_markup_topics(document, rel_tag=False))
    found = wordpress.taxonomy(document, rules, tags)
    dated = wordpress.published(document, profile)
    if dated is not None:
        published, published_raw = dated
    trail = tuple(Breadcrumb(name=name, url=url) for name, url in found.trail) if found else ()
    return (found.section if found else None, found.topics if found else tags or None,
            published, published_raw, wordpress.post_id(document), trail)


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
