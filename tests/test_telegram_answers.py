"""Free text through the real core: cited answers, checks, triage, long and hostile input, feedback."""

from __future__ import annotations

import pytest
from fake_bot_api import FakeBotApi
from telegram import Bot
from telegram_harness import ALICE, BOB, OPERATOR, RunningBot, buttons, links

from bot.telegram import texts
from bot.telegram.common import typing
from bot.telegram.split import MESSAGE_LIMIT

pytest_plugins = ["telegram_fixtures"]
pytestmark = pytest.mark.asyncio(loop_scope="session")

QUESTION = "How do fake investment live broadcasts work?"
SCAM = (
    "Hello dear 😊 join our free VIP stock live room tonight, Teacher Wang guarantees 30% returns daily! "
    "Your account shows 58,000 profit. To withdraw pay 20% income tax to unfreeze the funds within 24h."
)
AFTER_RESULT = {"📝 Take the checklist", "🆘 I already paid", "👍", "👎"}


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def test_a_question_gets_a_cited_answer_with_the_follow_up_buttons(tg: RunningBot) -> None:
    expected = tg.core.ask(QUESTION)
    assert expected.confident and expected.citations
    replies = await tg.say(ALICE, QUESTION)
    shown = [url for reply in replies for url in links(reply)]
    assert [c.source_url for c in expected.citations] == [
        url for url in shown if url in {c.source_url for c in expected.citations}
    ]
    assert "📚 Sources" in replies[0]["text"] and "[1]" in replies[0]["text"]
    assert set(buttons(replies[-1])) == AFTER_RESULT


async def test_a_question_in_chinese_gets_the_honest_not_sure_with_the_hotlines(tg: RunningBot) -> None:
    """The bundled model reads English only: no answer quoted from the wrong advisory, no low verdict."""
    replies = await tg.say(ALICE, "我被拉進股票群，老師說可以賺錢，是詐騙嗎？")
    text = " ".join(reply["text"] for reply in replies)
    assert "not sure" in text and "English only" in text
    assert "Sources" not in text and "risk" not in text.lower()
    assert "Who to contact" in text
    assert set(buttons(replies[-1])) == AFTER_RESULT


async def test_typing_shows_only_once_a_reply_is_slow(api: FakeBotApi) -> None:
    chat_id = int(api.private_chat(ALICE)["id"])
    async with Bot(api.token, base_url=api.base_url) as client:
        message = await client.send_message(chat_id, "Let me look that up")
        async with typing(message, delay=3600):
            pass  # done long before the delay: no indicator
        assert not api.calls_of("sendChatAction")
        async with typing(message, delay=0):
            await api.wait_for(lambda: api.calls_of("sendChatAction", 0, chat_id), 20)
    [action] = api.calls_of("sendChatAction", 0, chat_id)
    assert action.params["action"] == "typing"


async def test_a_forwarded_scam_is_checked_and_rated_high_risk(tg: RunningBot) -> None:
    replies = await tg.say(ALICE, SCAM, forwarded_from=BOB)
    assert replies[0]["text"].startswith("🔴 High risk")
    assert "Warning signs" in replies[0]["text"]
    assert tg.core.check(SCAM).stale_citations  # the fixture's live-stream advisory is from 2019
    assert "over three years old" in " ".join(reply["text"] for reply in replies)
    assert set(buttons(replies[-1])) == AFTER_RESULT


async def test_a_forwarded_message_is_checked_even_when_it_reads_like_a_question(tg: RunningBot) -> None:
    replies = await tg.say(ALICE, QUESTION, forwarded_from=BOB)
    assert "risk" in replies[0]["text"].lower() or "warning signs" in replies[0]["text"].lower()
    assert "Sources" not in replies[0]["text"]  # a check, not an answer


async def test_i_already_paid_gets_triage_and_the_button_does_too(tg: RunningBot) -> None:
    replies = await tg.say(ALICE, "I already paid them 5000 dollars, what do I do now?")
    assert replies[0]["text"].startswith("🆘 If you already paid")
    checked = await tg.say(ALICE, SCAM)
    mark = tg.api.mark()
    await tg.tap(ALICE, checked[-1], buttons(checked[-1])["🆘 I already paid"])
    assert tg.api.sent(ALICE["id"], mark)[0]["text"].startswith("🆘 If you already paid")


async def test_after_paying_the_first_advice_to_read_is_about_what_happened(tg: RunningBot) -> None:
    story = (
        "I already paid them. A stock teacher in a WhatsApp group told me to invest on his trading app, "
        "I made profits, then they wanted a 20% tax to withdraw and I paid it."
    )
    replies = await tg.say(ALICE, story)
    assert replies[0]["text"].startswith("🆘 If you already paid")
    reading = next(r for r in replies if "Official advice" in r["text"])
    assert links(reading)[0] == "https://police.example.org/advisories/livestream"


async def test_a_4096_character_message_is_handled_and_every_reply_fits(tg: RunningBot) -> None:
    long_text = (SCAM + " ") * (MESSAGE_LIMIT // len(SCAM) + 1)
    long_text = long_text[:MESSAGE_LIMIT]
    assert len(long_text) == MESSAGE_LIMIT
    replies = await tg.say(ALICE, long_text)
    assert replies[0]["text"].startswith("🔴 High risk")
    assert all(_utf16(reply["text"]) <= MESSAGE_LIMIT for reply in replies)


async def test_html_and_markdown_in_user_text_are_shown_never_interpreted(tg: RunningBot) -> None:
    hostile = (
        "<b>URGENT</b> & <script>alert(1)</script> <a href='https://evil.example/x'>bank</a> "
        "[click here](https://evil.example/pay) *guaranteed* returns of 50% daily, "
        "send the withdrawal fee at https://evil.example/pay now"
    )
    replies = await tg.say(ALICE, hostile)
    assert replies, "the bot must answer hostile text"
    for reply in replies:
        assert not any("evil.example" in url for url in links(reply))
        for entity in reply.get("entities", []):
            shown = reply["text"][entity["offset"] : entity["offset"] + entity["length"]]
            if "evil.example" in shown:
                assert entity["type"] == "code"  # links from a message are shown as code, not links
        raw = reply["_html"]  # the HTML the bot sent: user markup only ever arrives escaped
        assert "<script>" not in raw and "<b>URGENT" not in raw and "<a href='https://evil" not in raw


async def test_feedback_is_recorded_per_advisory_and_shown_in_stats(tg: RunningBot) -> None:
    replies = await tg.say(ALICE, QUESTION)
    answer = await tg.tap(ALICE, replies[-1], buttons(replies[-1])["👍"])
    assert answer is not None and answer["text"] == "Thank you for your feedback!"
    await tg.tap(BOB, replies[-1], buttons(replies[-1])["👎"])
    [stats] = await tg.say(OPERATOR, "/stats")
    for citation in tg.core.ask(QUESTION).citations:
        assert f"{citation.advisory_id}: 1 / 1" in stats["text"]
    assert QUESTION not in stats["text"]


async def test_menu_items_typed_without_their_slash_do_what_the_commands_do(tg: RunningBot) -> None:
    [question] = await tg.say(ALICE, "checklist")
    assert "Question 1 of" in question["text"] and set(buttons(question)) == {"Yes", "No", "Not sure"}
    [hotlines] = await tg.say(ALICE, "hotline please")
    region = tg.core.hotlines()
    assert region is not None and f"Who to contact: {region.name}" in hotlines["text"]
    [help_reply] = await tg.say(ALICE, "help")
    assert help_reply["text"] == (await tg.say(ALICE, "/help"))[0]["text"]
    forwarded = await tg.say(ALICE, "checklist", forwarded_from=BOB)
    assert "Question 1 of" not in forwarded[0]["text"]  # a forwarded message is always checked


async def test_questions_about_the_bot_itself_get_its_own_texts(tg: RunningBot) -> None:
    [about] = await tg.say(ALICE, "is this bot a scam?")
    assert about["text"] == (await tg.say(ALICE, "/start"))[0]["text"]
    assert "How to recognise the real me" in about["text"]
    [privacy] = await tg.say(ALICE, "Do you store my messages?")
    assert privacy["text"].startswith("🔒 What this bot stores")
    [cancelled] = await tg.say(ALICE, "cancel")
    assert cancelled["text"] == texts.CANCELLED


async def test_is_this_a_scam_alone_asks_for_the_message_or_checks_the_one_it_replies_to(
    tg: RunningBot,
) -> None:
    [prompt] = await tg.say(ALICE, "Is this a scam?")
    assert prompt["text"] == texts.CHECK_PROMPT
    checked = await tg.say(ALICE, SCAM, reply_to=prompt)
    assert checked[0]["text"].startswith("🔴 High risk")
    await tg.say(ALICE, SCAM)
    own = next(m for m in reversed(tg.api.from_user(ALICE["id"], ALICE["id"])) if m.get("text") == SCAM)
    replied = await tg.say(ALICE, "is this a scam?", reply_to=own)
    assert replied[0]["text"].startswith("🔴 High risk")


async def test_out_of_scope_and_greetings_get_the_menu(tg: RunningBot) -> None:
    [thanks] = await tg.say(ALICE, "thank you so much")
    assert thanks["text"] == texts.CLOSING and "☎️ Hotlines" in buttons(thanks)
    [hello] = await tg.say(ALICE, "hello")
    assert hello["text"] == texts.GREETING
    assert set(buttons(hello)) == {
        "🔍 Check a message",
        "📝 Take the checklist",
        "❓ Ask a question",
        "☎️ Hotlines",
    }
