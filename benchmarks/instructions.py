"""Instructions one stage of a scan executes, counted by valgrind's callgrind: exact and repeatable.

Timings on a shared machine swing by 25% or more between runs, so a change worth a few per cent
cannot be seen in them; instruction counts can (two trees may even be measured side by side).
They under-report code that misses the CPU cache (Python sets and dicts of 64-bit word hashes
miss once per lookup), so confirm a change that moves such lookups with ``bench.py``.

Only the stage is counted: a three-line C shim, compiled here with ``gcc``, switches callgrind's
collection on and off around it (callgrind's client requests are machine code Python cannot
issue). Needs ``valgrind`` and ``gcc``; a run takes a minute or two for 30 policies.

    python benchmarks/instructions.py STAGE [--n 30] [--tree PATH]

Stages: ``floor`` (spaCy's blank English tokeniser and sentencizer over the texts), ``read``
(loading the files into blocks), ``parse`` (gapcheck's pipeline and sentences), ``match`` (the
checklists' patterns), ``analyse`` (matching, facts, verdicts, detectors). ``--tree`` measures
another checkout of gapcheck with the same corpus, for before/after comparisons.
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("floor", "read", "parse", "match", "analyse")
_SHIM = """#include <valgrind/callgrind.h>
void on(void) { CALLGRIND_ZERO_STATS; CALLGRIND_TOGGLE_COLLECT; }
void off(void) { CALLGRIND_TOGGLE_COLLECT; CALLGRIND_DUMP_STATS_AT("stage"); }
"""


def _measure(stage: str, corpus: Path, shim: str) -> None:
    """Run ``stage`` on the corpus with collection on around it only (inside valgrind)."""
    from checker.inputs.files import kind_of
    from checker.inputs.language import detect_language
    from checker.inputs.loader import load_bytes
    from checker.nlp.sentences import parse_document
    from checker.rules.checklist import load_checklists
    from checker.run.scan import analyse

    switch = ctypes.CDLL(shim)
    files = [Path(f) for f in sorted(glob.glob(str(corpus / "*")))]
    compiled = load_checklists()
    compiled.patterns.prepare()
    raw = [(str(f), f.read_bytes(), kind_of(f)) for f in files]
    analyse(parse_document(load_bytes(raw[0][1], raw[0][0], raw[0][2])), compiled)  # lazy imports, caches
    if stage == "read":
        switch.on()
        [load_bytes(data, name, kind) for name, data, kind in raw]
        switch.off()
        return
    documents = [load_bytes(data, name, kind) for name, data, kind in raw]
    if stage == "floor":
        import spacy

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        texts = ["\n\n".join(b.text for b in d.blocks) for d in documents]
        switch.on()
        [len(doc) for doc in nlp.pipe(texts, batch_size=16)]
        switch.off()
        return
    documents = [d for d in documents if detect_language(d)[0] == "en"]
    if stage == "parse":
        switch.on()
        [parse_document(d) for d in documents]
        switch.off()
        return
    parsed = [parse_document(d) for d in documents]
    switch.on()
    if stage == "match":
        [compiled.patterns.find(p) for p in parsed]
    else:
        [analyse(p, compiled) for p in parsed]
    switch.off()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=STAGES)
    parser.add_argument("--n", type=int, default=30, help="Policies in the corpus (default 30).")
    parser.add_argument("--tree", type=Path, default=ROOT, help="The gapcheck checkout to measure.")
    parser.add_argument("--inside", nargs=2, metavar=("CORPUS", "SHIM"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:  # the run under valgrind
        sys.path.insert(0, str(args.tree))
        _measure(args.stage, Path(args.inside[0]), args.inside[1])
        return

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench import build_corpus

    with tempfile.TemporaryDirectory(prefix="gapcheck-instructions-") as work:
        folder = Path(work)
        corpus = folder / "corpus"
        corpus.mkdir()
        build_corpus(corpus, args.n)
        (folder / "shim.c").write_text(_SHIM)
        shim = folder / "shim.so"
        subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(shim), str(folder / "shim.c")], check=True)
        out = folder / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no", f"--callgrind-out-file={out}",
                        "--cache-sim=no", "--branch-sim=no", sys.executable, __file__, args.stage,
                        "--tree", str(args.tree.resolve()), "--inside", str(corpus), str(shim)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env={**os.environ, "PYTHONHASHSEED": "0"})
        dumps = sorted(folder.glob("callgrind.out.*"))
        if not dumps:
            sys.exit("instructions: valgrind wrote no count for the stage (did the stage fail? run it without valgrind)")
        totals = [line.split()[1] for line in dumps[0].read_text().splitlines() if line.startswith("totals:")]
        print(f"{args.stage} on {args.n} policies ({args.tree}): {int(totals[0]):,} instructions")


if __name__ == "__main__":
    main()
