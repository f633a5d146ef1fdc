"""Report -> plain data that the HTML and Markdown templates render.

Everything a template needs is computed here (coverage scores, worst-first order, highlight
segments), so templates only lay data out and never build markup from strings: no HTML is
assembled in Python, and everything that comes from a policy reaches the page through Jinja2's
autoescaping.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from checker.models import SEVERITIES, Evidence, PolicyResult, Report, location_unit

STATUS_SYMBOL = {"met": "\u2713", "partial": "\u25d0", "missing": "\u2717", "not_applicable": "\u2013"}
STATUS_WEIGHT = {"met": 1.0, "partial": 0.5, "missing": 0.0}
"""Coverage counts what the law asks of the policy: ``not_applicable`` items are left out."""
SEVERITY_WEIGHT = {"low": 1, "medium": 2, "high": 3}


@dataclass
class Segment:
    """A piece of evidence text, highlighted when a pattern matched it."""

    text: str
    mark: bool


@dataclass
class EvidenceView:
    line: int
    heading: str | None
    segments: list[Segment]
    text: str
    page: int | None = None
    unit: str = "line"

    @property
    def where(self) -> str:
        """``line 12``, ``page 3, line 12`` for a PDF, ``paragraph 12`` for a Word document: what a
        reviewer looks up."""
        return f"page {self.page}, {self.unit} {self.line}" if self.page is not None else f"{self.unit} {self.line}"


@dataclass
class RequirementView:
    id: str
    title: str
    status: str
    symbol: str
    severity: str
    reason: str
    references: list[str]
    remediation: str
    evidence: list[EvidenceView]
    anchor: str
    gap: bool = False
    """``Status.is_gap``: the templates give a remedy for gaps only."""
    waived: dict[str, Any] | None = None
    """The waiver accepting this gap (reason, owner, expires), shown apart and not counted."""
    review_id: str = ""
    """The item's id in review sheets (``<source>#<requirement>``): marks made in the browser
    are scored by ``gapcheck eval --reviews`` as the rows of ``gapcheck review-sheet`` are."""

    @property
    def accepted(self) -> str:
        return accepted_text(self.waived)


@dataclass
class FindingView:
    kind: str
    severity: str
    message: str
    evidence: EvidenceView
    waived: dict[str, Any] | None = None
    review_id: str = ""
    """``<source>#finding-<n>``, n counting the policy's findings in report order (as review-sheet does)."""

    @property
    def accepted(self) -> str:
        return accepted_text(self.waived)


def waiver_terms(waived: dict[str, Any], no_expiry: str = "") -> str:
    """"owner jane@x, until 2027-06-30": who accepted an item and for how long."""
    terms = [f"owner {waived['owner']}" if waived.get("owner") else "",
             f"until {waived['expires']}" if waived.get("expires") else no_expiry]
    return ", ".join(t for t in terms if t)


def accepted_text(waived: dict[str, Any] | None) -> str:
    """"accepted: <reason> (owner jane@x, until 2027-06-30)": how every report shows a waiver."""
    if not waived:
        return ""
    return f"accepted: {waived.get('reason', '')} ({waiver_terms(waived, 'no expiry')})"


@dataclass
class PolicyView:
    number: int
    anchor: str
    source: str
    sha256: str
    name: str
    metadata: dict[str, Any]
    snapshot_url: str | None
    coverage: int
    gap_score: int
    gaps: Counter[str]
    statuses: Counter[str]
    requirements: list[RequirementView]
    findings: list[FindingView]
    facts: dict[str, Any]
    cells: dict[str, str] = field(default_factory=dict)  # requirement id -> "✓ met", for compact tables
    accepted: int = 0
    """Gaps and findings accepted by a waiver (not in ``gaps`` nor in the gap score)."""
    reading_notes: list[str] = field(default_factory=list)
    """How the text was read when that matters to the reader: a fallback extractor, an uncertain
    language, a file read as plain text. Shown under the policy's name in every report."""


@dataclass
class ReportView:
    title: str
    version: str
    generated: str
    checklists: list[dict[str, str]]
    requirements: list[dict[str, Any]]
    policies: list[PolicyView]
    worst_first: list[PolicyView]
    comparisons: list[dict[str, Any]]
    age_comparison: list[dict[str, Any]] | None
    errors: list[dict[str, str]]
    skipped: list[dict[str, str]] = field(default_factory=list)
    diff: dict[str, Any] | None = None
    totals: dict[str, Any] = field(default_factory=dict)
    waivers: dict[str, Any] | None = None
    """The run's waiver usage (applied count, expired and unused waivers), with ``--waivers``."""
    review_key: str = ""
    """Hash of what was judged (each policy's source, text hash and statuses): the browser keeps
    a reviewer's marks under it, so they survive a reload and a re-render of the same results,
    and never attach to another report's verdicts."""


def segments(evidence: Evidence) -> list[Segment]:
    """Split evidence text into plain and highlighted pieces (overlapping highlights merged)."""
    spans: list[tuple[int, int]] = []
    for start, end in sorted(evidence.highlights):
        start, end = max(0, start), min(len(evidence.text), end)
        if end <= start:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    out: list[Segment] = []
    position = 0
    for start, end in spans:
        if start > position:
            out.append(Segment(evidence.text[position:start], False))
        out.append(Segment(evidence.text[start:end], True))
        position = end
    if position < len(evidence.text):
        out.append(Segment(evidence.text[position:], False))
    return out


def _evidence(e: Evidence, unit: str = "line") -> EvidenceView:
    return EvidenceView(line=e.line, heading=e.heading, segments=segments(e), text=e.text, page=e.page, unit=unit)


def safe_url(url: Any) -> str | None:
    """Only http(s) links from policy metadata become links; anything else is shown as text."""
    if not isinstance(url, str):
        return None
    return url if urlparse(url).scheme in ("http", "https") else None


def _policy(number: int, result: PolicyResult, requirements: dict[str, dict[str, Any]]) -> PolicyView:
    reqs: list[RequirementView] = []
    gaps: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    unit = location_unit(result.metadata)
    accepted = 0
    for v in result.verdicts:
        meta = requirements.get(v.requirement, {})
        severity = meta.get("severity", "medium")
        statuses[v.status.value] += 1
        waived = result.waiver_of(requirement=v.requirement) if v.status.is_gap else None
        if waived is not None:
            accepted += 1
        elif v.status.is_gap:
            gaps[severity] += 1
        reqs.append(RequirementView(
            id=v.requirement, title=meta.get("title", v.requirement), status=v.status.value,
            symbol=STATUS_SYMBOL[v.status.value], severity=severity, reason=v.reason,
            references=list(meta.get("references", [])), remediation=meta.get("remediation", ""),
            evidence=[_evidence(e, unit) for e in v.evidence], anchor=f"p{number}-{v.requirement}", gap=v.status.is_gap,
            waived=waived, review_id=f"{result.source}#{v.requirement}"))
    owed = [v for v in result.verdicts if v.status.value in STATUS_WEIGHT]
    coverage = round(100 * sum(STATUS_WEIGHT[v.status.value] for v in owed) / (len(owed) or 1))
    numbered = sorted(enumerate(result.findings, start=1),
                      key=lambda item: (-SEVERITY_WEIGHT[item[1].severity], item[1].evidence.line))
    findings = [FindingView(f.kind, f.severity, f.message, _evidence(f.evidence, unit), result.waiver_of(finding=f.kind),
                            f"{result.source}#finding-{n}") for n, f in numbered]
    accepted += sum(1 for f in findings if f.waived is not None)
    gap_score = (sum(SEVERITY_WEIGHT[s] * n for s, n in gaps.items())
                 + sum(SEVERITY_WEIGHT[f.severity] for f in findings if f.waived is None))
    name = result.source.replace("\\", "/").rsplit("/", 1)[-1]
    return PolicyView(number=number, anchor=f"p{number}", source=result.source, sha256=result.sha256, name=name, metadata=result.metadata,
                      snapshot_url=safe_url(result.metadata.get("snapshot_url")), coverage=coverage,
                      gap_score=gap_score, gaps=gaps, statuses=statuses, requirements=reqs, findings=findings,
                      facts=result.facts, cells={r.id: f"{r.symbol} {r.status}" for r in reqs},
                      accepted=accepted, reading_notes=reading_notes(result.metadata))


def reading_notes(metadata: dict[str, Any]) -> list[str]:
    """The metadata notes on how a policy was read, in the order a reader needs them."""
    return [str(metadata[key]) for key in ("note", "language_note") if metadata.get(key)]


def build_view(report: Report, title: str = "Privacy policy gap report") -> ReportView:
    """Everything the templates show, computed once."""
    requirements = {r["id"]: r for r in report.requirements}
    policies = [_policy(n, p, requirements) for n, p in enumerate(report.policies, start=1)]
    gaps: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for p in policies:
        gaps.update(p.gaps)
        findings.update(f.severity for f in p.findings if f.waived is None)
    age = next((c for c in report.comparisons if c.kind == "children_age"), None)
    age_rows = None
    if age is not None:
        by_source = {p.source: p for p in policies}
        age_rows = [{"policy": by_source[src], "age": value} for src, value in age.values.items() if src in by_source]
    return ReportView(
        title=title, version=report.tool_version,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        checklists=report.checklists, requirements=report.requirements, policies=policies,
        worst_first=sorted(policies, key=lambda p: (-p.gap_score, p.coverage, p.source)),
        comparisons=[{"kind": c.kind, "message": c.message, "values": c.values} for c in report.comparisons],
        age_comparison=age_rows,
        errors=[{"source": e.source, "message": e.message} for e in report.errors],
        skipped=[{"source": s.source, "language": s.language, "message": s.message} for s in report.skipped],
        diff=report.diff, waivers=report.waivers, review_key=review_key(report),
        totals={"policies": len(policies), "requirements": len(report.requirements),
                "gaps": {s: gaps.get(s, 0) for s in reversed(SEVERITIES)},
                "findings": {s: findings.get(s, 0) for s in reversed(SEVERITIES)},
                "gap_total": sum(gaps.values()), "finding_total": sum(findings.values()),
                "accepted": sum(p.accepted for p in policies),
                "coverage": round(sum(p.coverage for p in policies) / len(policies)) if policies else 0})


def review_key(report: Report) -> str:
    """See :attr:`ReportView.review_key`."""
    digest = hashlib.sha256()
    for policy in report.policies:
        digest.update(f"{policy.source}\0{policy.sha256}\0".encode())
        digest.update("".join(f"{v.requirement}={v.status.value};" for v in policy.verdicts).encode())
        digest.update("".join(f"{f.kind};" for f in policy.findings).encode())
    return digest.hexdigest()[:20]
