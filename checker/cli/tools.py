"""The other subcommands: checklists, explain, eval, review-sheet, report, prune-cache, diff.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import click

from checker.analysis.compare import compare
from checker.analysis.requirement_detectors import REQUIREMENT_DETECTORS
from checker.cli.group import EXIT_GAPS, EXIT_OK, _fail, _load, checklist_option, main, model_option
from checker.report import FORMATS, atomic_write, write_reports
from checker.report.json_load import ReportFormatError, load_report_dict, report_from_dict
from checker.report.json_report import report_to_dict
from checker.rules.checklist import (
    DEFAULT_CHECKLISTS,
    ChecklistError,
    bundled_names,
    parse_checklist,
    resolve,
)
from checker.rules.explain import explain
from checker.run.diff import Baseline, diff_files, format_diff
from checker.run.scan import scan
from checker.run.summary import summary


@main.command("checklists")
@checklist_option
def checklists_command(checklists: tuple[str, ...]) -> None:
    """List the bundled checklists (or the given ones) and their requirements."""
    names = checklists or tuple(bundled_names())
    for name in names:
        try:
            path = resolve(name)
            checklist = parse_checklist(path.read_text(encoding="utf-8"), str(path), REQUIREMENT_DETECTORS)
        except (ChecklistError, OSError) as exc:
            _fail(str(exc))
        default = " (default)" if checklist.id in DEFAULT_CHECKLISTS else ""
        click.echo(f"{checklist.id} {checklist.version}{default}: {checklist.title} [{path}]")
        for req in checklist.requirements:
            click.echo(f"  {req.id:<30} {req.severity:<6} {req.title}  ({'; '.join(req.references)})")


@main.command("explain")
@click.argument("requirement")
@checklist_option
def explain_command(requirement: str, checklists: tuple[str, ...]) -> None:
    """What a requirement asks, its legal reference, and what satisfies it."""
    names = checklists or tuple(bundled_names())
    compiled = _load(tuple(names), "blank")
    req = compiled.get(requirement)
    if req is None:
        _fail(f"no requirement '{requirement}' in {', '.join(names)} (see: gapcheck checklists)")
    checklist = next((c for c in compiled.checklists if c.id == req.checklist), None)
    click.echo("\n".join(explain(req, checklist)))


@main.command("eval")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--gold", type=click.Path(), help="Gold label file (YAML, see shared/gold/README.md).")
@click.option("--reviews", "reviews", multiple=True, type=click.Path(), metavar="SHEET",
              help="Marked review sheet(s) from 'gapcheck review-sheet' (repeatable): measured precision instead of gold labels.")
@click.option("--presence", is_flag=True, help="Presence-only labels: a gap is 'missing'; a predicted 'partial' counts as disclosed.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--details", is_flag=True, help="List every disagreement, missed finding and age mismatch (or every item marked wrong).")
@checklist_option
@model_option
def eval_command(paths: tuple[str, ...], gold: str | None, reviews: tuple[str, ...], presence: bool, as_json: bool,
                 details: bool, checklists: tuple[str, ...], model: str) -> None:
    """Score a scan of PATHS (or a JSON report) against gold labels, or score marked review sheets."""
    from checker.evaluate import GoldError, evaluate, format_table, load_gold  # here: a scan never needs them
    from checker.review import ReviewError, format_scores, read_sheet, score

    if reviews:
        if gold or paths:
            _fail("--reviews scores marked sheets on their own; leave out --gold and PATHS")
        rows: list[dict[str, Any]] = []
        try:
            for sheet in reviews:
                rows.extend(read_sheet(sheet))
        except ReviewError as exc:
            _fail(str(exc))
        scores = score(rows)
        click.echo(json.dumps(scores.to_dict(), indent=2) if as_json else format_scores(scores, details=details))
        return
    if not gold or not paths:
        _fail("give --gold FILE and the policies (or a JSON report) to score, or --reviews SHEET")
    try:
        labels = load_gold(gold)
    except GoldError as exc:
        _fail(str(exc))
    if len(paths) == 1 and paths[0].endswith(".json") and Path(paths[0]).is_file():
        try:
            data = json.loads(Path(paths[0]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            _fail(f"{paths[0]}: not a readable JSON report ({exc})")
    else:
        compiled = _load(checklists, model)
        report = scan(paths, compiled=compiled, model=model)
        for e in report.errors:
            click.echo(f"gapcheck: {e.message}", err=True)
        data = report_to_dict(report)
    result = evaluate(data, labels, presence=presence)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(format_table(result, details=details))


@main.command("review-sheet")
@click.argument("report", type=click.Path(exists=True, dir_okay=False))
@click.option("--sample", "size", type=click.IntRange(min=1), default=30, show_default=True,
              help="How many items to sample (per requirement with --per-requirement).")
@click.option("--per-requirement", is_flag=True, help="Sample up to --sample items for every requirement (stratified).")
@click.option("--seed", type=int, default=None, help="Random seed (printed in the sheet; default: a fresh one).")
@click.option("--no-findings", is_flag=True, help="Sample requirement verdicts only, not findings.")
@click.option("--only", type=click.Choice(["all", "gaps", "findings"]), default="all", show_default=True,
              help="Sample only gap verdicts (partial/missing) or only findings: their precision is what a report's reader relies on.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="Sheet file (.yaml or .csv); default review-sheet.yaml beside the report; - for standard output.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "csv"]), default=None,
              help="Sheet format (default: from the --out suffix, else yaml).")
def review_sheet_command(report: str, size: int, per_requirement: bool, seed: int | None, no_findings: bool,
                         only: str, out: str | None, fmt: str | None) -> None:
    """Write a sheet of randomly sampled verdicts from REPORT (a JSON report) for a reviewer to mark."""
    from checker.review import ReviewError, population, sample, sheet_text

    try:
        data = json.loads(Path(report).read_text(encoding="utf-8"))
        rows = population(data, include_findings=not no_findings, only=only)
    except (OSError, ValueError) as exc:
        _fail(f"{report}: not a readable JSON report ({exc})")
    except ReviewError as exc:
        _fail(f"{report}: {exc}")
    if not rows:
        _fail(f"{report}: the report holds no {'verdicts' if only == 'all' else only} to review")
    seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    picked = sample(rows, size, seed, per_requirement=per_requirement)
    target = out or str(Path(report).with_name("review-sheet.yaml"))
    fmt = fmt or ("csv" if target.lower().endswith(".csv") else "yaml")
    text = sheet_text(picked, report, seed, fmt)
    if target == "-":
        click.echo(text, nl=False)
        return
    atomic_write(Path(target), text)
    click.echo(f"{len(picked)} item(s) sampled (seed {seed}) -> {target}; mark each 'right' or 'wrong', "
               f"then: gapcheck eval --reviews {target}")


@main.command("report")
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "formats", default="html,md", show_default=True, metavar="LIST",
              help=f"Comma-separated formats: {', '.join(FORMATS)}.")
@click.option("--out", default="reports", show_default=True, metavar="DIR|-", help="Folder for the reports, or -.")
@click.option("--baseline", type=click.Path(exists=True, dir_okay=False), default=None, metavar="REPORT",
              help="A previous JSON/JSONL report to show the changes against.")
def report_command(results: str, formats: str, out: str, baseline: str | None) -> None:
    """Build reports from RESULTS (a JSON or JSONL file of an earlier scan) without scanning again."""
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        _fail(f"unknown format {', '.join(unknown) or '(none)'} (choose from {', '.join(FORMATS)})")
    if out == "-" and len(chosen) != 1:
        _fail("--out - writes one format to standard output; pick one with --format")
    try:
        data = load_report_dict(results)
        report = report_from_dict(data)
        if any(c.counts is not None for c in report.comparisons):
            # a streamed run's summary counts policies per status; the report lists them
            report.comparisons = compare(report.policies)
        if baseline:
            report.diff = Baseline.from_file(baseline).diff(data["policies"])
    except ReportFormatError as exc:
        _fail(str(exc))
    if out == "-":
        sys.stdout.write(FORMATS[chosen[0]][0](report))
        return
    try:
        written = write_reports(report, chosen, Path(out))
    except OSError as exc:
        _fail(f"cannot write reports to {out}: {exc.strerror or exc}")
    click.echo(summary(report, written))


@main.command("prune-cache")
@click.argument("cache_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False))
@click.option("--unused-days", type=click.FloatRange(min=0), default=30, show_default=True,
              help="Remove entries no scan has read or written for this many days.")
def prune_cache_command(cache_dir: str, unused_days: float) -> None:
    """Remove cache entries (--cache DIR) that no run has used for a while, and temporary files
    left by killed runs. Entries of edited policies, older gapcheck versions and changed
    checklists are never read again; this keeps a nightly cache from growing without end."""
    from checker.run.cache import ResultCache

    pruned = ResultCache(cache_dir).prune(unused_days)
    click.echo(f"gapcheck: removed {pruned.removed} cache entr{'y' if pruned.removed == 1 else 'ies'} unused for "
               f"{unused_days:g}+ days ({pruned.freed_bytes / 1e6:.1f} MB), kept {pruned.kept}"
               + (f"; removed {pruned.temporary} leftover temporary file(s)" if pruned.temporary else ""))


@main.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.option("--fail-on-new", is_flag=True, help="Exit with 1 when there are new gaps or new findings.")
def diff_command(old: str, new: str, as_json: bool, fail_on_new: bool) -> None:
    """What changed from the OLD report to the NEW one (JSON or JSONL)."""
    try:
        changes = diff_files(old, new)
    except ReportFormatError as exc:
        _fail(str(exc))
    click.echo(json.dumps(changes, indent=2, ensure_ascii=False) if as_json else format_diff(changes, limit=1_000_000))
    new_things = changes["counts"]["new_gaps"] or changes["counts"]["new_findings"]
    sys.exit(EXIT_GAPS if fail_on_new and new_things else EXIT_OK)


