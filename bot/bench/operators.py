"""Operator benchmarks: from saving an advisory to the bot answering from it, and incremental rebuilds.

Run on a temporary copy of the real knowledge folder, so nothing an operator wrote is touched.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.service import FraudCore
from bot.core.watcher import DEBOUNCE_MS, STEP_MS, KnowledgeReloader, ReloadOutcome, watch_knowledge
from bot.retrieval.build import BuildReport, build_index
from bot.retrieval.embedder import Encoder
from bot.settings import PathSettings, Settings

RUNS = 5
REBUILD_RUNS = 3
POLL_SECONDS = 0.01
WAIT_SECONDS = 120.0
# Invented places, so each new advisory is the only one that can answer its question.
PLACES = ("Quorvale", "Brindlemoor", "Tarkeny", "Osselwick", "Fenmarrow", "Glimsby", "Harrowdene")

NEW_ADVISORY = """---
id: bench-ferry-{n}
title: Fake ferry season passes to {place} sold in chat groups
category: shopping
issuer: Benchmark Test Authority
source_url: https://bench.example.org/ferry-{n}
published: 2024-01-01
region: UK
language: en
---

## How it works
Sellers in chat groups offer cheap season ferry passes to the island of {place} and ask for a bank
transfer. No pass ever arrives, and the seller blocks the buyer.

## Red flags
- A {place} ferry season pass far below the ferry company's price

## Example messages
- "Cheap {place} ferry season pass 🚢 70% off, bank transfer only, today only"

## What to do
- Buy {place} ferry passes only from the ferry company itself.
"""
QUESTION = "Someone in my chat group sells a cheap {place} ferry season pass for a bank transfer. Is it real?"


def touch_every_chunk(text: str, revision: int) -> str:
    """The advisory with every body line changed, so each of its chunks must be embedded again."""
    head, sep, body = text.partition("\n---\n")
    lines = [
        f"{line} (rev {revision})" if line.strip() and not line.startswith("#") else line
        for line in body.splitlines()
    ]
    return head + sep + "\n".join(lines) + "\n"


def _median_rebuild(knowledge_dir: Path, index_dir: Path, encoder: Encoder, count: int) -> tuple[float, int]:
    """Median seconds of an incremental build after ``count`` advisories changed, and chunks embedded."""
    files = sorted((knowledge_dir / "advisories").glob("*.md"))[:count]
    seconds, embedded = [], 0
    for revision in range(REBUILD_RUNS):
        for path in files:
            path.write_text(touch_every_chunk(path.read_text(encoding="utf-8"), revision), encoding="utf-8")
        report = build_index(knowledge_dir, index_dir, encoder)
        seconds.append(report.seconds)
        embedded = report.embedded
    return statistics.median(seconds), embedded


async def _save_to_answer(
    core: FraudCore, knowledge_dir: Path, debounce_ms: int
) -> tuple[list[float], list[float]]:
    """Seconds from writing a new advisory to ``core.ask`` citing it, and each reload's own seconds.

    Each save waits until the previous save's reload has finished, so no answer waits for another's.
    """
    outcomes: list[ReloadOutcome] = []
    reloader = KnowledgeReloader(core, on_reload=outcomes.append)
    stop, ready = asyncio.Event(), asyncio.Event()
    watcher = asyncio.create_task(
        watch_knowledge(core, reloader=reloader, debounce_ms=debounce_ms, stop_event=stop, ready=ready)
    )
    await asyncio.wait_for(ready.wait(), WAIT_SECONDS)
    latencies = []
    try:
        for n in range(RUNS):
            place = PLACES[n % len(PLACES)]
            path = knowledge_dir / "advisories" / f"bench-ferry-{n}.md"
            started = time.perf_counter()
            path.write_text(NEW_ADVISORY.format(n=n, place=place), encoding="utf-8")
            while True:
                answer = await asyncio.to_thread(core.ask, QUESTION.format(place=place))
                if any(c.advisory_id == f"bench-ferry-{n}" for c in answer.citations):
                    break
                if time.perf_counter() - started > WAIT_SECONDS:
                    raise TimeoutError(f"the bot never answered from bench-ferry-{n}")
                await asyncio.sleep(POLL_SECONDS)
            latencies.append(time.perf_counter() - started)
            # The next save must not queue behind this one's reload, still training the classifier.
            while len(outcomes) < n + 1 and time.perf_counter() - started < WAIT_SECONDS:
                await asyncio.sleep(POLL_SECONDS)
    finally:
        stop.set()
        await asyncio.wait_for(watcher, WAIT_SECONDS)
    return latencies, [o.seconds for o in outcomes]


def _median_reload_without_new_examples(core: FraudCore, knowledge_dir: Path) -> float:
    """Median seconds of ``core.reload`` after an edit to the hotlines file (no example changes)."""
    hotlines = knowledge_dir / "hotlines.yaml"
    seconds = []
    for n in range(RUNS):
        hotlines.write_text(hotlines.read_text(encoding="utf-8") + f"\n# edit {n}\n", encoding="utf-8")
        started = time.perf_counter()
        core.reload()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def run_operators_bench(knowledge_dir: Path, encoder: Encoder, *, debounce_ms: int = DEBOUNCE_MS) -> str:
    """Every operator figure as Markdown."""
    with tempfile.TemporaryDirectory(prefix="fraudbot-bench-") as tmp:
        knowledge = Path(tmp) / "knowledge"
        index_dir = Path(tmp) / "index"
        shutil.copytree(knowledge_dir, knowledge)
        full: BuildReport = build_index(knowledge, index_dir, encoder, full=True)
        noop = build_index(knowledge, index_dir, encoder)
        one, one_embedded = _median_rebuild(knowledge, index_dir, encoder, 1)
        ten, ten_embedded = _median_rebuild(knowledge, index_dir, encoder, 10)
        paths = PathSettings(knowledge_dir=knowledge, index_dir=index_dir, data_dir=Path(tmp) / "data")
        core = FraudCore.load(Settings(paths=paths), encoder=encoder)
        latencies, reloads = asyncio.run(_save_to_answer(core, knowledge, debounce_ms))
        kept = _median_reload_without_new_examples(core, knowledge)
    lines = [
        "### Operators: hot reload and incremental rebuilds",
        "",
        f"The real knowledge folder, copied to a temporary folder: {full.advisories} advisories, "
        f"{full.chunks} chunks.",
        "",
        "| what | time | detail |",
        "|---|---|---|",
        f"| save a new advisory → `core.ask` cites it, watcher running (median of {RUNS}) "
        f"| {statistics.median(latencies):.2f} s | min {min(latencies):.2f} s, max {max(latencies):.2f} s; "
        f"changes grouped until {STEP_MS} ms of quiet (at most {debounce_ms} ms); "
        f"the reload itself {statistics.median(reloads):.2f} s |",
        f"| reload after an edit that changes no example message (`hotlines.yaml`, median of {RUNS}) "
        f"| {kept:.2f} s | the scam classifier is kept; a reload that retrains it: "
        f"{statistics.median(reloads):.2f} s (above) |",
        f"| incremental rebuild, nothing changed | {noop.seconds:.2f} s | 0 chunks embedded |",
        f"| incremental rebuild, 1 advisory changed (median of {REBUILD_RUNS}) | {one:.2f} s "
        f"| {one_embedded} chunks embedded |",
        f"| incremental rebuild, 10 advisories changed (median of {REBUILD_RUNS}) | {ten:.2f} s "
        f"| {ten_embedded} chunks embedded |",
        f"| full build | {full.seconds:.2f} s | {full.chunks} chunks embedded |",
        "",
    ]
    return "\n".join(lines)
