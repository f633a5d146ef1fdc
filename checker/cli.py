"""The ``gapcheck`` command: parse arguments, call the library, print a summary, pick the exit code.

Nothing here decides anything about policies; it only wires :mod:`checker.run.scan`,
:mod:`checker.report` and :mod:`checker.evaluate` to the terminal.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from checker import __version__
from checker.analysis.compare import compare
from checker.analysis.requirement_detectors import REQUIREMENT_DETECTORS
from checker.inputs.files import DEFAULT_MAX_BYTES
from checker.models import SEVERITIES, ModelUnavailable, PolicyResult, Skipped
from checker.report import FORMATS, atomic_write, write_reports
from checker.report.json_load import ReportFormatError, iter_report_policies, load_report_dict, report_from_dict
from checker.report.json_report import policy_to_dict, report_to_dict
from checker.rules.checklist import (
    DEFAULT_CHECKLISTS,
    ChecklistError,
    CompiledChecklists,
    bundled_names,
    load_checklists,
    parse_checklist,
    resolve,
)
from checker.rules.explain import explain
from checker.run.diff import Baseline, diff_files, format_diff
from checker.run.local import EXECUTORS, PARALLEL_MIN_TASKS, default_jobs, run
from checker.run.scan import build_report, scan, tasks_for
from checker.run.sinks import JsonlSink, RunTally, light_result, progress_over
from checker.run.summary import should_fail, summary
from checker.run.tasks import Settings

EXIT_OK = 0
EXIT_GAPS = 1
EXIT_USAGE = 2


def _fail(message: str) -> NoReturn:
    click.echo(f"gapcheck: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _compile(compiled: CompiledChecklists) -> None:
    try:
        compiled.compile()
    except (ChecklistError, ModelUnavailable) as exc:
        _fail(str(exc))


def _load(checklists: tuple[str, ...], model: str, compile: bool = True) -> CompiledChecklists:
    try:
        return load_checklists(checklists or DEFAULT_CHECKLISTS, model, compile=compile)
    except ChecklistError as exc:
        _fail(str(exc))
    except ModelUnavailable as exc:
        _fail(str(exc))


checklist_option = click.option("--checklist", "checklists", multiple=True, metavar="NAME_OR_FILE",
                                help="Checklist to apply (repeatable): a bundled name such as gdpr, or a YAML file. "
                                     f"Default: {' + '.join(DEFAULT_CHECKLISTS)}.")
model_option = click.option("--model", default="blank", show_default=True,
                            help="spaCy pipeline: 'blank' (no download) or an installed model such as en_core_web_sm.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gapcheck")
def main() -> None:
    """Check privacy policies against GDPR/COPPA disclosure checklists."""


STREAM_FORMATS = ("jsonl",)


@main.command("scan")
@click.argument("paths", nargs=-1, type=click.Path())
@checklist_option
@click.option("--format", "formats", default="html,md,json", show_default=True, metavar="LIST",
              help=f"Comma-separated report formats: {', '.join([*FORMATS, *STREAM_FORMATS])}.")
@click.option("--out", default="reports", show_default=True, metavar="DIR|-",
              help="Folder for the reports, or - to write the (single) format to standard output.")
@model_option
@click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, type=click.IntRange(min=1),
              help="Files larger than this are reported as errors, not scanned.")
@click.option("--fail-on", type=click.Choice(["none", *SEVERITIES]), default="none", show_default=True,
              help="Exit with 1 when a gap or finding at or above this severity exists (for CI).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar with rate and ETA (default: only when standard error is a terminal).")
@click.option("--force", is_flag=True, help="Scan policies that are not in English instead of skipping them.")
@click.option("--from-list", "from_list", type=click.File("r", encoding="utf-8"), metavar="FILE",
              help="Read more paths from FILE, one per line (blank lines and # comments ignored); - for stdin.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Parallel worker processes (default: every core). Output is identical to --jobs 1.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Reuse results of unchanged policies (same bytes, checklists and gapcheck version).")
@click.option("--baseline", type=click.Path(exists=True, dir_okay=False), default=None, metavar="REPORT",
              help="A previous JSON/JSONL report: show new and resolved gaps and findings, new/removed/edited policies.")
@click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
              help="Where the work runs: local processes, or a Dask cluster (pip install 'gapcheck[dask]').")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); without it --executor dask starts a local cluster.")
def scan_command(paths: tuple[str, ...], checklists: tuple[str, ...], formats: str, out: str, model: str,
                 max_bytes: int, fail_on: str, quiet: bool, progress: bool | None, force: bool, from_list: object,
                 jobs: int | None, cache_dir: str | None, baseline: str | None, executor: str,
                 scheduler: str | None) -> None:
    """Scan policy files or folders (.md, .txt, .html, .pdf; - for standard input) and write reports."""
    if from_list is not None:
        listed = [line.strip() for line in from_list if line.strip() and not line.lstrip().startswith("#")]  # type: ignore[attr-defined]
        paths = paths + tuple(listed)
    if not paths:
        _fail("give at least one file or folder, - for standard input, or --from-list FILE")
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS and f not in STREAM_FORMATS]
    if unknown or not chosen:
        _fail(f"unknown format {', '.join(unknown) or '(none)'} (choose from {', '.join([*FORMATS, *STREAM_FORMATS])})")
    if out == "-" and len(chosen) != 1:
        _fail("--out - writes one format to standard output; pick one with --format")
    old = None
    if baseline:  # read (and checked) before an hour of scanning, kept small (see checker.run.diff)
        try:
            old = Baseline.from_file(baseline)
        except ReportFormatError as exc:
            _fail(str(exc))
    # with a cache, compiling the patterns (and importing spaCy) waits for the first policy the
    # cache does not answer: an unchanged corpus is reported without either; a parallel run
    # compiles there too, while a child reads the next policies (checker.run.head_start)
    jobs = jobs or default_jobs()
    late = executor == "local" and (cache_dir is not None or jobs > 1)
    compiled = _load(checklists, model, compile=not late)
    tasks, errors = tasks_for(paths, max_bytes=max_bytes)
    if late and cache_dir is None and len(tasks) < PARALLEL_MIN_TASKS:
        _compile(compiled)  # a serial run after all: a broken pattern is reported before anything else
    stream = "jsonl" in chosen
    # every result is kept when a format needs them, or a diff cannot re-read them from a JSONL file
    keep_full = any(f != "jsonl" for f in chosen) or (old is not None and (not stream or out == "-"))
    settings = Settings(compiled.sources, compiled.model, max_bytes, force, cache_dir, stream=not keep_full)
    sink = JsonlSink(Path(out) / "results.jsonl" if out != "-" else None, compiled) if stream else None
    results: list[PolicyResult] = []  # every result, when a format needs them all
    tally = None if keep_full else RunTally(compiled.requirement_table)  # else only counts
    skipped: list[Skipped] = []
    outcomes = run(tasks, settings, compiled, jobs=jobs, executor=executor, scheduler=scheduler)
    show = progress if progress is not None else (not quiet and sys.stderr.isatty())
    try:
        with progress_over(outcomes, len(tasks), show) as bar:
            for outcome in bar:
                if sink is not None:
                    sink.add(outcome)
                if outcome.is_policy:
                    if tally is None:
                        results.append(outcome.result)  # type: ignore[arg-type]
                    else:
                        tally.add(light_result(outcome))
                elif outcome.skipped is not None:
                    skipped.append(outcome.skipped)
                elif outcome.error is not None:
                    errors.append(outcome.error)
    except (RuntimeError, ChecklistError, ModelUnavailable) as exc:
        # the Dask extra missing, a cluster that cannot be reached; checklists compiled late
        if sink is not None:
            sink.abort()
        _fail(str(exc))
    except BaseException:  # Ctrl-C, or a bug: no half-written JSONL left behind, not even a temporary one
        if sink is not None:
            sink.abort()
        raise
    report = build_report(results, errors, compiled, tally.comparisons.comparisons() if tally else None)
    report.skipped = skipped
    counts = tally or RunTally.of(report)  # for the summary and the exit code
    written: list[Path] = []
    if sink is not None:
        try:
            written.extend(sink.finish(report, tally.policies if tally else None))
        except OSError as exc:
            _fail(f"cannot write reports to {out}: {exc.strerror or exc}")
    if old is not None:
        table = compiled.requirement_table
        try:
            report.diff = old.diff(iter_report_policies(written[0]) if not keep_full and written else
                                   (policy_to_dict(p, table) for p in report.policies))
        except ReportFormatError as exc:  # the baseline, read again for resolved findings, changed meanwhile
            _fail(str(exc))
    others = [f for f in chosen if f != "jsonl"]
    if out == "-" and others:
        sys.stdout.write(FORMATS[others[0]][0](report))
        sys.stdout.flush()
    elif others:
        try:
            written.extend(write_reports(report, others, Path(out)))
        except OSError as exc:
            _fail(f"cannot write reports to {out}: {exc.strerror or exc}")
    if not quiet:
        click.echo(summary(report, written, counts), err=(out == "-"))
    elif report.errors:
        for e in report.errors:
            click.echo(f"gapcheck: {e.message}", err=True)
    sys.exit(EXIT_GAPS if should_fail(report, fail_on, counts) else EXIT_OK)


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


def console() -> None:
    """The installed ``gapcheck`` command."""
    main()
