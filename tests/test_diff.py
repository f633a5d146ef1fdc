"""The streamed diff (checker.run.diff) against a plain one that holds both reports whole.

The plain diff below is the definition: every policy matched by source, gaps by requirement,
findings by kind and sentence text. The streamed one keeps only hashes of the old report and
reads the new one once; on real scans with random edits the two must agree item for item.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from checker.report.json_load import ReportFormatError
from checker.report.json_report import report_to_dict
from checker.run.diff import Baseline, diff_files, diff_reports
from checker.run.scan import scan

from .conftest import SEEDS

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
GAP = ("partial", "missing")


def plain_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Both reports in memory, compared policy by policy."""
    def gaps(p: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in p.get("requirements", []) if r.get("status") in GAP}

    def findings(p: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(f["kind"], " ".join(f["evidence"]["text"].split()).lower()): f for f in p.get("findings", [])}

    def waived(p: dict[str, Any]) -> set[str]:
        return ({f"requirement:{r['id']}" for r in p.get("requirements", []) if r.get("waived")}
                | {f"finding:{f['kind']}" for f in p.get("findings", []) if f.get("waived")})

    def new_finding(source: str, f: dict[str, Any]) -> dict[str, Any]:
        return {"source": source, "kind": f["kind"], "severity": f.get("severity", ""),
                "line": f["evidence"].get("line"), "text": f["evidence"]["text"]}

    before = {p["source"]: p for p in old["policies"]}
    after = {p["source"]: p for p in new["policies"]}
    out: dict[str, Any] = {"new_policies": sorted(set(after) - set(before)),
                           "removed_policies": sorted(set(before) - set(after)), "changed_text": [],
                           "new_gaps": [], "resolved_gaps": [], "new_findings": [], "resolved_findings": [],
                           "waiver_changes": [], "fact_changes": []}
    for source in sorted(set(before) & set(after)):
        o, n = before[source], after[source]
        if o.get("sha256") != n.get("sha256"):
            out["changed_text"].append(source)
        og, ng = gaps(o), gaps(n)
        for rid in sorted(set(og) | set(ng)):
            was, now = og.get(rid), ng.get(rid)
            if now and (not was or was["status"] != now["status"]):
                out["new_gaps"].append({"source": source, "requirement": rid, "status": now["status"],
                                        "was": was["status"] if was else "met", "severity": now.get("severity", "")})
            elif was and not now:
                out["resolved_gaps"].append({"source": source, "requirement": rid, "was": was["status"]})
        of, nf = findings(o), findings(n)
        out["new_findings"] += [new_finding(source, nf[k]) for k in sorted(set(nf) - set(of))]
        out["resolved_findings"] += [{"source": source, "kind": k[0], "text": of[k]["evidence"]["text"]}
                                     for k in sorted(set(of) - set(nf))]
        ow, nw = waived(o), waived(n)
        out["waiver_changes"] += sorted([{"source": source, "item": k, "change": "waived"} for k in nw - ow]
                                        + [{"source": source, "item": k, "change": "unwaived"} for k in ow - nw],
                                        key=lambda w: w["item"])
        for name in ("children_age", "effective_date", "contact_emails"):
            was, now = (o.get("facts") or {}).get(name), (n.get("facts") or {}).get(name)
            if was != now:
                out["fact_changes"].append({"source": source, "fact": name,
                                            "old": tuple(was) if isinstance(was, list) else was,
                                            "new": tuple(now) if isinstance(now, list) else now})
    for source in out["new_policies"]:
        out["new_gaps"] += [{"source": source, "requirement": rid, "status": r["status"], "was": None,
                             "severity": r.get("severity", "")} for rid, r in gaps(after[source]).items()]
        out["new_findings"] += [new_finding(source, f) for f in findings(after[source]).values()]
    out["counts"] = {k: len(v) for k, v in out.items() if isinstance(v, list)}
    return out


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    files = sorted(SEEDS.glob("*.md")) + sorted(SEEDS.glob("*.txt")) + sorted(PAGES.glob("*.html"))
    return report_to_dict(scan(files))


def _edited(report: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The report after a night of changes: policies gone, added, re-hashed; statuses flipped;
    findings dropped, reworded or duplicated; the order shuffled."""
    new = copy.deepcopy(report)
    policies = new["policies"]
    rng.shuffle(policies)
    for p in list(policies):
        roll = rng.random()
        if roll < 0.15:
            policies.remove(p)
            continue
        if roll < 0.3:
            twin = copy.deepcopy(p)
            twin["source"] = "added/" + p["source"]
            policies.append(twin)
        if rng.random() < 0.5:
            p["sha256"] = "edited"
        if rng.random() < 0.3:  # "under 13" -> "under 16", a new contact address
            p["facts"]["children_age"] = rng.choice([None, 13, 16, 18])
            p["facts"]["contact_emails"] = [*p["facts"].get("contact_emails", []), "new@example.test"]
        for r in p["requirements"]:
            if rng.random() < 0.3:
                r["status"] = rng.choice(["met", "partial", "missing"])
            if rng.random() < 0.1:
                r["waived"] = {"reason": "accepted by the auditor", "owner": "", "expires": None, "entry": 1}
        findings = p["findings"]
        for f in list(findings):
            roll = rng.random()
            if roll < 0.2:
                findings.remove(f)
            elif roll < 0.35:
                f["evidence"]["text"] = "  " + f["evidence"]["text"].upper() + " "  # same finding, spaced and cased
            elif roll < 0.5:
                f["evidence"]["text"] += " (reworded)"
            elif roll < 0.6:
                findings.append(copy.deepcopy(f))
    return new


@pytest.mark.parametrize("seed", range(8))
def test_streamed_diff_equals_the_plain_diff_on_edited_real_reports(report: dict[str, Any], seed: int) -> None:
    rng = random.Random(seed)
    old = _edited(report, rng) if seed % 2 else report
    new = _edited(report, rng)
    expected = plain_diff(old, new)
    assert sum(expected["counts"].values()) > 0
    assert diff_reports(old, new) == expected
    assert diff_reports(new, old) == plain_diff(new, old)


def test_file_diff_streams_jsonl_and_reads_json(report: dict[str, Any], tmp_path: Path) -> None:
    rng = random.Random(42)
    old, new = report, _edited(report, rng)
    old_json = tmp_path / "old.json"
    old_json.write_text(json.dumps(old), encoding="utf-8")
    new_jsonl = tmp_path / "new.jsonl"
    lines = [{"type": "run"}] + [{"type": "policy", **p} for p in new["policies"]] + [{"type": "summary"}]
    new_jsonl.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    expected = plain_diff(old, new)
    assert expected["counts"]["resolved_findings"] and expected["counts"]["new_gaps"]
    assert diff_files(str(old_json), str(new_jsonl)) == expected
    assert diff_files(str(new_jsonl), str(old_json)) == plain_diff(new, old)


def test_baseline_keeps_no_report_text(report: dict[str, Any]) -> None:
    baseline = Baseline(lambda: report["policies"])
    assert len(baseline) == len(report["policies"])
    kept = repr(baseline._index)
    evidence = [f["evidence"]["text"] for p in report["policies"] for f in p["findings"]]
    assert evidence and not any(text in kept for text in evidence if len(text) > 20)


def test_a_policy_record_without_source_is_a_format_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "policy", "sha256": "x"}\n', encoding="utf-8")
    with pytest.raises(ReportFormatError, match="no 'source'"):
        diff_files(str(bad), str(bad))


@pytest.mark.parametrize("record", [
    '{"type": "policy", "source": "a.md", "requirements": [{"status": "missing"}]}',
    '{"type": "policy", "source": "a.md", "findings": [{"kind": "placeholder"}]}',
    '{"type": "policy", "source": "a.md", "requirements": "none"}',
])
def test_a_damaged_policy_record_is_a_format_error_naming_it(record: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(record + "\n", encoding="utf-8")
    good = tmp_path / "good.jsonl"
    good.write_text('{"type": "policy", "source": "a.md", "sha256": "x"}\n', encoding="utf-8")
    for old, new in ((bad, good), (good, bad)):
        with pytest.raises(ReportFormatError, match="a.md: not a gapcheck policy record"):
            diff_files(str(old), str(new))
