"""One policy, document -> result: the NLP and analysis half of the road every policy takes.

    bytes --inputs--> Document --(English?)--> nlp: sentences, matches --analysis--> PolicyResult

Reading and language detection (no spaCy) are :mod:`checker.inputs`; :mod:`checker.run.tasks`
calls them, asks the cache in between, and hands what is left here, so that half can run
elsewhere (a forked child during start-up). Nothing here does I/O or decides where or when.
"""

from __future__ import annotations

from checker.analysis.detectors import DetectorInput, run_detectors
from checker.analysis.facts import extract_facts
from checker.analysis.matching import match_requirements
from checker.analysis.regex_screen import SentenceScreen
from checker.models import Document, PolicyResult, location_unit
from checker.nlp.sentences import ParsedDocument, parse_document
from checker.rules.checklist import CompiledChecklists


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
    verdicts, qualifier_findings = match_requirements(compiled, sentences, matches, facts,
                                                       location_unit(parsed.document.metadata))
    findings = run_detectors(DetectorInput(sentences, facts, {v.requirement: v for v in verdicts}, texts))
    findings = sorted(findings + qualifier_findings, key=lambda f: (f.evidence.line, f.kind))
    doc = parsed.document
    return PolicyResult(source=doc.source, sha256=doc.sha256, metadata=dict(doc.metadata), verdicts=tuple(verdicts),
                        findings=tuple(findings), facts=facts.to_dict(), sentence_count=len(sentences))
