"""The command line: index build/status, lint exit codes, search and its --jsonl contract."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def env(knowledge_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FRAUDBOT_KNOWLEDGE_DIR", str(knowledge_dir))
    monkeypatch.setenv("FRAUDBOT_INDEX_DIR", str(tmp_path / "index"))
    return knowledge_dir


def test_search_jsonl_contract(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"id": "q1", "text": "pay a fee to withdraw my profit"}),
        "not json at all",
        json.dumps({"id": 7, "text": "window says my computer has a virus"}),
        json.dumps({"id": "q3", "query": "wrong key"}),
        "",
        json.dumps({"id": "q4", "text": "💰" * 2000}),
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["search", "--jsonl", "-k", "2"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == ["q1", None, 7, "q3", "q4"]
    assert out[0]["hits"][0]["advisory_id"] == "fx-livestream"
    assert len(out[0]["hits"]) == 2
    assert set(out[0]["hits"][0]) == {
        "chunk_id",
        "advisory_id",
        "title",
        "category",
        "issuer",
        "source_url",
        "region",
        "heading",
        "text",
        "score",
        "published",
        "kind",
    }
    assert "not JSON" in out[1]["error"]
    assert out[2]["hits"][0]["advisory_id"] == "fx-techsupport"
    assert "text" in out[3]["error"]
    assert isinstance(out[4]["hits"], list)


def test_build_status_search_json(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "status"]) == 1
    assert "no index" in capsys.readouterr().out
    assert main(["index", "build"]) == 0
    assert "indexed 5 advisories" in capsys.readouterr().out
    assert main(["index", "build"]) == 0
    assert "(0 embedded" in capsys.readouterr().out
    assert main(["index", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["advisories"] == 5 and status["changed_since_build"]["added"] == []
    (env / "advisories" / "fx-parcel.md").write_text(
        (env / "advisories" / "fx-parcel.md").read_text() + "\nMore.\n"
    )
    assert main(["index", "status"]) == 0
    assert re.search(r"^changed:\s+fx-parcel\.md$", capsys.readouterr().out, flags=re.M)
    assert main(["search", "a fake detective asked me to move my savings", "--json", "-k", "1"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["advisory_id"] == "fx-courier"


def test_lint_exit_codes(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint"]) == 0
    (env / "advisories" / "bad.md").write_text("---\nid: bad\ntitle: Bad one\n---\nBody\n")
    assert main(["lint"]) == 1
    out = capsys.readouterr().out
    assert "bad.md: category: missing required field" in out
    assert "bad.md: issuer: missing required field" in out


def test_stats_without_store_shows_zeros_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FRAUDBOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "0" in out and not (tmp_path / "data").exists()
