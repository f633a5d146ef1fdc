"""Nightly-scale benchmark: throughput, memory and the cost over bare tokenisation.

Builds a corpus of N policies (the seeds plus, when present, the real policies in
../shared/modern-dev and ../shared/opp115-dev, cycled; each copy gets one extra sentence so no two
files are byte-identical), then measures:

* spaCy tokenisation alone (``spacy.blank("en")`` + sentencizer) of the same texts: the floor;
* a full scan in this process (serial): policies/s, words/s and its ratio to the floor;
* the CLI as a nightly job would run it (``--format jsonl``) with ``--jobs 1`` and ``--jobs N``,
  wall time including start-up, and peak RSS of the largest process;
* a second run over the unchanged corpus with ``--cache``.

    python benchmarks/bench.py [--n 350] [--jobs 2] [--skip-serial-cli]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def build_corpus(folder: Path, n: int) -> list[Path]:
    sources = sorted(p for p in (ROOT / "seeds").iterdir() if p.suffix in (".md", ".txt"))
    for extra in (SHARED / "modern-dev", SHARED / "opp115-dev" / "policies"):
        if extra.is_dir():
            sources += sorted(p for p in extra.iterdir() if p.suffix in (".md", ".txt"))
    made = []
    for i in range(n):
        source = sources[i % len(sources)]
        target = folder / f"{i:06d}-{source.name}"
        target.write_bytes(source.read_bytes() + f"\n\nThis copy is number {i}.\n".encode())
        made.append(target)
    return made


def cli(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of the largest process of one CLI run."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "checker", "scan", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=350)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-serial-cli", action="store_true", help="Skip the --jobs 1 CLI run (big N).")
    args = parser.parse_args()

    import spacy

    from checker.checklist import load_checklists
    from checker.documents import read_policy
    from checker.scan import scan

    work = Path(tempfile.mkdtemp(prefix="gapcheck-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        files = build_corpus(corpus, args.n)
        documents = [read_policy(p) for p in files]
        texts = ["\n\n".join(b.text for b in d.blocks) for d in documents]
        words = sum(len(t.split()) for t in texts)
        print(f"corpus: {len(files)} policies, {words:,} words, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB")

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        start = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16))
        floor = time.perf_counter() - start
        print(f"tokenisation alone: {floor:7.2f} s  ({tokens:,} tokens)")

        compiled = load_checklists()
        start = time.perf_counter()
        report = scan([corpus], compiled=compiled, jobs=1)
        serial = time.perf_counter() - start
        assert len(report.policies) + len(report.skipped) + len(report.errors) == len(files)
        print(f"scan in-process, serial: {serial:7.2f} s  {len(files) / serial:6.1f} policies/s  "
              f"{words / serial:9,.0f} words/s  ratio to tokenisation {serial / floor:.2f}x")

        base = [str(corpus), "--format", "jsonl", "-q"]
        one = None
        if not args.skip_serial_cli:
            one, rss1 = cli(base + ["--out", str(work / "o1"), "--jobs", "1"])
            print(f"CLI --jobs 1:  {one:7.2f} s  {len(files) / one:6.1f} policies/s  peak RSS {rss1:6.0f} MB")
        many, rssn = cli(base + ["--out", str(work / "on"), "--jobs", str(args.jobs), "--cache", str(work / "cache")])
        speedup = f"  speed-up {one / many:.2f}x" if one else ""
        print(f"CLI --jobs {args.jobs}:  {many:7.2f} s  {len(files) / many:6.1f} policies/s  peak RSS {rssn:6.0f} MB"
              f"{speedup}")
        cached, rssc = cli(base + ["--out", str(work / "oc"), "--jobs", str(args.jobs), "--cache", str(work / "cache")])
        print(f"CLI --cache, unchanged corpus: {cached:7.2f} s  ({many / cached:.1f}x faster than the first run)"
              f"  peak RSS {rssc:6.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
