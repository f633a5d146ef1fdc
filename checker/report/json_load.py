"""JSON / JSONL reports back into :class:`Report` records.

What was written by :mod:`checker.report.json_report` can be read back: the incremental cache
stores one policy per file, ``gapcheck report results.jsonl`` renders HTML/Markdown from a stream
without scanning again, and ``diff`` compares two runs. A malformed record raises
:class:`ReportFormatError` naming what is wrong, never a half-built report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from checker.models import Comparison, Evidence, Finding, InputError, PolicyResult, Report, Skipped, Status, Verdict


class ReportFormatError(ValueError):
    """A report (or cache entry) that is not what gapcheck writes."""


def _evidence(data: dict[str, Any]) -> Evidence:
    return Evidence(text=str(data["text"]), line=int(data["line"]), heading=data.get("heading"),
                    highlights=tuple((int(a), int(b)) for a, b in data.get("highlights", [])),
                    patterns=tuple(data.get("patterns", [])), page=data.get("page"))


def waived_of_record(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The waived items of a policy record of the JSON contract (see :class:`PolicyResult.waived`)."""
    waived = {f"requirement:{r['id']}": r["waived"] for r in record.get("requirements", []) if r.get("waived")}
    waived.update({f"finding:{f['kind']}": f["waived"] for f in record.get("findings", []) if f.get("waived")})
    return waived

def policy_from_dict(data: dict[str, Any]) -> PolicyResult:
    """One policy of the JSON contract as a :class:`PolicyResult`."""
    try:
        verdicts = tuple(Verdict(requirement=r["id"], status=Status(r["status"]), reason=r.get("reason", ""),
                                 evidence=tuple(_evidence(e) for e in r.get("evidence", [])),
                                 checklist=r.get("checklist", "")) for r in data["requirements"])
        findings = tuple(Finding(kind=f["kind"], severity=f["severity"], message=f["message"],
                                 evidence=_evidence(f["evidence"])) for f in data.get("findings", []))
        return PolicyResult(source=str(data["source"]), sha256=str(data["sha256"]),
                            metadata=dict(data.get("metadata") or {}), verdicts=verdicts, findings=findings,
                            facts=dict(data.get("facts") or {}), sentence_count=int(data.get("sentences", 0)),
                            waived=waived_of_record(data))
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportFormatError(f"not a gapcheck policy record ({type(exc).__name__}: {exc})") from None


def requirements_from_policies(policies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The requirement table (title, severity, references ...) as carried by the verdicts."""
    table: dict[str, dict[str, Any]] = {}
    for policy in policies:
        for r in policy.get("requirements", []):
            table.setdefault(r["id"], {"id": r["id"], "title": r.get("title", r["id"]),
                                       "checklist": r.get("checklist", ""), "severity": r.get("severity", "medium"),
                                       "references": list(r.get("references", [])),
                                       "remediation": r.get("remediation", "")})
    return list(table.values())


def report_from_dict(data: dict[str, Any]) -> Report:
    """A whole JSON report (the contract's shape) as a :class:`Report`."""
    try:
        policies = [policy_from_dict(p) for p in data["policies"]]
        return Report(
            tool_version=str(data.get("tool", {}).get("version", "")),
            checklists=list(data.get("checklists", [])), policies=policies,
            comparisons=[Comparison(c["kind"], c["values"], c.get("message", ""), c.get("counts"))
                         for c in data.get("comparisons", [])],
            errors=[InputError(e["source"], e["message"]) for e in data.get("errors", [])],
            requirements=data.get("requirements") or requirements_from_policies(data["policies"]),
            skipped=[Skipped(k["source"], k.get("language", ""), k["message"]) for k in data.get("skipped", [])],
            diff=data.get("diff"))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ReportFormatError(f"not a gapcheck report ({type(exc).__name__}: {exc})") from None


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a JSONL results file, one at a time (memory stays flat)."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise ReportFormatError(f"{path}:{number}: not JSON ({exc})") from None
            if not isinstance(record, dict) or "type" not in record:
                raise ReportFormatError(f"{path}:{number}: not a gapcheck JSONL record (no 'type')")
            yield record


def iter_report_policies(path: str | Path) -> Iterator[dict[str, Any]]:
    """The policy records of a JSON or JSONL report, one at a time: a JSONL file is streamed (a
    nightly diff never holds a whole report); a JSON file is one document and is read whole."""
    path = Path(path)
    if path.suffix.lower() != ".jsonl":
        yield from load_report_dict(path)["policies"]
        return
    try:
        for record in iter_jsonl(path):
            if record["type"] == "policy":
                yield record
    except OSError as exc:
        raise ReportFormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ReportFormatError(f"{path}: not JSON ({exc})") from None


def load_report_dict(path: str | Path) -> dict[str, Any]:
    """A JSON or JSONL report as a dict in the JSON contract's shape."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".jsonl":
            out: dict[str, Any] = {"policies": [], "errors": [], "skipped": [], "comparisons": []}
            for record in iter_jsonl(path):
                kind = record.pop("type")
                if kind == "run":
                    out.update(record)
                elif kind == "policy":
                    out["policies"].append(record)
                elif kind == "error":
                    out["errors"].append(record)
                elif kind == "skipped":
                    out["skipped"].append(record)
                elif kind == "summary":
                    out["comparisons"] = record.get("comparisons", [])
            return out
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportFormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except ValueError as exc:
        if isinstance(exc, ReportFormatError):
            raise
        raise ReportFormatError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or "policies" not in data:
        raise ReportFormatError(f"{path}: not a gapcheck report (no 'policies')")
    return data
