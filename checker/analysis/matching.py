"""Requirement x sentences -> :class:`Verdict`.

The rules are generic; what a requirement means lives in its checklist entry:

* ``patterns`` find the sentences that carry the disclosure (its evidence);
* ``exclude`` vetoes sentences that only mention the words ("contact your bank");
* ``section_patterns`` count only under a heading that matches ``headings`` ("Data Retention");
* ``requires`` qualifiers must also appear near the evidence (same section, a few sentences
  away) for ``met``; a missing one gives ``partial`` with its reason, and may raise a finding;
* ``partial_patterns`` touch the topic without disclosing it ("unsubscribe" for objection);
* a ``concept`` composes (see :mod:`checker.analysis.concepts`);
* evidence made only of unfilled template slots ("[List of countries]") is not a disclosure.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from checker.analysis.concepts import Frames, composed, granting_headings
from checker.analysis.facts import Facts
from checker.analysis.placeholders import find_placeholders, has_placeholder
from checker.analysis.requirement_detectors import REQUIREMENT_DETECTORS
from checker.models import FRAME_OWNER, Evidence, Finding, Match, PatternKey, Sentence, Status, Verdict
from checker.rules.checklist import CompiledChecklists, Requirement
from checker.rules.schema import Applicability, Qualifier

QUALIFIER_WINDOW = 3
"""How many sentences away (inside the same section) a qualifier may stand from the evidence."""

MAX_EVIDENCE = 3
MAX_QUALIFIER_FINDINGS = 8
"""A qualifier's finding is raised on each sentence where the gap shows, up to this many (a policy that
mentions transfers in six places without a safeguard has six places to fix); evidence stays at three."""


@dataclass
class _Hits:
    """Matches of one requirement, by role and sentence."""

    core: dict[int, list[Match]]
    partial: dict[int, list[Match]]
    section: dict[int, list[Match]]
    exclude: set[int]
    qualifiers: dict[str, dict[int, list[Match]]]
    concept: dict[str, dict[int, list[Match]]] = field(default_factory=dict)
    """The concept's roles (``term``, ``heading_term``, ``guard``, ``context``) and the applicability
    roles (``not_applicable``, ``applies``) -> sentence -> matches."""


_NO_HITS = _Hits({}, {}, {}, set(), {})
"""The matches of a requirement nothing matched (read only: :func:`judge` copies before adding)."""


def _group(requirements: Sequence[Requirement], matches: Sequence[Match]) -> tuple[dict[str, _Hits], Frames]:
    """Matches by requirement (only those with a match: about a third of a policy's requirements
    have none), role and sentence. Plain dicts filled as matches come, not nested defaultdicts per
    requirement: 0.29 -> 0.23 ms a policy, and fewer objects for the garbage collector."""
    wanted = {r.id for r in requirements}
    hits: dict[str, _Hits] = {}
    frames: Frames = {}
    for m in matches:
        req_id, role = _requirement_and_role(m.pattern_id)
        if req_id not in wanted:
            if req_id == FRAME_OWNER:
                frames.setdefault(m.sentence, {}).setdefault(role, []).append(m)
            continue
        h = hits.get(req_id)
        if h is None:
            h = hits[req_id] = _Hits({}, {}, {}, set(), {})
        if role == "core":
            h.core.setdefault(m.sentence, []).append(m)
        elif role == "partial":
            h.partial.setdefault(m.sentence, []).append(m)
        elif role == "section":
            h.section.setdefault(m.sentence, []).append(m)
        elif role == "exclude":
            h.exclude.add(m.sentence)
        elif role.startswith("requires:"):
            h.qualifiers.setdefault(role[len("requires:"):], {}).setdefault(m.sentence, []).append(m)
        else:
            h.concept.setdefault(role, {}).setdefault(m.sentence, []).append(m)
    return hits, frames


@lru_cache(maxsize=8_192)  # one entry per checklist pattern; a policy has thousands of matches
def _requirement_and_role(pattern_id: str) -> tuple[str, str]:
    """("retention", "core") of "retention/core/3" (see :class:`PatternKey`)."""
    key = PatternKey.parse(pattern_id)
    return key.owner, key.role


def heading_matches(heading: str | None, cues: Sequence[str]) -> bool:
    """Does a section heading announce the topic ("Data Retention" for cue "retention")?"""
    if not heading or not cues:
        return False
    return _heading_matches(heading, tuple(cues))


@lru_cache(maxsize=65_536)  # a policy asks the same few questions of its headings many times
def _heading_matches(heading: str, cues: tuple[str, ...]) -> bool:
    low = " " + " ".join(heading.lower().replace("\u2019", "'").split()) + " "
    return any(f" {cue}" in low or low.strip().startswith(cue) for cue in cues)


def _enclosing_headings(sentences: Sequence[Sentence], i: int, members: Mapping[Any, list[int]]) -> list[str]:
    """The heading over sentence ``i``, and where that heading is a label ("Account Information:",
    a bold line the parser makes a heading) the headings it sits under: back over sibling labels and
    their lists to the first real heading, and the run of headings right above that one ("2.
    Information We Collect" over "Personal Information You Provide"); for any other heading, the run
    of headings right above it. A section knows only its nearest heading."""
    nearest = sentences[i].heading
    if not nearest:
        return []
    found = [nearest]
    first = members.get(sentences[i].section, [i])[0]  # a section opens with its heading: no walk back over its body
    j = first if sentences[first].is_heading else i
    while j >= 0 and not sentences[j].is_heading:
        j -= 1
    j -= 1
    if not nearest.rstrip().endswith(":"):
        # a heading right under another, nothing between ("## Data We Collect about You" over "### Personal
        # Data"): the run above it is the section it belongs to
        while j >= 0 and sentences[j].is_heading and len(found) < 8:
            found.append(sentences[j].text)
            j -= 1
        return found
    while j >= 0 and len(found) < 8:  # sibling labels, then the first real heading
        if sentences[j].is_heading:
            found.append(sentences[j].text)
            if not sentences[j].text.rstrip().endswith(":"):
                break
        j -= 1
    j -= 1
    while j >= 0 and sentences[j].is_heading and len(found) < 8:  # the run of headings right above it
        found.append(sentences[j].text)
        j -= 1
    return found


def section_members(sentences: Sequence[Sentence]) -> dict[Any, list[int]]:
    """Sentence indices by section (a requirement's evidence may be anywhere in its section)."""
    members: dict[Any, list[int]] = defaultdict(list)
    for s in sentences:
        members[s.section].append(s.number)
    return members


def _evidence(sentences: Sequence[Sentence], chosen: dict[int, list[Match]]) -> tuple[Evidence, ...]:
    out = []
    for index in sorted(chosen):
        s = sentences[index]
        spans = sorted({(m.start, m.end) for m in chosen[index]})
        patterns = tuple(sorted({m.pattern_id for m in chosen[index]}))
        out.append(Evidence(text=s.text, line=s.line, heading=s.heading, highlights=tuple(spans), patterns=patterns,
                            page=s.page))
    return tuple(out)


def _rank(sentences: Sequence[Sentence], hits: dict[int, list[Match]], cues: Sequence[str]) -> list[int]:
    """Sentences best first: under a matching heading, then most distinct patterns, then earliest."""
    return sorted(hits, key=lambda i: (not heading_matches(sentences[i].heading, cues),
                                       -len({m.pattern_id for m in hits[i]}), i))


SLOT_REACH = 60
"""Characters between a match and a template slot that still make the slot the disclosure's own
("contact us at [EMAIL]", "[Company] is the controller"): a slot further along the sentence fills
another part of it ("we share it with no one, except to protect the rights of [APP NAME]")."""


def _slots_near(text: str, matches: Sequence[Match]) -> list[tuple[int, int]]:
    """The template slots of a sentence within reach of what matched in it."""
    if not has_placeholder(text):
        return []
    return [(s, e) for s, e in find_placeholders(text)
            if any(max(0, s - m.end, m.start - e) <= SLOT_REACH for m in matches)]


def _where(sentence: Sentence, unit: str = "line") -> str:
    """Which sentence decided, as the reason says it: the strongest evidence in the whole policy
    (``unit``: what the policy's locations count, "line" or "paragraph")."""
    at = f"page {sentence.page}, {unit} {sentence.line}" if sentence.page else f"{unit} {sentence.line}"
    return f"decided by {at}"


def judge(req: Requirement, sentences: Sequence[Sentence], h: _Hits, extra_core: Sequence[Match] = (),
          members: Mapping[Any, list[int]] | None = None, frames: Frames | None = None,
          unit: str = "line") -> tuple[Verdict, list[Finding]]:
    """The verdict on one requirement from its grouped matches; also qualifier findings.

    ``members`` is :func:`section_members` of ``sentences``, passed in to work it out once per policy."""
    usable = {i: ms for i, ms in h.core.items()
              if i not in h.exclude and (req.match_headings or not sentences[i].is_heading)
              and not is_navigation(sentences[i])}
    for i, ms in composed(req, sentences, h.concept, frames or {}).items():
        usable.setdefault(i, []).extend(ms)  # a concept's own guards have vetoed what they must
    for m in extra_core:
        usable.setdefault(m.sentence, []).append(m)
    if req.concept is not None:
        covered = {sentences[i].section for i in usable}
        for i, ms in granting_headings(req, sentences, h.concept, frames or {}).items():
            if sentences[i].section not in covered:
                usable[i] = ms
    if h.section and members is None:
        members = section_members(sentences)
    for i, ms in h.section.items():
        if i not in h.exclude and not sentences[i].is_heading and any(
                heading_matches(heading, req.headings) for heading in _enclosing_headings(sentences, i, members or {})):
            usable.setdefault(i, []).extend(ms)
    findings: list[Finding] = []
    if not usable:
        weak = {i: ms for i, ms in h.partial.items()
                if i not in h.exclude and not sentences[i].is_heading and not is_navigation(sentences[i], False)}
        if weak:
            ranked_weak = _rank(sentences, weak, req.headings)
            chosen = {i: weak[i] for i in ranked_weak[:MAX_EVIDENCE]}
            return Verdict(req.id, Status.PARTIAL, f"{req.partial_reason} ({_where(sentences[ranked_weak[0]], unit)})",
                           _evidence(sentences, chosen), req.checklist), findings
        return Verdict(req.id, Status.MISSING, f"not disclosed: no sentence about {req.title[0].lower() + req.title[1:]}",
                       (), req.checklist), findings

    ranked = _rank(sentences, usable, req.headings)
    chosen = {i: list(usable[i]) for i in ranked[:MAX_EVIDENCE]}
    reasons: list[str] = []

    slots = {i: _slots_near(sentences[i].text, usable[i]) for i in usable}
    if all(slots.values()):  # every evidence sentence holds a slot where it discloses
        slot = next(sentences[i].text[s:e] for i in usable for s, e in slots[i])
        reasons.append(f"the disclosure is an unfilled template placeholder ({slot})")

    # Qualifiers may stand in the evidence sentence or near it, in the same section (worked out
    # only for requirements that have qualifiers: most have none, and this was a third of judging).
    near: set[int] = set()
    if req.requires:
        members = members if members is not None else section_members(sentences)
        for i in usable:
            section = sentences[i].section
            for j in range(max(0, i - QUALIFIER_WINDOW), min(len(sentences), i + QUALIFIER_WINDOW + 1)):
                if sentences[j].section == section:
                    near.add(j)
            if heading_matches(sentences[i].heading, req.headings):
                near.update(members[section])
    core_chosen = ranked[:MAX_QUALIFIER_FINDINGS]
    for q in req.requires:
        # (a sentence the requirement excludes supplies no qualifier either: "will not take more than 40 days
        # to process" is no storage period)
        where = [i for i in h.qualifiers.get(q.name, {}) if (q.anywhere or i in near) and i not in h.exclude]
        against = _outweighing(req, q, sentences, h, usable, where)
        if against and q.outweighed_by is not None:
            reasons.append(f"{q.outweighed_by.reason} ({_where(sentences[against[0]], unit)})")
            chosen.setdefault(against[0], []).extend(h.concept[f"outweighs:{q.name}"][against[0]])
            continue
        if where:
            first = min(where)
            chosen.setdefault(first, []).extend(h.qualifiers[q.name][first])
            continue
        linked = _linked(req, q, sentences, near)
        if linked is not None:
            chosen.setdefault(linked.sentence, []).append(linked)
            continue
        lapsed = _lapsed_near(q, sentences, h, near)
        if lapsed is not None:
            # named, by a mechanism no longer in force: disclosed all the same; a finding unless the policy
            # names one in force elsewhere, where it tells a transfer or under a heading of transfers ("your
            # explicit consent" to automated decisions, security's "appropriate safeguards" are none)
            chosen.setdefault(lapsed.sentence, []).append(lapsed)
            in_force = any(i in usable or heading_matches(sentences[i].heading, req.headings) for i in h.qualifiers.get(q.name, {}))
            if q.lapsed is not None and q.lapsed.finding and not in_force:
                findings.append(_finding(q.lapsed.finding, q.lapsed.reason, sentences[lapsed.sentence],
                                         h.concept[f"lapsed:{q.name}"][lapsed.sentence]))
            continue
        reasons.append(q.reason)
        if q.finding:
            # one finding per evidence sentence: each is a place where the gap shows
            findings += [_finding(q.finding, q.reason, sentences[i], usable[i]) for i in sorted(core_chosen)]
    # keep the evidence short: the best core sentences plus the qualifier sentences
    evidence = _evidence(sentences, chosen)
    if reasons:
        return Verdict(req.id, Status.PARTIAL, "; ".join(reasons), evidence, req.checklist), findings
    return Verdict(req.id, Status.MET, f"{req.met_reason or 'disclosed'} ({_where(sentences[ranked[0]], unit)})", evidence,
                   req.checklist), findings


@cache
def _link_regex(targets: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{t})" for t in targets), re.IGNORECASE)


def _linked(req: Requirement, q: Qualifier, sentences: Sequence[Sentence], near: set[int]) -> Match | None:
    """The first link near the disclosure whose target gives qualifier ``q`` (its ``link_targets``).
    Only near it, even for a qualifier looked for anywhere: a policy links to help pages throughout."""
    if not q.link_targets:
        return None
    regex = _link_regex(q.link_targets)
    for i in sorted(near):
        for link in sentences[i].links:
            if regex.search(link.target):
                return Match(f"{req.id}/requires:{q.name}/link", i, link.start, link.end)
    return None


def _lapsed_near(q: Qualifier, sentences: Sequence[Sentence], h: _Hits, near: set[int]) -> Match | None:
    """The first match of ``q``'s lapsed names where the qualifier is looked for (headings aside)."""
    if q.lapsed is None:
        return None
    found = h.concept.get(f"lapsed:{q.name}", {})
    where = sorted(i for i in found if (q.anywhere or i in near) and not sentences[i].is_heading)
    return found[where[0]][0] if where else None


def _finding(spec: Mapping[str, str], reason: str, s: Sentence, matches: Sequence[Match]) -> Finding:
    """A qualifier's finding (``spec``: kind, severity, message) shown in sentence ``s``."""
    return Finding(kind=spec["kind"], severity=spec["severity"], message=spec.get("message") or reason,
                   evidence=Evidence(text=s.text, line=s.line, heading=s.heading, page=s.page,
                                     highlights=tuple(sorted({(m.start, m.end) for m in matches}))))


_DOCUMENT_WORDS = frozenset({"policy", "policies", "notice", "notices", "statement", "terms", "conditions",
                             "agreement", "guidelines", "faq", "faqs"})


def is_navigation(sentence: Sentence, other_documents: bool = True) -> bool:
    """A sentence that only points somewhere: (almost) all one link into the page itself, a
    table-of-contents entry ("[International Data Transfers](#international-data-transfers)"), or,
    with ``other_documents``, to another document by its name ("[Cookie policy](https://...)").
    It names a section or a document; it discloses nothing, so it is no evidence for a verdict or a
    finding (a link to another document may still show that the topic is touched: ``partial``)."""
    links = sentence.links
    if not links:
        return False
    linked = sum(link.end - link.start for link in links)
    if linked < 0.8 * len(sentence.text.strip(" .:;*-\u2022")):
        return False
    if all(link.target.startswith("#") for link in links):
        return True
    return other_documents and all(
        link.target.lower().startswith(("http://", "https://", "/")) and
        sentence.text[link.start:link.end].lower().rstrip(" .").rsplit(" ", 1)[-1] in _DOCUMENT_WORDS for link in links)


def _outweighing(req: Requirement, q: Qualifier, sentences: Sequence[Sentence], h: _Hits,
                 usable: Mapping[int, list[Match]], where: Sequence[int]) -> list[int]:
    """The requirement's sentences that outweigh qualifier ``q`` (empty when the qualifier holds).

    Counted among the requirement's own sentences (its evidence, or its section by heading), so a
    "72 hours" in a breach notice near a retention sentence is not a retention period. A sentence
    that gives the qualifier itself ("as long as necessary, and at most two years") is not against it.
    """
    if q.outweighed_by is None or not where:
        return []
    giving = {i for i in where if i in usable or heading_matches(sentences[i].heading, req.headings)}
    if giving & h.concept.get(f"settles:{q.name}", {}).keys():  # given for the whole disclosure, in the law's form
        return []
    against = sorted(i for i in h.concept.get(f"outweighs:{q.name}", {})
                     if i in usable and i not in h.qualifiers.get(q.name, {}))
    return against if against and len(against) >= len(giving) else []


FramesByName = dict[str, dict[int, list[Match]]]
"""The frames' sentences by frame role ("gdpr.no_personal_data"): the same matches as :data:`Frames`."""


def _by_name(frames: Frames) -> FramesByName:
    by_name: FramesByName = {}
    for i, by_frame in frames.items():
        for name, found in by_frame.items():
            by_name.setdefault(name, {})[i] = found
    return by_name


def _framed(frames: FramesByName, checklist: str, names: Sequence[str]) -> dict[int, list[Match]]:
    """The sentences where one of the checklist's frames ``names`` fired, with those matches."""
    out: dict[int, list[Match]] = {}
    for name in names:
        for i, found in frames.get(f"{checklist}.{name}", {}).items():
            out.setdefault(i, []).extend(found)
    return out


def _unless_not_applicable(req: Requirement, verdict: Verdict, sentences: Sequence[Sentence], h: _Hits,
                           frames: FramesByName) -> Verdict:
    """A gap the law does not ask for here becomes ``not_applicable``, with the sentence that
    shows why (a disclosure that is there stays ``met``: it is never hidden)."""
    if not verdict.status.is_gap:
        return verdict
    for k, condition in enumerate(req.not_applicable_when):
        shown = {**h.concept.get(Applicability.role(k), {}), **_framed(frames, req.checklist, condition.frames)}
        if condition.headings:
            shown = {i: m for i, m in shown.items() if heading_matches(sentences[i].heading, condition.headings)}
        contradicted = h.concept.get(Applicability.contra_role(k)) or _framed(frames, req.checklist,
                                                                               condition.contradicted_by_frames)
        if shown and not contradicted and (
                not condition.unless_mentioned or verdict.status is Status.MISSING):
            first = min(shown)
            return Verdict(req.id, Status.NOT_APPLICABLE, condition.reason,
                           _evidence(sentences, {first: shown[first]}), req.checklist)
    if req.applies_only_when is not None and not any(_shows_condition(sentences[i], i, h) for i in h.concept.get("applies", {})):
        return Verdict(req.id, Status.NOT_APPLICABLE, req.applies_only_when.reason, (), req.checklist)
    return verdict


def _shows_condition(sentence: Sentence, i: int, h: _Hits) -> bool:
    """Whether a sentence that matched ``applies_only_when`` shows the condition: not one the requirement
    excludes ("receiving marketing from our partners" names no data obtained from them), nor a heading
    that asks ("... and from what sources?" is answered by its body, "directly from you"); a title that
    states ("Animated Educational Site for Kids") still counts."""
    return i not in h.exclude and not (sentence.is_heading and sentence.text.rstrip().endswith("?"))


def match_requirements(compiled: CompiledChecklists, sentences: Sequence[Sentence], matches: Sequence[Match],
                       facts: Facts, unit: str = "line") -> tuple[list[Verdict], list[Finding]]:
    """Verdicts for every requirement of the compiled checklists, in checklist order (``unit``:
    what the policy's locations count, for the reasons: see :func:`checker.models.location_unit`)."""
    grouped, frames = _group(compiled.requirements, matches)
    members = section_members(sentences)
    verdicts: list[Verdict] = []
    findings: list[Finding] = []
    by_name: FramesByName | None = None  # built for the first requirement with a condition
    for req in compiled.requirements:
        extra = REQUIREMENT_DETECTORS[req.detector](sentences, facts) if req.detector else []
        hits = grouped.get(req.id, _NO_HITS)
        verdict, found = judge(req, sentences, hits, extra, members, frames, unit)
        if req.not_applicable_when and by_name is None:
            by_name = _by_name(frames)
        verdict = _unless_not_applicable(req, verdict, sentences, hits, by_name or {})
        verdicts.append(verdict)
        findings.extend(found)
    return verdicts, findings
