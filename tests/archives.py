"""Where the bundled demo archives are (package data of scraper.demo)."""

from __future__ import annotations

from scraper.demo import archives_folder

ARCHIVES = archives_folder()
LEGACY = ARCHIVES / "cemr"
"""The legacy site's archive: ``site/`` (served) and ``items.json``."""
WP = ARCHIVES / "cemr-wp"
WAYBACK = ARCHIVES / "wayback"
PLATFORMA = ARCHIVES / "platforma"
