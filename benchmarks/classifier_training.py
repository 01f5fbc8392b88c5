"""How long the scam classifier takes to train on the bundled examples, beside a smaller training set.

Each run calls :func:`bot.core.exemplars.build_exemplars` without a classifier folder, so it trains (the
support-vector machine, its calibration folds and the "talks about scams" model). The example texts are
encoded beforehand (read from the index folder's vector cache where the bot saved them), so the figure is
the training. The baseline trains the same way on only the first ``--baseline-labelled`` labelled
messages (13,070: the set before the batches #73 to #80 moved in; 10,672 before #53 to #64 did).

    .venv/bin/python benchmarks/classifier_training.py [--runs 2] [--baseline-labelled 13070]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bot.core.eval_messages import load_searcher
from bot.core.exemplars import build_exemplars
from bot.core.knowledge_data import KnowledgeData, load_knowledge_data
from bot.core.service import EXAMPLE_VECTORS_FILE
from bot.retrieval.cache import OPERATOR_TEXTS
from bot.retrieval.search import Searcher
from bot.settings import Settings, offline_environment


def training_seconds(
    data: KnowledgeData, searcher: Searcher, labelled_limit: int | None, runs: int
) -> tuple[int, list[float]]:
    """The number of examples trained on, and the seconds each of ``runs`` trainings took."""
    labelled = data.labelled_messages[:labelled_limit]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        exemplars = build_exemplars(
            searcher.index,
            data.legitimate_examples,
            searcher.encoder,
            labelled=labelled,
            flags=data.red_flags,
        )
        seconds.append(time.perf_counter() - started)
    classifier = exemplars.classifier
    examples = classifier.scam_examples + classifier.legit_examples if classifier else 0
    return examples, seconds


def main() -> None:
    """Print the training time of the bundled examples and of the baseline as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--baseline-labelled", type=int, default=13070)
    args = parser.parse_args()
    offline_environment()
    paths = Settings().paths
    data = load_knowledge_data(paths.knowledge_dir)
    searcher = load_searcher(paths.knowledge_dir, paths.index_dir)
    OPERATOR_TEXTS.read(paths.index_dir / EXAMPLE_VECTORS_FILE, searcher.encoder.name)
    texts = [e.text for e in data.legitimate_examples] + [m.text for m in data.labelled_messages]
    OPERATOR_TEXTS.encode(searcher.encoder, texts)
    print("| training set | examples | seconds per run | median |")
    print("|---|---|---|---|")
    for name, limit in (("baseline", args.baseline_labelled), ("bundled", None)):
        examples, seconds = training_seconds(data, searcher, limit, args.runs)
        runs = ", ".join(f"{s:.1f}" for s in seconds)
        print(f"| {name} | {examples:,} | {runs} | {statistics.median(seconds):.1f} s |", flush=True)


if __name__ == "__main__":
    main()
