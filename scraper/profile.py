"""Site profiles and lexicons: the data the extractors read pages with.

A *site profile* (``scraper/profiles/<name>.toml``) holds everything specific to one site:
its hosts and URL grammar, header lines, breadcrumb roots, pager words, the category-date
pattern, page-furniture hints and spam markers. A *lexicon* (``scraper/lexicons/<lang>.toml``)
holds the words of one language: month names, speech verbs, honorifics, role nouns, goal
words. ``common.toml`` holds stopwords for language detection and the commercial vocabulary
used to score spam. Both are validated on load; a bad file raises :class:`ProfileError`.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import NamedTuple, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scraper.errors import ProfileError

_FROZEN = ConfigDict(frozen=True, extra="forbid")
BUNDLED_PROFILES = ("cemr", "cemr-wp", "generic")
_M = TypeVar("_M", bound=BaseModel)


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"invalid regular expression {value!r}: {error}") from error
    return value


class UrlRules(BaseModel):
    """Hosts and URL grammar of a site."""

    model_config = _FROZEN
    hosts: tuple[str, ...] = ()
    canonical_base: str | None = None
    item_path: str | None = Field(default=None, description="regex with lang, kind, id groups")
    default_language: str = "en"
    canonical_template: str = "{base}/{lang}/{kind}/view/{id}"
    dated_kinds: tuple[str, ...] = ()

    _check = field_validator("item_path")(_check_regex)


class DiscoveryRules(BaseModel):
    """Where a site's items are: URL templates of items and listing pages, the id range."""

    model_config = _FROZEN
    item_template: str | None = None
    listing_templates: tuple[str, ...] = ()
    listing_page_template: str = "{listing}/page:{page}"
    first_id: int = Field(default=1, ge=0)
    max_misses: int = Field(default=50, ge=1)


class HeaderLines(BaseModel):
    """The site header of one interface language."""

    model_config = _FROZEN
    site_name: str
    lines: tuple[str, ...] = ()


class BreadcrumbRules(BaseModel):
    model_config = _FROZEN
    roots: tuple[str, ...] = ("Home",)
    separators: tuple[str, ...] = (" / ",)
    prefixes: tuple[str, ...] = ()


class PagerRules(BaseModel):
    model_config = _FROZEN
    next: tuple[str, ...] = ("next",)
    previous: tuple[str, ...] = ("previous",)


class DateRules(BaseModel):
    model_config = _FROZEN
    category_date: str | None = None
    formats: tuple[str, ...] = ("%d.%m.%Y",)
    dateline: str | None = Field(
        default=None, description="regex of a dateline opening the body: place, date groups")

    _check = field_validator("category_date", "dateline")(_check_regex)


class ContentRules(BaseModel):
    model_config = _FROZEN
    furniture: dict[str, tuple[str, ...]] = {}
    """Furniture kind ("navigation", "sidebar", ...) -> words of ids/classes that mark it."""
    interface_notes: tuple[str, ...] = ()
    end_markers: tuple[str, ...] = ()
    migration_artefacts: bool = False
    """Repair items migrated from an older site: literal "rn" left where line breaks were,
    the old title glued to the first paragraph."""


class WordPressRules(BaseModel):
    """Where a WordPress site publishes its posts: the REST API, sitemaps, category pages."""

    model_config = _FROZEN
    api: str = "/wp-json/wp/v2"
    per_page: int = Field(default=100, ge=1, le=100)
    category_base: str = "category"
    tag_base: str = "tag"
    language_prefixes: dict[str, str] = {}
    """Language -> path prefix of its pages ("fr" -> "/fr/"); others are the default."""
    home_labels: dict[str, str] = {}
    """Language -> the first crumb's label: a post shows no trail, so the record's is
    home, then the primary category's path."""
    sitemaps: tuple[str, ...] = ("/wp-sitemap.xml", "/sitemap_index.xml")
    listings: tuple[str, ...] = ()
    """Category listing pages read when neither the API nor a sitemap answers."""
    listing_page_template: str = "{listing}/page/{page}"
    max_listing_pages: int = Field(default=500, ge=1)

    def language_prefix(self, url: str) -> tuple[str, str] | None:
        """(language, path prefix) of a URL under one of ``language_prefixes``, or None
        (a page of the default language)."""
        path = urlsplit(url).path or "/"
        for code, prefix in self.language_prefixes.items():
            if path.startswith(prefix):
                return code, prefix
        return None


class SpamRules(BaseModel):
    model_config = _FROZEN
    known: tuple[str, ...] = ()
    threshold: int = Field(default=4, ge=1)


class SiteProfile(BaseModel):
    """Everything specific to one site, loaded from a commented TOML file."""

    model_config = _FROZEN
    name: str
    description: str = ""
    languages: tuple[str, ...] = ("en",)
    urls: UrlRules = UrlRules()
    discovery: DiscoveryRules = DiscoveryRules()
    header: dict[str, HeaderLines] = {}
    breadcrumbs: BreadcrumbRules = BreadcrumbRules()
    pager: PagerRules = PagerRules()
    dates: DateRules = DateRules()
    content: ContentRules = ContentRules()
    spam: SpamRules = SpamRules()
    wordpress: WordPressRules | None = None
    """Set for a WordPress site: discovery through its REST API, sitemaps or category
    pages instead of id enumeration."""

    def matches_host(self, host: str) -> bool:
        """True when ``host`` (lower case, no port) serves this site."""
        return host in self.urls.hosts

    def with_mirror(self, base_url: str) -> SiteProfile:
        """This profile with ``base_url``'s host accepted as one of the site's hosts (a local
        mirror, a test server); canonical URLs still name the real site."""
        host = (urlsplit(base_url).hostname or "").lower()
        if not host or host in self.urls.hosts:
            return self
        urls = self.urls.model_copy(update={"hosts": (*self.urls.hosts, host)})
        return self.model_copy(update={"urls": urls})

    def item_key(self, url: str) -> str:
        """Identity of the page at ``url``: its canonical URL when the grammar knows it."""
        item = self.parse_item_url(url)
        canonical = self.canonical_url(item) if item is not None else None
        return canonical or url

    def parse_item_url(self, url: str) -> ItemRef | None:
        """The item a URL of this site points to, or None (other site, other page kind).

        >>> load_profile("cemr").parse_item_url("http://www.ccre.eu/actualites/view/4384/language:LT")
        ItemRef(language='en', kind='actualites', item_id='4384')
        """
        if not self.urls.item_path:
            return None
        return _parse_item_url(url, self.urls.item_path, self.urls.hosts,
                               self.urls.default_language)

    def canonical_url(self, item: ItemRef) -> str | None:
        """The one URL of ``item``: one scheme, one host, language prefix always written."""
        if not self.urls.canonical_base:
            return None
        return self.urls.canonical_template.format(
            base=self.urls.canonical_base.rstrip("/"),
            lang=item.language,
            kind=item.kind,
            id=item.item_id,
        )


class ItemRef(NamedTuple):
    """Identity of one item of a site: (language, kind of page, id)."""

    language: str
    kind: str
    item_id: str


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


compiled_pattern = _compiled
"""A profile's regex, compiled once (case-insensitive)."""


@functools.lru_cache(maxsize=8192)
def _parse_item_url(url: str, item_path: str, hosts: tuple[str, ...],
                    default_language: str) -> ItemRef | None:
    """:meth:`SiteProfile.parse_item_url` (cached: a page's links are read more than once,
    and the same menus and sidebars link from every page)."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in hosts:
        return None
    match = _compiled(item_path).match(parts.path)
    if match is None:
        return None
    language = (match.group("lang") or default_language).lower()
    return ItemRef(language=language, kind=match.group("kind"), item_id=match.group("id"))


class LexiconWords(BaseModel):
    model_config = _FROZEN
    weekdays: tuple[str, ...] = ()
    range_joiners: tuple[str, ...] = ()
    goal_intro: tuple[str, ...] = ()
    speech_verbs: tuple[str, ...] = ()
    source_phrases: tuple[str, ...] = ()
    honorifics: tuple[str, ...] = ()
    role_nouns: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    pronouns: tuple[str, ...] = ()
    role_stops: tuple[str, ...] = ()
    """Where a role ends and the circumstances begin (", at the opening of")."""
    manner_phrases: tuple[str, ...] = ()
    complementizers: tuple[str, ...] = ()
    auxiliaries: tuple[str, ...] = ()
    place_prepositions: tuple[str, ...] = ()
    circumstance_starters: tuple[str, ...] = ()
    inversion_auxiliaries: tuple[str, ...] = ()
    conjunctions: tuple[str, ...] = ()
    """Conjunctions that may open a role phrase and are not part of it."""
    first_person: tuple[str, ...] = ()
    """First-person words that mark a paragraph as speech (a statement after a colon)."""


class DateWords(BaseModel):
    """Date words of one language (the ``[dates]`` table); month names are in ``months``,
    weekday names and day-range joiners in ``words``."""

    model_config = _FROZEN
    ordinal_suffixes: tuple[str, ...] = ()
    day_articles: tuple[str, ...] = ()
    range_day_articles: tuple[str, ...] = ()
    day_links: tuple[str, ...] = ()
    day_prepositions: tuple[str, ...] = ()
    month_prepositions: tuple[str, ...] = ()
    year_prepositions: tuple[str, ...] = ()
    year_nouns: tuple[str, ...] = ()
    year_noun_links: tuple[str, ...] = ()
    year_determiners: tuple[str, ...] = ()
    quantity_words: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    range_openers: tuple[str, ...] = ()
    pair_joiners: tuple[str, ...] = ()
    decade_suffixes: tuple[str, ...] = ()
    decade_words: tuple[str, ...] = ()
    capitalised_months: bool = False
    relative_days: dict[str, int] = {}
    relative_months: dict[str, int] = {}
    relative_years: dict[str, int] = {}
    named_month_before: dict[str, int] = {}
    named_month_after: dict[str, int] = {}

    @field_validator("named_month_before", "named_month_after")
    @classmethod
    def _directions(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {word: step for word, step in value.items() if step not in (-1, 0, 1)}
        if bad:
            raise ValueError(f"a named month's direction is -1, 0 or 1: {bad}")
        return value


class Lexicon(BaseModel):
    """The words of one language that extractors read prose with."""

    model_config = _FROZEN
    language: str
    months: dict[str, int]
    words: LexiconWords
    dates: DateWords = DateWords()

    @field_validator("months")
    @classmethod
    def _months_in_range(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {name: number for name, number in value.items() if not 1 <= number <= 12}
        if bad:
            raise ValueError(f"month numbers must be 1-12: {bad}")
        return value


class CommonWords(BaseModel):
    """Stopwords per language (language detection) and commercial terms (spam scoring)."""

    model_config = _FROZEN
    stopwords: dict[str, frozenset[str]]
    commercial: dict[str, tuple[str, ...]]
    names: dict[str, tuple[str, ...]] = {}


def _read_toml(path: Path | Traversable) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise ProfileError(f"profile file not found: {path}") from error
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ProfileError(f"cannot read {path}: {error}") from error


def _validate(model: type[_M], data: dict[str, object], source: object) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ProfileError(f"invalid {model.__name__} in {source}: {error}") from error


def load_profile(name_or_path: str | Path = "cemr") -> SiteProfile:
    """Load a bundled profile by name ("cemr", "generic") or a profile TOML file by path."""
    if isinstance(name_or_path, str) and name_or_path in BUNDLED_PROFILES:
        return _bundled_profile(name_or_path)
    path = Path(name_or_path)
    if path.suffix != ".toml":
        known = ", ".join(BUNDLED_PROFILES)
        raise ProfileError(f"unknown profile {name_or_path!r}: use one of {known} or a .toml path")
    return _validate(SiteProfile, _read_toml(path), path)


@functools.cache
def _bundled_profile(name: str) -> SiteProfile:
    path = resources.files("scraper") / "profiles" / f"{name}.toml"
    return _validate(SiteProfile, _read_toml(path), path)


@functools.cache
def load_lexicon(language: str) -> Lexicon | None:
    """The bundled lexicon of ``language``, or None when there is none."""
    path = resources.files("scraper") / "lexicons" / f"{language}.toml"
    if not path.is_file():
        return None
    return _validate(Lexicon, _read_toml(path), path)


@functools.cache
def load_common_words() -> CommonWords:
    """Stopwords and commercial terms shared by all languages."""
    path = resources.files("scraper") / "lexicons" / "common.toml"
    return _validate(CommonWords, _read_toml(path), path)


def profile_for_host(host: str) -> SiteProfile:
    """The bundled profile serving ``host``, or the generic one."""
    for name in BUNDLED_PROFILES:
        profile = _bundled_profile(name)
        if profile.matches_host(host):
            return profile
    return _bundled_profile("generic")
