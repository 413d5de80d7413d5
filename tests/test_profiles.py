"""Site profiles as data: bundled ones found in their folder, `extends` merging tables,
strategies named and checked, CSS selectors overriding fields, every key documented."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

import scraper
from scraper.docs import field_description
from scraper.cli import main
from scraper.errors import ProfileError
from scraper.profiles import SiteProfile, bundled_profiles, load_profile, merge_tables

PROFILES = Path(scraper.__file__).resolve().parent / "profiles"
SEED = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "seed-table.html"
SEED_URL = "https://ccre.org/en/actualites/view/4384"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, "utf-8")
    return path


def test_bundled_profiles_are_the_files_of_the_folder() -> None:
    assert bundled_profiles() == tuple(sorted(path.stem for path in PROFILES.glob("*.toml")))
    assert {"cemr", "cemr-wp", "generic", "platforma"} <= set(bundled_profiles())


def test_extends_merges_tables_key_by_key_and_replaces_lists(tmp_path: Path) -> None:
    path = _write(tmp_path, "mine", 'name = "mine"\nextends = "cemr"\n'
                  '[breadcrumbs]\nroots = ["Start"]\n[urls]\ncanonical_base = "https://x.org"\n')
    mine, cemr = load_profile(path), load_profile("cemr")
    assert mine.breadcrumbs.roots == ("Start",)
    assert mine.breadcrumbs.separators == cemr.breadcrumbs.separators  # from cemr, via generic
    assert mine.urls.canonical_base == "https://x.org"
    assert mine.urls.hosts == cemr.urls.hosts
    assert mine.layout == "category-date"
    assert mine.content.furniture == load_profile("generic").content.furniture


def test_extends_a_file_relative_to_the_profile(tmp_path: Path) -> None:
    _write(tmp_path, "base", 'name = "base"\nlayout = "wordpress"\n')
    child = _write(tmp_path, "child", 'name = "child"\nextends = "base.toml"\n')
    assert load_profile(child).layout == "wordpress"


@pytest.mark.parametrize(("text", "message"), [
    ('name = "a"\nextends = "a.toml"\n', "extends loops"),
    ('name = "a"\nextends = "nowhere"\n', "extends unknown profile 'nowhere'"),
    ('name = "a"\nextends = 3\n', "extends must be a profile name"),
    ('name = "a"\n[selectors]\ntitle = "h1[["\n', "invalid CSS selector"),
    ('name = "a"\n[dates]\ncategory_date = "(["\n', "invalid regular expression"),
    ('name = "a"\ncolour = "blue"\n', "colour"),
])
def test_a_bad_profile_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_profile(_write(tmp_path, "a", text))


def test_an_unknown_layout_is_a_usage_error(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "odd", 'name = "odd"\nlayout = "magazine"\n')
    assert main(["extract", str(SEED), "--url", SEED_URL, "--profile", str(path)]) == 2
    error = capsys.readouterr().err
    assert "unknown layout 'magazine'" in error and "category-date" in error
    assert error.count("\n") == 1


def test_an_unknown_discovery_strategy_is_a_usage_error(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    path = _write(tmp_path, "odd", 'name = "odd"\ndiscovery = "telepathy"\n'
                  '[urls]\ncanonical_base = "http://127.0.0.1:9"\n')
    assert main(["crawl", "--site", str(path), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "unknown discovery strategy 'telepathy'" in capsys.readouterr().err


def test_discovery_by_name_is_short_for_the_strategy_key() -> None:
    assert SiteProfile.model_validate({"name": "x", "discovery": "wordpress"}
                                      ).discovery.strategy == "wordpress"


def test_merge_tables_keeps_the_base_untouched() -> None:
    base = {"a": {"x": 1}}
    assert merge_tables(base, {"a": {"y": 2}}) == {"a": {"x": 1, "y": 2}}
    assert base == {"a": {"x": 1}}


# CSS selectors: one TOML line fixes a field -----------------------------------------------

PAGE = """<html><head><title>Site</title></head><body>
<div class="crumbs"><a href="/">Start</a> <a href="/news">News</a> <a href="/news/towns">Towns</a></div>
<div class="kicker">Twinning</div>
<h2 class="headline">Forty towns sign a charter on twinning</h2>
<div class="meta"><span class="when" data-x="1">12 March 2024</span>
<span class="tags"><a href="/t/a">Youth</a><a href="/t/b">Mobility</a></span></div>
<div class="promo"><p>Subscribe to our print magazine for only ten euros a month, the
best reading on municipalities anywhere in Europe.</p></div>
<div class="story"><p>Forty towns signed the charter on twinning today in Brussels, after two
years of work by their associations and the European network of towns.</p>
<p>The charter sets out how towns welcome pupils, artists and officials from their partner
towns, and how they report on exchanges each year.</p></div>
<div class="older"><a href="/news/1">Older story</a></div>
</body></html>"""


def test_selectors_override_the_fields_they_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "town", '''name = "town"
extends = "generic"
[dates]
formats = ["%d %B %Y"]
[selectors]
title = "h2.headline"
published = "span.when"
breadcrumbs = "div.crumbs a"
section = "div.kicker"
topics = "span.tags a"
body = "div.story"
pager_previous = "div.older"
drop = ["div.promo"]
''')
    article = scraper.extract(PAGE, "https://towns.example/news/42", profile=path)
    assert article.title == "Forty towns sign a charter on twinning"
    assert str(article.published) == "2024-03-12" and article.published_raw == "12 March 2024"
    assert [(crumb.name, crumb.url) for crumb in article.breadcrumbs] == [
        ("Start", "https://towns.example/"), ("News", "https://towns.example/news"),
        ("Towns", "https://towns.example/news/towns")]
    assert (article.section, article.topics) == ("Twinning", ["Youth", "Mobility"])
    assert len(article.paragraphs) == 2
    assert article.paragraphs[0].startswith("Forty towns signed the charter")
    assert article.previous_url == "https://towns.example/news/1"
    assert any(removed.reason == "profile" and "print magazine" in removed.text
               for removed in article.removed)
    assert "print magazine" not in article.text


def test_a_selector_matching_nothing_leaves_the_field_to_the_layout(tmp_path: Path) -> None:
    path = _write(tmp_path, "cemr-x", 'name = "cemr-x"\nextends = "cemr"\n'
                  '[selectors]\ntitle = "h1.not-there"\nbody = "div.not-there"\n')
    ours = scraper.extract(SEED.read_bytes(), SEED_URL, profile=path)
    bundled = scraper.extract(SEED.read_bytes(), SEED_URL)
    assert (ours.title, ours.paragraphs) == (bundled.title, bundled.paragraphs)


def _tables(model: type[BaseModel]) -> typing.Iterator[tuple[str, str]]:
    for name, field in model.model_fields.items():
        yield name, field_description(model, name)
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield from ((f"{name}.{key}", value) for key, value in _tables(field.annotation))


def test_every_profile_key_is_documented() -> None:
    text = (Path(scraper.__file__).resolve().parent.parent / "docs" / "profile.md").read_text()
    for name, description in _tables(SiteProfile):
        assert description, f"{name} has no description"
        key = name.rpartition(".")[2]
        assert f"`{key}`" in text or f"## [{key}]" in text, name
