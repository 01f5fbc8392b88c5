"""Command and message handlers: small, one per thing a user can do."""

from __future__ import annotations

from telegram import ForceReply, Message, Update, User
from telegram.constants import ParseMode

from bot.core.results import MenuChoice
from bot.telegram import actions, render, texts
from bot.telegram.checklist_flow import send_first_question
from bot.telegram.common import Context, in_thread, message_text, services, user_region
from bot.telegram.keyboards import regions, start_menu


def _message(update: Update) -> Message:
    message = update.effective_message
    assert message is not None  # handlers are registered for message updates only
    return message


def _command_argument(message: Message) -> str:
    """Whatever follows the command word, e.g. the text of ``/check <text>``."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def _replied_text(message: Message) -> str:
    """The text of the message a command replies to (in groups: reply /check to a message)."""
    replied = message.reply_to_message
    if replied is None or (replied.from_user is not None and replied.from_user.id == message.get_bot().id):
        return ""
    return (replied.text or replied.caption or "").strip()


async def prompt(message: Message, text: str) -> None:
    """Ask for text with a force-reply, so the answer comes back as a reply to this prompt."""
    await message.reply_text(
        text, reply_markup=ForceReply(selective=True, input_field_placeholder="Paste it here")
    )


async def start(update: Update, context: Context) -> None:
    """Say what the bot does and how to recognise the real one."""
    await _message(update).reply_text(texts.START, parse_mode=ParseMode.HTML, reply_markup=start_menu())


async def help_command(update: Update, context: Context) -> None:
    """List what the bot can do."""
    await _message(update).reply_text(texts.HELP, parse_mode=ParseMode.HTML)


async def check_command(update: Update, context: Context) -> None:
    """Check the text after /check, the message replied to, or ask for one."""
    message = _message(update)
    await _check_or_prompt(message, update.effective_user, context, _command_argument(message))


async def _check_or_prompt(message: Message, user: User | None, context: Context, text: str) -> None:
    """Check ``text``, else the message replied to, else ask for the message to check."""
    text = text or _replied_text(message)
    if not text:
        await prompt(message, texts.CHECK_PROMPT)
        return
    await actions.check_text(message, user, context, text)


async def ask_command(update: Update, context: Context) -> None:
    """Answer the question after /ask, or ask for one."""
    message = _message(update)
    question = _command_argument(message) or _replied_text(message)
    if not question:
        await prompt(message, texts.ASK_PROMPT)
        return
    await actions.answer_question(message, update.effective_user, context, question)


async def hotline_command(update: Update, context: Context) -> None:
    """Show the hotlines of the region named after /hotline, or of the user's region."""
    message = _message(update)
    region = _command_argument(message).upper() or None
    await actions.hotlines(message, update.effective_user, context, region)


async def region_command(update: Update, context: Context) -> None:
    """Offer the regions as buttons."""
    core = services(context).ready_core()
    current = await user_region(context, update.effective_user) or core.default_region
    choices = await in_thread(core.regions)
    await _message(update).reply_text(
        f"🌍 Your region is <b>{render.esc(current)}</b>. Choose yours for local hotlines:",
        parse_mode=ParseMode.HTML,
        reply_markup=regions(choices, current),
    )


async def privacy_command(update: Update, context: Context) -> None:
    """Say what is stored, and what is stored about this user right now."""
    svc = services(context)
    about = "nothing"
    if update.effective_user is not None:
        record = await in_thread(svc.store.describe_user, svc.keys.user_key(update.effective_user.id))
        parts = ([f"region {record.region}"] if record.region else []) + (
            [f"{record.votes} vote(s)"] if record.votes else []
        )
        about = ", ".join(parts) or "nothing"
    await _message(update).reply_text(
        f"{texts.PRIVACY}\n\n<b>Stored about you right now:</b> {render.esc(about)}. /forget deletes it.",
        parse_mode=ParseMode.HTML,
    )


async def forget_command(update: Update, context: Context) -> None:
    """Delete everything stored about this user."""
    svc = services(context)
    user = update.effective_user
    if user is None:
        return
    report = await in_thread(svc.store.forget_user, svc.keys.user_key(user.id))
    deleted = (["your region"] if report.region else []) + (
        [f"{report.votes} vote(s)"] if report.votes else []
    )
    summary = "Deleted " + " and ".join(deleted) + "." if deleted else "There was nothing stored about you."
    await _message(update).reply_text(
        f"🗑 {summary} Nothing else about you is kept; anonymous counts do not identify you."
    )


async def cancel_command(update: Update, context: Context) -> None:
    """Stop whatever was going on."""
    await _message(update).reply_text(texts.CANCELLED)


def _answers_prompt(message: Message) -> str | None:
    """Which of our prompts this message replies to, if any."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != message.get_bot().id:
        return None
    return next((p for p in texts.PROMPTS if (replied.text or "").strip() == p), None)


async def text_message(update: Update, context: Context) -> None:
    """Route free text (or a caption): check, answer or triage; a forwarded message is always checked."""
    message = _message(update)
    text = message_text(message)
    user = update.effective_user
    if not text:
        await message.reply_text(texts.GROUP_MENTION_ONLY)
        return
    answered = _answers_prompt(message)
    if answered == texts.CHECK_PROMPT:
        await actions.check_text(message, user, context, text)
    elif answered == texts.ASK_PROMPT:
        await actions.answer_question(message, user, context, text)
    elif message.caption is not None:
        await actions.check_text(message, user, context, text)  # a caption is always checked
    elif message.forward_origin is None and (choice := services(context).ready_core().menu_choice(text)):
        await _menu_item(update, context, choice)
    else:
        await actions.route_text(message, user, context, text, forwarded=message.forward_origin is not None)


async def _menu_item(update: Update, context: Context, choice: MenuChoice) -> None:
    """Do what the command does for a menu item asked for without its slash ("is this a scam?", "help")."""
    message, user = _message(update), update.effective_user
    if choice == "check":
        await _check_or_prompt(message, user, context, "")
    elif choice == "checklist":
        await send_first_question(message, context)
    elif choice == "hotline":
        await actions.hotlines(message, user, context)
    else:
        commands = {"start": start, "privacy": privacy_command, "cancel": cancel_command}
        await commands.get(choice, help_command)(update, context)


async def media_message(update: Update, context: Context) -> None:
    """Explain what the bot can read when it gets a photo, sticker, voice note or file."""
    message = _message(update)
    if message.photo:
        reply = texts.PHOTO
    elif message.sticker:
        reply = texts.STICKER
    elif message.voice or message.video_note or message.audio or message.video:
        reply = texts.VOICE
    elif message.document:
        reply = texts.DOCUMENT
    else:
        reply = texts.OTHER_MEDIA
    await message.reply_text(reply)


async def unknown_command(update: Update, context: Context) -> None:
    """Point to /help for a command the bot does not know."""
    await _message(update).reply_text("I don't know that command. Send /help to see what I can do.")
