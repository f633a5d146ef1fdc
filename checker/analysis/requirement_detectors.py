"""Requirements answered by a fact rather than by patterns (``detector:`` in a checklist item).

A checklist item names one of these instead of listing patterns when the disclosure is a value
that code reads better than a phrase list does (a date in a dozen formats). Each function returns
the matches that count as evidence; matching.py turns them into a verdict like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from checker.models import BlockKind, Match, Sentence

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


_REQUIRED_HEADERS = frozenset({"required", "required?", "mandatory", "mandatory?", "obligatory", "compulsory",
                               "required or optional", "mandatory or optional", "optional?"})


def required_column(sentences: Sequence[Sentence], facts: Facts) -> list[Match]:
    """A table of the data collected with a column saying which items are required ("Data | Why |
    Required" over "Email Address | Login | Yes"): the header cell, in a row of several cells. A
    column tells item by item what Art. 13(2)(e) asks, which no sentence of the policy repeats."""
    for s in sentences:
        if s.kind is BlockKind.TABLE_CELL and s.text.strip().lower() in _REQUIRED_HEADERS \
                and sum(1 for t in sentences[max(s.number - 6, 0):s.number + 7]
                        if t.kind is BlockKind.TABLE_CELL and t.line == s.line) > 1:
            return [Match("statutory_requirement/detector", s.number, 0, len(s.text))]
    return []


REQUIREMENT_DETECTORS: dict[str, RequirementDetector] = {
    "required_column": required_column,
    "effective_date": effective_date,
    "children_age": children_age,
}
