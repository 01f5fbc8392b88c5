"""``fraudbot new-advisory``: a valid scaffold from flags or prompts; clear errors; never overwrites."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.operators import collect_fields
from bot.knowledge.lint import lint_knowledge
from bot.knowledge.loader import load_categories, parse_advisory
from bot.knowledge.model import EXPECTED_SECTIONS

FLAGS = [
    "--id",
    "uk-fake-energy-rebate",
    "--title",
    "Fake energy rebate texts: 'claim now'",
    "--category",
    "phishing",
    "--issuer",
    "Test Fraud Centre",
    "--url",
    "https://fraud.example.org/rebate",
    "--date",
    "2024-09-30",
    "--region",
    "uk",
]


@pytest.fixture
def env(knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FRAUDBOT_KNOWLEDGE_DIR", str(knowledge_dir))
    return knowledge_dir


def test_flags_write_a_valid_advisory_with_guided_sections(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new-advisory", *FLAGS]) == 0
    path = env / "advisories" / "uk-fake-energy-rebate.md"
    assert str(path) in capsys.readouterr().out
    advisory, problems = parse_advisory(path, load_categories(env))
    assert advisory is not None and problems == []
    assert advisory.meta.title == "Fake energy rebate texts: 'claim now'"  # quoted safely in YAML
    assert advisory.meta.region == "UK" and advisory.meta.language == "en"
    assert str(advisory.meta.published) == "2024-09-30"
    text = path.read_text(encoding="utf-8")
    for name in EXPECTED_SECTIONS:
        assert f"## {name}\n<!-- " in text
    # lint: no errors, one "no text yet" warning per section, naming the line of its heading
    found = [p for p in lint_knowledge(env) if p.path == path]
    assert {p.severity for p in found} == {"warning"}
    lines = text.splitlines()
    assert sorted(lines[p.line - 1] for p in found if p.line) == sorted(f"## {n}" for n in EXPECTED_SECTIONS)


def test_refuses_to_overwrite_an_existing_file(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = env / "advisories" / "uk-fake-energy-rebate.md"
    path.write_text("an operator's unfinished draft\n", encoding="utf-8")
    assert main(["new-advisory", *FLAGS]) == 1
    assert "already exists; not overwriting" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "an operator's unfinished draft\n"


def test_bad_and_missing_flags_are_each_explained(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = [
        "--id",
        "fx-parcel",
        "--category",
        "phising",
        "--url",
        "ftp://x.org/a",
        "--date",
        "31/12/2024",
        "--region",
        "Britain",
        "--title",
        "T",
    ]
    before = sorted(p.name for p in (env / "advisories").iterdir())
    assert main(["new-advisory", *bad]) == 2
    err = capsys.readouterr().err
    assert "--id: id 'fx-parcel' is already used by another advisory" in err
    assert "--category: unknown category 'phising'; did you mean 'phishing'?" in err
    assert "--url: must be an http:// or https:// URL (got 'ftp://x.org/a')" in err
    assert "--date: must be a date written YYYY-MM-DD" in err
    assert "--region: must be a two-letter region code" in err
    assert "--title: String should have at least 3 characters" in err
    assert "--issuer is missing" in err
    assert "nothing written" in err
    assert sorted(p.name for p in (env / "advisories").iterdir()) == before


def test_prompts_ask_again_until_each_answer_is_valid(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(
        [
            "Not A Slug!",
            "tw-fake-refund-call",  # id: invalid, then valid
            "Fake refund calls",
            "refunds",
            "impersonation-service",  # category: unknown, then valid
            "Test Police",
            "https://police.example.org/refund",
            "2024-02-30",
            "2024-02-29",  # published: no such day, then valid
            "tw",
            "",  # language: take the default
        ]
    )
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    fields, errors = collect_fields({"title": None}, load_categories(env), {"fx-parcel"}, ask)
    assert errors == [] and fields is not None
    assert (fields.id, fields.category, str(fields.published), fields.region, fields.language) == (
        "tw-fake-refund-call",
        "impersonation-service",
        "2024-02-29",
        "TW",
        "en",
    )
    assert len(asked) == 11
    err = capsys.readouterr().err
    assert "--id: must be a lowercase slug" in err and "--category: unknown category 'refunds'" in err
    assert "phishing: Links, texts and emails" in err  # the category list is shown before asking


def test_terminal_session_prompts_for_missing_flags(env: Path, tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    answers = "Test Fraud Centre\nhttps://fraud.example.org/x\n2024-01-05\nUS\nen\n"
    os.write(controller, answers.encode())
    partial = ["--id", "us-test-prompted", "--title", "Prompted advisory", "--category", "shopping"]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "new-advisory", *partial],
        stdin=terminal,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "FRAUDBOT_KNOWLEDGE_DIR": str(env)},
    )
    os.close(terminal)
    os.close(controller)
    assert result.returncode == 0, result.stderr
    assert "Issuer:" in result.stdout and "Published:" in result.stdout
    advisory, problems = parse_advisory(env / "advisories" / "us-test-prompted.md", load_categories(env))
    assert advisory is not None and problems == []
    assert (advisory.meta.issuer, advisory.meta.region) == ("Test Fraud Centre", "US")
