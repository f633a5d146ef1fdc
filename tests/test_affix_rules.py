"""gapcheck's tokenizer cuts text exactly where spaCy's English tokenizer does, with the affix
rules tried only where they can apply (checker.nlp._engine.affix_rules)."""

from __future__ import annotations

import re

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.inputs.loader import read_policy
from checker.nlp._engine import affix_rules
from checker.nlp._engine.affix_rules import AffixSearch, edge_chars
from checker.nlp.pipeline import get_pipeline
from checker.regex_tree import parse

from .conftest import SEEDS

REFERENCE = spacy.blank("en")
STOCK = REFERENCE.tokenizer
PIECES = ["We", "keep", "data", "30", "days", "km", "100km", "kg", "'s", "’s", "n't", "US$", "$", "€", "%", "°C", ".",
          ",", ";", ":", "!", "?", "...", "…", "(", ")", "[", "]", '"', "“", "”", "'", "-", "–", "—", "/", "=", "<", "+",
          "e.g.", "U.S.", "a.m.", "Inc.", "third-party", "opt-out", "privacy@example.com", "https://example.com/a-b",
          "www.example.org", "§", "©", "™", "😀", "👍🏽", "中文", "café", "ß", "\u00a0", "\u200b", "\t", "\n", " "]
TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=30)


def _tokens(tokenizer: object, text: str) -> list[tuple[str, str]]:
    return [(token.text, token.whitespace_) for token in tokenizer(text)]  # type: ignore[operator]


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return None if match is None else match.span()


@settings(max_examples=500, derandomize=True, deadline=None)
@given(TEXT, st.sampled_from([" ", "", "\n"]))
def test_same_tokens_as_spacy(pieces: list[str], glue: str) -> None:
    text = glue.join(pieces)
    assert _tokens(get_pipeline().tokenizer, text) == _tokens(STOCK, text), text


def test_seed_policies_tokenize_as_spacy() -> None:
    for path in sorted(SEEDS.iterdir()):
        if path.suffix not in (".md", ".txt"):
            continue
        text = "\n\n".join(block.text for block in read_policy(path).blocks)
        ours = _tokens(get_pipeline().tokenizer, text)
        assert len(ours) > 500
        assert ours == _tokens(STOCK, text), path.name


@settings(max_examples=3000, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=6).map("".join))
def test_affix_regexes_find_what_spacys_find(chunk: str) -> None:
    ours = get_pipeline().tokenizer
    assert _span(ours.prefix_search(chunk)) == _span(STOCK.prefix_search(chunk))
    assert _span(ours.suffix_search(chunk)) == _span(STOCK.suffix_search(chunk))
    assert [m.span() for m in ours.infix_finditer(chunk)] == [m.span() for m in STOCK.infix_finditer(chunk)]


def test_the_pipeline_uses_the_rule_by_rule_search() -> None:
    tokenizer = get_pipeline().tokenizer
    for search in (tokenizer.prefix_search, tokenizer.suffix_search, tokenizer.infix_finditer):
        assert isinstance(search.__self__, AffixSearch)


def test_a_suffix_is_tried_only_against_rules_that_can_end_with_its_last_character() -> None:
    search = affix_rules.suffix_search(["km", r"\.\.+", "'s", r"(?<=[0-9])%"])
    rules = search.__self__  # type: ignore[attr-defined]
    assert rules.regex_for("m").pattern == "km$"
    assert rules.regex_for(".").pattern == r"\.\.+$"
    assert rules.regex_for("x") is None
    assert _span(search("100km")) == (3, 5)
    assert _span(search("wait...")) == (4, 7)
    assert _span(search("50%")) == (2, 3)
    assert search("a%") is None  # the lookbehind still applies
    assert search("information") is None


def test_a_rule_not_pinned_to_its_edge_leaves_the_full_regex() -> None:
    # "a|b$" finds an "a" anywhere: nothing can be said about the last character
    search = affix_rules.suffix_search(["a|b", r"\."])
    assert not isinstance(getattr(search, "__self__", None), AffixSearch)
    assert _span(search("xay")) == (1, 2)


def test_an_infix_is_not_looked_for_in_a_string_without_a_character_a_rule_starts_with() -> None:
    finditer = affix_rules.infix_finditer([r"(?<=[a-z])-(?=[a-z])", r"\.\.+"])
    assert [m.span() for m in finditer("third-party")] == [(5, 6)]
    assert [m.span() for m in finditer("a..b")] == [(1, 3)]
    assert list(finditer("information")) == []
    assert list(finditer("café’s")) == []
    # a rule that can start with anything (a negated class): every string is searched
    anything = affix_rules.infix_finditer([r"[^a-z]"])
    assert [m.span() for m in anything("abcD")] == [(3, 4)]


def test_edge_characters_are_read_off_the_parse_tree() -> None:
    def edge(pattern: str, last: bool) -> affix_rules.EdgeChars:
        return edge_chars(parse(pattern), last)

    first = edge(r"^(?<=x)(?:ab|[c-e])+z", last=False)
    assert [first.allows(c) for c in "acdefz"] == [True, True, True, True, False, False]
    assert edge(r"(?:ab|cd)\.$", last=True).allows(".")
    assert not edge(r"(?:ab|cd)\.$", last=True).allows("d")
    assert edge(r"ab?$", last=True).everything  # an optional last part: either character may end it
    assert edge(r"\w$", last=True).everything  # a category is not reasoned about
    assert not edge("[-–—]", last=False).allows_alnum()
    assert edge("[a-f]", last=False).allows_alnum()


def test_a_serialised_tokenizer_carries_spacys_own_rules() -> None:
    fresh = spacy.blank("en")
    fresh.tokenizer.from_bytes(get_pipeline().tokenizer.to_bytes())
    assert fresh.tokenizer.suffix_search.__self__.pattern == STOCK.suffix_search.__self__.pattern
    text = "See §3.2 (cookies...), e.g. 30km/h -- write to privacy@example.com today!"
    assert _tokens(fresh.tokenizer, text) == _tokens(STOCK, text)


def test_rules_whose_letters_match_other_cases_are_never_dropped() -> None:
    scoped = affix_rules.suffix_search(["(?i:km)", r"\."])
    assert _span(scoped("100KM")) == (3, 5)
    assert _span(scoped("100\u212am")) == (3, 5)  # the Kelvin sign folds to "k"
    # a global flag (here: ^ and $ at every line) leaves the whole regex to re
    everywhere = affix_rules.suffix_search(["(?m)x", "y"])
    assert not isinstance(getattr(everywhere, "__self__", None), AffixSearch)
    assert _span(everywhere("ax\nb")) == (1, 2)
