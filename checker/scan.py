"""The library entry point: paths in, :class:`Report` out.

The CLI is a thin wrapper around :func:`scan`; tests and other programs call it directly
(sqlfluff's ``api/simple.py`` habit). Per policy the road is fixed:
load -> parse (nlp) -> facts -> patterns -> verdicts -> detectors -> PolicyResult.
A file that cannot be read becomes an entry in ``Report.errors`` and the batch goes on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Sequence

from . import __version__
from .checklist import DEFAULT_CHECKLISTS, CompiledChecklists, load_checklists
from .compare import compare
from .detectors import DetectorInput, run_detectors
from .documents import DEFAULT_MAX_BYTES, InputProblem, discover, read_policy
from .facts import extract_facts
from .matching import match_requirements
from .models import Document, InputError, PolicyResult, Report
from .nlp import ParsedDocument, parse_documents

BATCH = 32


def analyse(parsed: ParsedDocument, compiled: CompiledChecklists) -> PolicyResult:
    """Everything gapcheck concludes about one parsed policy."""
    sentences = parsed.sentences
    facts = extract_facts(sentences)
    matches = compiled.patterns.find(parsed)
    verdicts, qualifier_findings = match_requirements(compiled, sentences, matches, facts)
    findings = run_detectors(DetectorInput(sentences, facts, {v.requirement: v for v in verdicts}))
    findings = sorted(findings + qualifier_findings, key=lambda f: (f.evidence.line, f.kind))
    doc = parsed.document
    return PolicyResult(source=doc.source, sha256=doc.sha256, metadata=dict(doc.metadata), verdicts=tuple(verdicts),
                        findings=tuple(findings), facts=facts.to_dict(), sentence_count=len(sentences))


def analyse_documents(documents: Sequence[Document], compiled: CompiledChecklists) -> Iterator[PolicyResult]:
    """Analyse loaded documents, batching the NLP with ``nlp.pipe``."""
    for parsed in parse_documents(documents, compiled.model):
        yield analyse(parsed, compiled)


def display_path(path: Path) -> str:
    """How a file is named in reports: relative to the working directory when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def scan(paths: Iterable[str | Path], checklists: Sequence[str] = DEFAULT_CHECKLISTS, model: str = "blank",
         max_bytes: int = DEFAULT_MAX_BYTES, compiled: CompiledChecklists | None = None) -> Report:
    """Scan files and directories against the checklists; never stops on one bad file."""
    compiled = compiled or load_checklists(checklists, model)
    files, problems = discover(paths)
    errors = [InputError(path, f"{path}: {problem}") for path, problem in problems]
    results: list[PolicyResult] = []
    batch: list[Document] = []
    for file in files:
        name = display_path(file)
        try:
            batch.append(read_policy(file, max_bytes, display=name))
        except InputProblem as exc:
            errors.append(InputError(name, str(exc)))
        if len(batch) >= BATCH:
            results.extend(analyse_documents(batch, compiled))
            batch = []
    if batch:
        results.extend(analyse_documents(batch, compiled))
    return build_report(results, errors, compiled)


def build_report(results: list[PolicyResult], errors: list[InputError], compiled: CompiledChecklists) -> Report:
    """Assemble a Report (checklist versions, requirement metadata, comparisons)."""
    return Report(
        tool_version=__version__,
        checklists=[{"id": c.id, "version": c.version, "title": c.title} for c in compiled.checklists],
        policies=results, comparisons=compare(results), errors=errors,
        requirements=[{"id": r.id, "title": r.title, "checklist": r.checklist, "severity": r.severity,
                       "references": list(r.references), "remediation": r.remediation}
                      for r in compiled.requirements])
