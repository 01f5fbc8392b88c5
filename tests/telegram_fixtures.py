"""Fixtures for the Telegram tests (load with ``pytest_plugins = ["telegram_fixtures"]``); the real
``core`` comes from conftest."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fake_bot_api import FakeBotApi
from telegram_harness import OPERATOR, RunningBot, bot_settings

from bot.core.service import FraudCore
from bot.retrieval.embedder import Encoder
from bot.settings import PathSettings, RegionSettings, Settings


@pytest.fixture
def own_core(built_index: Path, encoder: Encoder, tmp_path: Path) -> FraudCore:
    """A core over a private copy of the session index, for tests that reload (and so rewrite) it."""
    shutil.copytree(built_index, tmp_path / "copy")
    paths = PathSettings(
        knowledge_dir=tmp_path / "copy" / "knowledge",
        index_dir=tmp_path / "copy" / "index",
        data_dir=tmp_path / "core-data",
    )
    return FraudCore.load(Settings(paths=paths, region=RegionSettings(region="UK")), encoder=encoder)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    """A fresh fake Bot API server for one test."""
    server = FakeBotApi().start()
    server.private_chat(OPERATOR)  # the operator has opened a chat with the bot
    yield server
    server.stop()


@pytest.fixture
async def tg(api: FakeBotApi, core: FraudCore, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The real bot polling the fake server, with its own store; checks no call was rejected."""
    bot = await RunningBot(api, core, bot_settings(api, core, tmp_path / "data")).start()
    try:
        yield bot
    finally:
        await bot.stop()
    unexpected = [c for c in api.failures() if not any(e in (c.error or "") for e in bot.expected_failures)]
    assert not unexpected, f"the fake Bot API rejected calls: {[(c.method, c.error) for c in unexpected]}"
