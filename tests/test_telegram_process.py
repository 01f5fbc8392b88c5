"""`fraudbot run` as a real process: it loads the core, serves the fake Bot API, stops on Ctrl-C, and
its log output holds neither the token nor what users typed."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_process import bot_process_env
from fake_bot_api import FakeBotApi
from telegram_harness import ALICE

from bot.core.service import FraudCore

pytest_plugins = ["telegram_fixtures"]


def _wait(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s")
        time.sleep(0.02)


@pytest.fixture
def bot_process(
    api: FakeBotApi, built_index: Path, core: FraudCore, tmp_path: Path
) -> Iterator[subprocess.Popen[str]]:
    # ``core`` has trained (and stored) the classifiers of this knowledge: the process then loads them
    # instead of training for a minute or two, which outlasted the test's wait when it ran alone.
    shutil.copytree(built_index, tmp_path / "copy")
    env = bot_process_env(
        tmp_path / "copy",
        tmp_path / "data",
        FRAUDBOT_TELEGRAM_TOKEN=api.token,
        FRAUDBOT_TELEGRAM_BASE_URL=api.base_url,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "-v", "run"], env=env, cwd=tmp_path, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_fraudbot_run_serves_and_stops_cleanly(api: FakeBotApi, bot_process: subprocess.Popen[str]) -> None:
    _wait(lambda: api.calls_of("setMyCommands") or bot_process.poll() is not None, 120)
    assert bot_process.poll() is None, bot_process.communicate()[0]
    words = "Great-aunt Hildegard Vandersloot was asked to pay a release fee for her parcel"
    api.send(ALICE, words)
    _wait(lambda: [c for c in api.calls_of("sendMessage", chat_id=ALICE["id"]) if c.ok], 60)
    bot_process.send_signal(signal.SIGINT)
    output, _ = bot_process.communicate(timeout=60)
    assert bot_process.returncode == 0, output
    assert "serving by long polling" in output
    assert api.token.split(":", 1)[1] not in output
    assert "Vandersloot" not in output and "Hildegard" not in output
