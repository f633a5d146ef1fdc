"""The anchor sieve lists, per pattern, exactly the sentences holding a word of each anchor."""

from __future__ import annotations

from spacy.strings import get_string_id

from checker.inputs.loader import read_policy
from checker.nlp._engine.anchor_sieve import AnchorSieve, HashedAnchor
from checker.nlp._engine.columns import DocColumns
from checker.nlp.sentences import parse_documents
from checker.rules.checklist import load_checklists

from .conftest import SEEDS


def _hashed(column: str, *words: str) -> HashedAnchor:
    return column, frozenset(get_string_id(w) for w in words)


def _sentences_in(mask: int) -> set[int]:
    """The sentences a mask of ``AnchorSieve.sift`` holds: the positions of its set bits."""
    return {bit for bit in range(mask.bit_length()) if mask >> bit & 1}


def _by_hand(parsed, anchors: list[HashedAnchor]) -> set[int] | None:
    if not anchors:
        return None
    found = set()
    for index, (first, end) in enumerate(parsed._sentence_bounds):
        tokens = parsed._doc[first:end]
        if all(any((t.lower if column == "LOWER" else t.lemma) in words for t in tokens) for column, words in anchors):
            found.add(index)
    return found


def test_sieve_agrees_with_a_sentence_by_sentence_check_on_the_seeds() -> None:
    checklist_anchors = [anchors for _, _, anchors in load_checklists().patterns._compiled]
    shared = [  # words in several anchors, lemma and lower-case columns, an anchor-less pattern
        [_hashed("LOWER", "data", "personal"), _hashed("LOWER", "data")],
        [_hashed("LEMMA", "retain", "keep"), _hashed("LOWER", "data", "information"), _hashed("LOWER", "you")],
        [],
        [_hashed("LOWER", "nonexistentword")],
    ]
    sieve = AnchorSieve(checklist_anchors + shared)
    docs = [read_policy(p) for p in sorted(SEEDS.glob("*.md"))]
    nonempty = 0
    for parsed in parse_documents(docs):
        view = DocColumns(parsed._doc, parsed._sentence_of_token, parsed._sentence_bounds)
        sifted = sieve.sift(view, len(parsed.sentences))
        for anchors, got in zip(checklist_anchors + shared, sifted):
            assert (None if got is None else _sentences_in(got)) == _by_hand(parsed, anchors)
            nonempty += bool(got)
    assert nonempty > 100  # patterns did find sentences, not only nothing


def test_anchor_positions_are_what_the_word_index_lists() -> None:
    checklist_anchors = [anchors for _, _, anchors in load_checklists().patterns._compiled]
    sieve = AnchorSieve(checklist_anchors)
    keys = {anchor for anchors in checklist_anchors for anchor in anchors}
    docs = [read_policy(p) for p in sorted(SEEDS.glob("*.md"))[:3]]
    listed = 0
    for parsed in parse_documents(docs):
        view = DocColumns(parsed._doc, parsed._sentence_of_token, parsed._sentence_bounds)
        sieve.sift(view, len(parsed.sentences))
        plain = DocColumns(parsed._doc, parsed._sentence_of_token, parsed._sentence_bounds)
        assert view.known is not None
        for column, words in keys:
            expected = plain.index(column).union(words)
            assert view.known.positions((column, words)) == expected
            assert view.known.count((column, words)) == len(expected)
            listed += len(expected)
        assert view.known.positions(("LOWER", frozenset({12345}))) is None  # not an anchor: ask the index
    assert listed > 1000
