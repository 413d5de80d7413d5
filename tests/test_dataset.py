"""Dataset hygiene (dedupe, translation links, date window, order) and the first look
(`scraper stats`), on small hand-made files and on the demo crawl."""

from __future__ import annotations

from archives import LEGACY

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo_crawl import demo_jsonl
from scraper.cli import main
from scraper.dataset.tidy import open_dataset
from scraper.records import Article, FetchInfo
from test_models import articles

BASE = "https://ccre.org"


def _article(item_id: str | None, language: str | None = "en", *,
             published: dt.date | None = dt.date(2022, 10, 20), fetched: int | None = 1,
             edition: str | None = None, title: str = "", canonical: bool = True,
             url: str | None = None, translations: dict[str, str] | None = None) -> Article:
    """A record of item ``item_id`` in the ``edition`` pages (default: ``language``),
    fetched on day ``fetched`` of May 2024 (None: read from a file)."""
    edition = edition or language or "en"
    page = url or f"{BASE}/{edition}/actualites/view/{item_id}"
    fetch = None if fetched is None else FetchInfo(
        fetched_at=dt.datetime(2024, 5, fetched, tzinfo=dt.UTC), status=200, final_url=page,
        sha256=f"{fetched:064x}")
    return Article(url=page, canonical_url=page if canonical and item_id else None,
                   item_id=item_id, language=language, title=title, published=published,
                   translations=translations or {}, fetch=fetch, extractor_version="0.1.0")


def _write(path: Path, records: list[Article]) -> Path:
    path.write_text("".join(record.model_dump_json() + "\n" for record in records), "utf-8")
    return path


def _tidy(tmp_path: Path, records: list[Article], **window: dt.date) -> list[Article]:
    with open_dataset(_write(tmp_path / "records.jsonl", records), **window) as dataset:
        return list(dataset.records())


# Dedupe --------------------------------------------------------------------------------


def test_duplicates_keep_the_newest_fetch_wherever_it_is_in_the_file(tmp_path: Path) -> None:
    old, new, older = (_article("4384", fetched=day, title=f"day {day}") for day in (2, 9, 1))
    tidy = _tidy(tmp_path, [old, new, older])
    assert [record.title for record in tidy] == ["day 9"]


def test_a_fetched_record_wins_over_one_read_from_a_file(tmp_path: Path) -> None:
    fetched, from_file = _article("1", title="fetched"), _article("1", fetched=None, title="file")
    assert [record.title for record in _tidy(tmp_path, [fetched, from_file])] == ["fetched"]


def test_on_a_tie_the_later_line_wins(tmp_path: Path) -> None:
    first, second = _article("1", title="first"), _article("1", title="second")
    assert [record.title for record in _tidy(tmp_path, [first, second])] == ["second"]


def test_the_same_page_from_another_host_is_a_duplicate(tmp_path: Path) -> None:
    mirror = _article("7", url="http://www.ccre.org/en/actualites/view/7", title="www")
    mirror = mirror.model_copy(update={"canonical_url": f"{BASE}/en/actualites/view/7"})
    assert len(_tidy(tmp_path, [_article("7"), mirror])) == 1


def test_records_without_item_id_are_deduplicated_by_url(tmp_path: Path) -> None:
    a1 = _article(None, url="https://example.org/a", title="old")
    a2 = _article(None, url="https://example.org/a", fetched=5, title="new")
    b = _article(None, url="https://example.org/b")
    assert sorted(record.title or record.url for record in _tidy(tmp_path, [a1, a2, b])) == [
        "https://example.org/b", "new"]


def test_without_canonical_url_item_id_and_language_are_the_key(tmp_path: Path) -> None:
    records = [_article("3", "en", canonical=False, title="a"),
               _article("3", "en", canonical=False, fetched=4, title="b"),
               _article("3", "fr", canonical=False, title="c")]
    assert sorted(record.title for record in _tidy(tmp_path, records)) == ["b", "c"]


def test_a_french_page_with_an_english_body_is_not_a_duplicate(tmp_path: Path) -> None:
    english = _article("4125", "en")
    french_page = _article("4125", "en", edition="fr")  # body detected as English
    tidy = _tidy(tmp_path, [english, french_page])
    assert sorted(record.url for record in tidy) == [
        f"{BASE}/en/actualites/view/4125", f"{BASE}/fr/actualites/view/4125"]


# Translation links ---------------------------------------------------------------------


def test_editions_of_an_item_are_linked_both_ways(tmp_path: Path) -> None:
    tidy = _tidy(tmp_path, [_article("9", "en"), _article("9", "fr"), _article("10", "en")])
    links = {(record.item_id, record.language): record.translations for record in tidy}
    assert links[("9", "en")] == {"fr": f"{BASE}/fr/actualites/view/9"}
    assert links[("9", "fr")] == {"en": f"{BASE}/en/actualites/view/9"}
    assert links[("10", "en")] == {}


def test_an_existing_translation_is_kept(tmp_path: Path) -> None:
    english = _article("9", "en", translations={"fr": "https://ccre.eu/fr/actualites/view/9"})
    tidy = _tidy(tmp_path, [english, _article("9", "fr")])
    assert tidy[0].translations == {"fr": "https://ccre.eu/fr/actualites/view/9"}


def test_a_french_page_with_an_english_body_is_the_french_translation(tmp_path: Path) -> None:
    tidy = _tidy(tmp_path, [_article("4125", "en"), _article("4125", "en", edition="fr")])
    english = next(record for record in tidy if "/en/" in record.url)
    assert english.translations == {"fr": f"{BASE}/fr/actualites/view/4125"}


def test_a_theme_page_is_not_a_translation_of_a_news_item(tmp_path: Path) -> None:
    news = _article("18", "en")
    theme = _article("18", "fr", url=f"{BASE}/fr/activites/view/18")
    assert [record.translations for record in _tidy(tmp_path, [news, theme])] == [{}, {}]


# Date window and order -----------------------------------------------------------------


def test_since_and_until_are_inclusive_and_leave_undated_records_out(tmp_path: Path) -> None:
    records = [_article(str(day), published=dt.date(2022, 1, day)) for day in (1, 2, 3, 4)]
    records.append(_article("99", published=None))
    tidy = _tidy(tmp_path, records, since=dt.date(2022, 1, 2), until=dt.date(2022, 1, 3))
    assert [record.item_id for record in tidy] == ["2", "3"]
    assert len(_tidy(tmp_path, records, since=dt.date(2022, 1, 3))) == 2
    assert len(_tidy(tmp_path, records)) == 5


def test_order_is_published_then_item_id_then_language_undated_last(tmp_path: Path) -> None:
    day = dt.date(2022, 5, 1)
    records = [_article(None, None, published=None, url="https://example.org/x"),
               _article("100", "fr", published=day), _article("99", "fr", published=None),
               _article("100", "en", published=day), _article("99", "en", published=day),
               _article("5", "en", published=dt.date(2021, 1, 1)),
               _article("abc", "en", published=day, canonical=False)]
    tidy = _tidy(tmp_path, records)
    assert [(record.item_id, record.language) for record in tidy] == [
        ("5", "en"), ("99", "en"), ("100", "en"), ("100", "fr"), ("abc", "en"),
        ("99", "fr"), (None, None)]


def test_export_applies_the_window_and_the_order(tmp_path: Path) -> None:
    records = [_article(str(day), published=dt.date(2022, 1, day)) for day in (4, 1, 3, 2)]
    source = _write(tmp_path / "records.jsonl", records)
    out = tmp_path / "tidy.jsonl"
    assert main(["export", str(source), "--to", "jsonl", "-o", str(out),
                 "--since", "2022-01-02"]) == 0
    assert [json.loads(line)["item_id"] for line in out.read_text("utf-8").splitlines()] == [
        "2", "3", "4"]


def test_a_torn_last_line_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = _write(tmp_path / "records.jsonl", [_article("1"), _article("2")])
    with source.open("a", encoding="utf-8") as handle:
        handle.write('{"url": "https://ccre.org/en/act')
    with open_dataset(source) as dataset:
        assert len(list(dataset.records())) == 2
        assert dataset.summary.torn == 1
    assert "torn last line" in caplog.text


def _page(record: Article) -> object:
    if record.canonical_url:
        return record.canonical_url
    return (record.item_id, record.language) if record.item_id is not None else record.url


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(articles, max_size=6))
def test_tidying_keeps_one_record_per_page_and_changes_nothing_else(
        tmp_path: Path, records: list[Article]) -> None:
    tidy = _tidy(tmp_path, records)
    assert len(tidy) <= len(records)
    assert len(tidy) == len({_page(record) for record in tidy})
    originals = [record.model_copy(update={"translations": {}}) for record in records]
    for record in tidy:
        assert record.model_copy(update={"translations": {}}) in originals
    dates = [record.published for record in tidy]
    dated = [day for day in dates if day is not None]
    assert dated == sorted(dated) and dates[:len(dated)] == dated


# Stats ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_jsonl(tmp_path_factory)


def test_stats_of_the_demo_crawl(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = json.loads((LEGACY /
                        "items.json").read_text("utf-8"))
    assert main(["stats", str(demo), "--json", "--top", "3"]) == 0
    stats = json.loads(capsys.readouterr().out)
    themes = 5  # theme pages the listings link to, each in EN and FR: no date, no section
    assert stats["records"] == len(items) + 2 * themes == 255
    assert stats["items"] == len({item["id"] for item in items}) + themes
    assert stats["per_language"] == {
        language: sum(item["body_language"] == language for item in items) + themes
        for language in ("en", "fr")}
    assert sum(stats["per_year"].values()) == len(items)
    assert stats["no_date"] == 2 * themes
    assert list(stats["per_year"]) == sorted(stats["per_year"])
    assert sum(stats["per_section"].values()) == 255
    assert len(stats["top_speakers"]) == 3
    assert stats["top_speakers"][0]["quotes"] >= stats["top_speakers"][2]["quotes"] > 1
    assert stats["spam_removed"] == stats["removed"]["spam"] > 100
    assert (stats["no_body"], stats["duplicates_dropped"]) == (0, 0)


def test_stats_table_on_the_terminal(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(demo), "--since", "2022-01-01", "--until", "2022-12-31"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("records ")
    for heading in ("no date", "no body", "spam blocks removed", "year", "language",
                    "section", "top quote speakers", "removed blocks, by reason"):
        assert f"\n{heading} " in table or table.startswith(heading), heading
    years = table.split("\nyear ", 1)[1].split("\n\n", 1)[0]
    assert [line.split()[0] for line in years.splitlines()[1:]] == ["2022"]


def test_stats_count_duplicates_once(demo: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    twice = tmp_path / "twice.jsonl"
    twice.write_bytes(demo.read_bytes() * 2)
    assert main(["stats", str(twice), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["records"], stats["duplicates_dropped"]) == (255, 255)
