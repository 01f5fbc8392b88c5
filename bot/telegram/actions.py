"""The three things the core does for a message (check it, answer it, triage a payment), each run in
a worker thread behind a "typing" indicator, rendered, sent, and counted without any user text."""

from __future__ import annotations

import asyncio

from telegram import Message, User

from bot.telegram import render, texts
from bot.telegram.common import Context, in_thread, reply_key, send_html, services, typing, user_region
from bot.telegram.keyboards import after_result, start_menu

MIN_TEXT_CHARS = 2


async def _send_result(
    message: Message,
    context: Context,
    kind: str,
    message_hash: str,
    advisory_ids: list[str],
    counters: tuple[str, ...],
    blocks: list[str],
) -> None:
    """Send a result with its buttons while its hash and cited advisories are stored (for votes)."""
    store = services(context).store
    key = reply_key(kind, message_hash)
    remember = in_thread(store.remember_reply, key, kind, message_hash, advisory_ids, count_as=counters)
    await asyncio.gather(remember, send_html(message, blocks, reply_markup=after_result(key)))


async def check_text(message: Message, user: User | None, context: Context, text: str) -> None:
    """Check a suspicious message and reply with the risk, warning signs and next steps."""
    if len(text.strip()) < MIN_TEXT_CHARS:
        await message.reply_text(texts.TOO_SHORT)
        return
    async with typing(message):
        region = await user_region(context, user)
        result = await in_thread(services(context).ready_core().check, text, region=region)
    advisories = [citation.advisory_id for citation in result.advisories]
    counters = ("check", f"check_{result.risk}")
    await _send_result(
        message, context, "check", result.message_hash, advisories, counters, render.check(result)
    )


async def answer_question(message: Message, user: User | None, context: Context, question: str) -> None:
    """Answer a question from the advisories, with citations, or say "I'm not sure"."""
    if len(question.strip()) < MIN_TEXT_CHARS:
        await message.reply_text(texts.TOO_SHORT)
        return
    async with typing(message):
        region = await user_region(context, user)
        result = await in_thread(services(context).ready_core().ask, question, region=region)
    advisories = [citation.advisory_id for citation in result.citations]
    counters = ("answer",) if result.confident else ("answer", "abstention")
    await _send_result(
        message, context, "answer", result.question_hash, advisories, counters, render.answer(result)
    )


async def triage(message: Message, user: User | None, context: Context, text: str = "") -> None:
    """Steps for someone who already paid, with what they wrote (if anything) to pick what to read."""
    svc = services(context)
    async with typing(message):
        region = await user_region(context, user)
        result = await in_thread(svc.ready_core().triage, text, region=region)
        await in_thread(svc.store.increment, "triage")
    await send_html(message, render.triage(result))


async def hotlines(message: Message, user: User | None, context: Context, region: str | None = None) -> None:
    """The contacts of a region (the user's by default)."""
    core = services(context).ready_core()
    region = region or await user_region(context, user)
    found = await in_thread(core.hotlines, region)
    if found is None:
        await send_html(
            message, [f"I have no contacts for {render.esc(region)} yet.", *render.hotlines(None)]
        )
        return
    await send_html(message, render.hotlines(found))


async def route_text(
    message: Message, user: User | None, context: Context, text: str, *, forwarded: bool
) -> None:
    """Let the core decide what free text is; a forwarded message is always checked."""
    core = services(context).ready_core()
    intent = "check" if forwarded else await in_thread(core.route, text, forwarded=forwarded)
    if intent == "check":
        await check_text(message, user, context, text)
    elif intent == "question":
        await answer_question(message, user, context, text)
    elif intent == "paid":
        await triage(message, user, context, text)
    elif intent == "greeting":
        reply = texts.CLOSING if core.is_closing(text) else texts.GREETING
        await message.reply_text(reply, reply_markup=start_menu())
    else:
        await message.reply_text(texts.OUT_OF_SCOPE, reply_markup=start_menu())
