"""The terminal front end (`fraudbot chat`, `fraudbot checklist`, and `fraudbot start` without a token)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from bot_process import bot_process_env

from bot.core.service import FraudCore
from bot.retrieval.embedder import Encoder
from bot.settings import PathSettings, RegionSettings, Settings
from bot.terminal import (
    CANCELLED,
    CHECK_PROMPT,
    CLOSING,
    FOLLOW_UP,
    GREETING,
    NO_CHECKLIST,
    PRIVACY,
    WELCOME,
    render_answer,
    run_chat,
    run_checklist,
)

SCAM = (
    "Dear customer, your account shows 58,000 USDT profit. To withdraw you must first pay 20% income tax "
    "to unfreeze the funds within 24h or the account will be closed. Contact our teacher on WhatsApp."
)
QUESTION = "Why do they ask me to pay a tax before I can take out my profits?"


def scripted(lines: Iterable[str], end: type[BaseException] = EOFError) -> Callable[[str], str]:
    """An ``input`` stand-in that types ``lines`` in turn, then raises ``end`` (EOF by default)."""
    remaining = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(remaining)
        except StopIteration:
            raise end from None

    return read


def chat(core: FraudCore, *lines: str, end: type[BaseException] = EOFError) -> tuple[int, str]:
    """Run the chat over ``lines``; its exit code and everything it printed."""
    out = io.StringIO()
    code = run_chat(core, scripted(lines, end), out)
    return code, out.getvalue()


def test_the_chat_answers_checks_and_helps_after_paying(core: FraudCore) -> None:
    code, text = chat(
        core, "hello", QUESTION, SCAM, "I already paid them 5000 pounds, what do I do now?", "thank you!"
    )
    assert code == 0
    assert text.startswith(WELCOME) and text.count(GREETING) == 1 and text.rstrip().endswith(CLOSING)
    answer = core.ask(QUESTION)
    assert answer.text in text and answer.citations[0].source_url in text
    assert "Risk: HIGH" in text and "Warning signs found:" in text and "What to do now:" in text
    assert "If you already paid, do these now, in order:" in text and "____" in text
    assert "more than 3 years old" in text  # the fixture's live-stream advisory is from 2019
    assert "Where to get help in United Kingdom:" in text
    assert text.count(FOLLOW_UP) == 2  # after the answer and the check, like the bot's buttons


def test_after_paying_the_chat_first_lists_what_to_read_about_that_scam(core: FraudCore) -> None:
    story = (
        "I already paid! A stock teacher in a WhatsApp group told me to invest on his trading app, "
        "I made profits, then they wanted a 20% tax to withdraw and I paid it."
    )
    _, text = chat(core, story)
    assert "If you already paid, do these now, in order:" in text
    assert "[1] Investment live broadcasts that let you win a little, then take everything" in text


def test_an_abstention_printed_by_the_cli_names_no_chat_command(core: FraudCore) -> None:
    answer = core.ask("how long should I boil an egg")
    assert not answer.confident
    assert "/checklist" not in render_answer(answer)  # `fraudbot ask` is not the chat


def test_the_chat_changes_region_and_refuses_an_unknown_one(core: FraudCore) -> None:
    code, text = chat(core, "/region hk", "/hotline", "/region XX", "/region", "/region GB")
    assert code == 0
    assert "Region set to HK." in text and "Where to get help in Hong Kong:" in text
    assert "Region set to UK." in text  # GB is another name for the UK
    assert text.count("Choose one of:") == 2 and "UK" in text.split("Choose one of:")[1]


def test_the_chat_explains_itself_and_what_it_does_not_do(core: FraudCore) -> None:
    code, text = chat(core, "/help", "", "   ", "how long should I boil an egg")
    assert code == 0
    assert text.count(WELCOME) == 2
    assert "I can only help with scams and fraud" in text or "not sure" in text
    assert "boil" not in text  # the user's words are never echoed


def test_the_chat_ends_on_quit_end_of_input_and_ctrl_c(core: FraudCore) -> None:
    assert chat(core, "/quit", "hello")[1].count(GREETING) == 0
    assert chat(core, "/exit")[0] == 0
    for typed in ("quit", "Exit"):
        assert chat(core, typed, "hello")[1].count(GREETING) == 0
    assert chat(core, "hello", end=KeyboardInterrupt) == (0, chat(core, "hello")[1])


def test_the_checklist_in_the_chat_walks_every_question_with_back_and_restart(core: FraudCore) -> None:
    checklist = core.checklists["investment-livestream"]
    total = len(checklist.questions)
    answers = ["y", "maybe", "b", "y", "r", *["yes"] * (total - 1), "u"]
    code, text = chat(core, "/checklist", *answers, "/region HK", "/checklist", "q")
    assert code == 0
    assert f"Question 1 of {total}" not in text  # prompts go to the reader, not to the output
    assert "Please answer y, n or u (or b, r, q)." in text
    assert text.count("Result: HIGH") == 1 and "Next steps:" in text
    assert "Region set to HK." in text  # the chat carried on after the checklist


def test_menu_items_typed_without_their_slash_do_what_the_commands_do(core: FraudCore) -> None:
    code, text = chat(core, "checklist", "q", "Hotline", "help")
    assert code == 0
    assert "Answer y (yes), n (no), u (not sure)" in text  # the checklist started
    assert "Where to get help in United Kingdom:" in text
    assert text.count(WELCOME) == 2 and "I could not find an advisory" not in text


def test_questions_about_the_bot_itself_get_its_own_texts(core: FraudCore) -> None:
    code, text = chat(core, "who are you?", "is this bot a scam?", "do you store my messages", "cancel")
    assert code == 0
    assert text.count(WELCOME) == 3 and PRIVACY in text and CANCELLED in text
    assert "Here is what the official advisories say" not in text


def test_asking_is_this_a_scam_without_the_message_asks_for_it_then_checks_it(core: FraudCore) -> None:
    code, text = chat(core, "is this a scam?", SCAM, f"/check {SCAM}", "/check")
    assert code == 0
    assert text.count(CHECK_PROMPT) == 2  # "/check" alone asks too; the input then ended
    assert text.count("Risk: HIGH") == 2 and "I could not find an advisory" not in text


def test_the_checklist_stops_cleanly_when_the_input_ends_or_on_ctrl_c(core: FraudCore) -> None:
    for end in (EOFError, KeyboardInterrupt):
        out = io.StringIO()
        assert run_checklist(core, scripted(["y", "n"], end), out) is None
        code, text = chat(core, "/checklist", "y", end=end)
        assert code == 0 and "Result:" not in text


def test_the_checklist_returns_its_outcome(core: FraudCore) -> None:
    checklist = core.checklists["investment-livestream"]
    prompts: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return "n"

    out = io.StringIO()
    outcome = run_checklist(core, read, out, "US")
    assert outcome is not None and outcome.complete and outcome.level == "low"
    assert len(prompts) == len(checklist.questions)
    assert prompts[0].startswith(f"\nQuestion 1 of {len(checklist.questions)}: ")
    assert f"Result: LOW — {outcome.verdict_text}" in out.getvalue()  # its text never says "safe"
    assert "Where to get help in United States:" in out.getvalue()


def test_without_a_usable_checklist_the_chat_says_so_and_goes_on(
    knowledge_dir: Path, encoder: Encoder, tmp_path: Path
) -> None:
    (knowledge_dir / "checklists" / "investment-livestream.yaml").write_text(
        "questions: [\n", encoding="utf-8"
    )
    paths = PathSettings(
        knowledge_dir=knowledge_dir, index_dir=tmp_path / "index", data_dir=tmp_path / "data"
    )
    core = FraudCore.load(Settings(paths=paths, region=RegionSettings(region="UK")), encoder=encoder)
    assert core.checklists == {}  # the broken file is skipped, the rest of the core works
    code, text = chat(core, "/checklist", "hello")
    assert code == 0 and NO_CHECKLIST in text and GREETING in text


def test_fraudbot_start_without_a_token_is_the_terminal_chat(
    built_index: Path, core: FraudCore, tmp_path: Path
) -> None:
    # ``core`` has stored this knowledge's classifiers, so the process loads them rather than trains.
    shutil.copytree(built_index, tmp_path / "copy")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "start"],
        input=f"hello\n{SCAM}\n/quit\n",
        env=bot_process_env(tmp_path / "copy", tmp_path / "data"),
        cwd=tmp_path, text=True, capture_output=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "No FRAUDBOT_TELEGRAM_TOKEN set: starting the terminal chat" in done.stderr
    assert WELCOME in done.stdout and GREETING in done.stdout and "Risk: HIGH" in done.stdout
    assert "Traceback" not in done.stderr
