"""The package type-checks under mypy --strict (STYLE.md "Typing")."""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_package_passes_mypy_strict() -> None:
    report, errors, status = api.run(["--strict", "--no-incremental", "--config-file",
                                      str(ROOT / "pyproject.toml"), str(ROOT / "scraper")])
    assert status == 0, report + errors
