"""Operators, flood control, errors, and what reaches logs and disk."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fake_bot_api import FakeBotApi
from telegram_harness import ALICE, BOB, OPERATOR, RunningBot, bot_settings

from bot.core.service import FraudCore
from bot.telegram import texts

pytest_plugins = ["telegram_fixtures"]
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_operator_commands_are_refused_to_strangers(tg: RunningBot) -> None:
    for command in ("/stats", "/reload"):
        [reply] = await tg.say(ALICE, command)
        assert reply["text"] == texts.OPERATORS_ONLY


async def test_operators_see_stats_without_any_user_text(tg: RunningBot) -> None:
    secret = "Grandma Zebedee's bank PIN is 4921, is this message a scam?"
    await tg.say(ALICE, secret)
    await tg.say(ALICE, "/checklist")
    [stats] = await tg.say(OPERATOR, "/stats")
    text = stats["text"]
    assert "Checklists started" in text and "Messages checked" in text and "Questions answered" in text
    assert "Zebedee" not in text and "4921" not in text


async def test_operator_commands_are_denied_by_default(
    api: FakeBotApi, core: FraudCore, tmp_path: Path
) -> None:
    settings = bot_settings(api, core, tmp_path / "data", operator_ids=[])
    bot = await RunningBot(api, core, settings).start()
    try:
        [reply] = await bot.say(OPERATOR, "/stats")
        assert reply["text"] == texts.OPERATORS_ONLY
    finally:
        await bot.stop()


async def test_a_flooding_user_gets_one_notice_and_others_are_still_served(tg: RunningBot) -> None:
    limit = tg.settings.telegram.flood_limit
    assert limit == 20
    mark = tg.api.mark()
    for _ in range(limit + 5):
        tg.api.send(ALICE, "/help")
    await tg.settle(max(tg.api.injected_at))
    replies = [m["text"] for m in tg.api.sent(ALICE["id"], mark)]
    assert replies.count(texts.SLOW_DOWN) == 1
    assert len(replies) == limit + 1
    [bob_reply] = await tg.say(BOB, "/help")
    assert "/checklist" in bob_reply["text"]


async def test_one_chat_is_answered_in_order_while_others_run_alongside(tg: RunningBot) -> None:
    mark = tg.api.mark()
    tg.api.send(ALICE, "How do fake investment live broadcasts work?")  # slow: runs the core
    tg.api.send(ALICE, "/help")  # fast, but must wait for Alice's question
    await tg.settle(tg.api.send(BOB, "/help"))
    alice = [m["text"] for m in tg.api.sent(ALICE["id"], mark)]
    help_end = "I never ask for money, codes or passwords."
    assert len(alice) >= 2 and not alice[0].endswith(help_end) and alice[-1].endswith(help_end)
    bob_reply = tg.api.calls_of("sendMessage", mark, BOB["id"])[0]
    assert (
        bob_reply.index < tg.api.calls_of("sendMessage", mark, ALICE["id"])[0].index
    )  # not held up by Alice


async def test_a_failed_reply_is_logged_without_user_text_and_the_bot_keeps_going(
    tg: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    tg.expected_failures.append("injected failure")
    caplog.set_level(logging.DEBUG)
    tg.api.fail_next("sendMessage", "Bad Request: injected failure")
    private = "My neighbour Quentin Blackwood sent me this, is it real?"
    replies = await tg.say(ALICE, private)
    assert replies[-1]["text"] == texts.APOLOGY
    assert "failed: BadRequest" in caplog.text
    [after] = await tg.say(ALICE, "/start")
    assert "I help you spot scams" in after["text"]
    assert "Quentin" not in caplog.text and "Blackwood" not in caplog.text


async def test_neither_user_text_nor_the_token_reach_logs_or_disk(
    tg: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    words = "Aunt Philomena Krzyzanowski got a call about her parcel and a customs fee"
    await tg.say(ALICE, words)
    await tg.say(ALICE, f"How does the parcel scam work, asks {words}?")
    await tg.say(ALICE, "/checklist")
    secret_half = tg.api.token.split(":", 1)[1]
    assert "Krzyzanowski" not in caplog.text and "Philomena" not in caplog.text
    assert secret_half not in caplog.text
    data_dir = tg.settings.paths.data_dir
    stored = b"".join(path.read_bytes() for path in data_dir.iterdir() if path.is_file())
    assert stored, "the store should exist"
    assert b"Krzyzanowski" not in stored and b"Philomena" not in stored and secret_half.encode() not in stored
