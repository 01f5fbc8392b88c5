"""Hot reload in the running bot: a saved advisory goes live without a restart or /reload, a broken file
is skipped and named to operators while the rest keeps serving, and only operators can force a reload."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from fake_bot_api import FakeBotApi
from telegram_harness import ALICE, OPERATOR, RunningBot, bot_settings, links

from bot.core.service import FraudCore
from bot.core.watcher import ReloadOutcome
from bot.telegram import texts
from bot.telegram.common import SERVICES_KEY, Services
from bot.telegram.reloading import KnowledgeWatch

pytest_plugins = ["telegram_fixtures"]
pytestmark = pytest.mark.asyncio(loop_scope="session")

WAIT = 60.0  # a bound so a broken watcher fails the test instead of hanging it; not a timing assertion
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

## What to do
- Buy festival tickets only from the official ticket sellers.
"""
TICKET_QUESTION = "/ask someone on Facebook sells spare Glastonbury festival wristbands, bank transfer only"
TICKET_URL = "https://fraud.example.org/tickets"
COURIER_QUESTION = "/ask a detective phoned and asked me to hand my savings to a courier"
COURIER_URL = "https://fraud.example.org/courier-fraud"
BROKEN_NAME = "tickets<&>.md"  # HTML in a file name: every reply that names it must escape it


@pytest_asyncio.fixture(loop_scope="session")
async def bot(api: FakeBotApi, own_core: FraudCore, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot over a private copy of the index, its knowledge folder already watched."""
    running = await RunningBot(api, own_core, bot_settings(api, own_core, tmp_path / "data")).start()
    try:
        await api.wait_for(lambda: watch_of(running).ready.is_set(), WAIT)
        yield running
    finally:
        await running.stop()
    assert not api.failures(), [(c.method, c.error) for c in api.failures()]


def services_of(bot: RunningBot) -> Services:
    assert bot.app is not None
    found = bot.app.bot_data[SERVICES_KEY]
    assert isinstance(found, Services)
    return found


def watch_of(bot: RunningBot) -> KnowledgeWatch:
    watch = services_of(bot).watch
    assert watch is not None
    return watch


async def reload_of(bot: RunningBot, name: str) -> ReloadOutcome:
    """Wait until the watcher has reloaded for a change to ``advisories/<name>``."""

    def done() -> ReloadOutcome | None:
        last = watch_of(bot).reloader.last
        return last if last is not None and f"advisories/{name}" in last.changed else None

    outcome: ReloadOutcome = await bot.api.wait_for(done, WAIT)
    return outcome


async def test_a_saved_advisory_is_cited_without_restart_or_reload(bot: RunningBot) -> None:
    [before] = await bot.say(ALICE, TICKET_QUESTION)
    assert TICKET_URL not in links(before)
    (bot.core.settings.paths.knowledge_dir / "advisories" / "fx-ticket.md").write_text(TICKETS)
    outcome = await reload_of(bot, "fx-ticket.md")
    assert outcome.ok and outcome.trigger == "watcher" and not outcome.problems
    replies = await bot.say(ALICE, TICKET_QUESTION)
    assert TICKET_URL in links(replies[0])
    assert "Fake festival tickets sold on social media" in replies[0]["text"]
    assert not bot.api.sent(OPERATOR["id"])  # a clean reload does not bother operators
    watch = watch_of(bot)
    await bot.stop()
    assert watch.task.done() and services_of(bot).watch is None  # stopped with the bot


async def test_a_broken_file_is_skipped_named_to_operators_and_the_rest_keeps_serving(
    bot: RunningBot,
) -> None:
    mark = bot.api.mark()
    broken = TICKETS.replace("category: shopping", "category: tickets")
    (bot.core.settings.paths.knowledge_dir / "advisories" / BROKEN_NAME).write_text(broken)
    outcome = await reload_of(bot, BROKEN_NAME)
    assert outcome.ok and any(BROKEN_NAME in p for p in outcome.problems)
    problem = f"{BROKEN_NAME}:4: category: unknown category 'tickets'"

    alerts = await bot.api.wait_for(lambda: bot.api.sent(OPERATOR["id"], mark), WAIT)
    assert "knowledge folder" in alerts[0]["text"] and problem in alerts[-1]["text"]
    assert not bot.api.sent(ALICE["id"], mark)  # users never hear about it

    [answer] = await bot.say(ALICE, COURIER_QUESTION)
    assert COURIER_URL in links(answer)

    replies = await bot.say(OPERATOR, "/reload")
    text = "\n".join(r["text"] for r in replies)
    assert text.startswith("🔄 Reloaded (operator): 5 advisories")
    assert "Problems" in text and problem in text
    last = watch_of(bot).reloader.last
    assert last is not None and last.trigger == "operator"


async def test_operators_can_force_a_reload_and_strangers_cannot(bot: RunningBot) -> None:
    reloader = watch_of(bot).reloader
    [refused] = await bot.say(ALICE, "/reload")
    assert refused["text"] == texts.OPERATORS_ONLY and reloader.reloads == 0
    [reply] = await bot.say(OPERATOR, "/reload")
    assert reply["text"].startswith("🔄 Reloaded (operator): 5 advisories") and reloader.reloads == 1
    assert "Problems" not in reply["text"]
    [after] = await bot.say(ALICE, COURIER_QUESTION)  # the bot keeps serving after a reload
    assert COURIER_URL in links(after)
