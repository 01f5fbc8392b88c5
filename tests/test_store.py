"""The embedded SQLite store: regions, feedback, counters, forgetting a user, sharing between processes."""

from __future__ import annotations

import multiprocessing
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.store import DB_FILE, AdvisoryFeedback, Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.in_dir(tmp_path / "data")


def test_the_database_is_created_in_the_data_folder(tmp_path: Path) -> None:
    Store.in_dir(tmp_path / "new" / "data")
    assert (tmp_path / "new" / "data" / DB_FILE).is_file()


def test_a_region_is_remembered_per_user_and_survives_reopening(store: Store) -> None:
    assert store.region("user-a") is None
    store.set_region("user-a", "HK")
    store.set_region("user-b", "UK")
    store.set_region("user-a", "SG")
    reopened = Store(store.path)
    assert (reopened.region("user-a"), reopened.region("user-b")) == ("SG", "UK")


def test_feedback_is_credited_to_every_cited_advisory(store: Store) -> None:
    store.remember_reply("r1", "answer", "hash-1", ["adv-a", "adv-b"])
    store.remember_reply("r2", "check", "hash-2", ["adv-a"])
    assert store.record_feedback("u1", "r1", 1)
    assert store.record_feedback("u2", "r1", -1)
    assert store.record_feedback("u1", "r2", 1)
    assert store.record_feedback("u1", "r2", -1)  # a second vote replaces the first
    assert store.feedback_by_advisory() == [
        AdvisoryFeedback("adv-a", helpful=1, unhelpful=2),
        AdvisoryFeedback("adv-b", helpful=1, unhelpful=1),
    ]


def test_feedback_on_an_unknown_reply_is_refused(store: Store) -> None:
    assert not store.record_feedback("u1", "never-sent", 1)
    with pytest.raises(ValueError):
        store.record_feedback("u1", "never-sent", 5)


def test_counters_add_up_and_replies_count_in_the_same_transaction(store: Store) -> None:
    store.increment("check")
    store.increment("check", "check_high")
    store.remember_reply("r1", "answer", "h", [], count_as=("answer", "abstention"))
    assert store.counters() == {"abstention": 1, "answer": 1, "check": 2, "check_high": 1}
    assert store.counters(days=1) == store.counters()


def test_forget_deletes_everything_about_one_user_only(store: Store) -> None:
    store.remember_reply("r1", "answer", "h", ["adv-a"])
    store.set_region("me", "US")
    store.record_feedback("me", "r1", 1)
    store.set_region("other", "UK")
    store.record_feedback("other", "r1", -1)
    assert store.describe_user("me").region == "US"
    report = store.forget_user("me")
    assert (report.region, report.votes) == (True, 1)
    assert store.describe_user("me") == store.describe_user("nobody")
    assert store.describe_user("me").votes == 0 and store.region("me") is None
    assert store.region("other") == "UK"
    assert store.feedback_by_advisory() == [AdvisoryFeedback("adv-a", helpful=0, unhelpful=1)]


def test_old_replies_without_votes_are_pruned(store: Store) -> None:
    store.remember_reply("old", "answer", "h1", ["adv-a"])
    store.remember_reply("voted", "answer", "h2", ["adv-a"])
    store.record_feedback("u", "voted", 1)
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE reply SET day = '2000-01-01'")
    assert store.prune_replies(older_than_days=90) == 1
    assert store.feedback_by_advisory() == [AdvisoryFeedback("adv-a", helpful=1, unhelpful=0)]


def test_the_schema_has_no_place_for_user_text(store: Store) -> None:
    assert _columns(store.path) == {
        "user_key",
        "region",
        "updated",  # user_region
        "reply_key",
        "kind",
        "message_hash",
        "day",  # reply
        "advisory_id",  # reply_advisory
        "vote",  # feedback
        "name",
        "count",  # counter
    }


def _columns(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {row[1] for table in tables for row in db.execute(f"PRAGMA table_info({table})")}


def _count_many(path: str, times: int) -> None:
    store = Store(Path(path))
    for _ in range(times):
        store.increment("check")


def test_several_processes_can_write_at_once(store: Store) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_count_many, args=(str(store.path), 50)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert store.counters()["check"] == 150


def test_each_thread_keeps_one_connection_and_a_failed_transaction_leaves_it_usable(store: Store) -> None:
    def write(n: int) -> None:
        for i in range(20):
            store.increment(f"thread-{n}")
            store.set_region(f"user-{n}-{i}", "UK")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    assert store.counters() == {f"thread-{n}": 20 for n in range(4)}
    first = store._connection()
    assert store._connection() is first  # reused, not reopened per call
    with pytest.raises(ValueError):
        store.record_feedback("user", "reply", 5)
    with pytest.raises(sqlite3.IntegrityError), store._connect() as db:
        db.execute("INSERT INTO feedback(user_key, reply_key, vote, day) VALUES ('u', 'r', 7, 'd')")
    store.increment("after-rollback")  # the rolled-back transaction left the connection usable
    assert store.counters()["after-rollback"] == 1
    store.close()
    assert store.region("user-0-0") == "UK"  # a closed connection is reopened on the next call
