"""The validated checklists of a run, kept in the result cache so a rerun need not parse YAML.

A rerun over an unchanged corpus is answered from the cache in about 0.3 ms a policy; at a few
hundred policies its fixed costs dominate, and parsing the bundled checklists (libyaml, PyYAML's
resolver and constructors, validation) plus importing PyYAML was a seventh of it. The snapshot
is the :class:`Checklist` records as JSON, stored under a key made of the checklist texts'
digest, their paths, the gapcheck version and the records' field names (so a gapcheck whose
records changed shape never reads an old snapshot). It is an ordinary cache entry: checked
against its SHA-256 when read, written atomically, and anything that does not rebuild into
records is ignored and replaced by a fresh parse, never trusted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from . import __version__
from .cache import FORMAT, ResultCache
from .checklist import Checklist, Qualifier, Requirement

KIND = "checklists"
_TUPLES = ("references", "patterns", "partial_patterns", "section_patterns", "exclude", "headings")
"""The Requirement fields that are tuples (JSON gives lists back)."""
_SHAPE = "|".join(f.name for record in (Checklist, Requirement, Qualifier) for f in dataclasses.fields(record))


def snapshot_key(digest: str, sources: tuple[str, ...]) -> str:
    """The cache key of the checklists with this digest read from these files."""
    raw = json.dumps([KIND, FORMAT, __version__, _SHAPE, digest, list(sources)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def load_snapshot(cache_dir: str, key: str) -> list[Checklist] | None:
    """The checklists stored under ``key``, or None when there are none or they do not rebuild."""
    record = ResultCache(cache_dir).get(key)
    if record is None or record["kind"] != KIND:
        return None
    try:
        return [_checklist(item) for item in record["data"]["checklists"]]
    except (KeyError, TypeError, AttributeError):
        return None


def save_snapshot(cache_dir: str, key: str, checklists: list[Checklist]) -> None:
    """Store the checklists (skipped if a pattern holds a value JSON cannot carry, such as a date)."""
    data = {"checklists": [dataclasses.asdict(c) for c in checklists]}
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        return
    if [_checklist(item) for item in json.loads(text)["checklists"]] == checklists:
        ResultCache(cache_dir).put_text(key, KIND, text)


def _checklist(data: dict[str, Any]) -> Checklist:
    return Checklist(**{**data, "requirements": tuple(_requirement(r) for r in data["requirements"])})


def _requirement(data: dict[str, Any]) -> Requirement:
    fields = {**data, **{name: tuple(data[name]) for name in _TUPLES}}
    fields["requires"] = tuple(Qualifier(**{**q, "patterns": tuple(q["patterns"])}) for q in data["requires"])
    fields["examples"] = {k: tuple(v) for k, v in data["examples"].items()}
    return Requirement(**fields)
