"""Extract stage: every field of the record from a cleaned document.

Each module exports ``extract_<thing>()``; this one assembles them into an
:class:`~scraper.records.Article`. Precise signals come first (JSON-LD, microdata, ``<time>``,
meta tags, the profile's layout), text heuristics last; trafilatura finds the main text of
pages the profile does not lay out.
"""

from __future__ import annotations

from scraper.document import Document
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
from scraper.records import Article, Breadcrumb, Dateline, FetchInfo, RemovedBlock

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
    body, language, title = reading.body, reading.language, reading.title
    if profile.content.migration_artefacts:
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
    chosen = apply_selectors(document, profile)
    title = chosen.title or title
    section = chosen.section or section
    topics = chosen.topics or topics
    breadcrumbs = chosen.breadcrumbs or breadcrumbs
    if chosen.published is not None:
        published, published_raw = chosen.published
    if chosen.body is not None:
        body = chosen.body

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
                 for each in (*document.removed, *reading.removed)],
        source=record_source(profile, fetch),
        page_kind=page_kind(profile, document.url, breadcrumbs, section, topics),
        edition=edition(profile, document.url),
        fetch=fetch,
        extractor_version=version,
    )


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
