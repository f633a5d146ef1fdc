"""Paragraphs that a conversion cut in the middle of a sentence, joined again.

Text exported from PDFs and word processors often puts a blank line after every printed line:
"...by e-mail info@example.com or in writing at the" / "address of our registered office." Each
half then becomes a paragraph of its own and no sentence holds the whole statement, so a contact,
a right or an address split across the cut is never seen whole. Two consecutive paragraphs are
one when the first stops where no sentence can end (a comma, a word with the next paragraph
going on in lower case, or a word at the end of a statement of a dozen words or more). List items
and table cells are never joined; a long "heading" that stops mid-sentence (a numbered line guessed
to be a title) is joined to the paragraph that finishes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checker.models import Block, BlockKind

MIN_HEADING_WORDS_TO_JOIN = 8
"""A heading this long that stops mid-sentence is a cut sentence, not a title."""
_STATES = re.compile(r"\b(?:may|will|shall|must|can|is|are|was|were|has|have)\b", re.IGNORECASE)
_ASKS = re.compile(r"^\W*(?:[\dIVX]+(?:\.\d+)*\.?\s+)?(?:how|what|why|when|where|who|whom|which|do|does|can|will|are|is|may|shall)\b",
                   re.IGNORECASE)
_SUBJECT = re.compile(r"^\W*(?:[\dIVX]+(?:\.\d+)*\.?\s+)?(?:we|you|they|it|he|she)\b", re.IGNORECASE)
MIN_PROSE_WORDS_TO_JOIN = 12
"""A paragraph this long that ends on a bare word was cut, even when the next part starts with a
capital ("European" / "Economic Area"): titles are shorter, and prose ends with punctuation."""


def _continues(first: Block, second: Block) -> bool:
    if second.kind is not BlockKind.PARAGRAPH or first.page != second.page:
        return False
    end, start = first.text.rstrip()[-1:], second.text.lstrip()[:1]
    if not end or not start or second.line <= first.line:
        return False
    if first.kind is BlockKind.HEADING:
        # a numbered line taken for a heading ("3.4 In case you grant consent for marketing
        # purposes (including") that the next paragraph finishes in lower case
        words = first.text.split()
        if len(words) >= MIN_HEADING_WORDS_TO_JOIN and end.isalpha() and start.islower():
            return True
        # "5.2 Your personal data may be transferred and stored within the countries of the European"
        # / "Economic Area ...": a long line that states something (a verb such as "may", "is") is
        # a sentence, not a title; titles name a topic or ask ("How long do we keep your data")
        return _states_something(first.text, end, start, by_subject=False)
    if first.kind is not BlockKind.PARAGRAPH:
        return False
    if end == "," or (end.isalpha() and start.islower()):
        return True
    # "... within the countries of the European" / "Economic Area (the EEA), which ...": a long
    # paragraph never ends on a bare word; a title written as a paragraph is short
    return _states_something(first.text, end, start)


def _states_something(text: str, end: str, start: str, by_subject: bool = True) -> bool:
    """A long line cut before a capitalised word: joined when it reads as a statement ("may", "is",
    or, with ``by_subject``, "we ..."), not as a title ("How we use your data and the legal bases we
    rely on")."""
    return (len(text.split()) >= MIN_PROSE_WORDS_TO_JOIN and end.isalpha() and (start.isupper() or start.isdigit())
            and (_STATES.search(text) is not None or (by_subject and _SUBJECT.match(text) is not None))
            and _ASKS.match(text) is None)


def _join(first: Block, second: Block) -> Block:
    """``first`` and ``second`` as one block; every character keeps its source line."""
    offset = len(first.text) + 1
    starts = list(first.line_starts)
    last_line = first.line + len(starts) - 1
    # the lines between (blank ones) and the second block's lines, all from the join point on
    starts += [offset] * (second.line - last_line - 1)
    starts += [offset + s for s in second.line_starts]
    links = first.links + tuple(type(link)(link.text, link.target, link.start + offset, link.end + offset)
                                for link in second.links)
    return first._replace(kind=BlockKind.PARAGRAPH, level=0, text=f"{first.text} {second.text}",
                          line_starts=tuple(starts), links=links)


def join_broken_paragraphs(blocks: Sequence[Block]) -> list[Block]:
    """``blocks`` with each paragraph cut mid-sentence joined to the paragraph that continues it."""
    out: list[Block] = []
    for block in blocks:
        if out and _continues(out[-1], block):
            out[-1] = _join(out[-1], block)
        else:
            out.append(block)
    return out
