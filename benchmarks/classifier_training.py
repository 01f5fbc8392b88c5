"""How long the scam classifier takes to train on the bundled examples, beside a smaller training set.

Each run calls :func:`bot.core.exemplars.build_exemplars` without a classifier folder, so it trains (the
support-vector machine, its calibration folds and the "talks about scams" model). The example texts are
encoded beforehand (read from the index folder's vector cache where the bot saved them), so the figure is
the training. The baseline trains the same way on
only the first ``--baseline-labelled`` labelled messages (7,472: the set before the sealed batches #37 to
#52 moved in).

    .venv/bin/python benchmarks/classifier_training.py [--runs 2] [--baseline-labelled 7472]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bot.core.eval_messages import load_searcher
from bot.core.exemplars import build_exemplars, load_legitimate_examples_from
from bot.core.labelled import LabelledMessage, load_labelled_messages_from
from bot.core.red_flags import load_red_flags_from
from bot.core.service import EXAMPLE_VECTORS_FILE
from bot.knowledge.loader import load_categories
from bot.retrieval.cache import OPERATOR_TEXTS
from bot.settings import Settings, offline_environment


def training_seconds(
    knowledge: Path, index_dir: Path, labelled_limit: int | None, runs: int
) -> tuple[int, list[float]]:
    """The number of examples trained on, and the seconds each of ``runs`` trainings took."""
    categories = load_categories(knowledge)
    flags = load_red_flags_from(knowledge, categories)
    searcher = load_searcher(knowledge, index_dir)
    legit = load_legitimate_examples_from(knowledge)
    labelled: tuple[LabelledMessage, ...] = load_labelled_messages_from(knowledge, categories)
    labelled = labelled[:labelled_limit]
    OPERATOR_TEXTS.read(index_dir / EXAMPLE_VECTORS_FILE, searcher.encoder.name)
    OPERATOR_TEXTS.encode(searcher.encoder, [e.text for e in legit] + [m.text for m in labelled])
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        exemplars = build_exemplars(searcher.index, legit, searcher.encoder, labelled=labelled, flags=flags)
        seconds.append(time.perf_counter() - started)
    classifier = exemplars.classifier
    examples = classifier.scam_examples + classifier.legit_examples if classifier else 0
    return examples, seconds


def main() -> None:
    """Print the training time of the bundled examples and of the baseline as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--baseline-labelled", type=int, default=7472)
    args = parser.parse_args()
    offline_environment()
    paths = Settings().paths
    print("| training set | examples | seconds per run | median |")
    print("|---|---|---|---|")
    for name, limit in (("baseline", args.baseline_labelled), ("bundled", None)):
        examples, seconds = training_seconds(paths.knowledge_dir, paths.index_dir, limit, args.runs)
        runs = ", ".join(f"{s:.1f}" for s in seconds)
        print(f"| {name} | {examples:,} | {runs} | {statistics.median(seconds):.1f} s |", flush=True)


if __name__ == "__main__":
    main()
