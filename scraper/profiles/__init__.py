"""Site profiles: everything specific to one site, as data.

A *site profile* (``scraper/profiles/<name>.toml``) holds its hosts and URL grammar, header
lines, breadcrumb roots, pager words, the category-date pattern, page-furniture hints, spam
markers, the names of the strategies that read it (``layout``, ``discovery``) and CSS
selectors that override any field. ``extends = "NAME"`` (or a path) starts from another
profile: its tables are merged key by key, lists and values replaced. Bundled profiles are
the TOML files of this folder. Every key is documented in ``docs/profile.md``, generated
from these models. A bad file raises :class:`ProfileError`, one line.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from importlib.resources.abc import Traversable
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator, model_validator

from scraper.caches import page_cache
from scraper.errors import ProfileError
from scraper.names import DEFAULT_PROFILE, FALLBACK_PROFILE
from scraper.tomldata import FROZEN as _FROZEN
from scraper.tomldata import read_toml, validate_data

MAX_EXTENDS = 8
"""How many profiles one ``extends`` chain may hold (a loop is an error long before)."""


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
    """Every host that serves the site (lower case, no port); identity of an item is (id,
    language) across them."""
    canonical_base: str | None = None
    """Canonical URLs are built on this base: one scheme, one host."""
    item_path: str | None = Field(default=None, description="regex with lang, kind, id groups")
    default_language: str = "en"
    """The language of a URL with no language part."""
    canonical_template: str = "{base}/{lang}/{kind}/view/{id}"
    """How a canonical URL is written back: {base}, {lang}, {kind}, {id}."""
    dated_kinds: tuple[str, ...] = ()
    """Kinds of item page (the item_path's kind group) that carry a category-date line."""

    _check = field_validator("item_path")(_check_regex)


class DiscoveryRules(BaseModel):
    """Where a site's items are: the discovery strategy, URL templates of items and listing
    pages, the id range. ``discovery = "NAME"`` alone names the strategy."""

    model_config = _FROZEN
    strategy: str = Field(default="ids", description=(
        'how items are found: "ids" (ids enumerated, listing pages read), "wordpress" '
        "(REST API, else sitemaps, else category listings)"))
    item_template: str | None = None
    """Path of an item to enumerate: {lang}, {id}."""
    listing_templates: tuple[str, ...] = ()
    """Paths of listing pages read to find items and the newest id: {lang}."""
    listing_page_template: str = "{listing}/page:{page}"
    """Page N of a listing: {listing}, {page}."""
    first_id: int = Field(default=1, ge=0)
    """The first id enumerated."""
    max_misses: int = Field(default=50, ge=1)
    """After the newest id seen, ids are enumerated until this many in a row are missing."""
    listed_kinds: tuple[str, ...] = ()
    """Other kinds of item (the item_path's `kind`) crawled when a listing page links to
    them, at their canonical path on the crawl's host: theme pages, say. Not enumerated."""


class HeaderLines(BaseModel):
    """The site header of one interface language."""

    model_config = _FROZEN
    site_name: str
    """The site's name as the header shows it (record field site_name)."""
    lines: tuple[str, ...] = ()
    """Other header lines, never body text."""


class BreadcrumbRules(BaseModel):
    model_config = _FROZEN
    roots: tuple[str, ...] = ("Home",)
    """First crumb of every trail; a line starting with one and holding a separator is the
    rendered trail."""
    separators: tuple[str, ...] = (" / ",)
    """Separators between crumbs in a rendered trail."""
    prefixes: tuple[str, ...] = ()
    """Labels before the trail that are not crumbs ("You are here:")."""


class PagerRules(BaseModel):
    model_config = _FROZEN
    next: tuple[str, ...] = ("next",)
    """Labels of the link to the next item (arrows ignored)."""
    previous: tuple[str, ...] = ("previous",)
    """Labels of the link to the previous item."""


class DateRules(BaseModel):
    model_config = _FROZEN
    category_date: str | None = None
    """Regex of the "<Category> - DD.MM.YYYY" line (groups section, date): the category-date
    layout's anchor."""
    formats: tuple[str, ...] = ("%d.%m.%Y",)
    """strptime formats of a shown date; the first that parses wins."""
    dateline: str | None = Field(
        default=None, description="regex of a dateline opening the body: place, date groups")

    _check = field_validator("category_date", "dateline")(_check_regex)


class ContentRules(BaseModel):
    model_config = _FROZEN
    furniture: dict[str, tuple[str, ...]] = {}
    """Furniture kind ("navigation", "sidebar", ...) -> words of ids/classes that mark it."""
    interface_notes: tuple[str, ...] = ()
    """Notes of the interface that precede an untranslated body: kept, but not used to detect
    the body's language."""
    end_markers: tuple[str, ...] = ()
    """A block whose whole text is one of these headings ends the body (related items follow)."""
    migration_artefacts: bool = False
    """Repair items migrated from an older site: literal "rn" left where line breaks were,
    the old title glued to the first paragraph."""
    text_headings: bool = False
    """Find sub-headings from the text too, on a page whose body marks none (no <h2>-<h6>,
    no wholly bold line): short lines without a final full stop that stand alone between
    sentences and open prose, as the site's older pages write them."""


class WordPressRules(BaseModel):
    """Where a WordPress site publishes its posts: the REST API, sitemaps, category pages."""

    model_config = _FROZEN
    api: str = "/wp-json/wp/v2"
    """Path of the REST API (posts, categories, tags)."""
    per_page: int = Field(default=100, ge=1, le=100)
    """Posts asked per API page (WordPress allows at most 100)."""
    category_base: str = "category"
    """First path segment of category archives (/category/<path>)."""
    tag_base: str = "tag"
    """First path segment of tag archives (/tag/<slug>)."""
    language_prefixes: dict[str, str] = {}
    """Language -> path prefix of its pages ("fr" -> "/fr/"); others are the default."""
    home_labels: dict[str, str] = {}
    """Language -> the first crumb's label: a post shows no trail, so the record's is
    home, then the primary category's path."""
    sitemaps: tuple[str, ...] = ("/wp-sitemap.xml", "/sitemap_index.xml")
    """Sitemaps tried, in order, when the API does not answer (only their post sitemaps are
    read)."""
    listings: tuple[str, ...] = ()
    """Category listing pages read when neither the API nor a sitemap answers."""
    listing_page_template: str = "{listing}/page/{page}"
    """Page N of a listing: {listing}, {page}."""
    max_listing_pages: int = Field(default=500, ge=1)
    """At most this many pages of one listing are read."""

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
    """Known injected lines: a block containing one is spam, whatever else it says."""
    threshold: int = Field(default=4, ge=1)
    """Minimum score of other blocks to count as off-topic commercial text; higher removes
    less."""


class RecordRules(BaseModel):
    """What a record says of its page beyond the page itself: which source it comes from and
    what kind of page it is."""

    model_config = _FROZEN
    source: str = Field(default="web", min_length=1, description=(
        'the record\'s `source`: "legacy" (the old site), "wordpress" (a WordPress site), '
        '"web" (any page); a page read from a web archive says "archive" whatever this is'))
    kinds: dict[str, str] = Field(default={}, description=(
        "the record's `page_kind`: kind name = regex, tried in order against the page's URL "
        "path, its breadcrumbs (names and URL paths), section and topics, one per line (^ "
        "and $ match at each line; case-insensitive); the first that matches names the kind"))
    default_kind: str | None = Field(default=None, description=(
        "the `page_kind` when no regex of `kinds` matches (none: null)"))

    @field_validator("kinds")
    @classmethod
    def _patterns(cls, value: dict[str, str]) -> dict[str, str]:
        for kind, pattern in value.items():
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"kinds.{kind}: invalid regex {pattern!r}: {error}") from None
        return value


class SelectorRules(BaseModel):
    """CSS selectors that override what the layout finds, one field each: a user whose live
    pages differ from our models fixes a field with one line (``title = "h1.entry-title"``).
    A selector that matches nothing leaves the field to the layout."""

    model_config = _FROZEN
    title: str | None = Field(default=None, description="the headline: first match's text")
    published: str | None = Field(default=None, description=(
        "the publication date: first match's datetime/content attribute, else its text, "
        "read with [dates] formats"))
    breadcrumbs: str | None = Field(default=None, description=(
        "the trail's links or items, in order (a link's href is the crumb's URL)"))
    section: str | None = Field(default=None, description="the category: first match's text")
    topics: str | None = Field(default=None, description="every match's text, in order")
    body: str | None = Field(default=None, description=(
        "the article's container: the body is what it holds (furniture and spam still "
        "dropped)"))
    pager_next: str | None = Field(default=None, description="the link to the next item")
    pager_previous: str | None = Field(default=None, description=(
        "the link to the previous item"))
    drop: tuple[str, ...] = Field(default=(), description=(
        "elements removed before anything is read (listed in removed, reason \"profile\")"))

    @field_validator("title", "published", "breadcrumbs", "section", "topics", "body",
                     "pager_next", "pager_previous")
    @classmethod
    def _one_selector(cls, value: str | None) -> str | None:
        return _check_selector(value) if value is not None else None

    @field_validator("drop")
    @classmethod
    def _selectors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_selector(each) for each in value)

    @functools.cached_property
    def is_set(self) -> bool:
        """True when any field has a selector (a page is then queried); worked out once."""
        return any(getattr(self, name) for name in type(self).model_fields)


BODY_MARK = "scraper-selected-body"
"""The class token the cleaner adds to the element a profile's ``selectors.body`` names, so
that the extract stage finds it among the rendered elements."""


def _check_selector(selector: str) -> str:
    """``selector`` when lexbor's CSS engine accepts it; ValueError otherwise."""
    from selectolax.lexbor import LexborHTMLParser

    try:
        LexborHTMLParser("<p></p>").css(selector)
    except Exception as error:  # lexbor says SelectolaxError or ValueError, by version
        raise ValueError(f"invalid CSS selector {selector!r}: {error}") from error
    return selector


class SiteProfile(BaseModel):
    """Everything specific to one site, loaded from a commented TOML file."""

    model_config = _FROZEN
    name: str
    """The profile's name (a bundled profile's is its file name)."""
    description: str = ""
    """One line on the site, for people."""
    extends: str | None = Field(default=None, description=(
        "a bundled profile's name or a TOML path (relative to this file) to start from"))
    layout: str = Field(default="main-text", description=(
        'how an article page is read: "category-date" (anchored on the "<Category> - '
        'DD.MM.YYYY" line), "wordpress" (a WordPress post: <time>, category and tag '
        'links, shortlink), "main-text" (any page: text density)'))
    selectors: SelectorRules = SelectorRules()
    """CSS selectors that override fields (see the [selectors] table)."""
    languages: tuple[str, ...] = ("en",)
    """The site's languages (ISO 639-1), in order of preference: the lexicons read its prose."""
    urls: UrlRules = UrlRules()
    """Hosts and URL grammar."""
    discovery: DiscoveryRules = DiscoveryRules()
    """Where items are found; `discovery = "NAME"` alone names the strategy."""
    header: dict[str, HeaderLines] = {}
    """The site header per interface language (`[header.en]`, `[header.fr]`)."""
    breadcrumbs: BreadcrumbRules = BreadcrumbRules()
    """How the breadcrumb trail is written."""
    pager: PagerRules = PagerRules()
    """Labels of the links between items."""
    dates: DateRules = DateRules()
    """How dates are shown."""
    content: ContentRules = ContentRules()
    """What ends the body, notes that are not body, page-furniture words."""
    spam: SpamRules = SpamRules()
    """Injected spam: known lines and the score threshold."""
    wordpress: WordPressRules = WordPressRules()
    """Where a WordPress site publishes (the ``wordpress`` discovery and layout read it)."""
    record: RecordRules = RecordRules()
    """The record's `source` and `page_kind`."""

    @model_validator(mode="before")
    @classmethod
    def _discovery_by_name(cls, data: Any) -> Any:
        """``discovery = "wordpress"`` is short for ``[discovery] strategy = "wordpress"``."""
        if isinstance(data, dict) and isinstance(data.get("discovery"), str):
            return {**data, "discovery": {"strategy": data["discovery"]}}
        return data

    @functools.cached_property
    def site(self) -> CompiledSite:
        """This profile compiled (regexes, folded words), built on first use."""
        return CompiledSite.of(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> SiteProfile:
        """A copy with ``update`` applied; its compiled :attr:`site` is built anew."""
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("site", None)
        return copied

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
        return _parse_item_url(url, self.site) if self.urls.item_path else None

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


@dataclass(frozen=True, slots=True, eq=False)
class CompiledSite:
    """What the stages read a profile with, worked out once per profile
    (:attr:`SiteProfile.site`): its regexes compiled, its word lists folded and mapped. Compared
    and hashed by identity, so a cache may be keyed on it."""

    item_path: re.Pattern[str] | None
    category_date: re.Pattern[str] | None
    dateline: re.Pattern[str] | None
    hosts: frozenset[str]
    default_language: str
    furniture_kinds: dict[str, str]
    """Word of an id/class -> the furniture it marks."""
    breadcrumb_roots: tuple[str, ...]
    """Case-folded."""
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    """[record] kinds, in order."""

    @classmethod
    def of(cls, profile: SiteProfile) -> CompiledSite:
        return cls(
            kinds=tuple((kind, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
                        for kind, pattern in profile.record.kinds.items()),
            item_path=_compile(profile.urls.item_path),
            category_date=_compile(profile.dates.category_date),
            dateline=_compile(profile.dates.dateline),
            hosts=frozenset(profile.urls.hosts),
            default_language=profile.urls.default_language,
            furniture_kinds={word: kind for kind, listed in profile.content.furniture.items()
                             for word in listed},
            breadcrumb_roots=tuple(root.casefold() for root in profile.breadcrumbs.roots),
        )


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    """A profile's regex, case-insensitive (validated on load)."""
    return re.compile(pattern, re.IGNORECASE) if pattern else None


@page_cache(maxsize=8192)
def _parse_item_url(url: str, site: CompiledSite) -> ItemRef | None:
    """:meth:`SiteProfile.parse_item_url` (cached: a page's links are read more than once,
    and the same menus and sidebars link from every page)."""
    if site.item_path is None:
        return None
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in site.hosts:
        return None
    match = site.item_path.match(parts.path)
    if match is None:
        return None
    language = (match.group("lang") or site.default_language).lower()
    return ItemRef(language=language, kind=match.group("kind"), item_id=match.group("id"))


@functools.cache
def bundled_profiles() -> tuple[str, ...]:
    """The names of the bundled profiles: the TOML files of this folder (listed once)."""
    return tuple(sorted(entry.name.removesuffix(".toml")
                        for entry in resources.files(__name__).iterdir()
                        if entry.name.endswith(".toml")))


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE) -> SiteProfile:
    """Load a bundled profile by name (see :func:`bundled_profiles`) or a profile TOML file
    by path."""
    if isinstance(name_or_path, str) and name_or_path in bundled_profiles():
        return _bundled_profile(name_or_path)
    path = Path(name_or_path)
    if path.suffix != ".toml":
        known = ", ".join(bundled_profiles())
        raise ProfileError(f"unknown profile {name_or_path!r}: use one of {known} or a .toml path")
    return validate_data(SiteProfile, _merged(path, ()), path)


@functools.cache
def _bundled_profile(name: str) -> SiteProfile:
    path = resources.files(__name__) / f"{name}.toml"
    return validate_data(SiteProfile, _merged(path, ()), path)


def _merged(path: Path | Traversable, chain: tuple[str, ...]) -> dict[str, object]:
    """The data of the profile at ``path`` with the profiles it extends merged under it."""
    data = read_toml(path)
    parent = data.get("extends")
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ProfileError(f"{path}: extends must be a profile name or a .toml path")
    if parent in chain or len(chain) >= MAX_EXTENDS:
        raise ProfileError(f"{path}: extends loops ({' -> '.join((*chain, parent))})")
    if parent in bundled_profiles():
        base = _merged(resources.files(__name__) / f"{parent}.toml", (*chain, parent))
    elif parent.endswith(".toml"):
        folder = Path(str(path)).parent
        base = _merged(folder / parent, (*chain, parent))
    else:
        known = ", ".join(bundled_profiles())
        raise ProfileError(f"{path}: extends unknown profile {parent!r}: use one of {known} "
                           "or a .toml path")
    return merge_tables(base, data)


def merge_tables(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: tables merged key by key, everything else replaced.

    >>> merge_tables({"a": {"x": 1, "y": [1]}, "b": 2}, {"a": {"y": [2]}})
    {'a': {'x': 1, 'y': [2]}, 'b': 2}
    """
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_tables(merged[key], value)
        else:
            merged[key] = value
    return merged


def profile_for_host(host: str) -> SiteProfile:
    """The bundled profile serving ``host``, or the fallback one."""
    for name in bundled_profiles():
        profile = _bundled_profile(name)
        if profile.matches_host(host):
            return profile
    return _bundled_profile(FALLBACK_PROFILE)


__all__ = ["BODY_MARK", "DEFAULT_PROFILE", "FALLBACK_PROFILE", "BreadcrumbRules", "ContentRules",
           "DateRules", "DiscoveryRules", "HeaderLines", "ItemRef", "PagerRules",
           "SelectorRules", "SiteProfile", "SpamRules", "UrlRules", "WordPressRules",
           "CompiledSite", "bundled_profiles", "load_profile", "merge_tables",
           "profile_for_host"]
