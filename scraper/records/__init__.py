"""The record contract: the Pydantic models every source's pages become (``models``), and
records as JSONL (``jsonl``). Field names are a public interface: added, never renamed; the
data dictionary (``docs/record.md``) is generated from the models by ``python -m
scraper.docs``."""

from __future__ import annotations

from scraper.records.models import (
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
    LinkKind,
    ListBlock,
    Precision,
    Quote,
    RemovedBlock,
)

__all__ = ["Article", "Breadcrumb", "Contact", "DateMention", "Dateline", "Document",
           "FetchInfo", "Image", "Link", "LinkKind", "LinkedDocument", "ListBlock", "Precision",
           "Quote", "RemovedBlock"]
