"""The checklist on Telegram: one question per edited message, its state signed into the buttons.

Nothing is kept in memory between taps: every button carries the encoded state, signed with a key
derived from the token, so any process serving the token (or this one after a restart) can continue,
and altered or outdated buttons are turned away politely.
"""

from __future__ import annotations

from collections.abc import Mapping

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.core import checklist as engine
from bot.core.checklist import Checklist, ChecklistState, main_checklist
from bot.telegram import keyboards, render, texts
from bot.telegram.common import NO_PREVIEW, Context, edit_html, in_thread, services, user_region
from bot.telegram.keys import BadSignature, BotKeys
from bot.telegram.split import split_html


def _question_view(
    keys: BotKeys, checklist: Checklist, state: ChecklistState
) -> tuple[str, InlineKeyboardMarkup]:
    question = engine.current_question(checklist, state)
    assert question is not None  # only called for unfinished checklists
    index, total = engine.progress(checklist, state)
    markup = keyboards.checklist_question(keys, engine.encode_state(state), can_go_back=index > 1)
    return render.checklist_question(checklist, question, index, total), markup


async def send_first_question(message: Message, context: Context) -> None:
    """Start the checklist in a new message."""
    svc = services(context)
    checklist = main_checklist(svc.ready_core().checklists)
    if checklist is None:
        await message.reply_text(texts.NO_CHECKLIST)
        return
    text, markup = _question_view(svc.keys, checklist, engine.start(checklist))
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    await in_thread(svc.store.increment, "checklist_start")


async def checklist_command(update: Update, context: Context) -> None:
    """Start the investment live-stream checklist."""
    assert update.effective_message is not None
    await send_first_question(update.effective_message, context)


def _decode(keys: BotKeys, checklists: Mapping[str, Checklist], data: str) -> ChecklistState | None:
    """The state in a button, or None when it was tampered with or the checklist has changed."""
    try:
        return engine.decode_state(keys.verify(data[:2], data), checklists)
    except (BadSignature, engine.InvalidState):
        return None


async def _expired(query: CallbackQuery, message: Message | None) -> None:
    await query.answer(texts.CHECKLIST_EXPIRED)
    if message is not None:
        await edit_html(message, texts.CHECKLIST_EXPIRED)


async def checklist_button(update: Update, context: Context) -> None:
    """Apply Yes / No / Not sure / Back / Start again and show the next question or the result."""
    query = update.callback_query
    assert query is not None
    message = query.message if isinstance(query.message, Message) else None
    svc = services(context)
    checklists = svc.ready_core().checklists
    data = query.data or ""
    state = _decode(svc.keys, checklists, data)
    if state is None or message is None:
        await _expired(query, message)
        return
    checklist = checklists[state.checklist_id]
    was_complete = engine.is_complete(checklist, state)
    action = data[1]
    if action in keyboards.CHECKLIST_ACTIONS:
        state = engine.answer(checklist, state, keyboards.CHECKLIST_ACTIONS[action])
    elif action == keyboards.CHECKLIST_BACK:
        state = engine.back(checklist, state)
    else:
        state = engine.restart(checklist)
    await query.answer()
    if not engine.is_complete(checklist, state):
        text, markup = _question_view(svc.keys, checklist, state)
        await edit_html(message, text, reply_markup=markup)
        return
    await _show_outcome(update, context, message, checklist, state, newly_complete=not was_complete)


async def _show_outcome(
    update: Update,
    context: Context,
    message: Message,
    checklist: Checklist,
    state: ChecklistState,
    *,
    newly_complete: bool,
) -> None:
    """Edit the question into the verdict; parts beyond one message follow as new messages."""
    svc = services(context)
    region = await user_region(context, update.effective_user)
    outcome = await in_thread(svc.ready_core().checklist_outcome, checklist.id, state, region=region)
    first, *rest = split_html(render.checklist_outcome(outcome))
    markup = keyboards.checklist_done(svc.keys, engine.encode_state(state))
    changed = await edit_html(message, first, reply_markup=markup)
    for part in rest:
        await message.reply_text(part, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
    if changed and newly_complete:
        await in_thread(svc.store.increment, "checklist_complete", f"checklist_{outcome.level}")
