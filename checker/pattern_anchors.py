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

QUANTIFIER = re.compile(r"^\{(\d*)(,?)(\d*)\}$")
"""spaCy's ``{n}``, ``{n,}``, ``{,m}``, ``{n,m}`` repeat operators."""
_ANCHOR_KEYS = ("LOWER", "LEMMA", "TEXT", "ORTH")


def is_required(spec: dict[str, Any]) -> bool:
    """Does this token spec consume at least one token in every match?"""
    op = spec.get("OP")
    if op is None or op == "+":
        return True
    if op in ("?", "*", "!"):
        return False
    found = QUANTIFIER.match(str(op))
    if not found:
        return False
    low = found.group(1)
    return bool(low) and int(low) >= 1


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


def max_length(pattern: list[dict[str, Any]]) -> int | None:
    """The most tokens a match of ``pattern`` can span, or None when a quantifier is unbounded.

    A match holds an anchor word and reaches at most this far from it, so only a window around
    the anchor's occurrences needs to be searched, not the whole (possibly very long) sentence.
    """
    total = 0
    for spec in pattern:
        op = spec.get("OP")
        if op is None or op == "?":
            total += 1
        elif op == "!":
            continue
        elif op in ("*", "+"):
            return None
        else:
            found = QUANTIFIER.match(str(op))
            if not found:
                return None
            low, comma, high = found.groups()
            if comma and not high:
                return None
            total += int(high) if comma else int(low or 0)
    return total
