"""Retrieval benchmarks: dev-set quality per mode, search latency, build throughput, memory."""

from __future__ import annotations

import functools
import itertools
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from bot.bench.dev_questions import load_dev_questions, measure_quality
from bot.bench.timing import rss_mib, summary, time_calls
from bot.core.answers import AGGREGATE_TOP
from bot.knowledge.loader import load_advisories
from bot.retrieval.build import build_index
from bot.retrieval.dense import build_dense_index, dense_search
from bot.retrieval.embedder import Encoder
from bot.retrieval.search import Searcher, SearchIndex, SearchMode
from bot.retrieval.sparse import SparseIndex, build_sparse_index

MODES: tuple[SearchMode, ...] = ("dense", "bm25", "hybrid")
SYNTHETIC_CHUNKS = 30_000


def twenty_word_queries(questions: list[str], count: int = 60, seed: int = 7) -> list[str]:
    """Queries of exactly 20 words made from the dev questions."""
    rng = random.Random(seed)
    words = " ".join(questions).split()
    return [" ".join(rng.sample(words, 20)) for _ in range(count)]


def quality_table(searcher: Searcher, eval_dir: Path) -> list[str]:
    """Recall@1 / Recall@3 / MRR for each mode on the labelled dev questions."""
    questions = load_dev_questions(eval_dir)
    rows = ["| mode | Recall@1 | Recall@3 | MRR |", "|---|---|---|---|"]
    for mode in MODES:
        quality = measure_quality(questions, functools.partial(searcher.search_many, k=20, mode=mode))
        rows.append(f"| {mode} | {quality.recall_at_1:.3f} | {quality.recall_at_3:.3f} | {quality.mrr:.3f} |")
    search_50 = functools.partial(searcher.search_many, k=50, mode="hybrid")
    quality = measure_quality(questions, search_50, top=AGGREGATE_TOP)
    rows.append(
        f"| hybrid, advisories by their {AGGREGATE_TOP} best chunks (what `ask` uses) "
        f"| {quality.recall_at_1:.3f} | {quality.recall_at_3:.3f} | {quality.mrr:.3f} |"
    )
    rows.append(f"\n{len(questions)} questions from `{eval_dir}`.")
    return rows


def _search_next(searcher: Searcher, queries: Iterator[str], mode: SearchMode) -> None:
    searcher.search(next(queries), 10, mode=mode)


def latency_rows(label: str, searcher: Searcher, queries: list[str]) -> list[str]:
    """p50/p95 per mode and the bare encode + FAISS floor."""
    encoder = searcher.encoder
    floor_cycle = itertools.cycle(queries)

    def floor() -> None:
        dense_search(searcher.index.dense, encoder.encode([next(floor_cycle)]), 10)

    rows = [f"| {label}: encode + faiss.search (floor) | {summary(time_calls(floor, 200))} |"]
    for mode in MODES:
        cycle = itertools.cycle(queries)
        times = time_calls(functools.partial(_search_next, searcher, cycle, mode), 200)
        rows.append(f"| {label}: `search` {mode} | {summary(times)} |")
    return rows


def synthetic_searcher(searcher: Searcher, size: int = SYNTHETIC_CHUNKS, seed: int = 3) -> Searcher:
    """A 30k-chunk index: real chunk vectors with noise, texts re-mixed from real sentences."""
    rng = np.random.default_rng(seed)
    base = searcher.index.vectors
    rows = rng.integers(0, len(base), size)
    vectors = base[rows] + rng.normal(0, 0.05, (size, base.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors.astype(np.float32)
    sentences = [s for c in searcher.index.chunks for s in c.text.split(". ") if s]
    texts = [". ".join(rng.choice(sentences, 4)) for _ in range(size)]
    chunks = [searcher.index.chunks[int(r)] for r in rows]
    index = SearchIndex(
        manifest=searcher.index.manifest,
        chunks=chunks,
        advisories=searcher.index.advisories,
        vectors=vectors,
        dense=build_dense_index(vectors),
        sparse=SparseIndex.of(build_sparse_index(texts)),
    )
    return Searcher(index, searcher.encoder)


def build_rows(knowledge_dir: Path, encoder: Encoder, baseline: Encoder | None = None) -> list[str]:
    """Full build throughput, 256-token encode throughput, and incremental add of one advisory.

    With ``baseline`` (the same model run by torch in float32, when ``encoder`` runs otherwise) the full
    build and the encode are also timed with it.
    """
    rows = []
    long_texts = [" ".join(["withdrawal fee teacher group platform"] * 60)] * 128  # ≥ 256 tokens each
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        if baseline is not None:
            plain = build_index(knowledge_dir, Path(tmp) / "index-baseline", baseline, full=True)
            built_baseline = f" (torch float32: {plain.chunks / plain.seconds:.0f} chunks/s)"
            encoded_baseline = f" (torch float32: {128 / _encode_seconds(baseline, long_texts):.0f} chunks/s)"
        else:
            built_baseline = encoded_baseline = ""
        report = build_index(knowledge_dir, index_dir, encoder, full=True)
        rows.append(
            f"| full build of the corpus ({report.chunks} chunks) | {report.seconds:.1f} s "
            f"| {report.chunks / report.seconds:.0f} chunks/s{built_baseline} |"
        )
        seconds = _encode_seconds(encoder, long_texts)
        rate = f"{128 / seconds:.0f} chunks/s{encoded_baseline}"
        rows.append(f"| encode 128 chunks of 256 tokens | {seconds:.1f} s | {rate} |")
        knowledge_copy = Path(tmp) / "knowledge"
        shutil.copytree(knowledge_dir, knowledge_copy)
        advisory = load_advisories(knowledge_copy).advisories[0]
        added = knowledge_copy / "advisories" / "bench-added.md"
        added.write_text(advisory.path.read_text().replace(f"id: {advisory.id}", "id: bench-added-advisory"))
        times = []
        for attempt in range(5):
            added.write_text(added.read_text() + f"\nEdit {attempt}.\n")
            start = time.perf_counter()
            build_index(knowledge_copy, index_dir, encoder)
            times.append(time.perf_counter() - start)
        rows.append(
            f"| incremental build after adding/editing one advisory (median of 5) | "
            f"{sorted(times)[2]:.2f} s | full build {report.seconds:.1f} s |"
        )
    return rows


def _encode_seconds(encoder: Encoder, texts: list[str]) -> float:
    start = time.perf_counter()
    encoder.encode(texts, batch_size=32)
    return time.perf_counter() - start


def run_retrieval_bench(
    knowledge_dir: Path,
    index_dir: Path,
    eval_dir: Path,
    encoder: Encoder,
    searcher: Searcher,
    baseline: Encoder | None = None,
) -> str:
    """All retrieval figures as Markdown (``baseline``: see :func:`build_rows`).

    Latency is measured with the bare ``encoder``: the searcher's own may remember recent queries.
    """
    searcher = Searcher(searcher.index, encoder, mode=searcher.mode)
    questions = [q.question for q in load_dev_questions(eval_dir)]
    queries = twenty_word_queries(questions)
    lines = ["### Retrieval quality on the dev questions", "", *quality_table(searcher, eval_dir), ""]
    lines += [
        "### Search latency, 20-word queries, model loaded (ms, p50 / p95)",
        "",
        "| what | p50 / p95 ms |",
        "|---|---|",
    ]
    lines += latency_rows(f"real corpus ({len(searcher.index.chunks)} chunks)", searcher, queries)
    lines += latency_rows(f"synthetic {SYNTHETIC_CHUNKS} chunks", synthetic_searcher(searcher), queries)
    lines += ["", "### Index build", "", "| what | time | rate / baseline |", "|---|---|---|"]
    lines += build_rows(knowledge_dir, encoder, baseline)
    lines += ["", f"Process RSS with model and index loaded: {rss_mib():.0f} MiB.", ""]
    return "\n".join(lines)
