"""Webhook mode: the secret token, and several bot processes sharing one token and one checklist."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from fake_bot_api import SECRET_HEADER, FakeBotApi
from telegram_harness import ALICE, RunningBot, bot_settings, buttons

from bot.core.service import FraudCore

pytest_plugins = ["telegram_fixtures"]
pytestmark = pytest.mark.asyncio(loop_scope="session")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _webhook_bot(api: FakeBotApi, core: FraudCore, data_dir: Path) -> RunningBot:
    port = _free_port()
    settings = bot_settings(
        api, core, data_dir, webhook_url=f"http://127.0.0.1:{port}/telegram", webhook_listen="127.0.0.1",
        webhook_port=port,
    )  # fmt: skip
    return await RunningBot(api, core, settings).start()


async def test_webhook_mode_registers_a_secret_and_serves_updates(
    api: FakeBotApi,
    core: FraudCore,
    tmp_path: Path,
) -> None:
    bot = await _webhook_bot(api, core, tmp_path / "data")
    try:
        [call] = api.calls_of("setWebhook")
        assert call.params["url"] == bot.settings.telegram.webhook_url
        assert len(call.params["secret_token"]) >= 32  # derived from the token when none is set
        [reply] = await bot.say(ALICE, "/start")
        assert "I help you spot scams" in reply["text"]
        async with httpx.AsyncClient() as client:
            chat = {"id": 1, "type": "private"}
            forged = {
                "update_id": 999,
                "message": {"message_id": 1, "date": 0, "chat": chat, "text": "/start"},
            }
            url = str(bot.settings.telegram.webhook_url)
            assert (await client.post(url, json=forged, headers={SECRET_HEADER: "wrong"})).status_code == 403
            assert (await client.post(url, json=forged)).status_code == 403
    finally:
        await bot.stop()


async def test_two_processes_behind_one_webhook_share_the_checklist(
    api: FakeBotApi,
    core: FraudCore,
    tmp_path: Path,
) -> None:
    first = await _webhook_bot(api, core, tmp_path / "data")
    second = await _webhook_bot(api, core, tmp_path / "data")
    urls = [str(first.settings.telegram.webhook_url), str(second.settings.telegram.webhook_url)]
    api.webhook_targets = urls  # a load balancer: updates alternate between the processes
    first.peers.append(second)
    try:
        [question] = await first.say(ALICE, "/checklist")
        for _ in range(3):
            await first.tap(ALICE, question, buttons(first.fresh(question))["Yes"])
        assert "Question 4 of" in first.fresh(question)["text"]
        served_by = {url for url, _, status in api.webhook_log if status == 200}
        assert served_by == set(urls)
    finally:
        await first.stop()
        await second.stop()
