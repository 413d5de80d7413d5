"""The record contract: field names, validation, JSON round trips."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scraper.records import (
    Article, Breadcrumb, Contact, DateMention, Dateline, Document, FetchInfo, Image, Link,
    LinkedDocument, ListBlock, Quote, RemovedBlock)

CONTRACT_FIELDS = [
    "url", "canonical_url", "item_id", "language", "site_name", "title", "breadcrumbs",
    "section", "topics", "published", "published_raw", "dateline", "date_mentions",
    "paragraphs", "text", "lists", "goals_intro", "goals", "quotes", "previous_url", "next_url",
    "translations", "same_as", "removed", "source", "page_kind", "edition", "headings",
    "links", "documents", "images", "contacts", "fetch", "extractor_version",
]
"""Fields are added (dateline, same_as; source, page_kind, edition; headings, links,
documents, images, contacts), never renamed or reordered."""


def test_article_has_the_contract_fields_in_order() -> None:
    assert list(Article.model_fields) == CONTRACT_FIELDS


def test_every_field_is_documented() -> None:
    for model in (Article, Breadcrumb, DateMention, ListBlock, Quote, RemovedBlock, FetchInfo,
                  Link, LinkedDocument, Image, Contact, Document):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"


def test_records_are_frozen_and_forbid_unknown_fields() -> None:
    article = Article(url="https://ccre.org/en/actualites/view/1", extractor_version="1")
    with pytest.raises(ValidationError):
        article.title = "changed"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Article(url="https://ccre.org/", extractor_version="1", author="x")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("url", "ccre.org/en", id="relative-url"),
        pytest.param("language", "en-GB", id="region-in-language"),
        pytest.param("translations", {"french": "https://ccre.org/fr"}, id="bad-language-key"),
        pytest.param("breadcrumbs", [{"name": "  ", "url": None}], id="blank-crumb"),
    ],
)
def test_invalid_values_are_refused(field: str, value: object) -> None:
    data = {"url": "https://ccre.org/", "extractor_version": "1", field: value}
    with pytest.raises(ValidationError):
        Article.model_validate(data)


def test_schema_names_every_field() -> None:
    schema = Article.model_json_schema()
    assert set(schema["properties"]) == set(CONTRACT_FIELDS)
    assert schema["additionalProperties"] is False


_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
_visible = _text.filter(lambda value: value.strip() != "").map(str.strip)
_url = st.builds("https://{}.org/{}".format, st.from_regex(r"[a-z]{1,8}", fullmatch=True),
                 st.from_regex(r"[a-z0-9/]{0,12}", fullmatch=True))
_date = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
_language = st.sampled_from(["en", "fr", "de"])

_mentions = st.builds(
    lambda text, start, days, precision, relative: DateMention(
        text=text, start=start, end=start + dt.timedelta(days=days), precision=precision,
        relative=relative),
    _visible, _date, st.integers(0, 400), st.sampled_from(["day", "month", "year"]), st.booleans())
_fetch = st.builds(
    FetchInfo, fetched_at=st.datetimes(timezones=st.just(dt.UTC)), status=st.integers(100, 599),
    final_url=_url, content_type=st.none() | _text, etag=st.none() | _text,
    last_modified=st.none() | _text, sha256=st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
    archived_at=st.none() | st.datetimes(timezones=st.just(dt.UTC)),
    archive_url=st.none() | _url)
articles = st.builds(
    Article,
    url=_url, canonical_url=st.none() | _url, item_id=st.none() | _text,
    language=st.none() | _language, site_name=st.none() | _text, title=_text,
    breadcrumbs=st.lists(st.builds(Breadcrumb, name=_visible, url=st.none() | _url), max_size=4),
    section=st.none() | _text, topics=st.lists(_text, max_size=3),
    published=st.none() | _date, published_raw=st.none() | _text,
    dateline=st.none() | st.builds(Dateline, place=_visible, date=st.none() | _date),
    date_mentions=st.lists(_mentions, max_size=3), paragraphs=st.lists(_text, max_size=4),
    text=_text,
    lists=st.lists(st.builds(ListBlock, intro=st.none() | _text,
                             items=st.lists(_visible, max_size=3), ordered=st.booleans()),
                   max_size=2),
    goals_intro=st.none() | _text, goals=st.lists(_text, max_size=3),
    quotes=st.lists(st.builds(Quote, text=_visible, speaker=st.none() | _text,
                              role=st.none() | _text, cue=st.none() | _text,
                              paragraphs=st.integers(1, 5)), max_size=3),
    previous_url=st.none() | _url, next_url=st.none() | _url,
    translations=st.dictionaries(_language, _url, max_size=2),
    same_as=st.lists(_url, max_size=2),
    removed=st.lists(st.builds(RemovedBlock, text=_visible, reason=_visible), max_size=2),
    headings=st.lists(_visible, max_size=3),
    links=st.lists(st.builds(Link, text=_visible, url=_url,
                             kind=st.sampled_from(["internal", "external", "document", "mail"])),
                   max_size=3),
    documents=st.lists(st.builds(LinkedDocument, url=_url, text=_visible,
                                 type=st.sampled_from(["pdf", "docx"])), max_size=2),
    images=st.lists(st.builds(Image, url=_url, alt=st.none() | _text,
                              caption=st.none() | _text), max_size=2),
    contacts=st.lists(st.builds(Contact, name=st.none() | _text, role=st.none() | _text,
                                email=st.none() | _text, phone=st.none() | _text), max_size=2),
    fetch=st.none() | _fetch, extractor_version=_visible,
)


@settings(max_examples=150, deadline=None)
@given(articles)
def test_json_round_trip_is_lossless(article: Article) -> None:
    text = article.model_dump_json()
    assert Article.model_validate_json(text) == article
    assert Article.model_validate(json.loads(text)) == article
