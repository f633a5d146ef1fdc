"""Nightly-scale benchmark: throughput, memory and the cost over bare tokenisation.

Builds a corpus of N policies (the seeds plus, when present, the real policies in
../shared/modern-dev and ../shared/opp115-dev, cycled; each copy gets one extra sentence so no two
files are byte-identical), then measures:

* spaCy tokenisation alone (``spacy.blank("en")`` + sentencizer) of the same texts: the floor,
  each run with a new pipeline;
* a serial scan (the library's ``scan`` with the checklists compiled beforehand), each run in a
  new process: policies/s, words/s and the ratio to the floor. Floor and scan alternate, three
  runs each, and the ratio is given fastest to fastest and median to median (this machine's
  speed drifts by 25% between runs);
* the CLI as a nightly job would run it (``--format jsonl``) with ``--jobs 1`` and ``--jobs N``,
  wall time including start-up, the peak RSS of its largest process and the peak memory (PSS) of
  all its processes;
* a first run with ``--cache`` and reruns over the unchanged corpus (the median of three).

    python benchmarks/bench.py [--n 350] [--jobs 2] [--repeat 3] [--skip-serial] [--skip-serial-cli]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
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


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid] + [q for child in children for q in _tree(int(child))]


def _status_mb(pid: int, field: str) -> float:
    """A memory figure of one process from /proc: ``Pss`` (shared pages, such as a forked worker's
    copy of the parent, counted once) from smaps_rollup, ``VmHWM`` (its peak RSS) from status."""
    name = "smaps_rollup" if field == "Pss" else "status"
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cli(args: list[str]) -> tuple[float, float, float | None]:
    """Wall seconds, peak RSS (MB) of the largest process, and peak memory of the whole process
    tree (parent + workers, PSS) of one CLI run, sampled every 0.2 s from /proc; where /proc is
    missing, the largest RSS of any child so far (getrusage) and no tree figure."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "checker", "scan", *args], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampled = Path("/proc/self/smaps_rollup").exists()
    largest, tree_peak = 0.0, 0.0
    while process.poll() is None:
        if sampled:
            pids = _tree(process.pid)
            largest = max([largest] + [_status_mb(p, "VmHWM") for p in pids])
            tree_peak = max(tree_peak, sum(_status_mb(p, "Pss") for p in pids))
        try:  # returns as soon as the scan ends (a plain sleep added up to 0.2 s to every run)
            process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
    if process.returncode != 0:
        raise SystemExit(f"scan failed with exit code {process.returncode}")
    seconds = time.perf_counter() - start
    if not sampled:
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, largest, tree_peak if sampled else None


_SERIAL_SCAN = """
import sys, time
sys.path.insert(0, sys.argv[1])
from checker.checklist import load_checklists
from checker.scan import scan
compiled = load_checklists()
start = time.perf_counter()
report = scan([sys.argv[2]], compiled=compiled, jobs=1)
print(time.perf_counter() - start, len(report.policies) + len(report.skipped) + len(report.errors))
"""


def serial_scan(corpus: Path) -> tuple[float, int]:
    """Seconds of one serial scan (the library call, checklists compiled beforehand) in a new
    process, so every measured scan starts as cold as the floor's new pipeline; and how many
    files it accounted for."""
    out = subprocess.run([sys.executable, "-c", _SERIAL_SCAN, str(ROOT), str(corpus)], capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), int(out[1])


def _memory(largest: float, tree: float | None) -> str:
    total = f", all processes {tree:,.0f} MB" if tree else ""
    return f"peak RSS {largest:,.0f} MB (largest process){total}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=350)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-serial-cli", action="store_true", help="Skip the --jobs 1 CLI run (big N).")
    parser.add_argument("--skip-serial", action="store_true",
                        help="Skip the serial scans and the ratio (big N: a serial scan keeps every result in memory).")
    parser.add_argument("--repeat", type=int, default=3, help="Floor and serial-scan runs, alternated (default 3).")
    args = parser.parse_args()

    import spacy

    from checker.documents import read_policy

    work = Path(tempfile.mkdtemp(prefix="gapcheck-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        files = build_corpus(corpus, args.n)
        documents = [read_policy(p) for p in files]
        texts = ["\n\n".join(b.text for b in d.blocks) for d in documents]
        words = sum(len(t.split()) for t in texts)
        print(f"corpus: {len(files)} policies, {words:,} words, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB")

        # The floor and the serial scan are each run three times, alternately (floor, scan, floor,
        # ...), both cold: one run of either swung by 25% or more on this machine, and the ratio
        # with it. The ratio is taken between the fastest run of each, and between the medians.
        floors, scans = [], []
        for _ in range(1 if args.skip_serial else args.repeat):
            nlp = spacy.blank("en")
            nlp.add_pipe("sentencizer")
            start = time.perf_counter()
            tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16))
            floors.append(time.perf_counter() - start)
            del nlp
            if not args.skip_serial:
                seconds, accounted = serial_scan(corpus)
                assert accounted == len(files)
                scans.append(seconds)
        del documents, texts
        floor = min(floors)
        print(f"tokenisation alone: {floor:7.2f} s  ({tokens:,} tokens; fastest of "
              f"{', '.join(f'{f:.2f}' for f in floors)} s)")
        if scans:
            serial = min(scans)
            print(f"scan serial (library): {serial:7.2f} s  {len(files) / serial:6.1f} policies/s  "
                  f"{words / serial:9,.0f} words/s  (fastest of {', '.join(f'{s:.2f}' for s in scans)} s)")
            print(f"ratio to tokenisation: {serial / floor:.2f}x fastest to fastest, "
                  f"{statistics.median(scans) / statistics.median(floors):.2f}x median to median")

        # gapcheck's modules as bytecode, as `pip install` leaves them: an editable install under
        # PYTHONDONTWRITEBYTECODE (set on some machines) recompiled them on every CLI run, ~15%
        # of a cached rerun, which is not what a deployed nightly job pays
        compileall.compile_dir(str(ROOT / "checker"), quiet=1)
        base = [str(corpus), "--format", "jsonl", "-q"]
        one = None
        if not args.skip_serial_cli:
            one, rss1, tree1 = cli(base + ["--out", str(work / "o1"), "--jobs", "1"])
            print(f"CLI --jobs 1:  {one:7.2f} s  {len(files) / one:6.1f} policies/s  {_memory(rss1, tree1)}")
        many, rssn, treen = cli(base + ["--out", str(work / "on"), "--jobs", str(args.jobs)])
        speedup = f"  speed-up {one / many:.2f}x" if one else ""
        print(f"CLI --jobs {args.jobs}:  {many:7.2f} s  {len(files) / many:6.1f} policies/s  {_memory(rssn, treen)}"
              f"{speedup}")
        cache = ["--jobs", str(args.jobs), "--cache", str(work / "cache")]
        first, rssf, treef = cli(base + ["--out", str(work / "of")] + cache)
        print(f"CLI --jobs {args.jobs} --cache, first run: {first:7.2f} s  {_memory(rssf, treef)}")
        # a sub-second run is at the mercy of the machine's noise: the median of three
        reruns = sorted((cli(base + ["--out", str(work / f"oc{n}")] + cache) for n in range(3)), key=lambda r: r[0])
        cached, rssc, treec = reruns[1]
        print(f"CLI --jobs {args.jobs} --cache, unchanged corpus (median of 3): {cached:7.2f} s  "
              f"({first / cached:.1f}x faster than the first run)  {_memory(rssc, treec)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
