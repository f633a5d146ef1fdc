"""What changed between two runs: policies added, removed or edited, gaps opened and closed,
findings new and resolved.

Works on policy records in the JSON contract's shape (from a JSON or JSONL file), so last night's
report is all a nightly job needs to keep. Policies are matched by source path; a gap is a
requirement whose status is partial or missing; findings are matched by kind and sentence text,
not line numbers, so an edit above them does not make them "new".

Memory stays proportional to the number of policies times a few hundred bytes, not to the size of
the reports: the old report is reduced to a :class:`Baseline` (per policy its hash, its gaps and
a hash of each finding), the new one is streamed past it one policy at a time, and the texts of
resolved findings are fetched in a second pass over the old file. Loading two JSONL reports of
10,000 policies whole took 1.9 GB; a nightly run over 10^5-10^6 policies could not have done it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from checker.models import GAP_STATUSES
from checker.report.json_load import ReportFormatError, iter_report_policies, waived_of_record

Policies = Callable[[], Iterable[dict[str, Any]]]
"""Gives a fresh iterator over a report's policy records each time it is called."""


def _gaps(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in policy.get("requirements", []) if r.get("status") in GAP_STATUSES}


def _findings(policy: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["kind"], " ".join(f["evidence"]["text"].split()).lower()): f for f in policy.get("findings", [])}


def _source(policy: dict[str, Any]) -> str:
    source = policy.get("source") if isinstance(policy, dict) else None
    if not isinstance(source, str):
        raise ReportFormatError("not a gapcheck policy record (no 'source')")
    return sys.intern(source)


@contextmanager
def _record(source: str) -> Iterator[None]:
    """A policy record gapcheck did not write (a requirement without an id, a finding without
    evidence) raises ReportFormatError naming it, not a KeyError."""
    try:
        yield
    except (KeyError, TypeError, AttributeError) as exc:
        raise ReportFormatError(f"{source}: not a gapcheck policy record ({type(exc).__name__}: {exc})") from None


@dataclass(frozen=True, slots=True)
class _Digest:
    """One old policy, as little as a diff needs: its text hash, its gaps as (requirement, status)
    pairs laid flat, its findings as (kind, hash of kind and text) pairs laid flat, its waived
    items and the facts a reader follows (:data:`FACTS`)."""

    sha256: Any
    gaps: tuple[str, ...]
    findings: tuple[Any, ...]
    waived: tuple[str, ...] = ()
    facts: tuple[Any, ...] = ()


FACTS = ("children_age", "effective_date", "contact_emails")
"""Facts whose change a diff reports as old -> new: an edit from "under 13" to "under 16" is a
change an auditor must see even when no verdict moves."""


def _waived(policy: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(waived_of_record(policy)))


def _facts(policy: dict[str, Any]) -> tuple[Any, ...]:
    facts = policy.get("facts") or {}
    return tuple(tuple(v) if isinstance(v := facts.get(name), list) else v for name in FACTS)


def _digest(policy: dict[str, Any]) -> _Digest:
    gaps = tuple(sys.intern(str(x)) for rid, r in _gaps(policy).items() for x in (rid, r["status"]))
    findings = tuple(x for key in _findings(policy) for x in (sys.intern(key[0]), hash(key)))
    return _Digest(policy.get("sha256"), gaps, findings, _waived(policy), _facts(policy))


class Baseline:
    """The policies of an earlier report, reduced to what :meth:`diff` needs (see the module)."""

    def __init__(self, policies: Policies) -> None:
        self._policies = policies
        self._index: dict[str, _Digest] = {}
        for policy in policies():
            source = _source(policy)
            if source not in self._index:
                with _record(source):
                    self._index[source] = _digest(policy)

    @classmethod
    def from_file(cls, path: str) -> Baseline:
        """The baseline of a JSON or JSONL report file (streamed; raises ReportFormatError)."""
        return cls(lambda: iter_report_policies(path))

    def __len__(self) -> int:
        return len(self._index)

    def diff(self, new_policies: Iterable[dict[str, Any]]) -> dict[str, Any]:
        """The changes from this baseline to ``new_policies`` (read once, one at a time)."""
        common: list[tuple[str, list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, int]]]] = []
        added: list[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]] = []
        changed: list[str] = []
        waivers: list[dict[str, Any]] = []
        facts: list[dict[str, Any]] = []
        seen: set[str] = set()
        for policy in new_policies:
            source = _source(policy)
            if source in seen:
                continue  # a source listed twice: the first record stands
            seen.add(source)
            was = self._index.get(source)
            with _record(source):
                if was is None:
                    added.append((source, _gaps_of_new(source, policy), [_new_finding(source, f)
                                                                         for f in _findings(policy).values()]))
                    continue
                if was.sha256 != policy.get("sha256"):
                    changed.append(source)
                changes = _changes(source, was, policy)
                waivers.extend(_waiver_changes(source, was.waived, _waived(policy)))
                facts.extend({"source": source, "fact": name, "old": old, "new": new}
                             for name, old, new in zip(FACTS, was.facts or (None,) * len(FACTS), _facts(policy))
                             if old != new)
            if any(changes):  # an unchanged policy leaves nothing behind
                common.append((source, *changes))
        removed = sorted(set(self._index) - seen)
        common.sort(key=lambda item: item[0])
        added.sort(key=lambda item: item[0])
        texts = self._finding_texts({(source, h) for source, *_, gone in common for _, h in gone})
        out: dict[str, Any] = {
            "new_policies": [source for source, _, _ in added],
            "removed_policies": removed,
            "changed_text": sorted(changed),
            "new_gaps": [g for _, new, _, _, _ in common for g in new] + [g for _, gaps, _ in added for g in gaps],
            "resolved_gaps": [g for _, _, gone, _, _ in common for g in gone],
            "new_findings": [f for _, _, _, new, _ in common for f in new] + [f for _, _, fs in added for f in fs],
            "resolved_findings": [{"source": source, "kind": kind, "text": text} for source, _, _, _, gone in common
                                  for kind, text in sorted(((kind, texts.get((source, h), "")) for kind, h in gone),
                                                           key=_finding_order)],
            "waiver_changes": sorted(waivers, key=lambda w: (w["source"], w["item"])),
            "fact_changes": sorted(facts, key=lambda f: (f["source"], FACTS.index(f["fact"]))),
        }
        out["counts"] = {k: len(v) for k, v in out.items() if isinstance(v, list)}
        return out

    def _finding_texts(self, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The old texts of resolved findings: a second pass over the old report, keeping only those."""
        if not wanted:
            return {}
        sources = {source for source, _ in wanted}
        texts: dict[tuple[str, int], str] = {}
        done: set[str] = set()
        for policy in self._policies():
            source = _source(policy)
            if source not in sources or source in done:
                continue
            done.add(source)
            with _record(source):
                for key, finding in _findings(policy).items():
                    if (source, hash(key)) in wanted:
                        texts[(source, hash(key))] = finding["evidence"]["text"]
        return texts


def _gaps_of_new(source: str, policy: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"source": source, "requirement": rid, "status": r["status"], "was": None, "severity": r.get("severity", "")}
            for rid, r in _gaps(policy).items()]


def _new_finding(source: str, finding: dict[str, Any]) -> dict[str, Any]:
    return {"source": source, "kind": finding["kind"], "severity": finding.get("severity", ""),
            "line": finding["evidence"].get("line"), "text": finding["evidence"]["text"]}


def _changes(source: str, was: _Digest, policy: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                                                         list[dict[str, Any]], list[tuple[str, int]]]:
    """New gaps, resolved gaps, new findings and (kind, hash) of resolved findings of one policy."""
    old_gaps = dict(zip(was.gaps[::2], was.gaps[1::2]))
    new_gaps = _gaps(policy)
    opened, closed = [], []
    for rid in sorted(set(new_gaps) | set(old_gaps)):
        before, now = old_gaps.get(rid), new_gaps.get(rid)
        if now and before != now["status"]:
            opened.append({"source": source, "requirement": rid, "status": now["status"], "was": before or "met",
                           "severity": now.get("severity", "")})
        elif before and not now:
            closed.append({"source": source, "requirement": rid, "was": before})
    old_findings = dict(zip(was.findings[1::2], was.findings[::2]))  # hash -> kind
    new_findings = _findings(policy)
    hashes = {key: hash(key) for key in new_findings}
    found = [_new_finding(source, new_findings[key]) for key in sorted(new_findings) if hashes[key] not in old_findings]
    current = set(hashes.values())
    gone = [(old_findings[h], h) for h in old_findings if h not in current]
    return opened, closed, found, gone


def _waiver_changes(source: str, old: tuple[str, ...], new: tuple[str, ...]) -> list[dict[str, Any]]:
    """Items waived since the baseline, and items no longer waived (expired, removed, or fixed)."""
    return ([{"source": source, "item": key, "change": "waived"} for key in new if key not in old]
            + [{"source": source, "item": key, "change": "unwaived"} for key in old if key not in new])


def _finding_order(kind_text: tuple[str, str]) -> tuple[str, str]:
    """Findings in order of kind, then of their text as matched (spacing and case aside)."""
    return kind_text[0], " ".join(kind_text[1].split()).lower()


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The changes from ``old`` to ``new`` (both JSON-contract dicts already in memory)."""
    return Baseline(lambda: old.get("policies", [])).diff(new.get("policies", []))


def diff_files(old: str, new: str) -> dict[str, Any]:
    """The changes from the report file ``old`` to ``new`` (JSON or JSONL), streamed."""
    return Baseline.from_file(old).diff(iter_report_policies(new))


def format_diff(diff: dict[str, Any], limit: int = 20) -> str:
    """A terminal summary of a diff, the first ``limit`` items of each kind."""
    c = diff["counts"]
    lines = [f"since the baseline: {c['new_policies']} new, {c['removed_policies']} removed, "
             f"{c['changed_text']} edited policies; {c['new_gaps']} new gaps, {c['resolved_gaps']} resolved; "
             f"{c['new_findings']} new findings, {c['resolved_findings']} resolved"
             + (f"; {c['waiver_changes']} waiver changes" if c.get("waiver_changes") else "")
             + (f"; {c['fact_changes']} facts changed" if c.get("fact_changes") else "")]
    for item in diff["new_gaps"][:limit]:
        was = f" (was {item['was']})" if item["was"] else " (new policy)"
        lines.append(f"  + gap   {item['source']}: {item['requirement']} {item['status']}{was}")
    for item in diff["resolved_gaps"][:limit]:
        lines.append(f"  - gap   {item['source']}: {item['requirement']} (was {item['was']})")
    for item in diff["new_findings"][:limit]:
        lines.append(f"  + finding {item['source']}:{item['line']}: {item['kind']}")
    for item in diff["resolved_findings"][:limit]:
        lines.append(f"  - finding {item['source']}: {item['kind']}")
    for item in diff.get("waiver_changes", [])[:limit]:
        lines.append(f"  {'~' if item['change'] == 'waived' else '!'} {item['change']:<8} {item['source']}: "
                     f"{item['item'].replace(':', ' ', 1)}")
    for item in diff.get("fact_changes", [])[:limit]:
        lines.append(f"  * fact  {item['source']}: {item['fact']} {_shown(item['old'])} -> {_shown(item['new'])}")
    return "\n".join(lines)


def _shown(value: Any) -> str:
    if value is None or value == ():
        return "(none)"
    return ", ".join(map(str, value)) if isinstance(value, tuple | list) else str(value)

