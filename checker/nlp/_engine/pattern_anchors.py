"""Which words a token pattern cannot match without: the anchor that lets matching skip sentences.

spaCy's Matcher tests every pattern against every token, so its cost grows with patterns x tokens
(229 patterns made matching 90% of a scan). But almost every pattern has a required token drawn
from a short word list ("retain", "retention"; a list of right verbs). A sentence containing none
of those words cannot match, so the pattern only needs to run on the few sentences that do. This
module finds, for one pattern, those lists; it knows nothing of spaCy.
"""

from __future__ import annotations

import re
from typing import Any

Anchor = tuple[str, frozenset[str]]
"""(token attribute, values): ``("LEMMA", {"retain", "retention"})``."""

_QUANTIFIER = re.compile(r"^\{(\d*)(,?)(\d*)\}$")  # {n}, {n,}, {,m}, {n,m}
_OPERATORS: dict[str, tuple[int, int | None]] = {"?": (0, 1), "*": (0, None), "+": (1, None)}
_ANCHOR_KEYS = ("LOWER", "LEMMA", "TEXT", "ORTH")


def repeat_bounds(op: Any) -> tuple[int, int | None] | None:
    """How many tokens a spec with operator ``op`` takes: (least, most; None = no limit), or None
    for the negation ``!`` and anything unknown."""
    if op is None:
        return 1, 1
    if op in _OPERATORS:
        return _OPERATORS[op]
    found = _QUANTIFIER.match(str(op))
    if not found:
        return None
    low, comma, high = found.groups()
    if not comma:
        return (int(low), int(low)) if low else None
    return int(low or 0), int(high) if high else None


def is_required(spec: dict[str, Any]) -> bool:
    """Does this token spec consume at least one token in every match?"""
    bounds = repeat_bounds(spec.get("OP"))
    return bounds is not None and bounds[0] >= 1


def _values(key: str, value: Any) -> Anchor | None:
    """The values one attribute condition allows, as an anchor (TEXT/ORTH become LOWER)."""
    if isinstance(value, str):
        values = {value}
    elif isinstance(value, dict) and isinstance(value.get("IN"), list) and value["IN"]:
        values = {str(v) for v in value["IN"]}
    else:
        return None  # REGEX, NOT_IN, comparisons: anything may pass
    if key in ("TEXT", "ORTH"):
        return "LOWER", frozenset(v.lower() for v in values)
    return key, frozenset(values)


def anchors_of(pattern: list[dict[str, Any]]) -> list[Anchor]:
    """One word list per required, word-restricted token of ``pattern``.

    A sentence can only match if it holds a word from every list, so the candidates for a pattern
    are the intersection of the sentences holding each list's words: "you ... access ... your
    information" needs a person, a right verb and an object in the same sentence, which few have.
    """
    anchors: list[Anchor] = []
    for spec in pattern:
        if not is_required(spec):
            continue
        best: Anchor | None = None
        for key in _ANCHOR_KEYS:
            if key in spec:
                anchor = _values(key, spec[key])
                if anchor is not None and (best is None or len(anchor[1]) < len(best[1])):
                    best = anchor
        if best is not None and best not in anchors:
            anchors.append(best)
    return anchors
