"""Commands with arguments, the region picker, and buttons that no longer fit."""

from __future__ import annotations

import pytest
from telegram_harness import ALICE, RunningBot, buttons, links

from bot.telegram import texts

pytest_plugins = ["telegram_fixtures"]
pytestmark = pytest.mark.asyncio(loop_scope="session")

SCAM = (
    "Congratulations! Teacher Li's VIP stock group guarantees 40% profit a week. "
    "Pay the unfreezing fee today to withdraw your balance."
)


async def test_check_and_ask_take_their_text_after_the_command(tg: RunningBot) -> None:
    checked = await tg.say(ALICE, f"/check {SCAM}")
    assert checked[0]["text"].startswith("🔴 High risk")
    question = "how do fake investment live broadcasts work?"
    expected = tg.core.ask(question)
    answered = await tg.say(ALICE, f"/ask {question}")
    assert {c.source_url for c in expected.citations} <= {url for m in answered for url in links(m)}


async def test_ask_without_text_prompts_and_the_reply_is_answered(tg: RunningBot) -> None:
    [prompt] = await tg.say(ALICE, "/ask")
    assert prompt["text"] == texts.ASK_PROMPT
    answered = await tg.say(ALICE, "How does the courier scam work?", reply_to=prompt)
    assert "📚 Sources" in answered[0]["text"] or "not sure" in answered[0]["text"]


async def test_hotline_takes_a_region_code(tg: RunningBot) -> None:
    region = tg.core.regions()[0]
    [reply] = await tg.say(ALICE, f"/hotline {region.code.lower()}")
    assert f"Who to contact: {region.name}" in reply["text"]
    [unknown] = await tg.say(ALICE, "/hotline <b>ZZ</b>")
    assert unknown["text"].startswith("I have no contacts for <B>ZZ</B> yet.")


async def test_the_chosen_region_is_remembered_and_used(tg: RunningBot) -> None:
    region = next(r for r in tg.core.regions() if r.code != tg.core.default_region)
    [picker] = await tg.say(ALICE, "/region")
    assert f"✅ {tg.core.default_region} · " in "".join(buttons(picker))
    await tg.tap(ALICE, picker, f"rg:{region.code}")
    [again] = await tg.say(ALICE, "/region")
    assert f"✅ {region.code} · {region.name}" in buttons(again)
    [hotline] = await tg.say(ALICE, "/hotline")
    assert f"Who to contact: {region.name}" in hotline["text"]
    await tg.restart()
    [after_restart] = await tg.say(ALICE, "/hotline")
    assert f"Who to contact: {region.name}" in after_restart["text"]


async def test_an_unknown_region_button_is_refused(tg: RunningBot) -> None:
    [picker] = await tg.say(ALICE, "/region")
    answer = await tg.tap(ALICE, picker, "rg:ZZ")
    assert answer is not None and answer["text"] == "Sorry, that region is not available."


async def test_feedback_on_a_forgotten_reply_is_thanked_but_not_stored(tg: RunningBot) -> None:
    [menu] = await tg.say(ALICE, "/start")
    answer = await tg.tap(ALICE, menu, "fb:u:0123456789abcdef0123")
    assert answer is not None and answer["text"] == texts.FEEDBACK_EXPIRED


async def test_a_button_the_bot_does_not_know_is_answered(tg: RunningBot) -> None:
    [menu] = await tg.say(ALICE, "/start")
    for data in ("zz:from-an-old-version", "fb:x:123"):
        assert await tg.tap(ALICE, menu, data) == {"text": texts.OLD_BUTTON, "show_alert": None}
    mark = tg.api.mark()
    assert await tg.tap(ALICE, menu, "m:nothing") == {
        "text": None,
        "show_alert": None,
    }  # answered, nothing sent
    assert tg.api.sent(ALICE["id"], mark) == []
