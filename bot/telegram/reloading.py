"""Hot reload in the running bot: watch the knowledge folder in the background, share one reloader
with /reload, and tell operators when saved changes could not go live cleanly.

The core keeps answering from the old index while a reload builds, then swaps the new one in whole
(see :mod:`bot.core.watcher`). Operators hear about a reload only when it went wrong: the /reload
reply says so, and a reload started by the watcher sends them a message (once per distinct set of
problems, so saving a broken file again does not repeat it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.core.watcher import KnowledgeReloader, Reloadable, ReloadOutcome, watch_knowledge
from bot.telegram import render
from bot.telegram.split import split_html

log = logging.getLogger(__name__)
MAX_PROBLEMS_SHOWN = 20
STOP_TIMEOUT_S = 10.0


def outcome_blocks(outcome: ReloadOutcome) -> list[str]:
    """A reload's outcome as HTML blocks: the summary line, then the named problems (all escaped)."""
    summary = outcome.summary()
    icon = "🔄" if outcome.ok else "❌"
    blocks = [f"{icon} {render.esc(summary[:1].upper() + summary[1:])}."]
    if outcome.problems:
        shown = list(outcome.problems[:MAX_PROBLEMS_SHOWN])
        more = len(outcome.problems) - len(shown)
        blocks.append(
            "⚠️ <b>Problems</b> (these files were skipped or kept their last good version)\n"
            + render.bullets(shown)
            + (f"\n…and {more} more" if more > 0 else "")
        )
    return blocks


@dataclass
class OperatorAlerts:
    """Tells operators about watcher reloads that failed or found problems, once per distinct report."""

    bot: Bot
    operator_ids: list[int]
    _last: tuple[str | None, tuple[str, ...]] | None = field(default=None, init=False)

    async def __call__(self, outcome: ReloadOutcome) -> None:
        """The reloader's ``on_reload`` callback."""
        if "operator" in outcome.trigger.split("+"):
            return  # whoever sent /reload reads the outcome in its reply
        report = (outcome.error, outcome.problems)
        if outcome.ok and not outcome.problems:
            self._last = None
            return
        if report == self._last:
            return
        self._last = report
        parts = split_html(["👀 A change in the knowledge folder was picked up.", *outcome_blocks(outcome)])
        for operator_id in self.operator_ids:
            try:
                for part in parts:
                    await self.bot.send_message(operator_id, part, parse_mode=ParseMode.HTML)
            except TelegramError as exc:  # e.g. the operator never opened a chat with the bot
                log.warning("could not tell an operator about knowledge problems: %s", exc.message)


@dataclass
class KnowledgeWatch:
    """The running watcher task and the reloader it shares with /reload."""

    reloader: KnowledgeReloader
    task: asyncio.Task[None]
    stop_event: asyncio.Event
    ready: asyncio.Event  # set once the folder is watched: later changes are never missed

    @classmethod
    def start(
        cls, core: Reloadable, on_reload: Callable[[ReloadOutcome], Coroutine[Any, Any, None]]
    ) -> KnowledgeWatch:
        """Start watching ``core``'s knowledge folder in the background of the running event loop."""
        reloader = KnowledgeReloader(core, on_reload=on_reload)
        stop_event, ready = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(
            watch_knowledge(core, reloader=reloader, stop_event=stop_event, ready=ready),
            name="knowledge-watcher",
        )
        task.add_done_callback(_report_stop)
        return cls(reloader, task, stop_event, ready)

    async def stop(self) -> None:
        """Stop watching (a reload already running finishes first)."""
        self.stop_event.set()
        done, _ = await asyncio.wait({self.task}, timeout=STOP_TIMEOUT_S)
        if not done:
            self.task.cancel()


def _report_stop(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the knowledge watcher stopped (%s); use /reload after editing", task.exception())
