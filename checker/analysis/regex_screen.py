"""A substring test in front of a regular expression: skip the regex when it cannot match.

Detectors and fact extractors run a dozen regexes over every sentence of every policy; most
sentences contain none of the words those regexes are about, yet Python's ``re`` tries each
pattern at every character. Every match of ``\\bnot\\s+(?:be\\s+)?liable`` contains "not", so a
sentence without "not" can be skipped with one ``in`` test (C speed, no regex state machine).

:func:`needles` derives those required substrings from the compiled pattern's parse tree, so
they cannot drift from the pattern: a sequence needs each of its required parts (one needle set
each, :func:`needle_groups`), an alternation needs one of each branch's, a repeat needs its body
only if it repeats at least once, a class of plain characters one of them. Anything it cannot
reason about (lookarounds, ranges, back-references) gives no needle, and the regex then always
runs. Case-insensitive patterns compare :func:`fold`-ed text, because Unicode case folding ("ſ"
matches "s") is wider than ``str.lower``; needles with non-ASCII letters are not used.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from typing import Any

from checker.regex_tree import Unsupported, parse

_LETTER_SHARE = dict(zip("etaoinshrdlucmwfygpbvkxjqz", (
    .104, .073, .065, .062, .057, .057, .052, .050, .049, .034, .033, .023, .022, .020, .017, .017, .015, .016,
    .015, .012, .008, .006, .001, .001, .001, .001)))
"""Share of each lower-case letter among the characters of English prose (spaces included)."""


def _share(char: str) -> float:
    """Roughly how often ``char`` stands at a given place in an English policy."""
    found = _LETTER_SHARE.get(char)
    if found is not None:
        return found
    if char.isupper():
        return 0.1 * _LETTER_SHARE.get(char.lower(), 0.001)
    return 0.17 if char == " " else 0.01 if char in ".,0123456789" else 0.002


_POLICY_WORDS = frozenset({"policy", "privacy", "notice", "statement", "terms", "information", "data", "personal",
                           "service", "services", "site", "website", "access", "use", "process", "collect", "share"})
"""Words a privacy policy holds in most of its sentences, whatever their letters say: a needle set
of them screens nothing out ("policy" ranked above "updated" / "revised" by its letters)."""


def _expected_hits(needles: frozenset[str]) -> float:
    """How often one of ``needles`` would turn up per character of English text, if characters
    were independent: a rough price of testing the set (each text holding one is read further)."""
    total = 0.0
    for needle in needles:
        if needle.lower() in _POLICY_WORDS:
            total += 0.005
            continue
        chance = 1.0
        for char in needle:
            chance *= _share(char)
        total += chance
    return total


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective choice: the needles least likely to turn up in English text. Length
    alone ranked "in", "to", "see" (every sentence holds one) above a pair of quote marks."""
    if not options:
        return None
    return min(options, key=lambda o: (_expected_hits(o), -min(map(len, o)), len(o)))


def _required(items: Any, ignore_case: bool) -> frozenset[str] | None:
    """Substrings one of which every match of the node sequence ``items`` contains, or None."""
    return _best(_options(items, ignore_case))


def _options(items: Any, ignore_case: bool) -> list[frozenset[str]]:
    """Needle sets of the node sequence ``items``: every match contains a needle of each set."""
    options: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            text = "".join(run)
            options.append(frozenset({text.lower() if ignore_case else text}))
            run.clear()

    for op, av in items:
        if op == "LITERAL":
            run.append(chr(av))
            continue
        flush()
        found: frozenset[str] | None = None
        if op == "GROUP":
            add_flags, del_flags, body = av
            if not (add_flags | del_flags) & re.IGNORECASE:  # a local case switch: not reasoned about
                found = _required(body, ignore_case)
        elif op == "BRANCH":
            branches = [_required(b, ignore_case) for b in av]
            if all(b is not None for b in branches):
                found = frozenset().union(*branches)  # type: ignore[arg-type]
        elif op == "REPEAT" and av[0] >= 1:
            found = _required(av[2], ignore_case)
        elif op == "ATOMIC":
            found = _required(av, ignore_case)
        elif op == "IN" and av and all(kind == "LITERAL" for kind, _ in av):  # ["\u201c]: one of these
            found = frozenset(chr(code).lower() if ignore_case else chr(code) for _, code in av)
        if found:
            options.append(found)
    flush()
    return options


def _caseless_safe(needle: str) -> bool:
    """Can a lower-cased text hold every case-insensitive match of ``needle`` as written? Yes for
    ASCII and for characters with no case at all (quotes, dashes)."""
    return all(ch.isascii() or (not ch.isalpha() and ch.lower() == ch == ch.upper()) for ch in needle)


def needles(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Substrings one of which every match of ``pattern`` contains (lower-case if it ignores case)."""
    groups = needle_groups(pattern)
    return groups[0] if groups else None


def needle_groups(pattern: re.Pattern[str]) -> list[frozenset[str]]:
    """Sets of substrings such that every match of ``pattern`` contains one of each set, most
    selective first: "address" and "below" are both in every match of ``address\\s+below``."""
    if pattern.flags & re.VERBOSE:
        return []  # the parser needs the same flags; keep the screen to plain patterns
    ignore_case = bool(pattern.flags & re.IGNORECASE)
    groups = []
    try:
        tree = parse(pattern.pattern, pattern.flags)
    except Unsupported:
        return []
    for found in _options(tree, ignore_case):
        if "" in found or (ignore_case and not all(_caseless_safe(n) for n in found)):
            continue  # "ſ" matches "s" when ignoring case: a non-ASCII letter proves nothing
        # "keep" already finds every text "keeps" would: test the shortest only
        groups.append(frozenset(n for n in found if not any(m != n and m in n for m in found)))
    best = _best(groups)
    return [best] + [g for g in groups if g is not best] if best else []


_last_lowered: tuple[str, str] = ("", "")


_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
"""The only characters outside ASCII that ``re.IGNORECASE`` matches to an ASCII letter (a test
checks every code point), mapped to it; what ``str.lower`` does to them differs ("İ" -> "i̇")."""


_FOLDABLE = "".join(map(chr, _FOLD))
"""The characters :data:`_FOLD` maps."""


def fold(text: str) -> str:
    """``text`` lower-cased so that it holds, as written, every lower-case ASCII string that
    ``re.IGNORECASE`` finds in ``text``; same length as ``text``."""
    # four substring tests: a character-class regex over a policy took longer than lower() itself
    if text.isascii() or not any(char in text for char in _FOLDABLE):
        return text.lower()
    return text.translate(_FOLD).lower()


def _lower(text: str) -> str:
    """:func:`fold`, remembered for the last text: detectors try several patterns in a row on
    the same sentence. (One tuple, swapped whole: safe if threads share it.)"""
    global _last_lowered
    last = _last_lowered
    if last[0] is text:
        return last[1]
    lowered = fold(text)
    _last_lowered = (text, lowered)
    return lowered


class Screened:
    """A compiled regex that first checks, with plain ``in`` tests, that it could match at all.

    Behaves like the pattern for ``search`` and ``finditer``; same results, faster
    on text that lacks every needle.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._groups: tuple[tuple[str, ...], ...] | None = None  # worked out on first use: imports stay cheap
        self._ignore_case = bool(pattern.flags & re.IGNORECASE)

    @property
    def groups(self) -> tuple[tuple[str, ...], ...]:
        """Needle sets, most selective first: every match contains a needle of each (empty: no screen)."""
        if self._groups is None:
            self._groups = tuple(tuple(sorted(group)) for group in needle_groups(self.pattern))
        return self._groups

    @property
    def needles(self) -> tuple[str, ...]:
        """The most selective needle set: every match contains one of them (empty: no screen)."""
        return self.groups[0] if self.groups else ()

    @property
    def ignores_case(self) -> bool:
        return self._ignore_case

    def could_match(self, text: str) -> bool:
        """False only when no match is possible (no needle occurs in ``text``)."""
        groups = self.groups
        if not groups:
            return True
        if self._ignore_case:
            text = _lower(text)
        for group in groups:
            for needle in group:
                if needle in text:
                    break
            else:
                return False
        return True

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        return self.pattern.search(text, *args) if self.could_match(text) else None

    def finditer(self, text: str, *args: int) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text, *args) if self.could_match(text) else iter(())


def screened(pattern: str, flags: int = 0) -> Screened:
    """``re.compile`` with a needle screen in front."""
    return Screened(re.compile(pattern, flags))


class SentenceScreen:
    """One document's sentence texts, searched once per needle instead of once per sentence.

    Testing every sentence with :meth:`Screened.could_match` is hundreds of thousands of small
    ``in`` tests per policy (detectors and facts try ~40 patterns on each sentence). Here the texts
    are joined once and each needle is found with ``str.find`` over the whole, at C speed, jumping
    to the next text after a hit. :meth:`candidates` gives exactly the texts for which
    ``could_match`` is true; callers then run the real pattern on those only.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = texts
        self._joined: dict[bool, tuple[str, list[int]]] = {}
        self._found: dict[int, list[int]] = {}
        self._needle_hits: dict[tuple[bool, str], set[int]] = {}  # patterns share needles ("consent", "agree")

    def _text(self, lowered: bool) -> tuple[str, list[int]]:
        """The texts joined (and folded if ``lowered``: :func:`fold` keeps lengths), and where each
        starts."""
        found = self._joined.get(lowered)
        if found is None:
            if lowered:
                text, starts = self._text(False)
                found = self._joined[lowered] = (fold(text), starts)
            else:
                starts, offset = [], 0
                for piece in self._texts:
                    starts.append(offset)
                    offset += len(piece) + 1
                found = self._joined[lowered] = ("\0".join(self._texts), starts)
        return found

    def candidates(self, pattern: Screened) -> list[int]:
        """Indices, in order, of the texts ``pattern`` could match (all when it has no needles)."""
        key = id(pattern)
        found = self._found.get(key)
        if found is not None:
            return found
        groups = pattern.groups
        if not groups:
            found = list(range(len(self._texts)))
        else:
            text, starts = self._text(pattern.ignores_case)
            hits: set[int] = set()
            for needle in groups[0]:
                hits |= self._texts_with(needle, pattern.ignores_case)
            if len(groups) > 1 and hits:  # the other needle sets: tested in the few texts left
                ends = starts[1:] + [len(text) + 1]
                hits = {k for k in hits if all(any(n in text[starts[k]:ends[k] - 1] for n in g) for g in groups[1:])}
            found = sorted(hits)
        self._found[key] = found
        return found

    def _texts_with(self, needle: str, lowered: bool) -> set[int]:
        """Indices of the texts holding ``needle``: one pass over the joined texts per needle and
        document, however many patterns test for it."""
        key = (lowered, needle)
        found = self._needle_hits.get(key)
        if found is None:
            text, starts = self._text(lowered)
            found = set()
            at = text.find(needle)
            while at >= 0:
                k = bisect.bisect_right(starts, at) - 1
                found.add(k)
                if k + 1 >= len(starts):
                    break
                at = text.find(needle, starts[k + 1])
            self._needle_hits[key] = found
        return found

    def any_of(self, *patterns: Screened) -> list[int]:
        """Texts at least one of ``patterns`` could match, in order."""
        if len(patterns) == 1:
            return self.candidates(patterns[0])
        return sorted(set().union(*(self.candidates(p) for p in patterns)))

    def all_of(self, *patterns: Screened) -> list[int]:
        """Texts every one of ``patterns`` could match, in order. Put the most selective pattern
        first: the others are then tried on its few texts only, not searched for everywhere."""
        found = self.candidates(patterns[0])
        for pattern in patterns[1:]:
            if not found:
                break
            if id(pattern) in self._found or len(found) * 4 > len(self._texts):
                kept = set(self.candidates(pattern))
                found = [i for i in found if i in kept]
            else:
                found = [i for i in found if pattern.could_match(self._texts[i])]
        return list(found)
