"""Nightly-scale features: parallel runs equal serial ones, the cache, JSONL streaming and
re-rendering, diffs against the last run, SARIF and JUnit, and the Dask executor."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker.run.local as local
import checker.run.tasks as runner
from checker.cli import main
from checker.report.ci_formats import sarif_log
from checker.run.scan import scan

from .conftest import SEEDS, cache_entries

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve policies (seeds, their saved pages, two broken files): enough for a process pool."""
    folder = tmp_path_factory.mktemp("corpus")
    for source in sorted(SEEDS.glob("*.md")) + sorted(SEEDS.glob("*.txt")) + sorted(PAGES.glob("*.html")):
        shutil.copy(source, folder / source.name)
    (folder / "empty.md").write_bytes(b"")
    (folder / "z-french.md").write_text("# Politique\\n\\nNous collectons vos données personnelles pour la "
                                         "gestion de votre compte et vous disposez d'un droit d'accès.\\n",
                                         encoding="utf-8")
    return folder


def _json(folder: Path, *args: str) -> dict:
    result = CliRunner().invoke(main, ["scan", *args, "--format", "json", "--out", str(folder), "-q"])
    assert result.exit_code == 0, result.output
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


def test_parallel_run_equals_serial_run(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "PARALLEL_MIN_TASKS", 2)
    serial = (tmp_path / "s")
    parallel = (tmp_path / "p")
    _json(serial, str(corpus), "--jobs", "1")
    _json(parallel, str(corpus), "--jobs", "3")
    assert (serial / "report.json").read_bytes() == (parallel / "report.json").read_bytes()
    data = json.loads((parallel / "report.json").read_text(encoding="utf-8"))
    assert len(data["policies"]) == 10 and len(data["errors"]) == 1 and len(data["skipped"]) == 1


def test_cache_reuses_unchanged_policies_and_distrusts_damaged_entries(corpus: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    first = _json(tmp_path / "a", str(corpus), "--cache", str(cache), "--jobs", "1")
    entries = cache_entries(cache)
    # ten policies, one language skip and one empty file: the same bytes always give the same problem
    assert len(entries) == 12
    calls = []

    def counting_analyse(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        raise AssertionError("a cached policy was analysed again")

    import checker.pipeline as scan_module
    monkeypatch.setattr(scan_module, "analyse", counting_analyse)
    second = _json(tmp_path / "b", str(corpus), "--cache", str(cache), "--jobs", "1")
    assert second == first and calls == []
    # damage one entry: it is recomputed, not trusted
    entries[0].write_text('{"key": "x", "kind": "policy", "data": {}}', encoding="utf-8")
    entries[1].write_text("{not json", encoding="utf-8")
    monkeypatch.undo()
    third = _json(tmp_path / "c", str(corpus), "--cache", str(cache), "--jobs", "1")
    assert third == first
    assert json.loads(entries[1].read_text(encoding="utf-8").splitlines()[0])["kind"] in ("policy", "skipped", "error")


def test_cache_key_changes_with_the_checklists(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _json(tmp_path / "a", str(corpus / "asi.md"), "--cache", str(cache))
    data = _json(tmp_path / "b", str(corpus / "asi.md"), "--cache", str(cache), "--checklist", "gdpr",
                 "--checklist", "ccpa")
    assert any(r["id"].startswith("ccpa_") for r in data["policies"][0]["requirements"])
    assert len(cache_entries(cache)) == 2


def test_jsonl_streams_and_rebuilds_the_same_reports(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(corpus), "--format", "jsonl,json", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines[0]["type"] == "run" and lines[-1]["type"] == "summary"
    assert [r["type"] for r in lines[1:-1]].count("policy") == 10
    assert lines[-1]["comparisons"][0]["kind"] == "children_age"
    rebuilt = tmp_path / "rebuilt"
    result = CliRunner().invoke(main, ["report", str(out / "results.jsonl"), "--format", "json,md,html",
                                       "--out", str(rebuilt)])
    assert result.exit_code == 0, result.output
    original = json.loads((out / "report.json").read_text(encoding="utf-8"))
    again = json.loads((rebuilt / "report.json").read_text(encoding="utf-8"))
    assert again["policies"] == original["policies"]
    assert again["comparisons"] == original["comparisons"]
    assert sorted(e["message"] for e in again["errors"]) == sorted(e["message"] for e in original["errors"])
    assert "asustor" in (rebuilt / "report.md").read_text(encoding="utf-8")


def test_jsonl_only_run_keeps_summary_and_exit_code(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(corpus), "--format", "jsonl", "--out", str(out),
                                       "--fail-on", "high"])
    assert result.exit_code == 1
    assert "10 policies scanned" in result.output and "13, 18" in result.output
    assert [p.name for p in out.iterdir()] == ["results.jsonl"]


def test_diff_against_the_last_run(corpus: Path, tmp_path: Path) -> None:
    changed = tmp_path / "policies"  # the same folder, scanned last night and today
    shutil.copytree(corpus, changed)
    old = _json(tmp_path / "old", str(changed))
    (changed / "asi.md").write_text((changed / "asi.md").read_text(encoding="utf-8") +
                                    "\n## Retention\n\nWe keep your order data for 6 years after your last purchase.\n",
                                    encoding="utf-8")
    (changed / "aspera.md").unlink()
    (changed / "new.md").write_text("# Privacy\n\nWe collect your e-mail address and transfer it to [List of countries].\n",
                                    encoding="utf-8")
    old_path = tmp_path / "old" / "report.json"
    result = CliRunner().invoke(main, ["scan", str(changed), "--baseline", str(old_path), "--format", "json,md",
                                       "--out", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert "since the baseline" in result.output
    new = json.loads((tmp_path / "new" / "report.json").read_text(encoding="utf-8"))
    diff = new["diff"]
    names = lambda items: {Path(x if isinstance(x, str) else x["source"]).name for x in items}  # noqa: E731
    assert names(diff["removed_policies"]) == {"aspera.md"} and names(diff["new_policies"]) == {"new.md"}
    assert names(diff["changed_text"]) == {"asi.md"}
    assert {(Path(g["source"]).name, g["requirement"]) for g in diff["resolved_gaps"]} == {("asi.md", "retention")}
    assert any(Path(f["source"]).name == "new.md" and f["kind"] == "placeholder" for f in diff["new_findings"])
    assert "Changes since the last run" in (tmp_path / "new" / "report.md").read_text(encoding="utf-8")
    standalone = CliRunner().invoke(main, ["diff", str(old_path), str(tmp_path / "new" / "report.json"), "--json"])
    assert json.loads(standalone.output)["counts"] == diff["counts"]
    assert old["policies"]  # the baseline itself is untouched
    fail = CliRunner().invoke(main, ["diff", str(old_path), str(tmp_path / "new" / "report.json"), "--fail-on-new"])
    assert fail.exit_code == 1


def test_sarif_is_valid_sarif_2_1_0(corpus: Path) -> None:
    from sarif_pydantic import Sarif

    report = scan([corpus])
    log = sarif_log(report)
    parsed = Sarif.model_validate(log)
    assert parsed.version == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    gaps = [(p.source, v.requirement) for p in report.policies for v in p.verdicts if v.status.is_gap]
    findings = sum(len(p.findings) for p in report.policies)
    assert len(run["results"]) == len(gaps) + findings
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
    retention = next(r for r in rules if r["id"] == "retention")
    assert "GDPR Art. 13(2)(a)" in retention["help"]["text"]
    assert run["invocations"][0]["toolExecutionNotifications"][0]["level"] == "error"


def test_junit_has_a_case_per_policy_and_requirement(corpus: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(corpus), "--format", "junit", "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0
    root = ET.parse(tmp_path / "junit.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    asi = next(s for name, s in suites.items() if name.endswith("asi.md"))
    cases = {c.get("name"): c for c in asi.iter("testcase")}
    assert cases["retention"].find("failure") is not None and cases["children"].find("failure") is None
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites.values())


def test_dask_executor_gives_the_serial_result(corpus: Path) -> None:
    pytest.importorskip("dask.distributed")
    serial = scan([corpus])
    on_dask = scan([corpus], executor="dask", jobs=2)
    assert on_dask == serial


def test_an_edited_cache_entry_is_not_trusted(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _json(tmp_path / "a", str(corpus / "asi.md"), "--cache", str(cache))
    plain = CliRunner().invoke(main, ["scan", str(corpus / "asi.md"), "--format", "json", "--out", str(tmp_path / "p")])
    first_summary = next(line for line in plain.output.splitlines() if "gaps:" in line)
    entry, = cache_entries(cache)
    header, summary, data = entry.read_text(encoding="utf-8").split("\n", 2)
    # valid JSON, the right key, a plausible result or summary: only the checksum shows it is not
    # gapcheck's (a rerun reads the summary instead of the result, so both must be covered)
    for forged_summary, forged_data in ((summary, data.replace('"status": "missing"', '"status": "met"')),
                                        (summary.replace('"status": "missing"', '"status": "met"'), data)):
        assert (forged_summary, forged_data) != (summary, data)
        assert json.loads(forged_summary) and json.loads(forged_data)
        for run, formats in (("b", "json"), ("c", "jsonl")):
            entry.write_text(header + "\n" + forged_summary + "\n" + forged_data, encoding="utf-8")
            result = CliRunner().invoke(main, ["scan", str(corpus / "asi.md"), "--cache", str(cache), "--format",
                                               formats, "--out", str(tmp_path / run)])
            assert result.exit_code == 0, result.output
            assert first_summary in result.output  # the counts too, not only the written result
        assert json.loads((tmp_path / "b" / "report.json").read_text(encoding="utf-8"))["policies"] == first["policies"]
        streamed = [json.loads(line) for line in (tmp_path / "c" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
        policy = next(r for r in streamed if r["type"] == "policy")
        assert {k: v for k, v in policy.items() if k != "type"} == first["policies"][0]


def test_an_unchanged_corpus_is_answered_without_nlp(corpus: Path, tmp_path: Path) -> None:
    """A rerun over cached policies reads and hashes files; it neither imports spaCy nor compiles
    a pattern (that is what makes it 20x faster than the first run)."""
    import subprocess
    import sys

    cache, out = tmp_path / "cache", tmp_path / "out"
    args = ["scan", str(corpus), "--cache", str(cache), "--format", "jsonl", "--out", str(out), "-q", "--jobs", "2"]
    probe = ("import sys\nfrom checker.cli import main\n"
             f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
             "print('spacy' in sys.modules, 'checker.nlp' in sys.modules)\n")
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["True", "True"]
    lines = (out / "results.jsonl").read_bytes()
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert second.stdout.split() == ["False", "False"], second.stderr
    assert (out / "results.jsonl").read_bytes() == lines


def test_a_broken_pattern_still_stops_a_cached_run(corpus: Path, tmp_path: Path) -> None:
    """With --cache the patterns compile at the first policy the cache cannot answer; a pattern
    that does not compile must still end the run with the usage error, not 12 per-file errors."""
    checklist = tmp_path / "broken.yaml"
    checklist.write_text(
        "id: broken\ntitle: Broken\nversion: '1'\nrequirements:\n"
        "  - id: retention\n    title: Retention\n    references: [GDPR Art. 13(2)(a)]\n    severity: high\n"
        "    description: d\n    remediation: r\n    patterns: [[{LEMA: retain}]]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", str(corpus), "--checklist", str(checklist), "--cache",
                                       str(tmp_path / "cache"), "--format", "jsonl", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "broken.yaml:5: requirement 'retention': core pattern 1: invalid token pattern" in result.output
    assert not (tmp_path / "o" / "results.jsonl").exists()


def _crash_on(name: str):  # type: ignore[no-untyped-def]
    real = runner.process

    def process(task, settings, compiled=None):  # type: ignore[no-untyped-def]
        if task.source.endswith(name):
            os._exit(3)  # what a segfault in a parser or the out-of-memory killer does to a worker
        return real(task, settings, compiled)

    return process


def test_a_worker_dying_on_one_file_costs_only_that_file(corpus: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    serial = scan([corpus], jobs=1)
    monkeypatch.setattr(local, "PARALLEL_MIN_TASKS", 2)
    monkeypatch.setattr(runner, "process", _crash_on("infortrend.txt"))  # workers are forked: they see it
    report = scan([corpus], jobs=2)
    died = [e for e in report.errors if e.source.endswith("infortrend.txt")]
    assert len(died) == 1 and "worker process died" in died[0].message
    expected = {p.source: p for p in serial.policies if not p.source.endswith("infortrend.txt")}
    assert {p.source: p for p in report.policies} == expected
    assert [s.source for s in report.skipped] == [s.source for s in serial.skipped]


def test_light_results_from_workers_share_their_status_records(corpus: Path) -> None:
    """A JSONL-only run keeps one light result per policy in the main process; the status records
    in them must be shared, not one unpickled copy per policy, or memory grows with the batch."""

    from checker.run.sinks import light_result, lighten

    result = scan([corpus / "asi.md"], jobs=1).policies[0]
    copies = [pickle.loads(pickle.dumps(lighten(result))) for _ in range(2)]  # as they arrive from workers
    assert copies[0].verdicts[0] is not copies[1].verdicts[0]
    kept = [light_result(runner.Outcome(result.source, line="{}", light=c)) for c in copies]
    assert all(a is b for a, b in zip(kept[0].verdicts, kept[1].verdicts))
    assert [v.status for v in kept[0].verdicts] == [v.status for v in result.verdicts]


def test_nightly_jsonl_run_against_a_jsonl_baseline(corpus: Path, tmp_path: Path) -> None:
    """The nightly shape: JSONL only, last night's JSONL as the baseline; the terminal summary
    gives the same counts as ``gapcheck diff`` of the two files."""
    changed = tmp_path / "policies"
    shutil.copytree(corpus, changed)
    first = CliRunner().invoke(main, ["scan", str(changed), "--format", "jsonl", "--out", str(tmp_path / "old"), "-q"])
    assert first.exit_code == 0, first.output
    (changed / "aspera.md").unlink()
    (changed / "new.md").write_text("# Privacy\n\nWe sell your e-mail address to [List of partners].\n", encoding="utf-8")
    old, new = tmp_path / "old" / "results.jsonl", tmp_path / "new" / "results.jsonl"
    result = CliRunner().invoke(main, ["scan", str(changed), "--format", "jsonl", "--out", str(tmp_path / "new"),
                                       "--baseline", str(old)])
    assert result.exit_code == 0, result.output
    standalone = CliRunner().invoke(main, ["diff", str(old), str(new), "--json"])
    counts = json.loads(standalone.output)["counts"]
    assert counts["removed_policies"] == 1 and counts["new_policies"] == 1 and counts["new_findings"] >= 1
    line = next(line for line in result.output.splitlines() if "since the baseline" in line)
    assert f"{counts['new_policies']} new, {counts['removed_policies']} removed" in line
    assert f"{counts['new_gaps']} new gaps, {counts['resolved_gaps']} resolved" in line


def test_jsonl_only_summary_counts_statuses_and_report_lists_them_again(corpus: Path, tmp_path: Path) -> None:
    """A streamed run does not list every policy's status per requirement in its summary (a
    190 MB line at 100,000 policies): it counts them, and ``gapcheck report`` lists them again."""
    full = _json(tmp_path / "full", str(corpus))
    out = tmp_path / "streamed"
    result = CliRunner().invoke(main, ["scan", str(corpus), "--format", "jsonl", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "results.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    by_kind = {c["kind"]: c for c in full["comparisons"]}
    assert [c["kind"] for c in summary["comparisons"]] == list(by_kind)
    for c in summary["comparisons"]:
        listed = by_kind[c["kind"]]
        assert c["message"] == listed["message"]
        if c["kind"] == "children_age":  # only the policies that state an age
            assert c["values"] == {s: a for s, a in listed["values"].items() if a is not None}
        else:
            statuses = [s for s in listed["values"].values() if s is not None]
            assert c["values"] == {} and c["counts"] == {s: statuses.count(s) for s in set(statuses)}
    assert any("counts" in c for c in summary["comparisons"])
    rebuilt = tmp_path / "rebuilt"
    result = CliRunner().invoke(main, ["report", str(out / "results.jsonl"), "--format", "json", "--out", str(rebuilt)])
    assert result.exit_code == 0, result.output
    assert json.loads((rebuilt / "report.json").read_text(encoding="utf-8"))["comparisons"] == full["comparisons"]


def test_jsonl_to_standard_output_against_a_baseline(corpus: Path, tmp_path: Path) -> None:
    """With JSONL going to standard output there is no file to re-read for the diff: the results
    are kept instead, and an unchanged corpus shows no change."""
    first = CliRunner().invoke(main, ["scan", str(corpus), "--format", "jsonl", "--out", str(tmp_path / "old"), "-q"])
    assert first.exit_code == 0, first.output
    result = CliRunner().invoke(main, ["scan", str(corpus), "--format", "jsonl", "--out", "-",
                                       "--baseline", str(tmp_path / "old" / "results.jsonl")])
    assert result.exit_code == 0, result.stderr
    assert "since the baseline: 0 new, 0 removed, 0 edited policies; 0 new gaps, 0 resolved" in result.stderr
    assert sum(1 for line in result.stdout.splitlines() if '"type": "policy"' in line) == 10


def test_prune_cache_removes_what_no_run_used_and_nothing_else(corpus: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A nightly cache only grows; pruning keeps what the last runs read and removes the rest,
    and touches no file the cache did not write."""
    import time

    cache = tmp_path / "cache"
    first = _json(tmp_path / "a", str(corpus), "--cache", str(cache), "--jobs", "1")
    entries = cache_entries(cache)
    long_ago = time.time() - 40 * 86_400
    for entry in entries:
        os.utime(entry, (long_ago, long_ago))
    # a night later only one policy is scanned again: its entry counts as used
    _json(tmp_path / "b", str(corpus / "asi.md"), "--cache", str(cache))
    used = {e for e in entries if e.stat().st_mtime > long_ago + 86_400}
    assert len(used) == 1
    folder = cache_entries(cache)[0].parent
    # an entry's name in the wrong folder is not the cache's ("0"*64 would be a real name in folder "00")
    misplaced = ("1" if folder.name == "00" else "0") * 64
    strangers = [cache / "notes.json", folder / "readme.json", folder / (misplaced + ".json")]
    for stranger in strangers:
        stranger.write_text("{}", encoding="utf-8")
        os.utime(stranger, (long_ago, long_ago))
    stale, fresh = folder / ".abc.tmp", folder / ".def.tmp"
    stale.write_text("half", encoding="utf-8")
    fresh.write_text("half", encoding="utf-8")
    os.utime(stale, (long_ago, long_ago))
    result = CliRunner().invoke(main, ["prune-cache", str(cache), "--unused-days", "30"])
    assert result.exit_code == 0, result.output
    assert f"removed {len(entries) - 1} cache entries unused for 30+ days" in result.output and "kept 1" in result.output
    assert "removed 1 leftover temporary file" in result.output
    assert set(cache_entries(cache)) == used
    assert all(s.exists() for s in strangers) and fresh.exists() and not stale.exists()
    # what was kept still answers: the policy is not analysed again
    import checker.pipeline as scan_module

    monkeypatch.setattr(scan_module, "analyse", lambda *a, **k: pytest.fail("a kept entry was not used"))
    again = _json(tmp_path / "c", str(corpus / "asi.md"), "--cache", str(cache))
    assert again["policies"] == [p for p in first["policies"] if p["source"].endswith("asi.md")]


def test_a_parallel_run_equals_a_serial_run_with_and_without_a_cache(corpus: Path, tmp_path: Path) -> None:
    _json(tmp_path / "s", str(corpus), "--jobs", "1")
    _json(tmp_path / "p", str(corpus), "--jobs", "2")
    assert (tmp_path / "s" / "report.json").read_bytes() == (tmp_path / "p" / "report.json").read_bytes()
    # with a cache: the first run fills it, the next answers from it and scans only the new file
    cache = str(tmp_path / "cache")
    _json(tmp_path / "c1", str(corpus), "--jobs", "2", "--cache", cache)
    assert len(cache_entries(Path(cache))) == 12
    (corpus / "0-new.md").write_text("# Privacy\n\nWe keep your e-mail address for two years.\n", encoding="utf-8")
    try:
        again = _json(tmp_path / "c2", str(corpus), "--jobs", "2", "--cache", cache)
        fresh = _json(tmp_path / "f", str(corpus), "--jobs", "1")
    finally:
        (corpus / "0-new.md").unlink()
    assert again == fresh


@pytest.mark.parametrize("files", [12, 3])
def test_a_broken_pattern_stops_a_parallel_run(corpus: Path, tmp_path: Path, files: int) -> None:
    """A parallel run compiles the patterns late too (while the head start reads); a pattern that
    does not compile still ends it with the usage error, with many files or few."""
    checklist = tmp_path / "broken.yaml"
    checklist.write_text(
        "id: broken\ntitle: Broken\nversion: '1'\nrequirements:\n"
        "  - id: retention\n    title: Retention\n    references: [GDPR Art. 13(2)(a)]\n    severity: high\n"
        "    description: d\n    remediation: r\n    patterns: [[{LEMA: retain}]]\n", encoding="utf-8")
    paths = [str(p) for p in sorted(corpus.iterdir())][:files]
    result = CliRunner().invoke(main, ["scan", *paths, "--checklist", str(checklist), "--jobs", "2",
                                       "--format", "jsonl", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "broken.yaml:5: requirement 'retention': core pattern 1: invalid token pattern" in result.output
    assert not (tmp_path / "o" / "results.jsonl").exists()


def test_an_interrupted_jsonl_run_leaves_no_file_behind(corpus: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in the middle of a streamed run: neither results.jsonl nor its temporary file stays."""
    import checker.run.scan as cli  # the loop behind scan() and the CLI

    real = cli.run

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        outcomes = real(*args, **kwargs)
        yield next(outcomes)
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run", interrupted)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(corpus), "--jobs", "1", "--format", "jsonl", "--out", str(out)])
    assert result.exit_code == 1 and "Aborted" in result.output
    assert list(out.iterdir()) == []
