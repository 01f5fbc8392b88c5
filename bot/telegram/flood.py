"""Per-user flood control: more than ``limit`` messages in a minute earns one polite slow-down notice,
then silence until the minute has passed, so one user cannot starve the others.

State is in memory only (timestamps per user id, forgotten a minute after the last message); with
several processes behind a webhook each process enforces the limit on the updates it receives.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum

from cachetools import TTLCache

MAX_TRACKED_USERS = 100_000


class FloodVerdict(Enum):
    """What to do with one incoming message."""

    ALLOW = "allow"
    WARN = "warn"  # the first message over the limit: say "slow down" once
    DROP = "drop"  # later messages over the limit: ignore


class FloodGuard:
    """A sliding one-minute window of message times per user."""

    def __init__(
        self, limit: int, *, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Allow ``limit`` messages per ``window`` seconds per user; ``limit`` ≤ 0 disables the guard."""
        self.limit = limit
        self.window = window
        self._clock = clock
        self._recent: TTLCache[int, deque[float]] = TTLCache(MAX_TRACKED_USERS, ttl=window, timer=clock)
        self._warned: TTLCache[int, float] = TTLCache(MAX_TRACKED_USERS, ttl=window, timer=clock)

    def hit(self, user_id: int) -> FloodVerdict:
        """Count one message from ``user_id`` and say whether to handle it."""
        if self.limit <= 0:
            return FloodVerdict.ALLOW
        now = self._clock()
        times = self._recent.get(user_id) or deque(maxlen=self.limit + 1)
        while times and times[0] <= now - self.window:
            times.popleft()
        times.append(now)
        self._recent[user_id] = times  # re-set so the entry lives a full window after the last message
        if len(times) <= self.limit:
            return FloodVerdict.ALLOW
        if user_id in self._warned:
            return FloodVerdict.DROP
        self._warned[user_id] = now
        return FloodVerdict.WARN
