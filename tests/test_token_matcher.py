"""The shortest-match token matcher agrees with spaCy's Matcher on generated patterns and texts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import Matcher

from checker.nlp._engine.token_matcher import compile_pattern
from checker.nlp.patterns import PatternSet
from checker.nlp.sentences import parse_texts

from .conftest import SEEDS

WORDS = ["we", "We", "you", "keep", "kept", "data", "your", "personal", "for", "30", "days", "the", "not", "delete",
         "Access", "access", "ny", "Privacy", "Policy", "Inc", ".", ",", ":", "-", "NY", "10001", "a@b.co", "http://x.io"]

_specs = st.one_of(
    st.builds(lambda w: {"LOWER": {"IN": w}}, st.lists(st.sampled_from([w.lower() for w in WORDS]), min_size=1, max_size=3)),
    st.builds(lambda w: {"LEMMA": w}, st.sampled_from(["keep", "datum", "day", "delete", "access", "be"])),
    st.builds(lambda w: {"LOWER": {"NOT_IN": w}}, st.lists(st.sampled_from(["we", "the", "."]), min_size=1, max_size=2)),
    st.just({"IS_PUNCT": True}), st.just({"LIKE_NUM": True}), st.just({"IS_TITLE": True}), st.just({}),
    st.just({"TEXT": {"REGEX": "^[A-Z]"}}), st.just({"LENGTH": {">=": 4}}), st.just({"IS_SENT_START": True}),
    st.just({"LIKE_EMAIL": True}),
    # exact case, listed through the lowercased words: "Access" but not "access", "NY" but not "ny"
    st.builds(lambda w: {"TEXT": w}, st.sampled_from(["Access", "access", "NY", "Policy", "data"])),
    st.builds(lambda w: {"ORTH": {"IN": w}}, st.lists(st.sampled_from(["Access", "NY", "Inc", "we", "We"]), min_size=1, max_size=2)),
    st.just({"LOWER": "ny", "TEXT": "NY"}),
)
_ops = st.sampled_from([None, None, "?", "{,2}", "{,4}", "{1,2}", "{2}"])


@st.composite
def patterns(draw: Any) -> list[dict[str, Any]]:
    specs = draw(st.lists(st.tuples(_specs, _ops), min_size=1, max_size=5))
    pattern = [dict(spec, OP=op) if op else dict(spec) for spec, op in specs]
    if not any(s.get("OP") in (None, "{1,2}", "{2}") for s in pattern):
        pattern.append({"LOWER": "data"})  # a pattern that may match nothing is not a checklist pattern
    return pattern


@settings(max_examples=500, derandomize=True, deadline=None)
@given(patterns(), st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14), min_size=1, max_size=4))
def test_same_shortest_matches_as_spacy(pattern: list[dict[str, Any]], sentences: list[list[str]]) -> None:
    text = " ".join(" ".join(words) + " ." for words in sentences)
    parsed = next(parse_texts([text]))
    ours = PatternSet()
    ours.add("p", pattern)
    reference = Matcher(ours._nlp.vocab)
    reference.add("p", [pattern])
    expected = ours._collect(parsed, list(reference(parsed._doc)))
    assert ours.find(parsed) == expected, (pattern, text)


def test_patterns_outside_the_subset_still_match_through_spacy() -> None:
    unbounded = [{"LOWER": "keep"}, {"OP": "+"}, {"LOWER": "days"}]
    negated = [{"LOWER": "keep"}, {"LOWER": "not", "OP": "!"}, {"LOWER": "data"}]
    assert compile_pattern(unbounded) is None and compile_pattern(negated) is None
    ours = PatternSet()
    ours.add("unbounded", unbounded)
    ours.add("negated", negated)
    parsed = next(parse_texts(["We keep your data for 30 days."]))
    found = {m.pattern_id: parsed.sentences[m.sentence].text[m.start:m.end] for m in ours.find(parsed)}
    assert found == {"unbounded": "keep your data for 30 days", "negated": "keep your data"}


def test_the_shortest_match_in_a_sentence_is_kept() -> None:
    ours = PatternSet()
    ours.add("p", [{"LEMMA": "keep"}, {"OP": "{,6}"}, {"LOWER": "days"}])
    parsed = next(parse_texts(["We keep data and keep logs for 30 days."]))
    (match,) = ours.find(parsed)
    assert parsed.sentences[0].text[match.start:match.end] == "keep logs for 30 days"


def test_word_tests_are_shared_and_their_memory_stays_bounded(monkeypatch: Any) -> None:
    import numpy

    from checker.nlp._engine import columns as token_matcher

    vocab = PatternSet()._nlp.vocab
    assert token_matcher.flag_test("LIKE_NUM", True) is token_matcher.flag_test("LIKE_NUM", True)
    capital = token_matcher._regex_test(re.compile("^[A-Z]x"))
    number = token_matcher.flag_test("LIKE_NUM", True)
    monkeypatch.setattr(token_matcher, "_WORD_MEMORY", 5)
    table = token_matcher.WordTable()
    words = {w: vocab.strings.add(w) for w in ["Xx", "yx", "Zx", "ax", "Bxb", "cx", "42", "7"]}

    def passing(test: Any, names: list[str]) -> set[str]:
        distinct = numpy.array(sorted(words[n] for n in names), dtype=numpy.uint64)
        table.learn(distinct, vocab)
        found = set(table.passing(test, distinct, vocab).tolist())
        return {n for n in names if words[n] in found}

    assert passing(capital, ["Xx", "yx", "Zx"]) == {"Xx", "Zx"}
    # a test first asked later is asked about every word met before
    assert passing(number, ["Xx", "42"]) == {"42"}
    # more words than the memory holds: it starts afresh, and the answers stay right
    everything = list(words)
    assert passing(capital, everything) == {"Xx", "Zx", "Bxb"}
    assert passing(number, everything) == {"42", "7"}
    assert passing(capital, ["ax", "Bxb"]) == {"Bxb"}
    for word, value in words.items():  # one token at a time, through the test's own memory
        assert capital.learn(value, vocab) is (word in {"Xx", "Zx", "Bxb"})
        assert len(capital.known) <= 5


def test_each_vocab_has_its_own_word_table() -> None:
    import numpy
    import spacy

    from checker.nlp._engine import columns as token_matcher

    first, second = spacy.blank("en").vocab, spacy.blank("en").vocab
    only_first = first.strings.add("Qzxwv-only-in-one")
    table = token_matcher.word_table("ORTH", first)
    assert token_matcher.word_table("ORTH", second) is not table
    table.learn(numpy.array([only_first], dtype=numpy.uint64), first)
    # a test first used on the other vocab is not asked about words its strings do not hold
    late = token_matcher._regex_test(re.compile("^Qzx"))
    words = numpy.array([second.strings.add("Qzxa")], dtype=numpy.uint64)
    other = token_matcher.word_table("ORTH", second)
    other.learn(words, second)
    assert other.passing(late, words, second).tolist() == words.tolist()
    assert table.passing(late, numpy.array([only_first], dtype=numpy.uint64), first).tolist() == [only_first]


def _dev_corpus() -> list[Path]:
    """The seeds, plus a slice of the dev policies in ../shared when they are beside the project."""
    shared = Path(__file__).resolve().parents[2] / "shared"
    files = sorted(p for p in SEEDS.iterdir() if p.suffix in (".md", ".txt"))
    for folder in (shared / "modern-dev", shared / "opp115-dev" / "policies"):
        if folder.is_dir():
            files += sorted(p for p in folder.iterdir() if p.suffix in (".md", ".txt"))[::4]
    return files


def test_the_fast_engine_finds_what_spacys_matcher_finds_on_the_dev_corpus() -> None:
    """The speed engine is private and replaceable: every checklist pattern, run by spaCy's own
    Matcher (engine="spacy") and by gapcheck's engine, gives the same matches on real policies."""
    from checker.inputs.loader import read_policy
    from checker.nlp.sentences import parse_document
    from checker.rules.checklist import bundled_names, load_checklists

    fast = load_checklists(bundled_names())
    stock = load_checklists(bundled_names(), engine="spacy")
    assert stock.patterns.engine == "spacy" and fast.patterns.engine == "fast"
    compared = 0
    for path in _dev_corpus():
        parsed = parse_document(read_policy(path))
        found = fast.patterns.find(parsed)
        assert found == stock.patterns.find(parsed), path.name
        compared += len(found)
    assert compared > 500  # the corpus really exercised the patterns
