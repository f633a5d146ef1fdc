"""The needle screen in front of detector and fact regexes never changes what they find."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import checker.analysis.detectors
import checker.analysis.facts
import checker.analysis.placeholders
from checker.analysis.regex_screen import Screened, SentenceScreen, fold, needles
from checker.inputs.loader import read_policy

from .conftest import SEEDS, SHARED

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def _screened_patterns() -> list[Screened]:
    found: list[Screened] = []
    for module in (checker.analysis.detectors, checker.analysis.facts, checker.analysis.placeholders):
        for value in vars(module).values():
            items = value if isinstance(value, list) else [value]
            found.extend(v for v in items if isinstance(v, Screened))
    # the patterns inside the regex detectors
    for detector in checker.analysis.detectors.DETECTORS.values():
        for cell in detector.__closure__ or ():
            contents = cell.cell_contents
            if isinstance(contents, list) and contents and all(isinstance(v, Screened) for v in contents):
                found.extend(contents)
    return found


PATTERNS = _screened_patterns()


@pytest.mark.parametrize("pattern, expected", [
    (r"\bnot\s+(?:be\s+)?liable", {"liable"}),  # the longer of two required words
    (r"\b(?:keep|keeps|retain)\b", {"keep", "retain"}),  # "keeps" contains "keep"
    (r"(?:ab|cd)+x?", {"ab", "cd"}),
    (r"a?b*", None),  # may match the empty string
    (r"(?:foo|\d+)bar", {"bar"}),  # one branch has no literal: the next part is required instead
    (r"(?=abc)\w+", None),  # lookarounds are not reasoned about
    (r"(?i:Secret)", None),  # a local case switch neither
])
def test_needles_are_what_every_match_must_contain(pattern: str, expected: set[str] | None) -> None:
    found = needles(re.compile(pattern))
    assert (set(found) if found is not None else None) == expected


def test_case_insensitive_needles_are_lower_case_and_ascii_only() -> None:
    assert needles(re.compile(r"Liable\s+FOR", re.IGNORECASE)) == {"liable"}
    # "ſ" (long s) matches "s" when ignoring case, so a non-ASCII needle proves nothing
    assert needles(re.compile("ſtore", re.IGNORECASE)) is None
    screen = Screened(re.compile("store", re.IGNORECASE))
    assert screen.search("we ſtore data") is not None  # non-ASCII text always reaches the regex
    assert screen.search("we keep data") is None


def test_the_screen_covers_the_per_sentence_regexes() -> None:
    assert len(PATTERNS) >= 25
    assert sum(1 for p in PATTERNS if p.needles) >= 20


def _sentences_of_real_policies() -> list[str]:
    files = sorted(p for p in SEEDS.iterdir() if p.suffix in (".md", ".txt")) + sorted(PAGES.glob("*.html"))
    for folder in (SHARED / "modern-dev", SHARED / "opp115-dev" / "policies"):
        if folder.is_dir():
            files += sorted(folder.iterdir())[:12]
    texts: list[str] = []
    for path in files:
        texts.extend(block.text for block in read_policy(path).blocks)
    return texts


def test_screened_and_plain_regexes_agree_on_real_policies() -> None:
    texts = _sentences_of_real_policies()
    hits = 0
    for screen in PATTERNS:
        for text in texts:
            expected = [m.span() for m in screen.pattern.finditer(text)]
            assert [m.span() for m in screen.finditer(text)] == expected, (screen.pattern.pattern, text)
            hits += bool(expected)
    assert hits > 100  # the comparison saw matches, not only misses


_WORDS = sorted({n for p in PATTERNS for n in p.needles} | {"we", "you", "data", "13", "years", "of", "the", "not",
                                                             "for", "any", "damages", "Street", "NY 10001", "."})


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=6), max_size=25))
def test_screened_and_plain_regexes_agree_on_word_soup(words: list[str]) -> None:
    text = " ".join(words)
    for screen in PATTERNS:
        assert (screen.search(text) is None) == (screen.pattern.search(text) is None), (screen.pattern.pattern, text)


def _screen_agrees(texts: list[str]) -> int:
    """SentenceScreen lists exactly the texts each pattern's own screen lets through."""
    screen = SentenceScreen(texts)
    let_through = 0
    for pattern in PATTERNS:
        expected = [i for i, text in enumerate(texts) if pattern.could_match(text)]
        assert screen.candidates(pattern) == expected, pattern.pattern.pattern
        let_through += len(expected)
    # and what the detectors take as the sentences a pattern can match in
    for first, second in zip(PATTERNS, PATTERNS[1:]):
        assert screen.any_of(first, second) == sorted(set(screen.candidates(first)) | set(screen.candidates(second)))
        assert screen.all_of(first, second) == sorted(set(screen.candidates(first)) & set(screen.candidates(second)))
    return let_through


def test_sentence_screen_finds_the_same_sentences_on_real_policies() -> None:
    texts = _sentences_of_real_policies()
    assert 0 < _screen_agrees(texts) < len(texts) * len(PATTERNS) // 2  # it screens, and lets matches through


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDS + ["\u0130", "\u1e9e", "NOT", "\u017f", "\u212a", "\u0131", "\u201c"]) | st.text(max_size=6),
                         max_size=12).map(" ".join), max_size=8))
@example(["\u0130" * 10, "We are not liable for any damages.", "yyyyyy"])
def test_sentence_screen_finds_the_same_sentences_in_generated_texts(texts: list[str]) -> None:
    # "\u0130" (I with dot) lower-cases to two characters: offsets of later texts must still hold
    _screen_agrees(texts)


_EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


def test_fold_keeps_every_case_insensitive_match_of_ascii_and_the_length() -> None:
    folded = fold(_EVERY_CHARACTER)
    assert len(folded) == len(_EVERY_CHARACTER)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for m in re.finditer(letter, _EVERY_CHARACTER, re.IGNORECASE):
            assert folded[m.start()] == letter, hex(ord(m.group()))


def test_non_ascii_needle_characters_match_only_themselves_ignoring_case() -> None:
    used = {ch for p in PATTERNS if p.ignores_case for group in p.groups for n in group for ch in n if not ch.isascii()}
    assert used  # curly quotes in the quoted-title pattern
    for ch in used:
        assert re.findall(re.escape(ch), _EVERY_CHARACTER, re.IGNORECASE) == [ch]
