"""Score the dev data in its two fixed halves: the half we tune on and the half we only score.

Why: a rule change that helps the policies we read and not the others is fitting, not progress.
The split is fixed (issue 19) so figures compare across sessions:

- tuned: ``opp115-dev`` policies whose number is even, and six ``modern-dev`` policies;
- held out: ``opp115-dev`` policies whose number is odd, and six other ``modern-dev`` policies.

Run ``python benchmarks/split_eval.py`` (``--shared DIR`` if ``../shared`` is elsewhere,
``--details tuned`` to list the tuned half's disagreements; the held-out half's are never printed,
so nobody reads them by accident). Needs the dev data beside the project; none of it is copied here.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.evaluate import Evaluation, evaluate, format_table, load_gold  # noqa: E402
from checker.report.json_report import report_to_dict  # noqa: E402
from checker.run.scan import scan  # noqa: E402

MODERN_TUNED = ("GraphCMS", "Jacksfilms", "Mullvad", "PrivacySpy", "ProtonVPN", "Uschovna.cz")
MODERN_HELD_OUT = ("Better-Stack", "Olvid", "UrbanDictionary.com", "Webs", "Windstream", "ironSource")


def opp_half(name: str) -> str:
    """'tuned' for an even policy number, 'held-out' for an odd one (``1034_aol.com.txt`` -> even)."""
    number = re.match(r"(\d+)_", name)
    if number is None:
        raise ValueError(f"{name}: an opp115-dev name starts with its number")
    return "tuned" if int(number.group(1)) % 2 == 0 else "held-out"


def modern_half(name: str) -> str | None:
    stem = name.removesuffix(".md")
    if stem in MODERN_TUNED:
        return "tuned"
    if stem in MODERN_HELD_OUT:
        return "held-out"
    return None


def score(paths: list[Path], gold: dict[str, Any], presence: bool) -> Evaluation:
    report = report_to_dict(scan([str(p) for p in paths]))
    return evaluate(report, gold, presence=presence)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--details", choices=["tuned"], help="list the tuned half's disagreements")
    parser.add_argument("--half", choices=["tuned", "held-out", "both"], default="both")
    args = parser.parse_args(argv)
    shared: Path = args.shared
    opp_gold = load_gold(shared / "opp115-dev" / "gold.yaml")
    modern_gold = load_gold(shared / "gold" / "modern-dev.yaml")
    halves = ["tuned", "held-out"] if args.half == "both" else [args.half]
    for half in halves:
        details = args.details == half
        opp = {n: e for n, e in opp_gold.items() if opp_half(n) == half}
        ev = score([shared / "opp115-dev" / "policies" / n for n in sorted(opp)], opp, presence=True)
        print(f"== {half}: opp115-dev presence ({len(opp)} policies)")
        print(format_table(ev, details=details) if details else _summary(ev))
        modern = {n: e for n, e in modern_gold.items() if modern_half(n) == half}
        ev = score([shared / "modern-dev" / n for n in sorted(modern)], modern, presence=False)
        print(f"== {half}: modern-dev three-way ({len(modern)} policies)")
        print(format_table(ev, details=details) if details else _summary(ev))
        print()
    return 0


def _summary(ev: Evaluation) -> str:
    """The overall lines of the table only: the held-out half's per-item errors stay unread."""
    return "\n".join(format_table(ev).splitlines()[-4:])


if __name__ == "__main__":
    raise SystemExit(main())
