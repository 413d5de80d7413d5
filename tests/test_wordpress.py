"""The WordPress site (profile cemr-wp): posts read from the REST API's JSON and from their
article pages give the records the hand-written intents of scraper/demo/archives/cemr-wp describe, and the
same record both ways."""

from __future__ import annotations

from archives import WP, WordPressArchive

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

import scraper
from scraper.clean.artefacts import repair_migration_artefacts
from scraper.extract.body import Body
from scraper.extract.wordpress import read_dateline, unglue_title
from scraper.records import Article


SITE = WordPressArchive(WP)
PROFILE, POSTS, INTENT, PAGES = SITE.profile, SITE.posts, SITE.intent, SITE.pages
CATEGORIES, TAGS = SITE.categories, SITE.tags
from_api, from_page = SITE.from_api, SITE.from_page


def check_intent(article: Article, intent: dict[str, Any]) -> None:
    assert article.title == intent["title"]
    assert article.language == intent["language"]
    assert str(article.published) == intent["published"]
    assert article.section == intent["section"]
    assert article.topics == intent["topics"]
    assert article.item_id == str(intent["id"])
    dateline = intent["dateline"]
    assert (article.dateline.model_dump(mode="json") if article.dateline else None) == (
        {"place": dateline["place"], "date": dateline["date"]} if dateline else None)
    assert article.paragraphs[0] == intent["first_paragraph"]
    if "paragraph_count" in intent:
        assert len(article.paragraphs) == intent["paragraph_count"]
    assert not any(re.search(r"(?<![a-z])rn(?![a-z])", paragraph)
                   for paragraph in article.paragraphs)
    assert [(quote.speaker, quote.role, quote.paragraphs) for quote in article.quotes] == [
        (quote["speaker"], quote["role"], quote["paragraphs"]) for quote in intent["quotes"]]
    for quote, expected in zip(article.quotes, intent["quotes"], strict=True):
        assert quote.text.startswith(expected["text_start"])
    assert article.goals_intro == intent["goals_intro"]
    assert article.goals == (intent["goals"] or [])
    assert any(removed.reason == "spam" for removed in article.removed) == intent["spam_removed"]


@pytest.mark.parametrize("post", POSTS, ids=[post["slug"] for post in POSTS])
def test_api_post_gives_the_intended_record(post: dict[str, Any]) -> None:
    check_intent(from_api(post), INTENT[post["id"]])


@pytest.mark.parametrize("path", PAGES, ids=[path.stem for path in PAGES])
def test_article_page_gives_the_intended_record(path: Path) -> None:
    intent = next(entry for entry in INTENT.values() if entry["slug"] == path.stem)
    check_intent(from_page(path), intent)


@pytest.mark.parametrize("path", PAGES, ids=[path.stem for path in PAGES])
def test_api_and_page_give_the_same_record(path: Path) -> None:
    page = from_page(path)
    post = next(post for post in POSTS if post["slug"] == path.stem)
    api = from_api(post)
    fields = ("url", "canonical_url", "item_id", "language", "title", "breadcrumbs", "section",
              "topics",
              "published", "dateline", "date_mentions", "paragraphs", "text", "lists",
              "goals_intro", "goals", "quotes")
    assert api.model_dump(include=set(fields)) == page.model_dump(include=set(fields))


def test_breadcrumbs_are_home_then_the_primary_category_path() -> None:
    """Posts show no trail; the record's is home (in the page's language), then the
    categories the permalink names."""
    french = from_page(WP / "html" / "sommet-des-dirigeants-du-ccre-2025.html")
    assert [(crumb.name, crumb.url) for crumb in french.breadcrumbs] == [
        ("Accueil", "https://ccre-cemr.org/fr/"),
        ("Affaires statutaires", "https://ccre-cemr.org/fr/category/affaires-statutaires")]
    migrated = from_page(WP / "html" / "twinning-12.html")
    assert [crumb.name for crumb in migrated.breadcrumbs] == ["Home", "Twinning"]


def test_published_is_the_site_date_not_the_utc_markup() -> None:
    """A migrated post dated at midnight, Brussels time: its JSON-LD and
    article:published_time (UTC) say the day before."""
    html = (WP / "html" / "twinning-12.html").read_text("utf-8")
    assert "2019-11-04T23:00:00+00:00" in html
    assert from_page(WP / "html" / "twinning-12.html").published == dt.date(2019, 11, 5)


@pytest.mark.parametrize(("slug", "shown", "published"), [
    ("social-dialogue-project", "2025-07-25", dt.date(2025, 7, 25)),
    ("eu-budget-every-territory", "23/01/2026", dt.date(2026, 1, 23)),
])
def test_the_shown_date_is_read_when_the_time_element_is_missing(
        slug: str, shown: str, published: dt.date) -> None:
    """Both display formats of the site; the related posts' dates come after the post's."""
    html = (WP / "html" / f"{slug}.html").read_text("utf-8")
    html = re.sub(r"<time[^>]*>([^<]*)</time>", r"\1", html)
    html = re.sub(r'<meta property="article:published_time"[^>]*>', "", html)
    html = re.sub(r'"datePublished":"[^"]*",', "", html)
    assert "<time" not in html and "datePublished" not in html and shown in html
    url = re.search(r'rel="canonical" href="([^"]+)"', html)
    assert url is not None
    article = scraper.extract(html, url.group(1))
    assert (article.published, article.published_raw) == (published, shown)


def test_migration_artefacts_go_and_words_with_rn_stay() -> None:
    html = ("<p>Modern governments in Bern.</p>rnrn<p>rnLes participants.rnThe survey</p>"
            "rn<p>Étaient notamment présents :<br />\nrn rn</p>")
    assert repair_migration_artefacts(html) == (
        "<p>Modern governments in Bern.</p><p>Les participants. The survey</p>"
        "<p>Étaient notamment présents :<br /></p>")
    assert repair_migration_artefacts("<p>internal</p>") == "<p>internal</p>"


def test_glued_title_is_cut_from_the_first_paragraph_only_when_glued() -> None:
    body = Body(paragraphs=("Town twinning in EuropeSince 1951, CEMR...", "Next."),
                lists=(), text="Town twinning in EuropeSince 1951, CEMR...\n\nNext.")
    repaired = unglue_title(body, "Town twinning in Europe")
    assert repaired.paragraphs == ("Since 1951, CEMR...", "Next.")
    assert repaired.text == "Since 1951, CEMR...\n\nNext."
    spaced = Body(paragraphs=("Town twinning in Europe is old.",), lists=(),
                  text="Town twinning in Europe is old.")
    assert unglue_title(spaced, "Town twinning in Europe") == spaced


@pytest.mark.parametrize(("paragraph", "published", "place", "date"), [
    ("Brussels, 11 December – Local leaders met.", dt.date(2025, 12, 12), "Brussels",
     dt.date(2025, 12, 11)),
    ("Brussels, 30 December – Year end.", dt.date(2026, 1, 2), "Brussels",
     dt.date(2025, 12, 30)),  # no year: the one nearest the publication date
    ("Bruxelles, le 1er mars 2024 – Les élus.", None, "Bruxelles", dt.date(2024, 3, 1)),
    ("St. Julian’s, Malta, 5 December 2025 - More.", None, "St. Julian’s, Malta",
     dt.date(2025, 12, 5)),
])
def test_datelines(paragraph: str, published: dt.date | None, place: str,
                   date: dt.date) -> None:
    body = Body(paragraphs=(paragraph,), lists=(), text=paragraph)
    dateline = read_dateline(body, PROFILE, ("en", "fr"), published)
    assert dateline is not None and (dateline.place, dateline.date) == (place, date)


@pytest.mark.parametrize("paragraph", [
    "In Brussels, the mayors met on 5 December 2025 – a first.",  # not at the start
    "Brussels, 45 Smarch 2025 – no such month.",
    "Yesterday – the council met.",
])
def test_no_dateline(paragraph: str) -> None:
    body = Body(paragraphs=(paragraph,), lists=(), text=paragraph)
    assert read_dateline(body, PROFILE, ("en", "fr"), dt.date(2025, 12, 5)) is None


def test_legacy_pages_have_no_dateline_field_set() -> None:
    seed = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "seed-table.html"
    assert scraper.extract(seed.read_bytes(), "https://ccre.org/en/actualites/view/4384"
                           ).dateline is None


def test_a_permalink_naming_no_category_takes_the_most_specific_one() -> None:
    """Sites whose permalinks are /<slug> (PLATFORMA) show the parent and the child
    category: the child is the section, the parent a topic."""
    html = ('<html><head><link rel="canonical" href="https://ccre-cemr.org/a-post"></head>'
            '<body><main><article><h1>A post about budgets</h1>'
            '<p><a href="/category/news" rel="category tag">News</a>, '
            '<a href="/category/news/statements" rel="category tag">Statements</a></p>'
            '<p>Local governments published a joint statement on the budget today, asking '
            'for a seat at the table from the first draft of every plan.</p>'
            '</article></main></body></html>')
    article = scraper.extract(html, "https://ccre-cemr.org/a-post", profile=PROFILE)
    assert (article.section, article.topics) == ("Statements", ["News"])
    assert [crumb.name for crumb in article.breadcrumbs] == ["Home", "News", "Statements"]
