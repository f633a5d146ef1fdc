"""Gold labels -> precision / recall / F1 of gap detection, per requirement and overall.

Works on the JSON report shape (a dict), so a saved report can be scored as well as a fresh scan.
Label conventions are those of ``shared/gold/README.md``: a *gap* is ``partial`` or ``missing``;
in presence mode (labels that only say whether a practice is disclosed) a gap is ``missing`` and a
predicted ``partial`` counts as disclosed. Requirements a gold entry leaves out are not scored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from checker.models import GAP_STATUSES


class GoldError(Exception):
    """A gold file that cannot be used."""


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    agree: int = 0

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
                "gaps": self.tp + self.fn, "precision": self.precision, "recall": self.recall, "f1": self.f1,
                "agreement": self.agree / self.n if self.n else None}


@dataclass
class Evaluation:
    """Scores of one report against one gold file."""

    presence: bool
    per_requirement: dict[str, Counts] = field(default_factory=dict)
    overall: Counts = field(default_factory=Counts)
    findings_expected: int = 0
    findings_found: int = 0
    missed_findings: list[dict[str, str]] = field(default_factory=list)
    ages_expected: int = 0
    ages_correct: int = 0
    age_mismatches: list[dict[str, Any]] = field(default_factory=list)
    disagreements: list[dict[str, str]] = field(default_factory=list)
    unmatched_gold: list[str] = field(default_factory=list)

    @property
    def findings_recall(self) -> float | None:
        return self.findings_found / self.findings_expected if self.findings_expected else None

    @property
    def age_accuracy(self) -> float | None:
        return self.ages_correct / self.ages_expected if self.ages_expected else None

    def to_dict(self) -> dict[str, Any]:
        return {"presence": self.presence,
                "overall": self.overall.to_dict(),
                "requirements": {k: v.to_dict() for k, v in self.per_requirement.items()},
                "findings": {"expected": self.findings_expected, "found": self.findings_found,
                             "recall": self.findings_recall, "missed": self.missed_findings},
                "children_age": {"expected": self.ages_expected, "correct": self.ages_correct,
                                 "accuracy": self.age_accuracy, "mismatches": self.age_mismatches},
                "disagreements": self.disagreements, "unmatched_gold": self.unmatched_gold}


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and check a gold file (``policies:`` -> name -> requirements/findings/children_age)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoldError(f"{path}: cannot read gold file ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise GoldError(f"{path}: invalid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("policies"), dict):
        raise GoldError(f"{path}: a gold file needs a 'policies' mapping")
    for name, entry in data["policies"].items():
        if not isinstance(entry, dict):
            raise GoldError(f"{path}: policy '{name}' must be a mapping")
        for req, status in (entry.get("requirements") or {}).items():
            if status not in ("met", "partial", "missing", "not_applicable"):
                raise GoldError(f"{path}: policy '{name}' requirement '{req}': status must be met, partial, missing "
                                "or not_applicable")
    return data["policies"]


def normalise(text: str) -> str:
    """Case-, whitespace- and quote-insensitive form used to look for gold quotes in evidence.

    Unicode is composed first (NFC): a PDF export may spell "á" as "a" + a combining accent while
    the reviewer's quote has the one character, and the two are the same text."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def _no_gap(status: str) -> str:
    """Exact agreement compares what the policy owes: ``not_applicable`` agrees with a gold ``met``
    (the label files predate the status; neither is a gap)."""
    return "met" if status == "not_applicable" else status


def evaluate(report: dict[str, Any], gold: dict[str, Any], presence: bool = False) -> Evaluation:
    """Score a JSON-shaped report against gold labels."""
    result = Evaluation(presence=presence)
    by_name = {PurePosixPath(p["source"].replace("\\", "/")).name: p for p in report.get("policies", [])}
    for name, entry in gold.items():
        policy = by_name.get(name)
        if policy is None:
            result.unmatched_gold.append(name)
            continue
        predicted = {r["id"]: r["status"] for r in policy.get("requirements", [])}
        for req, truth in (entry.get("requirements") or {}).items():
            if req not in predicted:
                continue
            guess = predicted[req]
            gold_gap = truth == "missing" if presence else truth in GAP_STATUSES
            pred_gap = guess == "missing" if presence else guess in GAP_STATUSES
            counts = result.per_requirement.setdefault(req, Counts())
            for c in (counts, result.overall):
                if gold_gap and pred_gap:
                    c.tp += 1
                elif pred_gap:
                    c.fp += 1
                elif gold_gap:
                    c.fn += 1
                else:
                    c.tn += 1
                same = (gold_gap == pred_gap) if presence else (_no_gap(truth) == _no_gap(guess))
                c.agree += int(same)
            if (gold_gap != pred_gap) or (not presence and _no_gap(truth) != _no_gap(guess)):
                result.disagreements.append({"policy": name, "requirement": req, "gold": truth, "predicted": guess})
        for expected in entry.get("findings") or []:
            result.findings_expected += 1
            quote = normalise(str(expected.get("quote", "")))
            hit = any(f["kind"] == expected.get("kind") and quote in normalise(f["evidence"]["text"])
                      for f in policy.get("findings", []))
            if hit:
                result.findings_found += 1
            else:
                result.missed_findings.append({"policy": name, "kind": str(expected.get("kind")), "quote": str(expected.get("quote"))})
        if "children_age" in entry:
            result.ages_expected += 1
            got = (policy.get("facts") or {}).get("children_age")
            if got == entry["children_age"]:
                result.ages_correct += 1
            else:
                result.age_mismatches.append({"policy": name, "gold": entry["children_age"], "predicted": got})
    result.per_requirement = dict(sorted(result.per_requirement.items()))
    return result


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def format_table(ev: Evaluation, details: bool = False) -> str:
    """The human-readable evaluation: one row per requirement, then the overall lines."""
    label = "missing-disclosure" if ev.presence else "gap"
    lines = [f"{'requirement':<24} {'n':>3} {'gaps':>4} {'tp':>3} {'fp':>3} {'fn':>3}  {'prec':>5}  {'rec':>5}  {'f1':>5}  {'agree':>5}"]
    for req, c in ev.per_requirement.items():
        d = c.to_dict()
        lines.append(f"{req:<24} {c.n:>3} {d['gaps']:>4} {c.tp:>3} {c.fp:>3} {c.fn:>3}  {_fmt(c.precision)}  "
                     f"{_fmt(c.recall)}  {_fmt(c.f1)}  {_fmt(d['agreement'])}")
    o = ev.overall
    lines.append("")
    if details:
        for d in ev.disagreements:
            lines.append(f"  disagree: {d['policy']} {d['requirement']}: gold {d['gold']}, predicted {d['predicted']}")
        for m in ev.missed_findings:
            lines.append(f"  missed finding: {m['policy']} {m['kind']}: {m['quote']!r}")
        for m in ev.age_mismatches:
            lines.append(f"  children_age: {m['policy']}: gold {m['gold']}, predicted {m['predicted']}")
        if ev.disagreements or ev.missed_findings or ev.age_mismatches:
            lines.append("")
    for name in ev.unmatched_gold:
        lines.append(f"  warning: gold policy {name} was not in the scan")
    agreement = o.agree / o.n if o.n else None
    lines.append(f"overall {label} detection: precision {_fmt(o.precision)}  recall {_fmt(o.recall)}  F1 {_fmt(o.f1)}  "
                 f"(n={o.n}, gaps={o.tp + o.fn})")
    lines.append(f"exact status agreement: {_fmt(agreement)}")
    lines.append(f"findings recall: {_fmt(ev.findings_recall)} ({ev.findings_found}/{ev.findings_expected})")
    lines.append(f"children's age accuracy: {_fmt(ev.age_accuracy)} ({ev.ages_correct}/{ev.ages_expected})")
    return "\n".join(lines)
