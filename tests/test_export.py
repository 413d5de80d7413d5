"""Exports for researchers: CSV, Parquet and SQLite carry every record losslessly (read back
here with the standard tools: csv, pyarrow, sqlite3), provenance as columns, FTS5 search."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo_crawl import demo_jsonl
from scraper.cli import main
from scraper.errors import ExportError
from scraper.dataset.export import (
    CHILD_TABLES,
    COLUMNS,
    CSV_SUMMARY,
    DOCUMENT_FILE_COLUMNS,
    FETCH_COLUMNS,
    LINE_FIELDS,
    lines_cell,
    write_records,
)
from scraper.records import Article
from test_models import articles

PROVENANCE = ("url", "fetched_at", "sha256", "extractor_version")
def _is_nested(annotation: typing.Any) -> bool:
    """A list, a dict or a model (Optional or not): one JSON cell in CSV and SQLite."""
    options = typing.get_args(annotation) if typing.get_origin(annotation) in (
        typing.Union, types.UnionType) else (annotation,)
    return any(typing.get_origin(option) in (list, dict)
               or (isinstance(option, type) and issubclass(option, BaseModel))
               for option in options)


NESTED = {name for name, field in Article.model_fields.items()
          if _is_nested(field.annotation)} - LINE_FIELDS - {"fetch"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_jsonl(tmp_path_factory)


def _jsonl(path: Path) -> list[Article]:
    return [Article.model_validate_json(line) for line in path.read_text("utf-8").splitlines()]


def _record(row: dict[str, object]) -> Article:
    """A record from one row of the tabular layout (``fetch`` flattened)."""
    fetch = {column: row.pop(column) for column in FETCH_COLUMNS}
    row["fetch"] = fetch if fetch["fetched_at"] is not None else None
    return Article.model_validate(row)


# Readers, one per format: what a researcher's own tools see. -----------------------------


def read_csv(path: Path) -> list[Article]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == (*COLUMNS, *CSV_SUMMARY)
        records = []
        for cells in reader:
            row: dict[str, object] = {}
            summary = {column: cells.pop(column) for column in CSV_SUMMARY}
            for column, cell in cells.items():
                if column in LINE_FIELDS:
                    row[column] = json.loads(cell) if cell.startswith("[") else (
                        cell.split("\n") if cell else [])
                elif cell == "":
                    row[column] = None if column not in ("title", "text") else ""
                elif column in NESTED:
                    row[column] = json.loads(cell)
                else:
                    row[column] = cell
            record = _record(row)
            # The spreadsheet columns agree with the lists they summarise.
            assert summary == {
                "link_count": str(len(record.links)),
                "document_count": str(len(record.documents)),
                "document_urls": "\n".join(document.url for document in record.documents),
                "image_count": str(len(record.images)),
                "image_urls": "\n".join(image.url for image in record.images),
                "contact_count": str(len(record.contacts))}
            records.append(record)
    return records


def read_parquet(path: Path) -> list[Article]:
    import pyarrow.parquet as pq

    records = []
    for batch in pq.ParquetFile(path).iter_batches():
        for row in batch.to_pylist():
            row["translations"] = dict(row["translations"])
            records.append(_record(row))
    return records


def read_sqlite(path: Path) -> list[Article]:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    records = []
    for article in connection.execute("SELECT * FROM articles ORDER BY id").fetchall():
        row = {key: article[key] for key in article.keys() if key != "id"}
        for column, value in row.items():
            if isinstance(value, str) and column in LINE_FIELDS | NESTED:
                row[column] = json.loads(value)
        for table in CHILD_TABLES:
            items = connection.execute(
                f"SELECT * FROM {table} WHERE article_id = ? ORDER BY position", (article["id"],))
            row[table] = [{key: item[key] for key in item.keys()
                           if key not in ("article_id", "position", *DOCUMENT_FILE_COLUMNS)}
                          for item in items]
        records.append(_record(row))
    connection.close()
    return records


READERS = {"csv": read_csv, "parquet": read_parquet, "sqlite": read_sqlite, "jsonl": _jsonl}


def _csv_view(article: Article) -> Article:
    """What CSV can hold: no empty string apart from a missing value (documented)."""

    def blank_to_none(model: typing.Any) -> dict[str, object]:
        return {name: None if getattr(model, name) == "" and type(None) in typing.get_args(
            field.annotation) else getattr(model, name) for name, field in
            type(model).model_fields.items()}

    data = blank_to_none(article)
    if article.fetch is not None:
        data["fetch"] = article.fetch.model_copy(update=blank_to_none(article.fetch))
    return article.model_copy(update=data)


# Round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("to", ["csv", "parquet", "sqlite", "jsonl"])
def test_the_demo_crawl_round_trips_through_each_format(
        demo: Path, tmp_path: Path, to: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"demo.{to}"
    assert main(["export", str(demo), "--to", to, "-o", str(out)]) == 0
    assert "255 records" in capsys.readouterr().err
    read_back = READERS[to](out)
    by_url = {article.url: article for article in _jsonl(demo)}
    assert len(read_back) == len(by_url) == 255
    assert read_back == [by_url[article.url] for article in read_back]


@pytest.mark.parametrize("to", ["csv", "parquet", "sqlite"])
def test_every_format_carries_provenance_as_columns(demo: Path, tmp_path: Path,
                                                    to: str) -> None:
    out = tmp_path / f"demo.{to}"
    assert main(["export", str(demo), "--to", to, "-o", str(out)]) == 0
    if to == "csv":
        with out.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    elif to == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(out, columns=list(PROVENANCE)).to_pylist()
    else:
        connection = sqlite3.connect(out)
        connection.row_factory = sqlite3.Row
        rows = [dict(row) for row in connection.execute(
            "SELECT url, fetched_at, sha256, extractor_version FROM articles")]
        connection.close()
    assert len(rows) == 255
    for row in rows:
        assert all(row[column] for column in PROVENANCE), row
        assert len(str(row["sha256"])) == 64


_ROUND_TRIP = settings(max_examples=40, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("to", ["csv", "parquet", "sqlite"])
@_ROUND_TRIP
@given(records=st.lists(articles, max_size=3))
def test_generated_records_round_trip(tmp_path: Path, to: str,
                                      records: list[Article]) -> None:
    out = tmp_path / f"generated.{to}"
    assert write_records(records, out, to=to) == len(records)
    expected = [_csv_view(article) for article in records] if to == "csv" else records
    assert READERS[to](out) == expected


@pytest.mark.parametrize(
    ("items", "cell"),
    [
        pytest.param([], "", id="empty"),
        pytest.param(["Bridges of Trust"], "Bridges of Trust", id="one"),
        pytest.param(["a", "b"], "a\nb", id="two-lines"),
        pytest.param([""], '[""]', id="one-empty-item"),
        pytest.param(["a", ""], "a\n", id="trailing-empty-item"),
        pytest.param(["two\nlines"], '["two\\nlines"]', id="line-break-inside"),
        pytest.param(["[draft]", "b"], '["[draft]", "b"]', id="looks-like-json"),
    ],
)
def test_list_cells_are_readable_and_unambiguous(items: list[str], cell: str) -> None:
    assert lines_cell(items) == cell
    assert (json.loads(cell) if cell.startswith("[") else cell.split("\n") if cell
            else []) == items


# CSV -----------------------------------------------------------------------------------


def test_csv_has_a_bom_only_when_asked(demo: Path, tmp_path: Path) -> None:
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert main(["export", str(demo), "--to", "csv", "-o", str(plain)]) == 0
    assert main(["export", str(demo), "--to", "csv", "--bom", "-o", str(excel)]) == 0
    assert plain.read_bytes().startswith(b"url,canonical_url,")
    assert excel.read_bytes().startswith(b"\xef\xbb\xbfurl,canonical_url,")
    assert excel.read_bytes()[3:] == plain.read_bytes()
    assert plain.read_bytes().count(b"\r\n") >= 246  # RFC 4180 line ends


def test_csv_opens_with_the_csv_module_one_row_per_article(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    assert main(["export", str(demo), "--to", "csv", "-o", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 255
    crumbs = json.loads(rows[0]["breadcrumbs"])
    assert crumbs[0]["name"] in ("Home", "Accueil")
    assert all(not row["topics"].startswith("[") for row in rows)  # readable lists
    assert {row["language"] for row in rows} == {"en", "fr"}


def test_csv_goes_to_stdout(demo: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["export", str(demo), "--to", "csv", "-o", "-", "--until", "2019-01-31"]) == 0
    rows = list(csv.reader(capsysbinary.readouterr().out.decode("utf-8").splitlines()))
    assert rows[0] == [*COLUMNS, *CSV_SUMMARY]
    assert len(rows) > 1 and all(row[COLUMNS.index("published")] <= "2019-01-31"
                                 for row in rows[1:])


# Parquet -------------------------------------------------------------------------------


def test_parquet_has_a_nested_schema_with_dates_as_dates(demo: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "demo.parquet"
    assert main(["export", str(demo), "--to", "parquet", "-o", str(out)]) == 0
    schema = pq.read_schema(out)
    assert schema.names == list(COLUMNS)
    assert schema.field("published").type == pa.date32()
    assert schema.field("fetched_at").type == pa.timestamp("us", tz="UTC")
    mention = schema.field("date_mentions").type.value_type
    assert mention.field("start").type == pa.date32()
    assert mention.field("relative").type == pa.bool_()
    assert schema.field("quotes").type.value_type.field("paragraphs").type == pa.int64()
    assert schema.field("translations").type == pa.map_(pa.string(), pa.string())
    assert schema.field("topics").type == pa.list_(pa.string())
    assert not schema.field("url").nullable and schema.field("published").nullable
    assert schema.field("url").metadata[b"description"].startswith(b"Absolute URL")


def test_parquet_without_pyarrow_says_what_to_install(
        demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow -> ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    out = tmp_path / "demo.parquet"
    assert main(["export", str(demo), "--to", "parquet", "-o", str(out)]) == 2
    error = capsys.readouterr().err
    assert error == ("scraper: error: Parquet export needs pyarrow: pip install pyarrow (or "
                     "install scraper with its parquet extra: pip install '.[parquet]')\n")
    assert not out.exists()


# SQLite --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def database(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("sqlite") / "demo.sqlite"
    assert main(["export", str(demo), "--to", "sqlite", "-o", str(out)]) == 0
    yield out


def test_sqlite_has_one_table_per_nested_list_keyed_to_the_article(database: Path) -> None:
    connection = sqlite3.connect(database)
    tables = {name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"articles", "quotes", "date_mentions", "breadcrumbs", "removed",
            "articles_fts"} <= tables
    indexes = {name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"articles_item", "articles_url", "quotes_speaker"} <= indexes
    assert connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 255
    speakers = connection.execute(
        "SELECT a.item_id, q.speaker FROM quotes q JOIN articles a ON a.id = q.article_id "
        "WHERE q.speaker IS NOT NULL").fetchall()
    assert len(speakers) > 50
    spam = connection.execute("SELECT COUNT(*) FROM removed WHERE reason = 'spam'").fetchone()
    assert spam[0] > 100
    plan = " ".join(str(row) for row in connection.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM quotes WHERE article_id = 7"))
    assert "USING PRIMARY KEY" in plan or "USING INDEX" in plan
    connection.close()


def test_sqlite_full_text_search_finds_articles(database: Path) -> None:
    connection = sqlite3.connect(database)
    hits = connection.execute(
        "SELECT a.title || ' ' || a.text FROM articles_fts JOIN articles a ON a.id = "
        "articles_fts.rowid WHERE articles_fts MATCH ? ORDER BY rank", ("ukraine",)).fetchall()
    assert len(hits) > 5 and all("ukraine" in text.lower() for (text,) in hits)
    title_only = connection.execute(
        "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'title:ukraine'").fetchone()
    assert 0 < title_only[0] < len(hits)
    accented = connection.execute(
        "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'democratie'").fetchone()
    assert accented[0] > 0  # diacritics folded: "démocratie" found without its accent
    connection.close()


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 shell installed")
def test_full_text_search_works_from_the_sqlite3_shell(database: Path) -> None:
    query = ("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'reconstruction';")
    result = subprocess.run(["sqlite3", str(database), query], capture_output=True,
                            text=True, check=True)
    assert int(result.stdout.strip()) > 0


# Errors --------------------------------------------------------------------------------


def _bad_exports(demo: Path, tmp_path: Path) -> dict[str, list[str]]:
    invalid = tmp_path / "invalid.jsonl"
    return {
        "missing-input": ["export", str(tmp_path / "none.jsonl"), "--to", "csv"],
        "output-is-input": ["export", str(demo), "--to", "jsonl", "-o", str(demo)],
        "bom-not-csv": ["export", str(demo), "--to", "sqlite", "--bom"],
        "binary-to-stdout": ["export", str(demo), "--to", "parquet", "-o", "-"],
        "unknown-format": ["export", str(demo), "--to", "xlsx"],
        "bad-date": ["export", str(demo), "--to", "csv", "--since", "2022-13-01"],
        "since-after-until": ["export", str(demo), "--to", "csv", "--since", "2023-01-01",
                              "--until", "2022-01-01", "-o", str(tmp_path / "x.csv")],
        "invalid-record": ["export", str(invalid), "--to", "csv"],
        "no-output-folder": ["export", str(demo), "--to", "csv", "-o",
                             str(tmp_path / "missing" / "out.csv")],
        "stats-missing-input": ["stats", str(tmp_path / "none.jsonl")],
    }


@pytest.mark.parametrize("case", list(_bad_exports(Path("x"), Path("y"))))
def test_bad_exports_are_one_line_errors_with_exit_2(
        case: str, demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = demo.read_bytes()
    (tmp_path / "invalid.jsonl").write_text(
        '{"url": "https://ccre.org/a", "extractor_version": "1"}\n'
        '{"url": "not a url", "extractor_version": "1"}\n', "utf-8")
    assert main(_bad_exports(demo, tmp_path)[case]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert captured.err.startswith("scraper: error: ")
    assert demo.read_bytes() == before
    assert [path.name for path in tmp_path.iterdir()] == ["invalid.jsonl"]  # nothing left


def test_an_invalid_record_is_named_by_its_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "records.jsonl"
    source.write_text('{"url": "https://ccre.org/a", "extractor_version": "1"}\n'
                      '{"url": "https://ccre.org/b", "extractor_version": "1", '
                      '"published": "someday"}\n', "utf-8")
    assert main(["export", str(source), "--to", "csv"]) == 2
    assert "records.jsonl:2: not a valid record: published:" in capsys.readouterr().err


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> Iterator[Article]:
        yield Article(url="https://ccre.org/a", extractor_version="1")
        raise ExportError("disk on fire")

    out = tmp_path / "out.sqlite"
    with pytest.raises(ExportError):
        write_records(broken(), out, to="sqlite")
    assert list(tmp_path.iterdir()) == []


def test_the_default_output_is_the_input_with_the_format_suffix(
        demo: Path, tmp_path: Path) -> None:
    source = tmp_path / "crawl.jsonl"
    shutil.copy(demo, source)
    assert main(["export", str(source), "--to", "sqlite"]) == 0
    assert main(["export", str(source), "--to", "jsonl"]) == 0
    assert (tmp_path / "crawl.sqlite").is_file() and (tmp_path / "crawl.tidy.jsonl").is_file()
    assert source.read_bytes() == demo.read_bytes()
