"""Imports point down: cli -> api -> stages -> base modules; stages never import each other;
nothing imports the demo but the CLI's demo command; no cycles (STYLE.md "Layout").

Every import form counts: ``import scraper.x``, ``from scraper.x import y``, ``from scraper
import x``, relative imports (``from . import x``, ``from ..x import y``), at any depth and
inside functions."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import scraper

PACKAGE = Path(scraper.__file__).resolve().parent
BASE = {"errors", "config", "caches", "text", "charset", "document", "inputs", "tomldata",
        "records", "profiles", "lexicons", "budget", "names"}
STAGES = {"crawl", "clean", "extract", "dataset"}
ALLOWED: dict[str, set[str]] = {
    "__init__": {"api"} | BASE,  # the public names
    "__main__": {"cli"},
    "cli": {"api", "shards", "demo"} | STAGES | BASE,  # demo: inside the demo command only
    "api": STAGES | BASE,  # the single-page pipeline; the crawl is handed it
    "shards": {"api", "crawl"} | BASE,  # WARC shards on processes or a Dask cluster
    "docs": {"dataset", "extract", "crawl"} | BASE,  # `python -m scraper.docs`: generated docs
    "demo": {"crawl"} | BASE,  # servers and archives beside the package
    **{stage: set(BASE) for stage in STAGES},
    # the base modules, in layers
    "errors": set(), "names": set(), "config": {"names"}, "caches": set(), "text": {"caches"},
    "charset": set(), "document": {"text"}, "inputs": {"errors"}, "tomldata": {"errors"},
    "records": {"errors", "text", "names"}, "lexicons": {"tomldata", "errors"},
    "profiles": {"tomldata", "errors", "caches", "names"}, "budget": {"errors"},
}


def _module_name(path: Path) -> str:
    """``scraper/crawl/fetch.py`` -> ``scraper.crawl.fetch``; a package is its folder."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def scraper_imports(path: Path) -> set[str]:
    """Every ``scraper`` module ``path`` imports, whatever the form, as dotted names."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names
                         if alias.name == "scraper" or alias.name.startswith("scraper."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against this module's package
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source != "scraper" and not source.startswith("scraper."):
                continue
            # `from scraper import x` / `from scraper.crawl import fetch`: x may be a module
            modules = {f"{source}.{alias.name}" for alias in node.names
                       if _is_module(f"{source}.{alias.name}")}
            found.update(modules)
            if len(modules) < len(node.names) or source != "scraper":
                found.add(source)
    return found


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or \
        (PACKAGE / relative / "__init__.py").is_file()


def _top(name: str) -> str:
    """The top-level part of ``scraper`` a dotted module name belongs to."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    module = _top(_module_name(path))
    imported = {_top(name) for name in scraper_imports(path)} - {module}
    assert imported <= ALLOWED[module], f"{module} imports {imported - ALLOWED[module]}"


def test_every_import_form_is_seen(tmp_path: Path) -> None:
    """The checker itself: absolute, ``from scraper import x``, relative at two depths, and
    an import inside a function all count."""
    folder = PACKAGE / "extract"
    probe = folder / "_architecture_probe.py"
    probe.write_text("from scraper import api\nfrom . import quotes\nfrom ..crawl import fetch\n"
                     "import scraper.dataset.export\n"
                     "def late():\n    from scraper.demo import mirror\n", "utf-8")
    try:
        found = scraper_imports(probe)
    finally:
        probe.unlink()
    assert {"scraper.api", "scraper.extract.quotes", "scraper.crawl.fetch",
            "scraper.dataset.export", "scraper.demo.mirror"} <= found


def test_no_import_cycles() -> None:
    """Between the package's modules (each file a node; a package's ``__init__`` included):
    no module reaches itself through its imports."""
    graph = {_module_name(path): {name for name in scraper_imports(path)
                                  if name != _module_name(path)} for path in SOURCES}
    graph = {name: {target for target in targets if target in graph}
             for name, targets in graph.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target):] + [target] if target in trail
                              else [name, target])
            elif target not in state:
                visit(target, trail + [target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def test_import_scraper_loads_no_demo_and_no_cli() -> None:
    code = ("import sys, scraper; print(sorted(m for m in sys.modules if m.startswith("
            "('scraper.demo', 'scraper.cli'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in dir(scraper) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(scraper, name)).__name__ == "module"}
    assert sorted(scraper.__all__) == scraper.__all__
    assert set(scraper.__all__) == public - modules - {"annotations"}


HEAVY = ("pydantic", "httpx", "trafilatura", "warcio", "pyarrow", "dask", "protego", "pypdf",
         "rich", "selectolax")


def _loaded_after(code: str) -> list[str]:
    """The heavy third-party packages a fresh interpreter has loaded after running ``code``."""
    probe = (f"import sys\n{code}\nprint(sorted({{name.split('.')[0] for name in sys.modules}}"
             f" & set({HEAVY!r})))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    return list(ast.literal_eval(result.stdout.strip().splitlines()[-1]))


def test_help_and_version_load_nothing_heavy() -> None:
    """``scraper --help`` answers in a tenth of a second: no models, client or parser."""
    assert _loaded_after("from scraper.cli import main; main(['--help'])") == []
    assert _loaded_after("import scraper; print(scraper.__version__)") == []


def test_a_one_page_extract_loads_only_what_it_uses(tmp_path: Path) -> None:
    """No HTTP client, WARC reader, trafilatura (a fallback), Parquet, Dask or PDF library."""
    page = PACKAGE.parent / "fixtures" / "pages" / "seed-table.html"
    loaded = _loaded_after(
        f"from scraper.cli import main; main(['extract', {str(page)!r}, '--url', "
        f"'https://ccre.org/en/actualites/view/4384', '-o', {str(tmp_path / 'a.json')!r}])")
    assert loaded == ["pydantic", "selectolax"]


def test_modules_stay_small() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert len(path.read_text("utf-8").splitlines()) < 600, path
