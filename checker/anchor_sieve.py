"""Which sentences each token pattern could match in, worked out for every pattern at once.

A pattern can only match in a sentence holding a word of each of its anchors (its required word
lists, :mod:`checker.pattern_anchors`). Asking that pattern by pattern meant ranking and listing
word positions ~230 times per policy, a third of matching. Here one numpy pass per token column
marks, for every distinct anchor of the checklists, the sentences holding one of its words; a
pattern's sentences are then the AND of its anchors' rows, as bitsets (Python ints), so a pattern
that cannot match anywhere costs a few integer operations. Knows nothing of spaCy: it reads the
token columns of a :class:`~checker.token_matcher.DocColumns`.
"""

from __future__ import annotations

from typing import Sequence

import numpy

from .token_matcher import DocColumns

HashedAnchor = tuple[str, frozenset[int]]
"""An anchor (:mod:`checker.pattern_anchors`) with its words as string-store hashes."""


class AnchorSieve:
    """The anchors of a list of patterns, indexed by word, ready to sift documents."""

    def __init__(self, anchor_lists: Sequence[Sequence[HashedAnchor]]) -> None:
        numbering: dict[HashedAnchor, int] = {}
        self._patterns: list[tuple[int, ...] | None] = []
        for anchors in anchor_lists:
            ids = sorted({numbering.setdefault(anchor, len(numbering)) for anchor in anchors})
            self._patterns.append(tuple(ids) if ids else None)
        self._anchor_count = len(numbering)
        by_word: dict[str, dict[int, list[int]]] = {}
        for (column, words), number in numbering.items():
            for word in words:
                by_word.setdefault(column, {}).setdefault(word, []).append(number)
        # per column: the sorted words, and for word k the anchors indices[indptr[k]:indptr[k + 1]]
        self._columns: dict[str, tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]] = {}
        for column, table in by_word.items():
            words = sorted(table)
            lists = [table[word] for word in words]
            indptr = numpy.cumsum([0] + [len(anchors) for anchors in lists])
            indices = numpy.array([a for anchors in lists for a in anchors], dtype=numpy.int64)
            self._columns[column] = (numpy.array(words, dtype=numpy.uint64), indptr, indices)

    def sift(self, view: DocColumns, sentence_count: int) -> list[set[int] | None]:
        """For each pattern, in order: the sentences holding a word of each of its anchors
        (None for a pattern without anchors: every sentence)."""
        owner = numpy.asarray(view.owner, dtype=numpy.int64)
        owner = numpy.where(owner < 0, sentence_count, owner)  # outside sentences: a spare column
        held = numpy.zeros((self._anchor_count, sentence_count + 1), dtype=bool)
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
                held[indices[starts], owner[tokens]] = True
            else:
                ends = numpy.cumsum(counts)
                flat = numpy.arange(ends[-1]) - numpy.repeat(ends - counts - starts, counts)
                held[indices[flat], owner[numpy.repeat(tokens, counts)]] = True
        packed = numpy.packbits(held[:, :sentence_count], axis=1, bitorder="little")
        rows = [int.from_bytes(row.tobytes(), "little") for row in packed]
        sentences_of: dict[int, set[int]] = {}
        found: list[set[int] | None] = []
        for ids in self._patterns:
            if ids is None:
                found.append(None)
                continue
            mask = rows[ids[0]]
            for number in ids[1:]:
                if not mask:
                    break
                mask &= rows[number]
            if mask not in sentences_of:
                sentences_of[mask] = _bits(mask)
            found.append(sentences_of[mask])
        return found


def _bits(mask: int) -> set[int]:
    """The positions of the set bits of ``mask``."""
    if not mask:
        return set()
    data = numpy.frombuffer(mask.to_bytes((mask.bit_length() + 7) // 8, "little"), dtype=numpy.uint8)
    return set(numpy.flatnonzero(numpy.unpackbits(data, bitorder="little")).tolist())
