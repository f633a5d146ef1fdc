"""Where the per-policy work runs: in this process, in a pool of processes, or on a Dask cluster.

The unit of work is one :class:`Task` (a file, or the bytes of standard input) and its product
one :class:`Outcome` (a result, a language skip or an error). Every executor yields outcomes in
task order, so the reports of a parallel run are byte-identical to a serial one. At most a few
dozen tasks per worker are in flight, so a million-file run holds that many results, not a million.

With a cache, this process answers what the cache knows before any worker is involved. Workers
compile the checklists once (a process-wide cache keyed by the checklist files and the model); a
forked pool inherits the parent's compiled set and compiles nothing. A policy's work comes in two
halves, :func:`prepare` (reading, parsing, language: no spaCy) and :func:`finish` (spaCy and the
checks), so that while this process starts spaCy for a parallel run, a child can prepare the next
policies on the cores that would otherwise wait (:mod:`checker.head_start`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
from collections import deque
from contextlib import contextmanager
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .cache import ResultCache, cache_key, data_of
from .checklist import CompiledChecklists, load_checklists
from .documents import InputProblem, kind_of, load_bytes, read_file_bytes, sniff_kind
from .models import Document, InputError, PolicyResult, Skipped

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from .head_start import Record

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
    stream: bool = False
    """Only JSONL is wanted: a worker sends back the policy's JSON line and its statuses, not the
    whole result (smaller to pickle, and the encoding is done in parallel)."""


@dataclass(frozen=True)
class Outcome:
    """What became of one task: a policy result, a language skip or an error.

    A result is either ``analysed`` here or a ``record`` from the cache (the policy in the JSON
    contract, as JSONL writes it); :attr:`result` builds the object only when someone asks, so a
    cached policy headed for JSONL is never rebuilt and re-encoded.
    """

    source: str
    analysed: PolicyResult | None = None
    skipped: Skipped | None = None
    error: InputError | None = None
    cached: bool = False
    record: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    line: str | None = field(default=None, compare=False, repr=False)
    """The policy record as JSON text (``Settings.stream``), as JSONL writes it."""
    light: PolicyResult | None = field(default=None, compare=False, repr=False)
    """The result reduced to statuses (``Settings.stream``), for summaries and exit codes."""

    @property
    def is_policy(self) -> bool:
        return self.analysed is not None or self.record is not None or self.line is not None

    @cached_property
    def result(self) -> PolicyResult | None:
        """The policy's result (None for a skip or an error)."""
        if self.analysed is not None:
            return self.analysed
        if self.record is None and self.line is None:
            return None
        from .report.json_load import policy_from_dict

        return policy_from_dict(self.record if self.record is not None else json.loads(self.line or "{}"))


_COMPILED: dict[tuple[tuple[str, ...], str], CompiledChecklists] = {}


def compiled_for(sources: tuple[str, ...], model: str, compile: bool = True,
                 cache_dir: str | None = None) -> CompiledChecklists:
    """The checklists for these files and model, loaded (and compiled) at most once per process."""
    key = (sources, model)
    if key not in _COMPILED:
        _COMPILED[key] = load_checklists(sources, model, compile=compile, cache_dir=cache_dir)
    found = _COMPILED[key]
    if compile:
        found.patterns  # noqa: B018 - compiles now if it was loaded uncompiled
    return found


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


def _read(task: Task, settings: Settings) -> tuple[bytes, str]:
    """The task's bytes and kind (markdown, html, pdf, text); InputProblem when unreadable."""
    if task.data is not None:
        if len(task.data) > settings.max_bytes:
            raise InputProblem(f"{task.source}: more than the {settings.max_bytes:,}-byte limit (--max-bytes)")
        return task.data, sniff_kind(task.data)
    assert task.path is not None
    return read_file_bytes(task.path, settings.max_bytes, task.source), kind_of(task.path)


def _from_cache(cache: ResultCache, key: str, source: str) -> Outcome | None:
    """The stored outcome under ``key``, or None when absent or damaged (then it is recomputed)."""
    record = cache.get(key)
    if record is None:
        return None
    try:
        summary = record["summary"]
        if record["kind"] == "policy" and summary is not None and summary.get("source") == source:
            # as stored: JSONL takes the stored text as it is, the run's counts take the summary
            from .stream import light_of_record

            return Outcome(source, cached=True, line=record["text"], light=light_of_record(source, summary))
        data = data_of(record)
        if data is None:
            return None
        if record["kind"] == "skipped":
            return Outcome(source, skipped=_skip(source, str(data["language"])), cached=True)
        if record["kind"] == "error":
            return Outcome(source, error=InputError(source, f"{source}: {data['problem']}"), cached=True)
        if data.get("source") == source:
            return Outcome(source, cached=True, record=data, line=record["text"])
        return Outcome(source, cached=True, record={**data, "source": source})
    except (KeyError, TypeError, AttributeError):
        return None


def _failed(source: str, exc: Exception) -> Outcome:
    if isinstance(exc, InputProblem):
        return Outcome(source, error=InputError(source, str(exc)))
    return Outcome(source, error=InputError(source, f"{source}: could not be scanned ({_describe(exc)}); "
                                                    "please report this as a gapcheck bug"))


@dataclass(frozen=True)
class _Bytes:
    """A task's bytes as read, with their kind and cache key: what a cache miss hands on."""

    data: bytes
    kind: str
    key: str


def _read_keyed(task: Task, settings: Settings, digest: str) -> _Bytes:
    data, kind = _read(task, settings)
    if not settings.cache_dir:
        return _Bytes(data, kind, "")
    return _Bytes(data, kind, cache_key(hashlib.sha256(data).hexdigest() + kind, digest, settings.force))


def lookup(task: Task, settings: Settings, digest: str) -> Outcome | _Bytes | None:
    """What the cache already knows about ``task``: its outcome or a read error; on a miss, the
    bytes read (so they are not read and hashed again); None when there is no cache.

    Costs a read and a hash, no NLP: a rerun over an unchanged corpus is answered entirely here.
    """
    if not settings.cache_dir:
        return None
    try:
        read = _read_keyed(task, settings, digest)
        return _from_cache(ResultCache(settings.cache_dir), read.key, task.source) or read
    except Exception as exc:  # noqa: BLE001 - a bad file is that file's error, never the batch's
        return _failed(task.source, exc)


@dataclass(frozen=True)
class Prepared:
    """A policy read, parsed into blocks and found to be English: everything before spaCy.

    What :func:`prepare` hands to :func:`finish`; small enough to pickle (a document's text and
    blocks), so the two halves can run in different processes (:mod:`checker.head_start`).
    """

    source: str
    key: str
    """The cache key ("" without a cache)."""
    document: Document


def prepare(task: Task, settings: Settings, digest: str, read: _Bytes | None = None) -> Outcome | Prepared:
    """The part of scanning a policy that needs no spaCy: read it (unless ``read`` already did),
    ask the cache, parse it into blocks and detect its language. An outcome when that settles it
    (a cached result, a language skip, an error), else what :func:`finish` needs. Never raises."""
    from .language import detect_language

    source = task.source
    cache = ResultCache(settings.cache_dir) if settings.cache_dir else None
    key = ""
    try:
        if read is None:
            read = _read_keyed(task, settings, digest)
            if cache:
                known = _from_cache(cache, read.key, source)
                if known is not None:
                    return known
        key = read.key
        document = load_bytes(read.data, source, read.kind)
        language, _ = detect_language(document)
        document.metadata["language"] = language
        if language != "en" and not settings.force:
            if cache:
                cache.put(key, "skipped", {"language": language})
            return Outcome(source, skipped=_skip(source, language))
        return Prepared(source, key, document)
    except Exception as exc:  # noqa: BLE001 - one unforeseen failure must not stop a nightly batch
        return _failed_here(source, key, cache, exc)


def finish(prepared: Prepared, settings: Settings, compiled: CompiledChecklists) -> Outcome:
    """The rest of scanning a policy: spaCy, the checks, the cache entry and the JSON line.
    Never raises (an unforeseen failure becomes this policy's error)."""
    from .nlp import parse_document
    from .report.json_report import policy_to_dict
    from .scan import analyse

    source, key = prepared.source, prepared.key
    cache = ResultCache(settings.cache_dir) if settings.cache_dir else None
    try:
        result = analyse(parse_document(prepared.document, compiled.model), compiled)
        if not cache and not settings.stream:
            return Outcome(source, analysed=result)
        record = policy_to_dict(result, compiled.requirement_table)
        text = json.dumps(record, ensure_ascii=False)
        if cache:
            from .stream import summary_of_record

            cache.put_text(key, "policy", text, summary_of_record(record))
        if settings.stream:
            from .stream import lighten

            return Outcome(source, line=text, light=lighten(result))
        return Outcome(source, analysed=result)
    except Exception as exc:  # noqa: BLE001 - one unforeseen failure must not stop a nightly batch
        return _failed_here(source, key, cache, exc)


def _failed_here(source: str, key: str, cache: ResultCache | None, exc: Exception) -> Outcome:
    """This policy's error; a problem with the file itself is remembered in the cache too (the
    same bytes give the same problem: empty, not text, a broken PDF)."""
    if isinstance(exc, InputProblem):
        message = str(exc)
        if cache and key and message.startswith(f"{source}: "):
            cache.put(key, "error", {"problem": message[len(source) + 2:]})
    return _failed(source, exc)


def process(task: Task, settings: Settings, compiled: CompiledChecklists | None = None,
            read: _Bytes | None = None) -> Outcome:
    """Scan one policy (``read``: its bytes, already looked up in the cache and missed); never
    raises (an unforeseen failure becomes this policy's error)."""
    try:
        compiled = compiled or _compiled_for(settings)
    except Exception as exc:  # noqa: BLE001 - one unforeseen failure must not stop a nightly batch
        return _failed(task.source, exc)
    step = prepare(task, settings, compiled.digest, read)
    return step if isinstance(step, Outcome) else finish(step, settings, compiled)


def _compiled_for(settings: Settings) -> CompiledChecklists:
    """The compiled checklists a worker's settings name (inherited when forked, else compiled once)."""
    return compiled_for(settings.checklist_sources, settings.model, cache_dir=settings.cache_dir)


def _process_in_worker(task: Task, settings: Settings) -> Outcome:
    return process(task, settings)


def _finish_in_worker(task: Task, prepared: bytes, settings: Settings) -> Outcome:
    """Finish a policy the head start prepared (``prepared``: a pickled :class:`Prepared`, passed
    on as bytes so this process unpickles it once and the parent not at all)."""
    try:
        compiled = _compiled_for(settings)
        step = pickle.loads(prepared)
    except Exception as exc:  # noqa: BLE001 - one unforeseen failure must not stop a nightly batch
        return _failed(task.source, exc)
    return finish(step, settings, compiled)


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
    """Outcomes of ``tasks`` in task order, computed serially, in ``jobs`` processes, or on Dask.

    With a cache, this process first answers every task the cache knows (a read and a hash
    each); only the rest reach the workers, and the checklists are compiled and the worker pool
    started only when there is a rest. Raises :class:`ChecklistError`/``ModelUnavailable`` if the
    checklists cannot be compiled when first needed.
    """
    if executor == "dask":
        yield from _run_dask(tasks, settings, scheduler, jobs)
        return
    with fewer_collections():  # forked workers inherit the setting
        yield from _run_local(tasks, settings, compiled, jobs)


YOUNG_COLLECTION_THRESHOLD = 50_000
"""Net container allocations between two young-generation collections during a scan (Python's
default is 700)."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while scanning.

    A policy allocates tens of thousands of short-lived containers (tokens' attributes, sentences,
    matches); with Python's defaults that set off ~800 young and a few full collections per 350
    policies, and each full collection walks every object alive (spaCy's vocabulary, the compiled
    checklists, the results kept for the report): ~5% of a serial scan. Young cycles (closures,
    parse trees) are still collected; what changes is how much is allocated in between. mypy does
    the same. The thresholds are restored afterwards.
    """
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _run_local(tasks: list[Task], settings: Settings, compiled: CompiledChecklists | None,
               jobs: int) -> Iterator[Outcome]:
    compiled = compiled or compiled_for(settings.checklist_sources, settings.model, compile=False,
                                        cache_dir=settings.cache_dir)
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_TASKS:
        for task in tasks:
            known = lookup(task, settings, compiled.digest)
            if isinstance(known, Outcome):
                yield known
                continue
            compiled.patterns  # noqa: B018 - compile on the first policy the cache cannot answer
            yield process(task, settings, compiled, known)
        return
    # In flight: up to IN_FLIGHT_PER_JOB tasks per worker, yielded strictly in task order as the
    # head finishes; workers never wait for the parent to collect a whole window.
    workers = _WorkerPool(jobs, settings)
    pending: deque[tuple[Task, Outcome | Future[Outcome]]] = deque()
    ahead: dict[int, Record] = {}  # policies the head start finished, by task number
    try:
        for number, task in enumerate(tasks):
            record = ahead.pop(number, None)
            if record is not None:
                pending.append((task, workers.take(task, record)))
                continue
            known = lookup(task, settings, compiled.digest)
            if isinstance(known, Outcome):
                pending.append((task, known))
            else:
                if not workers.started:
                    ahead = _start_up(compiled, tasks, number + 1, settings)
                pending.append((task, workers.submit(task)))
            while pending and (len(pending) > jobs * IN_FLIGHT_PER_JOB or _ready(pending[0][1])):
                yield workers.collect(pending)
        while pending:
            yield workers.collect(pending)
    finally:
        workers.shutdown()


def _start_up(compiled: CompiledChecklists, tasks: list[Task], first: int, settings: Settings) -> dict[int, Record]:
    """Compile the checklists (importing spaCy) before the pool forks, so the workers inherit
    them; when that start-up is still to come, a child prepares the policies from ``first`` on
    meanwhile (:mod:`checker.head_start`). Returns what it finished, by task number."""
    from .head_start import HeadStart

    head = None if compiled.compiled else HeadStart.begin(tasks[first:], settings, compiled.digest)
    try:
        compiled.patterns  # noqa: B018 - compile here, before forking, so workers inherit it
    except BaseException:
        if head is not None:
            head.cancel()
        raise
    remember(compiled)
    return {} if head is None else dict(enumerate(head.collect(), start=first))


IN_FLIGHT_PER_JOB = 32
"""Tasks queued per worker: enough to keep every core busy, few enough to keep memory flat."""

WORKER_DIED = ("{source}: the worker process died while scanning this file (a crash in a parser, or out "
               "of memory); the other files were scanned")


def _ready(item: Outcome | Future[Outcome]) -> bool:
    return not isinstance(item, Future) or item.done()


class _WorkerPool:
    """A process pool that outlives a worker dying on one file.

    A crash in a C parser or the kernel's out-of-memory killer takes a worker down and breaks the
    whole pool, failing every task in flight. The file to blame is found by running those tasks
    again one at a time, each in a pool of its own: the one that kills its worker becomes that
    file's error, the others are scanned, and the batch goes on with a fresh pool.
    """

    def __init__(self, jobs: int, settings: Settings) -> None:
        self.jobs = jobs
        self.settings = settings
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def submit(self, task: Task) -> Future[Outcome]:
        return self._started().submit(_process_in_worker, task, self.settings)

    def take(self, task: Task, record: Record) -> Outcome | Future[Outcome]:
        """A policy the head start finished: its outcome, or a worker finishing its preparation."""
        from .head_start import OUTCOME

        if record.tag == OUTCOME:
            return pickle.loads(record.data)  # type: ignore[no-any-return]
        return self._started().submit(_finish_in_worker, task, record.data, self.settings)

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # imported here: multiprocessing is a tenth of a cached rerun's start-up, which never
            # starts a pool
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=self.jobs)
        return self._pool

    def collect(self, pending: deque[tuple[Task, Outcome | Future[Outcome]]]) -> Outcome:
        """The outcome of the oldest pending task (waiting for it if it is still running)."""
        task, item = pending[0]
        if isinstance(item, Future):
            from concurrent.futures.process import BrokenProcessPool  # loaded with the pool

            try:
                item = item.result()
            except BrokenProcessPool:
                self._recover(pending)
                task, item = pending[0]
        pending.popleft()
        assert isinstance(item, Outcome)
        return item

    def _recover(self, pending: deque[tuple[Task, Outcome | Future[Outcome]]]) -> None:
        self.shutdown()
        for n, (task, item) in enumerate(pending):
            if isinstance(item, Future):
                pending[n] = (task, self._alone(task))

    def _alone(self, task: Task) -> Outcome:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        with ProcessPoolExecutor(max_workers=1) as solo:
            try:
                return solo.submit(_process_in_worker, task, self.settings).result()
            except BrokenProcessPool:
                return Outcome(task.source, error=InputError(task.source, WORKER_DIED.format(source=task.source)))

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


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
