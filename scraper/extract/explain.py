"""Why a record says what it says (``scraper extract --explain``, :func:`scraper.explain`).

For each quote, the attribution rule that found its speaker (:data:`~scraper.extract.quotes.
RULES`, most precise first), the speaker as written and how it was resolved, and the role
the article introduced the person with; for each date mention, the rule that read it and
the reference date that resolved a relative or yearless date; for each removed block, the
reason. A maintainer fixing a wrong speaker or date starts here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from scraper.extract.dates import explain_date_mentions
from scraper.extract.quotes import RULES, explain_quotes
from scraper.profiles import SiteProfile
from scraper.records import Article


def prose_languages(language: str | None, profile: SiteProfile) -> tuple[str, ...]:
    """The languages a page's prose is read in: the body's, then the site's."""
    return tuple(dict.fromkeys((language,) + profile.languages if language
                               else profile.languages))


@dataclass(frozen=True, slots=True)
class QuoteExplanation:
    text: str
    speaker: str | None
    role: str | None
    cue: str | None
    rule: str
    rule_description: str
    written: str | None
    resolved: str | None
    introduced_as: str | None


@dataclass(frozen=True, slots=True)
class DateExplanation:
    text: str
    start: dt.date
    end: dt.date
    precision: str
    relative: bool
    rule: str
    reference: dt.date | None
    """The publication date a relative or yearless date was resolved against."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why one record says what it says."""

    url: str
    profile: str
    layout: str
    quotes: tuple[QuoteExplanation, ...]
    dates: tuple[DateExplanation, ...]
    removed: tuple[tuple[str, str], ...]
    """(reason, text) of each block the cleaner or the layout dropped."""

    def text(self) -> str:
        """The explanation as a report for people."""
        lines = [f"{self.url}", f"profile {self.profile}, layout {self.layout}", "",
                 f"quotes ({len(self.quotes)}):"]
        for quote in self.quotes:
            lines.append(f"  “{_short(quote.text)}”")
            lines.append(f"    speaker {quote.speaker!r}, role {quote.role!r}, cue {quote.cue!r}")
            how = f"    rule {quote.rule}: {quote.rule_description}"
            if quote.resolved:
                how += f"; {quote.resolved} {quote.written!r} resolved to {quote.speaker!r}"
            lines.append(how)
            if quote.introduced_as and quote.introduced_as != quote.role:
                lines.append(f"    the article introduced {quote.speaker} as "
                             f"{quote.introduced_as!r}")
        lines += ["", f"date mentions ({len(self.dates)}):"]
        for date in self.dates:
            reference = f", resolved against {date.reference}" if date.reference and (
                date.relative or not re.search(r"\d{4}", date.text)) else ""
            lines.append(f"  {date.text!r} -> {date.start}..{date.end} ({date.precision}"
                         f"{', relative' if date.relative else ''}): rule {date.rule}"
                         f"{reference}")
        lines += ["", f"removed ({len(self.removed)}):"]
        lines += [f"  {reason}: {_short(text)}" for reason, text in self.removed]
        return "\n".join(lines) + "\n"


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def explain_article(article: Article, profile: SiteProfile) -> Explanation:
    """Why ``article`` (extracted with ``profile``) has its quotes, dates and removals."""
    languages = prose_languages(article.language, profile)
    quotes = tuple(
        QuoteExplanation(quote.text, quote.speaker, quote.role, quote.cue, reason.rule,
                         RULES.get(reason.rule, ""), reason.written, reason.resolved,
                         reason.introduced_as)
        for quote, reason in explain_quotes(article.paragraphs, languages))
    dates = tuple(
        DateExplanation(mention.text, mention.start, mention.end, mention.precision,
                        mention.relative, rule, article.published)
        for mention, rule in explain_date_mentions(article.text.split("\n"),
                                                   published=article.published,
                                                   languages=languages))
    return Explanation(url=article.url, profile=profile.name, layout=profile.layout,
                       quotes=quotes, dates=dates,
                       removed=tuple((block.reason, block.text) for block in article.removed))


__all__ = ["DateExplanation", "Explanation", "QuoteExplanation", "explain_article",
           "prose_languages"]
