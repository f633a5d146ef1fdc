"""Spot-check round trip: sample a sheet from a real report, mark it, read back measured precision."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from checker.cli import main
from checker.review import population, sample, wilson_interval

from .conftest import SEEDS


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review")
    result = CliRunner().invoke(main, ["scan", str(SEEDS), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "report.json"


@pytest.mark.parametrize("right, n, low, high", [
    (7, 10, 0.3968, 0.8922),   # Wilson 1927 / Newcombe 1998 worked values
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (81, 263, 0.2553, 0.3662),
])
def test_wilson_interval_matches_published_values(right: int, n: int, low: float, high: float) -> None:
    got = wilson_interval(right, n)
    assert got == pytest.approx((low, high), abs=5e-4)


def test_sampling_is_reproducible_and_stratifies(report_path: Path) -> None:
    rows = population(json.loads(report_path.read_text(encoding="utf-8")))
    policies = 5
    verdicts = [r for r in rows if r["kind"] == "verdict"]
    assert len(verdicts) % policies == 0 and {r["kind"] for r in rows} == {"verdict", "finding"}
    first, again, other = sample(rows, 12, seed=1), sample(rows, 12, seed=1), sample(rows, 12, seed=2)
    assert [r["id"] for r in first] == [r["id"] for r in again] != [r["id"] for r in other]
    assert len({r["id"] for r in first}) == 12
    stratified = sample(rows, 2, seed=1, per_requirement=True)
    per_requirement: dict[str, int] = {}
    for row in stratified:
        per_requirement[row["requirement"]] = per_requirement.get(row["requirement"], 0) + 1
    assert set(per_requirement) == {r["requirement"] for r in rows}
    assert max(per_requirement.values()) == 2
    assert len(sample(rows, 10_000, seed=1)) == len(rows)


def test_yaml_round_trip_gives_the_known_precision(report_path: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.yaml"
    result = CliRunner().invoke(main, ["review-sheet", str(report_path), "--sample", "10", "--seed", "5",
                                       "--no-findings", "--out", str(sheet)])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(sheet.read_text(encoding="utf-8"))
    assert data["seed"] == 5 and len(data["items"]) == 10
    for item in data["items"]:
        assert item["verdict"] == "" and item["references"] and item["status"] in ("met", "partial", "missing", "not_applicable")
        if item["status"] in ("met", "partial"):
            assert item["evidence"] and item["evidence"][0]["where"].startswith("line ")
    # the reviewer marks 7 right and 3 wrong, and leaves nothing blank
    for n, item in enumerate(data["items"]):
        item["verdict"] = "right" if n < 7 else "wrong"
    data["items"][9]["correct_status"] = "met"
    sheet.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "--reviews", str(sheet), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["overall"]["n"] == 10 and scores["overall"]["precision"] == pytest.approx(0.7)
    assert scores["overall"]["ci95"] == pytest.approx([0.3968, 0.8922], abs=5e-4)
    assert scores["unmarked"] == 0
    wrong = {w["id"] for w in scores["wrong"]}
    assert wrong == {item["id"] for item in data["items"][7:]}
    assert sum(t["n"] for t in scores["per_requirement"].values()) == 10
    gap_items = [i for i in data["items"] if i["status"] in ("partial", "missing")]
    assert scores["gaps"]["n"] == len(gap_items)
    assert scores["gaps"]["right"] == sum(1 for i in gap_items if i["verdict"] == "right")
    table = CliRunner().invoke(main, ["eval", "--reviews", str(sheet), "--details"])
    assert "measured precision: 0.700" in table.output and "-> met" in table.output


def test_csv_sheets_combine_and_skip_unmarked_rows(report_path: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for path, seed in ((first, 1), (second, 2)):
        result = CliRunner().invoke(main, ["review-sheet", str(report_path), "--sample", "6", "--seed", str(seed),
                                           "--out", str(path)])
        assert result.exit_code == 0, result.output
    marked_ids = set()
    for path, mark in ((first, "right"), (second, "wrong")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == 6 and rows[0]["evidence"] is not None
        for row in rows[:4]:
            row["verdict"] = mark
            marked_ids.add(row["id"])
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    scores = json.loads(CliRunner().invoke(main, ["eval", "--reviews", str(first), "--reviews", str(second),
                                                  "--json"]).output)
    # an item sampled into both sheets counts once, with its last mark
    assert scores["overall"]["n"] == len(marked_ids)
    assert scores["overall"]["right"] + scores["overall"]["wrong"] == len(marked_ids)
    assert scores["unmarked"] >= 2


def test_bad_sheets_and_reports_fail_clearly(report_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("items: [1, 2]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "--reviews", str(bad)])
    assert result.exit_code == 2 and "bad.yaml" in result.output and "item 1" in result.output
    notreport = tmp_path / "x.json"
    notreport.write_text('{"hello": 1}', encoding="utf-8")
    result = CliRunner().invoke(main, ["review-sheet", str(notreport)])
    assert result.exit_code == 2 and "x.json" in result.output
    result = CliRunner().invoke(main, ["eval", "--reviews", str(bad), "--gold", "g.yaml"])
    assert result.exit_code == 2


def test_only_gaps_or_only_findings_are_sampled_when_asked() -> None:
    from checker.review import population

    report = {"requirements": [], "policies": [{"source": "a.md", "requirements": [
        {"id": "retention", "status": "met"}, {"id": "right_access", "status": "missing"},
        {"id": "security", "status": "partial"}, {"id": "eu_representative", "status": "not_applicable"}],
        "findings": [{"kind": "placeholder", "message": "m", "evidence": {"text": "[X]", "line": 3}}]}]}
    assert [r["requirement"] for r in population(report, only="gaps")] == ["right_access", "security"]
    assert [r["requirement"] for r in population(report, only="findings")] == ["placeholder"]
    assert len(population(report)) == 5
