"""The records that travel down the one road: document -> sentences -> verdicts/findings -> report.

They are plain immutable records (frozen dataclasses; named tuples for the many small ones a
policy has thousands of: links, blocks, sentences, matches) so that every stage can be tested
alone, results can be pickled to worker processes, and nothing here knows about files, spaCy or
output formats.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple


class Status(str, Enum):
    """How a policy answers one requirement. A *gap* is ``partial`` or ``missing``.

    ``not_applicable``: the law does not ask this of this policy, and the policy shows why (an EU
    controller owes no Art. 27 representative; a general-audience service that bars children
    owes no COPPA notice items). It is never a gap: not in reports' gap counts, ``--fail-on``,
    SARIF, JUnit (skipped there), ``diff`` or ``eval``.
    """

    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"

    @property
    def is_gap(self) -> bool:
        """Whether this status is a gap: what reports list, ``--fail-on`` counts and eval scores."""
        return self is Status.PARTIAL or self is Status.MISSING


GAP_STATUSES: frozenset[str] = frozenset(s.value for s in Status if s.is_gap)
"""The gap statuses as the strings JSON reports and gold files carry."""


SEVERITIES: tuple[str, ...] = ("low", "medium", "high")
"""Closed, ordered set of severities; the index is the rank used by ``--fail-on``."""

DEFAULT_MODEL = "blank"
"""The default spaCy pipeline: ``spacy.blank("en")`` + sentencizer + lookup lemmas, no download."""

Pattern = str | list[dict[str, Any]]
"""A checklist pattern: a phrase (matched on lemmas) or a spaCy token pattern (a list of dicts)."""


class ModelUnavailable(Exception):
    """The requested spaCy model is not installed."""


class PatternError(ValueError):
    """A checklist pattern spaCy cannot compile; the message says why."""


class BlockKind(str, Enum):
    """What a block of policy text is; headings and list items become sentences of their own."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_CELL = "table_cell"


class Link(NamedTuple):
    """A hyperlink as the reader sees it (``text``) and where it really goes (``target``).

    ``start``/``end`` are character offsets of ``text`` inside the owning block's text.
    A named tuple, like :class:`Block`.
    """

    text: str
    target: str
    start: int
    end: int


class Block(NamedTuple):
    """One structural unit of a policy (heading, paragraph, list item) with its source location.

    ``line_starts`` maps the block's text back to the original file: entry *i* is the character
    offset in ``text`` where source line ``line + i`` begins. This is what lets every sentence keep
    the line number of the original file after Markdown/HTML has been reduced to text.

    A named tuple (immutable, picklable, equal by value, like the dataclasses here): a policy has
    hundreds of blocks, and building frozen dataclasses was a tenth of reading a Markdown file.
    """

    kind: BlockKind
    text: str
    line: int
    line_starts: tuple[int, ...] = (0,)
    level: int = 0
    links: tuple[Link, ...] = ()
    page: int | None = None  # PDF page the block is on

    def line_at(self, offset: int) -> int:
        """Source line of the character at ``offset`` in this block's text."""
        # line_starts is ascending and starts at 0: the last start at or before offset
        return self.line + max(0, bisect.bisect_right(self.line_starts, offset) - 1)


class PatternKey(NamedTuple):
    """The id of one checklist pattern, built and read here only: ``retention/core/3`` is the third
    ``core`` pattern of requirement ``retention``; ``@frame/gdpr.grant/2`` the second pattern of the
    gdpr checklist's ``grant`` frame (owner ``@frame``: no requirement id starts with ``@``)."""

    owner: str
    """A requirement id, or :data:`FRAME_OWNER`."""
    role: str
    """``core``, ``partial``, ``section``, ``exclude``, ``requires:<name>``, a concept role
    (``term``, ``heading_term``, ``guard``, ``context``), ``not_applicable``, ``applies``; for a
    frame ``<checklist>.<frame>``."""
    n: int

    @property
    def id(self) -> str:
        return f"{self.owner}/{self.role}/{self.n}"

    @classmethod
    def frame(cls, checklist: str, frame: str, n: int) -> PatternKey:
        return cls(FRAME_OWNER, f"{checklist}.{frame}", n)

    @classmethod
    def parse(cls, pattern_id: str) -> PatternKey:
        owner, role, n = pattern_id.split("/", 2)
        return cls(owner, role, int(n))


FRAME_OWNER = "@frame"
"""The owner of frame patterns in :class:`PatternKey`."""


def location_unit(metadata: dict[str, Any]) -> str:
    """What a block's ``line`` counts in this policy: ``paragraph`` for Word documents (they have
    no lines a reader can count), else ``line``. Reports say "paragraph 12" or "line 12"."""
    return "paragraph" if str(metadata.get("location", "")).startswith("paragraph") else "line"


@dataclass(frozen=True)
class Document:
    """A loaded policy: its text as blocks, plus provenance metadata that is not policy text."""

    source: str
    sha256: str
    blocks: tuple[Block, ...]
    metadata: dict[str, Any] = field(default_factory=dict)


class Sentence(NamedTuple):
    """A sentence (or heading, or list item) ready for matching: its text, where it stands in the
    file (line, page, the heading above it) and the links in it. Token-level data stays in nlp.py,
    so no other module needs spaCy.

    A named tuple, like :class:`Match`: a policy has thousands, and building a frozen dataclass
    took a third of cutting a parsed policy into sentences.
    """

    number: int
    """Position in the policy's sentence list (0-based); named so as not to shadow ``tuple.index``."""
    text: str
    line: int
    kind: BlockKind
    heading: str | None
    section: int
    links: tuple[Link, ...] = ()
    page: int | None = None

    @property
    def is_heading(self) -> bool:
        return self.kind is BlockKind.HEADING


class Match(NamedTuple):
    """One pattern that fired in one sentence: ``pattern_id`` such as ``retention/core/3`` (a :class:`PatternKey`).

    A named tuple, not a dataclass: a policy has thousands and a frozen dataclass costs ~4 us
    each to build."""

    pattern_id: str
    sentence: int
    start: int
    end: int


@dataclass(frozen=True)
class Evidence:
    """A sentence a verdict or finding rests on, with the words that made it count."""

    text: str
    line: int
    heading: str | None = None
    highlights: tuple[tuple[int, int], ...] = ()
    patterns: tuple[str, ...] = ()
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "line": self.line}
        if self.page is not None:
            out["page"] = self.page
        if self.heading:
            out["heading"] = self.heading
        if self.highlights:
            out["highlights"] = [list(h) for h in self.highlights]
        if self.patterns:
            out["patterns"] = list(self.patterns)
        return out


@dataclass(frozen=True)
class Verdict:
    """How one policy answers one requirement, and why."""

    requirement: str
    status: Status
    reason: str
    evidence: tuple[Evidence, ...] = ()
    checklist: str = ""


@dataclass(frozen=True)
class Finding:
    """A concrete problem in a policy (placeholder, disclaimer, broken link ...)."""

    kind: str
    severity: str
    message: str
    evidence: Evidence

    def fingerprint(self, source: str) -> str:
        """Identity that survives edits elsewhere in the file: no line numbers."""
        return f"{source}|{self.kind}|{' '.join(self.evidence.text.split()).lower()}"


@dataclass(frozen=True)
class PolicyResult:
    """Everything gapcheck concluded about one policy."""

    source: str
    sha256: str
    metadata: dict[str, Any]
    verdicts: tuple[Verdict, ...]
    findings: tuple[Finding, ...]
    facts: dict[str, Any]
    sentence_count: int = 0
    waived: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Gaps and findings accepted by a waiver: ``requirement:<id>`` or ``finding:<kind>`` -> the
    waiver's reason, owner and expiry. Applied after the scan (never cached): a waived item keeps
    its status and evidence and is only no longer counted against the policy."""

    def waiver_of(self, requirement: str | None = None, finding: str | None = None) -> dict[str, Any] | None:
        """The waiver accepting this requirement's gap or this kind of finding, if any."""
        if not self.waived:
            return None
        return self.waived.get(f"requirement:{requirement}" if requirement is not None else f"finding:{finding}")


@dataclass(frozen=True)
class InputError:
    """A file that could not be scanned, with a one-line reason."""

    source: str
    message: str


@dataclass(frozen=True)
class Skipped:
    """A policy deliberately not scanned (e.g. not in English), with the reason."""

    source: str
    language: str
    message: str


@dataclass(frozen=True)
class Comparison:
    """Where policies of one corpus answer the same question differently."""

    kind: str
    values: dict[str, Any]
    message: str = ""
    counts: dict[str, int] | None = None
    """Policies per value, instead of ``values``, where a streamed run does not list every policy."""

    def to_dict(self) -> dict[str, Any]:
        """The comparison in the JSON contract (``counts`` only when it is set)."""
        out: dict[str, Any] = {"kind": self.kind, "values": self.values, "message": self.message}
        if self.counts is not None:
            out["counts"] = self.counts
        return out


@dataclass
class Report:
    """The result of one scan: what the JSON contract and every renderer are built from."""

    tool_version: str
    checklists: list[dict[str, str]]
    policies: list[PolicyResult]
    comparisons: list[Comparison]
    errors: list[InputError]
    requirements: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    diff: dict[str, Any] | None = None
    """Changes since a baseline run (``scan --baseline``), as computed by :mod:`checker.run.diff`."""
    waivers: dict[str, Any] | None = None
    """With ``--waivers``: how many items they accepted, and the expired and unused ones."""
