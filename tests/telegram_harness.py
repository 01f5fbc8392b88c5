"""Run the real bot (``build_application`` + ``serve``) against the fake Bot API server.

The fixtures (``api``: a fresh fake server per test, ``tg``: the bot polling it with a fresh store)
live in ``telegram_fixtures``; test modules load them with ``pytest_plugins``. ``tg.say`` sends a
message and returns every message the bot sent in reply once the update is fully handled (the
update queue is joined, so no sleeps and no guessing). After each test, any call the fake API
rejected fails the test unless the test declared it expected.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fake_bot_api import FakeBotApi

from bot.core.service import FraudCore
from bot.settings import PathSettings, Settings, TelegramSettings
from bot.telegram.app import App, build_application, serve

OPERATOR_ID = 4242
ALICE = FakeBotApi.user(1001, "Alice")
BOB = FakeBotApi.user(1002, "Bob")
OPERATOR = FakeBotApi.user(OPERATOR_ID, "Olga")
GROUP_ID = -100777


def bot_settings(api: FakeBotApi, core: FraudCore, data_dir: Path, **telegram: Any) -> Settings:
    """Settings for a bot polling ``api`` (webhook mode when ``webhook_url`` is given)."""
    options: dict[str, Any] = {
        "telegram_token": api.token,
        "telegram_base_url": api.base_url,
        "operator_ids": [OPERATOR_ID],
        **telegram,
    }
    paths = core.settings.paths
    return Settings(
        paths=PathSettings(knowledge_dir=paths.knowledge_dir, index_dir=paths.index_dir, data_dir=data_dir),
        region=core.settings.region,
        retrieval=core.settings.retrieval,
        telegram=TelegramSettings(**options),
    )


@dataclass
class RunningBot:
    """One bot process (an Application) serving the fake API; can be stopped and started again."""

    api: FakeBotApi
    core: FraudCore
    settings: Settings
    app: App | None = None
    expected_failures: list[str] = field(default_factory=list)
    peers: list[RunningBot] = field(default_factory=list)  # other processes serving the same token
    _stack: contextlib.AsyncExitStack | None = None

    async def start(self) -> RunningBot:
        """Build a fresh Application (the core is shared, like a process that loaded it) and serve."""
        self._stack = contextlib.AsyncExitStack()
        self.app = build_application(self.settings, self.core)
        await self._stack.enter_async_context(serve(self.app, poll_timeout=2))
        return self

    async def stop(self) -> None:
        """Stop serving, as when the process exits."""
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None

    async def restart(self) -> None:
        """Stop and start a new Application with the same settings and data folder."""
        await self.stop()
        await self.start()

    async def settle(self, update_id: int) -> None:
        """Wait until the bot has taken the update and finished every handler it started."""
        await self.api.fetched(update_id)
        for bot in (self, *self.peers):
            assert bot.app is not None
            await asyncio.wait_for(bot.app.update_queue.join(), 60)

    async def say(self, user: dict[str, Any], text: str | None = None, **fields: Any) -> list[dict[str, Any]]:
        """Send a message (see ``FakeBotApi.send``); return the messages the bot sent to that chat."""
        chat = fields.get("chat") or self.api.private_chat(user)
        mark = self.api.mark()
        await self.settle(self.api.send(user, text, **fields))
        return self.api.sent(chat["id"], mark)

    async def tap(self, user: dict[str, Any], message: dict[str, Any], data: str) -> dict[str, Any] | None:
        """Press a button; return the callback answer (toast) the bot gave."""
        query_id = self.api.press(user, message, data)
        await self.settle(max(self.api.injected_at))
        return self.api.callback_answers[query_id]

    def fresh(self, message: dict[str, Any]) -> dict[str, Any]:
        """The current state of a message (after edits)."""
        return self.api.message(message["chat"]["id"], message["message_id"])


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """A message's inline buttons: label → callback data."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["text"]: button.get("callback_data", "") for row in rows for button in row}


def links(message: dict[str, Any]) -> list[str]:
    """The URLs of a message's text links."""
    return [e["url"] for e in message.get("entities", []) if e["type"] == "text_link"]
