"""Shortest-match search for the token patterns checklists use, starting from their rarest word.

spaCy's ``Matcher`` walks every token of the text it is given through every pattern, and a
bounded wildcard (``{"OP": "{,8}"}``) multiplies the partial matches it carries; on long policy
sentences that was 80% of a scan. gapcheck needs much less than spaCy computes: for each pattern
and sentence only the *shortest* match (the words that carry the evidence). That is found from
the pattern's rarest fixed token alone: every match puts that token at some occurrence ``p`` of it,
and the shortest match around ``p`` is the shortest way to match the items before it, ending at
``p``, plus the shortest way to match the items after it, starting after ``p`` (the two halves are
independent). So the work is proportional to the occurrences of one rare word, not to the text.

The subset handled here is what checklists use: token attributes ``LOWER``, ``LEMMA``,
``TEXT``/``ORTH`` (a value, ``IN``, ``NOT_IN``, ``REGEX``), the ``IS_*``/``LIKE_*`` flags,
``IS_SENT_START`` and ``LENGTH``, with operators ``?`` and ``{n}``/``{,m}``/``{n,m}``. A pattern
outside it (``*``, ``+``, ``!``, part-of-speech, extensions) returns None from :func:`compile_pattern`
and is left to spaCy's Matcher. Semantics follow spaCy's (``IS_SENT_START`` is ``sent_start == 1``,
``REGEX`` is ``re.search``); a test checks both agree on real policies. Knows nothing of
checklists; reads a spaCy ``Doc`` only through its attribute arrays.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.strings import get_string_id

from checker.nlp._engine.columns import _WORD_COLUMNS, DocColumns, _regex_test, flag_test
from checker.nlp._engine.pattern_anchors import repeat_bounds

_STRING_KEYS = {"LOWER": "LOWER", "LEMMA": "LEMMA", "TEXT": "ORTH", "ORTH": "ORTH"}
_FLAG_KEYS = {"IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE",
              "IS_STOP", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY",
              "LIKE_NUM", "LIKE_EMAIL", "LIKE_URL", "IS_SENT_START", "LENGTH"}
_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "==": int.__eq__, "!=": int.__ne__, ">=": int.__ge__, "<=": int.__le__, ">": int.__gt__, "<": int.__lt__}


# --------------------------------------------------------------------------------------------
# Token specs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One attribute test of a token spec: ``column`` ``kind`` ``value``.

    Kinds: ``eq``/``in``/``not_in`` compare a column's value (a word column, ``SENT_START`` or
    ``LENGTH``), ``cmp`` compares ``LENGTH`` with a number, and ``test`` asks a :class:`WordTest`
    about the word in ``column`` (a regex, a lexeme flag).
    """

    column: str
    kind: str  # "eq", "in", "not_in", "cmp", "test"
    value: Any
    lowered: frozenset[int] | None = None
    """For an ``ORTH`` eq/in: the words lowercased, as ``LOWER`` values. Every token passing the
    condition has one of them, so its candidates can be listed from the ``LOWER`` positions the
    anchor sieve already holds (the anchors read TEXT as LOWER) instead of an index of the ``ORTH``
    column built for one pattern (a pattern on "US" spent 28 ms of 0.46 s on 97 policies so)."""

    @property
    def tier(self) -> int | None:
        """How cheaply :meth:`positions` lists the tokens: 0 from a word index, 1 from a column
        read whole (sentence starts, lengths) or by asking a lexeme flag of every distinct word,
        2 by running a regex over every distinct word not met before; None when it cannot."""
        if self.kind in ("eq", "in"):
            return 0 if self.column in _WORD_COLUMNS else 1
        if self.kind == "test":
            return 1 if self.value.flag else 2
        return None

    def bind(self, view: DocColumns) -> Callable[[int], bool]:
        """A test of token ``i`` of this document."""
        column, value = view.column(self.column), self.value
        if self.kind == "eq":
            return lambda i: column[i] == value
        if self.kind == "in":
            return lambda i: column[i] in value
        if self.kind == "not_in":
            return lambda i: column[i] not in value
        if self.kind == "cmp":
            compare, number = _COMPARE[value[0]], value[1]
            return lambda i: bool(compare(column[i], number))
        # a word test: the remembered answer for the token's word, asked if new (a pattern tests
        # a few tokens next to its pivots: reading a flag's whole column cost more)
        known, learn, vocab = value.known, value.learn, view.doc.vocab

        def test(i: int) -> bool:
            word = column[i]
            answer = known.get(word)
            return learn(word, vocab) if answer is None else answer
        return test

    def count(self, view: DocColumns) -> int | None:
        """How many tokens :meth:`positions` would list, when a word index tells without listing
        them (None: list them to know)."""
        if self.column not in _WORD_COLUMNS:
            return None
        if self.kind == "eq":
            return view.count(self.column, frozenset((self.value,)))
        if self.kind == "in":
            return view.count(self.column, self.value)
        return None

    def positions(self, view: DocColumns) -> list[int] | None:
        """Every token this condition holds for, when an index gives them cheaply; else None."""
        if self.kind == "eq":
            return view.equal(self.column, self.value)
        if self.kind == "in":
            return view.union(self.column, self.value)
        if self.kind == "test":
            return view.test_positions(self.column, self.value)
        return None


@dataclass(frozen=True)
class Item:
    """A token spec with its repeat bounds: ``low`` to ``high`` tokens each meeting every condition."""

    conditions: tuple[Condition, ...]
    low: int
    high: int

    def bind(self, view: DocColumns) -> Callable[[int], bool] | None:
        """A test of token ``i`` of this document (None: any token will do)."""
        if not self.conditions:
            return None
        checks = [c.bind(view) for c in self.conditions]
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda i: first(i) and second(i)
        return lambda i: all(check(i) for check in checks)

    def positions(self, view: DocColumns, tier: int = 2) -> list[int] | None:
        """Tokens meeting every condition, listed from the most selective condition of ``tier`` or
        a cheaper one (see :attr:`Condition.tier`) and tested for the rest; None if there is none."""
        usable = [c for c in self.conditions if c.tier is not None and c.tier <= tier]
        if not usable:
            return None
        counted = [(count, n) for n, c in enumerate(usable) if (count := c.count(view)) is not None]
        if counted:  # a word index says which condition is rarest without listing any tokens
            best = usable[min(counted)[1]].positions(view)
        else:
            best = min((c.positions(view) or [] for c in usable), key=len)
        assert best is not None
        if len(self.conditions) == 1:
            return best
        check = self.bind(view)
        assert check is not None
        return [i for i in best if check(i)]


def _condition(key: str, value: Any) -> Condition | None:
    key = key.upper()
    if key in _STRING_KEYS:
        column = _STRING_KEYS[key]
        if isinstance(value, str):
            return Condition(column, "eq", get_string_id(value), _lowered(column, [value]))
        if isinstance(value, dict) and len(value) == 1:
            (op, operand), = value.items()
            if op in ("IN", "NOT_IN") and isinstance(operand, list) and all(isinstance(v, str) for v in operand):
                return Condition(column, op.lower(), frozenset(get_string_id(v) for v in operand),
                                 _lowered(column, operand) if op == "IN" else None)
            if op == "REGEX" and isinstance(operand, str):
                return Condition(column, "test", _regex_test(re.compile(operand)))
        return None
    if key == "IS_SENT_START":
        return Condition("SENT_START", "eq", int(value)) if isinstance(value, bool) else None
    if key == "LENGTH":  # the column is read anyway (for evidence offsets)
        if isinstance(value, int) and not isinstance(value, bool):
            return Condition("LENGTH", "eq", value)
        if isinstance(value, dict) and len(value) == 1:
            (op, operand), = value.items()
            if op in _COMPARE and isinstance(operand, int) and not isinstance(operand, bool):
                return Condition("LENGTH", "cmp", (op, operand))
        return None
    if key in _FLAG_KEYS and isinstance(value, bool):  # a lexeme flag: a question about the word
        return Condition("ORTH", "test", flag_test(key, value))
    return None


def _lowered(column: str, words: list[str]) -> frozenset[int] | None:
    """``words`` lowercased as ``LOWER`` values, for a condition on ``ORTH`` (see :attr:`Condition.lowered`)."""
    return frozenset(get_string_id(word.lower()) for word in words) if column == "ORTH" else None


def _bounds(op: Any) -> tuple[int, int] | None:
    """Repeat bounds of a spec this module handles; None for ``*``, ``+``, ``{n,}`` and ``!``
    (unbounded or negated: left to spaCy)."""
    bounds = repeat_bounds(op)
    if bounds is None or bounds[1] is None:
        return None
    return bounds[0], bounds[1]


def _item(spec: dict[str, Any]) -> Item | None:
    bounds = _bounds(spec.get("OP"))
    if bounds is None:
        return None
    conditions = []
    for key, value in spec.items():
        if key == "OP":
            continue
        condition = _condition(key, value)
        if condition is None:
            return None
        conditions.append(condition)
    return Item(tuple(conditions), *bounds)


# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------

class CompiledPattern:
    """One token pattern, ready to find its shortest match per sentence around its pivot token."""

    def __init__(self, items: list[Item]) -> None:
        # Items that may match nothing at either end never make a match shorter, so the shortest
        # match never uses them: drop them.
        while items and items[0].low == 0:
            items = items[1:]
        while items and items[-1].low == 0:
            items = items[:-1]
        self.items = items
        self.pivots = [k for k, item in enumerate(items) if item.low == item.high == 1]
        self._walkers = {k: (_Walker(items[:k][::-1]), _Walker(items[k + 1:])) for k in self.pivots}
        self._tiers = sorted({c.tier for k in self.pivots for c in items[k].conditions if c.tier is not None})
        # Pivots with a condition on a word column: a word index (or the anchor sieve) counts and
        # lists their tokens. Worked out here as (item, column, words, the only condition?), so
        # choosing a pivot per document is a few counts, not a walk through items and conditions.
        # An ORTH word is listed from its lowercased LOWER positions and the item's test run on them.
        self._word_pivots = [(k, "LOWER", c.lowered, False) if c.lowered is not None else
                             (k, c.column, c.value if c.kind == "in" else frozenset((c.value,)),
                              len(items[k].conditions) == 1)
                             for k in self.pivots for c in items[k].conditions if c.tier == 0]

    def _pivot(self, view: DocColumns) -> tuple[int, list[int]]:
        """The single-token item with the fewest occurrences, and those occurrences."""
        if self._word_pivots:
            # a fixed word: the word index counts each pivot's tokens without listing them
            if len(self._word_pivots) == 1:
                k, column, words, alone = self._word_pivots[0]
            else:
                count = view.count
                k, column, words, alone = self._word_pivots[
                    min((count(column, words), n) for n, (_, column, words, _) in enumerate(self._word_pivots))[1]]
            found = view.union(column, words)
            if not alone:  # the item's other conditions
                check = self.items[k].bind(view)
                assert check is not None
                found = [i for i in found if check(i)]
            return k, found
        best: tuple[int, list[int]] | None = None
        for tier in self._tiers:  # a word index first; flags and regexes only when no word is fixed
            for k in self.pivots:
                positions = self.items[k].positions(view, tier)
                if positions is not None and (best is None or len(positions) < len(best[1])):
                    best = (k, positions)
                    if not positions:
                        return best
            if best is not None:
                return best
        # no indexable condition: test the first single-token item everywhere
        k = self.pivots[0]
        check = self.items[k].bind(view)
        return k, [i for i in range(len(view.doc)) if check is None or check(i)]

    def shortest(self, view: DocColumns, stretches: int | None = None) -> dict[int, tuple[int, int]]:
        """The shortest match (start, end token) per stretch, keyed by the stretch's first token.

        Among equally long matches (in characters, as evidence is shown) the earliest wins.
        ``stretches`` limits the search to those stretches, as a bitset: bit ``s`` for stretch
        ``s`` (None: every one).
        """
        k, occurrences = self._pivot(view)
        owner = view.owner
        if stretches is None:
            occurrences = [p for p in occurrences if owner[p] >= 0]
        elif stretches.bit_count() * 4 < len(occurrences):
            occurrences = _within(occurrences, stretches, view.bounds)
        else:
            occurrences = [p for p in occurrences if owner[p] >= 0 and stretches >> owner[p] & 1]
        if not occurrences:
            return {}
        before, after = self._walkers[k]
        back_checks = [item.bind(view) for item in before.items]
        forward_checks = [item.bind(view) for item in after.items]
        idx = view.column("IDX")
        length = view.column("LENGTH")
        shortest: dict[int, tuple[int, int, int]] = {}  # stretch -> (characters, start, end)
        reach_back = before.reach if before.items else None  # None: the pivot starts the pattern
        reach_forward = after.reach if after.items else None
        for p in occurrences:
            first, limit = view.bounds[owner[p]]
            back = reach_back(back_checks, p - 1, first - 1, -1) if reach_back else p - 1
            if back is None:
                continue
            end = reach_forward(forward_checks, p + 1, limit, 1) if reach_forward else p + 1
            if end is None:
                continue
            start = back + 1
            candidate = (idx[end - 1] + length[end - 1] - idx[start], start, end)
            if first not in shortest or candidate < shortest[first]:
                shortest[first] = candidate
        return {first: (start, end) for first, (_, start, end) in shortest.items()}


def _within(positions: list[int], stretches: int, bounds: Sequence[tuple[int, int]]) -> list[int]:
    """The (ascending) ``positions`` that lie in the stretches of bitset ``stretches``, found by
    binary search per stretch: for a common pivot word and a few candidate sentences, cheaper than
    testing each position's sentence against the bits."""
    found: list[int] = []
    while stretches:
        lowest = stretches & -stretches
        first, end = bounds[lowest.bit_length() - 1]
        found.extend(positions[bisect.bisect_left(positions, first):bisect.bisect_left(positions, end)])
        stretches ^= lowest
    return found


class _Walker:
    """Shortest match of a run of items, token by token in one direction.

    Item by item, the set of positions a match of the items so far can end at (each item takes
    ``low`` to ``high`` tokens passing its check); the shortest match ends at the nearest position
    left after the last item. Checklist runs are a few items with short gaps, so these sets stay
    small; this is the breadth-first walk of the pattern's automaton with the states of one item
    folded into positions, a quarter faster than tracking (item, count) states per token.
    """

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self._bounds = [(item.low, item.high) for item in items]
        self._fixed = all(item.low == item.high == 1 for item in items)  # one token per item
        # "a few (any) words, then this word": the commonest other shape, searched without sets
        self._gap_then_one = len(items) == 2 and items[1].low == items[1].high == 1 and not self._fixed

    def reach(self, checks: list[Callable[[int], bool] | None], at: int, stop: int, step: int) -> int | None:
        """From token ``at`` towards ``stop`` (exclusive) by ``step``: the position just past the
        shortest match (``at`` itself when there are no items), or None when there is none."""
        if not self.items:
            return at
        if self._fixed:  # no choices to track: test the next tokens in turn
            end = at + step * len(checks)
            if (end - step - stop) * step >= 0:  # the last token would be at or past ``stop``
                return None
            for check in checks:
                if check is not None and not check(at):
                    return None
                at += step
            return at
        if self._gap_then_one:
            gap, word = checks
            low, high = self._bounds[0]
            for taken in range(high + 1):  # the first token that can end the run ends the shortest
                if at == stop:
                    return None
                if taken >= low and (word is None or word(at)):
                    return at + step
                if taken == high or (gap is not None and not gap(at)):
                    return None
                at += step
            return None
        ends = {at}
        for (low, high), check in zip(self._bounds, checks):
            reached: set[int] = set()
            for position in ends:
                for taken in range(high + 1):
                    if taken >= low:
                        reached.add(position)
                    if taken == high or position == stop or (check is not None and not check(position)):
                        break
                    position += step
            if not reached:
                return None
            ends = reached
        return min(ends) if step > 0 else max(ends)


def compile_pattern(pattern: list[dict[str, Any]]) -> CompiledPattern | None:
    """The pattern compiled for shortest-match search, or None when it is outside the subset."""
    items = []
    for spec in pattern:
        item = _item(spec)
        if item is None:
            return None
        items.append(item)
    compiled = CompiledPattern(items)
    if not compiled.items or not compiled.pivots:
        return None
    return compiled

