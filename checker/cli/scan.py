"""``gapcheck scan`` (and ``gapcheck config``, which shows the settings scan would use).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from checker.cli.group import (
    EXIT_GAPS,
    EXIT_OK,
    STREAM_FORMATS,
    _compile,
    _fail,
    _load,
    checklist_option,
    main,
    model_option,
)
from checker.inputs.files import DEFAULT_MAX_BYTES
from checker.models import SEVERITIES, ModelUnavailable
from checker.report import FORMATS, write_reports
from checker.report.json_load import ReportFormatError, iter_report_policies
from checker.report.json_report import policy_to_dict
from checker.rules.checklist import DEFAULT_CHECKLISTS, ChecklistError
from checker.run.diff import Baseline
from checker.run.local import EXECUTORS, PARALLEL_MIN_TASKS, default_jobs
from checker.run.scan import WebOptions, collect, tasks_for
from checker.run.sinks import JsonlSink
from checker.run.summary import should_fail, summary
from checker.run.tasks import Settings


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
@click.option("--waivers", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="YAML file of accepted gaps and findings (policy glob, requirement or finding, reason, owner, "
                   "expires): shown apart, not counted by --fail-on.")
@click.option("--ignore-robots", is_flag=True, help="Fetch URLs even where the site's robots.txt disallows it.")
@click.option("--host-delay", type=click.FloatRange(min=0), default=1.0, show_default=True, metavar="SECONDS",
              help="Pause between two requests to the same host (at most 2 at a time per host).")
def scan_command(paths: tuple[str, ...], checklists: tuple[str, ...], formats: str, out: str, model: str,
                 max_bytes: int, fail_on: str, quiet: bool, progress: bool | None, force: bool, from_list: object,
                 jobs: int | None, cache_dir: str | None, baseline: str | None, executor: str,
                 scheduler: str | None, waivers: str | None, ignore_robots: bool, host_delay: float) -> None:
    """Scan policy files, folders or URLs (.md, .txt, .html, .pdf, .docx; http(s)://...; - for standard
    input) and write reports."""
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
    book = None
    if waivers:  # read and checked before an hour of scanning
        from checker.analysis.waivers import WaiverBook, WaiverError, load_waivers

        try:
            book = WaiverBook(load_waivers(waivers))
        except WaiverError as exc:
            _fail(str(exc))
    old = None
    if baseline:  # read (and checked) before an hour of scanning, kept small (see checker.run.diff)
        try:
            old = Baseline.from_file(baseline)
        except ReportFormatError as exc:
            _fail(str(exc))
    # with a cache, compiling the patterns (and importing spaCy) waits for the first policy the
    # cache does not answer: an unchanged corpus is reported without either
    jobs = jobs or default_jobs()
    late = executor == "local" and (cache_dir is not None or jobs > 1)
    compiled = _load(checklists, model, compile=not late)
    tasks, errors = tasks_for(paths, max_bytes=max_bytes, web=WebOptions(cache_dir, ignore_robots, host_delay,
                                                                        spool=executor != "dask"))
    if late and cache_dir is None and len(tasks) < PARALLEL_MIN_TASKS:
        _compile(compiled)  # a serial run after all: a broken pattern is reported before anything else
    stream = "jsonl" in chosen
    # every result is kept when a format needs them, or a diff cannot re-read them from a JSONL file
    keep_full = any(f != "jsonl" for f in chosen) or (old is not None and (not stream or out == "-"))
    settings = Settings(compiled.sources, compiled.model, max_bytes, force, cache_dir, stream=not keep_full)
    sink = JsonlSink(Path(out) / "results.jsonl" if out != "-" else None, compiled) if stream else None
    show = progress if progress is not None else (not quiet and sys.stderr.isatty())
    try:
        report, counts = collect(tasks, errors, settings, compiled, jobs=jobs, executor=executor, scheduler=scheduler,
                                 sink=sink, keep_results=keep_full, waivers=book, show_progress=show)
    except (RuntimeError, ChecklistError, ModelUnavailable) as exc:
        # the Dask extra missing, a cluster that cannot be reached; checklists compiled late
        _fail(str(exc))
    written: list[Path] = []
    if sink is not None:
        try:
            written.extend(sink.finish(report, counts.policies if not keep_full else None))
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




@main.command("config")
@click.pass_context
def config_command(ctx: click.Context) -> None:
    """Show the settings 'gapcheck scan' would use here, and where each comes from."""
    config = ctx.obj
    if config is not None and config.path is not None:
        table = f" [{config.table}]" if config.table else ""
        click.echo(f"configuration file: {config.path}{table}")
    else:
        click.echo("configuration file: none (no gapcheck.toml or [tool.gapcheck] from here upward)")
    values = config.values if config is not None else {}
    plain = click.Context(scan_command)  # no parent, so no default_map: the built-in defaults
    for param in scan_command.params:
        if not isinstance(param, click.Option) or param.name in ("quiet", "progress", "from_list") or param.name is None:
            continue
        flag = max(param.opts, key=len)
        if param.name in values:
            value, source = values[param.name], f"{config.path} ({config.keys[param.name]})"
        else:
            value, source = param.get_default(plain), "default"
        if param.name == "checklists" and not (isinstance(value, tuple | list) and value):
            value = DEFAULT_CHECKLISTS
        if isinstance(value, tuple | list):
            value = ", ".join(map(str, value)) or "(none)"
        elif value is None:
            value = "(none)"
        click.echo(f"  {flag:<14} {str(value):<32} {source}")
