"""Build the Telegram application (one builder for ``fraudbot run``, tests and benchmarks) and run it
by long polling or behind a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib.util
import logging
import os
import re
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from telegram import BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.settings import Settings
from bot.store import Store
from bot.telegram import buttons, checklist_flow, guards, handlers, keyboards, operator, texts
from bot.telegram.common import ADDRESSED, SERVICES_KEY, Services, in_thread
from bot.telegram.flood import FloodGuard
from bot.telegram.keys import BotKeys
from bot.telegram.logs import configure_logging, quiet_libraries, redact
from bot.telegram.ordering import ChatOrderedUpdates
from bot.telegram.reloading import KnowledgeWatch, OperatorAlerts

if TYPE_CHECKING:
    from bot.core.service import FraudCore

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
CONCURRENT_UPDATES = 64  # updates handled at once (one chat's in order); core work runs in threads
# Bot API connections kept open. httpx checks every idle connection on each request, so a large pool
# costs the event loop more than it saves; 16 carries Telegram's 30 messages/s even at 250 ms per call.
BOT_API_CONNECTIONS = 16
BOT_API_POOL_WAIT_S = 30.0  # in a burst, a reply waits for a free connection rather than failing
MEDIA = (
    filters.PHOTO
    | filters.Sticker.ALL
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.Document.ALL
    | filters.ANIMATION
    | filters.CONTACT
    | filters.LOCATION
)
COMMANDS = {
    "start": handlers.start,
    "help": handlers.help_command,
    "check": handlers.check_command,
    "ask": handlers.ask_command,
    "checklist": checklist_flow.checklist_command,
    "hotline": handlers.hotline_command,
    "hotlines": handlers.hotline_command,
    "region": handlers.region_command,
    "privacy": handlers.privacy_command,
    "forget": handlers.forget_command,
    "cancel": handlers.cancel_command,
    "stats": operator.stats_command,
    "reload": operator.reload_command,
}


class MissingTokenError(RuntimeError):
    """No bot token is configured; the message says how to get one from @BotFather."""


def file_url_for(base_url: str) -> str:
    """The Bot API file URL that goes with a base URL (``…/bot`` → ``…/file/bot``)."""
    if re.search(r"/bot(\{token\})?$", base_url):
        return re.sub(r"/bot(\{token\})?$", r"/file/bot\1", base_url)
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}/file/bot"


def add_handlers(app: App) -> None:
    """Register every handler: flood control first, then commands, buttons and messages."""
    app.add_handler(TypeHandler(Update, guards.flood_guard), group=-1)
    for name, callback in COMMANDS.items():
        app.add_handler(CommandHandler(name, callback))
    app.add_handler(
        CallbackQueryHandler(checklist_flow.checklist_button, pattern=keyboards.CHECKLIST_PATTERN)
    )
    app.add_handler(CallbackQueryHandler(buttons.menu_button, pattern=keyboards.MENU_PATTERN))
    app.add_handler(CallbackQueryHandler(buttons.feedback_button, pattern=keyboards.FEEDBACK_PATTERN))
    app.add_handler(CallbackQueryHandler(buttons.region_button, pattern=keyboards.REGION_PATTERN))
    app.add_handler(CallbackQueryHandler(buttons.unknown_button))
    new_messages = filters.UpdateType.MESSAGE & ADDRESSED
    app.add_handler(MessageHandler(new_messages & filters.TEXT & ~filters.COMMAND, handlers.text_message))
    app.add_handler(MessageHandler(new_messages & filters.CAPTION, handlers.text_message))
    app.add_handler(MessageHandler(new_messages & MEDIA, handlers.media_message))
    app.add_handler(
        MessageHandler(new_messages & filters.COMMAND & filters.ChatType.PRIVATE, handlers.unknown_command)
    )
    app.add_error_handler(guards.on_error)


async def _post_init(app: App) -> None:
    """Load the core if none was given, register the command menu, tidy the store."""
    svc: Services = app.bot_data[SERVICES_KEY]
    if svc.core is None:
        from bot.core.service import FraudCore  # heavy (model, index): only when the bot really starts

        log.info("loading the knowledge, index and model")
        svc.core = await asyncio.to_thread(FraudCore.load, svc.settings)
    svc.watch = KnowledgeWatch.start(svc.core, OperatorAlerts(app.bot, svc.settings.telegram.operator_ids))
    await app.bot.set_my_commands(list(texts.COMMANDS))
    for operator_id in svc.settings.telegram.operator_ids:
        try:
            await app.bot.set_my_commands(
                list(texts.OPERATOR_COMMANDS), scope=BotCommandScopeChat(operator_id)
            )
        except TelegramError as exc:  # the operator has not opened a chat with the bot yet
            log.info("operator command menu not set for one operator: %s", exc.message)
    await in_thread(svc.store.prune_replies)


async def _post_shutdown(app: App) -> None:
    """Stop watching the knowledge folder."""
    svc: Services = app.bot_data[SERVICES_KEY]
    if svc.watch is not None:
        await svc.watch.stop()
        svc.watch = None


def leave_a_core_for_the_event_loop() -> int:
    """Let the model compute on every core but one, which stays free for the event loop (Bot API
    traffic, all in Python). Measured on 2 cores: one model thread serves ~20% more messages per
    second than two, with torch and with OpenVINO (which takes torch's count when the model loads).
    Call before the model loads: threads that already ran it keep their count. Returns the number of
    model threads."""
    import torch  # already loaded with the model; only the serving process needs this

    threads = max(1, (os.cpu_count() or 1) - 1)
    torch.set_num_threads(threads)
    return threads


def _skip_sniffio_lookups() -> None:
    """httpcore imports ``sniffio`` on every request; when it is not installed, each failed import
    searches the whole ``sys.path`` on the event loop. Marking it absent once gives the same answer
    (asyncio) at no cost; with sniffio installed this does nothing."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def build_application(
    settings: Settings, core: FraudCore | None = None, *, store: Store | None = None, rate_limit: bool = True
) -> App:
    """The bot's Application: handlers registered, services in ``bot_data``; the core (when not
    given) loads in ``post_init``. Raises ``MissingTokenError`` without a token."""
    token = settings.telegram.telegram_token
    secret = token.get_secret_value().strip() if token is not None else ""
    if not secret:
        raise MissingTokenError(texts.NO_TOKEN)
    quiet_libraries()  # whoever runs the bot: no token (httpx) and no user text (PTB debug) in logs
    _skip_sniffio_lookups()
    base_url = settings.telegram.telegram_base_url
    builder = (
        ApplicationBuilder()
        .token(secret)
        .base_url(base_url)
        .base_file_url(file_url_for(base_url))
        .concurrent_updates(ChatOrderedUpdates(CONCURRENT_UPDATES))
        .connection_pool_size(BOT_API_CONNECTIONS)
        .pool_timeout(BOT_API_POOL_WAIT_S)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    app: App = (builder.rate_limiter(AIORateLimiter()) if rate_limit else builder).build()
    app.bot_data[SERVICES_KEY] = Services(
        settings=settings,
        keys=BotKeys(secret),
        store=store or Store.in_dir(settings.paths.data_dir),
        flood=FloodGuard(settings.telegram.flood_limit),
        core=core,
    )
    add_handlers(app)
    return app


def webhook_options(settings: Settings, keys: BotKeys) -> dict[str, Any]:
    """Arguments for ``run_webhook`` / ``start_webhook``; without a configured secret, one derived from
    the token, so every process behind the same URL agrees on it."""
    tg = settings.telegram
    assert tg.webhook_url is not None
    secret = tg.webhook_secret.get_secret_value() if tg.webhook_secret else keys.webhook_secret()
    return {
        "listen": tg.webhook_listen,
        "port": tg.webhook_port,
        "url_path": urlsplit(tg.webhook_url).path.lstrip("/"),
        "webhook_url": tg.webhook_url,
        "secret_token": secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


@contextlib.asynccontextmanager
async def serve(app: App, *, poll_timeout: float = 10.0) -> AsyncIterator[App]:
    """Run ``app`` inside an already running event loop (tests, benchmarks): by webhook when
    FRAUDBOT_WEBHOOK_URL is set, else by long polling. Runs ``post_init`` and ``post_shutdown`` like
    ``run_polling`` does."""
    svc: Services = app.bot_data[SERVICES_KEY]
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        if svc.settings.telegram.webhook_url:
            await app.updater.start_webhook(**webhook_options(svc.settings, svc.keys))
        else:
            timeout = dt.timedelta(seconds=poll_timeout)
            await app.updater.start_polling(timeout=timeout, allowed_updates=ALLOWED_UPDATES)
        await app.start()
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def run_bot(settings: Settings) -> int:
    """``fraudbot run``: serve by long polling, or by webhook when FRAUDBOT_WEBHOOK_URL is set.
    Returns the process exit code."""
    token = settings.telegram.telegram_token
    token_text = token.get_secret_value() if token else None
    configure_logging(token_text)
    try:
        app = build_application(settings)
    except MissingTokenError as exc:
        print(exc, file=sys.stderr)
        return 2
    tg = settings.telegram
    log.info("the model computes on %d thread(s)", leave_a_core_for_the_event_loop())
    try:
        if tg.webhook_url:
            log.info("serving by webhook on %s:%d", tg.webhook_listen, tg.webhook_port)
            app.run_webhook(**webhook_options(settings, app.bot_data[SERVICES_KEY].keys))
        else:
            log.info("serving by long polling")
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    except Exception as exc:
        detail = redact(exc.message if isinstance(exc, TelegramError) else str(exc), token_text)
        print(f"fraudbot: the bot stopped: {type(exc).__name__}: {detail}", file=sys.stderr)
        return 1
    return 0
