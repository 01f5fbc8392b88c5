"""Settings: every variable documented, invalid values explained in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError, setting_names

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_lists_every_setting_with_a_comment() -> None:
    text = (ROOT / ".env.example").read_text()
    listed = re.findall(r"^(FRAUDBOT_[A-Z_]+)=", text, flags=re.M)
    assert sorted(listed) == sorted(setting_names())
    lines = text.splitlines()
    for name in listed:
        row = next(i for i, line in enumerate(lines) if line.startswith(f"{name}="))
        above = lines[max(0, row - 2) : row]
        assert any(line.startswith("#") for line in above), f"{name} has no comment"


def test_operator_ids_accept_commas_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAUDBOT_OPERATOR_IDS", "12345, 67890")
    assert Settings().telegram.operator_ids == [12345, 67890]
    monkeypatch.setenv("FRAUDBOT_OPERATOR_IDS", "[1, 2]")
    assert Settings().telegram.operator_ids == [1, 2]
    monkeypatch.setenv("FRAUDBOT_OPERATOR_IDS", "")
    assert Settings().telegram.operator_ids == []


def test_env_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("FRAUDBOT_REGION=hk\nFRAUDBOT_INDEX_DIR=/tmp/elsewhere\n")
    settings = Settings()
    assert settings.region.region == "HK"
    assert settings.paths.index_dir == Path("/tmp/elsewhere")


def test_classifier_folder_follows_the_index_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAUDBOT_INDEX_DIR", "/srv/index")
    monkeypatch.setenv("FRAUDBOT_CLASSIFIER_CACHE_DIR", "")
    assert Settings().paths.classifier_dir == Path("/srv/index/classifiers")
    monkeypatch.setenv("FRAUDBOT_CLASSIFIER_CACHE_DIR", "/srv/shared-classifiers")
    assert Settings().paths.classifier_dir == Path("/srv/shared-classifiers")


def test_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAUDBOT_TELEGRAM_TOKEN", "123:SECRET")
    settings = Settings()
    assert "SECRET" not in repr(settings.telegram)
    assert settings.telegram.telegram_token is not None
    assert settings.telegram.telegram_token.get_secret_value() == "123:SECRET"


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("FRAUDBOT_OPERATOR_IDS", "alice", "FRAUDBOT_OPERATOR_IDS"),
        ("FRAUDBOT_WEBHOOK_PORT", "eighty", "FRAUDBOT_WEBHOOK_PORT"),
        ("FRAUDBOT_SEARCH_MODE", "magic", "FRAUDBOT_SEARCH_MODE"),
        ("FRAUDBOT_EMBEDDING_PRECISION", "half", "FRAUDBOT_EMBEDDING_PRECISION"),
        ("FRAUDBOT_TELEGRAM_BASE_URL", "ftp://x", "FRAUDBOT_TELEGRAM_BASE_URL"),
    ],
)
def test_invalid_value_gives_one_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=fragment):
        Settings()
    assert main(["lint"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fraudbot: invalid setting:") and fragment in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
