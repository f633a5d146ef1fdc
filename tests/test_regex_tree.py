"""gapcheck's own regex parser: what it reads off a pattern, and that what the screen derives from
it never skips a sentence the regex would match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.analysis.regex_screen import needle_groups
from checker.regex_tree import OTHER, Unsupported, parse

L = lambda char: ("LITERAL", ord(char))  # noqa: E731 - a table's shorthand


@pytest.mark.parametrize("pattern, tree", [
    ("ab", [L("a"), L("b")]),
    (r"\.\$\n\x41\u00e9", [L("."), L("$"), L("\n"), L("A"), L("é")]),
    (r"\d\w.", [OTHER, OTHER, OTHER]),
    (r"^\bx$\Z", [("AT", "begin"), ("AT", "boundary"), L("x"), ("AT", "end"), ("AT", "end")]),
    ("[a-c_]", [("IN", [("RANGE", (97, 99)), L("_")])]),
    ("[]a]", [("IN", [L("]"), L("a")])]),
    ("[a-]", [("IN", [L("a"), L("-")])]),
    (r"[\b\]]", [("IN", [("LITERAL", 8), L("]")])]),
    ("[^a]", [OTHER]),
    (r"[\da]", [OTHER]),
    ("a|bc", [("BRANCH", [[L("a")], [L("b"), L("c")]])]),
    ("(?:a)+?", [("REPEAT", (1, None, [("GROUP", (0, 0, [L("a")]))]))]),
    ("(?P<n>a){2,3}", [("REPEAT", (2, 3, [("GROUP", (0, 0, [L("a")]))]))]),
    ("a{,4}b{3}", [("REPEAT", (0, 4, [L("a")])), ("REPEAT", (3, 3, [L("b")]))]),
    ("a{x}", [L("a"), L("{"), L("x"), L("}")]),
    ("(?i:a)", [("GROUP", (re.IGNORECASE, 0, [L("a")]))]),
    ("(?<=x)(?!y)z", [("ASSERT", [L("x")]), ("ASSERT", [L("y")]), L("z")]),
    ("(?>ab)", [("ATOMIC", [L("a"), L("b")])]),
    ("(?i)a(?#note)b", [L("a"), L("b")]),
    (r"(a)\1", [("GROUP", (0, 0, [L("a")])), OTHER]),
])
def test_what_the_parser_reads_off_a_pattern(pattern: str, tree: list) -> None:
    assert parse(pattern) == tree


@pytest.mark.parametrize("pattern, flags", [("(a)(?(1)b|c)", 0), ("a b", re.VERBOSE), ("(?x)a b", 0)])
def test_syntax_it_does_not_reason_about_is_unsupported(pattern: str, flags: int) -> None:
    with pytest.raises(Unsupported):
        parse(pattern, flags)


_ATOMS = st.sampled_from(["a", "b", "ab", "no", r"\.", "[ab]", "[^a]", r"\d", r"\w", ".", r"\b", "x?", "(?:a|b)",
                          "(?:no|not)", "(?i:a)", "a{2}", "b{0,2}", "(?=a)", "[a-c]"])


@st.composite
def _patterns(draw: st.DrawFn) -> str:
    parts = draw(st.lists(_ATOMS, min_size=1, max_size=4))
    pattern = "".join(parts)
    if draw(st.booleans()):
        pattern = pattern + "|" + "".join(draw(st.lists(_ATOMS, min_size=1, max_size=3)))
    if draw(st.booleans()):
        pattern = f"(?:{pattern})" + draw(st.sampled_from(["", "+", "*", "?", "{1,2}"]))
    return pattern


@settings(max_examples=300, deadline=None)
@given(_patterns(), st.text(alphabet="abcnot. 1xA", max_size=12), st.booleans())
def test_every_match_holds_a_needle_of_each_group(pattern: str, text: str, ignore_case: bool) -> None:
    """The soundness the screen rests on: wherever the regex matches, the text holds one needle of
    each group the parser's tree gave (so a text without them may be skipped)."""
    compiled = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    groups = needle_groups(compiled)
    haystack = text.lower() if ignore_case else text
    if compiled.search(text):
        assert all(any(needle in haystack for needle in group) for group in groups), groups
