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
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Protocol, Sequence

import numpy

from spacy import attrs
from spacy.strings import get_string_id
from spacy.tokens import Doc

from .pattern_anchors import repeat_bounds

_WORD_COLUMNS = ("LOWER", "LEMMA", "ORTH")
_STRING_KEYS = {"LOWER": "LOWER", "LEMMA": "LEMMA", "TEXT": "ORTH", "ORTH": "ORTH"}
_FLAG_KEYS = {"IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE",
              "IS_STOP", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY",
              "LIKE_NUM", "LIKE_EMAIL", "LIKE_URL", "IS_SENT_START", "LENGTH"}
_WORD_MEMORY = 200_000
"""Most words a word test, or a word table, remembers (about 20 MB) before starting afresh."""
_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "==": int.__eq__, "!=": int.__ne__, ">=": int.__ge__, "<=": int.__le__, ">": int.__gt__, "<": int.__lt__}


# --------------------------------------------------------------------------------------------
# One document's token attributes, computed only when a pattern asks for them
# --------------------------------------------------------------------------------------------

class KnownPositions(Protocol):
    """Token lists some other pass already has, by (column, words) key; None for other keys."""

    def count(self, key: tuple[str, frozenset[int]]) -> int | None: ...

    def positions(self, key: tuple[str, frozenset[int]]) -> list[int] | None: ...


class DocColumns:
    """A Doc's token attributes as Python lists, plus value -> positions indexes, built lazily.

    A match must stay within one stretch of tokens (a sentence): ``owner[i]`` is the stretch
    holding token ``i`` (-1 for none) and ``bounds[s]`` the first and past-the-last token of ``s``.
    """

    def __init__(self, doc: Doc, owner: Sequence[int], bounds: Sequence[tuple[int, int]],
                 arrays: dict[str, numpy.ndarray] | None = None,
                 distinct: dict[str, numpy.ndarray] | None = None) -> None:
        self.doc = doc
        self.owner = owner
        self.bounds = bounds
        self._arrays: dict[str, numpy.ndarray] = dict(arrays or {})  # columns already read
        self._columns: dict[str, Sequence[int]] = {}
        self._indexes: dict[str, _Index] = {}
        self._distinct: dict[str, numpy.ndarray] = dict(distinct or {})  # of ``arrays``' columns, sorted
        self._tabled: set[str] = set()  # columns whose words the word table has learnt
        self._found: dict[tuple[str, Any], list[int]] = {}
        self.known: KnownPositions | None = None
        """Token lists already worked out for some (column, words) keys (the anchor sieve's)."""

    def array(self, name: str) -> numpy.ndarray:
        found = self._arrays.get(name)
        if found is None:
            if not len(self.doc):
                found = numpy.zeros(0, dtype="uint64")
            else:
                found = self.doc.to_array([getattr(attrs, name)])
                if name == "SENT_START":
                    found = (found == 1).astype("uint64")
            self._arrays[name] = found
        return found

    def column(self, name: str) -> Sequence[int]:
        """Column ``name`` for reading token by token: a memoryview of the array, whose items are
        Python ints. ``tolist()`` cost ~0.5 ms per column and policy (a new int object per 64-bit
        hash), and the matcher reads only the few tokens around its pivots."""
        found = self._columns.get(name)
        if found is None:
            found = self._columns[name] = memoryview(numpy.ascontiguousarray(self.array(name)))
        return found

    def index(self, name: str) -> _Index:
        found = self._indexes.get(name)
        if found is None:
            found = self._indexes[name] = _Index(self.array(name))
        return found

    def equal(self, name: str, value: int) -> list[int]:
        """Tokens whose ``name`` is ``value``."""
        key = (name, value)
        found = self._found.get(key)
        if found is None:
            if name in _WORD_COLUMNS:
                found = self.union(name, frozenset((value,)))
            else:
                found = numpy.flatnonzero(self.array(name) == value).tolist()
            self._found[key] = found
        return found

    def count(self, name: str, values: frozenset[int]) -> int:
        """How many tokens have ``name`` in ``values``: read off the index, no list is built."""
        found = self._found.get((name, values))
        if found is not None:
            return len(found)
        known = self.known.count((name, values)) if self.known is not None else None
        return known if known is not None else self.index(name).count(values)

    def union(self, name: str, values: frozenset[int]) -> list[int]:
        """Tokens whose ``name`` is one of ``values`` (cached: anchors and pivots share word lists)."""
        key = (name, values)
        found = self._found.get(key)
        if found is None:
            if self.known is not None:
                found = self.known.positions(key)
            if found is None:
                found = self.index(name).union(values)
            self._found[key] = found
        return found

    def distinct(self, name: str) -> numpy.ndarray:
        """The distinct values of column ``name``, sorted."""
        found = self._distinct.get(name)
        if found is None:
            found = self._distinct[name] = distinct_values(self.array(name))
        return found

    def test_positions(self, name: str, test: WordTest) -> list[int]:
        """Tokens whose ``name`` value passes ``test``: the (few) passing words' tokens are found
        with one numpy pass, not through a word index (an index of every word cost more than the
        patterns that need it, which run on every policy)."""
        key = (name, test)
        found = self._found.get(key)
        if found is None:
            table, words = word_table(name, self.doc.vocab), self.distinct(name)
            if name not in self._tabled:  # once per policy: the table then holds all its words
                table.learn(words, self.doc.vocab)
                self._tabled.add(name)
            hits = table.passing(test, words, self.doc.vocab)
            found = numpy.flatnonzero(member_of(self.array(name), hits)).tolist() if len(hits) else []
            self._found[key] = found
        return found


def distinct_values(column: numpy.ndarray) -> numpy.ndarray:
    """The distinct values of a column, sorted. ``numpy.unique`` (numpy 2.4) took three times as
    long as this sort."""
    ordered = numpy.sort(column)
    keep = numpy.empty(len(ordered), dtype=bool)
    keep[:1] = True
    numpy.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def member_of(values: numpy.ndarray, sorted_set: numpy.ndarray) -> numpy.ndarray:
    """``numpy.isin(values, sorted_set)`` for a small sorted set, by binary search: isin sorts
    ``values`` together with the set, which for a policy's tokens cost more than the search."""
    if len(sorted_set) <= 8:  # a few values: comparing with each is cheaper than the search
        found = numpy.zeros(len(values), dtype=bool)
        for value in sorted_set:
            found |= values == value
        return found
    at = numpy.searchsorted(sorted_set, values)
    at[at == len(sorted_set)] = 0
    return sorted_set[at] == values


class WordTest:
    """A yes/no question about a word (a regex on its text, a lexeme flag such as ``LIKE_NUM``)
    whose answers are remembered across documents: a policy repeats its words and shares most of
    them with the last one, so each distinct word is asked once. Flags were read as a whole column
    per policy (``Doc.to_array``, 0.15-0.25 ms each, a tenth of matching) to list or test a few tokens.

    Tests are shared: equal ones (same ``key``) are one object, with one memory, whichever
    pattern asks.
    """

    _made: dict[tuple[Any, ...], WordTest] = {}

    def __init__(self, key: tuple[Any, ...], decide: Callable[[int, Any], bool], flag: bool = False) -> None:
        self.key = key
        self.flag = flag
        """A lexeme flag (cheap to ask: one lexeme lookup)? Else a regex."""
        self._decide = decide  # (the word's hash, the vocab) -> answer
        self.known: dict[int, bool] = {}
        """Answers by word hash, for testing one token at a time."""

    @classmethod
    def shared(cls, key: tuple[Any, ...], decide: Callable[[int, Any], bool], flag: bool = False) -> WordTest:
        found = cls._made.get(key)
        if found is None:
            found = cls._made[key] = cls(key, decide, flag)
        return found

    def __repr__(self) -> str:
        return f"WordTest{self.key!r}"

    def learn(self, value: int, vocab: Any) -> bool:
        """The answer for word hash ``value`` (asked and remembered if new)."""
        known = self.known
        if len(known) >= _WORD_MEMORY:  # bounded: the vocabulary is open-ended
            known.clear()
        known[value] = answer = self.answer(value, vocab)
        return answer

    def answer(self, value: int, vocab: Any) -> bool:
        """The answer for word hash ``value``, asked afresh."""
        return bool(self._decide(value, vocab))


class WordTable:
    """Every word met so far in one token column, sorted, with the words that pass each word test
    that lists tokens (the pivots of patterns without a fixed word, run on every policy).

    A policy's new words are found with one binary search of its distinct words against the
    table, and asked of every such test at once. Python sets of the words, one per test, cost
    0.25 ms a test and policy: a word hash is a Python int allocated on its own, and comparing
    a policy's ints with the remembered ones read memory all over the heap.
    """

    def __init__(self) -> None:
        self._seen = numpy.zeros(0, dtype=numpy.uint64)
        self._tests: dict[WordTest, int] = {}
        self._passed: list[numpy.ndarray] = []  # per test, sorted

    def passing(self, test: WordTest, distinct: numpy.ndarray, vocab: Any) -> numpy.ndarray:
        """The values of ``distinct`` (sorted, distinct; :meth:`learn` given them) that pass ``test``,
        sorted."""
        if test not in self._tests:  # first use: ask it about every word met so far
            self._passed.append(numpy.array([w for w in self._seen.tolist() if test.answer(w, vocab)], dtype=numpy.uint64))
            self._tests[test] = len(self._passed) - 1
        passed = self._passed[self._tests[test]]
        return distinct[member_of(distinct, passed)] if len(passed) else passed

    def learn(self, distinct: numpy.ndarray, vocab: Any) -> None:
        """Add a policy's words (sorted, distinct), asking every test about those not met before."""
        new = distinct[~member_of(distinct, self._seen)]
        if len(new):
            if len(self._seen) + len(new) > _WORD_MEMORY:  # bounded: the vocabulary is open-ended
                self._seen = numpy.zeros(0, dtype=numpy.uint64)
                self._passed = [self._seen] * len(self._passed)
                new = distinct
            words = new.tolist()
            for other, number in self._tests.items():
                hits = numpy.array([w for w in words if other.answer(w, vocab)], dtype=numpy.uint64)
                if len(hits):
                    self._passed[number] = _merged(self._passed[number], hits)
            self._seen = _merged(self._seen, new)


def _merged(ordered: numpy.ndarray, more: numpy.ndarray) -> numpy.ndarray:
    """Two sorted arrays with no value in common, as one sorted array (no sort of the whole)."""
    return numpy.insert(ordered, numpy.searchsorted(ordered, more), more)


_WORD_TABLES: dict[tuple[int, str], tuple[Any, WordTable]] = {}
"""(id of a vocab, column) -> (that vocab, kept alive so the id stays its own; its table)."""


def word_table(column: str, vocab: Any) -> WordTable:
    """The table of the words met in ``column`` of documents made with ``vocab``: one per vocab,
    because a test asked later is asked about the words met before, through that vocab's strings."""
    found = _WORD_TABLES.get((id(vocab), column))
    if found is None:
        found = _WORD_TABLES[(id(vocab), column)] = (vocab, WordTable())
    return found[1]


def _regex_test(regex: re.Pattern[str]) -> WordTest:
    return WordTest.shared(("REGEX", regex.pattern, regex.flags),
                           lambda value, vocab: regex.search(vocab.strings[value]) is not None)


def flag_test(flag: str, wanted: bool) -> WordTest:
    # a token's flags are its lexeme's (spaCy's to_array reads them from the lexeme), so the
    # answer is the same for every token of the word
    name = flag.lower()
    return WordTest.shared((flag, wanted), lambda value, vocab: getattr(vocab[value], name) == wanted, True)


class _Index:
    """Value -> sorted token positions of one attribute column (one sort, no per-token Python)."""

    def __init__(self, column: numpy.ndarray) -> None:
        self._order = numpy.argsort(column, kind="stable")
        values, starts = numpy.unique(column[self._order], return_index=True)
        bounds = starts.tolist() + [len(column)]
        self._where = {value: (bounds[n], bounds[n + 1]) for n, value in enumerate(values.tolist())}

    def count(self, values: Iterable[int]) -> int:
        where = self._where
        total = 0
        for value in values:
            span = where.get(value)
            if span is not None:
                total += span[1] - span[0]
        return total

    def union(self, values: Iterable[int]) -> list[int]:
        spans = [self._where[v] for v in values if v in self._where]
        if not spans:
            return []
        if len(spans) == 1:
            return self._order[spans[0][0]:spans[0][1]].tolist()
        return numpy.sort(numpy.concatenate([self._order[a:b] for a, b in spans])).tolist()


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
            return Condition(column, "eq", get_string_id(value))
        if isinstance(value, dict) and len(value) == 1:
            (op, operand), = value.items()
            if op in ("IN", "NOT_IN") and isinstance(operand, list) and all(isinstance(v, str) for v in operand):
                return Condition(column, op.lower(), frozenset(get_string_id(v) for v in operand))
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
        self._word_pivots = [(k, c.column, c.value if c.kind == "in" else frozenset((c.value,)),
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
                found = self.items[k].positions(view, tier)
                if found is not None and (best is None or len(found) < len(best[1])):
                    best = (k, found)
                    if not found:
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

