"""Which sentences each token pattern could match in, worked out for every pattern at once.

A pattern can only match in a sentence holding a word of each of its anchors (its required word
lists, :mod:`checker.nlp._engine.pattern_anchors`). Asking that pattern by pattern meant ranking and listing
word positions ~230 times per policy, a third of matching. Here one numpy pass per token column
marks, for every distinct anchor of the checklists, the sentences holding one of its words; a
pattern's sentences are then the AND of its anchors' rows, as bitsets (Python ints), so a pattern
that cannot match anywhere costs a few integer operations. Knows nothing of spaCy: it reads the
token columns of a :class:`~checker.nlp._engine.token_matcher.DocColumns`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy

from checker.nlp._engine.columns import DocColumns

HashedAnchor = tuple[str, frozenset[int]]
"""An anchor (:mod:`checker.nlp._engine.pattern_anchors`) with its words as string-store hashes."""


class AnchorSieve:
    """The anchors of a list of patterns, indexed by word, ready to sift documents."""

    def __init__(self, anchor_lists: Sequence[Sequence[HashedAnchor]]) -> None:
        numbering: dict[HashedAnchor, int] = {}
        self._patterns: list[tuple[int, ...] | None] = []
        for anchors in anchor_lists:
            ids = sorted({numbering.setdefault(anchor, len(numbering)) for anchor in anchors})
            self._patterns.append(tuple(ids) if ids else None)
        self._numbering = numbering
        self._anchor_count = len(numbering)
        by_word: dict[str, dict[int, list[int]]] = {}
        for (column, words), number in numbering.items():
            for word in words:
                by_word.setdefault(column, {}).setdefault(word, []).append(number)
        # per column: the sorted words, and for word k the anchors indices[indptr[k]:indptr[k + 1]]
        self._columns: dict[str, tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]] = {}
        for column, table in by_word.items():
            ordered = sorted(table)
            lists = [table[word] for word in ordered]
            indptr = numpy.cumsum([0] + [len(anchors) for anchors in lists])
            indices = numpy.array([a for anchors in lists for a in anchors], dtype=numpy.int64)
            self._columns[column] = (numpy.array(ordered, dtype=numpy.uint64), indptr, indices)

    def sift(self, view: DocColumns, sentence_count: int) -> list[int | None]:
        """For each pattern, in order: the sentences holding a word of each of its anchors, as a
        bitset (bit ``s`` for sentence ``s``; None for a pattern without anchors: every sentence).
        The matcher tests its pivot's sentence against the bits: listing them as sets of numbers
        cost more than the test (most patterns' candidates are a few sentences of hundreds).

        Also hands ``view`` the token positions of every anchor (:class:`AnchorPositions`): the
        matcher's pivots are anchors, so it need not index the document's words again.
        """
        owner = numpy.asarray(view.owner, dtype=numpy.int64)
        owner = numpy.where(owner < 0, sentence_count, owner)  # outside sentences: a spare column
        held = numpy.zeros((self._anchor_count, sentence_count + 1), dtype=bool)
        pairs: list[tuple[numpy.ndarray, numpy.ndarray]] = []  # (anchor, token) of every hit
        for column, (words, indptr, indices) in self._columns.items():
            values = view.array(column)
            at = numpy.searchsorted(words, values)
            at[at == len(words)] = 0
            tokens = numpy.flatnonzero(words[at] == values)
            if not len(tokens):
                continue
            starts = indptr[at[tokens]]
            counts = indptr[at[tokens] + 1] - starts
            if (counts == 1).all():  # each word in one anchor: the usual case
                anchors = indices[starts]
            else:
                ends = numpy.cumsum(counts)
                anchors = indices[numpy.arange(ends[-1]) - numpy.repeat(ends - counts - starts, counts)]
                tokens = numpy.repeat(tokens, counts)
            held[anchors, owner[tokens]] = True
            pairs.append((anchors, tokens))
        view.known = AnchorPositions(self._numbering, pairs)
        packed = numpy.packbits(held[:, :sentence_count], axis=1, bitorder="little")
        data, width = packed.tobytes(), packed.shape[1]
        rows = [int.from_bytes(data[at:at + width], "little") for at in range(0, len(data), width)]
        found: list[int | None] = []
        for ids in self._patterns:
            if ids is None:
                found.append(None)
                continue
            mask = rows[ids[0]]
            for number in ids[1:]:
                if not mask:
                    break
                mask &= rows[number]
            found.append(mask)
        return found


class AnchorPositions:
    """Where each anchor's words stand in one document, from the sieve's pass: the token lists
    a word index would give for those (column, words) keys, without building the index."""

    def __init__(self, numbering: dict[HashedAnchor, int], pairs: list[tuple[numpy.ndarray, numpy.ndarray]]) -> None:
        self._numbering = numbering
        if pairs:
            anchors = numpy.concatenate([a for a, _ in pairs])
            tokens = numpy.concatenate([t for _, t in pairs])
            # by anchor, keeping each anchor's tokens in order (they come from one column, ascending);
            # as 16-bit numbers the stable sort is a radix sort, 8x faster than on 64-bit ones
            small = anchors.astype(numpy.uint16) if len(numbering) <= 1 << 16 else anchors
            order = numpy.argsort(small, kind="stable")
            self._tokens = tokens[order]
            self._ends: list[int] = numpy.cumsum(numpy.bincount(anchors, minlength=len(numbering))).tolist()
        else:
            self._tokens, self._ends = numpy.zeros(0, dtype=numpy.int64), [0] * len(numbering)

    def _span(self, key: HashedAnchor) -> tuple[int, int] | None:
        number = self._numbering.get(key)
        if number is None:
            return None
        return (self._ends[number - 1] if number else 0), self._ends[number]

    def count(self, key: HashedAnchor) -> int | None:
        """How many tokens hold a word of anchor ``key`` (None: not an anchor)."""
        span = self._span(key)
        return None if span is None else span[1] - span[0]

    def positions(self, key: HashedAnchor) -> list[int] | None:
        """The tokens holding a word of anchor ``key``, in order (None: not an anchor)."""
        span = self._span(key)
        return None if span is None else self._tokens[span[0]:span[1]].tolist()
