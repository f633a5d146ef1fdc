"""Inline text runs -> blocks: shared by the Markdown and the HTML loader.

A loader renders each block-level element (paragraph, list item, heading, table cell) to an
:class:`InlineText`: its text, where its source lines start, its links and its bold spans.
:func:`blocks_from_run` cuts that into :class:`Block` records, splitting off ``**Bold**`` lines and
numbered titles ("2. Your rights") as headings, so both formats agree on what a heading is.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from checker.models import Block, BlockKind, Link

HEADING_MAX_WORDS = 20

@dataclass
class InlineText:
    """Text of an inline run with the offsets where its source lines start, and its links."""

    text: str = ""
    line_starts: list[int] = field(default_factory=lambda: [0])
    links: list[Link] = field(default_factory=list)
    # (start, end) spans of text that was bold/strong, to recognise "**Heading**" lines.
    strong: list[tuple[int, int]] = field(default_factory=list)


def _clean_block(run: InlineText, start: int, end: int) -> tuple[str, tuple[int, ...], tuple[Link, ...], int]:
    """Cut ``run`` to [start, end), collapse whitespace, and re-map line starts and links.

    Returns (text, line_starts, links, first_line_index) where ``first_line_index`` is the index of
    the source line (relative to the run) the cleaned text starts on.
    """
    raw = run.text[start:end]
    text = " ".join(raw.split())  # str.split and str.isspace agree on what whitespace is
    if len(run.line_starts) == 1 and not run.links:  # most blocks: one line, no links
        return text, (0,), (), 0
    size = len(text)
    identical = text == raw  # one line of single spaces: offsets carry over unchanged

    def new_offset(raw_offset: int) -> int:
        # The text offset of the first kept character at or after raw_offset, where of each
        # whitespace run between two words only its first character is kept (as the space): the
        # collapsed length of what comes before, plus one for that space when raw_offset sits past
        # it on the next word. Worked out from the prefix alone (a block has a few line starts and
        # links), not from a table of every word's offsets, which cost a fifth of reading a file.
        if identical:
            return max(0, min(raw_offset, size))
        if raw_offset <= 0:
            return 0
        before = len(" ".join(raw[:raw_offset].split()))
        return before + 1 if 0 < before < size and raw[raw_offset - 1].isspace() else before

    line_starts = run.line_starts
    first_line = bisect.bisect_right(line_starts, start) - 1  # line_starts[0] is 0
    starts = [0]
    for s in line_starts[first_line + 1:]:
        if s - start >= len(raw):
            break
        starts.append(new_offset(s - start))
    links = []
    for link in run.links:
        if link.start >= start and link.end <= end:
            a, b = new_offset(link.start - start), new_offset(link.end - start)
            links.append(Link(text=text[a:b].strip(), target=link.target, start=a, end=b))
    return text, tuple(starts), tuple(links), first_line


def _strong_lines(run: InlineText) -> list[bool]:
    """For each source line of ``run``: is it a short, entirely bold line ("**Cookies**")?

    Such lines are headings in the many policies that mark sections with bold text instead of
    Markdown heading syntax; long bold sentences stay text.
    """
    result: list[bool] = []
    bounds = list(run.line_starts) + [len(run.text) + 1]
    for k in range(len(run.line_starts)):
        start, end = bounds[k], bounds[k + 1] - 1
        line = run.text[start:end]
        spans = [(s, e) for s, e in run.strong if s < end and e > start]
        # a bold sentence wrapped over several source lines makes each line bold, none a heading
        if not _heading_like(line.strip()) or any(
                (s < start or e > end) and not _heading_like(run.text[s:e]) for s, e in spans):
            result.append(False)
            continue
        covered = [False] * len(line)
        for s, e in spans:
            for i in range(max(start, s), min(e, end)):
                covered[i - start] = True
        result.append(any(covered) and all(c or ch.isspace() for c, ch in zip(covered, line)))
    return result


def _heading_like(text: str) -> bool:
    """Whether bold ``text`` is short enough to be a heading (and not a sentence)."""
    words = text.split()
    return 0 < len(words) <= HEADING_MAX_WORDS and not (text.rstrip().endswith((".", "!")) and len(words) > 6)


RUN_KINDS = {"heading": BlockKind.HEADING, "list_item": BlockKind.LIST_ITEM, "table_cell": BlockKind.TABLE_CELL}
"""Block kind of an inline run by where it sits (anything else is a paragraph)."""


def blocks_from_run(run: InlineText, line: int, where: str, heading_level: int) -> list[Block]:
    kind = RUN_KINDS.get(where, BlockKind.PARAGRAPH)
    if kind is not BlockKind.PARAGRAPH:
        text, starts, links, first = _clean_block(run, 0, len(run.text))
        return [block(kind, text, line + first, starts, links, heading_level)] if text else []
    if not run.strong:
        return _segment(run, 0, len(run.text), line, BlockKind.PARAGRAPH)
    # Split the paragraph wherever a whole line is bold: that line is a heading.
    out: list[Block] = []
    bold = _strong_lines(run)
    bounds = list(run.line_starts) + [len(run.text)]
    segment_start = 0
    for k, is_bold in enumerate(bold):
        if not is_bold:
            continue
        if bounds[k] > segment_start:
            out.extend(_segment(run, segment_start, bounds[k], line, BlockKind.PARAGRAPH))
        out.extend(_segment(run, bounds[k], bounds[k + 1], line, BlockKind.HEADING))
        segment_start = bounds[k + 1]
    if segment_start < len(run.text):
        out.extend(_segment(run, segment_start, len(run.text), line, BlockKind.PARAGRAPH))
    return out


MIN_LINE_LIST_LINES = 3
MIN_LINE_LIST_WORDS = 4
_CONTINUES = frozenset({"and", "or", "the", "a", "an", "of", "to", "in", "for", "with", "by", "on", "at", "from",
                        "our", "your", "their", "its", "is", "are", "be", "that", "which", "as", "such", "than"})


def is_line_list(run: InlineText) -> bool:
    """Whether a paragraph's lines are items written one per line without list markers ("We process
    your data for these purposes:" / "To provide the app" / "To send you updates" ...): Markdown joins
    them into one run-on sentence, so a right, a purpose or a slot in one line spoke for all of
    them. Hard-wrapped prose is told apart by its lines: some start in lower case, or end where a
    sentence cannot ("of", "the", a comma); a list's lines each start with a capital and are whole.
    Lines of two or three words (an address block) stay one block."""
    bounds = list(run.line_starts) + [len(run.text)]
    if len(bounds) - 1 < MIN_LINE_LIST_LINES:
        return False
    for k in range(len(bounds) - 1):
        words = run.text[bounds[k]:bounds[k + 1]].split()
        if not words or not (words[0][0].isupper() or words[0][0].isdigit()):
            return False
        last = k == len(bounds) - 2
        if not last and (len(words) < MIN_LINE_LIST_WORDS or words[-1][-1] in ",;:-"
                         or words[-1].lower() in _CONTINUES):
            return False
    return True


def line_blocks(run: InlineText, line: int, kind: BlockKind) -> list[Block]:
    """One block of ``kind`` per source line of ``run``."""
    bounds = list(run.line_starts) + [len(run.text)]
    return [b for k in range(len(bounds) - 1) for b in _segment(run, bounds[k], bounds[k + 1], line, kind)]


_NUMBERED_TITLE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.|[A-H]\.)\s+[A-Z\u00c0-\u024f]")


def looks_like_numbered_title(text: str) -> bool:
    """"9. What are your rights?" written as a plain line: a section title, not a sentence."""
    words = text.split()
    return (2 <= len(words) <= 20 and bool(_NUMBERED_TITLE.match(text))
            and not text.rstrip().endswith((".", ";", ",", ":")))


def _segment(run: InlineText, start: int, end: int, line: int, kind: BlockKind) -> list[Block]:
    text, starts, links, first = _clean_block(run, start, end)
    return [block(kind, text, line + first, starts, links, 6)] if text else []


def block(kind: BlockKind, text: str, line: int, starts: tuple[int, ...], links: tuple[Link, ...],
           heading_level: int) -> Block:
    """A block of cleaned text; a one-line paragraph that reads "9. What are your rights?" is a
    heading (level 6, as bold lines are)."""
    if kind is BlockKind.PARAGRAPH:
        if len(starts) == 1 and looks_like_numbered_title(text):
            return Block(BlockKind.HEADING, text, line, starts, 6, links)
        return Block(kind, text, line, starts, 0, links)
    return Block(kind, text, line, starts, heading_level if kind is BlockKind.HEADING else 0, links)

