"""One document's token columns and the word tests patterns ask of them, computed only when asked.

A spaCy ``Doc`` is read through its attribute arrays (``to_array``), one column at a time and only
for the attributes some pattern needs; a word's answer to a test (a regex, a flag) is remembered
across policies per vocabulary, because a policy has a few hundred distinct words, most met before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

import numpy
from spacy import attrs
from spacy.tokens import Doc

_WORD_COLUMNS = ("LOWER", "LEMMA", "ORTH")
_WORD_MEMORY = 200_000
"""Most words a word test, or a word table, remembers (about 20 MB) before starting afresh."""

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
            found = self._columns[name] = memoryview(numpy.ascontiguousarray(self.array(name)))  # type: ignore[arg-type]  # an ndarray is a buffer
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


