"""Reviewer spot-checks: sample verdicts into a sheet, read marked sheets back as measured precision.

Gold labels cost a full read of every policy; a spot-check costs a glance at one verdict and its
evidence. A team that marks 30 random verdicts a week learns the tool's error rate on its own
corpus, with an honest interval around it (Wilson score: sound at small n and near 0 or 1, where
the normal approximation claims certainty it does not have).

A sheet is YAML (default) or CSV. Each row is one verdict (policy x requirement) or one finding, with
what the reviewer needs to judge it: status, reason, references and the evidence with its location.
The reviewer fills ``verdict`` with ``right`` or ``wrong`` (and optionally ``correct_status`` and a
``note``); unmarked rows are left out of the scores and counted.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from checker.models import GAP_STATUSES, location_unit

SHEET_VERSION = 1
RIGHT = frozenset({"right", "r", "correct", "yes", "y", "ok", "true", "1", "\u2713", "\u2714"})
WRONG = frozenset({"wrong", "w", "incorrect", "no", "n", "false", "0", "\u2717", "\u2718", "x"})
CSV_COLUMNS = ("id", "source", "kind", "requirement", "title", "status", "severity", "reason", "references", "evidence",
               "verdict", "correct_status", "note")
Z_95 = 1.959963984540054


class ReviewError(Exception):
    """A sheet or report that cannot be used; the message names the file and the problem."""


# --------------------------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------------------------

def _where(evidence: dict[str, Any], unit: str = "line") -> str:
    page = evidence.get("page")
    return f"page {page}, {unit} {evidence.get('line')}" if page else f"{unit} {evidence.get('line')}"


def population(report: dict[str, Any], include_findings: bool = True, only: str = "all") -> list[dict[str, Any]]:
    """Every verdict (and finding) of a JSON report as a sheet row, in report order; ``only``
    ``gaps`` keeps the partial/missing verdicts, ``findings`` the findings."""
    rows: list[dict[str, Any]] = []
    table = {r.get("id"): r for r in report.get("requirements", []) if isinstance(r, dict)}
    try:
        policies = report["policies"]
        for policy in policies:
            source = policy["source"]
            unit = location_unit(policy.get("metadata") or {})
            for req in policy["requirements"]:
                known = table.get(req["id"], {})
                rows.append({
                    "id": f"{source}#{req['id']}", "source": source, "kind": "verdict", "requirement": req["id"],
                    "title": known.get("title", ""), "status": req["status"],
                    "severity": req.get("severity") or known.get("severity", ""), "reason": req.get("reason", ""),
                    "references": list(req.get("references", [])),
                    "evidence": [{"where": _where(e, unit), "text": e["text"]} for e in req.get("evidence", [])],
                    "verdict": "", "correct_status": "", "note": ""})
            if include_findings:
                for n, finding in enumerate(policy.get("findings", []), start=1):
                    ev = finding.get("evidence") or {}
                    rows.append({
                        "id": f"{source}#finding-{n}", "source": source, "kind": "finding",
                        "requirement": finding["kind"], "title": f"finding: {finding['kind']}", "status": "flagged", "severity": finding.get("severity", ""),
                        "reason": finding.get("message", ""), "references": [],
                        "evidence": [{"where": _where(ev, unit), "text": ev.get("text", "")}] if ev else [],
                        "verdict": "", "correct_status": "", "note": ""})
    except (KeyError, TypeError) as exc:
        raise ReviewError(f"not a gapcheck JSON report (missing {exc})") from None
    if only == "gaps":
        return [r for r in rows if r["kind"] == "verdict" and r["status"] in GAP_STATUSES]
    if only == "findings":
        return [r for r in rows if r["kind"] == "finding"]
    return rows


def sample(rows: list[dict[str, Any]], size: int, seed: int, per_requirement: bool = False) -> list[dict[str, Any]]:
    """A reproducible random sample: ``size`` rows overall, or up to ``size`` per requirement.

    Stratifying per requirement is what measuring per-requirement precision needs: a simple
    random sample of 30 spends most of its rows on the commonest requirements.
    """
    rng = random.Random(seed)
    if not per_requirement:
        picked = rng.sample(rows, min(size, len(rows)))
    else:
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[row["requirement"]].append(row)
        picked = []
        for key in sorted(groups):
            picked.extend(rng.sample(groups[key], min(size, len(groups[key]))))
    order = {id(row): i for i, row in enumerate(rows)}
    return sorted(picked, key=lambda row: order[id(row)])


# --------------------------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------------------------

def sheet_text(rows: list[dict[str, Any]], report_path: str, seed: int, fmt: str) -> str:
    """Render a sheet as YAML (with instructions) or CSV (one row per item, evidence joined)."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            flat = dict(row)
            flat["references"] = "; ".join(row["references"])
            flat["evidence"] = " | ".join(f"{e['where']}: {e['text']}" for e in row["evidence"])
            writer.writerow({k: flat.get(k, "") for k in CSV_COLUMNS})
        return out.getvalue()
    header = {
        "gapcheck_review_sheet": SHEET_VERSION,
        "report": report_path,
        "seed": seed,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "instructions": ("For each item, read the evidence (and the policy where needed) and set verdict to "
                         "'right' or 'wrong'. For a wrong verdict you may give correct_status (met, partial, "
                         "missing, or for a finding: none) and a note. Leave verdict empty to skip an item. "
                         "Then run: gapcheck eval --reviews THIS_FILE"),
        "items": rows,
    }
    return yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=110)


def read_sheet(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a marked sheet (YAML or CSV, chosen by suffix)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ReviewError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = {"id", "requirement", "status", "verdict"} - set(reader.fieldnames or [])
        if missing:
            raise ReviewError(f"{path}: not a review sheet (no column {', '.join(sorted(missing))})")
        return [dict(row) for row in reader]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ReviewError(f"{where}: invalid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ReviewError(f"{path}: not a review sheet (no 'items' list)")
    for n, item in enumerate(data["items"], start=1):
        if not isinstance(item, dict) or "requirement" not in item or "status" not in item:
            raise ReviewError(f"{path}: item {n} is not a review row (needs requirement, status, verdict)")
    return list(data["items"])


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------

def wilson_interval(right: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``right / n`` (95% by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = right / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0

    @property
    def n(self) -> int:
        return self.right + self.wrong

    @property
    def precision(self) -> float | None:
        return self.right / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.right, self.n)

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {"n": self.n, "right": self.right, "wrong": self.wrong, "precision": self.precision,
                "ci95": [round(low, 4), round(high, 4)]}


@dataclass
class ReviewScores:
    """Measured precision from marked sheets: overall, per requirement, per status."""

    overall: Tally = field(default_factory=Tally)
    gaps: Tally = field(default_factory=Tally)
    """Reported gaps (partial + missing): of the gaps the report claims, how many are real."""
    per_requirement: dict[str, Tally] = field(default_factory=dict)
    per_status: dict[str, Tally] = field(default_factory=dict)
    unmarked: int = 0
    invalid: list[str] = field(default_factory=list)
    wrong_items: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"overall": self.overall.to_dict(), "gaps": self.gaps.to_dict(),
                "per_requirement": {k: v.to_dict() for k, v in sorted(self.per_requirement.items())},
                "per_status": {k: v.to_dict() for k, v in sorted(self.per_status.items())},
                "unmarked": self.unmarked, "invalid": self.invalid, "wrong": self.wrong_items}


def score(rows: Iterable[dict[str, Any]]) -> ReviewScores:
    """Tally right/wrong marks; a row appearing in several sheets counts once (its last mark)."""
    latest: dict[str, dict[str, Any]] = {}
    scores = ReviewScores()
    for n, row in enumerate(rows):
        key = str(row.get("id") or f"row-{n}")
        latest[key] = row
    for key, row in latest.items():
        mark = str(row.get("verdict") or "").strip().lower()
        if not mark:
            scores.unmarked += 1
            continue
        if mark in RIGHT:
            good = True
        elif mark in WRONG:
            good = False
        else:
            scores.invalid.append(f"{key}: verdict '{row.get('verdict')}' is neither right nor wrong")
            continue
        requirement, status = str(row["requirement"]), str(row["status"])
        tallies = [scores.overall, scores.per_requirement.setdefault(requirement, Tally()),
                   scores.per_status.setdefault(status, Tally())]
        if status in GAP_STATUSES:
            tallies.append(scores.gaps)
        for tally in tallies:
            if good:
                tally.right += 1
            else:
                tally.wrong += 1
        if not good:
            scores.wrong_items.append({"id": key, "status": status,
                                       "correct_status": str(row.get("correct_status") or ""),
                                       "note": str(row.get("note") or "")})
    return scores


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def format_scores(scores: ReviewScores, details: bool = False) -> str:
    """The terminal table: precision with its 95% interval, per requirement and per status."""
    lines = [f"{'requirement':<30} {'n':>4} {'right':>5} {'wrong':>5}  precision  95% CI"]

    def line(name: str, t: Tally) -> str:
        low, high = t.interval
        return f"{name:<30} {t.n:>4} {t.right:>5} {t.wrong:>5}  {_fmt(t.precision):>9}  [{low:.3f}, {high:.3f}]"

    for name in sorted(scores.per_requirement):
        lines.append(line(name, scores.per_requirement[name]))
    lines.append("")
    for name in sorted(scores.per_status):
        lines.append(line(f"status {name}", scores.per_status[name]))
    lines.append("")
    low, high = scores.gaps.interval
    lines.append(f"reported gaps right: {_fmt(scores.gaps.precision)}  95% CI [{low:.3f}, {high:.3f}]  "
                 f"(n={scores.gaps.n} partial/missing verdicts marked)")
    low, high = scores.overall.interval
    lines.append(f"measured precision: {_fmt(scores.overall.precision)}  95% CI [{low:.3f}, {high:.3f}]  "
                 f"(n={scores.overall.n} marked, {scores.unmarked} unmarked)")
    for problem in scores.invalid:
        lines.append(f"  ignored: {problem}")
    if details:
        for item in scores.wrong_items:
            fix = f" -> {item['correct_status']}" if item["correct_status"] else ""
            note = f" ({item['note']})" if item["note"] else ""
            lines.append(f"  wrong: {item['id']} {item['status']}{fix}{note}")
    return "\n".join(lines)
