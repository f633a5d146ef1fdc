"""Does a statistical spaCy model (``--model en_core_web_sm``) beat the default pipeline?

Runs the OPP-115 presence evaluation (and the seeds) once per pipeline and prints F1, precision,
recall and wall time side by side. The statistical model only changes sentence boundaries (its
parser); lemmas stay the lookup lemmas the checklists are written against.

    python benchmarks/model_comparison.py [--models blank,en_core_web_sm]

A model that is not installed is reported as such, not skipped silently.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from checker.evaluate import evaluate, load_gold
from checker.models import ModelUnavailable
from checker.report.json_report import report_to_dict
from checker.rules.checklist import load_checklists
from checker.run.scan import scan

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "opp115-dev (presence)": (ROOT.parent / "shared" / "opp115-dev" / "policies",
                              ROOT.parent / "shared" / "opp115-dev" / "gold.yaml", True),
    "seeds": (ROOT / "seeds", ROOT / "seeds" / "gold.yaml", False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="blank,en_core_web_sm")
    args = parser.parse_args()
    print(f"{'pipeline':<18} {'set':<22} {'P':>6} {'R':>6} {'F1':>6} {'seconds':>8}")
    for model in args.models.split(","):
        try:
            compiled = load_checklists(model=model)
        except ModelUnavailable as exc:
            print(f"{model:<18} not installed: {exc}")
            continue
        for name, (policies, gold, presence) in SETS.items():
            if not policies.is_dir():
                print(f"{model:<18} {name:<22} (corpus absent: {policies})")
                continue
            start = time.perf_counter()
            report = report_to_dict(scan([policies], compiled=compiled, model=model))
            seconds = time.perf_counter() - start
            result = evaluate(report, load_gold(gold), presence=presence).overall
            print(f"{model:<18} {name:<22} {result.precision or 0:6.3f} {result.recall or 0:6.3f} "
                  f"{result.f1 or 0:6.3f} {seconds:8.1f}")


if __name__ == "__main__":
    main()
