"""The data dictionary, generated from the models: ``docs/record.md`` (every field of the
record and of its nested models, with type, description and example, and how each appears in
the export formats), ``docs/article.schema.json`` (the JSON Schema, as ``scraper schema``
prints it) and ``docs/profile.md`` (every key of a site profile, and the strategies a profile
can name). ``tests/test_docs_record.py`` fails while either is stale. Regenerate with::

    python -m scraper.docs            # from the repository root: writes both files
    python -m scraper.docs --check    # exit 1 (and name the files) when they are stale
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import inspect
import json
import sys
import textwrap
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from scraper.dataset.export import (
    CHILD_TABLES,
    COLUMNS,
    CSV_SUMMARY,
    FETCH_COLUMNS,
    LINE_FIELDS,
    SQLITE_INDEXES,
    sqlite_schema,
)
from scraper.crawl.runner import DISCOVERIES, VIAS
from scraper.extract.layouts import LAYOUTS
from scraper.profiles import HeaderLines, SiteProfile, bundled_profiles
from scraper.records import (
    Article,
    Breadcrumb,
    Contact,
    DateMention,
    Dateline,
    Document,
    FetchInfo,
    Image,
    Link,
    LinkedDocument,
    ListBlock,
    Quote,
    RemovedBlock,
)

DOCS_FOLDER = Path("docs")
MODELS: tuple[type[BaseModel], ...] = (Article, Breadcrumb, Dateline, DateMention, ListBlock,
                                       Quote, RemovedBlock, Link, LinkedDocument, Image,
                                       Contact, FetchInfo, Document)

EXAMPLE = Article(
    url="https://ccre.org/en/actualites/view/4384",
    canonical_url="https://ccre.org/en/actualites/view/4384",
    item_id="4384",
    language="en",
    site_name="Council of European Municipalities and Regions (CEMR)",
    title="Bridges of Trust partner-municipalities, Fastiv and Druskininkai, meet in person "
    "for the first time",
    breadcrumbs=[Breadcrumb(name="Home", url="https://ccre.org/en"),
                 Breadcrumb(name="Solidarity with Ukraine")],
    section="Solidarity with Ukraine",
    topics=["Bridges of Trust"],
    published=dt.date(2022, 10, 20),
    published_raw="20.10.2022",
    dateline=Dateline(place="Druskininkai, Lithuania", date=dt.date(2022, 10, 20)),
    date_mentions=[DateMention(text="3-7 October 2022", start=dt.date(2022, 10, 3),
                               end=dt.date(2022, 10, 7), precision="day")],
    paragraphs=["On 3-7 October 2022, a delegation from Fastiv municipality in Kyiv region "
                "traveled to Lithuania."],
    text="On 3-7 October 2022, a delegation from Fastiv municipality in Kyiv region "
    "traveled to Lithuania.\n\nThe visit had the following main goals:",
    lists=[ListBlock(intro="The visit had the following main goals:",
                     items=["physically meet the partners for the first time;"])],
    goals_intro="The visit had the following main goals:",
    goals=["physically meet the partners for the first time"],
    quotes=[Quote(text="Ukraine is not alone, we are part of the European family.",
                  speaker="Yuliia Kazakova", role="medical director of the Fastiv hospital",
                  cue="According to", paragraphs=1)],
    previous_url="https://ccre.org/en/actualites/view/4383",
    next_url="https://ccre.org/en/actualites/view/4385",
    translations={"fr": "https://ccre.org/fr/actualites/view/4384"},
    same_as=["https://ccre-cemr.org/projects-programmes/bridges-of-trust/fastiv-druskininkai"],
    removed=[RemovedBlock(text="Développez vos ventes : conseil marketing Organisation",
                          reason="spam")],
    fetch=FetchInfo(fetched_at=dt.datetime(2024, 5, 2, 9, 14, 3, tzinfo=dt.UTC), status=200,
                    final_url="https://ccre.org/en/actualites/view/4384",
                    content_type="text/html; charset=utf-8", etag='"5f3a-61b"',
                    last_modified="Thu, 20 Oct 2022 09:12:00 GMT",
                    sha256="9c1185a5c5e9fc54612808977ee8f548b2258d31b2d5c4f5a2a6f0c0a2e1e5b7",
                    archived_at=dt.datetime(2022, 10, 21, 6, 30, 12, tzinfo=dt.UTC),
                    archive_url="https://web.archive.org/web/20221021063012id_/"
                    "https://ccre.org/en/actualites/view/4384"),
    source="archive",
    page_kind="news",
    edition="en",
    headings=["Next steps"],
    links=[Link(text="available here",
                url="https://ccre.org/img/uploads/piecesjointe/filename/bridges_of_trust.pdf",
                kind="document")],
    documents=[LinkedDocument(
        text="available here",
        url="https://ccre.org/img/uploads/piecesjointe/filename/bridges_of_trust.pdf",
        type="pdf")],
    images=[Image(url="https://ccre.org/img/uploads/actualite/fastiv_druskininkai.jpg",
                  alt="Delegations of Fastiv and Druskininkai",
                  caption="The two mayors in Druskininkai")],
    contacts=[Contact(name="Boris Tonhauser", role="Director of Platforma",
                      email="boris.tonhauser@ccre.org", phone="+ 32 2 500 05 39")],
    extractor_version="0.1.0",
)
"""One complete record (the founding page, abbreviated, as read from a web-archive capture;
its dateline and migrated copy are illustrative): every field's example comes from it."""

DOCUMENT_EXAMPLE = Document(
    url=EXAMPLE.documents[0].url, type="pdf", linked_from=[EXAMPLE.url],
    link_text="available here", size=48213,
    sha256="0f4a1f1d7b7e4f3a9d2c6b5e8a7f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5", pages=4,
    title="Bridges of Trust: partnership report",
    text="Bridges of Trust\n\nFastiv and Druskininkai: a partnership report...",
    fetch=FetchInfo(fetched_at=dt.datetime(2024, 5, 2, 9, 14, 5, tzinfo=dt.UTC), status=200,
                    final_url=EXAMPLE.documents[0].url, content_type="application/pdf",
                    sha256="0f4a1f1d7b7e4f3a9d2c6b5e8a7f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5",
                    requested_url=EXAMPLE.documents[0].url),
    extractor_version="0.1.0",
)
"""The document record of the example's position paper (``scraper crawl --documents``)."""

_VALIDATED = {"_absolute_url": "URL", "_language_code": "language code",
              "_strip_nonempty": "non-empty text"}
_SCALARS: dict[type, str] = {str: "text", int: "integer", bool: "boolean", float: "number",
            dt.datetime: "timestamp (ISO 8601)", dt.date: "date (YYYY-MM-DD)"}


def schema_text() -> str:
    """The JSON Schema of the record, exactly as ``scraper schema`` prints it."""
    return json.dumps(Article.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def type_name(annotation: object, metadata: Sequence[object] = ()) -> str:
    """A field's type in words: "URL or null", "list of [Quote](#quote)", ...

    >>> type_name(list[str])
    'list of text'
    >>> type_name(dt.date | None)
    'date (YYYY-MM-DD) or null'
    """
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(arguments[0], annotation.__metadata__)  # type: ignore[attr-defined]
    if origin in (typing.Union, types.UnionType):
        names = [type_name(each) for each in arguments if each is not type(None)]
        return " or ".join(names) + (" or null" if type(None) in arguments else "")
    if origin is typing.Literal:
        return "one of " + ", ".join(json.dumps(value) for value in arguments)
    if origin is list or (origin is tuple and arguments[1:] == (Ellipsis,)):
        return f"list of {type_name(arguments[0])}"
    if origin is dict:
        return f"map: {type_name(arguments[0])} → {type_name(arguments[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    name = _SCALARS[annotation] if isinstance(annotation, type) and annotation in _SCALARS \
        else str(annotation)
    for item in metadata:
        function = getattr(getattr(item, "func", None), "__name__", "")
        name = _VALIDATED.get(function, name)
        if getattr(item, "ge", None) is not None:
            name += f" ≥ {item.ge}"  # type: ignore[attr-defined]
        if getattr(item, "pattern", None) is not None:
            name += f" matching `{item.pattern}`"  # type: ignore[attr-defined]
    return name


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True, validated_data={})
    return "" if value is PydanticUndefined else f"`{json.dumps(value)}`"


def _example_of(model: type[BaseModel]) -> BaseModel:
    if model is Article:
        return EXAMPLE
    if model is Document:
        return DOCUMENT_EXAMPLE
    for name in Article.model_fields:
        value = getattr(EXAMPLE, name)
        if isinstance(value, model):
            return value
        if isinstance(value, list) and value and isinstance(value[0], model):
            return value[0]
    raise ValueError(f"EXAMPLE has no {model.__name__}: give it one")


def _cell(text: str, limit: int = 90) -> str:
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return text.replace("|", "\\|").replace("\n", " ")


def _model_section(model: type[BaseModel]) -> list[str]:
    example = _example_of(model).model_dump(mode="json")
    lines = [f"## {model.__name__}", "", (model.__doc__ or "").strip(), "",
             "| field | type | default | description | example |", "|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        sample = json.dumps(example[name], ensure_ascii=False)
        lines.append(f"| `{name}` | {type_name(field.annotation, field.metadata)} | "
                     f"{_default(field)} | {_cell(field.description or '', 400)} | "
                     f"`{_cell(sample)}` |")
    return [*lines, ""]


def _formats_section() -> list[str]:
    def names(fields: typing.Iterable[str]) -> str:
        return ", ".join(f"`{name}`" for name in fields)

    nested_json = [name for name in Article.model_fields
                   if name not in LINE_FIELDS and name not in CHILD_TABLES and name != "fetch"
                   and typing.get_origin(Article.model_fields[name].annotation) in (list, dict)]
    return [
        "## In the export formats", "",
        "`scraper export FILE.jsonl --to csv|parquet|sqlite|jsonl` writes the same columns in "
        "every tabular format: the record's fields in order, with `fetch` flattened into its "
        "own fields (null when the page was read from a file), so provenance (`url`, "
        "`fetched_at`, `sha256`, `extractor_version`) is a column everywhere:", "",
        names(COLUMNS), "",
        "| in the record | CSV | Parquet | SQLite |", "|---|---|---|---|",
        "| text, URL, language code | text | `string` | `TEXT` |",
        "| date (`published`, `start`, `end`) | `YYYY-MM-DD` | `date32` | `TEXT` `YYYY-MM-DD` |",
        "| timestamp (`fetched_at`) | ISO 8601, `Z` for UTC | `timestamp[us, UTC]` | "
        "`TEXT` ISO 8601 |",
        "| integer, boolean | digits, `true`/`false` | `int64`, `bool` | `INTEGER` (booleans "
        "0/1) |",
        f"| lists of text: {names(sorted(LINE_FIELDS))} | one item per line; a cell starting "
        "with `[` is a JSON array (written only when an item holds a line break, the list is "
        "one empty item, or the first item starts with `[`) | `list<string>` | `TEXT`, a JSON "
        "array (`json_each()`) |",
        f"| lists of records: {names(CHILD_TABLES)} | `TEXT`, a JSON array of objects | "
        "`list<struct>` | a table of the same name: `article_id`, `position`, then the "
        "model's fields |",
        f"| other nested values: {names(nested_json)} | JSON | `list<struct>`, "
        "`map<string, string>` | `TEXT`, JSON |",
        f"| `fetch` | {names(FETCH_COLUMNS)} | the same columns | the same columns |",
        f"| (CSV only, after the record's columns) | {names(CSV_SUMMARY)}: counts, and the "
        "documents' and images' URLs one per line | no | no (the tables below) |",
        "| null | empty cell | null | `NULL` |", "",
        "CSV is RFC 4180 (comma, `\"` doubled inside quoted cells, CRLF line ends), UTF-8; "
        "`--bom` adds a byte order mark so Excel detects UTF-8. CSV cannot tell an empty text "
        "from a missing one: an empty optional text (`section`, `etag`, ...) reads back as "
        "null. Cells are written verbatim: Excel shows at most 32,767 characters of a cell "
        "(the file holds them all) and may read a cell starting with `=`, `+`, `-` or `@` as "
        "a formula, so import text columns as text. Parquet fields carry their description "
        "as field metadata.", "",
        "The SQLite tables (`articles.id` is the key every other table refers to; "
        "`articles_fts` is an external-content FTS5 index whose `rowid` is `articles.id`):", "",
        "```sql", sqlite_schema(),
        SQLITE_INDEXES.strip(), "```", "",
    ]


def record_markdown() -> str:
    """The text of ``docs/record.md``."""
    lines = [
        "# The record: data dictionary", "",
        "<!-- Generated from scraper/records/models.py by `python -m scraper.docs`; do not edit. "
        "tests/test_docs_record.py fails while it is stale. -->", "",
        "One JSON object per article (JSONL), validated by the Pydantic models of "
        "`scraper/records/models.py`. Field names are a public interface: fields are added, never "
        "renamed. The JSON Schema is [article.schema.json](article.schema.json) (the same as "
        "`scraper schema`). Examples come from one record (the founding page, abbreviated). "
        "`scraper crawl --documents` also writes one [Document](#document) per file the "
        "articles link, to `OUT.documents.jsonl`.",
        "", "Models: " + ", ".join(f"[{model.__name__}](#{model.__name__.lower()})"
                                   for model in MODELS), "",
    ]
    for model in MODELS:
        lines.extend(_model_section(model))
    lines.extend(_formats_section())
    return "\n".join(lines).rstrip("\n") + "\n"


def attribute_docs(model: type[BaseModel]) -> dict[str, str]:
    """The docstrings written under the fields of ``model`` and of its bases (a profile's and
    a lexicon's keys are documented so; pydantic is not asked to read them, which cost every
    process a tenth of a second at start-up)."""
    found: dict[str, str] = {}
    for klass in reversed(model.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, BaseModel)) or \
                klass is BaseModel:
            continue
        tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in zip(body, body[1:], strict=False):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and \
                    isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) and \
                    isinstance(after.value.value, str):
                found[node.target.id] = inspect.cleandoc(after.value.value)
    return found


def field_description(model: type[BaseModel], name: str) -> str:
    """A field's description: its ``description``, else the docstring under it."""
    return model.model_fields[name].description or attribute_docs(model).get(name, "")


def _table_section(title: str, model: type[BaseModel], intro: str) -> list[str]:
    lines = [f"## {title}", "", intro, "", "| key | type | default | meaning |",
             "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            continue  # a table of its own, below
        kind = type_name(field.annotation, field.metadata).replace("map: text → [HeaderLines]"
                                                                   "(#headerlines)", "tables")
        lines.append(f"| `{name}` | {kind} | {_default(field)} | "
                     f"{_cell(field_description(model, name), 400)} |")
    return [*lines, ""]


def _strategies(title: str, registry: Mapping[str, object]) -> list[str]:
    lines = [f"{title}:", ""]
    for name, strategy in registry.items():
        function = getattr(strategy, "discover", strategy)
        summary = (getattr(function, "__doc__", None) or "").strip().split("\n\n")[0]
        lines.append(f"- `{name}`: {' '.join(summary.split())}".replace("``", "`"))
    return [*lines, ""]


def profile_markdown() -> str:
    """The text of ``docs/profile.md``: every key a site profile may hold."""
    lines = [
        "# Site profiles: every key", "",
        "<!-- Generated from scraper/profiles/__init__.py by `python -m scraper.docs`; do not "
        "edit. tests/test_docs_record.py fails while it is stale. -->", "",
        "A site profile is one TOML file: everything specific to a site. The bundled ones are "
        "the files of `scraper/profiles/` (" + ", ".join(
            f"`{name}`" for name in bundled_profiles()) + "); `--profile FILE.toml` (extract, "
        "get) or `--site FILE.toml` (crawl) reads your own. A profile is validated on load: "
        "an unknown key, a bad regex or a bad CSS selector is an error naming it.", "",
        "`extends = \"NAME\"` (a bundled name, or a path relative to the file) starts from "
        "another profile: tables are merged key by key, any other value (lists included) is "
        "replaced. So a copy of the live site that differs in one place is a two-line file:",
        "", "```toml", 'name = "my-cemr"', 'extends = "cemr"', "[selectors]",
        'title = "h1.entry-title"', "```", "",
        *_strategies("Layouts (`layout = \"NAME\"`), how an article page is read", LAYOUTS),
        *_strategies("Discovery strategies (`discovery = \"NAME\"` or `[discovery] strategy`), "
                     "how a crawl finds the items", DISCOVERIES),
        *_strategies("Sources read through another service (`scraper crawl --via NAME`)", VIAS),
    ]
    lines.extend(_table_section("Top level", SiteProfile, "Keys outside any table."))
    for name, field in SiteProfile.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            lines.extend(_table_section(f"[{name}]", model,
                                        field_description(SiteProfile, name)))
    lines.extend(_table_section("[header.LANGUAGE]", HeaderLines,
                                "The site header of one interface language."))
    return "\n".join(lines).rstrip("\n") + "\n"


def generated_files(folder: Path = DOCS_FOLDER) -> dict[Path, str]:
    """Each generated file of ``folder`` and the text it should hold."""
    return {folder / "record.md": record_markdown(),
            folder / "article.schema.json": schema_text(),
            folder / "profile.md": profile_markdown()}


def stale_files(folder: Path = DOCS_FOLDER) -> list[Path]:
    """The generated files of ``folder`` that are missing or differ from the models."""
    return [path for path, text in generated_files(folder).items()
            if not path.is_file() or path.read_text("utf-8") != text]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scraper.docs",
        description="Write docs/record.md, docs/article.schema.json and docs/profile.md from the models.",
        epilog="Example: python -m scraper.docs --check")
    parser.add_argument("--folder", type=Path, default=DOCS_FOLDER,
                        help="where the files go (default: docs)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a file is stale")
    arguments = parser.parse_args(argv)
    stale = stale_files(arguments.folder)
    if arguments.check:
        for path in stale:
            print(f"{path} is stale: run python -m scraper.docs", file=sys.stderr)
        return 1 if stale else 0
    arguments.folder.mkdir(parents=True, exist_ok=True)
    for path, text in generated_files(arguments.folder).items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
