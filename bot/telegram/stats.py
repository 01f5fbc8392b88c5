"""Usage statistics from the store (counts only, never user text), for /stats and ``fraudbot stats``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings
from bot.store import DB_FILE, AdvisoryFeedback, Store

RECENT_DAYS = 7
ROWS: tuple[tuple[str, str], ...] = (
    ("check", "Messages checked"),
    ("check_high", "  high risk"),
    ("check_medium", "  medium risk"),
    ("check_low", "  low risk"),
    ("answer", "Questions answered"),
    ("abstention", "  of which 'not sure'"),
    ("triage", "'I already paid' help"),
    ("checklist_start", "Checklists started"),
    ("checklist_complete", "Checklists completed"),
    ("checklist_high", "  high risk"),
    ("checklist_medium", "  medium risk"),
    ("checklist_low", "  low risk"),
    ("flood_warning", "Slow-down notices"),
    ("error", "Errors"),
)


@dataclass(frozen=True)
class Stats:
    """Counter totals (all time and recent) and the feedback per cited advisory."""

    totals: dict[str, int]
    recent: dict[str, int]
    feedback: list[AdvisoryFeedback]


def read_stats(store: Store) -> Stats:
    """Collect the statistics from a store."""
    return Stats(
        totals=store.counters(),
        recent=store.counters(days=RECENT_DAYS),
        feedback=store.feedback_by_advisory(),
    )


def read_stats_for(settings: Settings) -> Stats:
    """The statistics of the store in ``FRAUDBOT_DATA_DIR`` (what ``fraudbot stats`` shows); all zero,
    and nothing created, when the bot has not run there yet."""
    if not (settings.paths.data_dir / DB_FILE).is_file():
        return Stats(totals={}, recent={}, feedback=[])
    return read_stats(Store.in_dir(settings.paths.data_dir))


def format_stats(stats: Stats) -> str:
    """A plain-text table: one counter per line, then 👍/👎 per advisory."""
    width = max(len(label) for _, label in ROWS)
    lines = [f"{'':{width}}  {'total':>7}  {f'{RECENT_DAYS} days':>7}"]
    for name, label in ROWS:
        lines.append(f"{label:{width}}  {stats.totals.get(name, 0):>7}  {stats.recent.get(name, 0):>7}")
    lines.append("")
    if stats.feedback:
        lines.append("Feedback per cited advisory (👍 / 👎):")
        lines += [f"  {f.advisory_id}: {f.helpful} / {f.unhelpful}" for f in stats.feedback]
    else:
        lines.append("No feedback yet.")
    return "\n".join(lines)
