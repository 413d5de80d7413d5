"""The legacy layout, anchored on the "Category - DD.MM.YYYY" line, whichever side of it the
headline stands: the demo's items as five templates write them (make_demo.py --markup)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import scraper

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("markups")
    for markup in ("br", "html5", "cms", "nested"):
        subprocess.run([sys.executable, str(ROOT / "fixtures" / "demo" / "make_demo.py"),
                        "--markup", markup, "--items", "12", "--out", str(folder / markup)],
                       check=True, stdout=subprocess.DEVNULL)
    return folder


@pytest.mark.parametrize("markup", ["br", "html5", "cms", "nested"])
def test_every_markup_gives_the_items_title_date_and_body(archives: Path, markup: str) -> None:
    import json

    manifest = json.loads((archives / markup / "items.json").read_text("utf-8"))
    for entry in manifest:
        page = (archives / markup / "site" / entry["path"]).read_bytes()
        article = scraper.extract(page, f"https://ccre.org/{entry['lang']}/actualites/view/"
                                        f"{entry['id']}")
        assert (article.title, str(article.published), article.section) == (
            entry["title"], entry["published"], entry["section"]), entry["path"]
        assert len(article.paragraphs) == entry["paragraph_count"], entry["path"]
        # The CMS template puts the theme in its footer's category links, which the legacy
        # profile does not read; every other template puts it above the date line.
        assert article.topics == ([] if markup == "cms" else [entry["topic"]])


def test_a_headline_above_the_date_line_is_the_title() -> None:
    page = ("<html><body><div class='content'><h1>Mayors meet in Lviv</h1>"
            "<div class='meta'>Town twinning - 18.10.2022</div>"
            "<p>Mayors from twelve countries met in Lviv to sign a twinning charter and to plan "
            "the next exchanges of their schools.</p><p>The next meeting is planned in "
            "spring.</p></div></body></html>")
    article = scraper.extract(page, "https://ccre.org/en/actualites/view/4381")
    assert (article.title, article.section, str(article.published)) == (
        "Mayors meet in Lviv", "Town twinning", "2022-10-18")
    assert article.paragraphs[0].startswith("Mayors from twelve countries") and \
        len(article.paragraphs) == 2
