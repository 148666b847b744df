"""Brainstorm grouping (`alignment.domain.grouping`): how well, how fast, how heavy.

`measure()` runs the measurement in a fresh process of its own, so that its
first use (the imports of numpy and the stemmers, then a first grouping) and
its peak memory are what a worker would see, and a bare interpreter beside it
as the memory baseline. No database: the answers come from
`bench/data/brainstorm_answers.json`, 202 answers in English and Italian to
three brainstorm questions, each labelled with the group a person put it in.

Quality is measured as a facilitator would use it, one question at a time, in a
room that writes English only, Italian only, or both: the adjusted Rand index
and the pairwise precision and recall of the proposals against the labels
(singletons are groups of one). Some groups are marked holdout: the method's
settings were tuned without them, so their pair-F1 (every pair with a holdout
answer) is the fairer figure.

`python -m bench.grouping` prints these rows alone.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import json
import math
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import stats, verdict

BASE_DIR = Path(__file__).resolve().parent.parent
DATASET = BASE_DIR / "bench" / "data" / "brainstorm_answers.json"
DEPENDENCIES = ("numpy", "PyStemmer")
TIMED_ANSWERS = 200
TIMED_RUNS = 20
ROOMS = {"en": "English answers", "it": "Italian answers", "mixed": "all answers, mixed"}


def measure() -> dict[str, Any]:
    """The measurements, each process started afresh."""
    command = [sys.executable, "-m", "bench.grouping", "--child"]
    # stderr passes through: a failure shows its traceback in the bench's output.
    child = subprocess.run(command, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=True)
    bare = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout) | {
        "bare_rss_kb": int(bare.stdout),
        "installed_bytes": {name: installed_bytes(name) for name in DEPENDENCIES},
    }


def installed_bytes(distribution: str) -> int:
    files = importlib.metadata.distribution(distribution).files or []
    paths = (Path(f.locate()) for f in files)
    return sum(path.stat().st_size for path in paths if path.is_file())


def child() -> dict[str, Any]:
    dataset = json.loads(DATASET.read_text())
    answers, groups = dataset["answers"], dataset["groups"]
    texts = [a["text"] for a in answers[:TIMED_ANSWERS]]
    languages = [a["lang"] for a in answers[:TIMED_ANSWERS]]

    # Imported here, timed: the first use is the import and a first grouping.
    started = time.perf_counter()
    from alignment.domain.grouping import propose

    propose(texts, languages)
    first_use_s = time.perf_counter() - started

    runs = []
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        propose(texts, languages)
        runs.append(time.perf_counter() - started)

    truth = [a["group"] for a in answers]
    holdout = [groups[a["group"]]["holdout"] for a in answers]
    quality = {}
    for room in ROOMS:
        chosen = [i for i, a in enumerate(answers) if room in ("mixed", a["lang"])]
        predicted = proposed_labels(answers, chosen, propose)
        labels = [truth[i] for i in chosen]
        guesses = [predicted[i] for i in chosen]
        marked = [holdout[i] for i in chosen]
        quality[room] = {
            "answers": len(chosen),
            "groups": len(set(guesses)),
            "true_groups": len(set(labels)),
            "ari": adjusted_rand_index(labels, guesses),
            "pairs": pair_scores(labels, guesses),
            "holdout_pairs": pair_scores(labels, guesses, marked),
        }
    return {
        "quality": quality,
        "timed_answers": len(texts),
        "median_s": stats.median(runs),
        "runs": TIMED_RUNS,
        "first_use_s": first_use_s,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def proposed_labels(
    answers: list[dict[str, Any]], chosen: list[int], propose: Callable[..., list[Any]]
) -> dict[int, str]:
    """A label per answer: its proposal's, or its own when it is left alone. Each
    question (`aspect`) is grouped on its own, as the facilitator reveals it."""
    labels = {}
    for aspect in sorted({answers[i]["aspect"] for i in chosen}):
        asked = [i for i in chosen if answers[i]["aspect"] == aspect]
        labels |= {i: f"{aspect}:alone:{i}" for i in asked}
        proposals = propose(
            [answers[i]["text"] for i in asked], [answers[i]["lang"] for i in asked]
        )
        for number, proposal in enumerate(proposals):
            labels |= {asked[m]: f"{aspect}:{number}" for m in proposal.members}
    return labels


def pairs(count: int) -> int:
    return count * (count - 1) // 2


def adjusted_rand_index(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Hubert and Arabie's ARI from the contingency table: 1 for the same
    partition, about 0 for a random one."""
    together = sum(pairs(n) for n in Counter(zip(truth, predicted, strict=True)).values())
    true_pairs = sum(pairs(n) for n in Counter(truth).values())
    predicted_pairs = sum(pairs(n) for n in Counter(predicted).values())
    expected = true_pairs * predicted_pairs / pairs(len(truth)) if len(truth) > 1 else 0.0
    best = (true_pairs + predicted_pairs) / 2
    if best == expected:
        return 1.0
    return (together - expected) / (best - expected)


def pair_scores(
    truth: Sequence[str], predicted: Sequence[str], marked: Sequence[bool] | None = None
) -> dict[str, float]:
    """Precision, recall and F1 over pairs of answers proposed together; with
    `marked`, over the pairs with at least one marked answer only, so that a
    false merge into an unmarked group still counts."""
    hits = proposed = expected = 0
    for i, j in itertools.combinations(range(len(truth)), 2):
        if marked is not None and not (marked[i] or marked[j]):
            continue
        same_truth, same_guess = truth[i] == truth[j], predicted[i] == predicted[j]
        hits += same_truth and same_guess
        proposed += same_guess
        expected += same_truth
    precision = hits / proposed if proposed else math.nan
    recall = hits / expected if expected else math.nan
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.grouping", description="Measure the brainstorm grouping alone."
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child()))
        return 0
    budgets = verdict.grouping_budgets(measure())
    print(verdict.table(budgets, colour=sys.stdout.isatty()))
    print("\n".join(verdict.summary_lines(budgets)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
