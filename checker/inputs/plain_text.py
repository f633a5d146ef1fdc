"""Plain text (and PDF pages' text) -> blocks: one block a paragraph, title-like lines as headings."""

from __future__ import annotations

import re
from typing import Any

from checker.inputs.provenance import split_provenance
from checker.models import Block, BlockKind


def strip_tags(html: str) -> str:
    """Markup without its tags (raw HTML inside Markdown; pages too deeply nested to parse)."""
    return re.sub(r"<[^>]+>", " ", html)


_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2013]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\([ivx]+\))\s+")
_SENTENCE_END = (".", ";", ",", "!")


def looks_like_heading(line: str, next_line: str | None) -> bool:
    stripped = line.strip()
    words = stripped.split()
    if not words or len(words) > 12 or len(stripped) > 90:
        return False
    if stripped.endswith(_SENTENCE_END) or not any(ch.isalpha() for ch in stripped):
        return False
    if not (stripped[0].isupper() or stripped[0].isdigit()):
        return False
    if stripped.isupper() and len(stripped) > 2:
        return True
    # A heading introduces a longer text; a question heading ("What about cookies?") counts.
    return next_line is not None and len(next_line.strip()) > len(stripped)


def load_text(text: str, wrapped: bool = False, page: int | None = None) -> tuple[list[Block], dict[str, Any]]:
    """Plain text -> blocks: one block per line, short title-like lines become headings.

    Lines that continue a sentence (previous line has no final punctuation, this one starts in
    lower case) are joined so hard-wrapped text still yields whole sentences.
    """
    lines = text.splitlines()
    blocks: list[Block] = []
    metadata: dict[str, Any] = {}
    pending: list[tuple[int, str]] = []

    def flush() -> None:
        if not pending:
            return
        first_line = pending[0][0]
        parts: list[str] = []
        starts: list[int] = []
        offset = 0
        for _, piece in pending:
            piece = " ".join(piece.split())
            starts.append(offset)
            parts.append(piece)
            offset += len(piece) + 1
        joined = " ".join(parts)
        kind = BlockKind.LIST_ITEM if _BULLET.match(pending[0][1]) else BlockKind.PARAGRAPH
        if kind is BlockKind.LIST_ITEM:
            bullet = _BULLET.match(joined)
            cut = len(bullet.group(0)) if bullet else 0
            joined = joined[cut:]
            starts = [max(0, s - cut) for s in starts]
        blocks.append(Block(kind, joined, first_line, tuple(starts), page=page))
        pending.clear()

    nonblank = [(i, text) for i, text in enumerate(lines) if text.strip()]
    next_of = {nonblank[k][0]: nonblank[k + 1][1] if k + 1 < len(nonblank) else None for k in range(len(nonblank))}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            flush()
            continue
        if not blocks and not pending and not metadata:
            meta, cut = split_provenance(line)
            if meta:
                metadata.update(meta)
                line = line[cut:]  # the policy may go on on the note's own line
                if not line.strip():
                    continue
        if looks_like_heading(line, next_of.get(number - 1)) and not _BULLET.match(line):
            flush()
            blocks.append(Block(BlockKind.HEADING, " ".join(line.split()), number, (0,), 2, page=page))
            continue
        # A line continues the previous one when that one did not end a sentence and this one starts in
        # lower case; in wrapped text (PDF), whatever the case, as lines are broken by width.
        continues = (pending and not pending[-1][1].rstrip().endswith((".", "!", "?", ":", ";"))
                     and (wrapped or line.lstrip()[:1].islower()) and not _BULLET.match(line))
        if pending and not continues:
            flush()
        pending.append((number, line))
    flush()
    return blocks, metadata
