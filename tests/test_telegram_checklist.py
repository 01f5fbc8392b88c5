"""The checklist on Telegram: edited questions, Back, the verdict, restarts, tampered and stale buttons."""

from __future__ import annotations

from typing import Any

import pytest
from telegram_harness import ALICE, OPERATOR, RunningBot, buttons

from bot.core import checklist as engine
from bot.core.checklist import main_checklist
from bot.telegram import texts
from bot.telegram.keys import BotKeys

pytest_plugins = ["telegram_fixtures"]
pytestmark = pytest.mark.asyncio(loop_scope="session")


def _total(tg: RunningBot) -> int:
    checklist = main_checklist(tg.core.checklists)
    assert checklist is not None
    return len(checklist.questions)


async def _start(tg: RunningBot) -> dict[str, Any]:
    [question] = await tg.say(ALICE, "/checklist")
    assert "Question 1 of" in question["text"]
    assert set(buttons(question)) == {"Yes", "No", "Not sure"}  # no Back on the first question
    return question


async def test_the_whole_checklist_edits_one_message_and_ends_in_a_verdict(tg: RunningBot) -> None:
    question = await _start(tg)
    total = _total(tg)
    mark = tg.api.mark()
    for i in range(2, total + 1):
        await tg.tap(ALICE, question, buttons(tg.fresh(question))["Yes"])
        shown = tg.fresh(question)
        assert f"Question {i} of {total}" in shown["text"]
        assert set(buttons(shown)) == {"Yes", "No", "Not sure", "⬅️ Back"}
    await tg.tap(ALICE, question, buttons(tg.fresh(question))["Yes"])
    verdict = tg.fresh(question)["text"]
    assert "your result" in verdict and "High risk" in verdict
    assert "Stage reached:" in verdict and "Next steps" in verdict
    assert set(buttons(tg.fresh(question))) == {"⬅️ Back", "🔁 Start again", "🆘 I already paid"}
    assert tg.api.sent(ALICE["id"], mark) == []  # every step was an edit
    [stats] = await tg.say(OPERATOR, "/stats")
    assert [line.split()[-2:] for line in stats["text"].splitlines() if "Checklists completed" in line] == [
        ["1", "1"]
    ]


async def test_back_returns_to_the_previous_question_and_start_again_resets(tg: RunningBot) -> None:
    question = await _start(tg)
    await tg.tap(ALICE, question, buttons(question)["No"])
    await tg.tap(ALICE, question, buttons(tg.fresh(question))["Not sure"])
    assert "Question 3 of" in tg.fresh(question)["text"]
    await tg.tap(ALICE, question, buttons(tg.fresh(question))["⬅️ Back"])
    assert "Question 2 of" in tg.fresh(question)["text"]
    await tg.tap(ALICE, question, buttons(tg.fresh(question))["⬅️ Back"])
    assert "Question 1 of" in tg.fresh(question)["text"]
    assert "⬅️ Back" not in buttons(tg.fresh(question))
    for _ in range(_total(tg)):
        await tg.tap(ALICE, question, buttons(tg.fresh(question))["No"])
    assert "your result" in tg.fresh(question)["text"]
    await tg.tap(ALICE, question, buttons(tg.fresh(question))["🔁 Start again"])
    assert "Question 1 of" in tg.fresh(question)["text"]


async def test_the_checklist_survives_a_restart_of_the_bot(tg: RunningBot) -> None:
    question = await _start(tg)
    await tg.tap(ALICE, question, buttons(question)["Yes"])
    await tg.tap(ALICE, question, buttons(tg.fresh(question))["Yes"])
    await tg.restart()  # a new Application: nothing in memory survives
    await tg.tap(ALICE, question, buttons(tg.fresh(question))["No"])
    assert "Question 4 of" in tg.fresh(question)["text"]
    await tg.tap(ALICE, question, buttons(tg.fresh(question))["⬅️ Back"])
    assert "Question 3 of" in tg.fresh(question)["text"]


def _tampered(data: str) -> str:
    """Change the last answer inside the signed state, keeping the signature."""
    return data[:-1] + ("n" if data[-1] == "y" else "y")


async def test_tampered_or_foreign_buttons_are_refused_politely(tg: RunningBot) -> None:
    question = await _start(tg)
    await tg.tap(ALICE, question, buttons(question)["Yes"])
    good = buttons(tg.fresh(question))["Yes"]
    answer = await tg.tap(ALICE, tg.fresh(question), _tampered(good))
    assert answer is not None and answer["text"] == texts.CHECKLIST_EXPIRED
    assert tg.fresh(question)["text"] == texts.CHECKLIST_EXPIRED
    state = good[len("ky") + 16 :]
    for forged in (BotKeys("999:another-bot-token").sign("ky", state), "ky" + "A" * 16 + state, "kyjunk"):
        question = await _start(tg)
        answer = await tg.tap(ALICE, question, forged)
        assert answer is not None and answer["text"] == texts.CHECKLIST_EXPIRED


async def test_a_button_from_an_older_version_of_the_checklist_has_expired(tg: RunningBot) -> None:
    question = await _start(tg)
    checklist = main_checklist(tg.core.checklists)
    assert checklist is not None
    old = engine.ChecklistState(checklist.id, "000000", "y")
    stale = BotKeys(tg.api.token).sign("ky", engine.encode_state(old))  # correctly signed, outdated
    answer = await tg.tap(ALICE, question, stale)
    assert answer is not None and answer["text"] == texts.CHECKLIST_EXPIRED


async def test_a_double_tap_is_harmless(tg: RunningBot) -> None:
    tg.expected_failures.append("message is not modified")
    question = await _start(tg)
    data = buttons(question)["Yes"]
    mark = tg.api.mark()
    tg.api.press(ALICE, question, data)
    await tg.tap(ALICE, question, data)
    assert "Question 2 of" in tg.fresh(question)["text"]
    assert tg.api.sent(ALICE["id"], mark) == []  # no apology, no duplicate message
