"""Behavioural tests (CheckList, Ribeiro et al., ACL 2020): capabilities, not dev-set scores.

Each YAML file under ``tests/behaviour/`` maps requirement -> class -> expected status -> texts.
The texts were written for this suite from the law's wording and common policy phrasing, never
copied from a dev policy, so the suite measures what the rules do on text nobody tuned them to.
A text is a Markdown fragment: a heading and its body may stand on separate lines.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from checker.inputs.loader import load_bytes
from checker.nlp.sentences import parse_document
from checker.pipeline import analyse
from checker.rules.checklist import bundled_names, load_checklists

HERE = Path(__file__).parent / "behaviour"
_ALL = load_checklists(bundled_names())
STATUSES = ("met", "partial", "missing", "not_applicable")


class _UniqueKeys(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice: plain YAML keeps the last one and silently
    drops every case written under the first."""


def _unique_mapping(loader: _UniqueKeys, node: yaml.MappingNode) -> dict:  # type: ignore[type-arg]
    keys = [loader.construct_object(k) for k, _ in node.value]
    twice = {k for k in keys if keys.count(k) > 1}
    if twice:
        raise yaml.constructor.ConstructorError(None, None, f"key(s) given twice: {sorted(map(str, twice))}", node.start_mark)
    return loader.construct_mapping(node)


_UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def load_suite(path: Path) -> dict:  # type: ignore[type-arg]
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeys)  # noqa: S506 (a SafeLoader)


def _cases() -> list[tuple[str, str, str, str, str]]:
    """(file, requirement, class, expected status, text) of every case."""
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        if path.name == "findings.yaml":
            continue
        data = load_suite(path)
        for requirement, classes in data.items():
            for klass, by_status in classes.items():
                for status, texts in by_status.items():
                    assert status in STATUSES, f"{path.name}: {requirement}/{klass}: unknown status {status}"
                    cases.extend((path.stem, requirement, klass, status, text) for text in texts)
    return cases


CASES = _cases()


def verdict_of(text: str, requirement: str) -> str:
    parsed = parse_document(load_bytes(text.encode(), "case.md", "markdown"), _ALL.model)
    result = analyse(parsed, _ALL)
    return next(v.status.value for v in result.verdicts if v.requirement == requirement)


@pytest.mark.parametrize(
    "requirement, klass, expected, text",
    [pytest.param(r, k, s, t, id=f"{f}-{r}-{k}-{n}") for n, (f, r, k, s, t) in enumerate(CASES)])
def test_case(requirement: str, klass: str, expected: str, text: str) -> None:
    assert verdict_of(text, requirement) == expected, f"{klass}: {text!r}"


def test_every_requirement_in_the_suite_is_real_and_has_fifteen_cases() -> None:
    known = {r.id for r in _ALL.requirements}
    per_requirement = Counter(r for _, r, _, _, _ in CASES)
    assert set(per_requirement) <= known, set(per_requirement) - known
    thin = {r: n for r, n in per_requirement.items() if n < 15}
    assert not thin, f"fewer than 15 cases: {thin}"


def test_each_requirement_has_a_near_miss_or_a_negation() -> None:
    # A requirement owed only where its condition shows (``applies_only_when``: sources of data obtained
    # from others) reads a near miss as not owed, never as missing: its near misses are `not_applicable`.
    conditional = {r.id for r in _ALL.requirements if r.applies_only_when is not None}
    classes: dict[str, set[str]] = {}
    for _, requirement, klass, status, _ in CASES:
        if status == "missing" or (status == "not_applicable" and requirement in conditional):
            classes.setdefault(requirement, set()).add(klass)
    missing = sorted({r for _, r, _, _, _ in CASES if not classes.get(r)})
    assert not missing, f"no near miss or negation: {missing}"


def _finding_cases() -> list[tuple[str, str, bool, str]]:
    """(kind, class, expected to be found, text) of every finding case in ``findings.yaml``."""
    data = load_suite(HERE / "findings.yaml")
    cases = []
    for kind, classes in data.items():
        for klass, by_outcome in classes.items():
            for outcome, texts in by_outcome.items():
                assert outcome in ("found", "not_found"), f"findings.yaml: {kind}/{klass}: {outcome}"
                cases.extend((kind, klass, outcome == "found", text) for text in texts)
    return cases


FINDING_CASES = _finding_cases()


def findings_of(text: str) -> set[str]:
    parsed = parse_document(load_bytes(text.encode(), "case.md", "markdown"), _ALL.model)
    return {f.kind for f in analyse(parsed, _ALL).findings}


@pytest.mark.parametrize("kind, klass, expected, text",
                         [pytest.param(*c, id=f"{c[0]}-{c[1]}-{n}") for n, c in enumerate(FINDING_CASES)])
def test_finding_case(kind: str, klass: str, expected: bool, text: str) -> None:
    assert (kind in findings_of(text)) is expected, f"{klass}: {text!r}"


def test_the_reason_says_which_sentence_decided() -> None:
    """Evidence spread over a policy: the strongest sentence wins, and the reason names its line."""
    text = ("## Marketing\n\nYou can unsubscribe from our newsletter at any time.\n\n"
            "## Your rights\n\nYou have the right to object to processing based on our legitimate interests.\n")
    parsed = parse_document(load_bytes(text.encode(), "case.md", "markdown"), _ALL.model)
    verdict = next(v for v in analyse(parsed, _ALL).verdicts if v.requirement == "right_objection")
    assert verdict.status.value == "met"
    assert verdict.reason.endswith("(decided by line 7)") and verdict.evidence[0].line == 7
