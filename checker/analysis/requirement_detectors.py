"""Requirements answered by a fact rather than by patterns (``detector:`` in a checklist item).

A checklist item names one of these instead of listing patterns when the disclosure is a value
that code reads better than a phrase list does (a date in a dozen formats). Each function returns
the matches that count as evidence; matching.py turns them into a verdict like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from checker.models import Match, Sentence

if TYPE_CHECKING:  # facts.py compiles dozens of regexes: a cached rerun never needs them
    from checker.analysis.facts import Facts

RequirementDetector = Callable[[Sequence[Sentence], "Facts"], list[Match]]


def effective_date(sentences: Sequence[Sentence], facts: Facts) -> list[Match]:
    """The sentence that states when the policy was last updated or took effect."""
    hit = facts.hits.get("effective_date")
    if hit is None:
        return []
    return [Match("effective_date/detector", hit.sentence, hit.start, hit.end)]


def children_age(sentences: Sequence[Sentence], facts: Facts) -> list[Match]:
    """The sentence that states the age below which children's data needs parental consent."""
    hit = facts.hits.get("children_age")
    if hit is None:
        return []
    return [Match("children_age/detector", hit.sentence, hit.start, hit.end)]


REQUIREMENT_DETECTORS: dict[str, RequirementDetector] = {
    "effective_date": effective_date,
    "children_age": children_age,
}
