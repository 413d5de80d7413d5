"""The README's examples run as written, and CI runs the README's test command."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5
    assert result.failed == 0


def _readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text("utf-8").split("```sh", 1)[1].split("```", 1)[0]
    return [line for line in lines.splitlines() if line and not line.startswith("#")]


def test_readme_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text("utf-8")


def test_readme_main_job_is_the_offline_demo() -> None:
    main_job = _readme_commands()[0]
    assert main_job.endswith("scraper demo")
    assert (ROOT / "fixtures" / "demo" / "items.json").is_file()


def test_package_modules_doctests() -> None:
    import scraper.profile
    import scraper.text

    for module in (scraper.text, scraper.profile, scraper):
        assert doctest.testmod(module).failed == 0
