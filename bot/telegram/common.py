"""What every handler needs: the services in ``bot_data``, who a message is addressed to, the
"typing" indicator, and sending long HTML replies in parts."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import hashlib
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, MessageEntity, User
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes, filters

from bot.settings import Settings
from bot.store import Store
from bot.telegram.flood import FloodGuard
from bot.telegram.keys import BotKeys
from bot.telegram.split import split_html

if TYPE_CHECKING:
    from bot.core.service import FraudCore
    from bot.core.watcher import KnowledgeReloader
    from bot.telegram.reloading import KnowledgeWatch

Context = ContextTypes.DEFAULT_TYPE
T = TypeVar("T")
TYPING_REFRESH_S = 4.5  # Telegram shows "typing" for about 5 seconds
TYPING_DELAY_S = 1.0  # a reply faster than this needs no "typing" (and saves a Bot API call per message)
# As many threads as updates handled at once (app.CONCURRENT_UPDATES), so every message's core work can
# be in flight together and the batching encoder can serve them in shared model calls.
WORKER_THREADS = 64
_WORKERS = ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="fraudbot-worker")
SERVICES_KEY = "services"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class CoreNotReady(RuntimeError):
    """The core has not finished loading."""


@dataclass
class Services:
    """Everything the handlers share, kept in ``application.bot_data``."""

    settings: Settings
    keys: BotKeys
    store: Store
    flood: FloodGuard
    core: FraudCore | None = None
    watch: KnowledgeWatch | None = None  # the knowledge watcher, whose reloader /reload shares

    def ready_core(self) -> FraudCore:
        """The loaded core."""
        if self.core is None:
            raise CoreNotReady("the core is still loading")
        return self.core

    def ready_reloader(self) -> KnowledgeReloader:
        """The reloader of the loaded core."""
        if self.watch is None:
            raise CoreNotReady("the core is still loading")
        return self.watch.reloader

    def is_operator(self, user: User | None) -> bool:
        """Deny by default: only ids in FRAUDBOT_OPERATOR_IDS are operators."""
        return user is not None and user.id in self.settings.telegram.operator_ids


def services(context: Context) -> Services:
    """The shared services of the running application."""
    found = context.bot_data[SERVICES_KEY]
    assert isinstance(found, Services)
    return found


async def in_thread(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run blocking work (the core, SQLite) in a worker thread, never on the event loop."""
    call = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_WORKERS, call)


async def user_region(context: Context, user: User | None) -> str | None:
    """The user's remembered region, else None (the core then uses its default)."""
    if user is None:
        return None
    svc = services(context)
    return await in_thread(svc.store.region, svc.keys.user_key(user.id))


def reply_key(kind: str, message_hash: str) -> str:
    """A short key for one reply, used in feedback buttons and the store."""
    return hashlib.sha256(f"{kind}:{message_hash}".encode()).hexdigest()[:20]


def _is_command_for_us(message: Message, username: str) -> bool:
    entities = message.entities
    if not entities or entities[0].type != MessageEntity.BOT_COMMAND or entities[0].offset != 0:
        return False
    command = message.parse_entity(entities[0])
    return "@" not in command or command.split("@", 1)[1].lower() == username.lower()


def _mentions_us(message: Message, username: str, bot_id: int) -> bool:
    for entity, text in {**message.parse_entities(), **message.parse_caption_entities()}.items():
        if entity.type == MessageEntity.MENTION and text[1:].lower() == username.lower():
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    return False


def is_addressed(message: Message) -> bool:
    """Private chats: always. Groups: only commands for us, mentions of us, and replies to us."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    bot = message.get_bot()
    replied = message.reply_to_message
    return (
        _is_command_for_us(message, bot.username)
        or _mentions_us(message, bot.username, bot.id)
        or (replied is not None and replied.from_user is not None and replied.from_user.id == bot.id)
    )


class AddressedToBot(filters.MessageFilter):
    """Messages the bot should act on (see ``is_addressed``)."""

    def filter(self, message: Message) -> bool:
        """True for messages addressed to the bot."""
        return is_addressed(message)


ADDRESSED = AddressedToBot(name="AddressedToBot")


def message_text(message: Message) -> str:
    """The text or caption, without a leading mention of the bot."""
    text = message.text or message.caption or ""
    mention = f"@{message.get_bot().username}"
    if message.chat.type != ChatType.PRIVATE and mention.lower() in text.lower():
        start = text.lower().index(mention.lower())
        text = text[:start] + text[start + len(mention) :]
    return text.strip(" \n\t,:")


@contextlib.asynccontextmanager
async def typing(message: Message, *, delay: float = TYPING_DELAY_S) -> AsyncIterator[None]:
    """Show "typing…" in the chat until the block ends, once it has taken longer than ``delay``."""

    async def keep_typing() -> None:
        await asyncio.sleep(delay)
        while True:
            with contextlib.suppress(TelegramError):
                await message.reply_chat_action(ChatAction.TYPING)
            await asyncio.sleep(TYPING_REFRESH_S)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()


async def send_html(
    message: Message, blocks: Sequence[str], *, reply_markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Reply with HTML blocks split into ≤4096-character messages; the keyboard goes on the last."""
    parts = split_html(blocks)
    sent = message
    for i, part in enumerate(parts):
        sent = await message.reply_text(
            part,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=reply_markup if i == len(parts) - 1 else None,
            do_quote=message.chat.type != ChatType.PRIVATE and i == 0,
        )
    return sent


async def edit_html(message: Message, text: str, *, reply_markup: InlineKeyboardMarkup | None = None) -> bool:
    """Edit a bot message in place; False when Telegram says nothing changed (e.g. a double tap)."""
    try:
        await message.edit_text(
            text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=reply_markup
        )
    except BadRequest as exc:
        if "message is not modified" in exc.message.lower():
            return False
        raise
    return True
