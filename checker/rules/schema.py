"""The checklist language: the records a checklist file becomes and the strict reading of it.

Loading is strict (medspaCy's ``from_dict`` habit): an unknown key, a wrong type or a frame that
does not exist fails with the file, the line, the item id and what is wrong, because a silently
ignored typo in a checklist means a silently wrong audit. Nothing here needs spaCy: compiling the
patterns is :mod:`checker.rules.checklist`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from checker.models import SEVERITIES, Pattern
from checker.rules.errors import ChecklistError
from checker.rules.yaml_source import read_yaml


@dataclass(frozen=True)
class _ReasonedPatterns:
    """Sentences matching ``patterns`` show something about a requirement; ``reason`` says what."""

    reason: str
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class Applicability(_ReasonedPatterns):
    """When the law does not ask for a requirement: a sentence matching ``patterns`` shows the
    condition (an EU establishment, a service closed to children), and a gap becomes
    ``not_applicable`` with ``reason`` and that sentence as evidence.

    ``unless_mentioned``: only a ``missing`` verdict turns; a policy that names the thing at all
    (invokes legitimate interests somewhere) owes it whatever else it says."""

    unless_mentioned: bool = False
    contradicted_by: tuple[Pattern, ...] = ()
    """Sentences that show the condition does not hold after all, anywhere in the policy: a notice
    that says it collects no personal data and then names the legal basis of its processing."""
    headings: tuple[str, ...] = ()
    """When given, the condition's sentences count only under a heading holding one of these
    words: an EU postal address shows where the controller is only in the contact details."""
    frames: tuple[str, ...] = ()
    """Checklist frames whose sentences show the condition too: a condition that many requirements
    share ("no personal data is collected") is matched once per policy as a frame, not once per
    requirement (its patterns would run, and their matches be kept, for each of them)."""
    contradicted_by_frames: tuple[str, ...] = ()
    """Frames whose sentences contradict the condition, like :attr:`contradicted_by`."""

    @staticmethod
    def role(k: int) -> str:
        """The pattern role of a requirement's ``k``-th condition (``not_applicable``, then
        ``not_applicable:2`` ...): the first keeps the plain name, so its pattern ids stay as they were."""
        return "not_applicable" if k == 0 else f"not_applicable:{k + 1}"

    @staticmethod
    def contra_role(k: int) -> str:
        """The pattern role of the ``k``-th condition's ``contradicted_by`` patterns."""
        return Applicability.role(k) + ":unless"


@dataclass(frozen=True)
class Counterweight(_ReasonedPatterns):
    """Statements that weigh against a qualifier (see :attr:`Qualifier.outweighed_by`)."""

    settled_by: tuple[Pattern, ...] = ()
    """A sentence giving the qualifier that also matches one of these cannot be outweighed: it gives
    the qualifier for the whole disclosure, in the law's own form ("the criteria used to determine
    our retention periods include ..." after a general "as long as needed")."""


@dataclass(frozen=True)
class Lapsed(_ReasonedPatterns):
    """Names of a qualifier that are no longer in force (see :attr:`Qualifier.lapsed`); ``finding``
    (kind, severity, message) is reported where only these are named."""

    finding: dict[str, str] | None = None


@dataclass(frozen=True)
class Qualifier:
    """Something a disclosure must also contain to be ``met`` (a safeguard, a period, an age)."""

    name: str
    description: str
    reason: str
    patterns: tuple[Pattern, ...]
    finding: dict[str, str] | None = None
    anywhere: bool = False
    """Look for it in the whole policy, not only near the evidence: a contact channel may stand in
    the imprint at the top while "write to us" stands in the rights section."""
    outweighed_by: Counterweight | None = None
    """Statements that say the opposite ("as long as necessary" against a retention period): when the
    requirement's own sentences hold at least as many of them as sentences that give the qualifier,
    the qualifier counts as absent, with this reason. One concrete period for marketing data beside a
    vague rule for everything else leaves most data's retention vague (gold/README); a schedule of
    periods beside one general "as long as necessary" does not."""
    link_targets: tuple[str, ...] = ()
    """Regexes over the targets of links near the disclosure that also give the qualifier: a form or
    an address behind a link's words ("please submit feedback" linking to a feedback form, "e-mail
    us" linking to mailto:) is a channel the reader can use, though no address is written out."""
    lapsed: Lapsed | None = None
    """Ways of naming the qualifier that are no longer in force: the EU-US Safe Harbor (struck down by
    the CJEU in 2015) and Privacy Shield (2020) are transfer mechanisms a notice names, so the
    disclosure is made (the reviewers' labels call it ``met``), but no safeguard today. Where the
    policy names nothing else of the qualifier, the lapsed name counts for the verdict and the
    ``finding`` says that it has lapsed."""


@dataclass(frozen=True)
class Concept:
    """A disclosure recognised by composition rather than by listing whole sentences.

    ``terms`` name the thing (erase, erasure, be forgotten, delete ... your data); a term counts
    only in a sentence that also holds one of the checklist's ``frames`` (you may / have the right
    to / ask us / at your request), so the vocabulary and the ways of granting something are
    written once each and combine freely, in any order and in any position of a list. A heading
    that names the concept (``heading_terms``, or a term if it has none) makes the framed sentences under it count,
    however they paraphrase it. ``guards`` veto a term they overlap ("restrict access", "cannot
    delete"), not the whole sentence: the other rights of a list still count.
    """

    terms: tuple[Pattern, ...]
    frames: tuple[str, ...]
    heading_terms: tuple[Pattern, ...] = ()
    guards: tuple[Pattern, ...] = ()
    context: tuple[Pattern, ...] = ()
    """If given, one of these must also stand in the sentence ("withdraw it" counts where consent is
    named): a co-occurrence anywhere in the sentence, which a token pattern could only say with a
    long run of wildcards (slow in spaCy's Matcher, and bounded)."""
    policy_context: tuple[Pattern, ...] = ()
    """Context that counts wherever it stands in the policy: an opt-in to e-mails in one section makes
    "click the unsubscribe link" in another a withdrawal of that consent (the two are one practice,
    told where each belongs; a sentence's context is otherwise its paragraph)."""


@dataclass(frozen=True)
class Requirement:
    """One required disclosure, as written in a checklist file."""

    id: str
    title: str
    references: tuple[str, ...]
    severity: str
    description: str
    remediation: str
    checklist: str
    patterns: tuple[Pattern, ...] = ()
    partial_patterns: tuple[Pattern, ...] = ()
    partial_reason: str = ""
    section_patterns: tuple[Pattern, ...] = ()
    exclude: tuple[Pattern, ...] = ()
    headings: tuple[str, ...] = ()
    requires: tuple[Qualifier, ...] = ()
    detector: str | None = None
    match_headings: bool = False
    met_reason: str = ""
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    line: int = 0
    concept: Concept | None = None
    not_applicable_when: tuple[Applicability, ...] = ()
    """Conditions under which the law does not ask for the item (the first whose sentence is there
    decides): a controller established in the EU, a policy that says it collects no personal data."""
    applies_only_when: Applicability | None = None
    """The item binds only policies where a sentence matches these patterns (COPPA's notice items:
    services directed to children or that knowingly serve them); elsewhere a gap is ``not_applicable``."""


@dataclass(frozen=True)
class Checklist:
    """A loaded checklist file."""

    id: str
    title: str
    version: str
    path: str
    requirements: tuple[Requirement, ...]
    description: str = ""
    frames: dict[str, tuple[Pattern, ...]] = field(default_factory=dict)
    """Named ways of granting or asking for something (``you may``, ``ask us to``): what makes a
    concept's term a disclosure. Shared by every requirement of the checklist that has a concept."""


def _plain(value: Any) -> Any:
    """Strip the line bookkeeping so spaCy sees plain dicts and lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------

_TOP_KEYS = {"id": str, "title": str, "version": str, "description": str, "requirements": list,
             "vocabulary": dict, "frames": dict}
"""``vocabulary`` holds named word lists for YAML anchors (``&verbs [...]``, ``{IN: *verbs}``): shared
word lists stay in one place instead of drifting apart in copies."""
_TOP_REQUIRED = ("id", "title", "version", "requirements")
_ITEM_KEYS: dict[str, type | tuple[type, ...]] = {
    "id": str, "title": str, "references": list, "severity": str, "description": str, "remediation": str,
    "patterns": list, "partial_patterns": list, "partial_reason": str, "section_patterns": list,
    "exclude": list, "headings": list, "requires": list, "detector": str, "match_headings": bool,
    "met_reason": str, "examples": dict, "concept": dict, "not_applicable_when": (dict, list),
    "applies_only_when": dict,
}
_APPLICABILITY_KEYS: dict[str, type] = {"reason": str, "patterns": list, "unless_mentioned": bool, "contradicted_by": list,
                                         "headings": list, "frames": list, "contradicted_by_frames": list}
_REASONED_KEYS: dict[str, type] = {"reason": str, "patterns": list}
"""A reason and its patterns, nothing more: ``applies_only_when`` and ``outweighed_by`` (the keys of
``not_applicable_when`` would be accepted there and silently do nothing)."""
_CONCEPT_KEYS: dict[str, type] = {"terms": list, "frames": list, "heading_terms": list, "guards": list,
                                   "context": list, "policy_context": list}
_ITEM_REQUIRED = ("id", "title", "references", "severity", "description", "remediation")
_QUALIFIER_KEYS: dict[str, type] = {"name": str, "description": str, "reason": str, "patterns": list, "anywhere": bool,
                                    "finding": dict, "outweighed_by": dict, "lapsed": dict, "link_targets": list}
_LAPSED_KEYS: dict[str, type] = {"reason": str, "patterns": list, "finding": dict}
_COUNTERWEIGHT_KEYS: dict[str, type] = {"reason": str, "patterns": list, "settled_by": list}
_FINDING_KEYS = {"kind": str, "severity": str, "message": str}
_EXAMPLE_KEYS = ("match", "no_match", "partial", "not_applicable")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_keys(where: str, data: dict[str, Any], allowed: dict[str, Any], required: Iterable[str]) -> None:
    for key in data:
        if key not in allowed:
            line = getattr(data, "key_lines", {}).get(key)
            at = f" (line {line})" if line else ""
            raise ChecklistError(f"{where}: unknown key '{key}'{at} (allowed: {', '.join(sorted(allowed))})")
    for key in required:
        if key not in data or data[key] in (None, "", []):
            raise ChecklistError(f"{where}: missing required key '{key}'")
    for key, kind in allowed.items():
        if key in data and data[key] is not None and not isinstance(data[key], kind):
            expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise ChecklistError(f"{where}: '{key}' must be a {expected}, not {type(data[key]).__name__}")


def _line(data: Any) -> int:
    return getattr(data, "line", 0)


def _patterns(where: str, values: list[Any]) -> tuple[Pattern, ...]:
    out: list[Pattern] = []
    for value in values:
        if isinstance(value, str) and value.strip():
            out.append(value)
        elif isinstance(value, list) and value and all(isinstance(t, dict) for t in value):
            out.append(_plain(value))
        else:
            raise ChecklistError(f"{where}: a pattern must be a phrase (string) or a token pattern "
                                 f"(list of token dicts), got {value!r}")
    return tuple(out)


def _concept(where: str, data: Any, frames: dict[str, tuple[Pattern, ...]]) -> Concept:
    if not isinstance(data, dict):
        raise ChecklistError(f"{where}: 'concept' must be a mapping with terms and frames")
    _check_keys(f"{where} concept", data, _CONCEPT_KEYS, ("terms", "frames"))
    names = data["frames"]
    for name in names:
        if not isinstance(name, str) or name not in frames:
            known = ", ".join(sorted(frames)) or "none defined"
            raise ChecklistError(f"{where} concept: unknown frame {name!r} (the checklist's frames: {known})")
    return Concept(terms=_patterns(f"{where} concept terms", data["terms"]), frames=tuple(names),
                   heading_terms=_patterns(f"{where} concept heading_terms", data.get("heading_terms") or []),
                   guards=_patterns(f"{where} concept guards", data.get("guards") or []),
                   context=_patterns(f"{where} concept context", data.get("context") or []),
                   policy_context=_patterns(f"{where} concept policy_context", data.get("policy_context") or []))


def _applicability(where: str, key: str, data: Any) -> Applicability | None:
    """``applies_only_when``: one condition (``unless_mentioned`` has no meaning there)."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ChecklistError(f"{where}: '{key}' must be a mapping with reason and patterns")
    _check_keys(f"{where} {key}", data, _REASONED_KEYS, ("reason", "patterns"))
    return Applicability(" ".join(data["reason"].split()), _patterns(f"{where} {key}", data["patterns"]))


def _conditions(where: str, key: str, data: Any, frames: dict[str, tuple[Pattern, ...]]) -> tuple[Applicability, ...]:
    """``not_applicable_when``: one condition (a mapping) or several (a list of mappings), shown by
    its ``patterns``, its ``frames`` or both."""
    if data is None:
        return ()
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise ChecklistError(f"{where}: '{key}' must be a mapping with reason and patterns, or a list of them")
    conditions = []
    for item in items:
        _check_keys(f"{where} {key}", item, _APPLICABILITY_KEYS, ("reason",))
        if not item.get("patterns") and not item.get("frames"):
            raise ChecklistError(f"{where} {key}: needs 'patterns' or 'frames'")
        named = [*(item.get("frames") or []), *(item.get("contradicted_by_frames") or [])]
        for name in named:
            if not isinstance(name, str) or name not in frames:
                known = ", ".join(sorted(frames)) or "none defined"
                raise ChecklistError(f"{where} {key}: unknown frame {name!r} (the checklist's frames: {known})")
        conditions.append(Applicability(" ".join(item["reason"].split()), _patterns(f"{where} {key}", item.get("patterns") or []),
                                        bool(item.get("unless_mentioned", False)),
                                        _patterns(f"{where} {key} contradicted_by", item.get("contradicted_by") or []),
                                        tuple(str(h).lower() for h in item.get("headings") or []),
                                        tuple(item.get("frames") or ()), tuple(item.get("contradicted_by_frames") or ())))
    return tuple(conditions)


def _frames(path: str, data: Any) -> dict[str, tuple[Pattern, ...]]:
    if data is None:
        return {}
    frames: dict[str, tuple[Pattern, ...]] = {}
    for name, patterns in data.items():
        if not isinstance(name, str) or not _ID.match(name):
            raise ChecklistError(f"{path}: frame name {name!r} must be lower_snake_case")
        if not isinstance(patterns, list) or not patterns:
            raise ChecklistError(f"{path}: frame '{name}' must be a non-empty list of patterns")
        frames[name] = _patterns(f"{path}: frame '{name}'", patterns)
    return frames


def _finding_spec(where: str, data: Any) -> dict[str, str] | None:
    """A qualifier's finding (kind, severity, message), checked: a misspelt key or severity is an
    error, not a finding that silently never shows."""
    if data is None:
        return None
    _check_keys(where, data, _FINDING_KEYS, ("kind", "severity"))
    if data["severity"] not in SEVERITIES:
        raise ChecklistError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    return _plain(data)


def _requirement(path: str, checklist_id: str, data: Any, detectors: Iterable[str],
                 frames: dict[str, tuple[Pattern, ...]] | None = None) -> Requirement:
    if not isinstance(data, dict):
        raise ChecklistError(f"{path}: each requirement must be a mapping, got {type(data).__name__}")
    rid = data.get("id")
    where = f"{path}:{_line(data)}: requirement '{rid}'" if rid else f"{path}:{_line(data)}: requirement"
    _check_keys(where, data, _ITEM_KEYS, _ITEM_REQUIRED)
    rid = str(rid)
    if not _ID.match(rid):
        raise ChecklistError(f"{where}: id must be lower_snake_case letters, digits and underscores")
    if data["severity"] not in SEVERITIES:
        raise ChecklistError(f"{where}: severity must be one of {', '.join(SEVERITIES)}, not '{data['severity']}'")
    if not all(isinstance(r, str) and r.strip() for r in data["references"]):
        raise ChecklistError(f"{where}: references must be a list of strings such as 'GDPR Art. 13(2)(a)'")
    detector = data.get("detector")
    if detector is not None and detector not in set(detectors):
        raise ChecklistError(f"{where}: unknown detector '{detector}' (known: {', '.join(sorted(detectors))})")
    if not data.get("patterns") and not data.get("concept") and detector is None:
        raise ChecklistError(f"{where}: needs 'patterns', a 'concept' or a 'detector'")
    concept = _concept(where, data["concept"], frames or {}) if data.get("concept") is not None else None
    applicability = _conditions(where, "not_applicable_when", data.get("not_applicable_when"), frames or {})
    applies_only = _applicability(where, "applies_only_when", data.get("applies_only_when"))
    qualifiers: list[Qualifier] = []
    for q in data.get("requires") or []:
        qwhere = f"{path}:{_line(q)}: requirement '{rid}' requires"
        if not isinstance(q, dict):
            raise ChecklistError(f"{qwhere}: each entry must be a mapping")
        _check_keys(qwhere, q, _QUALIFIER_KEYS, ("name", "reason", "patterns"))
        finding = _finding_spec(f"{qwhere} '{q['name']}' finding", q.get("finding"))
        against = q.get("outweighed_by")
        if against is not None:
            _check_keys(f"{qwhere} '{q['name']}' outweighed_by", against, _COUNTERWEIGHT_KEYS, ("reason", "patterns"))
        lapsed = q.get("lapsed")
        if lapsed is not None:
            _check_keys(f"{qwhere} '{q['name']}' lapsed", lapsed, _LAPSED_KEYS, ("reason", "patterns"))
        targets = q.get("link_targets") or []
        for target in targets:
            try:
                re.compile(target)
            except (re.error, TypeError) as exc:
                raise ChecklistError(f"{qwhere} '{q['name']}' link_targets: {target!r} is no regular expression ({exc})") from None
        qualifiers.append(Qualifier(name=q["name"], description=str(q.get("description", q["name"])), reason=q["reason"],
                                    patterns=_patterns(f"{qwhere} '{q['name']}'", q["patterns"]),
                                    finding=finding,
                                    anywhere=bool(q.get("anywhere", False)), link_targets=tuple(targets),
                                    outweighed_by=Counterweight(against["reason"], _patterns(
                                        f"{qwhere} '{q['name']}' outweighed_by", against["patterns"]), _patterns(
                                        f"{qwhere} '{q['name']}' outweighed_by settled_by", against.get("settled_by") or []))
                                    if against else None,
                                    lapsed=Lapsed(lapsed["reason"], _patterns(f"{qwhere} '{q['name']}' lapsed", lapsed["patterns"]),
                                                  _finding_spec(f"{qwhere} '{q['name']}' lapsed finding", lapsed.get("finding")))
                                    if lapsed else None))
    examples = data.get("examples") or {}
    for key, value in examples.items():
        if key not in _EXAMPLE_KEYS or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ChecklistError(f"{where}: examples must map {'/'.join(_EXAMPLE_KEYS)} to lists of sentences")
    if data.get("partial_patterns") and not data.get("partial_reason"):
        raise ChecklistError(f"{where}: 'partial_patterns' needs a 'partial_reason'")
    return Requirement(
        id=rid, title=data["title"], references=tuple(data["references"]), severity=data["severity"],
        description=" ".join(data["description"].split()), remediation=" ".join(data["remediation"].split()),
        checklist=checklist_id,
        patterns=_patterns(f"{where} patterns", data.get("patterns") or []),
        partial_patterns=_patterns(f"{where} partial_patterns", data.get("partial_patterns") or []),
        partial_reason=data.get("partial_reason", ""),
        section_patterns=_patterns(f"{where} section_patterns", data.get("section_patterns") or []),
        exclude=_patterns(f"{where} exclude", data.get("exclude") or []),
        headings=tuple(str(h).lower() for h in data.get("headings") or []),
        requires=tuple(qualifiers), detector=detector, match_headings=bool(data.get("match_headings", False)),
        met_reason=data.get("met_reason", ""),
        examples={k: tuple(v) for k, v in examples.items()}, line=_line(data), concept=concept,
        not_applicable_when=applicability, applies_only_when=applies_only)


def parse_checklist(text: str, path: str, detectors: Iterable[str] = ()) -> Checklist:
    """Validate the YAML text of one checklist file (no pattern compilation yet)."""
    data = read_yaml(text, path)
    if not isinstance(data, dict):
        raise ChecklistError(f"{path}: a checklist must be a mapping with id, title, version and requirements")
    _check_keys(path, data, _TOP_KEYS, _TOP_REQUIRED)
    detectors = list(detectors)
    frames = _frames(path, data.get("frames"))
    requirements = [_requirement(path, str(data["id"]), item, detectors, frames) for item in data["requirements"]]
    seen: dict[str, int] = {}
    for req in requirements:
        if req.id in seen:
            raise ChecklistError(f"{path}:{req.line}: requirement '{req.id}' defined twice (first on line {seen[req.id]})")
        seen[req.id] = req.line
    return Checklist(id=str(data["id"]), title=data["title"], version=str(data["version"]), path=path,
                     requirements=tuple(requirements), description=data.get("description", ""), frames=frames)
