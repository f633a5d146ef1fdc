"""The Wayback-style provenance note archived policies start with, lifted into metadata.

It describes the file, it is not part of the policy, so loaders take it out of the text. Only the
note itself goes, and only at the very top: "> *The following text is extracted and transformed
from the x.com privacy policy that was archived on 2012-10-03. Please check the original snapshot
... for the most accurate reproduction.*". A policy whose first paragraph runs on after the note
(a lazy Markdown continuation, a page that puts both in one ``<p>``) keeps that text: swallowing
the block whole once turned a readable policy into "no policy text found".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import Any

from checker.models import Block, Link

_NOTE = re.compile(
    r"[\s>*_]*The following text is extracted and transformed from the (?P<site>\S+?) privacy policy that was "
    r"archived on (?P<date>\d{4}-\d{2}-\d{2})\.?"
    r"(?:\s*Please check the [^\n]{0,300}? for the most accurate reproduction\.)?[*_]*\s*",
    re.IGNORECASE)


def split_provenance(text: str, links: Iterable[Link] = ()) -> tuple[dict[str, Any] | None, int]:
    """(metadata, length of the note) when ``text`` opens with the provenance note, else (None, 0).

    The note must be the start of the text; the policy text after it is the caller's to keep.
    """
    match = _NOTE.match(text)
    if not match:
        return None, 0
    meta: dict[str, Any] = {"source_site": match["site"], "archive_date": match["date"]}
    for link in links:
        if link.start < match.end() and ("web.archive.org" in link.target or "snapshot" in link.text.lower()):
            meta["snapshot_url"] = link.target
            break
    return meta, match.end()


def without_head(block: Block, cut: int) -> Block | None:
    """``block`` with its first ``cut`` characters removed (None when nothing is left), its line
    numbers and links moved with the text so evidence still points at the right source line."""
    rest = block.text[cut:]
    if not rest.strip():
        return None
    line_index = max(0, bisect.bisect_right(block.line_starts, cut) - 1)
    starts = (0,) + tuple(s - cut for s in block.line_starts[line_index + 1:])
    links = tuple(Link(link.text, link.target, link.start - cut, link.end - cut)
                  for link in block.links if link.start >= cut)
    return block._replace(text=rest, line=block.line + line_index, line_starts=starts, links=links)


def take_provenance(blocks: list[Block]) -> tuple[dict[str, Any] | None, list[Block]]:
    """Lift the note off the first block: (metadata or None, the blocks without the note)."""
    if not blocks:
        return None, blocks
    meta, cut = split_provenance(blocks[0].text, blocks[0].links)
    if meta is None:
        return None, blocks
    rest = without_head(blocks[0], cut)
    return meta, ([rest] if rest is not None else []) + blocks[1:]
