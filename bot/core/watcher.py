"""Hot reload: notice changes in the knowledge folder and rebuild in the background.

:class:`KnowledgeReloader` runs ``core.reload()`` in a worker thread, one reload at a time. Requests that
arrive while a reload runs are coalesced into a single follow-up reload, so a burst of saves (or
``/reload`` pressed five times) costs at most one extra build. :func:`watch_knowledge` feeds it from
``watchfiles``. The core keeps answering from the old index until the new one is complete (``reload``
builds under the index file lock, then swaps the searcher whole), so nothing ever serves a half-built
index. Logs name files and counts only, never anything a user typed.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from watchfiles import Change, DefaultFilter, awatch

from bot.knowledge.problems import KnowledgeFileError
from bot.settings import Settings

logger = logging.getLogger(__name__)

# A burst of writes (an editor's save, `git pull`) is grouped into one reload: changes are collected
# until STEP_MS pass with no new one, for at most DEBOUNCE_MS.
DEBOUNCE_MS = 400
STEP_MS = 50
READY_POLL_MS = 1000  # how often the watch thread wakes when nothing changes
KNOWLEDGE_SUFFIXES = frozenset({".md", ".yaml", ".yml", ".txt"})


class ReloadSummary(Protocol):
    """What ``FraudCore.reload`` returns (``bot.core.service.ReloadReport``)."""

    @property
    def advisories(self) -> int:
        """Advisories in the new index."""

    @property
    def chunks(self) -> int:
        """Chunks in the new index."""

    @property
    def embedded(self) -> int:
        """Chunks that had to be embedded (the rest were reused)."""

    @property
    def problems(self) -> list[str]:
        """Printable problems: file, field or line, and what is wrong."""


class Reloadable(Protocol):
    """The part of ``FraudCore`` the watcher needs."""

    @property
    def settings(self) -> Settings:
        """Where the knowledge folder is."""

    def reload(self) -> ReloadSummary:
        """Rebuild incrementally and swap in the result; blocking, so it runs in a worker thread."""


@dataclass(frozen=True)
class ReloadOutcome:
    """One finished reload: what started it, what it did, and what is wrong in the knowledge folder."""

    trigger: str  # "watcher", "operator", or both joined with "+" when requests were coalesced
    changed: tuple[str, ...]  # files that changed, relative to the knowledge folder (from the watcher)
    seconds: float
    report: ReloadSummary | None  # None when the reload failed: the previous index keeps serving
    error: str | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the new index and data went live (possibly with some files skipped)."""
        return self.report is not None

    def summary(self) -> str:
        """One line for logs and operators: counts, time and the number of problems, no user text."""
        cause = f"{self.trigger}, {len(self.changed)} file(s) changed" if self.changed else self.trigger
        problems = f"; {len(self.problems)} problem(s)" if self.problems else ""
        if self.report is None:
            return (
                f"reload failed ({cause}) after {self.seconds:.1f}s: {self.error}; "
                "still serving the previous index"
            )
        return (
            f"reloaded ({cause}): {self.report.advisories} advisories, {self.report.chunks} chunks, "
            f"{self.report.embedded} embedded, in {self.seconds:.1f}s{problems}"
        )


OnReload = Callable[[ReloadOutcome], Awaitable[None] | None]


class KnowledgeReloader:
    """Serialised, coalescing reloads of a core; share one between the watcher and ``/reload``."""

    def __init__(self, core: Reloadable, *, on_reload: OnReload | None = None) -> None:
        """``on_reload`` is called (sync or async) after every reload, e.g. to tell operators of problems."""
        self._core = core
        self._on_reload = on_reload
        self._lock = asyncio.Lock()
        self._queued: asyncio.Future[ReloadOutcome] | None = None
        self._queued_changes: set[str] = set()
        self._queued_triggers: list[str] = []
        self.last: ReloadOutcome | None = None
        self.reloads = 0

    async def reload(self, trigger: str = "operator", changed: Iterable[str] = ()) -> ReloadOutcome:
        """Reload now, or join the reload already queued; returns the outcome of the reload that ran.

        A reload that is already running may have read the files before this request's change, so the
        request waits for the next one; every request arriving meanwhile shares that same next reload.
        """
        self._queued_changes.update(changed)
        if trigger not in self._queued_triggers:
            self._queued_triggers.append(trigger)
        if self._queued is not None:
            return await asyncio.shield(self._queued)
        queued: asyncio.Future[ReloadOutcome] = asyncio.get_running_loop().create_future()
        self._queued = queued
        try:
            async with self._lock:
                self._queued = None  # later requests queue behind this run
                triggers, self._queued_triggers = "+".join(self._queued_triggers), []
                files, self._queued_changes = tuple(sorted(self._queued_changes)), set()
                outcome = await self._run(triggers, files)
        except BaseException:
            if self._queued is queued:
                self._queued = None
            queued.cancel()
            raise
        queued.set_result(outcome)
        await self._notify(outcome)
        return outcome

    async def _run(self, trigger: str, changed: tuple[str, ...]) -> ReloadOutcome:
        started = time.perf_counter()
        try:
            report = await asyncio.to_thread(self._core.reload)
        except KnowledgeFileError as exc:
            problems = tuple(str(p) for p in exc.problems)
            outcome = ReloadOutcome(
                trigger,
                changed,
                time.perf_counter() - started,
                None,
                "the knowledge folder cannot be loaded",
                problems,
            )
        except Exception as exc:
            logger.exception("knowledge reload failed")
            outcome = ReloadOutcome(
                trigger, changed, time.perf_counter() - started, None, f"{type(exc).__name__}: {exc}"
            )
        else:
            outcome = ReloadOutcome(
                trigger, changed, time.perf_counter() - started, report, problems=tuple(report.problems)
            )
        self.reloads += 1
        self.last = outcome
        (logger.info if outcome.ok else logger.error)("knowledge %s", outcome.summary())
        for problem in outcome.problems:
            logger.warning("knowledge problem: %s", problem)
        return outcome

    async def _notify(self, outcome: ReloadOutcome) -> None:
        if self._on_reload is None:
            return
        try:
            result = self._on_reload(outcome)
            if inspect.isawaitable(result):
                await result
        except Exception:
            logger.exception("the on_reload callback failed")


class KnowledgeFilter(DefaultFilter):
    """Knowledge files only (.md, .yaml, .txt); editor swap files, backups and hidden files are ignored."""

    def __call__(self, change: Change, path: str) -> bool:
        """True for a change the bot should reload for."""
        name = Path(path).name
        wanted = not name.startswith(".") and Path(name).suffix in KNOWLEDGE_SUFFIXES
        return wanted and super().__call__(change, path)


def changed_files(changes: Iterable[tuple[Change, str]], folder: Path) -> list[str]:
    """The changed paths relative to the knowledge folder, sorted, each once."""
    root = folder.resolve()
    names = set()
    for _, path in changes:
        resolved = Path(path).resolve()
        names.add(resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else resolved.name)
    return sorted(names)


async def watch_knowledge(
    core: Reloadable,
    *,
    debounce_ms: int = DEBOUNCE_MS,
    on_reload: OnReload | None = None,
    reloader: KnowledgeReloader | None = None,
    knowledge_dir: Path | None = None,
    stop_event: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
) -> None:
    """Watch the knowledge folder until ``stop_event`` is set (or the task is cancelled), reloading on change.

    Pass ``reloader`` to share serialisation with ``/reload``; otherwise one is made with ``on_reload``.
    ``ready`` is set once the folder is being watched: changes from then on are never missed.
    """
    if reloader is not None and on_reload is not None:
        raise ValueError("give on_reload to the KnowledgeReloader, not to watch_knowledge as well")
    reloader = reloader or KnowledgeReloader(core, on_reload=on_reload)
    folder = knowledge_dir or core.settings.paths.knowledge_dir
    logger.info("watching %s for knowledge changes", folder)
    async for changes in awatch(
        folder,
        watch_filter=KnowledgeFilter(),
        debounce=debounce_ms,
        step=STEP_MS,
        stop_event=stop_event,
        rust_timeout=READY_POLL_MS,
        yield_on_timeout=True,
    ):
        if ready is not None:
            ready.set()
        if changes:
            await reloader.reload("watcher", changed_files(changes, folder))
    logger.info("stopped watching %s", folder)


def start_watching(
    core: Reloadable, *, reloader: KnowledgeReloader | None = None, debounce_ms: int = DEBOUNCE_MS
) -> asyncio.Task[None]:
    """Run :func:`watch_knowledge` as a background task; if it ever stops with an error, that is logged."""
    task = asyncio.create_task(
        watch_knowledge(core, reloader=reloader, debounce_ms=debounce_ms), name="knowledge-watcher"
    )

    def report(done: asyncio.Task[None]) -> None:
        if not done.cancelled() and done.exception() is not None:
            logger.error("the knowledge watcher stopped (%s); use /reload after editing", done.exception())

    task.add_done_callback(report)
    return task
