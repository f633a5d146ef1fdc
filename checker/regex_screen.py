"""A substring test in front of a regular expression: skip the regex when it cannot match.

Detectors and fact extractors run a dozen regexes over every sentence of every policy; most
sentences contain none of the words those regexes are about, yet Python's ``re`` tries each
pattern at every character. Every match of ``\\bnot\\s+(?:be\\s+)?liable`` contains "not", so a
sentence without "not" can be skipped with one ``in`` test (C speed, no regex state machine).

:func:`needles` derives those required substrings from the compiled pattern's parse tree, so
they cannot drift from the pattern: a sequence needs any one of its required parts, an
alternation needs one of each branch's, a repeat needs its body only if it repeats at least once.
Anything it cannot reason about (lookarounds, classes, back-references) gives no needle, and the
regex then always runs. Case-insensitive patterns compare lower-cased ASCII text only, because
Unicode case folding ("ſ" matches "s") is wider than ``str.lower``.
"""

from __future__ import annotations

import bisect
import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Iterator, Sequence

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective choice: the longest shortest needle, then the fewest needles."""
    if not options:
        return None
    return max(options, key=lambda o: (min(map(len, o)), -len(o)))


def _required(items: Any, ignore_case: bool) -> frozenset[str] | None:
    """Substrings one of which every match of the node sequence ``items`` contains, or None."""
    options: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            text = "".join(run)
            options.append(frozenset({text.lower() if ignore_case else text}))
            run.clear()

    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        flush()
        found: frozenset[str] | None = None
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            if not (add_flags | del_flags) & re.IGNORECASE:  # a local case switch: not reasoned about
                found = _required(body, ignore_case)
        elif op is sre.BRANCH:
            branches = [_required(b, ignore_case) for b in av[1]]
            if all(b is not None for b in branches):
                found = frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            found = _required(av[2], ignore_case)
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            found = _required(av, ignore_case)
        if found:
            options.append(found)
    flush()
    return _best(options)


def needles(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Substrings one of which every match of ``pattern`` contains (lower-case if it ignores case)."""
    if pattern.flags & re.VERBOSE:
        return None  # the parser needs the same flags; keep the screen to plain patterns
    found = _required(sre_parse.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.IGNORECASE))
    if found is None or "" in found:
        return None
    if pattern.flags & re.IGNORECASE and not all(n.isascii() for n in found):
        return None  # "ſ" matches "s" when ignoring case: a non-ASCII needle proves nothing
    # "keep" already finds every text "keeps" would: test the shortest only
    return frozenset(n for n in found if not any(m != n and m in n for m in found))


_last_lowered: tuple[str, str] = ("", "")


def _lower(text: str) -> str:
    """``text.lower()``, remembered for the last text: detectors try several patterns in a row on
    the same sentence. (One tuple, swapped whole: safe if threads share it.)"""
    global _last_lowered
    last = _last_lowered
    if last[0] is text:
        return last[1]
    lowered = text.lower()
    _last_lowered = (text, lowered)
    return lowered


class Screened:
    """A compiled regex that first checks, with plain ``in`` tests, that it could match at all.

    Behaves like the pattern for ``search`` and ``finditer``; same results, faster
    on text that lacks every needle.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._needles: tuple[str, ...] | None = None  # worked out on first use: imports stay cheap
        self._ignore_case = bool(pattern.flags & re.IGNORECASE)

    @property
    def needles(self) -> tuple[str, ...]:
        """The substrings one of which every match contains (empty: no screen)."""
        if self._needles is None:
            self._needles = tuple(sorted(needles(self.pattern) or ()))
        return self._needles

    @property
    def ignores_case(self) -> bool:
        return self._ignore_case

    def could_match(self, text: str) -> bool:
        """False only when no match is possible (no needle occurs in ``text``)."""
        if not self.needles:
            return True
        if self._ignore_case:
            if not text.isascii():
                return True
            text = _lower(text)
        for needle in self.needles:
            if needle in text:
                return True
        return False

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
        self._unscreenable: list[int] | None = None

    def _text(self, lowered: bool) -> tuple[str, list[int]]:
        """The texts joined (lower-cased one by one: lowering can change a text's length), and
        where each starts."""
        found = self._joined.get(lowered)
        if found is None:
            pieces = [t.lower() for t in self._texts] if lowered else list(self._texts)
            starts, offset = [], 0
            for piece in pieces:
                starts.append(offset)
                offset += len(piece) + 1
            found = self._joined[lowered] = ("\0".join(pieces), starts)
        return found

    def candidates(self, pattern: Screened) -> list[int]:
        """Indices, in order, of the texts ``pattern`` could match (all when it has no needles)."""
        key = id(pattern)
        found = self._found.get(key)
        if found is not None:
            return found
        needles = pattern.needles
        if not needles:
            found = list(range(len(self._texts)))
        else:
            text, starts = self._text(pattern.ignores_case)
            hits: set[int] = set()
            for needle in needles:
                at = text.find(needle)
                while at >= 0:
                    k = bisect.bisect_right(starts, at) - 1
                    hits.add(k)
                    if k + 1 >= len(starts):
                        break
                    at = text.find(needle, starts[k + 1])
            if pattern.ignores_case:  # could_match does not screen non-ASCII text ignoring case
                if self._unscreenable is None:
                    self._unscreenable = [i for i, t in enumerate(self._texts) if not t.isascii()]
                hits.update(self._unscreenable)
            found = sorted(hits)
        self._found[key] = found
        return found

    def any_of(self, *patterns: Screened) -> list[int]:
        """Texts at least one of ``patterns`` could match, in order."""
        if len(patterns) == 1:
            return self.candidates(patterns[0])
        return sorted(set().union(*(self.candidates(p) for p in patterns)))

    def all_of(self, *patterns: Screened) -> list[int]:
        """Texts every one of ``patterns`` could match, in order."""
        found = set(self.candidates(patterns[0]))
        for pattern in patterns[1:]:
            found.intersection_update(self.candidates(pattern))
        return sorted(found)
