"""A requirement's concept, composed: its ``terms`` count in a sentence that also holds one of the
checklist's ``frames`` (a way of granting, asking, or of saying what follows), in a framed sentence
under a heading that names the concept, or in a list item whose introduction holds the frame; its
``guards`` veto the terms they overlap, and its ``context`` must stand in the sentence or shortly
before it in the same paragraph.

Kept apart from :mod:`checker.analysis.matching`, which judges a requirement from all its matches:
this module only says which sentences the concept makes evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checker.models import BlockKind, Match, Sentence
from checker.rules.checklist import Requirement

Frames = dict[int, dict[str, list[Match]]]
"""Sentence -> frame (``<checklist>.<name>``) -> its matches in that sentence."""

ConceptHits = dict[str, dict[int, list[Match]]]
"""A requirement's concept roles (``term``, ``heading_term``, ``guard``, ``context``) -> sentence -> matches."""


def _unguarded(matches: list[Match], guards: list[Match]) -> list[Match]:
    """The term matches no guard overlaps ("restrict access" vetoes "restrict", not the sentence)."""
    return [m for m in matches if not any(g.start < m.end and m.start < g.end for g in guards)]


def composed(req: Requirement, sentences: Sequence[Sentence], hits: ConceptHits, frames: Frames) -> dict[int, list[Match]]:
    """The sentences a requirement's concept makes evidence, with the matches that show why.

    A term counts where one of the requirement's frames fired in the same sentence; a heading
    that names the concept lends it to every framed sentence of its section."""
    concept = req.concept
    if concept is None or not hits:
        return {}
    wanted = _wanted(req.checklist, concept.frames)
    terms, guards = hits.get("term", {}), hits.get("guard", {})
    context = hits.get("context", {}) if concept.context else None
    if context is not None and hits.get("policy_context"):
        context = None  # the context stands elsewhere in the policy, which is enough: see Concept.policy_context
    out: dict[int, list[Match]] = {}
    named_sections: set[int] = set()
    # headings are named by the concept's heading terms, or by its terms when it has none
    for role in ("heading_term",) if concept.heading_terms else ("term",):
        for i, ms in hits.get(role, {}).items():
            if sentences[i].is_heading and _unguarded(ms, guards.get(i, [])):
                named_sections.add(sentences[i].section)

    def found_in(i: int) -> list[Match]:
        """The unguarded term matches of sentence ``i``, when it stands in the concept's context."""
        found = _unguarded(terms.get(i, []), guards.get(i, []))
        return found if found and (context is None or _in_context(i, context, sentences)) else []

    for i, by_frame in frames.items():
        framing = [m for name, ms in by_frame.items() if name in wanted for m in ms]
        if not framing or sentences[i].is_heading:
            continue
        if found := found_in(i):
            out[i] = found + framing
        elif sentences[i].section in named_sections and (lent := _unguarded(framing, guards.get(i, []))):
            # a guard vetoes the frame it overlaps too: "we reserve the right to disclose" under
            # "Access to and Disclosure of Information" grants the reader nothing
            out[i] = lent
    # a list item under an introduction that holds the frame: "you have the right to request that
    # we:" over "provide your data to a third-party provider of services" (the item's own words name
    # the concept, the introduction grants it); "we may collect the following information:" over
    # "your name, postal address and e-mail address"
    for i in terms:
        if i in out or sentences[i].kind is not BlockKind.LIST_ITEM:
            continue
        intro = _list_introduction(sentences, i)
        if intro is None:
            continue
        introducing = [name for name in frames.get(intro, {}) if name in wanted]
        if not introducing or (all(_kind(name) in _RIGHTS_FRAMES for name in introducing)
                               and not _RIGHTS_INTRO.search(sentences[intro].text)):
            continue
        if found := found_in(i):
            out[i] = found
    return out


def granting_headings(req: Requirement, sentences: Sequence[Sentence], hits: ConceptHits,
                      frames: Frames) -> dict[int, list[Match]]:
    """Headings that grant the concept by name ("6.2 Right of Rectification": a heading term and a
    frame) over a body of their own ("What: Correct inaccurate data How: Update profile"), which
    the body's words alone do not disclose. The caller counts them only for sections whose body gave
    no evidence: evidence in the body is better (and an unfilled slot in it must stay a gap)."""
    concept = req.concept
    if concept is None or not hits:
        return {}
    wanted = _wanted(req.checklist, concept.frames)
    guards = hits.get("guard", {})
    out: dict[int, list[Match]] = {}
    for i, ms in hits.get("heading_term" if concept.heading_terms else "term", {}).items():
        if not sentences[i].is_heading or not _has_body(sentences, i):
            continue
        naming = _unguarded(ms, guards.get(i, []))
        # the grant itself ("Right to ..."), not a heading that merely starts with the verb ("Access to and
        # disclosure of information" over "We reserve the right to disclose ...")
        granting = [m for name, fms in frames.get(i, {}).items()
                    if name in wanted and _kind(name) == "grant" for m in fms]
        if naming and granting:
            out[i] = naming + granting
    return out


def _wanted(checklist: str, frames: Sequence[str]) -> set[str]:
    """The frames a concept counts, as the matches name them ("gdpr.grant")."""
    return {f"{checklist}.{name}" for name in frames}


def _kind(frame: str) -> str:
    """"grant" of "gdpr.grant": which way of speaking a frame match is, whatever its checklist."""
    return frame.rpartition(".")[2]


def _has_body(sentences: Sequence[Sentence], i: int) -> bool:
    """Does heading ``i`` stand over text of its own (not a run of headings, as a table of contents)?"""
    nxt = sentences[i + 1] if i + 1 < len(sentences) else None
    return nxt is not None and not nxt.is_heading and nxt.section == sentences[i].section


_RIGHTS_FRAMES = frozenset({"grant", "request", "instruction"})
"""The frames that grant or ask: an introduction holding only these must also name a right."""

_RIGHTS_INTRO = re.compile(r"\b(?:rights?|request|ask\s+us|entitled)\b", re.IGNORECASE)
"""An introduction that grants rights ("you have the right to request that we:"), not one that lists
settings ("you may choose who can view your profile:"), whose items name no right."""


def _list_introduction(sentences: Sequence[Sentence], i: int) -> int | None:
    """The sentence that introduces the list holding item ``i``: the one before its first item, when
    it ends with a colon (or breaks off for the list to finish it) and stands in the same section."""
    j = i - 1
    while j >= 0 and sentences[j].kind is BlockKind.LIST_ITEM:
        j -= 1
    if j < 0 or sentences[j].section != sentences[i].section or not _INTRODUCES.search(sentences[j].text):
        return None
    return j


_INTRODUCES = re.compile(r"(?::|\b(?:right|rights|entitled|to|following|include|includes|including))\s*$", re.IGNORECASE)
"""How an introduction ends: with a colon, or unfinished, the list completing it ("users have the right" over
"to the immediate deletion of data concerning them")."""


def _in_context(i: int, context: dict[int, list[Match]], sentences: Sequence[Sentence]) -> bool:
    """Does sentence ``i``, or one of the three before it in the same paragraph, name the context?
    "We will ask permission to read your contacts. You can stop sharing them at any time." names
    the consent one sentence before the withdrawal ("By registering you agree to it. Based on this we
    tailor the newsletter. You may unsubscribe at any time." two before), or the heading of its section
    ("Marketing Emails (Opt-In)"); a new paragraph is another subject."""
    if any(j in context and sentences[j].line == sentences[i].line and not sentences[j].is_heading
           for j in range(i, max(i - 4, -1), -1)):
        return True
    # the section's own heading: "Marketing Emails (Opt-In)" over "You can: Unsubscribe anytime"
    heading = next((j for j in range(i - 1, max(i - 40, -1), -1) if sentences[j].is_heading), None)
    return heading is not None and heading in context and sentences[heading].section == sentences[i].section
