"""What a detector reads, and the one shape most detectors share: a set of patterns over sentences.

Kept apart from the detectors themselves so the table of detectors (``detectors``) and the
detectors of what a policy states (``statement_detectors``) both build on it without importing
each other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from checker.analysis.facts import Facts
from checker.analysis.regex_screen import Screened, SentenceScreen
from checker.models import Evidence, Finding, Sentence, Verdict


@dataclass(frozen=True)
class DetectorInput:
    """What a detector may look at."""

    sentences: Sequence[Sentence]
    facts: Facts
    verdicts: Mapping[str, Verdict]
    screen: SentenceScreen | None = None

    @cached_property
    def texts(self) -> SentenceScreen:
        """The sentences' texts, to ask which of them a pattern could match (shared with facts)."""
        return self.screen or SentenceScreen([s.text for s in self.sentences])

    def could_match(self, *patterns: Screened) -> list[Sentence]:
        """The sentences at least one of ``patterns`` could match, in order."""
        return [self.sentences[i] for i in self.texts.any_of(*patterns)]


Detector = Callable[[DetectorInput], list[Finding]]


def evidence(sentence: Sentence, spans: Sequence[tuple[int, int]] = (), text: str | None = None) -> Evidence:
    """The evidence of a finding: the sentence (or ``text`` shown in its place) with the spans that decided."""
    return Evidence(text=text if text is not None else sentence.text, line=sentence.line,
                    heading=sentence.heading, highlights=tuple(spans), page=sentence.page)


def regex_detector(kind: str, severity: str, patterns: Sequence[Screened], message: str,
                   guard: Callable[[Sentence], bool] = lambda s: True,
                   keep: Callable[[str, re.Match[str]], bool] = lambda text, m: True) -> Detector:
    """A detector that flags every sentence one of ``patterns`` matches (once per sentence).

    ``guard`` rules a sentence out whole; ``keep`` rules out one match by what stands around it.
    """

    def detect(data: DetectorInput) -> list[Finding]:
        # each pattern runs only on the sentences its own screen lets through: running every
        # pattern on every sentence any of them let through made consent_by_use (nine patterns)
        # half again as slow when one of them gained a common needle
        spans: dict[int, list[tuple[int, int]]] = {}
        ruled_out: set[int] = set()
        for pattern in patterns:
            for i in data.texts.candidates(pattern):
                if i in ruled_out:
                    continue
                sentence = data.sentences[i]
                if sentence.is_heading or not guard(sentence):
                    ruled_out.add(i)
                    continue
                text = sentence.text
                spans.setdefault(i, []).extend((m.start(), m.end()) for m in pattern.finditer(text) if keep(text, m))
        return [Finding(kind, severity, message, evidence(data.sentences[i], sorted(found)[:1]))
                for i, found in sorted(spans.items()) if found]

    detect.__doc__ = message
    return detect
