"""Cross-policy comparisons: where policies of one corpus answer the same question differently.

An auditor looking at a group's policies (or one company's sites) needs to see at a glance that
one says children under 13 and another under 18; a single-policy view hides that.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from .models import Comparison, PolicyResult, Status


def children_age(results: Sequence[PolicyResult]) -> Comparison | None:
    """Children's age thresholds side by side, when at least two different ages are stated."""
    values = {r.source: r.facts.get("children_age") for r in results}
    stated = {v for v in values.values() if v is not None}
    if len(stated) < 2:
        return None
    ages = ", ".join(str(a) for a in sorted(stated))
    unstated = sum(1 for v in values.values() if v is None)
    message = f"children's age thresholds disagree across policies: {ages}"
    if unstated:
        message += f" ({unstated} polic{'y states' if unstated == 1 else 'ies state'} none)"
    return Comparison("children_age", values, message)


def requirement_status(results: Sequence[PolicyResult]) -> list[Comparison]:
    """Requirements met by some policies and missing from others (needs at least two policies)."""
    if len(results) < 2:
        return []
    out = []
    order = [v.requirement for v in results[0].verdicts]
    for req in order:
        values = {r.source: next((v.status.value for v in r.verdicts if v.requirement == req), None) for r in results}
        counts = Counter(v for v in values.values() if v is not None)
        if counts.get(Status.MET.value) and counts.get(Status.MISSING.value):
            out.append(Comparison(f"status:{req}", values,
                                  f"{req}: met in {counts[Status.MET.value]}, missing in {counts[Status.MISSING.value]}"
                                  + (f", partial in {counts[Status.PARTIAL.value]}" if counts.get(Status.PARTIAL.value) else "")))
    return out


def compare(results: Sequence[PolicyResult]) -> list[Comparison]:
    """All comparisons for a corpus, the children's age first."""
    comparisons: list[Comparison] = []
    age = children_age(results)
    if age:
        comparisons.append(age)
    comparisons.extend(requirement_status(results))
    return comparisons
