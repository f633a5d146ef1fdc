"""Waivers: a gap or finding accepted with a reason, an owner and an expiry, in every format.

The waived gap is asi.md's missing DPO contact (a 40-person company owes none, GDPR Art. 37): it
keeps its status and evidence, is shown apart as accepted, stops tripping --fail-on, is a SARIF
suppression and a JUnit skip. Expired waivers stop applying; unused ones are reported.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from checker.analysis.waivers import Waiver, WaiverBook, WaiverError, load_waivers
from checker.cli import EXIT_GAPS, EXIT_OK, EXIT_USAGE, main

from .conftest import ROOT, SEEDS

REASON = "ASI has about 40 staff and no large-scale processing of special data: Art. 37 <does not> apply"


def _waivers(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(yaml.safe_dump({"waivers": entries}, sort_keys=False), encoding="utf-8")
    return path


DPO = {"policy": "asi.md", "requirement": "dpo_contact", "reason": REASON, "owner": "audit@acme.example",
       "expires": "2099-06-30"}
EXPIRED = {"policy": "infortrend.txt", "finding": "placeholder", "reason": "draft, filled in before publication",
           "owner": "legal", "expires": "2020-01-01"}
UNUSED = {"policy": "nowhere/*.md", "requirement": "retention", "reason": "left over from last year"}


def _scan(tmp_path: Path, *extra: str, entries: list[dict[str, object]] | None = None,
          formats: str = "html,md,json,sarif,junit") -> tuple[object, Path]:
    waivers = _waivers(tmp_path, entries if entries is not None else [DPO, EXPIRED, UNUSED])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(SEEDS / "asi.md"), str(SEEDS / "infortrend.txt"), "--waivers",
                                       str(waivers), "--format", formats, "--out", str(out), *extra])
    return result, out


def test_a_waived_gap_keeps_its_status_and_shows_as_accepted_everywhere(tmp_path: Path) -> None:
    result, out = _scan(tmp_path)
    assert result.exit_code == EXIT_OK, result.output  # type: ignore[attr-defined]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    asi = next(p for p in report["policies"] if p["source"].endswith("asi.md"))
    dpo = next(r for r in asi["requirements"] if r["id"] == "dpo_contact")
    assert dpo["status"] == "missing" and dpo["waived"]["reason"] == REASON
    assert dpo["waived"]["owner"] == "audit@acme.example" and dpo["waived"]["expires"] == "2099-06-30"
    assert [r["id"] for p in report["policies"] for r in p["requirements"] if r.get("waived")] == ["dpo_contact"]
    assert report["waivers"]["applied"] == 1
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "accepted: ASI has about 40 staff" in html and "&lt;does not&gt;" in html and "<does not>" not in html
    assert "accepted by waivers" in html
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "| ✗ missing (medium), accepted | Data protection officer contact" in markdown
    assert "owner audit@acme.example, until 2099-06-30" in markdown
    sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["dpo_contact"]
    assert suppressed[0]["suppressions"][0]["kind"] == "external"
    assert suppressed[0]["suppressions"][0]["justification"].startswith(REASON)
    from sarif_pydantic import Sarif

    Sarif.model_validate(sarif)
    junit = ET.parse(out / "junit.xml").getroot()
    case = next(c for c in junit.iter("testcase") if c.get("name") == "dpo_contact" and "asi" in (c.get("classname") or ""))
    assert case.find("failure") is None and REASON in (case.find("skipped").get("message") or "")  # type: ignore[union-attr]


def test_expired_waivers_do_not_apply_and_unused_ones_are_reported(tmp_path: Path) -> None:
    result, out = _scan(tmp_path)
    output = result.output  # type: ignore[attr-defined]
    assert "accepted by waivers: 1" in output
    assert "expired waiver 2: finding placeholder for infortrend.txt (until 2020-01-01): no longer applies" in output
    assert "unused waiver 3: requirement retention for nowhere/*.md accepted nothing" in output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    infortrend = next(p for p in report["policies"] if p["source"].endswith("infortrend.txt"))
    assert [f for f in infortrend["findings"] if f["kind"] == "placeholder"]
    assert not any(f.get("waived") for f in infortrend["findings"])
    assert [w["entry"] for w in report["waivers"]["expired"]] == [2]
    assert [w["entry"] for w in report["waivers"]["unused"]] == [3]
    for name in ("index.html", "report.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert "expired waiver 2" in text and "unused waiver 3" in text


def _one_requirement_checklist(tmp_path: Path) -> Path:
    """gdpr.yaml cut down to dpo_contact: the seed then has one medium gap and nothing else."""
    from checker.rules.yaml_source import read_yaml  # the checklists' own reading ('no', 'on' stay words)

    data = read_yaml((ROOT / "checklists" / "gdpr.yaml").read_text(encoding="utf-8"), "gdpr.yaml")
    data = json.loads(json.dumps(data))  # plain dicts and lists, every word a string
    data["requirements"] = [r for r in data["requirements"] if r["id"] == "dpo_contact"]
    path = tmp_path / "dpo-only.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML, and quotes every string
    return path


def test_fail_on_ignores_the_waived_gap(tmp_path: Path) -> None:
    checklist = _one_requirement_checklist(tmp_path)
    args = ["scan", str(SEEDS / "asi.md"), "--checklist", str(checklist), "--fail-on", "medium", "--format", "json",
            "--out", str(tmp_path / "o")]
    assert CliRunner().invoke(main, args).exit_code == EXIT_GAPS
    findings = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))["policies"][0]["findings"]
    entries = [DPO] + [{"policy": "asi.md", "finding": f["kind"], "reason": "accepted for this test"}
                       for f in findings]
    waived = CliRunner().invoke(main, [*args, "--waivers", str(_waivers(tmp_path, entries))])
    assert waived.exit_code == EXIT_OK, waived.output
    assert "gaps:     0 high, 0 medium, 0 low" in waived.output


def test_a_streamed_run_marks_the_same_items(tmp_path: Path) -> None:
    full, out = _scan(tmp_path, formats="json")
    streamed = CliRunner().invoke(main, ["scan", str(SEEDS / "asi.md"), str(SEEDS / "infortrend.txt"), "--waivers",
                                         str(tmp_path / "waivers.yaml"), "--format", "jsonl", "--out",
                                         str(tmp_path / "s")])
    assert streamed.exit_code == EXIT_OK
    lines = [json.loads(line) for line in (tmp_path / "s" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    waived = [(p["source"], r["id"]) for p in lines if p["type"] == "policy" for r in p["requirements"] if r.get("waived")]
    assert [(Path(s).name, r) for s, r in waived] == [("asi.md", "dpo_contact")]
    assert lines[-1]["waivers"]["applied"] == 1
    summary = [line for line in streamed.output.splitlines() if line.startswith("  gaps:")]
    assert summary == [line for line in full.output.splitlines() if line.startswith("  gaps:")]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("entry", "problem"), [
    ({"policy": "a.md", "requirement": "dpo_contact"}, "waiver 1: 'reason' is required"),
    ({"policy": "a.md", "requirement": "x", "finding": "y", "reason": "r"}, "exactly one of 'requirement' or 'finding'"),
    ({"policy": "a.md", "requirement": "x", "reason": "r", "expires": "next year"}, "'expires' must be a date"),
    ({"policy": "a.md", "requirement": "x", "reason": "r", "expiry": "2027-01-01"}, "unknown key 'expiry'"),
])
def test_a_bad_waiver_exits_2_naming_the_file_and_the_entry(tmp_path: Path, entry: dict[str, object], problem: str) -> None:
    result, _ = _scan(tmp_path, entries=[entry])
    assert result.exit_code == EXIT_USAGE  # type: ignore[attr-defined]
    assert str(tmp_path / "waivers.yaml") in result.output and problem in result.output  # type: ignore[attr-defined]


def test_broken_yaml_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("waivers:\n  - policy: [unclosed\n", encoding="utf-8")
    with pytest.raises(WaiverError, match=r"w.yaml: invalid YAML at line \d"):
        load_waivers(path)


def test_globs_name_policies_by_path_tail_or_file_name() -> None:
    waiver = Waiver("acme/*.md", "dpo_contact", False, "r")
    assert waiver.applies_to("policies/acme/privacy.md") and waiver.applies_to("acme/x.md")
    assert not waiver.applies_to("policies/other/privacy.md")
    assert Waiver("privacy.md", "x", False, "r").applies_to("/abs/path/privacy.md")
    book = WaiverBook([Waiver("*", "x", False, "r", expires=dt.date(2026, 12, 4))], today=dt.date(2026, 12, 5))
    assert book.active == [] and book.usage()["expired"][0]["item"] == "x"


def test_the_waivers_file_can_come_from_the_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(SEEDS / "asi.md", tmp_path / "asi.md")
    (tmp_path / "audit").mkdir()
    _waivers(tmp_path / "audit", [DPO])
    (tmp_path / "gapcheck.toml").write_text('waivers = "audit/waivers.yaml"\nformat = "json"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "asi.md", "--out", "o"])
    assert "accepted by waivers: 1" in result.output


def test_diff_lists_waiving_and_changed_facts(tmp_path: Path) -> None:
    text = (SEEDS / "asi.md").read_text(encoding="utf-8")
    policy = tmp_path / "p" / "asi.md"
    policy.parent.mkdir()
    policy.write_text(text, encoding="utf-8")
    runner = CliRunner()
    runner.invoke(main, ["scan", str(policy), "--format", "json", "--out", str(tmp_path / "old")])
    assert "13" in text
    policy.write_text(text.replace("13", "16"), encoding="utf-8")  # "under 13" -> "under 16"
    waivers = _waivers(tmp_path, [DPO])
    new = runner.invoke(main, ["scan", str(policy), "--format", "json", "--out", str(tmp_path / "new"), "--waivers",
                               str(waivers), "--baseline", str(tmp_path / "old" / "report.json")])
    assert "waived   " in new.output and "requirement dpo_contact" in new.output
    assert "fact  " in new.output and "children_age 13 -> 16" in new.output
    result = runner.invoke(main, ["diff", str(tmp_path / "old" / "report.json"), str(tmp_path / "new" / "report.json"),
                                  "--json"])
    diff = json.loads(result.output)
    assert diff["waiver_changes"] == [{"source": diff["changed_text"][0], "item": "requirement:dpo_contact",
                                       "change": "waived"}]
    assert {"fact": "children_age", "old": 13, "new": 16} in [
        {k: f[k] for k in ("fact", "old", "new")} for f in diff["fact_changes"]]


def test_the_library_scan_takes_waivers_too(compiled) -> None:  # type: ignore[no-untyped-def]
    from checker.run.scan import scan

    report = scan([SEEDS / "asi.md"], compiled=compiled, waivers=[Waiver("asi.md", "dpo_contact", False, REASON)])
    assert report.policies[0].waiver_of(requirement="dpo_contact") is not None
    assert report.waivers is not None and report.waivers["applied"] == 1 and report.waivers["unused"] == []
