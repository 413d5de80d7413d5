"""The README's examples run as written, and CI runs the README's test command."""

from __future__ import annotations

from archives import LEGACY

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
    assert (LEGACY / "items.json").is_file()


def test_package_modules_doctests() -> None:
    import scraper.caches
    import scraper.profiles
    import scraper.text
    from scraper.lexicons import patterns

    for module in (scraper.text, scraper.profiles, scraper, scraper.caches, patterns):
        assert doctest.testmod(module).failed == 0


def test_every_data_file_of_the_package_is_installed() -> None:
    """A wheel holds only the files pyproject's package-data names (the tests import the
    source tree, so a missing glob would go unnoticed until a user installs)."""
    import fnmatch
    import tomllib

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"]["scraper"]
    package = ROOT / "scraper"
    data = [path.relative_to(package).as_posix() for path in package.rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc")
            and "__pycache__" not in path.parts]
    assert data
    assert [name for name in data if not any(fnmatch.fnmatch(name, glob) for glob in globs)] == []


def test_the_installed_package_extracts_outside_the_source_tree(tmp_path: Path) -> None:
    """Run from another folder, Python imports the installed package (in CI: the wheel
    built by pip), not this source tree: its data files must be there."""
    import subprocess
    import sys

    page = ROOT / "fixtures" / "pages" / "seed-table.html"
    code = ("import scraper, sys; article = scraper.extract(open(sys.argv[1], 'rb').read(), "
            "'https://ccre.org/en/actualites/view/4384'); print(article.published, "
            "len(article.quotes), scraper.__file__)")
    finished = subprocess.run([sys.executable, "-c", code, str(page)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("2022-10-20 2 ")
