"""Every checklist item's own examples, run as data (sqlfluff's YAML rule cases).

Each requirement in every bundled checklist carries sentences that must be ``met``, near misses
that must stay ``missing`` and, where the requirement has qualifiers, sentences that are only
``partial``. Test ids are the requirement ids.
"""

from __future__ import annotations

import pytest

from checker.inputs.loader import load_bytes
from checker.nlp.sentences import parse_document
from checker.pipeline import analyse
from checker.rules.checklist import bundled_names, load_checklists

_ALL = load_checklists(bundled_names())
_CASES = [pytest.param(req.id, kind, sentence, id=f"{req.id}-{kind}-{n}")
          for req in _ALL.requirements for kind, sentences in req.examples.items()
          for n, sentence in enumerate(sentences)]
_EXPECTED = {"match": "met", "partial": "partial", "no_match": "missing", "not_applicable": "not_applicable"}


def test_every_requirement_has_a_match_and_a_near_miss() -> None:
    for req in _ALL.requirements:
        assert req.examples.get("match"), f"{req.id} has no example that must match"
        # a requirement owed only where its condition shows reads its near misses as not owed
        assert req.examples.get("no_match") or (req.applies_only_when is not None and req.examples.get("not_applicable")), \
            f"{req.id} has no near miss that must not match"


def status_of(sentence: str, requirement: str) -> str:
    """Status of one requirement of any bundled checklist (CCPA included) for one sentence."""
    result = analyse(parse_document(load_bytes(sentence.encode(), "example.md", "markdown"), _ALL.model), _ALL)
    return next(v.status.value for v in result.verdicts if v.requirement == requirement)


@pytest.mark.parametrize("requirement, kind, sentence", _CASES)
def test_example(requirement: str, kind: str, sentence: str) -> None:
    assert status_of(sentence, requirement) == _EXPECTED[kind]
