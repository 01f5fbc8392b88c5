"""Core benchmarks: ask/check latency beside bare search; dev-set quality of checks, regions, routing."""

from __future__ import annotations

import functools
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from bot.bench.asking import abstention_rows, named_scam_rows, off_topic_rows, paid_story_rows
from bot.bench.core_scenario import core_scenario_rows
from bot.bench.dev_questions import (
    first_citations,
    load_dev_questions,
)
from bot.bench.timing import summary, time_calls, uncached
from bot.core.about_scams import AboutScamsModel
from bot.core.checks import HITS_PER_WINDOW
from bot.core.eval_messages import load_messages
from bot.core.exemplars import about_scams_model, operator_texts, scam_side_vectors
from bot.core.flag_matching import find_signals, prepare_text
from bot.core.routing import classify
from bot.core.service import ANSWER_HITS, FraudCore
from bot.core.windows import text_windows
from bot.retrieval.embedder import Encoder
from bot.retrieval.sparse import sparse_scores_many, tokenize

SHORT_MESSAGE = (
    "Hi dear, I am assistant of Prof. Lee. Our free VIP stock live room opens 8pm tonight on WhatsApp. "
    "Members made 35% last week with teacher's picks. Download our app from hxxp://vip-gain-invest.top "
    "and deposit $500 to start. Withdrawals need a small 10% verification fee. Reply YES to join now!"
)


def _sized(text: str, size: int) -> str:
    return (text + " ") * (size // (len(text) + 1)) + text[: size % (len(text) + 1)]


def long_message(messages_file: Path, size: int = 4096) -> str:
    """A forwarded chat of ``size`` characters: the scam messages of ``messages_file`` in order.

    Every window of it is different text: repeating one short message would let the encoder's cache
    encode each repeated window once and flatter the check.
    """
    scams = [m.text for m in load_messages(messages_file) if m.label == "scam"]
    return "\n\n".join(scams)[:size]


def latency_rows(core: FraudCore, long_text: str, baseline: Encoder | None = None) -> list[str]:
    """p50/p95 of ask and check at 300 characters and on ``long_text``, beside two floors for each.

    The floors: the bare search (what ``ask`` needs), and for ``check`` encoding all of the text in its
    windows, the part of the check no code of ours can avoid when every word is read by the model.
    Every call encodes afresh (the encoder's cache is emptied before each). With ``baseline`` (the same
    model run by torch in float32, when the core's runs otherwise) the same windows' encode with it is
    shown beside them.
    """
    rows = [
        "| what | p50 / p95 ms | floor: bare `search` p50 / p95 ms | floor: bare encode of all windows "
        "| baseline: the same encode, torch float32 |",
        "|---|---|---|---|---|",
    ]
    search = functools.partial(core.searcher.search, k=10)
    for text in (_sized(SHORT_MESSAGE, 300), long_text):
        size = len(text)
        floor = summary(time_calls(uncached(core.searcher.encoder, search, text), 60))
        windows = text_windows(text)
        encode = summary(
            time_calls(uncached(core.searcher.encoder, core.searcher.encoder.encode, windows), 60)
        )
        plain = summary(time_calls(functools.partial(baseline.encode, windows), 60)) if baseline else "–"
        for name, func, encode_floor, encode_baseline in (
            ("ask", core.ask, "–", "–"),
            ("check", core.check, f"{encode} ({len(windows)} window{'s' * (len(windows) > 1)})", plain),
        ):
            times = time_calls(uncached(core.searcher.encoder, func, text), 60)
            rows.append(
                f"| `{name}` {size} characters | {summary(times)} | {floor} | {encode_floor} "
                f"| {encode_baseline} |"
            )
    return rows


def pattern_rows(core: FraudCore, long_text: str) -> list[str]:
    """The long check's expressions with the RE2 filter beside every expression run by Python."""
    flags, data = core.data.red_flags, core.data.indicators
    prepared = prepare_text(long_text)
    rows = ["| what, 4096 characters | RE2 filter p50 / p95 ms | baseline: every expression in Python |"]
    rows.append("|---|---|---|")
    for name, func in (
        ("red-flag patterns (`find_signals`)", lambda f: find_signals(prepared, flags, filtered=f)),
        ("brand names (`mentioned`)", lambda f: data.mentioned(long_text, filtered=f)),
    ):
        with_filter = summary(time_calls(functools.partial(func, True), 60))
        without = summary(time_calls(functools.partial(func, False), 60))
        rows.append(f"| {name} | {with_filter} | {without} |")
    return rows


def window_search_rows(core: FraudCore, long_text: str) -> list[str]:
    """The long check's advisory search: all windows together beside one window at a time, and BM25 as one
    sparse product beside bm25s scoring each window term by term (what the check did before)."""
    searcher = core.searcher
    windows = text_windows(long_text)
    vectors = searcher.encoder.encode(windows)
    index, retriever = searcher.index.sparse, searcher.index.sparse.retriever

    def one_at_a_time() -> object:
        return [searcher.search_vector(w, v, HITS_PER_WINDOW) for w, v in zip(windows, vectors, strict=True)]

    def bm25s_each() -> object:
        known = ([t for t in tokenize([w])[0] if t in retriever.vocab_dict] for w in windows)
        return [retriever.get_scores(terms) for terms in known if terms]

    rows = [
        f"| what, 4096 characters ({len(windows)} windows, vectors given) | together p50 / p95 ms "
        "| baseline: one window at a time |",
        "|---|---|---|",
    ]
    for name, together, each in (
        (
            "hybrid search (`search_vectors`)",
            lambda: searcher.search_vectors(windows, vectors, HITS_PER_WINDOW),
            one_at_a_time,
        ),
        (
            "BM25 scores (sparse product; baseline bm25s `get_scores`)",
            lambda: sparse_scores_many(index, windows),
            bm25s_each,
        ),
    ):
        rows.append(f"| {name} | {summary(time_calls(together, 60))} | {summary(time_calls(each, 60))} |")
    return rows


def about_scams_rows(core: FraudCore) -> list[str]:
    """Training the "talks about scams" model on the core's examples, and its share of a short check."""
    data, exemplars = core.data, core.exemplars
    texts, is_scam = operator_texts(data.legitimate_examples, data.labelled_messages)
    scams = scam_side_vectors(exemplars.scam_vectors, exemplars.operator_vectors, is_scam)

    def train() -> AboutScamsModel | None:
        return about_scams_model(texts, is_scam, exemplars.operator_vectors, scams, data.red_flags)

    model = train()
    if model is None:
        return ['No "talks about scams" model: too few examples.']
    windows = exemplars.operator_vectors[:3]
    training = summary(time_calls(train, 5, warmup=1))
    scoring = summary(time_calls(lambda: model.probability(windows), 200))
    check = summary(time_calls(uncached(core.searcher.encoder, core.check, SHORT_MESSAGE), 30))
    return [
        f"Trained on {model.about_examples} messages about scams, {model.scam_examples} scam examples.",
        "",
        "| step | p50 / p95 ms | baseline: `check`, 300 characters |",
        "|---|---|---|",
        f"| choose the examples by the terms and train | {training} | {check} |",
        f"| its probability for a message of 3 windows | {scoring} | |",
    ]


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


def region_rows(core: FraudCore, eval_dir: Path) -> list[str]:
    """Per region, what ``ask`` cites first on the dev questions, beside the same answers ignoring regions."""
    questions = load_dev_questions(eval_dir / "questions")
    hits = core.searcher.search_many([q.question for q in questions], ANSWER_HITS)
    rows = [
        "| region | first citation labelled / and local | baseline: no region preference |",
        "|---|---|---|",
    ]
    for region in (r.code for r in core.regions()):
        count = functools.partial(
            first_citations, core.searcher, questions, hits, region, min_dense=core.min_answer_score
        )
        preferred, ignored = count(), count(prefer_region=False)
        rows.append(
            f"| {region} | {preferred.labelled} / {preferred.local} | {ignored.labelled} / {ignored.local} |"
        )
    rows.append(f"\nOf {len(questions)} dev questions; local means of the region or global.")
    return rows


def routing_rows(core: FraudCore, eval_dir: Path) -> list[str]:
    """Router accuracy per labelled routing file: the phrase rules alone, then with the classifier."""
    rows = ["| routing file | lines | phrase rules alone | rules + classifier |", "|---|---|---|---|"]
    for path in sorted(eval_dir.glob("routing*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        want = [str(i["intent"]) for i in items]
        forwarded = [bool(i.get("forwarded")) for i in items]
        texts = [str(i["text"]) for i in items]
        rules = [classify(t, core.data.intents, forwarded=f) for t, f in zip(texts, forwarded, strict=True)]
        full = [core.route(t, forwarded=f) for t, f in zip(texts, forwarded, strict=True)]
        rows.append(
            f"| `{path.name}` | {len(items)} | {_share(rules, want):.3f} | {_share(full, want):.3f} |"
        )
    rows.append("")
    for name, what in (
        ("paid_first_messages.yaml", "first messages of people who already paid"),
        ("not_paid_messages.yaml", "messages where nobody paid"),
    ):
        texts = [str(i["text"]) for i in yaml.safe_load((eval_dir / name).read_text(encoding="utf-8"))]
        by_rules = sum(classify(t, core.data.intents) == "paid" for t in texts)
        routed = sum(core.route(t) == "paid" for t in texts)
        rows.append(
            f'- {len(texts)} {what} (`{name}`): {routed} sent to the "I already paid" help '
            f"({by_rules} by the phrase rules alone)."
        )
    for name, what in (
        ("own_words_messages.yaml", "users' own messages with one to three quoted words"),
        ("pasted_short_messages.yaml", "pasted messages with one to three quoted words"),
    ):
        texts = [str(i["text"]) for i in yaml.safe_load((eval_dir / name).read_text(encoding="utf-8"))[:60]]
        checked = sum(core.route(t) == "check" for t in texts)
        rows.append(f"- 60 {what} (`{name}`, items 1-60): {checked} sent to the check.")
    return rows


def _share(got: Sequence[str], want: Sequence[str]) -> float:
    return statistics.mean(a == b for a, b in zip(got, want, strict=True))


def run_core_bench(core: FraudCore, eval_dir: Path, baseline: Encoder | None = None) -> str:
    """All core figures as Markdown (``baseline``: see :func:`latency_rows`)."""
    long_text = long_message(eval_dir / "messages.yaml")
    sections: list[tuple[str, Callable[[], list[str]]]] = [
        ("`ask` and `check` latency, model loaded", lambda: latency_rows(core, long_text, baseline)),
        ("The long check's expressions: RE2 filter", lambda: pattern_rows(core, long_text)),
        ("The long check's advisory search: windows together", lambda: window_search_rows(core, long_text)),
        ("Scam check quality", lambda: check_quality_rows(core, eval_dir)),
        ('The "talks about scams" model', lambda: about_scams_rows(core)),
        ("Abstention", lambda: abstention_rows(core, eval_dir)),
        ("Questions next to the topic: the off-topic gate", lambda: off_topic_rows(core, eval_dir)),
        ("Questions that name a scam", lambda: named_scam_rows(core, eval_dir)),
        ("The core scenario in a few words, and long stories", lambda: core_scenario_rows(core, eval_dir)),
        ('What to read after "I already paid"', lambda: paid_story_rows(core, eval_dir)),
        ("What `ask` cites first in each region", lambda: region_rows(core, eval_dir)),
        ("Routing", lambda: routing_rows(core, eval_dir)),
    ]
    lines: list[str] = []
    for title, rows in sections:
        lines += [f"### {title}", "", *rows(), ""]
    return "\n".join(lines)
