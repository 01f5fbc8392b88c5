"""``fraudbot bench``: every benchmark of docs/benchmarks.md, printed as Markdown."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
from pathlib import Path

from bot.commands.common import encoder_for, load_encoder
from bot.settings import Settings

PARTS = ("retrieval", "core", "operators")
EVAL_DIR = Path("tests/eval")


def cmd_bench(settings: Settings, args: argparse.Namespace) -> int:
    """Run the chosen benchmark parts on the configured knowledge and print Markdown."""
    from bot.bench.core import run_core_bench
    from bot.bench.operators import run_operators_bench
    from bot.bench.retrieval import run_retrieval_bench
    from bot.core.service import FraudCore

    parts = args.parts.split(",") if args.parts else list(PARTS)
    encoder = load_encoder(settings)
    core = FraudCore.load(settings, encoder=encoder)
    # Beside the figures of the configured runtime, the same model run by torch in float32 (what
    # sentence-transformers does out of the box) as their baseline.
    retrieval = settings.retrieval
    plain = retrieval.embedding_runtime == "torch" and retrieval.embedding_precision == "float32"
    baseline = None if plain else encoder_for(retrieval.embedding_model, "float32", "torch")
    print(
        f"<!-- fraudbot bench --parts {','.join(parts)}: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} cores, Python {platform.python_version()} -->\n"
    )
    if "retrieval" in parts:
        print("## Retrieval (issue 2 / 3)\n")
        print(
            run_retrieval_bench(
                settings.paths.knowledge_dir,
                settings.paths.index_dir,
                EVAL_DIR / "questions",
                encoder,
                core.searcher,
                baseline,
            )
        )
    if "core" in parts:
        print("## Core: ask, check, routing (issue 4)\n")
        print(run_core_bench(core, EVAL_DIR, baseline))
    if "operators" in parts:
        print("## Operators: hot reload and incremental builds (issue 6)\n")
        print(run_operators_bench(settings.paths.knowledge_dir, encoder))
    return 0
