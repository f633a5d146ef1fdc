"""Shared fixtures: one compiled default checklist set per test session, with the blank pipeline."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from checker.inputs.loader import load_bytes
from checker.models import PolicyResult
from checker.nlp.sentences import parse_document
from checker.pipeline import analyse
from checker.rules.checklist import CompiledChecklists, load_checklists

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def compiled() -> CompiledChecklists:
    return load_checklists()


@pytest.fixture(scope="session")
def analyse_text(compiled: CompiledChecklists) -> Callable[..., PolicyResult]:
    """Analyse a policy given as text (Markdown by default) without touching the disk."""

    def run(text: str, kind: str = "markdown", source: str = "policy.md") -> PolicyResult:
        document = load_bytes(text.encode("utf-8"), source, kind)
        return analyse(parse_document(document, compiled.model), compiled)

    return run


@pytest.fixture(scope="session")
def status_of(analyse_text: Callable[..., PolicyResult]) -> Callable[[str, str], str]:
    """Status of one requirement for a short policy text."""

    def run(text: str, requirement: str) -> str:
        result = analyse_text(text)
        return next(v.status.value for v in result.verdicts if v.requirement == requirement)

    return run


def cache_entries(cache: Path, kind: str = "") -> list[Path]:
    """A result cache's entries of ``kind`` (default: the policies' outcomes, not the checklists),
    read off each entry's header; files gapcheck did not write are left out."""
    def kind_of(entry: Path) -> str:
        header = json.loads(entry.read_text(encoding="utf-8").split("\n", 1)[0])
        return str(header.get("kind", "")) if "key" in header else ""

    kinds = {entry: kind_of(entry) for entry in cache.rglob("*.json")}
    return sorted(e for e, k in kinds.items() if (k == kind if kind else k not in ("", "checklists")))
