"""The offline demo: bundled archives of each source served on 127.0.0.1 (a mirror of the
legacy site, fake WordPress and web-archive servers) for ``scraper demo``, tests and
benchmarks. Never imported by ``import scraper``.

Each archive is a folder of ``archives/`` (package data, so the demo runs from any folder
after ``pip install``) with a ``demo.toml`` saying what it is::

    profile = "cemr-wp"          # the site profile the crawl reads it with
    server = "wordpress"         # how it is served: mirror | wordpress | wayback
    via = "wayback"              # optional: crawled through that source (--via)
    root = "site"                # optional: the folder served (default: the archive's)
    site_url = "https://..."     # optional: the real site's address in its links (wordpress)

A mirror archive with an ``items.json`` (the legacy site's items) is crawled over exactly
the id range that file lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, Field

from scraper.crawl.settings import CrawlSettings
from scraper.demo.mirror import Mirror, Scripted
from scraper.demo.wayback import wayback_app
from scraper.demo.wordpress import wordpress_app
from scraper.errors import InputError, ProfileError
from scraper.tomldata import FROZEN, read_toml, validate_data

App = Callable[[str, dict[str, list[str]]], Scripted | None]
SERVERS: dict[str, Callable[["DemoArchive"], App | None]] = {
    "mirror": lambda archive: None,
    "wordpress": lambda archive: wordpress_app(archive.folder, profile=archive.spec.profile,
                                               base_url=archive.spec.site_url),
    "wayback": lambda archive: wayback_app(archive.folder),
}
"""How each kind of archive is served: a plain mirror of files, or an answering function."""


class ArchiveSpec(BaseModel):
    """What ``demo.toml`` says of an archive."""

    model_config = FROZEN
    profile: str
    server: str = Field(default="mirror", pattern="^(mirror|wordpress|wayback)$")
    via: str | None = None
    root: str = ""
    site_url: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class DemoArchive:
    """One archive: its folder and what its ``demo.toml`` says."""

    name: str
    folder: Path
    spec: ArchiveSpec

    @property
    def served(self) -> Path:
        """The folder the server answers from."""
        return self.folder / self.spec.root if self.spec.root else self.folder


def archives_folder() -> Path:
    """Where the bundled archives are (inside the installed package)."""
    return Path(str(resources.files(__name__) / "archives"))


def bundled_archives() -> dict[str, DemoArchive]:
    """Every bundled archive, by folder name."""
    return {folder.name: load_archive(folder)
            for folder in sorted(archives_folder().iterdir())
            if (folder / "demo.toml").is_file()}


def load_archive(folder: Path) -> DemoArchive:
    """The archive in ``folder`` (its ``demo.toml``); raises InputError when there is none."""
    manifest = folder / "demo.toml"
    if not manifest.is_file():
        raise InputError(f"{folder} holds no demo archive (no demo.toml)")
    try:
        spec = validate_data(ArchiveSpec, read_toml(manifest), manifest)
    except ProfileError as error:
        raise InputError(str(error)) from error
    return DemoArchive(folder.name, folder, spec)


def find_archive(site: str, via: str | None = None) -> DemoArchive:
    """The bundled archive of ``site`` (a profile name), crawled ``via`` a source or not."""
    archives = bundled_archives()
    for archive in archives.values():
        if archive.spec.profile == site and archive.spec.via == via:
            return archive
    known = ", ".join(sorted(f"--site {each.spec.profile}" + (
        f" --via {each.spec.via}" if each.spec.via else "") for each in archives.values()))
    raise InputError(f"no demo archive of {site}" + (f" via {via}" if via else "") +
                     f": the demos are {known}")


@contextmanager
def serve(archive: DemoArchive) -> Iterator[Mirror]:
    """Serve ``archive`` on 127.0.0.1 until the block ends."""
    with Mirror(archive.served, app=SERVERS[archive.spec.server](archive)) as mirror:
        yield mirror


def crawl_settings(archive: DemoArchive, base_url: str) -> CrawlSettings:
    """The crawl of ``archive`` served at ``base_url``: every item, and for a mirror with
    an ``items.json``, exactly its id range."""
    first_id = last_id = None
    items = archive.folder / "items.json"
    if archive.spec.server == "mirror" and items.is_file():
        first_id, last_id = id_range(items)
    return CrawlSettings(site=archive.spec.profile, base_url=base_url, via=archive.spec.via,
                         first_id=first_id, last_id=last_id, listing_pages=1)


def id_range(items: Path) -> tuple[int, int]:
    """The first and last item id an ``items.json`` lists."""
    try:
        numbers = [int(item["id"]) for item in json.loads(items.read_text("utf-8"))]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"{items} is missing or unreadable: {error}") from error
    if not numbers:
        raise InputError(f"{items} lists no items")
    return min(numbers), max(numbers)


__all__ = ["SERVERS", "ArchiveSpec", "DemoArchive", "archives_folder", "bundled_archives",
           "crawl_settings", "find_archive", "id_range", "load_archive", "serve"]
