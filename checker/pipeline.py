"""One policy, bytes -> result: the road every policy takes, with no I/O beyond its input.

    bytes --inputs--> Document --(English?)--> nlp: sentences, matches --analysis--> PolicyResult

:func:`scan_bytes` is the whole road for one policy; :func:`analyse_document` and :func:`analyse`
are its second half, which the runner calls separately so that reading and language detection
(no spaCy) can happen elsewhere (a cache lookup, a forked child). Scheduling, caching and output
live in :mod:`checker.run`; this module decides nothing about where or when.
"""

from __future__ import annotations

from checker.analysis.detectors import DetectorInput, run_detectors
from checker.analysis.facts import extract_facts
from checker.analysis.matching import match_requirements
from checker.analysis.regex_screen import SentenceScreen
from checker.inputs.language import mark_language
from checker.inputs.loader import load_bytes
from checker.models import Document, PolicyResult, Skipped
from checker.nlp.sentences import ParsedDocument, parse_document
from checker.rules.checklist import CompiledChecklists


def scan_bytes(data: bytes, source: str, kind: str, compiled: CompiledChecklists,
               force: bool = False) -> PolicyResult | Skipped:
    """Everything gapcheck concludes about one policy's bytes (``kind``: markdown, text, html,
    pdf), or its skip record when it is not in English and ``force`` is off. Raises
    :class:`~checker.inputs.files.InputProblem` for bytes that hold no readable policy."""
    document = load_bytes(data, source, kind)
    skipped = mark_language(document, force)
    return skipped if skipped is not None else analyse_document(document, compiled)


def analyse_document(document: Document, compiled: CompiledChecklists) -> PolicyResult:
    """The result for a loaded document: sentences, then :func:`analyse`."""
    return analyse(parse_document(document, compiled.model), compiled)


def analyse(parsed: ParsedDocument, compiled: CompiledChecklists) -> PolicyResult:
    """Everything gapcheck concludes about one parsed policy: facts, pattern matches, verdicts,
    findings."""
    sentences = parsed.sentences
    texts = SentenceScreen([s.text for s in sentences])
    facts = extract_facts(sentences, texts)
    matches = compiled.patterns.find(parsed)
    verdicts, qualifier_findings = match_requirements(compiled, sentences, matches, facts)
    findings = run_detectors(DetectorInput(sentences, facts, {v.requirement: v for v in verdicts}, texts))
    findings = sorted(findings + qualifier_findings, key=lambda f: (f.evidence.line, f.kind))
    doc = parsed.document
    return PolicyResult(source=doc.source, sha256=doc.sha256, metadata=dict(doc.metadata), verdicts=tuple(verdicts),
                        findings=tuple(findings), facts=facts.to_dict(), sentence_count=len(sentences))
