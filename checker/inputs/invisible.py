"""Characters a reader never sees, taken out of block text before anything reads it.

A soft hyphen (U+00AD, HTML ``&shy;``) marks where a word may be broken at a line end; pages and
word processors scatter them through long words ("opt\u00adout", "industry\u00adstandard"), and a rule
that looks for "opt-out" or "standard" then finds a different token. Zero-width spaces, word joiners
and byte-order marks inside text are the same kind of noise. Removing them keeps every other
character, so link spans and line starts only shift left past what was removed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from checker.models import Block, Link

_INVISIBLE_CHARS = "\u00ad\u200b\u2060\ufeff"  # soft hyphen, zero-width space, word joiner, byte-order mark
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_DROP = {ord(c): None for c in _INVISIBLE_CHARS}


def _shift(offset: int, removed: list[int]) -> int:
    """``offset`` in the old text -> the same place in the text with ``removed`` (ascending) taken out."""
    return offset - bisect_left(removed, offset)


def drop_invisible(blocks: Iterable[Block]) -> list[Block]:
    """The blocks with soft hyphens and zero-width characters removed from their text."""
    out = []
    for block in blocks:
        removed = [m.start() for m in _INVISIBLE.finditer(block.text)]
        if not removed:
            out.append(block)
            continue
        if len(removed) == len(block.text):
            continue  # nothing left to read
        links = tuple(Link(link.text.translate(_DROP), link.target, _shift(link.start, removed), _shift(link.end, removed))
                      for link in block.links)
        starts = tuple(_shift(start, removed) for start in block.line_starts)
        out.append(block._replace(text=_INVISIBLE.sub("", block.text), line_starts=starts, links=links))
    return out
