"""Waivers: gaps and findings an auditor has accepted, with a reason, an owner and an expiry.

A company with 40 staff owes no DPO (GDPR Art. 37); without a way to say so, that gap fails
``--fail-on medium`` every night. A waivers file (YAML) lists entries::

    waivers:
      - policy: "policies/acme-*.md"     # glob over the policy's name in the report
        requirement: dpo_contact          # or   finding: placeholder
        reason: "40 staff, no large-scale processing of special data: Art. 37 does not apply"
        owner: "jane.doe@acme.example"
        expires: 2027-06-30

``reason`` is required (an acceptance nobody can explain is a hole in the audit). A waived item
keeps its status and evidence; it is shown apart and not counted by ``--fail-on``. An expired waiver
no longer applies and is listed as expired; one that accepted nothing in a run is listed as unused,
so stale entries get cleaned up. Like bandit's ``# nosec`` and SARIF suppressions, a waiver is a
statement about the audit, not about the text: it is applied after the scan and never cached.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from checker.models import PolicyResult


class WaiverError(Exception):
    """A waivers file that cannot be used; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class Waiver:
    """One accepted gap (``requirement``) or kind of finding (``finding``) for the policies a glob names."""

    policy: str
    item: str
    is_finding: bool
    reason: str
    owner: str = ""
    expires: dt.date | None = None
    entry: int = 0
    """Its number in the file (1-based), for messages."""

    @property
    def key(self) -> str:
        return f"{'finding' if self.is_finding else 'requirement'}:{self.item}"

    def applies_to(self, source: str) -> bool:
        """Does the glob name this policy? Matched on the name as reported, on any trailing part of
        it ("acme/*.md" matches "policies/acme/privacy.md") and on the file name alone."""
        name = source.replace("\\", "/")
        return (fnmatch.fnmatchcase(name, self.policy) or fnmatch.fnmatchcase(name, f"*/{self.policy}")
                or fnmatch.fnmatchcase(name.rsplit("/", 1)[-1], self.policy))

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "kind": "finding" if self.is_finding else "requirement", "item": self.item,
                "reason": self.reason, "owner": self.owner,
                "expires": self.expires.isoformat() if self.expires else None, "entry": self.entry}

    def note(self) -> dict[str, Any]:
        """What a waived item carries in the reports."""
        return {"reason": self.reason, "owner": self.owner,
                "expires": self.expires.isoformat() if self.expires else None, "entry": self.entry}


_FIELDS = {"policy", "requirement", "finding", "reason", "owner", "expires"}


def load_waivers(path: str | Path) -> list[Waiver]:
    """Read and check a waivers file; any problem is a :class:`WaiverError` naming file and entry."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WaiverError(f"{path}: cannot read waivers ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise WaiverError(f"{path}: waivers file is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise WaiverError(f"{path}: invalid YAML{at}") from None
    entries = data.get("waivers") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise WaiverError(f"{path}: expected a list of waivers under 'waivers:'")
    return [_waiver(path, n, entry) for n, entry in enumerate(entries, start=1)]


def _waiver(path: Path, n: int, entry: Any) -> Waiver:
    def bad(problem: str) -> WaiverError:
        return WaiverError(f"{path}: waiver {n}: {problem}")

    if not isinstance(entry, dict):
        raise bad("expected a mapping with policy, requirement or finding, reason")
    unknown = sorted(set(map(str, entry)) - _FIELDS)
    if unknown:
        raise bad(f"unknown key '{unknown[0]}' (known: {', '.join(sorted(_FIELDS))})")
    if ("requirement" in entry) == ("finding" in entry):
        raise bad("name exactly one of 'requirement' or 'finding'")
    for key in ("policy", "reason"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise bad(f"'{key}' is required" + (": say why the gap is accepted" if key == "reason" else ""))
    item = entry.get("requirement", entry.get("finding"))
    if not isinstance(item, str) or not item.strip():
        raise bad("'requirement' or 'finding' must name one")
    expires = entry.get("expires")
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            raise bad(f"'expires' must be a date (YYYY-MM-DD), not {expires!r}") from None
    if expires is not None and not isinstance(expires, dt.date):
        raise bad(f"'expires' must be a date (YYYY-MM-DD), not {expires!r}")
    owner = entry.get("owner") or ""
    return Waiver(entry["policy"].strip(), item.strip(), "finding" in entry, " ".join(entry["reason"].split()),
                  str(owner).strip(), expires if isinstance(expires, dt.date) else None, n)


@dataclass
class WaiverBook:
    """The waivers of a run and what became of them: applied counts, expired, unused."""

    waivers: list[Waiver]
    today: dt.date = field(default_factory=dt.date.today)
    applied: int = 0
    used: set[int] = field(default_factory=set)

    @property
    def active(self) -> list[Waiver]:
        return [w for w in self.waivers if not w.expired(self.today)]

    def match(self, source: str, gaps: Iterable[str], findings: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The waived items of one policy (key -> note), given its gap requirement ids and finding kinds."""
        wanted = {f"requirement:{g}" for g in gaps} | {f"finding:{k}" for k in findings}
        out: dict[str, dict[str, Any]] = {}
        for waiver in self.active:
            if waiver.key in wanted and waiver.key not in out and waiver.applies_to(source):
                out[waiver.key] = waiver.note()
                self.used.add(waiver.entry)
        return out

    def apply(self, result: PolicyResult) -> PolicyResult:
        """``result`` with its waived gaps and findings marked (the same object when none is)."""
        waived = self.match(result.source, (v.requirement for v in result.verdicts if v.status.is_gap),
                            (f.kind for f in result.findings))
        if not waived:
            return result
        self.applied += sum(1 for v in result.verdicts if f"requirement:{v.requirement}" in waived and v.status.is_gap)
        self.applied += sum(1 for f in result.findings if f"finding:{f.kind}" in waived)
        return replace(result, waived=waived)

    def usage(self) -> dict[str, Any]:
        """For the reports: items accepted, and the expired and unused waivers."""
        return {"applied": self.applied,
                "expired": [w.to_dict() for w in self.waivers if w.expired(self.today)],
                "unused": [w.to_dict() for w in self.active if w.entry not in self.used]}
