"""Imports point down: cli -> pipeline -> stages -> base modules; stages never import
each other (STYLE.md "Layout")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scraper

PACKAGE = Path(scraper.__file__).resolve().parent
BASE = {"models", "config", "profile", "errors", "document", "text", "inputs"}
STAGES = {"fetch", "clean", "extract", "export", "discover", "dataset", "wordpress", "wayback"}
SOURCES_AND_SINKS = {"state", "mirror", "fake_wordpress", "fake_wayback", "sources"}
ALLOWED = {
    "cli": {"pipeline", "shards"} | BASE,
    "shards": {"pipeline", "export"} | BASE,  # WARC files on processes or a Dask cluster
    "docs": {"export"} | BASE,  # `python -m scraper.docs`: the data dictionary, a leaf tool
    "pipeline": STAGES | SOURCES_AND_SINKS | BASE,
    **{module: BASE for module in SOURCES_AND_SINKS},
    # Fake sites served on 127.0.0.1 (tests, the demo): a mirror answering like the real one.
    "fake_wordpress": {"mirror", "wordpress"} | BASE,
    "fake_wayback": {"mirror"} | BASE,
    # Discovery of the WordPress site and of web-archive captures, for the crawl loop.
    "sources": {"fetch", "wordpress", "wayback", "state"} | BASE,
    **{stage: BASE for stage in STAGES},
    **{module: BASE for module in BASE},
}


def _module_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE).with_suffix("")
    return relative.parts[0]


def _scraper_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scraper."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names
                         if alias.name.startswith("scraper."))
    return found


SOURCES = [path for path in sorted(PACKAGE.rglob("*.py"))
           if path.name not in ("__init__.py", "__main__.py") or path.parent != PACKAGE]


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    module = _module_of(path)
    imported = _scraper_imports(path) - {module}
    assert imported <= ALLOWED[module], f"{module} imports {imported - ALLOWED[module]}"


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(scraper) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(scraper, name)).__name__ == "module"}
    assert sorted(scraper.__all__) == scraper.__all__
    assert set(scraper.__all__) == public - modules - {"annotations", "logging"}


def test_modules_stay_small() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert len(path.read_text("utf-8").splitlines()) < 600, path
