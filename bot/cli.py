"""The ``fraudbot`` command line (also ``python -m bot``)."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from bot.commands import index as index_cmds
from bot.commands import operators as operator_cmds
from bot.settings import Settings, SettingsError, offline_environment

Command = Callable[[Settings, argparse.Namespace], int]


def _lazy(module: str, name: str) -> Command:
    """A subcommand imported only when it runs (the core loads torch and the model)."""

    def run(settings: Settings, args: argparse.Namespace) -> int:
        func: Command = getattr(importlib.import_module(f"bot.commands.{module}"), name)
        return func(settings, args)

    run.__doc__ = f"Run ``bot.commands.{module}.{name}``."
    return run


def _core(name: str) -> Command:
    """A subcommand of ``bot.commands.core_cmds``."""
    return _lazy("core_cmds", name)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="fraudbot", description="Fraud-awareness chatbot and its tools.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)

    index = sub.add_parser("index", help="build or inspect the search index")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    build = index_sub.add_parser("build", help="build the index (incremental)")
    build.add_argument("--full", action="store_true", help="re-embed everything")
    build.set_defaults(func=index_cmds.cmd_index_build)
    status = index_sub.add_parser("status", help="what the index holds and what changed since")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=index_cmds.cmd_index_status)

    lint = sub.add_parser("lint", help="check the knowledge folder (exit 1 on errors)")
    lint.add_argument(
        "--notes", action="store_true", help="also list notes (example messages only the model recognises)"
    )
    lint.set_defaults(func=index_cmds.cmd_lint)
    operator_cmds.add_parser(sub)

    search = sub.add_parser("search", help="search the advisories")
    search.add_argument("query", nargs="?", help="what to look for")
    search.add_argument("-k", type=int, default=5, help="how many hits")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--jsonl", action="store_true", help='read {"id","text"} lines on stdin')
    search.set_defaults(func=index_cmds.cmd_search)

    for name, func, help_text in (
        ("ask", _core("cmd_ask"), "answer a question from the advisories, with citations"),
        ("check", _core("cmd_check"), "check a suspicious message"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("text", nargs="?", help="the question or message")
        command.add_argument("--json", action="store_true", help="print JSON")
        command.add_argument("--jsonl", action="store_true", help='read {"id","text"} lines on stdin')
        command.add_argument(
            "--region", default="", help="region code for hotlines (default FRAUDBOT_REGION)"
        )
        command.set_defaults(func=func)
    checklist = sub.add_parser("checklist", help="walk the investment live-stream checklist")
    checklist.add_argument("--region", default="")
    checklist.set_defaults(func=_core("cmd_checklist"))
    sub.add_parser("chat", help="terminal chat with the whole core").set_defaults(func=_core("cmd_chat"))
    sub.add_parser("run", help="run the Telegram bot").set_defaults(func=_core("cmd_run"))
    sub.add_parser("start", help="the bot with a token, else the terminal chat").set_defaults(
        func=_core("cmd_start")
    )
    sub.add_parser("stats", help="usage counts from the store (no user text)").set_defaults(
        func=_core("cmd_stats")
    )
    bench = sub.add_parser("bench", help="run the benchmarks of docs/benchmarks.md (Markdown on stdout)")
    bench.add_argument("--parts", default="", help="comma-separated: retrieval, core, operators (all)")
    bench.set_defaults(func=_lazy("bench", "cmd_bench"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "bm25s", "sentence_transformers", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    offline_environment()
    try:
        settings = Settings()
    except SettingsError as exc:
        print(f"fraudbot: {exc}", file=sys.stderr)
        return 2
    func: Command = args.func
    try:
        return func(settings, args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
