"""Benchmark of the ICCS coding assistant on the team's labelled sets in ``benchmarks/iccs/``.

* zero-shot: the coder knows the ICCS texts (en, es), the alphabetical index *minus* its held-out
  test and calibration splits, and the lexicon; its confidence is fitted on the calibration split;
* assisted: for each national list, 5 folds: 80% of the list confirmed through ``learn``, the
  remaining 20% proposed (every item is proposed once);
* throughput of ``propose_many`` (offences/s, one process) and peak memory (max RSS).

Run ``python benchmarks/iccs_coder.py [--json] [--mistakes]``; prints a table, then JSON.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import resource
import sys
import time
from pathlib import Path

from observatory.catalog.iccs import load_iccs
from observatory.iccs.coder import Coder, Example
from observatory.iccs.coder.calibration import expected_calibration_error
from observatory.iccs.coder.evaluate import Evaluation, IndexSplit, evaluate, index_split, read_gold
from observatory.iccs.coder.text import fold

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("OBSERVATORY_SHARED_DATA", HERE.parents[1] / "shared" / "data"))
ICCS = SHARED / "iccs"
TEXTS = [ICCS / "iccs_v1_0_long_original_en.csv", ICCS / "iccs_v1_0_long_original_es.csv"]
INDEX = ICCS / "iccs_v1_0_alphabetical_index_en.csv"
SETS = {
    "us-nibrs": "us_nibrs_offense_types.csv",
    "uk-home-office": "uk_home_office_offences.csv",
    "es-penal-codes": "es_penal_codes.csv",
    "fr-code-penal": "fr_code_penal.csv",
}
TARGETS = {"zero-shot level2 top1": 0.75, "zero-shot level2 top3": 0.90, "zero-shot level3 top1": 0.60}


def index_examples(split: IndexSplit) -> list[Example]:
    scheme = load_iccs()
    with INDEX.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        Example(r["term"], r["iccs_code"], "", "en")
        for r in rows
        if r["iccs_code"] in scheme and index_split(r["term"]) is split
    ]


def held_out_terms() -> set[str]:
    with INDEX.open(encoding="utf-8") as f:
        return {r["term"] for r in csv.DictReader(f) if index_split(r["term"]) is not IndexSplit.knowledge}


def zero_shot_coder() -> Coder:
    coder = Coder.from_files([*TEXTS, INDEX], exclude_terms=held_out_terms())
    coder.calibrate(index_examples(IndexSplit.calibration))
    return coder


def fold_of(example: Example, folds: int = 5) -> int:
    return int(hashlib.sha1(fold(example.label).encode()).hexdigest()[:8], 16) % folds


def assisted(examples: list[Example], folds: int = 5) -> Evaluation:
    """Each fold proposed by a coder that has learnt the other folds."""
    total: Evaluation | None = None
    parts: list[tuple[int, Evaluation]] = []
    for k in range(folds):
        test = [e for e in examples if fold_of(e, folds) == k]
        if not test:
            continue
        coder = zero_shot_coder()
        coder.learn(e for e in examples if fold_of(e, folds) != k)
        parts.append((len(test), evaluate(coder, test)))
    n = sum(size for size, _ in parts)
    total = Evaluation(n)
    for key in parts[0][1].top1:
        total.top1[key] = round(sum(size * ev.top1[key] for size, ev in parts) / n, 4)
        total.top3[key] = round(sum(size * ev.top3[key] for size, ev in parts) / n, 4)
    # ECE over the pooled folds: per fold (about 20 items in 10 bins) it would mostly measure noise.
    total.confidences = [p for _, ev in parts for p in ev.confidences]
    total.correct = [c for _, ev in parts for c in ev.correct]
    total.ece = expected_calibration_error(total.confidences, total.correct)
    return total


def throughput(coder: Coder, examples: list[Example], minimum: int = 2000) -> float:
    items = [(str(i), e.label, e.description) for i, e in enumerate(examples)]
    while len(items) < minimum:
        items = items + items
    start = time.perf_counter()
    done = sum(1 for _ in coder.propose_many(items, lang="en", top=3))
    return done / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="JSON only")
    parser.add_argument("--mistakes", action="store_true", help="list the zero-shot mistakes")
    args = parser.parse_args(argv)
    scheme = load_iccs()
    coder = zero_shot_coder()
    sets: dict[str, list[Example]] = {"index-heldout": index_examples(IndexSplit.test)}
    for name, file in SETS.items():
        sets[name] = read_gold(HERE / "iccs" / file, scheme)
    results: dict[str, dict[str, object]] = {}
    for name, examples in sets.items():
        zero = evaluate(coder, examples)
        results[name] = {"zero-shot": zero.to_dict()}
        if name != "index-heldout":
            results[name]["assisted"] = assisted(examples).to_dict()
        if args.mistakes:
            for m in zero.mistakes:
                print(f"  {name}: {m['label']!r} gold {m['gold']} proposed {m['proposed']}", file=sys.stderr)
    everything = [e for examples in sets.values() for e in examples]
    report = {
        "sets": results,
        "throughput_per_s": round(throughput(coder, everything), 1),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "calibration": list(coder.calibrator.weights),
    }
    if not args.json:
        print(f"{'set':16} {'mode':10} {'n':>4}  L1@1  L2@1  L3@1  D@1   L2@3  L3@3  D@3   ECE")
        for name, modes in results.items():
            for mode, r in modes.items():
                assert isinstance(r, dict)
                t1, t3 = r["top1"], r["top3"]
                print(
                    f"{name:16} {mode:10} {r['count']:>4}  {t1['level1']:.2f}  {t1['level2']:.2f}  "
                    f"{t1['level3']:.2f}  {t1['detailed']:.2f}  {t3['level2']:.2f}  {t3['level3']:.2f}  "
                    f"{t3['detailed']:.2f}  {r['ece']:.3f}"
                )
        print(f"throughput {report['throughput_per_s']}/s, peak memory {report['peak_memory_mb']} MB")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
