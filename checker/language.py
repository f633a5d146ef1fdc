"""Which language a policy is written in, so English patterns are not run on French text.

py3langid (langid.py's model, shipped inside the wheel: no download) classifies the loaded text.
Because policies quote foreign names and some pages open with a list of languages, a policy that is
mostly English function words is English whatever the classifier says about its head.
"""

from __future__ import annotations

import re
from collections import Counter

from .models import BlockKind, Document

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for it as with be on by this or are we you your our not from at may have "
    "will can any which if such these other all when use information data".split())
SAMPLE_CHARS = 60_000
HEAD_CHARS = 3_000
"""The opening of the sample that settles a plainly English policy: English policies score 0.28
or more on their first 3,000 characters (all 96 English ones of the seeds, modern-dev and
OPP-115), other languages under 0.01; counting all 60,000 was a tenth of a scan's time."""
PLAINLY_ENGLISH = 0.25


def english_share(text: str) -> float:
    """Share of words that are common English function words (about 0.3-0.5 in English prose)."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    counts = Counter(words)  # counted in C; then ~60 look-ups instead of one per word
    return sum(counts[w] for w in _ENGLISH_FUNCTION_WORDS if w in counts) / len(words)


def _prose_sample(document: Document) -> str:
    """The first SAMPLE_CHARS characters of running text: paragraphs and list items of six words
    or more (headings and menus are names, not language), or all the text when there are none."""
    parts: list[str] = []
    size = 0
    for block in document.blocks:
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) and len(block.text.split()) >= 6:
            parts.append(block.text)
            size += len(block.text) + 1
            if size >= SAMPLE_CHARS:
                break
    prose = " ".join(parts) or " ".join(b.text for b in document.blocks)
    return prose[:SAMPLE_CHARS]


def detect_language(document: Document) -> tuple[str, float]:
    """(ISO 639-1 code, share of English function words in the text it was decided on) of the
    document's running text.

    A policy that opens in plain English is English: a policy in another language with an
    English preamble of 3,000 characters is scanned as English (and its findings will show it).
    """
    sample = _prose_sample(document)
    share = english_share(sample[:HEAD_CHARS])
    if share >= PLAINLY_ENGLISH:
        return "en", share
    share = english_share(sample)
    if share >= 0.18:
        return "en", share
    import py3langid  # loads numpy and a model: only for the policies that are not plainly English

    language, _ = py3langid.classify(sample)
    if language == "en" and share < 0.08:
        return "und", share  # "English" with almost no English words: too little text to tell
    return language, share
