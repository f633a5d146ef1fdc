"""The command line: scan writes the JSON contract, bad files do not stop a batch, exit codes fit CI."""

from __future__ import annotations

import builtins
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from checker.cli import EXIT_GAPS, EXIT_OK, main

from .conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    out = tmp_path_factory.mktemp("reports")
    result = CliRunner().invoke(main, ["scan", str(SEEDS), "--out", str(out)])
    assert result.exit_code == EXIT_OK, result.output
    assert f"wrote {out / 'report.json'}" in result.output
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_json_report_contract(seed_report: dict) -> None:  # type: ignore[type-arg]
    assert seed_report["tool"]["name"] == "gapcheck" and seed_report["tool"]["version"]
    assert {c["id"] for c in seed_report["checklists"]} == {"gdpr", "coppa"}
    assert all(c["version"] for c in seed_report["checklists"])
    names = [Path(p["source"]).name for p in seed_report["policies"]]
    assert names == sorted(names) and len(names) == 5
    assert seed_report["errors"] == []
    for policy in seed_report["policies"]:
        assert len(policy["sha256"]) == 64
        assert set(policy["facts"]) >= {"children_age", "effective_date", "contact_emails"}
        for req in policy["requirements"]:
            assert req["status"] in ("met", "partial", "missing", "not_applicable")
            assert req["reason"] and req["references"]
            if req["status"] == "not_applicable":  # with the sentence that shows why, or none: nothing says it applies
                continue
            assert (req["status"] == "missing") == (req["evidence"] == [])
        for finding in policy["findings"]:
            assert {"kind", "severity", "message"} <= set(finding)
            assert finding["evidence"]["text"] and finding["evidence"]["line"] >= 1


def test_evidence_lines_point_into_the_source_file(seed_report: dict) -> None:  # type: ignore[type-arg]
    for policy in seed_report["policies"]:
        lines = (ROOT / policy["source"]).read_text(encoding="utf-8").splitlines()
        for req in policy["requirements"]:
            for ev in req["evidence"]:
                first_word = ev["text"].split()[0].strip("*_[(\u201c\"")
                assert first_word in lines[ev["line"] - 1], (policy["source"], req["id"], ev)


def test_provenance_and_the_childrens_age_comparison(seed_report: dict) -> None:  # type: ignore[type-arg]
    asi = next(p for p in seed_report["policies"] if p["source"].endswith("asi.md"))
    assert asi["metadata"]["archive_date"] == "2018-12-21"
    assert asi["metadata"]["source_site"] == "asipartner.com"
    age = next(c for c in seed_report["comparisons"] if c["kind"] == "children_age")
    assert sorted(v for v in age["values"].values() if v is not None) == [13, 18]


def test_out_dash_writes_only_json_to_stdout() -> None:
    result = CliRunner().invoke(main, ["scan", str(SEEDS / "aspera.md"), "--format", "json", "--out", "-"])
    assert result.exit_code == EXIT_OK
    data = json.loads(result.stdout)
    assert [Path(p["source"]).name for p in data["policies"]] == ["aspera.md"]
    assert "1 policy scanned" in result.stderr


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text((SEEDS / "aspera.md").read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "locked.md").write_text("We retain data for 30 days.")
    (corpus / "empty.txt").write_text("")
    (corpus / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00")
    (corpus / "gone.md").symlink_to(corpus / "nowhere.md")
    # a file this process may not read (chmod does not stop root, which CI runs as), however it is opened
    real_read_bytes, real_open = Path.read_bytes, builtins.open

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, Path)) and Path(file).name == "locked.md":
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(builtins, "open", guarded_open)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(corpus), "--out", str(out)])
    assert result.exit_code == EXIT_OK, result.output
    data = json.loads((out / "report.json").read_text())
    assert [Path(p["source"]).name for p in data["policies"]] == ["good.md"]
    errors = {Path(e["source"]).name: e["message"] for e in data["errors"]}
    assert "permission denied" in errors["locked.md"]
    assert "empty file" in errors["empty.txt"]
    assert "binary file" in errors["image.html"]
    assert "file not found" in errors["gone.md"]
    for name, message in errors.items():
        assert name in message and "\n" not in message
        assert message in result.output


def test_fail_on_gives_exit_1_for_ci(tmp_path: Path) -> None:
    args = ["scan", str(SEEDS / "asustor.md"), "--out", str(tmp_path)]
    assert CliRunner().invoke(main, args + ["--fail-on", "high"]).exit_code == EXIT_GAPS
    assert CliRunner().invoke(main, args + ["--fail-on", "none"]).exit_code == EXIT_OK


def test_checklists_and_explain() -> None:
    listing = CliRunner().invoke(main, ["checklists"])
    assert listing.exit_code == 0
    assert "gdpr" in listing.output and "retention" in listing.output and "children" in listing.output
    explained = CliRunner().invoke(main, ["explain", "retention"])
    assert explained.exit_code == 0
    assert "GDPR Art. 13(2)(a)" in explained.output and "remediation:" in explained.output
    missing = CliRunner().invoke(main, ["explain", "no_such_thing"])
    assert missing.exit_code == 2


def test_python_dash_m_checker_is_the_same_command() -> None:
    out = subprocess.run([sys.executable, "-m", "checker", "--help"], capture_output=True, text=True, check=True)
    assert "scan" in out.stdout and "eval" in out.stdout


def test_installed_command_writes_everything_and_keeps_the_exit_code(tmp_path: Path) -> None:
    """The command ends without tearing the interpreter down: reports, summary and exit code must
    all be out before it does, also when standard output is a pipe."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "checker", "scan", str(SEEDS / "asi.md"), "--format", "json,jsonl",
                           "--out", str(out), "--fail-on", "low"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == EXIT_GAPS, done.stderr
    assert "1 policy scanned" in done.stdout and f"wrote {out / 'results.jsonl'}" in done.stdout
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["policies"][0]["requirements"]
    assert json.loads((out / "results.jsonl").read_text(encoding="utf-8").splitlines()[-1])["type"] == "summary"
    assert not list(out.glob(".*.tmp"))
    usage = subprocess.run([sys.executable, "-m", "checker", "scan", "--format", "nonsense", str(SEEDS)],
                           capture_output=True, text=True, cwd=tmp_path)
    assert usage.returncode == 2 and "nonsense" in usage.stderr


def test_checklists_combine_gdpr_and_ccpa() -> None:
    result = CliRunner().invoke(main, ["scan", str(SEEDS / "asustor.md"), "--checklist", "gdpr", "--checklist", "ccpa",
                                       "--format", "json", "--out", "-"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [c["id"] for c in report["checklists"]] == ["gdpr", "ccpa"]
    ids = [r["id"] for r in report["policies"][0]["requirements"]]
    assert "right_erasure" in ids and "ccpa_opt_out" in ids and "children" not in ids
    listing = CliRunner().invoke(main, ["checklists"])
    assert "ccpa_non_discrimination" in listing.output and "legitimate_interests" in listing.output


def test_a_statistical_pipeline_keeps_the_checklists_lemmas(tmp_path: Path) -> None:
    """--model loads any installed/saved pipeline; its own lemmatizer gives way to the lookup one."""
    import spacy

    from checker.nlp.pipeline import get_pipeline
    from checker.rules.checklist import load_checklists
    from checker.run.scan import scan

    saved = spacy.blank("en")
    saved.add_pipe("sentencizer")
    saved.add_pipe("lemmatizer", config={"mode": "rule"})  # a POS-based lemmatizer, as en_core_web_sm has
    saved.initialize()
    saved.to_disk(tmp_path / "pipe")
    model = str(tmp_path / "pipe")
    nlp = get_pipeline(model)
    assert "gapcheck_lemmatizer" in nlp.pipe_names and "lemmatizer" not in nlp.pipe_names
    assert [t.lemma_ for t in nlp("We set cookies")][-1] == "cooky"
    with_model = scan([SEEDS / "asi.md"], compiled=load_checklists(model=model), model=model).policies[0]
    default = scan([SEEDS / "asi.md"]).policies[0]
    assert {v.requirement: v.status for v in with_model.verdicts} == {v.requirement: v.status for v in default.verdicts}
