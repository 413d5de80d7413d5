"""Export: records in, files out.

For researchers, :func:`write_records` streams records into a format keyed by name
(:data:`EXPORT_FORMATS`): ``csv``, ``jsonl``, ``parquet`` (pyarrow, an optional extra) and
``sqlite`` (with an FTS5 index). All of them share one tabular layout (:data:`COLUMNS`): the
record's fields in order, with ``fetch`` flattened into its own seven fields, so provenance
(``url``, ``fetched_at``, ``sha256``, ``extractor_version``) is a column everywhere. Files are
written beside the target and renamed into place when complete.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import io
import json
import logging
import os
import sqlite3
import sys
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from scraper.dataset.scratch import sweep
from scraper.errors import ExportError, InputError
from scraper.inputs import check_output
from scraper.names import EXPORT_FORMATS
from scraper.records import Article, Document, FetchInfo
from scraper.records.jsonl import JsonlWriter

logger = logging.getLogger(__name__)


# Researcher formats -----------------------------------------------------------------------

STREAMABLE_FORMATS = frozenset({"csv", "jsonl"})
"""Formats that can go to standard output (``-``)."""

FETCH_COLUMNS: tuple[str, ...] = tuple(FetchInfo.model_fields)
"""The record's ``fetch`` is flattened into these columns (all null for pages read from files)."""
COLUMNS: tuple[str, ...] = tuple(
    column for name in Article.model_fields
    for column in (FETCH_COLUMNS if name == "fetch" else (name,)))
"""The tabular layout shared by CSV, Parquet and SQLite."""
def _is_string_list(annotation: Any) -> bool:
    """list[str], or a list of a constrained str (list[AbsoluteUrl])."""
    if typing.get_origin(annotation) is not list:
        return False
    item = typing.get_args(annotation)[0]
    return item is str or (typing.get_origin(item) is typing.Annotated
                            and typing.get_args(item)[0] is str)


LINE_FIELDS = frozenset(name for name, field in Article.model_fields.items()
                        if _is_string_list(field.annotation))
"""Lists of strings: one item per line in a CSV cell (JSON arrays in SQLite)."""
CHILD_TABLES = ("breadcrumbs", "date_mentions", "quotes", "removed", "links", "documents",
                "images", "contacts")
"""Nested lists that get a SQLite table of their own, keyed by (article_id, position)."""
PARQUET_ROW_GROUP_SIZE = 2_000
"""Records per Parquet row group (about 10 MB of text): the batch held in memory."""
DOCUMENT_FILE_COLUMNS = ("size", "sha256", "pages", "file_title", "file_text", "fetched_at")
"""Columns of the SQLite ``documents`` table after the link's own (url, text, type): the
fetched file's, from the document records of ``crawl --documents`` (null when not fetched)."""
SQLITE_BATCH_SIZE = 500
"""Records inserted per SQLite ``executemany`` round and commit."""


def check_export(to: str, output: Path | str, *, bom: bool = False) -> None:
    """Refuse, before any work, an export that cannot be done (unknown format, a binary
    format to stdout, Parquet without pyarrow, ``bom`` outside CSV)."""
    if to not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {to!r}: use one of {', '.join(EXPORT_FORMATS)}")
    if str(output) == "-" and to not in STREAMABLE_FORMATS:
        raise ExportError(f"{to} cannot go to standard output: pass -o FILE{EXPORT_FORMATS[to]}")
    if bom and to != "csv":
        raise ExportError("--bom applies to CSV only: use it with --to csv")
    if to == "parquet":
        _pyarrow()


def write_records(records: Iterable[Article], output: Path | str, *, to: str,
                  bom: bool = False, documents: Iterable[Document] | None = None) -> int:
    """Write ``records`` to ``output`` (``-``: stdout, CSV and JSONL only) in format ``to``
    and return how many were written. Streams: one batch in memory at a time. A file appears
    only when complete (written beside it, then renamed); an existing one is replaced."""
    check_export(to, output, bom=bom)
    if str(output) == "-":
        return _write_csv_stdout(records, bom) if to == "csv" else _write_jsonl(records, "-")
    path = Path(output)
    try:
        check_output(path, overwrite=True, option="output")  # a device or a symlink: never
    except InputError as error:
        raise ExportError(str(error)) from None
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    sweep(path.parent, f".{glob.escape(path.name)}.*.part")  # left by killed exports
    try:
        temporary.unlink(missing_ok=True)  # left by a killed export with the same pid
        count = _write_sqlite(records, temporary, bom, documents) if to == "sqlite" \
            else _WRITERS[to](records, temporary, bom)
        os.replace(temporary, path)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from error
    finally:
        temporary.unlink(missing_ok=True)
    logger.info("%s: %d records written as %s", path, count, to)
    return count


def _flat(article: Article, *, mode: typing.Literal["json", "python"]) -> dict[str, Any]:
    """The record as one row of :data:`COLUMNS` (``fetch`` flattened)."""
    data = article.model_dump(mode=mode)
    fetch = data.pop("fetch") or {}
    data.update((column, fetch.get(column)) for column in FETCH_COLUMNS)
    return {column: data[column] for column in COLUMNS}


Item = typing.TypeVar("Item")


def _batches(records: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for article in records:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_jsonl(records: Iterable[Article], target: Path | str, bom: bool = False) -> int:
    with JsonlWriter(target, append=False) as writer:
        for article in records:
            writer.write(article)
    return writer.count


# CSV: RFC 4180 (comma, double quotes doubled, CRLF), UTF-8, optionally with a BOM.


def lines_cell(items: list[str]) -> str:
    """A list of strings as one readable CSV cell: one item per line. When that would be
    ambiguous (an item holding a line break, a lone empty item, a first item starting with
    ``[``) the cell is a JSON array instead, so a cell starting with ``[`` is always JSON.

    >>> lines_cell(["Bridges of Trust", "Democracy"])
    'Bridges of Trust\\nDemocracy'
    >>> lines_cell(["two\\nlines"])
    '["two\\\\nlines"]'
    """
    if items == [""] or (items and items[0].startswith("[")) or any(
            "\n" in item or "\r" in item for item in items):
        return json.dumps(items, ensure_ascii=False)
    return "\n".join(items)


CSV_SUMMARY = ("link_count", "document_count", "document_urls", "image_count",
               "image_urls", "contact_count")
"""Columns only CSV has, after :data:`COLUMNS`, for a spreadsheet reader: how many links,
documents, images and contacts each article has, and the URLs of its documents and images
one per line (the full lists are the JSON columns of the same name)."""


def _csv_summary(article: Article) -> list[str]:
    return [str(len(article.links)), str(len(article.documents)),
            lines_cell([document.url for document in article.documents]),
            str(len(article.images)), lines_cell([image.url for image in article.images]),
            str(len(article.contacts))]


def _csv_row(article: Article) -> list[str]:
    row = []
    for column, value in _flat(article, mode="json").items():
        if value is None:
            row.append("")
        elif column in LINE_FIELDS:
            row.append(lines_cell(value))
        elif isinstance(value, (list, dict)):
            row.append(json.dumps(value, ensure_ascii=False))
        else:
            row.append(str(value))
    return row + _csv_summary(article)


def _write_csv_rows(records: Iterable[Article], handle: IO[str]) -> int:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow((*COLUMNS, *CSV_SUMMARY))
    count = 0
    for article in records:
        writer.writerow(_csv_row(article))
        count += 1
    return count


def _write_csv(records: Iterable[Article], path: Path, bom: bool) -> int:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        return _write_csv_rows(records, handle)


def _write_csv_stdout(records: Iterable[Article], bom: bool) -> int:
    sys.stdout.flush()
    handle = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        if bom:
            handle.write("\ufeff")
        return _write_csv_rows(records, handle)
    finally:
        handle.flush()
        handle.detach()


# Parquet: a nested schema generated from the models (lists, structs, a map; dates as dates).


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as error:
        raise ExportError("Parquet export needs pyarrow: pip install pyarrow (or install "
                          "scraper with its parquet extra: pip install '.[parquet]')") from error
    return pyarrow, pyarrow.parquet


def _arrow_type(annotation: Any) -> Any:
    """The Arrow type of a model annotation: str, int, bool, date, datetime, Literal,
    Optional, Annotated, list, dict and nested models."""
    pa, _ = _pyarrow()
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _arrow_type(arguments[0])
    if origin in (typing.Union, types.UnionType):
        return _arrow_type(next(each for each in arguments if each is not type(None)))
    if origin is typing.Literal:
        return pa.string()
    if origin is list:
        return pa.list_(_arrow_type(arguments[0]))
    if origin is dict:
        return pa.map_(_arrow_type(arguments[0]), _arrow_type(arguments[1]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(_arrow_fields(annotation))
    scalars = {str: pa.string(), int: pa.int64(), bool: pa.bool_(), float: pa.float64(),
               dt.datetime: pa.timestamp("us", tz="UTC"), dt.date: pa.date32()}
    if annotation not in scalars:
        raise ExportError(f"no Parquet type for {annotation!r}: extend _arrow_type")
    return scalars[annotation]


def _arrow_fields(model: type[BaseModel]) -> list[Any]:
    fields: list[Any] = []
    for name, field in model.model_fields.items():
        if model is Article and name == "fetch":
            fields.extend(_arrow_field(column, FetchInfo.model_fields[column], nullable=True)
                          for column in FETCH_COLUMNS)
        else:
            fields.append(_arrow_field(name, field))
    return fields


def _arrow_field(name: str, field: Any, *, nullable: bool = False) -> Any:
    pa, _ = _pyarrow()
    nullable = nullable or type(None) in typing.get_args(field.annotation)
    return pa.field(name, _arrow_type(field.annotation), nullable=nullable,
                    metadata={"description": field.description or ""})


def arrow_schema() -> Any:
    """The Parquet (Arrow) schema of :data:`COLUMNS`; each field carries its description."""
    pa, _ = _pyarrow()
    return pa.schema(_arrow_fields(Article), metadata={"scraper.record": "Article"})


def _write_parquet(records: Iterable[Article], path: Path, bom: bool) -> int:
    pa, pq = _pyarrow()
    schema = arrow_schema()
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in _batches(records, PARQUET_ROW_GROUP_SIZE):
            rows = [_flat(article, mode="python") for article in batch]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            count += len(rows)
    return count


# SQLite: articles, one table per nested list (keyed to the article), an FTS5 index.


def _child_model(name: str) -> type[BaseModel]:
    model = typing.get_args(Article.model_fields[name].annotation)[0]
    assert isinstance(model, type) and issubclass(model, BaseModel)
    return model


def _sql_type(annotation: Any) -> str:
    return "INTEGER" if annotation in (int, bool) else "TEXT"


ARTICLE_COLUMNS = tuple(column for column in COLUMNS if column not in CHILD_TABLES)
"""The columns of the SQLite ``articles`` table (after its ``id``)."""


def sqlite_schema() -> str:
    """The tables of a SQLite export (indexes and the FTS5 table come after the rows)."""
    types_by_column = {name: field.annotation for name, field in Article.model_fields.items()}
    types_by_column.update((name, field.annotation)
                           for name, field in FetchInfo.model_fields.items())
    columns = [f'"{column}" {_sql_type(types_by_column[column])}'
               + (" NOT NULL" if column == "url" else "") for column in ARTICLE_COLUMNS]
    statements = [_create_table("articles", ["id INTEGER PRIMARY KEY", *columns])]
    for table in CHILD_TABLES:
        fields = _child_model(table).model_fields
        files = [f'"{name}" {"INTEGER" if name in ("size", "pages") else "TEXT"}'
                 for name in DOCUMENT_FILE_COLUMNS] if table == "documents" else []
        statements.append(_create_table(table, [
            "article_id INTEGER NOT NULL REFERENCES articles(id)", "position INTEGER NOT NULL",
            *(f'"{name}" {_sql_type(field.annotation)}' for name, field in fields.items()),
            *files, "PRIMARY KEY (article_id, position)"]))
    return "\n".join(statements)


def _create_table(name: str, lines: list[str]) -> str:
    return f"CREATE TABLE {name} (\n    " + ",\n    ".join(lines) + "\n);"


SQLITE_INDEXES = """
CREATE INDEX articles_item ON articles(item_id, language);
CREATE INDEX articles_url ON articles(url);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX quotes_speaker ON quotes(speaker);
CREATE INDEX date_mentions_start ON date_mentions(start, "end");
CREATE INDEX links_url ON links(url);
CREATE INDEX documents_url ON documents(url);
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles',
    content_rowid='id', tokenize='unicode61 remove_diacritics 2');
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE documents_fts USING fts5(text, file_title, file_text,
    content='documents', tokenize='unicode61 remove_diacritics 2');
INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
"""
"""Built once the rows are in; ``articles_fts`` is an external-content FTS5 index over the
title and text of ``articles`` (``rowid`` = ``articles.id``), ``documents_fts`` one over the
link text and the fetched file's title and text of ``documents`` (``rowid`` =
``documents.rowid``)."""


def _sqlite_rows(article_id: int, article: Article) -> dict[str, list[tuple[object, ...]]]:
    row = _flat(article, mode="json")
    rows: dict[str, list[tuple[object, ...]]] = {"articles": [(article_id, *(
        json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value
        for value in (row[column] for column in ARTICLE_COLUMNS)))]}
    for table in CHILD_TABLES:
        padding = (None,) * len(DOCUMENT_FILE_COLUMNS) if table == "documents" else ()
        rows[table] = [(article_id, position, *item.values(), *padding)
                       for position, item in enumerate(row[table])]
    return rows


def _fill_documents(connection: sqlite3.Connection, documents: Iterable[Document]) -> None:
    """The fetched files' columns of ``documents``, from their records (by URL)."""
    connection.execute("CREATE INDEX documents_url_fill ON documents(url)")
    for batch in _batches(documents, SQLITE_BATCH_SIZE):
        connection.executemany(
            "UPDATE documents SET size = ?, sha256 = ?, pages = ?, file_title = ?, "
            "file_text = ?, fetched_at = ? WHERE url = ?",
            [(document.size, document.sha256, document.pages, document.title, document.text,
              document.fetch.fetched_at.isoformat(), document.url) for document in batch])
        connection.commit()
    connection.execute("DROP INDEX documents_url_fill")


def _write_sqlite(records: Iterable[Article], path: Path, bom: bool,
                  documents: Iterable[Document] | None = None) -> int:
    inserts = {"articles": f"INSERT INTO articles VALUES ({', '.join('?' * (len(ARTICLE_COLUMNS) + 1))})"}
    for table in CHILD_TABLES:
        width = len(_child_model(table).model_fields) + 2 + (
            len(DOCUMENT_FILE_COLUMNS) if table == "documents" else 0)
        inserts[table] = f"INSERT INTO {table} VALUES ({', '.join('?' * width)})"
    try:
        connection = sqlite3.connect(path)
    except sqlite3.Error as error:
        raise ExportError(f"cannot write {path}: {error}") from error
    count = 0
    try:
        connection.execute("PRAGMA journal_mode = OFF")  # a scratch file until renamed
        connection.execute("PRAGMA synchronous = OFF")
        connection.executescript(sqlite_schema())
        for batch in _batches(records, SQLITE_BATCH_SIZE):
            rows: dict[str, list[tuple[object, ...]]] = {table: [] for table in inserts}
            for article in batch:
                count += 1
                for table, values in _sqlite_rows(count, article).items():
                    rows[table].extend(values)
            for table, values in rows.items():
                connection.executemany(inserts[table], values)
            connection.commit()
        if documents is not None:
            _fill_documents(connection, documents)
        connection.executescript(SQLITE_INDEXES)
        connection.commit()
    except sqlite3.Error as error:
        raise ExportError(f"cannot write {path}: {error}") from error
    finally:
        connection.close()
    return count


_WRITERS: dict[str, Callable[[Iterable[Article], Path, bool], int]] = {
    "csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet,
    "sqlite": _write_sqlite}
