"""The breadcrumb trail: names as shown, root included, absolute links or None, never a
"You are here:" prefix, never the title as last crumb (DESIGN.md, `breadcrumbs`)."""

from __future__ import annotations

import pytest

from scraper.clean import clean_html
from scraper.document import Document
from scraper.extract.breadcrumbs import extract_breadcrumbs
from scraper.profiles import load_profile

URL = "https://ccre.org/en/actualites/view/4384"
TITLE = "Mayors meet in Kyiv"
BODY = f"<h1>{TITLE}</h1><p>The delegation visited three towns in October.</p>"
PROFILE = load_profile("cemr")

Crumb = tuple[str, str | None]

JSON_LD = (  # positions out of order; one item as a {"@id"} object, the last without an item
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "BreadcrumbList", '
    '"itemListElement": ['
    '{"@type": "ListItem", "position": 3, "name": "In-depth news", "item": "https://ccre.org/en/actualites/index_actu"}, '
    '{"@type": "ListItem", "position": 1, "name": "Home", "item": "https://ccre.org/en"}, '
    '{"@type": "ListItem", "position": 4, "name": "Solidarity with Ukraine"}, '
    '{"@type": "ListItem", "position": 2, "name": "News", "item": {"@id": "https://ccre.org/en/actualites"}}]}'
    "</script>"
)
MICRODATA_ITEM = ('<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">'
                  "{link}</li>")
MICRODATA = (
    '<ol itemscope itemtype="https://schema.org/BreadcrumbList">'
    + MICRODATA_ITEM.format(link='<a itemprop="item" href="/en"><span itemprop="name">Home</span></a>')
    + MICRODATA_ITEM.format(link='<a itemprop="item" href="/en/actualites"><span itemprop="name">News</span></a>')
    + MICRODATA_ITEM.format(link='<span itemprop="name">Gender equality</span>')
    + "</ol>"
)
HOME, NEWS = ("Home", "https://ccre.org/en"), ("News", "https://ccre.org/en/actualites")


def _document(trail: str, head: str = "") -> Document:
    return clean_html(f"<html><head>{head}</head><body>{trail}{BODY}</body></html>", URL, PROFILE)


def _crumbs(trail: str, *, head: str = "", title: str = TITLE) -> list[Crumb]:
    crumbs = extract_breadcrumbs(_document(trail, head), PROFILE, title=title)
    return [(crumb.name, crumb.url) for crumb in crumbs]


@pytest.mark.parametrize(
    ("trail", "expected"),
    [
        pytest.param('<div><a href="/en">Home</a> / <a href="/en/actualites">News</a> / In-depth news / Twinning</div>',
                     [HOME, NEWS, ("In-depth news", None), ("Twinning", None)], id="links-slash"),
        pytest.param("<p>Home / News / In-depth news / Solidarity with Ukraine</p>",
                     [("Home", None), ("News", None), ("In-depth news", None), ("Solidarity with Ukraine", None)],
                     id="plain-text-slash"),
        pytest.param("<p>Home /</p><p>News /</p><p>In-depth news /</p><p>Twinning - REALISE 2024</p>",
                     [("Home", None), ("News", None), ("In-depth news", None), ("Twinning - REALISE 2024", None)],
                     id="split-over-lines"),
        pytest.param("<div>Home /<br>News /<br>Press releases /<br>Local finance</div>",
                     [("Home", None), ("News", None), ("Press releases", None), ("Local finance", None)],
                     id="split-over-br-lines"),
        pytest.param("<p>Home &gt; News &gt; News in brief &gt; Local finance</p>",
                     [("Home", None), ("News", None), ("News in brief", None), ("Local finance", None)],
                     id="plain-text-gt"),
        pytest.param('<nav class="breadcrumb"><ol><li><a href="/en">Home</a></li><li><a href="/en/actualites">News</a></li>'
                     "<li>Press releases</li><li>Cohesion policy</li></ol></nav>",
                     [HOME, NEWS, ("Press releases", None), ("Cohesion policy", None)], id="nav-ol-li"),
        pytest.param('<ul class="breadcrumbs"><li><a href="/en">Home</a> /</li><li><a href="/en/actualites">News</a> /</li>'
                     "<li>Local finance</li></ul>",
                     [HOME, NEWS, ("Local finance", None)], id="ul-li-with-separators"),
        pytest.param(MICRODATA, [HOME, NEWS, ("Gender equality", None)], id="microdata"),
        pytest.param("<p>You are here: Home / News / Press releases / Local finance</p>",
                     [("Home", None), ("News", None), ("Press releases", None), ("Local finance", None)],
                     id="prefix-you-are-here"),
        pytest.param('<div class="breadcrumb"><p>You are here:</p><ol><li><a href="/en">Home</a></li><li>News</li></ol></div>',
                     [HOME, ("News", None)], id="prefix-in-own-block"),
        pytest.param('<p><a href="/fr">Accueil</a> / <a href="/fr/actualites">Actualité</a> / Articles / Égalité</p>',
                     [("Accueil", "https://ccre.org/fr"), ("Actualité", "https://ccre.org/fr/actualites"),
                      ("Articles", None), ("Égalité", None)], id="fr-accueil-actualite"),
        pytest.param("<p>Vous êtes ici : Accueil / Actualité / Communiqués de presse / Jumelage</p>",
                     [("Accueil", None), ("Actualité", None), ("Communiqués de presse", None), ("Jumelage", None)],
                     id="fr-prefix-vous-etes-ici"),
        pytest.param(f"<p>Home / News / In-depth news / {TITLE}</p>",
                     [("Home", None), ("News", None), ("In-depth news", None)], id="last-crumb-equal-to-title-dropped"),
    ],
)
def test_trail(trail: str, expected: list[Crumb]) -> None:
    assert _crumbs(trail) == expected


def test_json_ld_sorted_by_position() -> None:
    assert _crumbs("", head=JSON_LD) == [
        HOME, NEWS, ("In-depth news", "https://ccre.org/en/actualites/index_actu"),
        ("Solidarity with Ukraine", None)]


def test_json_ld_last_crumb_equal_to_title_dropped() -> None:
    assert _crumbs("", head=JSON_LD, title="Solidarity with Ukraine") == [
        HOME, NEWS, ("In-depth news", "https://ccre.org/en/actualites/index_actu")]


@pytest.mark.parametrize(
    "trail",
    [
        pytest.param("", id="no-trail"),
        pytest.param("<p>Members / partners / networks of towns are listed below.</p>", id="slashes-in-prose"),
        pytest.param("<p>Home care / local health networks were discussed.</p>", id="home-word-in-prose"),
    ],
)
def test_no_trail(trail: str) -> None:
    assert extract_breadcrumbs(_document(trail), PROFILE, title=TITLE) == ()
