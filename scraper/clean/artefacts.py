"""Repairs of items migrated from an older site into a new one (profile
``content.migration_artefacts``): the legacy bodies' CRLF line breaks became literal "rn"
on the way, between paragraphs (``</p>rn<p>``, ``</p>rnrn<p>``), at the start of one
(``<p>rnLes participants``), alone on a line (``<br />\\nrn rn</p>``) and between sentences
("is changing.rnThe survey"). Only an "rn" standing where a line break stood goes; words
that contain the letters ("modern", "Bern", "governments") stay.

>>> repair_migration_artefacts("<p>A.</p>rnrn<p>rnLes élus.rnThe end<br />\\nrn rn</p>")
'<p>A.</p><p>Les élus. The end<br /></p>'
"""

from __future__ import annotations

import re

from scraper.lexicons.patterns import capital_class

_NAME_OR_MARK = capital_class('«“"')
"""A capital letter of any script, or an opening quote mark."""
_AFTER_TAG = re.compile(rf"(?<=>)(?:\s*rn)+\s*(?=<|{_NAME_OR_MARK})")
"""After a tag: before the next tag or a capitalised word ("<p>rnLes")."""
_BETWEEN_SENTENCES = re.compile(rf"(?<=[.!?:;»”\"])(?:rn)+(?={_NAME_OR_MARK})")


def repair_migration_artefacts(html: str) -> str:
    """``html`` without the literal "rn" of migrated line breaks."""
    if "rn" not in html:
        return html
    return _BETWEEN_SENTENCES.sub(" ", _AFTER_TAG.sub("", html))


__all__ = ["repair_migration_artefacts"]
