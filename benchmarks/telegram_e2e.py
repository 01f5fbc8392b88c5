"""End-to-end Telegram benchmark: the real bot (real core, model and index) against the fake Bot API.

Measures, from the fake server's clock, message in (update queued) → reply out (sendMessage or
editMessageText arrives): latency p50/p95 per kind of message with one user at a time, then sustained
messages per second with many users at once. A minimal echo bot on the same fake server is the floor
(what python-telegram-bot and the fake server cost on their own). Also reports the process RSS, the
model's threads (as ``fraudbot run`` sets them) and how many model calls served the encode requests.

    .venv/bin/python benchmarks/telegram_e2e.py [--rounds 40] [--users 40] [--per-user 10]

The index is opened from FRAUDBOT_INDEX_DIR / FRAUDBOT_KNOWLEDGE_DIR (built there first if missing).
Telegram's own rate limits (AIORateLimiter: 30 messages/s overall) are off unless --rate-limit,
since they would measure Telegram's rules rather than the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_bot_api import FakeBotApi
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.retrieval.batching import BatchingEncoder
from bot.settings import PathSettings, Settings, TelegramSettings, offline_environment
from bot.telegram.app import CONCURRENT_UPDATES, build_application, leave_a_core_for_the_event_loop, serve

QUESTION = "How do fake investment live broadcasts work?"
SCAM = (
    "Hello dear, join our free VIP stock live room tonight! Teacher Wang guarantees 30% returns daily. "
    "To withdraw your 58,000 profit pay 20% tax to unfreeze the funds within 24h."
)
KINDS: dict[str, str] = {"/start": "/start", "question": QUESTION, "check": SCAM}
REPLY_METHODS = ("sendMessage", "editMessageText")


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory (or its peak, VmHWM) in MiB, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values, by linear interpolation."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def first_reply_at(api: FakeBotApi, chat_id: int, since: int) -> float | None:
    """When the first reply to a chat arrived after a mark."""
    for method in REPLY_METHODS:
        calls = [c for c in api.calls_of(method, since, chat_id) if c.ok]
        if calls:
            return calls[0].at
    return None


def press(api: FakeBotApi, user: dict[str, Any], message: dict[str, Any], data: str) -> int:
    """Tap a button; return the update id of the callback query."""
    api.press(user, message, data)
    return max(api.injected_at)


async def one_latency(api: FakeBotApi, app: Any, inject: Callable[[], int], chat_id: int) -> float:
    """Queue one update, wait for its first reply and for the bot to go idle; return the latency."""
    mark = api.mark()
    update_id = inject()
    arrived = await api.wait_for(lambda: first_reply_at(api, chat_id, mark), timeout=60)
    await api.fetched(update_id, timeout=60)
    await app.update_queue.join()
    return float(arrived - api.injected_at[update_id])


async def latencies(
    api: FakeBotApi, app: Any, rounds: int, kinds: dict[str, str], checklist: bool
) -> dict[str, list[float]]:
    """Per kind, ``rounds`` latencies measured one message at a time."""
    user = api.user(900_001, "Bench")
    chat_id = int(api.private_chat(user)["id"])
    found: dict[str, list[float]] = {kind: [] for kind in kinds}
    if checklist:
        found["checklist tap"] = []
    for i in range(rounds):
        for kind, text in kinds.items():
            found[kind].append(
                await one_latency(api, app, functools.partial(api.send, user, f"{text} #{i}"), chat_id)
            )
        if checklist:
            mark = api.mark()
            await one_latency(api, app, functools.partial(api.send, user, "/checklist"), chat_id)
            question = api.sent(chat_id, mark)[-1]
            data = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            tap = functools.partial(press, api, user, question, data)
            found["checklist tap"].append(await one_latency(api, app, tap, chat_id))
    return found


async def throughput(api: FakeBotApi, app: Any, users: int, per_user: int, texts: list[str]) -> float:
    """Messages per second with ``users`` users each sending ``per_user`` messages at once."""
    people = [api.user(800_000 + i, f"User{i}") for i in range(users)]
    for person in people:
        api.private_chat(person)
    mark = api.mark()
    start = time.perf_counter()
    last_update = 0
    for round_ in range(per_user):
        for i, person in enumerate(people):
            last_update = api.send(person, f"{texts[(i + round_) % len(texts)]} #{round_}-{i}")
    await api.fetched(last_update, timeout=600)
    await app.update_queue.join()
    last = max(c.at for c in api.calls_of("sendMessage", mark) if c.ok)
    return users * per_user / (last - start)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text (the floor)."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


def core_latencies(core: Any, rounds: int) -> dict[str, list[float]]:
    """Time the core's own work for the same messages, to separate it from the front end's.

    The bot has just sent these very texts, so the encoder's short-lived cache is emptied before each
    call: the core is timed encoding, as the bot was.
    """
    found: dict[str, list[float]] = {"question": [], "check": []}
    clear = getattr(core.searcher.encoder, "clear", lambda: None)
    for _ in range(3):  # warm up, as the bot's own measurements are taken warm
        core.ask(QUESTION)
        core.check(SCAM)
    for i in range(rounds):
        for kind, call, text in (("question", core.ask, QUESTION), ("check", core.check, SCAM)):
            clear()
            started = time.perf_counter()
            call(f"{text} #{i}")
            found[kind].append(time.perf_counter() - started)
    return found


def echo_application(api: FakeBotApi) -> Application[Any, Any, Any, Any, Any, Any]:
    """The minimal bot: one echo handler, same concurrency as the real one."""
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .concurrent_updates(CONCURRENT_UPDATES)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


async def run_one(
    name: str,
    make_app: Callable[[FakeBotApi], Any],
    args: argparse.Namespace,
    kinds: dict[str, str],
    checklist: bool,
) -> dict[str, Any]:
    """Start a fresh fake server and one bot; measure latency then throughput."""
    api = FakeBotApi().start()
    try:
        app = make_app(api)
        async with serve(app, poll_timeout=5) if name != "echo" else plain_polling(app):
            lat = await latencies(api, app, args.rounds, kinds, checklist)
            rate = await throughput(api, app, args.users, args.per_user, list(kinds.values()))
        rejected = len(api.failures())
    finally:
        api.stop()
    return {"name": name, "latency": lat, "rate": rate, "rejected": rejected}


@contextlib.asynccontextmanager
async def plain_polling(app: Any) -> AsyncIterator[Any]:
    """Run a plain Application by polling (the echo bot has no post_init)."""
    await app.initialize()
    await app.updater.start_polling(timeout=5)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """Print a table of the figures."""
    print(f"\nlatency, one message at a time ({args.rounds} rounds), milliseconds:")
    print(f"  {'bot':<10} {'kind':<15} {'p50':>8} {'p95':>8} {'max':>8}")
    for result in results:
        for kind, values in result["latency"].items():
            ms = [v * 1000 for v in values]
            figures = f"{percentile(ms, 50):8.1f} {percentile(ms, 95):8.1f} {max(ms):8.1f}"
            print(f"  {result['name']:<10} {kind:<15} {figures}")
    print(f"\nsustained throughput, {args.users} users x {args.per_user} messages at once:")
    for result in results:
        rejected = f"(calls rejected by the fake API: {result['rejected']})"
        print(f"  {result['name']:<10} {result['rate']:8.1f} messages/s   {rejected}")


async def main_async(args: argparse.Namespace) -> None:
    """Load the core, run the echo floor and the real bot, print the figures."""
    logging.basicConfig(level=logging.WARNING)
    offline_environment()
    from bot.core.service import FraudCore

    rss_start = rss_mb()
    model_threads = leave_a_core_for_the_event_loop()  # as `fraudbot run` does
    base = Settings()
    with tempfile.TemporaryDirectory(prefix="fraudbot-bench-") as data_dir:
        paths = PathSettings(
            knowledge_dir=base.paths.knowledge_dir, index_dir=base.paths.index_dir, data_dir=Path(data_dir)
        )
        loaded = time.perf_counter()
        core = await asyncio.to_thread(FraudCore.load, Settings(paths=paths))
        load_s = time.perf_counter() - loaded
        rss_core = rss_mb()

        def fraudbot(api: FakeBotApi) -> Any:
            telegram = TelegramSettings(
                telegram_token=api.token, telegram_base_url=api.base_url, flood_limit=10_000
            )
            settings = Settings(paths=paths, region=base.region, retrieval=base.retrieval, telegram=telegram)
            app = build_application(settings, core, rate_limit=args.rate_limit)
            logging.getLogger("telegram").setLevel(logging.WARNING)  # build_application sets INFO
            return app

        for noisy in ("telegram", "bm25s", "httpx"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        load_before = os.getloadavg()[0]
        results = [
            await run_one("echo", echo_application, args, {"echo": "hello there"}, checklist=False),
            await run_one("fraudbot", fraudbot, args, KINDS, checklist=True),
        ]
        core_alone = core_latencies(core, args.rounds)
    report(results, args)
    print("\nthe core alone (direct calls, no Telegram), milliseconds:")
    for kind, values in core_alone.items():
        ms = [v * 1000 for v in values]
        print(f"  {'core':<10} {kind:<15} {percentile(ms, 50):8.1f} {percentile(ms, 95):8.1f} {max(ms):8.1f}")
    peak = rss_mb("VmHWM")
    print(
        f"\nmemory: {rss_start:.0f} MiB at start, {rss_core:.0f} MiB with the core loaded ({load_s:.1f} s),"
    )
    print(f"        peak {peak:.0f} MiB (bot, core, model and fake server in one process)")
    load_after = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before, {load_after:.1f} after")
    encoder = getattr(core.searcher.encoder, "inner", core.searcher.encoder)  # under the cache
    batching = (
        f"{encoder.requests} encode requests in {encoder.model_calls} model calls"
        if isinstance(encoder, BatchingEncoder)
        else "no batching"
    )
    print(f"model: {model_threads} thread(s), {batching}")


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=40, help="latency samples per kind of message")
    parser.add_argument("--users", type=int, default=40, help="simultaneous users for the throughput run")
    parser.add_argument("--per-user", type=int, default=10, help="messages each user sends")
    parser.add_argument("--rate-limit", action="store_true", help="keep AIORateLimiter on (Telegram's 30/s)")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
