"""The library entry point: paths in, :class:`Report` out.

The CLI is a thin wrapper around :func:`scan`; tests and other programs call it directly
(sqlfluff's ``api/simple.py`` habit). Per policy the road is fixed:
load -> parse (nlp) -> facts -> patterns -> verdicts -> detectors -> PolicyResult.
A file that cannot be read becomes an entry in ``Report.errors`` and the batch goes on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from checker import __version__
from checker.analysis.compare import compare
from checker.inputs.files import DEFAULT_MAX_BYTES, discover_resolved, is_url
from checker.models import Comparison, InputError, PolicyResult, Report, Skipped
from checker.rules.checklist import DEFAULT_CHECKLISTS, CompiledChecklists, load_checklists
from checker.run.local import run
from checker.run.sinks import JsonlSink, RunTally, light_result, progress_over, waive
from checker.run.tasks import Settings, Task

if TYPE_CHECKING:  # the waivers module (and YAML) is imported only when waivers are given
    from checker.analysis.waivers import Waiver, WaiverBook

STDIN = "-"


def display_path(path: Path, cwd: Path | None = None, real: Path | None = None) -> str:
    """How a file is named in reports: relative to the working directory (``cwd``, resolved; looked
    up when not given) when it is below it. ``real`` is the file's resolved path if known."""
    try:
        return (real or path.resolve()).relative_to(cwd or Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def tasks_for(paths: Iterable[str | Path], stdin: bytes | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES, web: WebOptions | None = None) -> tuple[list[Task], list[InputError]]:
    """The work for a list of paths (``-`` = standard input, ``http(s)://`` URLs fetched now) and
    the arguments that gave nothing."""
    paths = list(paths)
    urls = [str(p) for p in paths if is_url(str(p))]
    paths = [p for p in paths if not is_url(str(p))]
    files, problems = discover_resolved(p for p in paths if str(p) != STDIN)
    errors = [InputError(path, f"{path}: {problem}") for path, problem in problems]
    tasks: list[Task] = []
    if any(str(p) == STDIN for p in paths):
        data = stdin if stdin is not None else sys.stdin.buffer.read(max_bytes + 1)
        tasks.append(Task("<stdin>", data=data))
    cwd = Path.cwd().resolve()
    tasks.extend(Task(display_path(file, cwd, real), path=str(file)) for file, real in files)
    if urls:
        fetched_tasks, fetch_errors = _fetched(urls, max_bytes, web or WebOptions())
        tasks.extend(fetched_tasks)
        errors.extend(fetch_errors)
    return tasks, errors


@dataclass(frozen=True)
class WebOptions:
    """How URLs are fetched (see :mod:`checker.inputs.web`)."""

    cache_dir: str | None = None
    ignore_robots: bool = False
    host_delay: float = 1.0
    per_host: int = 2
    timeout: float = 15.0
    backoff: float = 0.5
    spool: bool = True
    """Write each fetched page to a temporary file as it arrives, so a list of 10^5 URLs does not
    hold every page in memory until the scan; off for a Dask cluster, whose workers may not see
    this machine's disk (the pages then travel with the tasks)."""


def _fetched(urls: list[str], max_bytes: int, options: WebOptions) -> tuple[list[Task], list[InputError]]:
    """Fetch every URL (threads, per-host limits) before the scan: a task per page, an error per failure.

    The report's source is the URL as given; the final URL after redirects and the fetch time go
    into the policy's metadata."""
    from checker.inputs.web import Fetcher

    fetcher = Fetcher(max_bytes, options.cache_dir, options.ignore_robots, options.per_host, options.host_delay,
                      options.timeout, backoff=options.backoff)
    spool = _spool_dir() if options.spool else None
    tasks: list[Task] = []
    errors: list[InputError] = []
    unique = list(dict.fromkeys(urls))
    try:
        for n, (url, got) in enumerate(zip(unique, fetcher.fetch_all(unique))):
            if isinstance(got, Exception):
                errors.append(InputError(url, str(got)))
                continue
            metadata = tuple(got.metadata.items())
            if spool is None:
                tasks.append(Task(url, data=got.data, kind=got.kind, metadata=metadata))
                continue
            path = os.path.join(spool, f"{n:07d}")
            with open(path, "wb") as handle:
                handle.write(got.data)
            tasks.append(Task(url, path=path, kind=got.kind, metadata=metadata))
    finally:
        fetcher.close()
    return tasks, errors


def _spool_dir() -> str:
    """A temporary folder for fetched pages, removed when the process ends."""
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="gapcheck-pages-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def scan(paths: Iterable[str | Path], checklists: Sequence[str] = DEFAULT_CHECKLISTS, model: str = "blank",
         max_bytes: int = DEFAULT_MAX_BYTES, compiled: CompiledChecklists | None = None, force: bool = False,
         stdin: bytes | None = None, jobs: int = 1, cache_dir: str | None = None, executor: str = "local",
         scheduler: str | None = None, waivers: str | Path | Sequence[Waiver] | None = None) -> Report:
    """Scan files and directories against the checklists; never stops on one bad file.

    ``-`` among the paths stands for ``stdin`` (bytes). Policies not in English are reported as
    skipped with their language unless ``force`` is set: English patterns on other languages give
    confident nonsense. ``jobs``/``executor`` choose where the work runs (:mod:`checker.run.local`);
    the report is the same whichever runs it. ``waivers`` (a waivers file or :class:`Waiver`
    records) marks accepted gaps and findings, as ``gapcheck scan --waivers`` does.
    """
    book = None
    if waivers is not None:
        from checker.analysis.waivers import WaiverBook, load_waivers

        book = WaiverBook(load_waivers(waivers) if isinstance(waivers, str | Path) else list(waivers))
    compiled = compiled or load_checklists(checklists, model)
    tasks, errors = tasks_for(paths, stdin, max_bytes, WebOptions(cache_dir, spool=executor != "dask"))
    settings = Settings(compiled.sources, compiled.model, max_bytes, force, cache_dir)
    report, _ = collect(tasks, errors, settings, compiled, jobs=jobs, executor=executor, scheduler=scheduler,
                        waivers=book)
    return report


def collect(tasks: list[Task], errors: list[InputError], settings: Settings, compiled: CompiledChecklists, *,
            jobs: int = 1, executor: str = "local", scheduler: str | None = None, sink: JsonlSink | None = None,
            keep_results: bool = True, waivers: WaiverBook | None = None,
            show_progress: bool = False) -> tuple[Report, RunTally]:
    """Run ``tasks`` and gather what became of them into a :class:`Report`: the one loop behind
    both :func:`scan` and ``gapcheck scan``.

    Each outcome has its waivers applied, goes to the ``sink`` (JSONL, as it comes) and is kept
    whole (``keep_results``) or only counted (a streamed run's memory stays flat). Returns the
    report and the counts for the summary and ``--fail-on``. If anything stops the run, the sink
    is aborted: no half-written JSONL, not even a temporary file, is left behind.
    """
    results: list[PolicyResult] = []
    skipped: list[Skipped] = []
    tally = None if keep_results else RunTally(compiled.requirement_table)
    outcomes = run(tasks, settings, compiled, jobs=jobs, executor=executor, scheduler=scheduler)
    try:
        with progress_over(outcomes, len(tasks), show_progress) as bar:
            for outcome in bar:
                if waivers is not None:
                    outcome = waive(outcome, waivers)
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
    except BaseException:  # Ctrl-C, a cluster gone, a checklist compiled late, a bug
        if sink is not None:
            sink.abort()
        raise
    report = build_report(results, errors, compiled, tally.comparisons.comparisons() if tally else None)
    report.skipped = skipped
    report.waivers = waivers.usage() if waivers is not None else None
    return report, tally or RunTally.of(report)


def build_report(results: list[PolicyResult], errors: list[InputError], compiled: CompiledChecklists,
                 comparisons: list[Comparison] | None = None) -> Report:
    """Assemble a Report (checklist versions, requirement metadata, comparisons: of ``results``
    unless given, as a streamed run tallies them without keeping results)."""
    return Report(
        tool_version=__version__,
        checklists=[{"id": c.id, "version": c.version, "title": c.title} for c in compiled.checklists],
        policies=results, comparisons=compare(results) if comparisons is None else comparisons, errors=errors,
        requirements=list(compiled.requirement_table.values()))
