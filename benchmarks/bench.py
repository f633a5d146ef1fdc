"""Nightly-scale benchmark: throughput, memory and the cost over bare tokenisation.

Builds a corpus of N policies (the seeds plus, when present, the real policies in
../shared/modern-dev and ../shared/opp115-dev, cycled; each copy gets one extra sentence so no two
files are byte-identical), then measures:

* spaCy tokenisation alone (``spacy.blank("en")`` + sentencizer) of the same texts: the floor,
  each run with a new pipeline; and the same with gapcheck's tokenizer (same tokens, faster affix
  search), so the ratio's share owed to the tokenizer is visible;
* a serial scan (the library's ``scan`` with the checklists compiled beforehand), each run in a
  new process: policies/s, words/s and the ratio to the floor. Floor and scan alternate, three
  runs each, and the ratio is given fastest to fastest and median to median (this machine's
  speed drifts by 25% between runs);
* the CLI as a nightly job would run it (``--format jsonl``) with ``--jobs 1`` and ``--jobs N``,
  wall time including start-up, the peak RSS of its largest process and the peak memory (PSS) of
  all its processes;
* a first run with ``--cache`` (a new cache) and a rerun over the unchanged corpus.

The CLI runs alternate too, ``--repeat`` rounds of all four, and each ratio is given fastest to
fastest and median to median. Each round first measures what the machine itself gains from
running ``--jobs`` processes side by side (a pure-Python loop), the ceiling for any speed-up.

    python benchmarks/bench.py [--n 350] [--jobs 2] [--repeat 3] [--skip-serial] [--skip-serial-cli]
    python benchmarks/bench.py --base REV [--n 350] [--repeat 5]   # this tree against REV, alternating
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
import threading
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


PSS_EVERY = 1.0
"""Seconds between two readings of the process tree's PSS (the first at 0.2 s). Reading
smaps_rollup walks every page table of a process: 5.5 ms of kernel time per reading of a --jobs 2
run's three processes, 2.7% of a core if read every 0.2 s, taken from the workers of a run that
uses both cores and from nobody in a --jobs 1 run. Each process's own peak (VmHWM) is kept by the
kernel and cheap to read, so it is read at every poll."""
FIRST_POLLS, POLLS = 0.05, 0.2
"""Seconds between polls in a run's first second, and after it."""


def cli(args: list[str], tree: Path = ROOT) -> tuple[float, float, float | None]:
    """Wall seconds, peak RSS (MB) of the largest process, and peak memory of the whole process
    tree (parent + workers, PSS, read at 0.2 s and then every second; none when the run ended
    sooner) of one CLI run, from /proc; where /proc is missing, the largest RSS of any child so far
    (getrusage) and no tree figure."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "checker", "scan", *args], cwd=tree,
                               env=dict(os.environ, PYTHONPATH=str(tree)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampled = Path("/proc/self/smaps_rollup").exists()
    largest, tree_peak = 0.0, 0.0
    next_pss = start + 0.2
    polls = 0
    # reaped by a thread, which wakes the poll loop the moment the scan ends. The kernel's own
    # peak for the run (wait4's ru_maxrss) cannot serve: it counts the memory of this process,
    # which the run was forked from. So a short run (a 0.16 s rerun) is polled every 0.05 s in its
    # first second, when most of it would otherwise end unread, then every 0.2 s.
    ended = threading.Event()
    reaper = threading.Thread(target=lambda: (process.wait(), ended.set()))
    reaper.start()
    while not ended.wait(0 if polls == 0 else FIRST_POLLS if time.perf_counter() - start < 1 else POLLS):
        if sampled:
            pids = _tree(process.pid)
            largest = max([largest] + [_status_mb(p, "VmHWM") for p in pids])
            if time.perf_counter() >= next_pss:
                tree_peak = max(tree_peak, sum(_status_mb(p, "Pss") for p in pids))
                next_pss += PSS_EVERY
        polls += 1
    reaper.join()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"scan failed with exit code {process.returncode}")
    if not sampled:
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, largest, tree_peak if sampled and tree_peak else None


_SERIAL_SCAN = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
if os.path.isdir(os.path.join(sys.argv[1], "checker", "rules")):
    from checker.rules.checklist import load_checklists
    from checker.run.scan import scan
else:  # a tree from before the packages by stage (--base), to compare the two
    from checker.checklist import load_checklists
    from checker.scan import scan
compiled = load_checklists()
start = time.perf_counter()
report = scan([sys.argv[2]], compiled=compiled, jobs=1)
print(time.perf_counter() - start, len(report.policies) + len(report.skipped) + len(report.errors))
"""


def serial_scan(corpus: Path, tree: Path = ROOT) -> tuple[float, int]:
    """Seconds of one serial scan (the library call, checklists compiled beforehand) in a new
    process, so every measured scan starts as cold as the floor's new pipeline; and how many
    files it accounted for."""
    out = subprocess.run([sys.executable, "-c", _SERIAL_SCAN, str(tree), str(corpus)], capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), int(out[1])


def _memory(largest: float, tree: float | None) -> str:
    total = f", all processes {tree:,.0f} MB" if tree else ""
    return f"peak RSS {largest:,.0f} MB (largest process){total}"


_SPIN = "x = 0\nfor i in range(25_000_000):\n    x += i\n"


def machine_speedup(jobs: int) -> float:
    """How much faster ``jobs`` copies of a pure-Python loop finish side by side than one after
    another on this machine right now: the most any ``--jobs`` can gain. A shared virtual machine
    whose cores are busy elsewhere gives well under ``jobs``."""
    def alone() -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", _SPIN], check=True)
        return time.perf_counter() - start

    before = alone()
    start = time.perf_counter()
    for process in [subprocess.Popen([sys.executable, "-c", _SPIN]) for _ in range(jobs)]:
        process.wait()
    together = time.perf_counter() - start
    # one run alone before and one after: a single one, caught in a slow moment, read as 2.7x
    return jobs * (before + alone()) / 2 / together


def _fastest(runs: list[tuple[float, float, float | None]]) -> tuple[float, float, float | None]:
    return min(runs, key=lambda run: run[0])


def _peaks(runs: list[tuple[float, float, float | None]]) -> tuple[float, float | None]:
    """The largest peak RSS and the largest all-process peak of any of these runs."""
    trees = [run[2] for run in runs if run[2] is not None]
    return max(run[1] for run in runs), max(trees) if trees else None


def _times(runs: list[tuple[float, float, float | None]]) -> str:
    return "runs " + ", ".join(f"{run[0]:.2f}" for run in runs) + " s"


def _ratios(slow: list[tuple[float, float, float | None]], fast: list[tuple[float, float, float | None]]) -> str:
    """How many times faster ``fast`` ran than ``slow``: fastest to fastest and median to median."""
    fastest = min(run[0] for run in slow) / min(run[0] for run in fast)
    median = statistics.median(run[0] for run in slow) / statistics.median(run[0] for run in fast)
    return f"{fastest:.2f}x fastest to fastest, {median:.2f}x median to median"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=350)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-serial-cli", action="store_true", help="Skip the --jobs 1 CLI run (big N).")
    parser.add_argument("--skip-serial", action="store_true",
                        help="Skip the serial scans and the ratio (big N: a serial scan keeps every result in memory).")
    parser.add_argument("--repeat", type=int, default=3,
                        help="Rounds of each measurement (floor and serial scan; the CLI runs), alternated (default 3).")
    parser.add_argument("--base", metavar="REV",
                        help="Instead, compare this tree with git revision REV: serial scan, CLI --jobs 1 and "
                             "--jobs N, cached rerun, the two trees alternating on one corpus.")
    args = parser.parse_args()
    if args.base:
        compare_with_base(args.base, args.n, args.jobs, args.repeat)
        return

    import spacy

    from checker.inputs.loader import read_policy
    from checker.nlp.components import TOKENIZER_CONFIG

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
        floors, own_floors, scans = [], [], []
        for _ in range(1 if args.skip_serial else args.repeat):
            nlp = spacy.blank("en")
            nlp.add_pipe("sentencizer")
            start = time.perf_counter()
            tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16))
            floors.append(time.perf_counter() - start)
            # the same with gapcheck's tokenizer (spaCy's tokens; checker/affix_rules.py), to show
            # how much of the ratio below is a faster tokenizer rather than less work after it
            own = spacy.blank("en", config=TOKENIZER_CONFIG)
            own.add_pipe("sentencizer")
            start = time.perf_counter()
            assert sum(len(doc) for doc in own.pipe(texts, batch_size=16)) == tokens
            own_floors.append(time.perf_counter() - start)
            del nlp, own
            if not args.skip_serial:
                seconds, accounted = serial_scan(corpus)
                assert accounted == len(files)
                scans.append(seconds)
        del documents, texts
        floor = min(floors)
        print(f"tokenisation alone: {floor:7.2f} s  ({tokens:,} tokens; fastest of "
              f"{', '.join(f'{f:.2f}' for f in floors)} s)")
        print(f"  with gapcheck's tokenizer (same tokens): {min(own_floors):7.2f} s  (fastest of "
              f"{', '.join(f'{f:.2f}' for f in own_floors)} s)")
        if scans:
            serial = min(scans)
            print(f"scan serial (library): {serial:7.2f} s  {len(files) / serial:6.1f} policies/s  "
                  f"{words / serial:9,.0f} words/s  (fastest of {', '.join(f'{s:.2f}' for s in scans)} s)")
            print(f"ratio to tokenisation: {serial / floor:.2f}x fastest to fastest, "
                  f"{statistics.median(scans) / statistics.median(floors):.2f}x median to median")
            print(f"  to gapcheck's own tokenisation: {serial / min(own_floors):.2f}x fastest to fastest, "
                  f"{statistics.median(scans) / statistics.median(own_floors):.2f}x median to median")

        # gapcheck's modules as bytecode, as `pip install` leaves them: an editable install under
        # PYTHONDONTWRITEBYTECODE (set on some machines) recompiled them on every CLI run, ~15%
        # of a cached rerun, which is not what a deployed nightly job pays
        compileall.compile_dir(str(ROOT / "checker"), quiet=1)
        base = [str(corpus), "--format", "jsonl", "-q"]
        # One CLI run of each kind swung as much as the floor did (--jobs 2 gave 1.36x to 1.81x
        # --jobs 1 within one hour), so the runs alternate too (--jobs 1, --jobs N, a first run
        # with a new cache, a rerun with it), --repeat rounds of them, each ratio given fastest to
        # fastest and median to median, and each memory figure as the largest of any round.
        runs: dict[str, list[tuple[float, float, float | None]]] = {"one": [], "many": [], "first": [], "cached": []}
        jobs = ["--jobs", str(args.jobs)]
        capacity = []
        for n in range(args.repeat):
            capacity.append(machine_speedup(args.jobs))
            if not args.skip_serial_cli:
                runs["one"].append(cli(base + ["--out", str(work / "o1"), "--jobs", "1"]))
            runs["many"].append(cli(base + ["--out", str(work / "on")] + jobs))
            cache = jobs + ["--cache", str(work / f"cache{n}")]
            runs["first"].append(cli(base + ["--out", str(work / "of")] + cache))
            runs["cached"].append(cli(base + ["--out", str(work / "oc")] + cache))
            shutil.rmtree(work / f"cache{n}", ignore_errors=True)
        if runs["one"]:
            one = _fastest(runs["one"])
            print(f"CLI --jobs 1:  {one[0]:7.2f} s  {len(files) / one[0]:6.1f} policies/s  {_memory(*_peaks(runs['one']))}"
                  f"  ({_times(runs['one'])})")
        many = _fastest(runs["many"])
        print(f"CLI --jobs {args.jobs}:  {many[0]:7.2f} s  {len(files) / many[0]:6.1f} policies/s  "
              f"{_memory(*_peaks(runs['many']))}  ({_times(runs['many'])})")
        if runs["one"]:
            print(f"speed-up of --jobs {args.jobs} over --jobs 1: {_ratios(runs['one'], runs['many'])}")
        print(f"  the machine's own speed-up for {args.jobs} processes of pure Python, in the same rounds: "
              f"{', '.join(f'{c:.2f}x' for c in capacity)}")
        print(f"CLI --jobs {args.jobs} --cache, first run:  {_fastest(runs['first'])[0]:7.2f} s  "
              f"{_memory(*_peaks(runs['first']))}  ({_times(runs['first'])})")
        print(f"CLI --jobs {args.jobs} --cache, unchanged corpus:  {_fastest(runs['cached'])[0]:7.2f} s  "
              f"{_memory(*_peaks(runs['cached']))}  ({_times(runs['cached'])})")
        print(f"cached rerun faster than the first run: {_ratios(runs['first'], runs['cached'])}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare_with_base(rev: str, n: int, jobs: int, repeat: int) -> None:
    """This tree against git revision ``rev`` (checked out in a temporary worktree) on one corpus,
    every measurement alternating between the two, so a change of speed shows as a ratio taken
    within one run (the machine drifts by 25% between runs)."""
    work = Path(tempfile.mkdtemp(prefix="gapcheck-bench-"))
    base = work / "base"
    subprocess.run(["git", "worktree", "add", "--detach", str(base), rev], cwd=ROOT, check=True, capture_output=True)
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        files = build_corpus(corpus, n)
        trees = {"before": base, "after": ROOT}
        for tree in trees.values():
            compileall.compile_dir(str(tree / "checker"), quiet=1)
        kinds = ("serial library", "CLI --jobs 1", f"CLI --jobs {jobs}", "cached rerun")
        seconds: dict[tuple[str, str], list[float]] = {(k, t): [] for k in kinds for t in trees}
        for round_ in range(repeat):
            for name, tree in (trees.items() if round_ % 2 == 0 else reversed(trees.items())):
                seconds[(kinds[0], name)].append(serial_scan(corpus, tree)[0])
                out = [str(corpus), "--format", "jsonl", "-q", "--out", str(work / f"out-{name}")]
                seconds[(kinds[1], name)].append(cli(out + ["--jobs", "1"], tree)[0])
                seconds[(kinds[2], name)].append(cli(out + ["--jobs", str(jobs)], tree)[0])
                cache = ["--jobs", str(jobs), "--cache", str(work / f"cache-{name}-{round_}")]
                cli(out + cache, tree)
                seconds[(kinds[3], name)].append(cli(out + cache, tree)[0])
        print(f"corpus: {len(files)} policies; before = {rev}, after = this tree; {repeat} alternating rounds")
        for kind in kinds:
            before, after = seconds[(kind, "before")], seconds[(kind, "after")]
            print(f"{kind:>16}: before {min(before):6.2f} s, after {min(after):6.2f} s (fastest); "
                  f"after/before {min(after) / min(before):.2f}x fastest, "
                  f"{statistics.median(after) / statistics.median(before):.2f}x median")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
