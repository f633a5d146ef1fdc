"""Streaming output for big batches: JSONL written as policies finish, results kept light, progress.

``--format jsonl`` writes one record per line (``run`` header, then ``policy``/``skipped``/``error``
records in input order, then a ``summary`` with the cross-policy comparisons) to a temporary file
renamed into place at the end, so a run that dies leaves the previous results intact. With JSONL as
the only format no result is kept: each policy is reduced to its statuses (shared, immutable
records) and counted into a :class:`RunTally` (gaps and findings by severity for the summary and
the exit code, the comparisons in their compact form), so memory stays flat however many policies
a night brings.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from checker import __version__
from checker.analysis.compare import ComparisonTally
from checker.models import PolicyResult, Report, Status
from checker.report.json_report import policy_to_dict
from checker.rules.checklist import CompiledChecklists
from checker.run.light import light_of_record, lighten
from checker.run.tasks import Outcome

if TYPE_CHECKING:
    from checker.analysis.waivers import WaiverBook


def light_result(outcome: Outcome) -> PolicyResult:
    """:func:`lighten` of the outcome's result, read straight off a cached record when there is one."""
    if outcome.light is not None:
        # a worker's is re-shared here (unpickling gave this process its own copy of every status
        # record); the cache's was made of shared records in this process
        return outcome.light if outcome.cached else lighten(outcome.light)
    record = outcome.record
    if record is None or "result" in outcome.__dict__:
        assert outcome.result is not None
        return lighten(outcome.result)
    return light_of_record(outcome.source, record)


class RunTally:
    """What a streamed run's summary, exit code and JSONL summary need, counted as policies come:
    gaps and findings by severity, and the comparisons without a value per policy."""

    def __init__(self, requirements: dict[str, dict[str, Any]]) -> None:
        self._severity = {rid: r["severity"] for rid, r in requirements.items()}
        self.gaps: Counter[str] = Counter()
        self.findings: Counter[str] = Counter()
        self.not_applicable = 0
        """Items the law does not ask of the policies scanned (never gaps; said apart in the summary)."""
        self.waived = 0
        """Gaps and findings accepted by a waiver (not counted above, nor by ``--fail-on``)."""
        self.comparisons = ComparisonTally(keep_values=False)

    @property
    def policies(self) -> int:
        return self.comparisons.policies

    def add(self, result: PolicyResult) -> None:
        waived = result.waived
        for v in result.verdicts:
            if v.status.is_gap:
                if waived and f"requirement:{v.requirement}" in waived:
                    self.waived += 1
                else:
                    self.gaps[self._severity.get(v.requirement, "medium")] += 1
            elif v.status is Status.NOT_APPLICABLE:
                self.not_applicable += 1
        for f in result.findings:
            if waived and f"finding:{f.kind}" in waived:
                self.waived += 1
            else:
                self.findings[f.severity] += 1
        self.comparisons.add(result)

    @classmethod
    def of(cls, report: Report) -> RunTally:
        """The tally of a report whose results were all kept."""
        tally = cls({r["id"]: r for r in report.requirements})
        for policy in report.policies:
            tally.add(policy)
        return tally


def waive(outcome: Outcome, book: WaiverBook) -> Outcome:
    """The outcome with the waivers that accept its gaps or findings applied (itself when none
    does). Decided on the light result, so a streamed run rebuilds only the waived policies."""
    if not outcome.is_policy:
        return outcome
    light = light_result(outcome)
    waived = book.apply(light)
    if waived is light:
        return outcome
    assert outcome.result is not None
    return Outcome(outcome.source, analysed=replace(outcome.result, waived=waived.waived), cached=outcome.cached,
                   light=waived)


class JsonlSink:
    """Writes outcomes as JSONL, atomically (temp file in the target folder, renamed at the end)."""

    def __init__(self, path: Path | None, compiled: CompiledChecklists) -> None:
        self.path = path
        self._table = compiled.requirement_table
        self._tmp: str | None = None
        if path is None:
            self._out: IO[str] = sys.stdout
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            self._out = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self._errors_written: set[str] = set()
        self._write({"type": "run", "tool": {"name": "gapcheck", "version": __version__},
                     "checklists": [{"id": c.id, "version": c.version, "title": c.title} for c in compiled.checklists],
                     "requirements": list(self._table.values())})

    def _write(self, record: dict[str, Any]) -> None:
        self._out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def add(self, outcome: Outcome) -> None:
        if outcome.line is not None:  # encoded by the worker; the record with "type" put first
            self._out.write('{"type": "policy", ' + outcome.line[1:] + "\n")
        elif outcome.record is not None:  # from the cache: already in the contract's shape
            self._write({"type": "policy", **outcome.record})
        elif outcome.result is not None:
            self._write({"type": "policy", **policy_to_dict(outcome.result, self._table)})
        elif outcome.skipped is not None:
            k = outcome.skipped
            self._write({"type": "skipped", "source": k.source, "language": k.language, "message": k.message})
        elif outcome.error is not None:
            self._errors_written.add(outcome.error.message)
            self._write({"type": "error", "source": outcome.error.source, "message": outcome.error.message})

    def finish(self, report: Report, policies: int | None = None) -> list[Path]:
        """Write the errors met before scanning and the summary (``policies``: how many were
        scanned, when the report does not hold them); put the file in place."""
        for e in report.errors:
            if e.message not in self._errors_written:
                self._write({"type": "error", "source": e.source, "message": e.message})
        self._write({"type": "summary", "policies": len(report.policies) if policies is None else policies,
                     "skipped": len(report.skipped), "errors": len(report.errors),
                     "comparisons": [c.to_dict() for c in report.comparisons],
                     **({"waivers": report.waivers} if report.waivers is not None else {})})
        self._out.flush()
        if self.path is None:
            return []
        os.fsync(self._out.fileno())
        self._out.close()
        assert self._tmp is not None
        os.replace(self._tmp, self.path)
        self._tmp = None
        return [self.path]

    def abort(self) -> None:
        if self.path is not None and self._tmp:
            self._out.close()
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)


@contextlib.contextmanager
def progress_over(items: Iterable[Outcome], total: int, show: bool) -> Iterator[Iterable[Outcome]]:
    """``items`` as they come, with a progress bar (count, rate, ETA) on standard error if ``show``."""
    if not show or total == 0:
        yield items
        return
    start = time.monotonic()
    done = [0]

    def counted() -> Iterator[Outcome]:
        for item in items:
            done[0] += 1
            yield item

    def rate(_: Any) -> str:
        elapsed = max(time.monotonic() - start, 1e-6)
        return f"{done[0] / elapsed:.1f} policies/s"

    with click.progressbar(counted(), length=total, label="scanning", show_eta=True, show_pos=True,
                           item_show_func=rate, file=sys.stderr) as bar:
        yield bar
