"""Acceptance: the seed policies against the reviewer's gold labels (shared/gold/seeds.yaml)."""

from __future__ import annotations

from click.testing import CliRunner

from checker.cli import main
from checker.evaluate import evaluate, load_gold
from checker.report.json_report import report_to_dict
from checker.run.scan import scan

from .conftest import SEEDS


def test_seeds_meet_the_core_targets(compiled) -> None:  # type: ignore[no-untyped-def]
    report = report_to_dict(scan([SEEDS], compiled=compiled))
    result = evaluate(report, load_gold(SEEDS / "gold.yaml"))
    assert result.unmatched_gold == []
    assert result.overall.f1 is not None and result.overall.f1 >= 0.95, result.disagreements
    assert result.findings_recall == 1.0, result.missed_findings
    assert result.age_accuracy == 1.0, result.age_mismatches


def test_eval_command_prints_the_table() -> None:
    result = CliRunner().invoke(main, ["eval", "--gold", str(SEEDS / "gold.yaml"), str(SEEDS)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:2] == ["requirement", "n"]
    assert any(line.startswith("retention ") for line in lines)
    assert lines[-4].startswith("overall gap detection: precision")
    assert lines[-1].startswith("children's age accuracy: 1.000")
