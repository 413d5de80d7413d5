"""Goal lists: lists whose intro announces goals, objectives, aims or pledges (EN, FR)."""

from __future__ import annotations

import functools
import re

from scraper.records import ListBlock
from scraper.lexicons import load_lexicon
from scraper.text import words


@functools.cache
def _goal_words(languages: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for language in languages:
        lexicon = load_lexicon(language)
        if lexicon is not None:
            found.update(" ".join(words(phrase)) for phrase in lexicon.words.goal_intro)
    return frozenset(found)


def is_goal_intro(intro: str | None, languages: tuple[str, ...] = ("en", "fr")) -> bool:
    """True when a list's intro announces goals ("The visit had the following main goals:",
    "have jointly pledged to:", "Nos objectifs :")."""
    if not intro or not intro.rstrip().endswith(":"):
        return False
    sequence = f" {' '.join(words(intro))} "
    return any(f" {phrase} " in sequence for phrase in _goal_words(languages))


def extract_goals(lists: tuple[ListBlock, ...] | list[ListBlock],
                  languages: tuple[str, ...] = ("en", "fr")) -> tuple[str | None, tuple[str, ...]]:
    """(goals_intro, goals): the first goal list's intro, and the items of every goal list
    with trailing ";" and "." stripped."""
    intro: str | None = None
    goals: list[str] = []
    for block in lists:
        if is_goal_intro(block.intro, languages):
            intro = intro or block.intro
            goals.extend(re.sub(r"[\s;.,]+$", "", item) for item in block.items)
    return intro, tuple(goal for goal in goals if goal)
