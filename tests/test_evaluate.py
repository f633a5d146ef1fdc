"""eval itself, on a hand-made report with a known answer."""

from __future__ import annotations

import pytest

from checker.evaluate import evaluate


def policy(name: str, statuses: dict[str, str], findings: list[dict] | None = None, age: int | None = None) -> dict:  # type: ignore[type-arg]
    return {"source": f"corpus/{name}", "requirements": [{"id": k, "status": v} for k, v in statuses.items()],
            "findings": findings or [], "facts": {"children_age": age}}


REPORT = {"policies": [
    policy("a.md", {"retention": "missing", "cookies": "met", "security": "partial"},
           [{"kind": "placeholder", "evidence": {"text": "Data goes to [List of  countries]."}}], age=13),
    policy("b.md", {"retention": "met", "cookies": "partial", "security": "met"}, age=None),
]}
GOLD = {
    "a.md": {"requirements": {"retention": "partial", "cookies": "met", "security": "missing"},
             "findings": [{"kind": "placeholder", "quote": "[list of countries]"},
                          {"kind": "consent_by_use", "quote": "by using"}],
             "children_age": 13},
    "b.md": {"requirements": {"retention": "missing", "cookies": "met", "security": "met"}, "children_age": 16},
    "c.md": {"requirements": {"retention": "met"}},
}


def test_gap_scores_known_answer() -> None:
    ev = evaluate(REPORT, GOLD)
    # gaps: a.retention (tp), a.security (tp), b.retention (fn), b.cookies (fp)
    assert (ev.overall.tp, ev.overall.fp, ev.overall.fn, ev.overall.tn) == (2, 1, 1, 2)
    assert ev.overall.precision == pytest.approx(2 / 3) and ev.overall.recall == pytest.approx(2 / 3)
    # exact agreement: a.cookies, b.security agree; a.retention partial vs missing does not
    assert ev.overall.agree == 2
    assert ev.findings_found == 1 and ev.findings_expected == 2
    assert ev.ages_correct == 1 and ev.ages_expected == 2
    assert ev.unmatched_gold == ["c.md"]


def test_presence_mode_counts_partial_as_disclosed() -> None:
    ev = evaluate(REPORT, GOLD, presence=True)
    # gaps are only 'missing': a.security gold missing/pred partial -> fn; a.retention pred missing/gold partial -> fp;
    # b.retention gold missing/pred met -> fn
    assert (ev.overall.tp, ev.overall.fp, ev.overall.fn) == (0, 1, 2)


def test_a_quote_matches_the_evidence_whatever_the_unicode_form_of_its_accents() -> None:
    from checker.evaluate import normalise

    decomposed = "Va\u0301clavske\u0301 na\u0301me\u030csti\u0301 813/57, Prague 1"  # as a PDF export spells it
    composed = "V\u00e1clavsk\u00e9 n\u00e1m\u011bst\u00ed 813/57"  # as a reviewer types it
    assert normalise(composed) in normalise(decomposed)
    assert normalise("\u201cLast  Updated\u201d") == '"last updated"'
