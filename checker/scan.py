"""The library entry point: paths in, :class:`Report` out.

The CLI is a thin wrapper around :func:`scan`; tests and other programs call it directly
(sqlfluff's ``api/simple.py`` habit). Per policy the road is fixed:
load -> parse (nlp) -> facts -> patterns -> verdicts -> detectors -> PolicyResult.
A file that cannot be read becomes an entry in ``Report.errors`` and the batch goes on.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from . import __version__
from .checklist import DEFAULT_CHECKLISTS, CompiledChecklists, load_checklists
from .compare import compare
from .detectors import DetectorInput, run_detectors
from .documents import DEFAULT_MAX_BYTES, InputProblem, discover, load_bytes, read_policy, sniff_kind
from .facts import extract_facts
from .language import detect_language
from .matching import match_requirements
from .models import Document, InputError, PolicyResult, Report, Skipped
from .nlp import ParsedDocument, parse_documents

STDIN = "-"
UNDETERMINED = ("und", "zxx")
"""Language codes for 'no language' (too little text, or not words at all)."""

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


def _describe(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _analyse_batch(batch: list[Document], compiled: CompiledChecklists, results: list[PolicyResult],
                   errors: list[InputError]) -> None:
    """Analyse a batch; if anything in it fails, redo it one document at a time so that only the
    document at fault becomes an error (a bug in a rule must cost one policy, not the batch)."""
    try:
        done = list(analyse_documents(batch, compiled))
    except Exception:  # noqa: BLE001 - isolate the culprit below
        done = []
    else:
        results.extend(done)
        return
    for document in batch:
        try:
            results.extend(list(analyse_documents([document], compiled)))
        except Exception as exc:  # noqa: BLE001
            errors.append(InputError(document.source, f"{document.source}: analysis failed ({_describe(exc)}); "
                                     "please report this as a gapcheck bug"))


def display_path(path: Path) -> str:
    """How a file is named in reports: relative to the working directory when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def scan(paths: Iterable[str | Path], checklists: Sequence[str] = DEFAULT_CHECKLISTS, model: str = "blank",
         max_bytes: int = DEFAULT_MAX_BYTES, compiled: CompiledChecklists | None = None, force: bool = False,
         stdin: bytes | None = None) -> Report:
    """Scan files and directories against the checklists; never stops on one bad file.

    ``-`` among the paths stands for ``stdin`` (bytes). Policies not in English are reported as
    skipped with their language unless ``force`` is set: English patterns on other languages give
    confident nonsense.
    """
    compiled = compiled or load_checklists(checklists, model)
    paths = list(paths)
    files, problems = discover(p for p in paths if str(p) != STDIN)
    errors = [InputError(path, f"{path}: {problem}") for path, problem in problems]
    skipped: list[Skipped] = []
    results: list[PolicyResult] = []
    batch: list[Document] = []

    def admit(document: Document) -> None:
        language, share = detect_language(document)
        document.metadata["language"] = language
        if language != "en" and not force:
            why = (f"written in '{language}', not English" if language not in UNDETERMINED
                   else "no English prose found (language undetermined)")
            skipped.append(Skipped(document.source, language, f"{document.source}: skipped, {why} "
                                   "(--force scans it anyway)"))
        else:
            batch.append(document)

    if any(str(p) == STDIN for p in paths):
        data = stdin if stdin is not None else sys.stdin.buffer.read(max_bytes + 1)
        try:
            if len(data) > max_bytes:
                raise InputProblem(f"<stdin>: more than the {max_bytes:,}-byte limit (--max-bytes)")
            admit(load_bytes(data, "<stdin>", sniff_kind(data)))
        except InputProblem as exc:
            errors.append(InputError("<stdin>", str(exc)))
        except Exception as exc:  # noqa: BLE001
            errors.append(InputError("<stdin>", f"<stdin>: could not be read ({_describe(exc)})"))
    for file in files:
        name = display_path(file)
        try:
            admit(read_policy(file, max_bytes, display=name))
        except InputProblem as exc:
            errors.append(InputError(name, str(exc)))
        except Exception as exc:  # noqa: BLE001 - one unforeseen failure must not stop a nightly batch
            errors.append(InputError(name, f"{name}: could not be read ({_describe(exc)})"))
        if len(batch) >= BATCH:
            _analyse_batch(batch, compiled, results, errors)
            batch = []
    if batch:
        _analyse_batch(batch, compiled, results, errors)
    report = build_report(results, errors, compiled)
    report.skipped = skipped
    return report


def build_report(results: list[PolicyResult], errors: list[InputError], compiled: CompiledChecklists) -> Report:
    """Assemble a Report (checklist versions, requirement metadata, comparisons)."""
    return Report(
        tool_version=__version__,
        checklists=[{"id": c.id, "version": c.version, "title": c.title} for c in compiled.checklists],
        policies=results, comparisons=compare(results), errors=errors,
        requirements=[{"id": r.id, "title": r.title, "checklist": r.checklist, "severity": r.severity,
                       "references": list(r.references), "remediation": r.remediation}
                      for r in compiled.requirements])
