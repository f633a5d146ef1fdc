"""What changed between two runs: policies added, removed or edited, gaps opened and closed,
findings new and resolved.

Works on report dicts in the JSON contract's shape (from a JSON or JSONL file), so last night's
report is all a nightly job needs to keep. Policies are matched by source path; a gap is a
requirement whose status is partial or missing; findings are matched by kind and sentence text,
not line numbers, so an edit above them does not make them "new".
"""

from __future__ import annotations

from typing import Any

GAP = ("partial", "missing")


def _gaps(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in policy.get("requirements", []) if r.get("status") in GAP}


def _findings(policy: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["kind"], " ".join(f["evidence"]["text"].split()).lower()): f for f in policy.get("findings", [])}


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The changes from ``old`` to ``new`` (both JSON-contract dicts)."""
    before = {p["source"]: p for p in old.get("policies", [])}
    after = {p["source"]: p for p in new.get("policies", [])}
    out: dict[str, Any] = {
        "new_policies": sorted(set(after) - set(before)),
        "removed_policies": sorted(set(before) - set(after)),
        "changed_text": [], "new_gaps": [], "resolved_gaps": [], "new_findings": [], "resolved_findings": [],
    }
    for source in sorted(set(before) & set(after)):
        old_p, new_p = before[source], after[source]
        if old_p.get("sha256") != new_p.get("sha256"):
            out["changed_text"].append(source)
        old_gaps, new_gaps = _gaps(old_p), _gaps(new_p)
        for rid in sorted(set(new_gaps) | set(old_gaps)):
            was, now = old_gaps.get(rid), new_gaps.get(rid)
            if now and (not was or was["status"] != now["status"]):
                out["new_gaps"].append({"source": source, "requirement": rid, "status": now["status"],
                                        "was": was["status"] if was else "met", "severity": now.get("severity", "")})
            elif was and not now:
                out["resolved_gaps"].append({"source": source, "requirement": rid, "was": was["status"]})
        old_f, new_f = _findings(old_p), _findings(new_p)
        for key in sorted(set(new_f) - set(old_f)):
            f = new_f[key]
            out["new_findings"].append({"source": source, "kind": f["kind"], "severity": f.get("severity", ""),
                                        "line": f["evidence"].get("line"), "text": f["evidence"]["text"]})
        for key in sorted(set(old_f) - set(new_f)):
            out["resolved_findings"].append({"source": source, "kind": key[0], "text": old_f[key]["evidence"]["text"]})
    for source in out["new_policies"]:
        for rid, r in _gaps(after[source]).items():
            out["new_gaps"].append({"source": source, "requirement": rid, "status": r["status"], "was": None,
                                    "severity": r.get("severity", "")})
        for f in _findings(after[source]).values():
            out["new_findings"].append({"source": source, "kind": f["kind"], "severity": f.get("severity", ""),
                                        "line": f["evidence"].get("line"), "text": f["evidence"]["text"]})
    out["counts"] = {k: len(v) for k, v in out.items() if isinstance(v, list)}
    return out


def format_diff(diff: dict[str, Any], limit: int = 20) -> str:
    """A terminal summary of a diff, the first ``limit`` items of each kind."""
    c = diff["counts"]
    lines = [f"since the baseline: {c['new_policies']} new, {c['removed_policies']} removed, "
             f"{c['changed_text']} edited policies; {c['new_gaps']} new gaps, {c['resolved_gaps']} resolved; "
             f"{c['new_findings']} new findings, {c['resolved_findings']} resolved"]
    for item in diff["new_gaps"][:limit]:
        was = f" (was {item['was']})" if item["was"] else " (new policy)"
        lines.append(f"  + gap   {item['source']}: {item['requirement']} {item['status']}{was}")
    for item in diff["resolved_gaps"][:limit]:
        lines.append(f"  - gap   {item['source']}: {item['requirement']} (was {item['was']})")
    for item in diff["new_findings"][:limit]:
        lines.append(f"  + finding {item['source']}:{item['line']}: {item['kind']}")
    for item in diff["resolved_findings"][:limit]:
        lines.append(f"  - finding {item['source']}: {item['kind']}")
    return "\n".join(lines)
