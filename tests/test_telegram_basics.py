"""The bot against the fake Bot API: /start and the menu, help, privacy, media, groups, /forget."""

from __future__ import annotations

import pytest
from telegram_harness import ALICE, BOB, GROUP_ID, OPERATOR, RunningBot, buttons

from bot.telegram import texts

pytest_plugins = ["telegram_fixtures"]
pytestmark = pytest.mark.asyncio(loop_scope="session")

PHOTO = [{"file_id": "p1", "file_unique_id": "pu1", "width": 640, "height": 480}]
STICKER = {"file_id": "s1", "file_unique_id": "su1", "type": "regular", "width": 512, "height": 512,
           "is_animated": False, "is_video": False}  # fmt: skip
VOICE = {"file_id": "v1", "file_unique_id": "vu1", "duration": 4}
DOCUMENT = {"file_id": "d1", "file_unique_id": "du1", "file_name": "statement.pdf"}
SCAM = (
    "Hello dear, join our free VIP stock live room tonight! Teacher Wang guarantees 30% returns every day. "
    "Your account shows 58,000 profit: to withdraw, pay 20% tax to unfreeze the funds within 24h."
)


async def test_start_says_what_the_bot_does_and_how_to_recognise_it(tg: RunningBot) -> None:
    [reply] = await tg.say(ALICE, "/start")
    assert "I help you spot scams" in reply["text"]
    assert "never ask for money, codes, passwords" in reply["text"]
    assert set(buttons(reply)) == {
        "🔍 Check a message",
        "📝 Take the checklist",
        "❓ Ask a question",
        "☎️ Hotlines",
    }


async def test_the_command_menu_is_registered(tg: RunningBot) -> None:
    menu = [c["command"] for c in tg.api.commands["default"]]
    assert menu == [
        "start",
        "check",
        "ask",
        "checklist",
        "hotline",
        "region",
        "privacy",
        "forget",
        "help",
        "cancel",
    ]
    assert "stats" not in menu and "reload" not in menu
    operator_menu = [c["command"] for c in tg.api.commands[f"chat:{OPERATOR['id']}"]]
    assert operator_menu == [*menu, "stats", "reload"]


async def test_the_check_button_asks_for_the_message_and_checks_the_reply(tg: RunningBot) -> None:
    [menu] = await tg.say(ALICE, "/start")
    mark = tg.api.mark()
    await tg.tap(ALICE, menu, buttons(menu)["🔍 Check a message"])
    [prompt] = tg.api.sent(ALICE["id"], mark)
    assert prompt["text"] == texts.CHECK_PROMPT
    assert tg.api.calls_of("sendMessage", mark)[0].params["reply_markup"]["force_reply"] is True
    replies = await tg.say(ALICE, "How are you today?", reply_to=prompt)
    assert "risk" in replies[0]["text"].lower() or "warning signs" in replies[0]["text"].lower()


async def test_the_hotlines_button_shows_the_default_regions_contacts(tg: RunningBot) -> None:
    [menu] = await tg.say(ALICE, "/start")
    mark = tg.api.mark()
    await tg.tap(ALICE, menu, buttons(menu)["☎️ Hotlines"])
    [reply] = tg.api.sent(ALICE["id"], mark)
    region = tg.core.hotlines()
    assert region is not None
    assert f"Who to contact: {region.name}" in reply["text"]
    assert all(c.number in reply["text"] for c in region.contacts if c.number)


async def test_help_privacy_and_unknown_commands(tg: RunningBot) -> None:
    [help_reply] = await tg.say(ALICE, "/help")
    assert "/checklist" in help_reply["text"] and "/forget" in help_reply["text"]
    [privacy] = await tg.say(ALICE, "/privacy")
    assert "Never what you type or forward" in privacy["text"]
    assert privacy["text"].endswith("Stored about you right now: nothing. /forget deletes it.")
    [unknown] = await tg.say(ALICE, "/frobnicate")
    assert "/help" in unknown["text"]
    [cancelled] = await tg.say(ALICE, "/cancel")
    assert cancelled["text"] == texts.CANCELLED


@pytest.mark.parametrize(
    ("media", "expected"),
    [
        ({"photo": PHOTO}, texts.PHOTO),
        ({"sticker": STICKER}, texts.STICKER),
        ({"voice": VOICE}, texts.VOICE),
        ({"document": DOCUMENT}, texts.DOCUMENT),
    ],
)
async def test_media_gets_a_friendly_reply_about_what_the_bot_reads(
    tg: RunningBot, media: dict, expected: str
) -> None:
    [reply] = await tg.say(ALICE, **media)
    assert reply["text"] == expected


async def test_a_caption_is_checked(tg: RunningBot) -> None:
    replies = await tg.say(ALICE, photo=PHOTO, caption=SCAM)
    assert replies[0]["text"].startswith("🔴 High risk")


async def test_in_groups_only_commands_mentions_and_replies_get_answers(tg: RunningBot) -> None:
    group = tg.api.group_chat(GROUP_ID)
    assert await tg.say(ALICE, "Is anyone coming to dinner on Sunday?", chat=group) == []
    assert await tg.say(BOB, SCAM, chat=group) == []
    assert await tg.say(ALICE, "/help@some_other_bot", chat=group) == []
    assert await tg.say(BOB, photo=PHOTO, chat=group) == []
    [help_reply] = await tg.say(ALICE, "/help@fraud_test_bot", chat=group)
    assert "/checklist" in help_reply["text"]
    answer = await tg.say(ALICE, "@fraud_test_bot how do fake investment live broadcasts work?", chat=group)
    assert answer and answer[0]["reply_to_message"]["from"]["id"] == ALICE["id"]
    bob_said = next(m for m in tg.api.from_user(BOB["id"], GROUP_ID) if m.get("text") == SCAM)
    checked = await tg.say(ALICE, "/check", chat=group, reply_to=bob_said)
    assert checked[0]["text"].startswith("🔴 High risk")


async def test_forget_deletes_the_region_and_votes(tg: RunningBot) -> None:
    [picker] = await tg.say(ALICE, "/region")
    region = tg.core.regions()[-1]
    answer = await tg.tap(ALICE, picker, buttons(picker)[f"{region.code} · {region.name}"])
    assert answer == {"text": f"Region set: {region.name}", "show_alert": None}
    assert f"Region set to {region.name}" in tg.fresh(picker)["text"]
    replies = await tg.say(ALICE, "how do fake investment live broadcasts work?")
    await tg.tap(ALICE, replies[-1], buttons(replies[-1])["👍"])
    [privacy] = await tg.say(ALICE, "/privacy")
    assert f"Stored about you right now: region {region.code}, 1 vote(s)." in privacy["text"]
    [forgot] = await tg.say(ALICE, "/forget")
    assert forgot["text"].startswith("🗑 Deleted your region and 1 vote(s).")
    [privacy] = await tg.say(ALICE, "/privacy")
    assert "Stored about you right now: nothing." in privacy["text"]
    [again] = await tg.say(ALICE, "/forget")
    assert "There was nothing stored about you." in again["text"]
