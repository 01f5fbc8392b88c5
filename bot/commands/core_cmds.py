"""``fraudbot ask|check|checklist|chat|start|run|stats``: the core from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.commands.common import load_encoder, print_json, run_jsonl
from bot.core.results import Answer, CheckResult
from bot.core.service import FraudCore
from bot.settings import Settings
from bot.terminal import render_answer, render_check, run_chat, run_checklist

BOTFATHER_HELP = (
    "No Telegram token is configured. To run the bot:\n"
    "  1. In Telegram, open @BotFather, send /newbot and follow the steps.\n"
    "  2. Put the token it gives you in .env as FRAUDBOT_TELEGRAM_TOKEN=123456:ABC...\n"
    "  3. Start again. Without a token, `fraudbot chat` gives the same help in this terminal."
)


def load_core(settings: Settings) -> FraudCore:
    """The core with the (cached) configured encoder."""
    return FraudCore.load(settings, encoder=load_encoder(settings))


def answer_json(answer: Answer) -> dict[str, Any]:
    """The public JSON form of an answer (without the id)."""
    return {
        "answer": answer.text,
        "confident": answer.confident,
        "citations": [c.to_dict() for c in answer.citations],
    }


def check_json(result: CheckResult) -> dict[str, Any]:
    """The public JSON form of a check (without the id)."""
    return {
        "risk": result.risk,
        "signals": [
            {"name": s.name, "evidence": list(s.evidence), "explanation": s.explanation}
            for s in result.signals
        ],
        "advisories": [c.to_dict() for c in result.advisories],
        "next_steps": list(result.next_steps),
    }


def _one_or_batch(args: argparse.Namespace, core: FraudCore, single: Any, as_json: Any, render: Any) -> int:
    region = args.region or None
    if args.jsonl:
        return run_jsonl(
            sys.stdin, sys.stdout, lambda texts: [as_json(single(t, region=region)) for t in texts]
        )
    if not args.text:
        print("give the TEXT, or --jsonl to read lines from stdin", file=sys.stderr)
        return 2
    result = single(args.text, region=region)
    if args.json:
        print_json({"id": None, **as_json(result)})
    else:
        print(render(result))
    return 0


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    """Answer a question from the advisories."""
    core = load_core(settings)
    return _one_or_batch(args, core, core.ask, answer_json, render_answer)


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    """Check a suspicious message."""
    core = load_core(settings)
    return _one_or_batch(args, core, core.check, check_json, render_check)


def cmd_checklist(settings: Settings, args: argparse.Namespace) -> int:
    """Walk the investment live-stream checklist in the terminal."""
    run_checklist(load_core(settings), input, sys.stdout, args.region or None)
    return 0


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    """The terminal chat."""
    print("loading the model and the advisories…", file=sys.stderr)
    return run_chat(load_core(settings))


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """The Telegram bot; without a token, explain how to get one."""
    if settings.telegram.telegram_token is None or not settings.telegram.telegram_token.get_secret_value():
        print(BOTFATHER_HELP, file=sys.stderr)
        return 2
    from bot.telegram.app import run_bot

    return run_bot(settings)


def cmd_start(settings: Settings, args: argparse.Namespace) -> int:
    """The main job: the bot with a token, otherwise the terminal chat."""
    if settings.telegram.telegram_token is None or not settings.telegram.telegram_token.get_secret_value():
        print(
            "No FRAUDBOT_TELEGRAM_TOKEN set: starting the terminal chat instead of the Telegram bot.",
            file=sys.stderr,
        )
        return cmd_chat(settings, args)
    return cmd_run(settings, args)


def cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    """Counts of checks, answers, abstentions, checklist completions and feedback; never user text."""
    from bot.telegram.stats import format_stats, read_stats_for

    print(format_stats(read_stats_for(settings)))
    return 0
