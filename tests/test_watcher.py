"""Hot reload: a running core notices knowledge changes, rebuilds in the background and swaps atomically."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from counting_encoder import CountingEncoder
from watchfiles import Change

from bot.core.service import FraudCore
from bot.core.watcher import KnowledgeFilter, KnowledgeReloader, ReloadOutcome, changed_files, watch_knowledge
from bot.knowledge.chunking import chunk_advisory
from bot.knowledge.loader import load_advisories
from bot.retrieval.embedder import Encoder
from bot.settings import PathSettings, Settings

session_loop = pytest.mark.asyncio(loop_scope="session")
# A bound so a broken watcher fails the test instead of hanging it; not a timing assertion. A reload that
# changes an example message retrains the scam classifier on ~15,200 examples: 1-3.5 min, more on a busy
# machine.
WAIT = 600.0

TICKETS = """---
id: fx-ticket
title: Fake festival tickets sold on social media
category: shopping
issuer: Test Fraud Reporting Centre
source_url: https://fraud.example.org/tickets
published: 2024-06-01
region: UK
language: en
---

## How it works
Sellers on social media offer sold-out festival wristbands and ask for a bank transfer.
The tickets never arrive.

## Red flags
- Payment by bank transfer only for tickets to a sold-out festival

## Example messages
- "Got 2 spare Glastonbury wristbands 🎶 £180 each, bank transfer only, first come first served"

## What to do
- Buy festival tickets only from the official ticket sellers.
"""
# The same advisory with no example message: the classifier is kept, so a reload takes seconds.
TICKETS_WITHOUT_EXAMPLES = re.sub(r"## Example messages\n.*?\n\n", "", TICKETS, flags=re.DOTALL)
TICKET_QUESTION = "someone on Facebook is selling spare Glastonbury festival wristbands, bank transfer only"


@dataclass
class Watching:
    core: FraudCore
    encoder: CountingEncoder
    reloader: KnowledgeReloader
    outcomes: asyncio.Queue[ReloadOutcome]
    knowledge_dir: Path

    async def next_outcome(self) -> ReloadOutcome:
        return await asyncio.wait_for(self.outcomes.get(), WAIT)


def load_core(knowledge_dir: Path, tmp_path: Path, encoder: Encoder) -> FraudCore:
    paths = PathSettings(
        knowledge_dir=knowledge_dir, index_dir=tmp_path / "index", data_dir=tmp_path / "data"
    )
    return FraudCore.load(Settings(paths=paths), encoder=CountingEncoder(encoder))


@pytest_asyncio.fixture(loop_scope="session")
async def watching(knowledge_dir: Path, tmp_path: Path, encoder: Encoder) -> AsyncIterator[Watching]:
    core = load_core(knowledge_dir, tmp_path, encoder)
    outcomes: asyncio.Queue[ReloadOutcome] = asyncio.Queue()
    reloader = KnowledgeReloader(core, on_reload=outcomes.put_nowait)
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        watch_knowledge(core, reloader=reloader, debounce_ms=200, stop_event=stop, ready=ready)
    )
    await asyncio.wait_for(ready.wait(), WAIT)
    recorder = getattr(core.searcher.encoder, "inner", None)  # under the core's cache
    assert isinstance(recorder, CountingEncoder)
    yield Watching(core, recorder, reloader, outcomes, knowledge_dir)
    stop.set()
    await asyncio.wait_for(task, WAIT)


def cited(core: FraudCore, question: str) -> list[str]:
    return [c.advisory_id for c in core.ask(question).citations]


@session_loop
async def test_new_advisory_is_answered_without_restart(watching: Watching) -> None:
    core = watching.core
    assert "fx-ticket" not in cited(core, TICKET_QUESTION)
    (watching.knowledge_dir / "advisories" / "fx-ticket.md").write_text(TICKETS, encoding="utf-8")
    outcome = await watching.next_outcome()
    assert outcome.ok and outcome.trigger == "watcher" and outcome.changed == ("advisories/fx-ticket.md",)
    assert outcome.report is not None and outcome.report.advisories == 6
    assert cited(core, TICKET_QUESTION)[0] == "fx-ticket"
    assert "6 advisories" in outcome.summary() and TICKET_QUESTION not in outcome.summary()


@session_loop
async def test_changed_advisory_re_embeds_only_its_changed_chunks(watching: Watching) -> None:
    path = watching.knowledge_dir / "advisories" / "fx-parcel.md"
    before = {c.id for a in load_advisories(watching.knowledge_dir).advisories for c in chunk_advisory(a)}
    text = (
        path.read_text(encoding="utf-8")
        .replace(
            "- A web address that is not the courier's real site",
            "- A web address that is not the courier's real site, often ending in .top or .xyz",
        )
        .replace(
            "## What to do",
            '- "Evri: we missed you today. Rebook your delivery for £0.99: evri-rebook.xyz"\n\n## What to do',
        )
    )
    watching.encoder.texts.clear()
    path.write_text(text, encoding="utf-8")
    outcome = await watching.next_outcome()
    parcel = next(a for a in load_advisories(watching.knowledge_dir).advisories if a.id == "fx-parcel")
    fresh = [c for c in chunk_advisory(parcel) if c.id not in before]
    assert len(fresh) == 2  # the red flags section and the new example; the other chunks are reused
    assert outcome.report is not None and outcome.report.embedded == len(fresh)
    embedded = sorted(text for call in watching.encoder.texts for text in call)
    assert embedded == sorted(c.embedding_text(parcel.meta.title) for c in fresh)
    assert outcome.report.chunks == len(before) + 1


@session_loop
async def test_broken_files_are_skipped_and_reported_while_the_rest_serves(watching: Watching) -> None:
    core = watching.core
    uk_hotlines = core.hotlines("UK")
    assert "fx-courier" in cited(core, "a detective phoned and asked me to hand my savings to a courier")
    folder = watching.knowledge_dir
    (folder / "advisories" / "broken.md").write_text(
        TICKETS.replace("category: shopping", "category: tickets")
    )
    (folder / "advisories" / "broken-yaml.md").write_text(TICKETS.replace("title: Fake", "title: [Fake"))
    (folder / "hotlines.yaml").write_text("regions: [\n", encoding="utf-8")
    outcome = await watching.next_outcome()
    while len(outcome.changed) < 3:  # the writes may arrive in two bursts
        outcome = await watching.next_outcome()
    assert outcome.ok and outcome.report is not None and outcome.report.advisories == 5
    report = "\n".join(outcome.problems)
    assert "broken.md:4: category: unknown category 'tickets'" in report  # with the line of the field
    assert re.search(r"broken-yaml\.md:\d+: front matter: broken YAML", report)
    assert "hotlines.yaml" in report
    assert "fx-courier" in cited(core, "a detective phoned and asked me to hand my savings to a courier")
    assert core.hotlines("UK") == uk_hotlines  # the last good hotlines stay in use


@session_loop
async def test_broken_categories_keep_the_previous_index_serving(watching: Watching) -> None:
    core = watching.core
    (watching.knowledge_dir / "categories.yaml").write_text("categories: [oops\n", encoding="utf-8")
    outcome = await watching.next_outcome()
    assert outcome.ok and outcome.report is not None and outcome.report.advisories == 5
    assert any("categories.yaml" in p and "broken YAML" in p for p in outcome.problems)
    assert "fx-courier" in cited(core, "a detective phoned and asked me to hand my savings to a courier")


@session_loop
async def test_a_burst_of_requests_costs_at_most_one_extra_reload(
    knowledge_dir: Path, tmp_path: Path, encoder: Encoder
) -> None:
    core = load_core(knowledge_dir, tmp_path, encoder)
    seen: list[ReloadOutcome] = []
    reloader = KnowledgeReloader(core, on_reload=seen.append)
    outcomes = await asyncio.gather(*(reloader.reload("operator") for _ in range(5)))
    assert reloader.reloads == 2 == len(seen)
    assert outcomes[0] is seen[0] and all(o is seen[1] for o in outcomes[1:])


@session_loop
async def test_a_burst_of_saves_goes_live_together(watching: Watching) -> None:
    names = [f"fx-ticket-{n}.md" for n in range(8)]
    for n, name in enumerate(names):
        text = TICKETS.replace("id: fx-ticket", f"id: fx-ticket-{n}").replace("Glastonbury", f"Festival {n}")
        (watching.knowledge_dir / "advisories" / name).write_text(text, encoding="utf-8")
    changed: set[str] = set()
    while len(changed) < len(names):
        changed.update((await watching.next_outcome()).changed)
    assert changed == {f"advisories/{n}" for n in names}
    assert watching.reloader.reloads < len(names)
    assert len(watching.core.searcher.index.advisories) == 5 + len(names)


@session_loop
async def test_searches_during_a_reload_always_see_a_complete_index(watching: Watching) -> None:
    core = watching.core
    stop = threading.Event()
    sizes: set[tuple[int, int, int]] = set()
    errors: list[BaseException] = []

    def hammer() -> None:
        while not stop.is_set():
            try:
                searcher = core.searcher
                searcher.search("pay a fee to get my parcel", 3)
                index = searcher.index
                sizes.add((len(index.chunks), index.vectors.shape[0], index.dense.ntotal))
            except BaseException as exc:  # pragma: no cover - reported by the assertion below
                errors.append(exc)

    thread = threading.Thread(target=hammer, daemon=True)
    thread.start()
    try:
        advisory = watching.knowledge_dir / "advisories" / "fx-ticket.md"
        advisory.write_text(TICKETS_WITHOUT_EXAMPLES, encoding="utf-8")
        await watching.next_outcome()
        await asyncio.sleep(0.2)
    finally:  # a failed wait must not leave the thread spinning: pytest would never exit
        stop.set()
        thread.join()
    assert errors == []
    assert all(len(set(size)) == 1 for size in sizes)  # chunks, vectors and FAISS rows always agree
    assert {size[0] for size in sizes} == {31, 34}  # only the old and the new index were ever seen


def test_only_knowledge_files_trigger_a_reload(tmp_path: Path) -> None:
    accepts = KnowledgeFilter()
    folder = tmp_path / "knowledge"
    for name in ("advisories/x.md", "hotlines.yaml", "indicators/domains.txt", "checklists/a.yml"):
        assert accepts(Change.modified, str(folder / name)), name
    for name in (
        "advisories/.x.md.swp",
        "advisories/x.md~",
        "advisories/.#x.md",
        "notes.docx",
        "advisories/4913",
    ):
        assert not accepts(Change.modified, str(folder / name)), name
    changes = {
        (Change.added, str(folder / "advisories" / "b.md")),
        (Change.modified, str(folder / "hotlines.yaml")),
        (Change.deleted, str(folder / "advisories" / "b.md")),
    }
    assert changed_files(changes, folder) == ["advisories/b.md", "hotlines.yaml"]
