"""Links to a part of the page that names no heading: the table of contents of a policy cut short.

Apart from the other reference checks (``detectors.dangling_reference``) because it reads links and
headings, not sentences: words of a link against words of every title. The text helpers it needs
(``norm``, ``SECTION_WORD``) are the ones the section and title references use too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checker.analysis.detector_input import evidence
from checker.models import Finding, Sentence

MAX_ARTIFACT_FINDINGS = 3
"""Findings per policy for an artifact of how the file was saved or decoded (mojibake, hidden
addresses, a cut-off table of contents): one such error repeats in every sentence it touches."""

_NOT_WORD = re.compile(r"[^\w\s]")


SECTION_WORD = re.compile(r"^(?:(?:section|part|chapter|clause|paragraph|article)\s+)?(?:\d+(?:\s\d+)*\s+)?")


def norm(text: str) -> str:
    """Lower case, punctuation as spaces, spaces single: "2.2 Suggested Friends." -> "2 2 suggested friends"."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


_GENERIC_LINK_TEXT = frozenset(("table of contents", "back to top", "click here", "read more", "learn more", "this section",
                                "this page", "skip to content", "go to top", "scroll to top"))
_SELF_ANCHORS = frozenset(("toc", "top", "contents", "content", "main", "maincontent", "tableofcontents"))


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


_LINK_STOP_WORDS = frozenset("the a an and or of to we our you your us how what do does is are with for in on can about this "
                             "that why who when where which it its my me see section sections below above part page".split())


def _stems(text: str) -> set[str]:
    """A link's or a title's words, stop words out, each cut to its first four letters ("technologies" and
    "technology" agree): a table of contents and the headings it points to rarely match word for word."""
    return {w[:4] for w in norm(text).split() if w not in _LINK_STOP_WORDS}


def dangling_anchor_links(sentences: Sequence[Sentence]) -> list[Finding]:
    """Links to a part of the page ("#infocollect") whose words name no heading of the policy: the
    table of contents of a policy whose sections were cut off ("1. WHAT INFORMATION DO WE COLLECT?"
    with no such section below). A link counts when its words (two or more, not "back to top") share
    under 60% of their stems with every heading and short line that is not itself a link to the page,
    and its anchor is no heading's slug. Reported only where most such links miss (at least three):
    a cut-off policy misses them all, while a table of contents worded apart from its headings
    ("How We Use Data" for "4. Why and How We Use Your Data") misses a few; the first few are shown."""
    candidates = []  # (sentence, link, its stems): links to the page worded like a title
    for s in sentences:
        for link in s.links:
            if not link.target.startswith("#") or _slug(link.target) in _SELF_ANCHORS:
                continue
            words = SECTION_WORD.sub("", norm(link.text))
            wanted = _stems(link.text)
            if len(words.split()) >= 2 and words not in _GENERIC_LINK_TEXT and wanted:
                candidates.append((s, link, wanted))
    if len(candidates) < 3:
        return []
    slugs = {_slug(t.text) for t in sentences if t.is_heading}
    unmatched = [c for c in candidates if _slug(c[1].target) not in slugs]
    if len(unmatched) < max(3, 0.5 * len(candidates)):
        return []
    # titles: the headings, then (only if links still miss) short lines the parser kept as text,
    # such as bold titles; never the table-of-contents entries themselves
    for titles in ([_stems(t.text) for t in sentences if t.is_heading],
                   [_stems(t.text) for t in sentences if not t.is_heading and len(t.text.split()) <= 12
                    and not any(k.target.startswith("#") for k in t.links)]):
        unmatched = [(s, link, wanted) for s, link, wanted in unmatched
                     if not any(len(wanted & title) >= 0.6 * len(wanted) for title in titles)]
        if len(unmatched) < max(3, 0.5 * len(candidates)):
            return []
    missing = [(s, link) for s, link, _ in unmatched]
    more = len(missing) - MAX_ARTIFACT_FINDINGS
    return [Finding("dangling_reference", "medium",
                    f"dangling reference: the link '{link.text}' points to a section the policy does not contain"
                    + (f" ({more} more link(s) like it)" if n == MAX_ARTIFACT_FINDINGS and more > 0 else ""),
                    evidence(s, [(link.start, link.end)]))
            for n, (s, link) in enumerate(missing[:MAX_ARTIFACT_FINDINGS], start=1)]
