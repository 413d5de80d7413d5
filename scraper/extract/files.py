"""What a linked file says: a PDF's page count, title and text, read with pypdf (the
``pdf`` extra); other types, and PDFs without pypdf, keep what the fetch knows (size, type,
hash) and say why the rest is missing."""

from __future__ import annotations

import io
import logging
import warnings

from scraper import budget
from scraper.document import FileText
from scraper.text import normalise_space

MAX_PAGES = 500
"""Pages whose text is read; a longer PDF keeps its page count, and the text of these."""
MAX_TEXT_CHARS = 2_000_000
"""Text kept per file."""


def read_file(body: bytes, file_type: str) -> FileText:
    """The page count, title and text of a PDF's bytes; for other types, nothing."""
    if file_type != "pdf":
        return FileText()
    try:
        import pypdf
    except ImportError:
        return FileText(error="no PDF library: pip install 'scraper[pdf]' (pypdf)")
    if not body.lstrip()[:5] == b"%PDF-":
        return FileText(error=f"not a PDF: the file starts with {body[:8]!r}")
    # pypdf warns (and logs) about every oddity of real-world files: noise, not errors.
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _read_pdf(pypdf, body)
    except budget.BudgetExceeded:
        raise
    except Exception as error:  # pypdf raises many kinds on broken files  # noqa: BLE001
        return FileText(error=f"unreadable PDF: {type(error).__name__}: {error}"[:300])
    finally:
        pypdf_logger.setLevel(level)


def _read_pdf(pypdf: object, body: bytes) -> FileText:
    reader = pypdf.PdfReader(io.BytesIO(body))  # type: ignore[attr-defined]
    if reader.is_encrypted and not reader.decrypt(""):
        return FileText(pages=None, error="encrypted PDF: no text without its password")
    pages = len(reader.pages)
    metadata = reader.metadata
    title = normalise_space(str(metadata.title)) if metadata and metadata.title else None
    texts: list[str] = []
    size = 0
    for page in reader.pages[:MAX_PAGES]:
        budget.check()
        text = "\n".join(line.strip() for line in (page.extract_text() or "").splitlines())
        texts.append(text.strip())
        size += len(text)
        if size > MAX_TEXT_CHARS:
            break
    text = "\n\n".join(texts)[:MAX_TEXT_CHARS].strip()
    return FileText(pages=pages, title=title or None, text=text or None)


__all__ = ["MAX_PAGES", "read_file"]
