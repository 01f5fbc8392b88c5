"""``fraudbot index status``: what the index holds, how it was built, what changed and what was skipped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

ADVISORIES = Path(__file__).parent / "fixtures" / "knowledge" / "advisories"


@pytest.fixture
def env(knowledge_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FRAUDBOT_KNOWLEDGE_DIR", str(knowledge_dir))
    monkeypatch.setenv("FRAUDBOT_INDEX_DIR", str(tmp_path / "index"))
    return knowledge_dir


def status_json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    main(["index", "status", "--json"])
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_status_reports_build_changes_and_skipped_files(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "status"]) == 1
    assert "no index" in capsys.readouterr().out
    broken = env / "advisories" / "broken.md"
    parcel = (ADVISORIES / "fx-parcel.md").read_text(encoding="utf-8")
    broken.write_text(
        parcel.replace("id: fx-parcel", "id: broken").replace("phishing", "phish"), encoding="utf-8"
    )
    assert main(["index", "build"]) == 0
    capsys.readouterr()

    assert main(["index", "status"]) == 0
    out = capsys.readouterr().out
    assert "model:       bundled:all-MiniLM-L6-v2 (int8 " in out and " (dimension 384)" in out
    assert "(incremental, " in out and "31 chunks embedded, 0 reused)" in out
    assert "advisories:  5  chunks: 31 (6 example messages)" in out
    assert "up to date" in out
    assert (
        "skipped:     broken.md: category: unknown category 'phish'" in out and "[now: still broken]" in out
    )

    shutil.copy(ADVISORIES / "fx-parcel.md", env / "advisories" / "fx-parcel-2.md")
    (env / "advisories" / "fx-romance.md").unlink()
    courier = env / "advisories" / "fx-courier.md"
    courier.write_text(courier.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    broken.write_text(parcel.replace("id: fx-parcel", "id: broken"), encoding="utf-8")
    assert main(["index", "status"]) == 0
    out = capsys.readouterr().out
    assert "added:       fx-parcel-2.md" in out
    assert "changed:     fx-courier.md" in out  # aligned with the other labels
    assert "removed:     fx-romance.md" in out
    assert "[now: fixed]" in out and "run `fraudbot index build`" in out

    status = status_json(capsys)
    assert status["health"] == "ok" and status["advisories"] == 5 and status["chunks"] == 31
    assert status["changed_since_build"] == {
        "added": ["fx-parcel-2.md"],
        "changed": ["broken.md", "fx-courier.md"],  # the skipped file was edited since: rebuild
        "removed": ["fx-romance.md"],
    }
    [skipped] = status["skipped"]
    assert skipped["file"] == "broken.md" and skipped["field"] == "category" and skipped["now"] == "fixed"


def test_status_names_a_missing_build_folder(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "build"]) == 0
    shutil.rmtree(tmp_path / "index" / "builds")
    capsys.readouterr()
    assert main(["index", "status"]) == 1
    assert "BROKEN:      the manifest names" in capsys.readouterr().out
