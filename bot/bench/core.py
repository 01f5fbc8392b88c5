"""Core benchmarks: ask/check latency beside bare search; dev-set quality of checks, abstention, routing."""

from __future__ import annotations

import functools
import statistics
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.bench.dev_questions import load_dev_questions
from bot.bench.timing import summary, time_calls
from bot.core.eval_messages import load_messages
from bot.core.service import FraudCore
from bot.core.windows import text_windows

SHORT_MESSAGE = (
    "Hi dear, I am assistant of Prof. Lee. Our free VIP stock live room opens 8pm tonight on WhatsApp. "
    "Members made 35% last week with teacher's picks. Download our app from hxxp://vip-gain-invest.top "
    "and deposit $500 to start. Withdrawals need a small 10% verification fee. Reply YES to join now!"
)


def _sized(text: str, size: int) -> str:
    return (text + " ") * (size // (len(text) + 1)) + text[: size % (len(text) + 1)]


def latency_rows(core: FraudCore) -> list[str]:
    """p50/p95 of ask and check at 300 and 4096 characters, beside two floors for the same text.

    The floors: the bare search (what ``ask`` needs), and for ``check`` encoding all of the text in its
    windows, the part of the check no code of ours can avoid when every word is read by the model.
    """
    rows = [
        "| what | p50 / p95 ms | floor: bare `search` p50 / p95 ms | floor: bare encode of all windows |",
        "|---|---|---|---|",
    ]
    for size in (300, 4096):
        text = _sized(SHORT_MESSAGE, size)
        floor = summary(time_calls(functools.partial(core.searcher.search, text, 10), 60))
        windows = text_windows(text)
        encode = summary(time_calls(functools.partial(core.searcher.encoder.encode, windows), 60))
        for name, func, encode_floor in (
            ("ask", core.ask, "–"),
            ("check", core.check, f"{encode} ({len(windows)} window{'s' * (len(windows) > 1)})"),
        ):
            times = time_calls(functools.partial(func, text), 60)
            rows.append(f"| `{name}` {size} characters | {summary(times)} | {floor} | {encode_floor} |")
    return rows


def check_quality_rows(core: FraudCore, eval_dir: Path) -> list[str]:
    """Detection and false-positive rate of ``check`` on every labelled messages file."""
    rows = [
        "| messages file | scams | detection (high+medium) | legitimate | false positives |",
        "|---|---|---|---|---|",
    ]
    for path in sorted(eval_dir.glob("messages*.yaml")):
        messages = load_messages(path)
        risks = [(m.label, core.check(m.text).risk) for m in messages]
        scams = [r for label, r in risks if label == "scam"]
        legit = [r for label, r in risks if label == "legit"]
        detected = sum(r != "low" for r in scams) / max(len(scams), 1)
        false_pos = sum(r != "low" for r in legit) / max(len(legit), 1)
        rows.append(f"| `{path.name}` | {len(scams)} | {detected:.3f} | {len(legit)} | {false_pos:.3f} |")
    return rows


def abstention_rows(core: FraudCore, eval_dir: Path) -> list[str]:
    """How often ``ask`` answers in-scope questions vs questions no advisory answers."""
    in_scope = [q.question for q in load_dev_questions(eval_dir / "questions")]
    out_scope = [str(q) for q in yaml.safe_load((eval_dir / "unanswerable.yaml").read_text(encoding="utf-8"))]

    def answered(questions: list[str]) -> float:
        return statistics.mean(core.ask(q).confident for q in questions)

    return [
        f"With `FRAUDBOT_ANSWER_MIN_SCORE={core.min_answer_score}`: answers {answered(in_scope):.3f} of "
        f"{len(in_scope)} labelled questions and {answered(out_scope):.3f} of {len(out_scope)} questions "
        'no advisory answers (lower is better; the rest get "I\'m not sure" with the checklist and hotline).'
    ]


def routing_rows(core: FraudCore, eval_dir: Path) -> list[str]:
    """Router accuracy on the labelled routing lines."""
    items = yaml.safe_load((eval_dir / "routing.yaml").read_text(encoding="utf-8"))
    correct = [core.route(i["text"], forwarded=bool(i.get("forwarded"))) == i["intent"] for i in items]
    return [
        f"Router accuracy on `routing.yaml`: {statistics.mean(correct):.3f} of {len(items)} lines "
        "(tuned on this set; fresh batches measured 0.77 and 0.82 before tuning)."
    ]


def run_core_bench(core: FraudCore, eval_dir: Path) -> str:
    """All core figures as Markdown."""
    sections: list[tuple[str, Callable[[], list[str]]]] = [
        ("`ask` and `check` latency, model loaded", lambda: latency_rows(core)),
        ("Scam check quality", lambda: check_quality_rows(core, eval_dir)),
        ("Abstention", lambda: abstention_rows(core, eval_dir)),
        ("Routing", lambda: routing_rows(core, eval_dir)),
    ]
    lines: list[str] = []
    for title, rows in sections:
        lines += [f"### {title}", "", *rows(), ""]
    return "\n".join(lines)
