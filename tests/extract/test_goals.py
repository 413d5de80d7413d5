"""Goal lists: a list is a goal list when its intro announces goals, objectives, aims or
pledges and ends in ":"; its items lose a trailing ";" or "." (DESIGN.md, `goals`)."""

from __future__ import annotations

import pytest

from scraper.extract.goals import extract_goals, is_goal_intro
from scraper.records import ListBlock


@pytest.mark.parametrize(
    "intro",
    [
        pytest.param("The visit had the following main goals:", id="en-following-main-goals"),
        pytest.param("The mayors of the twelve towns have jointly pledged to:", id="en-jointly-pledged-to"),
        pytest.param("The project also aims to:", id="en-aims-to"),
        pytest.param("Our objectives:", id="en-our-objectives"),
        pytest.param("Our goals:", id="en-our-goals"),
        pytest.param("The objectives of the programme are to:", id="en-objectives-are-to"),
        pytest.param("Nos objectifs :", id="fr-nos-objectifs"),
        pytest.param("Nos objectifs\u00a0:", id="fr-nos-objectifs-nbsp"),
        pytest.param("Les signataires se sont engagés à :", id="fr-se-sont-engages-a"),
        pytest.param("Le projet vise à :", id="fr-vise-a"),
    ],
)
def test_goal_intro(intro: str) -> None:
    assert is_goal_intro(intro)


@pytest.mark.parametrize(
    "intro",
    [
        pytest.param("Participants included:", id="en-participants"),
        pytest.param("Key highlights of the conference included:", id="en-key-highlights"),
        pytest.param("The network put forward four key messages:", id="en-key-messages"),
        pytest.param("CEMR selected the following associations:", id="en-selected-associations"),
        pytest.param("Parmi les participants :", id="fr-parmi-les-participants"),
        pytest.param("Les conclusions du séminaire portent sur les points suivants :", id="fr-conclusions"),
        pytest.param("The project's main goals are listed below.", id="en-goal-word-no-colon"),
        pytest.param("Our goals", id="en-heading-no-colon"),
        pytest.param(None, id="no-intro"),
        pytest.param("", id="empty-intro"),
        pytest.param("Les communes engagées dans le projet :", id="fr-engagees-meaning-involved"),
    ],
)
def test_not_a_goal_intro(intro: str | None) -> None:
    assert not is_goal_intro(intro)


@pytest.mark.parametrize(
    ("item", "goal"),
    [
        pytest.param("strengthen local democracy;", "strengthen local democracy", id="semicolon"),
        pytest.param("share good practice.", "share good practice", id="full-stop"),
        pytest.param("renforcer la démocratie locale ;", "renforcer la démocratie locale", id="fr-spaced-semicolon"),
        pytest.param("échanger les bonnes pratiques.", "échanger les bonnes pratiques", id="fr-full-stop"),
        pytest.param("train municipal staff", "train municipal staff", id="no-punctuation"),
        pytest.param("Energy: cut consumption by 2030;", "Energy: cut consumption by 2030", id="label-pair"),
    ],
)
def test_goal_item_loses_trailing_punctuation(item: str, goal: str) -> None:
    assert extract_goals([ListBlock(intro="Our goals:", items=[item])]) == ("Our goals:", (goal,))


def test_goals_gathered_from_goal_lists_only() -> None:
    lists = [
        ListBlock(intro="Participants included:", items=["mayors;", "experts."]),
        ListBlock(intro="The project also aims to:", items=["build trust;", "share good practice."]),
        ListBlock(intro="Nos objectifs :", items=["former les élus."]),
    ]
    assert extract_goals(lists) == (
        "The project also aims to:", ("build trust", "share good practice", "former les élus"))


@pytest.mark.parametrize(
    "lists",
    [
        pytest.param([], id="no-list"),
        pytest.param([ListBlock(intro=None, items=["mayors", "experts"])], id="list-without-intro"),
        pytest.param([ListBlock(intro="Key highlights included:", items=["a new charter"])], id="non-goal-list"),
    ],
)
def test_no_goals(lists: list[ListBlock]) -> None:
    assert extract_goals(lists) == (None, ())
