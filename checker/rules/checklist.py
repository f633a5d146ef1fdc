"""Checklist YAML -> validated :class:`Requirement` records with compiled patterns.

Requirements are data. Loading is strict (medspaCy's ``from_dict`` habit): an unknown key, a wrong
type or a pattern spaCy cannot compile fails with the file, the line, the item id and what is
wrong, because a silently ignored typo in a checklist means a silently wrong audit.

Compiling the patterns needs spaCy (a second of start-up); a rerun whose every policy comes from
the cache needs only the checklists' digest and requirement metadata, so compilation can be
deferred to the first policy that needs analysing (``load_checklists(..., compile=False)``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.models import DEFAULT_MODEL, Pattern, PatternError, PatternKey
from checker.rules.errors import ChecklistError
from checker.rules.schema import Applicability, Checklist, Concept, Qualifier, Requirement, parse_checklist

__all__ = ["Applicability", "Checklist", "ChecklistError", "CompiledChecklists", "Concept", "Qualifier",
           "Requirement", "load_checklists", "parse_checklist"]

if TYPE_CHECKING:
    from checker.nlp.patterns import PatternSet

DEFAULT_CHECKLISTS: tuple[str, ...] = ("gdpr", "coppa")

FACT_DETECTORS: tuple[str, ...] = ("effective_date", "children_age", "required_column")
"""The values a checklist item may name as its ``detector:`` instead of (or beside) patterns: part of
the checklist language, so checked here; :mod:`checker.analysis.requirement_detectors` answers
each (a test checks that the two name the same set)."""


@dataclass
class CompiledChecklists:
    """The requirements of every selected checklist with one PatternSet for all of them.

    One PatternSet finds every requirement's matches in one call per document.
    Pattern ids are ``<requirement>/<role>/<n>``, e.g. ``retention/core/2``.
    """

    checklists: list[Checklist]
    requirements: list[Requirement]
    model: str
    sources: tuple[str, ...] = ()
    """The checklist files as loaded: what a worker process needs to compile the same set."""
    digest: str = ""
    """SHA-256 of the checklist texts and the model: part of every cache key."""
    engine: str = "fast"
    """How token patterns are matched: ``fast`` (gapcheck's engine) or ``spacy`` (spaCy's Matcher,
    the reference the fast engine is tested against; same matches, several times slower)."""
    _patterns: PatternSet | None = field(default=None, repr=False)

    @property
    def compiled(self) -> bool:
        """Have the patterns been compiled yet?"""
        return self._patterns is not None

    def compile(self) -> CompiledChecklists:
        """Compile every pattern now (importing spaCy) unless done already; returns ``self``.

        Raises :class:`ChecklistError` naming file, line, requirement and pattern when one does
        not compile. Called before a pool forks (workers inherit the result) and before the first
        policy a cache cannot answer (a rerun answered by the cache never imports spaCy).
        """
        if self._patterns is None:
            self._patterns = _compile_patterns(self.checklists, self.requirements, self.model, self.engine)
        return self

    @property
    def patterns(self) -> PatternSet:
        """Every requirement's patterns in one PatternSet (compiled on first use)."""
        patterns = self.compile()._patterns
        assert patterns is not None
        return patterns

    @cached_property
    def requirement_table(self) -> dict[str, dict[str, Any]]:
        """Requirement id -> what reports show of it (title, checklist, severity, references,
        remediation): the ``requirements`` of the JSON report and the extra fields of each verdict."""
        return {r.id: {"id": r.id, "title": r.title, "checklist": r.checklist, "severity": r.severity,
                       "references": list(r.references), "remediation": r.remediation} for r in self.requirements}

    def get(self, requirement_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)


# --------------------------------------------------------------------------------------------
# Finding and compiling checklists
# --------------------------------------------------------------------------------------------

def bundled_dir() -> Path:
    """Where the bundled checklists live: ``checklists/`` in a checkout, ``checker/checklists`` in a wheel."""
    package = Path(__file__).resolve().parent.parent  # checker/
    checkout = package.parent / "checklists"
    if checkout.is_dir():
        return checkout
    return package / "checklists"


def bundled_names() -> list[str]:
    return sorted(p.stem for p in bundled_dir().glob("*.yaml"))


def resolve(name_or_file: str) -> Path:
    """A bundled checklist name (``gdpr``) or a path to a user's YAML file."""
    candidate = Path(name_or_file)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            raise ChecklistError(f"{name_or_file}: checklist file not found")
        return candidate
    bundled = bundled_dir() / f"{name_or_file}.yaml"
    if bundled.is_file():
        return bundled
    raise ChecklistError(f"unknown checklist '{name_or_file}' (bundled: {', '.join(bundled_names())}; "
                         "or give a path to a .yaml file)")


def load_checklists(names: Iterable[str] = DEFAULT_CHECKLISTS, model: str = DEFAULT_MODEL,
                    compile: bool = True, engine: str = "fast") -> CompiledChecklists:
    """Load, validate and (unless ``compile`` is False) compile the named checklists into one
    :class:`CompiledChecklists`."""
    digest = hashlib.sha256(f"model={model}\n".encode())
    files: list[tuple[Path, str]] = []
    for name in names:
        path = resolve(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ChecklistError(f"{path}: cannot read checklist ({exc})") from None
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
        files.append((path, text))
    sources = tuple(str(path) for path, _ in files)
    checklists = _parse_files(files)
    requirements = [r for c in checklists for r in c.requirements]
    result = CompiledChecklists(checklists=checklists, requirements=requirements, model=model,
                                sources=sources, digest=digest.hexdigest(), engine=engine)
    if compile:
        result.compile()  # now: a broken pattern fails before any file is read
    return result


def _parse_files(files: list[tuple[Path, str]]) -> list[Checklist]:
    """Parse and validate each checklist text; a requirement id may belong to one checklist only."""
    checklists: list[Checklist] = []
    owner: dict[str, str] = {}
    for path, text in files:
        checklist = parse_checklist(text, str(path), FACT_DETECTORS)
        if any(c.id == checklist.id for c in checklists):
            continue  # the same checklist named twice
        for req in checklist.requirements:
            if req.id in owner:
                raise ChecklistError(f"{path}:{req.line}: requirement '{req.id}' is also defined in {owner[req.id]}")
            owner[req.id] = str(path)
        checklists.append(checklist)
    return checklists


def _compile_patterns(checklists: list[Checklist], requirements: list[Requirement], model: str,
                      engine: str = "fast") -> PatternSet:
    from checker.nlp.patterns import PatternSet  # spaCy is imported only when patterns are compiled

    patterns = PatternSet(model, engine)
    for checklist in checklists:
        for name, items in checklist.frames.items():
            for n, pattern in enumerate(items, start=1):
                try:
                    patterns.add(PatternKey.frame(checklist.id, name, n).id, pattern)
                except PatternError as exc:
                    raise ChecklistError(f"{Path(checklist.path).as_posix()}: frame '{name}' pattern {n}: {exc}") from None
    for req in requirements:
        where = f"{Path(_path_of(checklists, req)).as_posix()}:{req.line}: requirement '{req.id}'"
        roles: list[tuple[str, tuple[Pattern, ...]]] = [
            ("core", req.patterns), ("partial", req.partial_patterns), ("section", req.section_patterns),
            ("exclude", req.exclude)] + [(f"requires:{q.name}", q.patterns) for q in req.requires]
        roles += [(role + q.name, patterns) for q in req.requires if q.outweighed_by is not None for role, patterns in
                  (("outweighs:", q.outweighed_by.patterns), ("settles:", q.outweighed_by.settled_by))]
        roles += [(f"lapsed:{q.name}", q.lapsed.patterns) for q in req.requires if q.lapsed is not None]
        if req.concept is not None:
            roles += [("term", req.concept.terms), ("heading_term", req.concept.heading_terms),
                      ("guard", req.concept.guards), ("context", req.concept.context),
                      ("policy_context", req.concept.policy_context)]
        for k, condition in enumerate(req.not_applicable_when):
            roles += [(Applicability.role(k), condition.patterns), (Applicability.contra_role(k), condition.contradicted_by)]
        if req.applies_only_when is not None:
            roles.append(("applies", req.applies_only_when.patterns))
        for role, items in roles:
            for n, pattern in enumerate(items, start=1):
                try:
                    patterns.add(PatternKey(req.id, role, n).id, pattern)
                except PatternError as exc:
                    raise ChecklistError(f"{where}: {role} pattern {n}: {exc}") from None
    patterns.prepare()
    return patterns


def _path_of(checklists: list[Checklist], req: Requirement) -> str:
    return next(c.path for c in checklists if c.id == req.checklist)
