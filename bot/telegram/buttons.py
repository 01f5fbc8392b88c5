"""Handlers for inline buttons: the start menu, 👍/👎 feedback and the region picker."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update

from bot.telegram import actions, checklist_flow, render, texts
from bot.telegram.common import Context, edit_html, in_thread, services
from bot.telegram.handlers import prompt
from bot.telegram.keyboards import MENU_ASK, MENU_CHECK, MENU_CHECKLIST, MENU_HOTLINES, MENU_PAID


def _query(update: Update) -> tuple[CallbackQuery, Message | None]:
    query = update.callback_query
    assert query is not None  # registered for callback queries only
    message = query.message if isinstance(query.message, Message) else None
    return query, message


async def menu_button(update: Update, context: Context) -> None:
    """Do what a menu button says: prompt for a message or question, start the checklist, etc."""
    query, message = _query(update)
    await query.answer()
    if message is None:
        return
    user = update.effective_user
    if query.data == MENU_CHECK:
        await prompt(message, texts.CHECK_PROMPT)
    elif query.data == MENU_ASK:
        await prompt(message, texts.ASK_PROMPT)
    elif query.data == MENU_CHECKLIST:
        await checklist_flow.send_first_question(message, context)
    elif query.data == MENU_HOTLINES:
        await actions.hotlines(message, user, context)
    elif query.data == MENU_PAID:
        await actions.triage(message, user, context)


async def feedback_button(update: Update, context: Context) -> None:
    """Record a 👍 or 👎 against the reply's hash and cited advisories."""
    query, _ = _query(update)
    svc = services(context)
    _, direction, key = (query.data or "").split(":", 2)
    if update.effective_user is None:
        await query.answer()
        return
    stored = await in_thread(
        svc.store.record_feedback,
        svc.keys.user_key(update.effective_user.id),
        key,
        1 if direction == "u" else -1,
    )
    await query.answer(texts.FEEDBACK_THANKS if stored else texts.FEEDBACK_EXPIRED)


async def region_button(update: Update, context: Context) -> None:
    """Remember the chosen region and show its hotlines."""
    query, message = _query(update)
    svc = services(context)
    code = (query.data or "")[len("rg:") :]
    core = svc.ready_core()
    found = await in_thread(core.hotlines, code)
    if found is None or update.effective_user is None:
        await query.answer("Sorry, that region is not available.")
        return
    await in_thread(svc.store.set_region, svc.keys.user_key(update.effective_user.id), found.code)
    await query.answer(f"Region set: {found.name}")
    if message is not None:
        text = f"✅ Region set to <b>{render.esc(found.name)}</b>.\n\n" + "\n\n".join(render.hotlines(found))
        await edit_html(message, text)


async def unknown_button(update: Update, context: Context) -> None:
    """Answer a button this version does not know (e.g. from an old message), so it stops spinning."""
    query, _ = _query(update)
    await query.answer(texts.OLD_BUTTON)
