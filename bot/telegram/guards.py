"""Cross-cutting handlers: per-user flood control before everything else, and the error handler."""

from __future__ import annotations

import contextlib
import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.telegram import texts
from bot.telegram.common import Context, CoreNotReady, in_thread, is_addressed, services
from bot.telegram.flood import FloodVerdict

log = logging.getLogger(__name__)
STARTING_UP = "⏳ I am still starting up. Please try again in a few seconds."


async def flood_guard(update: Update, context: Context) -> None:
    """Stop a user who sends more than the flood limit a minute: one notice, then silence."""
    user, message, query = update.effective_user, update.message, update.callback_query
    if user is None or (message is None and query is None):
        return
    if message is not None and not is_addressed(message):
        return  # group chatter not meant for the bot does not count
    verdict = services(context).flood.hit(user.id)
    if verdict is FloodVerdict.ALLOW:
        return
    if verdict is FloodVerdict.WARN:
        await in_thread(services(context).store.increment, "flood_warning")
        if message is not None:
            await message.reply_text(texts.SLOW_DOWN)
    if query is not None:
        with contextlib.suppress(TelegramError):
            await query.answer(texts.SLOW_DOWN if verdict is FloodVerdict.WARN else None)
    raise ApplicationHandlerStop


def _describe(error: BaseException | None) -> str:
    """The error's type (and Telegram's own message), never values that could hold user text."""
    if error is None:
        return "unknown error"
    if isinstance(error, TelegramError):
        return f"{type(error).__name__}: {error.message}"
    frames = "".join(traceback.format_tb(error.__traceback__))  # code lines only, no local values
    return f"{type(error).__name__}\n{frames}"


async def on_error(update: object, context: Context) -> None:
    """Log the failure without user text, apologise to the user, and keep the bot running."""
    error = context.error
    if isinstance(error, BadRequest) and "message is not modified" in error.message.lower():
        return  # a double tap on a button: nothing to do
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.info("update %s: the user blocked the bot or left the chat", update_id)
        return
    log.error("update %s failed: %s", update_id, _describe(error))
    if not isinstance(update, Update):
        return
    with contextlib.suppress(Exception):
        await in_thread(services(context).store.increment, "error")
    reply = STARTING_UP if isinstance(error, CoreNotReady) else texts.APOLOGY
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(reply, show_alert=True)
            return
        except TelegramError:
            pass  # already answered by the handler: say it in the chat instead
    if update.effective_message is not None:
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_text(reply)
