"""Operator-only commands (/stats, /reload): allowed for FRAUDBOT_OPERATOR_IDS, refused to anyone else."""

from __future__ import annotations

from telegram import Update

from bot.telegram import render, texts
from bot.telegram.common import Context, in_thread, send_html, services, typing
from bot.telegram.reloading import outcome_blocks
from bot.telegram.stats import format_stats, read_stats


async def _refused(update: Update, context: Context) -> bool:
    """Reply with a plain refusal unless the sender is an operator (deny by default)."""
    if services(context).is_operator(update.effective_user):
        return False
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.OPERATORS_ONLY)
    return True


async def stats_command(update: Update, context: Context) -> None:
    """Show usage counts and feedback per advisory (operators only)."""
    if await _refused(update, context):
        return
    assert update.effective_message is not None
    stats = await in_thread(read_stats, services(context).store)
    await send_html(update.effective_message, [f"<pre>{render.esc(format_stats(stats))}</pre>"])


async def reload_command(update: Update, context: Context) -> None:
    """Reload the knowledge and the index in this process now (operators only); the reply names every
    file that was skipped and why. Shares the watcher's reloader, so reloads never overlap."""
    if await _refused(update, context):
        return
    message = update.effective_message
    assert message is not None
    async with typing(message):
        outcome = await services(context).ready_reloader().reload("operator")
    await send_html(message, outcome_blocks(outcome))
