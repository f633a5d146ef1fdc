"""spaCy's tokenizer affix rules, each string tried only against the rules that can apply to it.

spaCy splits every new chunk of text (a run between spaces) with three regexes built from its
language's rule lists: prefixes (``^rule1|^rule2|...``), suffixes (``rule1$|rule2$|...``, 260
rules for English) and infixes (``rule1|rule2|...``). Python's ``re`` cannot see that a suffix
must end at the string's last character, so ``search`` tries every rule at every position: about
7 µs for a word such as "information", and as much again for the infix regex, on every chunk the
tokenizer has not cached (its cache stops at 10,000 chunks). That was a fifth of tokenising.

What a rule can match is written in its parse tree. A suffix match ends at the string's last
character, so only rules whose last character can be that one can match; a prefix match starts
at the first character; an infix match starts at a character its first position allows, and no
English infix can start with a letter or a digit. :class:`AffixSearch` reads, once per rule, which
characters its edge can be (conservatively: anything it cannot reason about allows every
character), and answers each string with the alternation of the rules left for its edge
character, in the original order, compiled once per distinct set of rules. The result is the
same match (same start and end) as the full regex's, because a dropped rule could not match and
the kept ones are tried in the same order; the tests compare tokens with the stock tokenizer.

The objects keep the full regex's source as ``pattern``, so a tokenizer serialised with them
(``to_bytes``, ``to_disk``) writes spaCy's own rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from typing import Any

from checker.regex_tree import Unsupported, parse

_ZERO_WIDTH = {"AT", "ASSERT"}
_WIDENING = re.IGNORECASE | re.MULTILINE
"""Global flags under which a literal matches more than itself, or ^ and $ match inside a string:
rules compiled with them are left to the full regex."""


class EdgeChars:
    """The characters a rule's match can start (or end) with: single code points and ranges of
    them, or ``everything`` when the rule is beyond this reasoning. Errs towards too many."""

    def __init__(self, singles: frozenset[int] = frozenset(), ranges: tuple[tuple[int, int], ...] = (),
                 everything: bool = False) -> None:
        self.singles = singles
        self.ranges = ranges
        self.everything = everything

    def __or__(self, other: EdgeChars) -> EdgeChars:
        if self.everything or other.everything:
            return ANY_CHAR
        return EdgeChars(self.singles | other.singles, self.ranges + other.ranges)

    def allows(self, char: str) -> bool:
        code = ord(char)
        return self.everything or code in self.singles or any(low <= code <= high for low, high in self.ranges)

    def regex(self) -> re.Pattern[str] | None:
        """A one-character class matching these characters (None for ``everything``)."""
        if self.everything:
            return None
        parts = [re.escape(chr(code)) for code in sorted(self.singles)]
        parts += [f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in self.ranges]
        return re.compile(f"[{''.join(parts)}]") if parts else re.compile("(?!)")

    def allows_alnum(self) -> bool:
        """Whether a letter or digit (``str.isalnum``) is among the characters."""
        if self.everything:
            return True
        return (any(chr(code).isalnum() for code in self.singles)
                or any(chr(code).isalnum() for low, high in self.ranges for code in range(low, high + 1)))


ANY_CHAR = EdgeChars(everything=True)


def _class_chars(items: Any) -> EdgeChars:
    """The characters the character class ``items`` (``[...]``) matches."""
    singles: set[int] = set()
    ranges: list[tuple[int, int]] = []
    for op, av in items:
        if op == "LITERAL":
            singles.add(av)
        elif op == "RANGE":
            ranges.append(av)
        else:  # anything else: do not reason about it
            return ANY_CHAR
    return EdgeChars(frozenset(singles), tuple(ranges))


def edge_chars(items: Any, last: bool) -> EdgeChars:
    """The characters every string the node sequence ``items`` matches may have first (or, with
    ``last``, last). Zero-width nodes (anchors, lookarounds) are stepped over."""
    nodes = [node for node in items if node[0] not in _ZERO_WIDTH]
    if not nodes:
        return ANY_CHAR  # matches the empty string: no edge character to test
    op, av = nodes[-1] if last else nodes[0]
    if op == "LITERAL":
        return EdgeChars(frozenset({av}))
    if op == "IN":
        return _class_chars(av)
    if op == "GROUP":
        # (?i:...) inside a rule: its letters match other cases (and "k" the Kelvin sign)
        return ANY_CHAR if av[0] & re.IGNORECASE else edge_chars(av[2], last)
    if op == "ATOMIC":
        return edge_chars(av, last)
    if op == "BRANCH":
        found = EdgeChars()
        for branch in av:
            found = found | edge_chars(branch, last)
        return found
    if op == "REPEAT" and av[0] >= 1:
        return edge_chars(av[2], last)
    return ANY_CHAR  # NOT_LITERAL, ANY, optional repeats, back-references...


def _rule_edge(rule: str, flags: int, last: bool) -> EdgeChars:
    """The characters a rule's match can start (``last``: end) with; every one when unsure."""
    try:
        return edge_chars(parse(rule, flags), last)
    except Unsupported:
        return ANY_CHAR


def _anchored(pattern: str, flags: int, last: bool) -> bool:
    """Whether every match of ``pattern`` is pinned to the string's start (end, with ``last``):
    its top level (a single branch) begins with ``^`` (ends with ``$``)."""
    try:
        items = parse(pattern, flags)
    except Unsupported:
        return False
    if not items:
        return False
    op, av = items[-1] if last else items[0]
    return op == "AT" and av == ("end" if last else "begin")


class AffixSearch:
    """A drop-in for one of a tokenizer's affix regexes (``search`` for prefixes and suffixes,
    ``finditer`` for infixes), trying each string against the rules its edge character allows.

    ``rules`` are the regex sources as the full pattern joins them (each prefix with its ``^``,
    each suffix with its ``$``); ``edge`` is "first" (prefixes, infixes: a match starts at the
    first character, or for infixes at any character) or "last" (suffixes).
    """

    def __init__(self, full: re.Pattern[str], rules: Sequence[str], edge: str) -> None:
        self._full = full
        self.pattern = full.pattern  # what spaCy serialises
        self.flags = full.flags
        self._rules = list(rules)
        self._last = edge == "last"
        self._edges = [_rule_edge(rule, full.flags, self._last) for rule in self._rules]
        self._for_char: dict[str, re.Pattern[str] | None] = {}
        self._for_rules: dict[tuple[int, ...], re.Pattern[str] | None] = {}

    def regex_for(self, char: str) -> re.Pattern[str] | None:
        """The alternation of the rules whose edge can be ``char`` (None when none can)."""
        found = self._for_char.get(char, False)
        if found is not False:
            return found  # type: ignore[return-value]
        kept = tuple(n for n, edge in enumerate(self._edges) if edge.allows(char))
        if kept not in self._for_rules:
            self._for_rules[kept] = (re.compile("|".join(self._rules[n] for n in kept), self.flags)
                                     if kept else None)
        found = self._for_char[char] = self._for_rules[kept]
        return found

    def search(self, string: str) -> re.Match[str] | None:
        """What ``full.search(string)`` finds, for a prefix or suffix regex."""
        if not string:
            return self._full.search(string)
        char = string[-1] if self._last else string[0]
        if char == "\n":  # "$" also matches before a final newline: the edge is not the last character
            return self._full.search(string)
        regex = self.regex_for(char)
        return regex.search(string) if regex is not None else None

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        """What ``full.finditer(string)`` finds, for an infix regex: nothing at all in a string
        with no character a rule can start with (one scan for a character class; a string of
        letters and digits is not even scanned when no rule can start with one)."""
        if string.isalnum() and not self._starts_alnum:
            return iter(())
        if self._starts is not None and self._starts.search(string) is None:
            return iter(())
        return self._full.finditer(string)

    @cached_property
    def _starts_alnum(self) -> bool:
        return any(edge.allows_alnum() for edge in self._edges)

    @cached_property
    def _starts(self) -> re.Pattern[str] | None:
        union = EdgeChars()
        for edge in self._edges:
            union = union | edge
        return union.regex()


def prefix_search(rules: Sequence[str]) -> Callable[[str], re.Match[str] | None] | None:
    """spaCy's ``compile_prefix_regex(rules).search``, trying only the rules a string's first
    character allows; spaCy's own when a rule is not pinned to the start."""
    return _affix_search([f"^{rule}" for rule in rules if rule.strip()], "first")


def suffix_search(rules: Sequence[str]) -> Callable[[str], re.Match[str] | None] | None:
    """spaCy's ``compile_suffix_regex(rules).search``, trying only the rules a string's last
    character allows; spaCy's own when a rule is not pinned to the end."""
    return _affix_search([f"{rule}$" for rule in rules if rule.strip()], "last")


def _affix_search(rules: list[str], edge: str) -> Callable[[str], re.Match[str] | None] | None:
    if not rules:
        return None
    full = re.compile("|".join(rules))
    if full.flags & _WIDENING or not all(_anchored(rule, full.flags, edge == "last") for rule in rules):
        return full.search
    return AffixSearch(full, rules, edge).search


def infix_finditer(rules: Sequence[str]) -> Callable[[str], Iterator[re.Match[str]]] | None:
    """spaCy's ``compile_infix_regex(rules).finditer``, skipping strings that hold no character a
    rule can start with (spaCy's own when a rule can start with anything)."""
    kept = [rule for rule in rules if rule.strip()]
    if not kept:
        return None
    full = re.compile("|".join(kept))
    if full.flags & _WIDENING:
        return full.finditer
    finder = AffixSearch(full, kept, "first")
    return finder.finditer if finder._starts is not None else full.finditer
