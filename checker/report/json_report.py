"""The JSON report: a contract. Fields may be added; the documented ones are never renamed."""

from __future__ import annotations

import json
from typing import Any

from checker.models import Finding, PolicyResult, Report, Verdict


def verdict_to_dict(verdict: Verdict, requirement: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": verdict.requirement, "status": verdict.status.value, "reason": verdict.reason,
                           "references": list(requirement["references"]) if requirement else [],
                           "evidence": [e.to_dict() for e in verdict.evidence]}
    if requirement:
        out.update(title=requirement["title"], checklist=requirement["checklist"], severity=requirement["severity"],
                   remediation=requirement["remediation"])
    return out


def finding_to_dict(finding: Finding, source: str) -> dict[str, Any]:
    return {"kind": finding.kind, "severity": finding.severity, "message": finding.message,
            "evidence": finding.evidence.to_dict(), "fingerprint": finding.fingerprint(source)}


def policy_to_dict(result: PolicyResult, requirements: dict[str, dict[str, Any]]) -> dict[str, Any]:
    verdicts = [verdict_to_dict(v, requirements.get(v.requirement)) for v in result.verdicts]
    findings = [finding_to_dict(f, result.source) for f in result.findings]
    if result.waived:  # "waived": the waiver's reason, owner and expiry, on the item it accepts
        for entry in verdicts:
            note = result.waiver_of(requirement=entry["id"])
            if note is not None:
                entry["waived"] = note
        for entry in findings:
            note = result.waiver_of(finding=entry["kind"])
            if note is not None:
                entry["waived"] = note
    return {
        "source": result.source,
        "sha256": result.sha256,
        "metadata": result.metadata,
        "requirements": verdicts,
        "findings": findings,
        "facts": result.facts,
        "sentences": result.sentence_count,
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    requirements = {r["id"]: r for r in report.requirements}
    return {
        "tool": {"name": "gapcheck", "version": report.tool_version},
        "checklists": report.checklists,
        "policies": [policy_to_dict(p, requirements) for p in report.policies],
        "comparisons": [c.to_dict() for c in report.comparisons],
        "errors": [{"source": e.source, "message": e.message} for e in report.errors],
        "skipped": [{"source": k.source, "language": k.language, "message": k.message} for k in report.skipped],
        **({"diff": report.diff} if report.diff is not None else {}),
        **({"waivers": report.waivers} if report.waivers is not None else {}),
    }


def render_json(report: Report) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
