"""One task -> one outcome: reading, the cache, the pipeline, and errors that never stop a batch.

The unit of work is one :class:`Task` (a file, or the bytes of standard input) and its product
one :class:`Outcome` (a result, a language skip or an error); :mod:`checker.run.local` decides
where tasks run. With a cache, a task the cache knows is answered with a read and a hash. Workers
compile the checklists once (a process-wide cache keyed by the checklist files and the model); a
forked pool inherits the parent's compiled set and compiles nothing. A policy's work comes in two
halves, :func:`prepare` (reading, parsing, language: no spaCy) and :func:`finish` (spaCy and the
checks): a policy that is skipped or fails early never reaches the NLP.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from checker.inputs.files import InputProblem, kind_of, read_file_bytes, sniff_kind
from checker.inputs.language import skip_record
from checker.inputs.loader import load_bytes
from checker.models import Document, InputError, PolicyResult, Skipped
from checker.rules.checklist import CompiledChecklists, load_checklists
from checker.run.cache import ResultCache, cache_key
from checker.run.light import light_of_record, lighten, summary_of_record


@dataclass(frozen=True)
class Task:
    """One policy to scan: a file (``path``) or raw bytes (``data``: standard input, a fetched URL)."""

    source: str
    path: str | None = None
    data: bytes | None = None
    kind: str | None = None
    """The loader when known (a fetched page's content type); else by the file name or sniffed."""
    metadata: tuple[tuple[str, str], ...] = ()
    """Added to the document's metadata (a URL's final address and fetch time)."""


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
        from checker.report.json_load import policy_from_dict

        return policy_from_dict(self.record if self.record is not None else json.loads(self.line or "{}"))


_COMPILED: dict[tuple[tuple[str, ...], str], CompiledChecklists] = {}


def compiled_for(sources: tuple[str, ...], model: str, compile: bool = True) -> CompiledChecklists:
    """The checklists for these files and model, loaded (and compiled) at most once per process."""
    key = (sources, model)
    if key not in _COMPILED:
        _COMPILED[key] = load_checklists(sources, model, compile=compile)
    found = _COMPILED[key]
    if compile:
        found.compile()
    return found


def remember(compiled: CompiledChecklists) -> None:
    """Make an already compiled set available to :func:`compiled_for` (and to forked workers)."""
    _COMPILED[(compiled.sources, compiled.model)] = compiled


def _describe(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _read(task: Task, settings: Settings) -> tuple[bytes, str]:
    """The task's bytes and kind (markdown, html, pdf, text); InputProblem when unreadable."""
    if task.data is not None:
        if len(task.data) > settings.max_bytes:
            raise InputProblem(f"{task.source}: more than the {settings.max_bytes:,}-byte limit (--max-bytes)")
        return task.data, task.kind or sniff_kind(task.data)
    assert task.path is not None
    return read_file_bytes(task.path, settings.max_bytes, task.source), task.kind or kind_of(task.path)


def _from_cache(cache: ResultCache, key: str, source: str) -> Outcome | None:
    """The stored outcome under ``key``, or None when absent or damaged (then it is recomputed)."""
    entry = cache.get(key)
    if entry is None:
        return None
    try:
        summary = entry.summary
        if entry.kind == "policy" and summary is not None and summary.get("source") == source:
            # as stored: JSONL takes the stored text as it is, the run's counts take the summary
            return Outcome(source, cached=True, line=entry.text, light=light_of_record(source, summary))
        data = entry.data
        if data is None:
            return None
        if entry.kind == "skipped":
            return Outcome(source, skipped=skip_record(source, str(data["language"])), cached=True)
        if entry.kind == "error":
            return Outcome(source, error=InputError(source, f"{source}: {data['problem']}"), cached=True)
        if data.get("source") == source:
            return Outcome(source, cached=True, record=data, line=entry.text)
        return Outcome(source, cached=True, record={**data, "source": source})
    except (KeyError, TypeError, AttributeError):
        return None


def _cached(task: Task, cache: ResultCache, key: str) -> Outcome | None:
    """:func:`_from_cache` for a task; a fetched page's answer carries this fetch's metadata (time,
    final address, 304), not the first fetch's."""
    known = _from_cache(cache, key, task.source)
    if known is not None and task.metadata and known.is_policy and known.result is not None:
        result = known.result
        known = Outcome(task.source, analysed=replace(result, metadata={**result.metadata, **dict(task.metadata)}),
                        cached=True)
    return known


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
        return _cached(task, ResultCache(settings.cache_dir), read.key) or read
    except Exception as exc:  # noqa: BLE001 - a bad file is that file's error, never the batch's
        return _failed(task.source, exc)


@dataclass(frozen=True)
class Prepared:
    """A policy read, parsed into blocks and found to be English: everything before spaCy.

    What :func:`prepare` hands to :func:`finish`.
    """

    source: str
    key: str
    """The cache key ("" without a cache)."""
    document: Document


def prepare(task: Task, settings: Settings, digest: str, read: _Bytes | None = None) -> Outcome | Prepared:
    """The part of scanning a policy that needs no spaCy: read it (unless ``read`` already did),
    ask the cache, parse it into blocks and detect its language. An outcome when that settles it
    (a cached result, a language skip, an error), else what :func:`finish` needs. Never raises."""
    from checker.inputs.language import mark_language  # py3langid: only when a policy is read

    source = task.source
    cache = ResultCache(settings.cache_dir) if settings.cache_dir else None
    key = ""
    try:
        if read is None:
            read = _read_keyed(task, settings, digest)
            if cache:
                known = _cached(task, cache, read.key)
                if known is not None:
                    return known
        key = read.key
        document = load_bytes(read.data, source, read.kind)
        if task.metadata:
            document.metadata.update(task.metadata)
        skipped = mark_language(document, settings.force)
        if skipped is not None:
            if cache:
                cache.put(key, "skipped", {"language": skipped.language})
            return Outcome(source, skipped=skipped)
        return Prepared(source, key, document)
    except Exception as exc:  # noqa: BLE001 - one unforeseen failure must not stop a nightly batch
        return _failed_here(source, key, cache, exc)


def finish(prepared: Prepared, settings: Settings, compiled: CompiledChecklists) -> Outcome:
    """The rest of scanning a policy: spaCy, the checks, the cache entry and the JSON line.
    Never raises (an unforeseen failure becomes this policy's error)."""
    from checker.pipeline import analyse_document  # spaCy and the checks: only when a policy needs them
    from checker.report.json_report import policy_to_dict

    source, key = prepared.source, prepared.key
    cache = ResultCache(settings.cache_dir) if settings.cache_dir else None
    try:
        result = analyse_document(prepared.document, compiled)
        if not cache and not settings.stream:
            return Outcome(source, analysed=result)
        record = policy_to_dict(result, compiled.requirement_table)
        text = json.dumps(record, ensure_ascii=False)
        if cache:
            cache.put_text(key, "policy", text, summary_of_record(record))
        if settings.stream:
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
    return compiled_for(settings.checklist_sources, settings.model)


def process_in_worker(task: Task, settings: Settings) -> Outcome:
    return process(task, settings)

