"""Incremental cache: a policy whose bytes, checklists and gapcheck version are unchanged is not
analysed again.

One file per policy, named by SHA-256 of (policy bytes, checklist digest, gapcheck version, force
flag), in two-level fan-out folders so that a million entries do not share one directory. Three
lines: a JSON header (key, kind and the SHA-256 of the two lines after it), the result's summary
(source, hash, statuses, finding severities, children's age: what a run's counts need), then the
result as one line of JSON, exactly as JSONL carries it. A rerun reads the summary and copies the
result line into the JSONL without parsing it (parsing 350 results was a fifth of a rerun).
An entry is trusted only if it parses, carries the same key and the SHA-256 of its summary and
result matches the one written beside them (so an edited or partly overwritten entry cannot pass
for gapcheck's own); anything else is ignored (and overwritten by the fresh result), never served.
Writes are atomic, so parallel workers and interrupted runs cannot leave a torn entry.
Reading an entry marks it as used (its modification time, at most once a day), so
``gapcheck prune-cache`` can remove what no run has needed for a number of days.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker import __version__

FORMAT = 4
KINDS = ("policy", "skipped", "error")
"""A result, a language skip, or a problem with the file itself (empty, not text, a broken PDF).
(A fourth kind, the validated checklists of a run, went with checklist_snapshot in issue 21.)"""


DAY = 86_400.0
MARK_USED_AFTER = DAY
"""Seconds after which an entry read again is marked as used (its modification time set to now):
at most one metadata write per entry a day, enough for :meth:`ResultCache.prune` to count days."""
_ENTRY = re.compile(r"^[0-9a-f]{64}\.json$")
_TEMPORARY = re.compile(r"^\..*\.tmp$")


@dataclass(frozen=True)
class Pruned:
    """What :meth:`ResultCache.prune` did."""

    removed: int
    freed_bytes: int
    kept: int
    temporary: int
    """Temporary files a killed writer left behind, removed."""


@dataclass(frozen=True)
class CacheEntry:
    """One trusted entry as :meth:`ResultCache.get` reads it."""

    key: str
    kind: str
    """``policy``, ``skipped`` or ``error`` (:data:`KINDS`)."""
    summary: dict[str, Any] | None
    """A policy's summary line (source, hash, statuses, finding severities): what a run's counts
    need without parsing the result."""
    text: str
    """The data as stored JSON: for a policy, its JSONL line as it is written."""
    parsed: dict[str, Any] | None = None
    """The data, when it was parsed on reading (entries without a summary)."""

    @property
    def data(self) -> dict[str, Any] | None:
        """The data, parsed now if it was left to its summary (None if it is not a JSON object)."""
        if self.parsed is not None:
            return self.parsed
        try:
            data = json.loads(self.text)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None


def cache_key(data_sha256: str, checklist_digest: str, force: bool) -> str:
    raw = f"{FORMAT}|{__version__}|{checklist_digest}|{int(force)}|{data_sha256}"
    return hashlib.sha256(raw.encode()).hexdigest()


class ResultCache:
    """Policy outcomes (a result, a language skip or an input problem) stored under a content key."""

    def __init__(self, folder: str | Path) -> None:
        self._root = os.fspath(folder)

    def _path(self, key: str) -> str:
        # a string, not a Path: a cached rerun builds one per policy, and pathlib's parsing was a
        # tenth of its time
        return os.path.join(self._root, _fan_out(key), key + ".json")

    def get(self, key: str) -> CacheEntry | None:
        """The stored entry for ``key``, or None when absent or not trustworthy."""
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                stored = handle.read()
                modified = os.fstat(handle.fileno()).st_mtime
            head, _, rest = stored.partition(b"\n")
            header = json.loads(head)
            if not isinstance(header, dict) or header.get("key") != key or header.get("kind") not in KINDS:
                return None
            if hashlib.sha256(rest).hexdigest() != header.get("sha256"):
                return None
            summary_line, _, body = rest.partition(b"\n")
            summary = json.loads(summary_line)
            text = body.decode("utf-8")
            data = None if isinstance(summary, dict) else json.loads(text)
        except (OSError, ValueError):
            return None
        if data is not None and not isinstance(data, dict):
            return None
        if time.time() - modified > MARK_USED_AFTER:
            _mark_used(path)
        return CacheEntry(key, header["kind"], summary if isinstance(summary, dict) else None, text, data)

    def put(self, key: str, kind: str, data: dict[str, Any]) -> None:
        """Store atomically; a cache that cannot be written only costs speed, never the run."""
        self.put_text(key, kind, json.dumps(data, ensure_ascii=False))

    def put_text(self, key: str, kind: str, text: str, summary: dict[str, Any] | None = None) -> None:
        """:meth:`put` for data already encoded as JSON text, with its summary if it has one."""
        path = self._path(key)
        try:
            folder = os.path.dirname(path)
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
            # one line each: json.dumps escapes every newline
            rest = json.dumps(summary, ensure_ascii=False).encode("utf-8") + b"\n" + text.encode("utf-8")
            header = {"key": key, "kind": kind, "sha256": hashlib.sha256(rest).hexdigest()}
            with os.fdopen(fd, "wb") as handle:
                handle.write(json.dumps(header).encode("ascii") + b"\n" + rest)
            os.replace(tmp, path)
        except OSError:
            try:
                os.unlink(tmp)
            except (OSError, UnboundLocalError):
                pass


    def prune(self, unused_days: float, now: float | None = None) -> Pruned:
        """Remove the entries no run has read or written for ``unused_days`` days, and temporary
        files older than a day (a writer killed between writing and renaming).

        A nightly cache only grows: each edited policy leaves its old entry behind, and a new
        gapcheck version or checklist edit orphans every entry. Reading an entry marks it as used
        (at most daily), so what a night's runs still need is kept. Only files named as this
        cache names them, in its two-letter folders, are ever touched.
        """
        now = time.time() if now is None else now
        cutoff = now - unused_days * DAY
        removed = freed = kept = temporary = 0
        try:
            folders = [f for f in os.scandir(self._root) if f.is_dir(follow_symlinks=False) and len(f.name) == 2]
        except OSError:
            return Pruned(0, 0, 0, 0)
        for folder in folders:
            try:
                entries = list(os.scandir(folder.path))
            except OSError:  # removed meanwhile
                continue
            for entry in entries:
                try:
                    ours = _ENTRY.match(entry.name) and _fan_out(entry.name) == folder.name
                    if ours and entry.is_file(follow_symlinks=False):
                        stat = entry.stat(follow_symlinks=False)
                        if stat.st_mtime < cutoff:
                            os.unlink(entry.path)
                            removed, freed = removed + 1, freed + stat.st_size
                        else:
                            kept += 1
                    elif _TEMPORARY.match(entry.name) and entry.stat(follow_symlinks=False).st_mtime < now - DAY:
                        os.unlink(entry.path)
                        temporary += 1
                except OSError:  # gone meanwhile (another run), or not ours to remove
                    continue
            try:
                os.rmdir(folder.path)  # only succeeds when the folder is empty
            except OSError:
                pass
        return Pruned(removed, freed, kept, temporary)


def _fan_out(key: str) -> str:
    """The folder an entry (named by its key) lives in: a million entries do not share one."""
    return key[:2]


def _mark_used(path: str) -> None:
    try:
        os.utime(path)
    except OSError:  # a read-only cache still serves
        pass
