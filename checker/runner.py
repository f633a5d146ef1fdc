"""Where the per-policy work runs: in this process, in a pool of processes, or on a Dask cluster.

The unit of work is one :class:`Task` (a file, or the bytes of standard input) and its product
one :class:`Outcome` (a result, a language skip or an error). Every executor yields outcomes in
task order, so the reports of a parallel run are byte-identical to a serial one. Tasks are sent in
windows, so a million-file run holds a window of results in memory, not a million.

Workers compile the checklists once (a process-wide cache keyed by the checklist files and the
model); a forked pool inherits the parent's compiled set and compiles nothing.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from .cache import ResultCache, cache_key
from .checklist import CompiledChecklists, load_checklists
from .documents import InputProblem, kind_of, load_bytes, read_file_bytes, sniff_kind
from .language import detect_language
from .models import InputError, PolicyResult, Skipped

UNDETERMINED = ("und", "zxx")
"""Language codes for 'no language' (too little text, or not words at all)."""

EXECUTORS = ("local", "dask")
PARALLEL_MIN_TASKS = 8
"""Below this many files a process pool costs more to start than it saves."""


@dataclass(frozen=True)
class Task:
    """One policy to scan: a file (``path``) or raw bytes (``data``, e.g. standard input)."""

    source: str
    path: str | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class Settings:
    """Everything a worker needs besides the task; small and picklable."""

    checklist_sources: tuple[str, ...]
    model: str
    max_bytes: int
    force: bool = False
    cache_dir: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one task: exactly one of ``result``, ``skipped``, ``error``."""

    source: str
    result: PolicyResult | None = None
    skipped: Skipped | None = None
    error: InputError | None = None
    cached: bool = False


_COMPILED: dict[tuple[tuple[str, ...], str], CompiledChecklists] = {}


def compiled_for(sources: tuple[str, ...], model: str) -> CompiledChecklists:
    """The compiled checklists for these files and model, compiled at most once per process."""
    key = (sources, model)
    if key not in _COMPILED:
        _COMPILED[key] = load_checklists(sources, model)
    return _COMPILED[key]


def remember(compiled: CompiledChecklists) -> None:
    """Make an already compiled set available to :func:`compiled_for` (and to forked workers)."""
    _COMPILED[(compiled.sources, compiled.model)] = compiled


def _describe(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _skip(source: str, language: str) -> Skipped:
    why = (f"written in '{language}', not English" if language not in UNDETERMINED
           else "no English prose found (language undetermined)")
    return Skipped(source, language, f"{source}: skipped, {why} (--force scans it anyway)")


def process(task: Task, settings: Settings, compiled: CompiledChecklists | None = None) -> Outcome:
    """Scan one policy; never raises (an unforeseen failure becomes this policy's error)."""
    from .nlp import parse_document
    from .report.json_load import ReportFormatError, policy_from_dict
    from .report.json_report import policy_to_dict
    from .scan import analyse

    source = task.source
    try:
        compiled = compiled or compiled_for(settings.checklist_sources, settings.model)
        if task.data is not None:
            data = task.data
            if len(data) > settings.max_bytes:
                raise InputProblem(f"{source}: more than the {settings.max_bytes:,}-byte limit (--max-bytes)")
            kind = sniff_kind(data)
        else:
            assert task.path is not None
            data = read_file_bytes(Path(task.path), settings.max_bytes, source)
            kind = kind_of(Path(task.path))
        cache = ResultCache(settings.cache_dir) if settings.cache_dir else None
        key = cache_key(hashlib.sha256(data).hexdigest() + kind, compiled.digest, settings.force) if cache else ""
        if cache:
            record = cache.get(key)
            if record is not None:
                try:
                    if record["kind"] == "skipped":
                        return Outcome(source, skipped=_skip(source, str(record["data"]["language"])), cached=True)
                    result = policy_from_dict(record["data"])
                    return Outcome(source, result=replace(result, source=source), cached=True)
                except (KeyError, TypeError, ReportFormatError):
                    pass  # a damaged entry is recomputed and overwritten
        document = load_bytes(data, source, kind)
        language, _ = detect_language(document)
        document.metadata["language"] = language
        if language != "en" and not settings.force:
            if cache:
                cache.put(key, "skipped", {"language": language})
            return Outcome(source, skipped=_skip(source, language))
        result = analyse(parse_document(document, compiled.model), compiled)
        if cache:
            cache.put(key, "policy", policy_to_dict(result, compiled.requirement_table))
        return Outcome(source, result=result)
    except InputProblem as exc:
        return Outcome(source, error=InputError(source, str(exc)))
    except Exception as exc:  # noqa: BLE001 - one unforeseen failure must not stop a nightly batch
        return Outcome(source, error=InputError(source, f"{source}: could not be scanned ({_describe(exc)}); "
                                                        "please report this as a gapcheck bug"))


def _process_in_worker(task: Task, settings: Settings) -> Outcome:
    return process(task, settings)


def _windows(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    window: list[Task] = []
    for task in tasks:
        window.append(task)
        if len(window) >= size:
            yield window
            window = []
    if window:
        yield window


def run(tasks: list[Task], settings: Settings, compiled: CompiledChecklists | None = None, jobs: int = 1,
        executor: str = "local", scheduler: str | None = None) -> Iterator[Outcome]:
    """Outcomes of ``tasks`` in task order, computed serially, in ``jobs`` processes, or on Dask."""
    if executor == "dask":
        yield from _run_dask(tasks, settings, scheduler, jobs)
        return
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_TASKS:
        for task in tasks:
            yield process(task, settings, compiled)
        return
    if compiled is not None:
        remember(compiled)  # a forked worker finds it and compiles nothing
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for window in _windows(tasks, jobs * 32):
            yield from pool.map(_process_in_worker, window, [settings] * len(window),
                                chunksize=max(1, len(window) // (jobs * 4)))


def _run_dask(tasks: list[Task], settings: Settings, scheduler: str | None, jobs: int) -> Iterator[Outcome]:
    """The same work on a Dask cluster: ``scheduler`` (tcp://host:8786) or a local cluster."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise RuntimeError("--executor dask needs Dask: pip install 'gapcheck[dask]'") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        for window in _windows(tasks, workers * 32):
            futures = client.map(_process_in_worker, window, settings=settings, pure=False)
            yield from client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
