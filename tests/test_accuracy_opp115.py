"""Accuracy on real policies nobody here wrote: OPP-115 presence labels (issue 5's targets).

The corpus is licensed for research only and lives beside the project, never in it; without it
these tests skip and say why.
"""

from __future__ import annotations

import pytest

from checker.evaluate import evaluate, load_gold
from checker.report.json_report import report_to_dict
from checker.run.scan import scan

from .conftest import SHARED

OPP = SHARED / "opp115-dev"
pytestmark = pytest.mark.skipif(not (OPP / "gold.yaml").is_file(),
                                reason="../shared/opp115-dev/ (research licence, not in the repository) is absent")


@pytest.fixture(scope="module")
def opp_evaluation(compiled):  # type: ignore[no-untyped-def]
    report = report_to_dict(scan([OPP / "policies"], compiled=compiled))
    return evaluate(report, load_gold(OPP / "gold.yaml"), presence=True)


def test_missing_disclosure_f1_overall(opp_evaluation) -> None:  # type: ignore[no-untyped-def]
    assert opp_evaluation.unmatched_gold == []
    assert opp_evaluation.overall.f1 >= 0.92, opp_evaluation.disagreements


def test_every_requirement_with_five_gaps_reaches_080(opp_evaluation) -> None:  # type: ignore[no-untyped-def]
    weak = {rid: c.f1 for rid, c in opp_evaluation.per_requirement.items()
            if c.tp + c.fn >= 5 and (c.f1 or 0.0) < 0.80}
    assert weak == {}, opp_evaluation.disagreements
