"""What a run prints when it ends and whether it fails the job: the terminal summary and ``--fail-on``."""

from __future__ import annotations

from pathlib import Path

from checker import __version__
from checker.models import SEVERITIES, Report
from checker.run.diff import format_diff
from checker.run.sinks import RunTally


def summary(report: Report, written: list[Path], tally: RunTally | None = None) -> str:
    """The terminal summary (``tally``: the run's counts, when the report does not hold its results)."""
    tally = tally or RunTally.of(report)
    gaps, findings, scanned = tally.gaps, tally.findings, tally.policies
    lines = [f"gapcheck {__version__}: {scanned} polic{'y' if scanned == 1 else 'ies'} scanned"
             f" against {', '.join(c['id'] for c in report.checklists)}"
             + (f", {len(report.skipped)} skipped" if report.skipped else "")
             + (f", {len(report.errors)} file(s) could not be scanned" if report.errors else "")]
    lines.append("  gaps:     " + ", ".join(f"{gaps.get(s, 0)} {s}" for s in reversed(SEVERITIES))
                 + (f" ({tally.not_applicable} not applicable)" if tally.not_applicable else ""))
    lines.append("  findings: " + ", ".join(f"{findings.get(s, 0)} {s}" for s in reversed(SEVERITIES)))
    if report.waivers is not None:
        lines.append(f"  accepted by waivers: {tally.waived} (not counted above nor by --fail-on)")
        for w in report.waivers["expired"]:
            lines.append(f"  expired waiver {w['entry']}: {w['kind']} {w['item']} for "
                         f"{w['policy']} (until {w['expires']}): no longer applies")
        for w in report.waivers["unused"]:
            lines.append(f"  unused waiver {w['entry']}: {w['kind']} {w['item']} for "
                         f"{w['policy']} accepted nothing")
    for c in report.comparisons:
        if c.kind == "children_age":
            lines.append(f"  note: {c.message}")
    for k in report.skipped:
        lines.append(f"  skipped: {k.message}")
    for e in report.errors:
        lines.append(f"  error: {e.message}")
    if report.diff is not None:
        lines.append("  " + format_diff(report.diff).replace("\n", "\n  "))
    for path in written:
        lines.append(f"  wrote {path}")
    return "\n".join(lines)


def should_fail(report: Report, fail_on: str, tally: RunTally | None = None) -> bool:
    """Is there a gap or finding at or above ``fail_on``?"""
    if fail_on == "none":
        return False
    floor = SEVERITIES.index(fail_on)
    tally = tally or RunTally.of(report)
    gaps, findings = tally.gaps, tally.findings
    return any(SEVERITIES.index(s) >= floor and (gaps.get(s) or findings.get(s)) for s in SEVERITIES)
