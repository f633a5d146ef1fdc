"""Light results: a policy reduced to its statuses, for runs that keep no full result.

A streamed (JSONL) run keeps each policy only as statuses and finding severities (shared,
immutable records), enough for the summary, the exit code and the comparisons; memory stays flat
however many policies a night brings. A cached policy's light result is read off its stored
summary without rebuilding the result.
"""

from __future__ import annotations

from typing import Any

from checker.models import Evidence, Finding, PolicyResult, Status, Verdict
from checker.report.json_load import waived_of_record

_VERDICTS: dict[tuple[str, str, str], Verdict] = {}
_FINDINGS: dict[tuple[str, str], Finding] = {}
_NO_EVIDENCE = Evidence(text="", line=0)


def _verdict(requirement: str, status: str, checklist: str) -> Verdict:
    """The one shared status record for (requirement, status, checklist)."""
    key = (requirement, status, checklist)
    found = _VERDICTS.get(key)
    if found is None:
        found = _VERDICTS[key] = Verdict(requirement, Status(status), "", (), checklist)
    return found


def _finding(kind: str, severity: str) -> Finding:
    """The one shared finding record for (kind, severity)."""
    found = _FINDINGS.get((kind, severity))
    if found is None:
        found = _FINDINGS[(kind, severity)] = Finding(kind, severity, "", _NO_EVIDENCE)
    return found


def lighten(result: PolicyResult) -> PolicyResult:
    """The result without its text: statuses and finding severities, as shared records."""
    verdicts = tuple(_verdict(v.requirement, v.status.value, v.checklist) for v in result.verdicts)
    findings = tuple(_finding(f.kind, f.severity) for f in result.findings)
    facts = {"children_age": result.facts.get("children_age")}
    return PolicyResult(result.source, result.sha256, {}, verdicts, findings, facts, result.sentence_count,
                        result.waived)


def light_of_record(source: str, record: dict[str, Any]) -> PolicyResult:
    """The light result of a policy record of the JSON contract, or of its cached summary."""
    verdicts = tuple(_verdict(r["id"], r["status"], r.get("checklist", "")) for r in record["requirements"])
    findings = tuple(_finding(f["kind"], f["severity"]) for f in record.get("findings", []))
    facts = {"children_age": (record.get("facts") or {}).get("children_age")}
    return PolicyResult(source, str(record["sha256"]), {}, verdicts, findings, facts, int(record.get("sentences", 0)),
                        waived_of_record(record))



def summary_of_record(record: dict[str, Any]) -> dict[str, Any]:
    """A policy record cut down to what :func:`light_of_record` reads (the cache's summary line)."""
    return {"source": record["source"], "sha256": record["sha256"],
            "requirements": [{"id": r["id"], "status": r["status"], "checklist": r.get("checklist", "")}
                             for r in record["requirements"]],
            "findings": [{"kind": f["kind"], "severity": f["severity"]} for f in record.get("findings", [])],
            "facts": {"children_age": (record.get("facts") or {}).get("children_age")},
            "sentences": record.get("sentences", 0)}
