"""A requirement in words: what ``gapcheck explain`` prints.

Kept beside the checklist model, not in the command line, because it is the checklist language
read back: every role a checklist item may have (patterns, concept, qualifiers, partial patterns,
exclusions, applicability, examples) is shown here, so a new role is explained where it is defined.
"""

from __future__ import annotations

import json
import textwrap

from checker.models import Pattern
from checker.rules.checklist import Checklist, Requirement


def pattern_text(pattern: Pattern) -> str:
    return pattern if isinstance(pattern, str) else json.dumps(pattern, ensure_ascii=False)


def _listed(title: str, patterns: tuple[Pattern, ...]) -> list[str]:
    return [title] + [f"  - {pattern_text(p)}" for p in patterns] if patterns else []


def explain(req: Requirement, checklist: Checklist | None = None) -> list[str]:
    """The lines describing ``req``: what it asks, its references, and what satisfies it."""
    wrap = lambda text: textwrap.fill(text, width=96, initial_indent="  ", subsequent_indent="  ")  # noqa: E731
    lines = [f"{req.id}: {req.title}  [{req.checklist}, severity {req.severity}]",
             f"  references: {'; '.join(req.references)}", wrap(req.description)]
    detector = f" (or the detector '{req.detector}' finds it)" if req.detector else ""
    lines += ["", f"met when a sentence matches one of these patterns{detector}:"]
    lines += [f"  - {pattern_text(p)}" for p in req.patterns]
    if req.headings:
        lines.append(f"  section headings that put a sentence on topic: {', '.join(req.headings)}")
    frames = checklist.frames if checklist is not None else {}
    if req.concept is not None:
        lines += ["", f"or when a term of the concept stands in a sentence with one of the frames "
                      f"{', '.join(req.concept.frames)} (or a framed sentence sits under a heading naming it):"]
        lines += _listed("  terms:", req.concept.terms)
        lines += _listed("  heading terms:", req.concept.heading_terms)
        lines += _listed("  guards (veto the term they overlap):", req.concept.guards)
        lines += _listed("  and one of these in the same sentence:", req.concept.context)
        lines += _listed("  (or one of these anywhere in the policy):", req.concept.policy_context)
        for name in req.concept.frames:
            lines += _listed(f"  frame '{name}':", frames.get(name, ()))
    for q in req.requires:
        lines += ["", f"and near it: {q.description}; otherwise partial: \"{q.reason}\""]
        if q.outweighed_by is not None:
            lines += _listed(f"  unless at least as many of its sentences say this instead (then partial: "
                             f"\"{q.outweighed_by.reason}\"):", q.outweighed_by.patterns)
            lines += _listed("  never outweighed where a sentence giving it also says:", q.outweighed_by.settled_by)
        if q.link_targets:
            lines += [f"  or a link near it whose target matches: {', '.join(q.link_targets)}"]
        if q.lapsed is not None:
            kind = f" (finding {q.lapsed.finding['kind']})" if q.lapsed.finding else ""
            lines += _listed(f"  these name it too, but have lapsed: the verdict stands and, where nothing in force is "
                             f"named, a finding{kind} says \"{q.lapsed.reason}\":", q.lapsed.patterns)
    if req.partial_patterns:
        lines += [""] + _listed(f"partial when only these match: \"{req.partial_reason}\"", req.partial_patterns)
    if req.exclude:
        lines += [""] + _listed("sentences matching these do not count:", req.exclude)
    for condition in req.not_applicable_when:
        unless = " (only if the policy never mentions it)" if condition.unless_mentioned else ""
        under = f" under a heading with {', '.join(repr(h) for h in condition.headings)}" if condition.headings else ""
        lines += ["", f"not applicable (instead of a gap){unless} when a sentence{under} shows: \"{condition.reason}\""]
        lines += [f"  - {pattern_text(p)}" for p in condition.patterns]
        for name in condition.frames:
            lines += _listed(f"  or holds the frame '{name}':", frames.get(name, ()))
        lines += _listed("  unless a sentence anywhere shows otherwise:", condition.contradicted_by)
        for name in condition.contradicted_by_frames:
            lines += _listed(f"  unless a sentence anywhere holds the frame '{name}':", frames.get(name, ()))
    if req.applies_only_when is not None:
        lines += [""] + _listed(f"applies only when a sentence shows (otherwise not applicable: "
                                f"\"{req.applies_only_when.reason}\"):", req.applies_only_when.patterns)
    for kind in ("match", "partial", "no_match", "not_applicable"):
        if req.examples.get(kind):
            lines += ["", f"examples ({kind.replace('_', ' ')}):"] + [f"  \"{e}\"" for e in req.examples[kind]]
    lines += ["", f"remediation: {req.remediation}"]
    return lines
