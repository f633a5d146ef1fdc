"""Check that a change of structure changed no verdict: JSON reports of this tree and of a git
revision, byte for byte, on the seeds and the dev corpora in ../shared/.

A refactor must leave every status, reason, evidence sentence, highlight, pattern id, finding and
comparison as it was. This script checks out REV into a temporary git worktree, scans each corpus
with both trees (each in its own process, ``python -m checker scan DIR --format json --out -``,
``--jobs 1``), blanks the one field allowed to differ (``tool.version``) and compares the bytes.
On a difference it prints the first differing lines and exits 1.

The reports are never written into the repository: the dev corpora are under a research licence.

    python benchmarks/same_reports.py [--base REV] [--force] [--ignore-metadata]

``--force`` also scans the non-English policies (the French ones in modern-dev) so their
verdicts are compared too.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = [ROOT / "seeds", SHARED / "opp115-dev" / "policies", SHARED / "modern-dev"]


def report_bytes(tree: Path, corpus: Path, force: bool, ignore_metadata: bool = False) -> bytes:
    """The JSON report of ``corpus`` scanned by the code in ``tree``, ``tool.version`` blanked
    (and each policy's ``metadata`` with ``ignore_metadata``)."""
    command = [sys.executable, "-m", "checker", "scan", str(corpus.resolve()), "--format", "json",
               "--out", "-", "--jobs", "1", "--quiet"]
    if force:
        command.append("--force")
    env = dict(os.environ, PYTHONPATH=str(tree))
    # a neutral working directory: ``python -m`` puts it first on sys.path, before PYTHONPATH, and
    # until 2026-12-05 cwd=ROOT made both scans run this tree's code, so every comparison came out
    # identical; it also keeps the sources' paths alike (they are shown relative to the cwd)
    with tempfile.TemporaryDirectory() as neutral:
        done = subprocess.run(command, cwd=neutral, env=env, capture_output=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"{tree}: scan of {corpus} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    report = json.loads(done.stdout)
    report["tool"]["version"] = ""
    if ignore_metadata:
        for policy in report.get("policies", []):
            policy["metadata"] = {}
    return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--force", action="store_true", help="scan non-English policies too")
    parser.add_argument("--ignore-metadata", action="store_true",
                        help="blank each policy's metadata (a change that only adds metadata keys)")
    args = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as temp:
        base_tree = Path(temp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base_tree), args.base], cwd=ROOT,
                       check=True, capture_output=True)
        try:
            for corpus in CORPORA:
                if not corpus.is_dir():
                    print(f"skipped (not here): {corpus}")
                    continue
                before = report_bytes(base_tree, corpus, args.force, args.ignore_metadata)
                after = report_bytes(ROOT, corpus, args.force, args.ignore_metadata)
                policies = len(json.loads(after)["policies"])
                if before == after:
                    print(f"identical: {corpus.name} ({policies} policies, {len(after):,} bytes)")
                    continue
                failures += 1
                print(f"DIFFERENT: {corpus.name}")
                diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(),
                                            f"{args.base}", "working tree", lineterm="", n=2)
                for line in list(diff)[:60]:
                    print("   ", line)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT,
                           check=False, capture_output=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
