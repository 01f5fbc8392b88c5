"""The Telegram front end's pure parts: signed callback data, flood control, message splitting,
token redaction, and `run_bot` without a token."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from fake_bot_api_rules import parse_html

from bot.settings import PathSettings, Settings, TelegramSettings
from bot.store import Store
from bot.telegram.app import MissingTokenError, build_application, file_url_for, run_bot
from bot.telegram.flood import FloodGuard, FloodVerdict
from bot.telegram.keys import BadSignature, BotKeys
from bot.telegram.logs import REDACTED, RedactToken
from bot.telegram.render import esc
from bot.telegram.split import split_html, visible_length
from bot.telegram.stats import format_stats, read_stats_for

TOKEN = "123456:AAHsecretPartOfTheToken_xyz"


def test_signed_data_round_trips_and_fits_in_64_bytes() -> None:
    keys = BotKeys(TOKEN)
    state = "abcd.0123ab." + "y" * 28  # the longest encoded checklist state: 40 bytes
    data = keys.sign("ky", state)
    assert len(data.encode()) <= 64
    assert keys.verify("ky", data) == state
    assert BotKeys(TOKEN).verify("ky", data) == state  # another process with the same token agrees


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d[:-1] + ("n" if d[-1] == "y" else "y"),  # changed answers
        lambda d: "kn" + d[2:],  # changed action
        lambda d: d[:2] + "B" + d[3:],  # changed signature
        lambda d: d[:10],  # truncated
    ],
)
def test_tampered_data_is_detected(mutate: object) -> None:
    keys = BotKeys(TOKEN)
    data = keys.sign("ky", "abcd.0123ab.yy")
    with pytest.raises(BadSignature):
        keys.verify(data[:2], mutate(data))  # type: ignore[operator]


def test_other_tokens_sign_differently_and_user_keys_are_opaque() -> None:
    keys, other = BotKeys(TOKEN), BotKeys("654321:another")
    with pytest.raises(BadSignature):
        keys.verify("ky", other.sign("ky", "abcd.0123ab.y"))
    assert keys.user_key(42) == BotKeys(TOKEN).user_key(42) != other.user_key(42)
    assert len(keys.user_key(42)) == 32 and keys.user_key(42) != keys.user_key(43)
    with pytest.raises(ValueError, match="over 64"):
        keys.sign("ky", "x" * 60)


def test_flood_guard_warns_once_then_drops_until_the_minute_passes() -> None:
    now = [0.0]
    guard = FloodGuard(3, clock=lambda: now[0])
    assert [guard.hit(1) for _ in range(3)] == [FloodVerdict.ALLOW] * 3
    assert guard.hit(1) is FloodVerdict.WARN
    assert guard.hit(1) is FloodVerdict.DROP
    assert guard.hit(2) is FloodVerdict.ALLOW  # other users are not affected
    now[0] = 61.0
    assert guard.hit(1) is FloodVerdict.ALLOW


def test_flood_guard_counts_a_sliding_window() -> None:
    now = [0.0]
    guard = FloodGuard(2, clock=lambda: now[0])
    guard.hit(1)
    now[0] = 30.0
    guard.hit(1)
    now[0] = 61.0  # the first message has left the window
    assert guard.hit(1) is FloodVerdict.ALLOW
    assert guard.hit(1) is FloodVerdict.WARN


def test_split_packs_blocks_and_cuts_long_ones_into_valid_html() -> None:
    long_block = "<b>" + esc("a < b & c " * 1000) + "</b>"
    blocks = ["<i>head</i>", long_block, "<a href='https://example.org'>tail</a>"]
    parts = split_html(blocks, limit=4096)
    assert len(parts) >= 3
    for part in parts:
        text, _ = parse_html(part)  # balanced, escaped: Telegram would accept it
        assert len(text) <= 4096 and visible_length(part) == len(text.encode("utf-16-le")) // 2
    joined = "".join(parse_html(p)[0] for p in parts)
    assert joined.count("a < b & c") == 1000


def test_split_counts_emoji_as_two_units() -> None:
    parts = split_html(["😀" * 3000])
    assert [visible_length(p) for p in parts] == [4096, 1904]


def test_file_url_follows_the_base_url() -> None:
    assert file_url_for("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url_for("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url_for("http://10.0.0.2/custom/path") == "http://10.0.0.2/file/bot"


def test_the_token_is_redacted_from_messages_and_tracebacks() -> None:
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "request to %s", (f"/bot{TOKEN}/getMe",), sys.exc_info()
        )
    RedactToken(TOKEN).filter(record)
    assert TOKEN not in record.getMessage() and REDACTED in record.getMessage()
    assert record.exc_text is not None and "AAHsecretPartOfTheToken" not in record.exc_text


def test_without_a_token_run_bot_explains_how_to_get_one(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(telegram=TelegramSettings(telegram_token=None))
    with pytest.raises(MissingTokenError):
        build_application(settings)
    assert run_bot(settings) == 2
    error = capsys.readouterr().err
    assert "@BotFather" in error and "FRAUDBOT_TELEGRAM_TOKEN" in error


def test_fraudbot_stats_reads_the_store_in_the_data_folder(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = Store.in_dir(data_dir)
    store.remember_reply("r1", "answer", "hash", ["adv-a"], count_as=("answer", "abstention"))
    store.record_feedback("user", "r1", 1)
    text = format_stats(read_stats_for(Settings(paths=PathSettings(data_dir=data_dir))))
    assert [line.split()[-2:] for line in text.splitlines() if line.startswith("Questions answered")] == [
        ["1", "1"]
    ]
    assert "adv-a: 1 / 0" in text


def test_fraudbot_stats_without_a_store_shows_zeros_and_creates_nothing(tmp_path: Path) -> None:
    text = format_stats(read_stats_for(Settings(paths=PathSettings(data_dir=tmp_path / "none"))))
    assert "No feedback yet." in text and not (tmp_path / "none").exists()
