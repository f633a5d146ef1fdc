"""SARIF 2.1.0 and JUnit XML: gaps and findings where CI dashboards look for them.

SARIF: one run; each requirement and each finding kind is a rule (help text from the checklist:
references and remediation); each gap (partial/missing) and each finding is a result with the
policy file, a line (the evidence's, or 1 for a missing disclosure) and a level from severity.
JUnit: one test suite per policy, one test case per requirement (failed when it is a gap) and
one failed case per finding. XML is built with ElementTree, so text is escaped by construction.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from checker.models import Report, Status
from checker.report.view import waiver_terms

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"high": "error", "medium": "warning", "low": "note"}


def _requirements(report: Report) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in report.requirements}


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log as a dict (rendered by :func:`render_sarif`)."""
    table = _requirements(report)
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}

    def rule(rule_id: str, title: str, severity: str, help_text: str) -> int:
        if rule_id not in index:
            index[rule_id] = len(rules)
            rules.append({"id": rule_id, "name": rule_id, "shortDescription": {"text": title},
                          "help": {"text": help_text},
                          "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
                          "properties": {"severity": severity}})
        return index[rule_id]

    for r in report.requirements:
        refs = "; ".join(r.get("references", []))
        rule(r["id"], r.get("title", r["id"]), r.get("severity", "medium"),
             f"{r.get('title', r['id'])} ({refs}). {r.get('remediation', '')}".strip())
    results: list[dict[str, Any]] = []
    for policy in report.policies:
        for v in policy.verdicts:
            if not v.status.is_gap:
                continue
            req = table.get(v.requirement, {})
            severity = req.get("severity", "medium")
            line = v.evidence[0].line if v.evidence else 1
            results.append({
                "ruleId": v.requirement, "ruleIndex": rule(v.requirement, v.requirement, severity, v.reason),
                "level": LEVEL.get(severity, "warning"),
                "message": {"text": f"{v.status.value}: {v.reason}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": policy.source},
                                                    "region": {"startLine": max(1, line)}}}],
                "partialFingerprints": {"gapcheck/v1": f"{policy.source}|{v.requirement}"},
                "properties": {"status": v.status.value, "severity": severity,
                               "references": list(req.get("references", []))},
                **_suppression(policy.waiver_of(requirement=v.requirement))})
        for f in policy.findings:
            rule_id = f"finding/{f.kind}"
            at = rule(rule_id, f"Finding: {f.kind.replace('_', ' ')}", f.severity, f.message)
            results.append({
                "ruleId": rule_id, "ruleIndex": at, "level": LEVEL.get(f.severity, "warning"),
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": policy.source},
                                                    "region": {"startLine": max(1, f.evidence.line),
                                                               "snippet": {"text": f.evidence.text}}}}],
                "partialFingerprints": {"gapcheck/v1": f.fingerprint(policy.source)},
                "properties": {"severity": f.severity},
                **_suppression(policy.waiver_of(finding=f.kind))})
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if report.errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": e.message},
             "locations": [{"physicalLocation": {"artifactLocation": {"uri": e.source}}}]} for e in report.errors]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "gapcheck", "version": report.tool_version, "semanticVersion": report.tool_version,
                            "informationUri": "https://pypi.org/project/gapcheck/", "rules": rules}},
        "invocations": [invocation], "results": results}]}


def _suppression(waived: dict[str, Any] | None) -> dict[str, Any]:
    """A waived result as SARIF writes it: an external suppression, accepted, with the reason as
    its justification (dashboards then hide it and show why)."""
    if not waived:
        return {}
    justification = waived.get("reason", "")
    terms = waiver_terms(waived)
    if terms:
        justification += f" ({terms})"
    return {"suppressions": [{"kind": "external", "status": "accepted", "justification": justification}]}


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"


def render_junit(report: Report) -> str:
    """JUnit XML: a suite per policy, a case per requirement and per finding."""
    table = _requirements(report)
    suites = ET.Element("testsuites", name="gapcheck")
    total = failures = 0
    for policy in report.policies:
        cases: list[ET.Element] = []
        failed = skipped = 0
        for v in policy.verdicts:
            case = ET.Element("testcase", classname=policy.source, name=v.requirement)
            waived = policy.waiver_of(requirement=v.requirement) if v.status.is_gap else None
            if waived is not None:
                ET.SubElement(case, "skipped", message=f"accepted ({v.status.value}): {waived.get('reason', '')}")
                skipped += 1
            elif v.status.is_gap:
                req = table.get(v.requirement, {})
                failure = ET.SubElement(case, "failure", message=f"{v.status.value}: {v.reason}",
                                        type=req.get("severity", "medium"))
                refs = "; ".join(req.get("references", []))
                evidence = "\n".join(f"line {e.line}: {e.text}" for e in v.evidence)
                failure.text = "\n".join(x for x in (refs, req.get("remediation", ""), evidence) if x)
                failed += 1
            elif v.status is Status.NOT_APPLICABLE:
                ET.SubElement(case, "skipped", message=f"not applicable: {v.reason}")
                skipped += 1
            cases.append(case)
        for f in policy.findings:
            case = ET.Element("testcase", classname=policy.source, name=f"finding {f.kind} line {f.evidence.line}")
            waived = policy.waiver_of(finding=f.kind)
            if waived is not None:
                ET.SubElement(case, "skipped", message=f"accepted: {waived.get('reason', '')}")
                skipped += 1
            else:
                failure = ET.SubElement(case, "failure", message=f.message, type=f.severity)
                failure.text = f"line {f.evidence.line}: {f.evidence.text}"
                failed += 1
            cases.append(case)
        suite = ET.SubElement(suites, "testsuite", name=policy.source, tests=str(len(cases)), failures=str(failed),
                              errors="0", skipped=str(skipped))
        suite.extend(cases)
        total += len(cases)
        failures += failed
    for e in report.errors:
        suite = ET.SubElement(suites, "testsuite", name=e.source, tests="1", failures="0", errors="1", skipped="0")
        case = ET.SubElement(suite, "testcase", classname=e.source, name="read")
        ET.SubElement(case, "error", message=e.message)
        total += 1
    for k in report.skipped:
        suite = ET.SubElement(suites, "testsuite", name=k.source, tests="1", failures="0", errors="0", skipped="1")
        case = ET.SubElement(suite, "testcase", classname=k.source, name="language")
        ET.SubElement(case, "skipped", message=k.message)
        total += 1
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", str(len(report.errors)))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
