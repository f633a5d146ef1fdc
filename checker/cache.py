"""Incremental cache: a policy whose bytes, checklists and gapcheck version are unchanged is not
analysed again.

One file per policy (a JSON header line with key, kind and the SHA-256 of the result, then the
result as one line of JSON, exactly as JSONL carries it), named by SHA-256 of (policy bytes, checklist digest, gapcheck version,
force flag), in two-level fan-out folders so that a million entries do not share one directory.
An entry is trusted only if it parses, carries the same key and its result's SHA-256 matches the
one written beside it (so an edited or partly overwritten entry cannot pass for gapcheck's own);
anything else is ignored (and overwritten by the fresh result), never served. Writes are atomic, so
parallel workers and interrupted runs cannot leave a torn entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import __version__

FORMAT = 3
KINDS = ("policy", "skipped", "error")
"""A result, a language skip, or a problem with the file itself (empty, not text, a broken PDF)."""


def cache_key(data_sha256: str, checklist_digest: str, force: bool) -> str:
    raw = f"{FORMAT}|{__version__}|{checklist_digest}|{int(force)}|{data_sha256}"
    return hashlib.sha256(raw.encode()).hexdigest()


class ResultCache:
    """Policy outcomes (a result, a language skip or an input problem) stored under a content key."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored record for ``key`` (``kind``, ``data`` and ``text``, the data as stored JSON),
        or None when absent or not trustworthy."""
        try:
            head, _, body = self._path(key).read_bytes().partition(b"\n")
            header = json.loads(head)
            if not isinstance(header, dict) or header.get("key") != key or header.get("kind") not in KINDS:
                return None
            if hashlib.sha256(body).hexdigest() != header.get("sha256"):
                return None
            text = body.decode("utf-8")
            data = json.loads(text)
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        return {"key": key, "kind": header["kind"], "data": data, "text": text}

    def put(self, key: str, kind: str, data: dict[str, Any]) -> None:
        """Store atomically; a cache that cannot be written only costs speed, never the run."""
        self.put_text(key, kind, json.dumps(data, ensure_ascii=False))

    def put_text(self, key: str, kind: str, text: str) -> None:
        """:meth:`put` for data already encoded as JSON text."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
            body = text.encode("utf-8")  # one line: json.dumps escapes every newline
            header = {"key": key, "kind": kind, "sha256": hashlib.sha256(body).hexdigest()}
            with os.fdopen(fd, "wb") as handle:
                handle.write(json.dumps(header).encode("ascii") + b"\n" + body)
            os.replace(tmp, path)
        except OSError:
            try:
                os.unlink(tmp)
            except (OSError, UnboundLocalError):
                pass
