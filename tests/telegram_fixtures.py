"""Fixtures for the Telegram tests (load with ``pytest_plugins = ["telegram_fixtures"]``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fake_bot_api import FakeBotApi
from telegram_harness import OPERATOR, RunningBot, bot_settings

from bot.core.service import FraudCore
from bot.retrieval.embedder import SentenceTransformerEncoder
from bot.settings import PathSettings, Settings


@pytest.fixture(scope="session")
def telegram_core(
    built_index: Path, encoder: SentenceTransformerEncoder, tmp_path_factory: pytest.TempPathFactory
) -> FraudCore:
    """A real FraudCore over the session's fixture index and the real model."""
    paths = PathSettings(
        knowledge_dir=built_index / "knowledge",
        index_dir=built_index / "index",
        data_dir=tmp_path_factory.mktemp("core-data"),
    )
    return FraudCore.load(Settings(paths=paths), encoder=encoder)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    """A fresh fake Bot API server for one test."""
    server = FakeBotApi().start()
    server.private_chat(OPERATOR)  # the operator has opened a chat with the bot
    yield server
    server.stop()


@pytest.fixture
async def tg(api: FakeBotApi, telegram_core: FraudCore, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The real bot polling the fake server, with its own store; checks no call was rejected."""
    bot = await RunningBot(api, telegram_core, bot_settings(api, telegram_core, tmp_path / "data")).start()
    try:
        yield bot
    finally:
        await bot.stop()
    unexpected = [c for c in api.failures() if not any(e in (c.error or "") for e in bot.expected_failures)]
    assert not unexpected, f"the fake Bot API rejected calls: {[(c.method, c.error) for c in unexpected]}"
