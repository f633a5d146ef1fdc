"""Anchored matching finds exactly what running every pattern over the whole document finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.matcher import Matcher

from checker.inputs.loader import read_policy
from checker.nlp._engine.pattern_anchors import anchors_of, is_required, repeat_bounds
from checker.nlp.sentences import parse_documents
from checker.rules.checklist import bundled_names, load_checklists

from .conftest import SEEDS, SHARED

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


@pytest.mark.parametrize("spec, required", [
    ({"LOWER": "a"}, True), ({"OP": "+"}, True), ({"OP": "{2}"}, True), ({"OP": "{1,3}"}, True),
    ({"OP": "?"}, False), ({"OP": "*"}, False), ({"OP": "{,4}"}, False), ({"OP": "{0,2}"}, False),
    ({"OP": "!"}, False),
])
def test_required_tokens(spec: dict, required: bool) -> None:
    assert is_required(spec) is required


def test_anchors_are_the_required_word_lists() -> None:
    pattern = [{"LOWER": {"IN": ["you", "users"]}}, {"OP": "{,5}"}, {"LEMMA": {"IN": ["access", "review"]}},
               {"LOWER": {"IN": ["the"]}, "OP": "?"}, {"TEXT": {"REGEX": "^x"}}, {"TEXT": "DPO"},
               {"LOWER": {"NOT_IN": ["a"]}}]
    assert anchors_of(pattern) == [("LOWER", frozenset({"you", "users"})), ("LEMMA", frozenset({"access", "review"})),
                                   ("LOWER", frozenset({"dpo"}))]
    assert anchors_of([{"LIKE_NUM": True}, {"OP": "?"}]) == []


def _policies() -> list[Path]:
    found = sorted(p for p in SEEDS.iterdir() if p.suffix in (".md", ".txt")) + sorted(PAGES.glob("*.html"))
    modern = SHARED / "modern-dev"
    if modern.is_dir():
        found += sorted(modern.glob("*.md"))[:15]
    return found


def test_anchored_matching_equals_whole_document_matching() -> None:
    compiled = load_checklists(bundled_names())
    patterns = compiled.patterns
    reference = Matcher(patterns._nlp.vocab)
    for pattern_id, pattern in patterns.token_patterns:
        reference.add(pattern_id, [pattern])
    documents = [read_policy(p) for p in _policies()]
    total = 0
    for parsed in parse_documents(documents, compiled.model):
        raw = list(reference(parsed._doc)) + list(patterns._phrases(parsed._doc))
        expected = patterns._collect(parsed, raw)
        assert patterns.find(parsed) == expected, parsed.document.source
        total += len(expected)
    assert total > 1000


def test_no_bundled_pattern_runs_a_wildcard_spacys_matcher_cannot_afford() -> None:
    """spaCy's Matcher, the reference the test above and ``engine="spacy"`` rely on, carries every
    partial match through a bounded wildcard: two patterns with 25- and 32-token gaps took one CI run
    past 6 GB on the dev policies (killed). The fast engine would not mind; the reference does, so
    a longer reach has to be written as two patterns or a concept."""
    longest: dict[str, int] = {}
    for pattern_id, pattern in load_checklists(bundled_names()).patterns.token_patterns:
        for spec in pattern:
            bounds = repeat_bounds(spec.get("OP"))
            if bounds is not None and bounds[1] is not None:
                longest[pattern_id] = max(longest.get(pattern_id, 0), bounds[1])
    too_long = {pid: n for pid, n in longest.items() if n > 16}
    assert not too_long, too_long
    assert max(longest.values()) >= 10  # the scan read the bounds (a parsing slip would pass vacuously)
