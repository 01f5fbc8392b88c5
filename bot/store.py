"""The embedded store: one SQLite file in ``FRAUDBOT_DATA_DIR``, safe to share between bot processes.

It never holds what users type. Per user (under an opaque key the front end derives, never the raw
id): the chosen region and 👍/👎 votes. Per reply: the core's hash of the message and the advisory ids
it cited, so a vote can be credited to advisories. Anonymous daily counters feed ``fraudbot stats``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

DB_FILE = "fraudbot.sqlite3"
BUSY_TIMEOUT_S = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS user_region (
    user_key TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reply (
    reply_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    message_hash TEXT NOT NULL,
    day TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reply_advisory (
    reply_key TEXT NOT NULL REFERENCES reply(reply_key) ON DELETE CASCADE,
    advisory_id TEXT NOT NULL,
    PRIMARY KEY (reply_key, advisory_id)
);
CREATE TABLE IF NOT EXISTS feedback (
    user_key TEXT NOT NULL,
    reply_key TEXT NOT NULL REFERENCES reply(reply_key) ON DELETE CASCADE,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    day TEXT NOT NULL,
    PRIMARY KEY (user_key, reply_key)
);
CREATE TABLE IF NOT EXISTS counter (
    name TEXT NOT NULL,
    day TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (name, day)
);
"""


@dataclass(frozen=True)
class AdvisoryFeedback:
    """Votes on replies that cited one advisory."""

    advisory_id: str
    helpful: int
    unhelpful: int


@dataclass(frozen=True)
class UserRecord:
    """Everything the store holds about one user."""

    region: str | None
    votes: int


@dataclass(frozen=True)
class ForgetReport:
    """What ``forget_user`` deleted."""

    region: bool
    votes: int


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


class Store:
    """Blocking SQLite access; call it from a worker thread in async code. Each thread keeps its own
    connection (opened at its first call), so any thread, and any process sharing the file, may use it."""

    def __init__(self, path: Path) -> None:
        """Open (and create if needed) the database file at ``path``."""
        self.path = path
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer in another process
            db.executescript(_SCHEMA)
        finally:
            db.close()

    @classmethod
    def in_dir(cls, data_dir: Path) -> Store:
        """The store in a data folder (``FRAUDBOT_DATA_DIR``)."""
        return cls(data_dir / DB_FILE)

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use and kept (not reopened for every call)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            db.execute("PRAGMA foreign_keys=ON")
            # WAL + NORMAL: no fsync per commit (a power cut may lose the last few counts, never corrupts).
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextlib.contextmanager
    def _connect(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction on this thread's connection; writers take the lock up front (no deadlocks)."""
        db = self._connection()
        db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close the calling thread's connection (the others close when their threads or the store go)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # --- per-user region -------------------------------------------------------------------------

    def set_region(self, user_key: str, region: str) -> None:
        """Remember a user's region."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO user_region(user_key, region, updated) VALUES (?, ?, ?) "
                "ON CONFLICT(user_key) DO UPDATE SET region = excluded.region, updated = excluded.updated",
                (user_key, region, _today()),
            )

    def region(self, user_key: str) -> str | None:
        """A user's remembered region, if any."""
        with self._connect(write=False) as db:
            row = db.execute("SELECT region FROM user_region WHERE user_key = ?", (user_key,)).fetchone()
        return str(row[0]) if row else None

    # --- replies and feedback --------------------------------------------------------------------

    def remember_reply(
        self,
        reply_key: str,
        kind: str,
        message_hash: str,
        advisory_ids: Iterable[str],
        *,
        count_as: Iterable[str] = (),
    ) -> None:
        """Record which advisories a reply cited (keyed by a hash, never the text) so votes can count,
        and add one to each counter in ``count_as``, in one transaction."""
        with self._connect() as db:
            self._increment(db, count_as, 1)
            db.execute(
                "INSERT INTO reply(reply_key, kind, message_hash, day) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(reply_key) DO UPDATE SET day = excluded.day",
                (reply_key, kind, message_hash, _today()),
            )
            db.executemany(
                "INSERT OR IGNORE INTO reply_advisory(reply_key, advisory_id) VALUES (?, ?)",
                [(reply_key, advisory_id) for advisory_id in dict.fromkeys(advisory_ids)],
            )

    def record_feedback(self, user_key: str, reply_key: str, vote: int) -> bool:
        """Store a user's +1/-1 vote on a reply (a second vote replaces the first); False if the reply
        is unknown (e.g. pruned)."""
        if vote not in (-1, 1):
            raise ValueError("vote must be 1 or -1")
        with self._connect() as db:
            if db.execute("SELECT 1 FROM reply WHERE reply_key = ?", (reply_key,)).fetchone() is None:
                return False
            db.execute(
                "INSERT INTO feedback(user_key, reply_key, vote, day) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(user_key, reply_key) DO UPDATE SET vote = excluded.vote, day = excluded.day",
                (user_key, reply_key, vote, _today()),
            )
        return True

    def feedback_by_advisory(self) -> list[AdvisoryFeedback]:
        """Helpful / unhelpful votes per cited advisory, most voted first."""
        with self._connect(write=False) as db:
            rows = db.execute(
                "SELECT ra.advisory_id, SUM(f.vote > 0), SUM(f.vote < 0) FROM feedback f "
                "JOIN reply_advisory ra ON ra.reply_key = f.reply_key "
                "GROUP BY ra.advisory_id ORDER BY COUNT(*) DESC, ra.advisory_id"
            ).fetchall()
        return [AdvisoryFeedback(str(a), int(up), int(down)) for a, up, down in rows]

    def prune_replies(self, older_than_days: int = 90) -> int:
        """Delete reply records nobody voted on within ``older_than_days``; returns how many."""
        cutoff = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=older_than_days)).isoformat()
        with self._connect() as db:
            cursor = db.execute(
                "DELETE FROM reply WHERE day < ? AND reply_key NOT IN (SELECT reply_key FROM feedback)",
                (cutoff,),
            )
            return cursor.rowcount

    # --- counters --------------------------------------------------------------------------------

    def increment(self, *names: str, amount: int = 1) -> None:
        """Add ``amount`` to today's value of each named anonymous counter."""
        with self._connect() as db:
            self._increment(db, names, amount)

    @staticmethod
    def _increment(db: sqlite3.Connection, names: Iterable[str], amount: int) -> None:
        today = _today()
        db.executemany(
            "INSERT INTO counter(name, day, count) VALUES (?, ?, ?) "
            "ON CONFLICT(name, day) DO UPDATE SET count = count + excluded.count",
            [(name, today, amount) for name in names],
        )

    def counters(self, *, days: int | None = None) -> dict[str, int]:
        """Counter totals, over all time or over the last ``days`` days (today included)."""
        query = "SELECT name, SUM(count) FROM counter"
        params: tuple[str, ...] = ()
        if days is not None:
            since = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days - 1)).isoformat()
            query += " WHERE day >= ?"
            params = (since,)
        with self._connect(write=False) as db:
            rows = db.execute(query + " GROUP BY name ORDER BY name", params).fetchall()
        return {str(name): int(total) for name, total in rows}

    # --- one user's data -------------------------------------------------------------------------

    def describe_user(self, user_key: str) -> UserRecord:
        """What is stored about one user right now."""
        with self._connect(write=False) as db:
            row = db.execute("SELECT region FROM user_region WHERE user_key = ?", (user_key,)).fetchone()
            votes = db.execute("SELECT COUNT(*) FROM feedback WHERE user_key = ?", (user_key,)).fetchone()
        return UserRecord(region=str(row[0]) if row else None, votes=int(votes[0]))

    def forget_user(self, user_key: str) -> ForgetReport:
        """Delete everything stored under a user's key: region and votes."""
        with self._connect() as db:
            region = db.execute("DELETE FROM user_region WHERE user_key = ?", (user_key,)).rowcount
            votes = db.execute("DELETE FROM feedback WHERE user_key = ?", (user_key,)).rowcount
        return ForgetReport(region=region > 0, votes=votes)
