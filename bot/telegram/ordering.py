"""Handle many chats at once but each chat's updates in order, without letting one chat hog workers."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

BACKLOG = 10_000  # updates that may wait at once (PTB's own semaphore)


class ChatOrderedUpdates(BaseUpdateProcessor):
    """Up to ``workers`` updates run at once; updates of the same chat run one after another in the
    order they arrived. An update waits for its chat *before* taking a worker, so a chat with a
    long queue (a flooding user) holds at most one worker and never starves the other chats."""

    def __init__(self, workers: int) -> None:
        """Allow ``workers`` updates to be handled at the same time."""
        super().__init__(BACKLOG)
        self._workers = asyncio.Semaphore(workers)
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._waiting: Counter[int] = Counter()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's previous updates, then for a free worker, then handle the update."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._workers:
                await coroutine
            return
        lock = self._chat_locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] += 1
        try:
            async with lock, self._workers:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if self._waiting[chat.id] == 0:  # nobody else queued for this chat: forget it
                del self._waiting[chat.id]
                del self._chat_locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""
