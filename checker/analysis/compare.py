"""Cross-policy comparisons: where policies of one corpus answer the same question differently.

An auditor looking at a group's policies (or one company's sites) needs to see at a glance that
one says children under 13 and another under 18; a single-policy view hides that.

The comparisons are tallied one policy at a time (:class:`ComparisonTally`). A JSON report lists
every policy's value; a streamed (JSONL) run of a million policies keeps only what stays small:
the ages the policies state, and per requirement how many policies meet, miss or partly meet it
(the per-policy statuses are on the policy lines already). Listing every policy's status per
requirement made the summary of 100,000 policies a 190 MB line and cost 500 MB to write.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from checker.models import Comparison, PolicyResult, Status


class ComparisonTally:
    """The comparisons of a corpus, built as its policies come (see the module docstring)."""

    def __init__(self, keep_values: bool = True) -> None:
        self.keep_values = keep_values
        self.policies = 0
        self._ages: dict[str, Any] = {}  # source -> age (None: states none; kept only with keep_values)
        self._unstated = 0
        self._order: list[str] | None = None  # requirements in the first policy's order
        self._statuses: dict[str, dict[str, str | None]] = {}  # requirement -> source -> status
        self._counts: dict[str, Counter[str]] = {}  # requirement -> status -> policies

    def add(self, result: PolicyResult) -> None:
        self.policies += 1
        age = result.facts.get("children_age")
        if self.keep_values or age is not None:
            self._ages[result.source] = age
        else:
            self._unstated += 1
        if self._order is None:
            self._order = [v.requirement for v in result.verdicts]
            if self.keep_values:
                self._statuses = {req: {} for req in self._order}
            else:
                self._counts = {req: Counter() for req in self._order}
        first: dict[str, str] = {}
        for v in result.verdicts:
            first.setdefault(v.requirement, v.status.value)
        for req in self._order:
            status = first.get(req)
            if self.keep_values:
                self._statuses[req][result.source] = status
            elif status is not None:
                self._counts[req][status] += 1

    def comparisons(self) -> list[Comparison]:
        """All comparisons, the children's age first."""
        out: list[Comparison] = []
        age = self._children_age()
        if age:
            out.append(age)
        if self.policies < 2 or self._order is None:
            return out
        for req in self._order:
            values = self._statuses[req] if self.keep_values else {}
            counts = Counter(v for v in values.values() if v is not None) if self.keep_values else self._counts[req]
            met, missing, partial = (counts.get(s.value, 0) for s in (Status.MET, Status.MISSING, Status.PARTIAL))
            if met and missing:
                message = f"{req}: met in {met}, missing in {missing}" + (f", partial in {partial}" if partial else "")
                out.append(Comparison(f"status:{req}", values, message,
                                      None if self.keep_values else {s: counts[s] for s in sorted(counts)}))
        return out

    def _children_age(self) -> Comparison | None:
        """Children's age thresholds side by side, when at least two different ages are stated."""
        stated = {v for v in self._ages.values() if v is not None}
        if len(stated) < 2:
            return None
        ages = ", ".join(str(a) for a in sorted(stated))
        unstated = sum(1 for v in self._ages.values() if v is None) + self._unstated
        message = f"children's age thresholds disagree across policies: {ages}"
        if unstated:
            message += f" ({unstated} polic{'y states' if unstated == 1 else 'ies state'} none)"
        return Comparison("children_age", dict(self._ages), message)


def compare(results: Iterable[PolicyResult]) -> list[Comparison]:
    """All comparisons for a corpus, every policy's value listed, the children's age first."""
    tally = ComparisonTally()
    for result in results:
        tally.add(result)
    return tally.comparisons()
