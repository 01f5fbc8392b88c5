"""Small measuring helpers: medians, percentiles, resident memory."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


def time_calls(func: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    """Milliseconds of ``repeat`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times_ms: Sequence[float]) -> str:
    """``p50 / p95`` in milliseconds."""
    return f"{statistics.median(times_ms):.1f} / {percentile(times_ms, 95):.1f}"


def rss_mib() -> float:
    """Current resident set size of this process in MiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def uncached(encoder: object, func: Callable[[T], object], arg: T) -> Callable[[], object]:
    """``func(arg)`` with ``encoder``'s memory of recent texts (if it keeps one) emptied first: every call
    encodes."""
    clear = getattr(encoder, "clear", lambda: None)

    def call() -> object:
        clear()
        return func(arg)

    return call
