"""The fake Bot API server behaves like Telegram for a real python-telegram-bot client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from fake_bot_api import FakeBotApi
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, InvalidToken

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as client:
        yield client


@pytest.fixture
def chat_id(api: FakeBotApi) -> int:
    return int(api.private_chat(api.user(42))["id"])


async def test_get_me_identifies_the_fake_bot(bot: Bot, api: FakeBotApi) -> None:
    assert bot.username == "fraud_test_bot"
    assert bot.id == api.bot_user["id"]


async def test_a_wrong_token_is_unauthorized(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:wrong", base_url=api.base_url) as client:
            await client.get_me()


async def test_get_updates_long_polls_until_an_update_arrives(bot: Bot, api: FakeBotApi) -> None:
    assert await bot.get_updates(timeout=0) == ()
    user = api.user(7, "Bob")
    update_id = api.send(user, "/start")
    updates = await bot.get_updates(timeout=5)
    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.entities[0].type == "bot_command"
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert api.confirmed_offset == update_id + 1


async def test_html_is_parsed_into_text_and_entities(bot: Bot, api: FakeBotApi, chat_id: int) -> None:
    sent = await bot.send_message(
        chat_id, "<b>Risk</b> &amp; <a href='https://example.org/x'>advice</a>", parse_mode="HTML"
    )
    assert sent.text == "Risk & advice"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 4), ("text_link", 7, 6)]
    assert api.calls_of("sendMessage")[-1].ok


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("a < b", "Unclosed start tag"),
        ("fish & chips", "Can't find end of the entity"),
        ("<script>x</script>", 'Unsupported start tag "script"'),
        ("<b>bold", "Can't find end tag"),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("x</b>", "Unexpected end tag"),
        ('<a href="javascript:alert(1)">x</a>', "Wrong HTTP URL"),
    ],
)
async def test_bad_html_is_rejected_like_telegram(bot: Bot, chat_id: int, html: str, problem: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)parse entities") as caught:
        await bot.send_message(chat_id, html, parse_mode="HTML")
    assert problem.lower() in caught.value.message.lower()  # PTB capitalizes the description


async def test_the_length_limit_counts_text_after_entity_parsing(bot: Bot, chat_id: int) -> None:
    await bot.send_message(chat_id, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")  # 4096 visible
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(chat_id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(chat_id, "😀" * 2049)  # 4098 UTF-16 code units


async def test_callback_data_over_64_bytes_is_rejected(bot: Bot, chat_id: int) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    await bot.send_message(chat_id, "fits", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(chat_id, "does not fit", reply_markup=too_long)


async def test_edit_keeps_state_and_refuses_an_identical_edit(
    bot: Bot, api: FakeBotApi, chat_id: int
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    sent = await bot.send_message(chat_id, "Question 1 of 2", reply_markup=markup)
    await bot.edit_message_text(
        "Question 2 of 2", chat_id=chat_id, message_id=sent.message_id, reply_markup=markup
    )
    assert api.message(chat_id, sent.message_id)["text"] == "Question 2 of 2"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Question 2 of 2", chat_id=chat_id, message_id=sent.message_id, reply_markup=markup
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=chat_id, message_id=999)


async def test_a_callback_query_can_be_answered_once(bot: Bot, api: FakeBotApi, chat_id: int) -> None:
    sent = await bot.send_message(
        chat_id, "Tap", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("t", callback_data="t")]])
    )
    query_id = api.press(api.user(42), api.message(chat_id, sent.message_id), "t")
    assert await bot.answer_callback_query(query_id, text="Thanks")
    assert api.callback_answers[query_id] == {"text": "Thanks", "show_alert": None}
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)


async def test_commands_are_validated_and_stored(bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "Help")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad Command", "x")])


async def test_chat_actions_and_unknown_chats(bot: Bot, chat_id: int) -> None:
    assert await bot.send_chat_action(chat_id, "typing")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(123456789, "hello")
