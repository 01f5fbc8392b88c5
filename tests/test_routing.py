"""The router: accuracy on the labelled dev set, tricky cases, hostile input, and the intents file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import get_args

import pytest
import yaml
from conftest import intents_variant

from bot.core.intent_model import load_intent_examples_from
from bot.core.results import Intent
from bot.core.routing import IntentRules, classify, is_closing, load_intents, menu_choice, pasted_score
from bot.core.service import FraudCore
from bot.knowledge.problems import KnowledgeFileError

ROOT = Path(__file__).resolve().parent.parent
INTENTS = ROOT / "knowledge" / "intents.yaml"
DEV_SET = ROOT / "tests" / "eval" / "routing.yaml"


def test_dev_set_accuracy(rules: IntentRules) -> None:
    items = yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))
    assert len(items) >= 60
    assert {item["intent"] for item in items} == set(get_args(Intent))
    totals: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    misses = []
    for item in items:
        got = classify(item["text"], rules, forwarded=item.get("forwarded", False))
        totals[item["intent"]] += 1
        if got == item["intent"]:
            hits[item["intent"]] += 1
        else:
            misses.append(f"  want {item['intent']}, got {got}: {item['text'][:80]!r}")
    accuracy = sum(hits.values()) / len(items)
    report = "\n".join(
        [f"routing accuracy {accuracy:.3f} on {len(items)} messages"]
        + [f"  {intent:13} {hits[intent]}/{totals[intent]}" for intent in sorted(totals)]
        + misses
    )
    print(report)
    assert accuracy >= 0.9, report


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a question wrapping a pasted message is a message to check
        ("Is this a scam? 'Your parcel is held, pay £1.99 at hxxp://parcel-fee.top'", "check"),
        ("is this real?? “Dear customer, your account will be closed today, verify here”", "check"),
        ("I got this text: Your Netflix payment failed, update your card details to keep watching", "check"),
        # first-person questions stay questions, even with scam words in them
        ("How do I know if a stock tips group is a scam?", "question"),
        ("Someone texted me saying I won a prize. Is that real?", "question"),
        ("Should I click the link in the text I got?", "question"),
        ("I'm not sure what it's about, my bank's app showed a warning", "question"),
        # paid wins over question; negations and the scammer's own words do not count as paid
        ("I already paid the withdrawal fee, what should I do now?", "paid"),
        ("They won't let me withdraw and I've paid fees", "paid"),
        ("I haven't paid anything yet, is it a scam?", "question"),
        ("Did I do the right thing? They asked me to send money but I didn't.", "question"),
        ('Is this real? "I have sent you the money, now send me your bank details so it can clear"', "check"),
        ("Hello dear, I have transferred 500 USDT to your account, please check it", "check"),
        # greetings only when the message is nothing but a greeting
        ("hello!!! 👋😊", "greeting"),
        ("hello, is this a scam?", "question"),
        ("Hi, I was scammed", "paid"),
        # off topic only without any fraud or money words
        ("What's the weather in Hong Kong tomorrow?", "out_of_scope"),
        ("Can I get scammed through football betting sites?", "question"),
        ("You have won 2 tickets to the football final! Click here to claim before midnight", "check"),
        # short, ambiguous money or fraud text is a question
        ("bitcoin", "question"),
        ("scam", "question"),
        ("money gone?", "question"),
    ],
)
def test_tricky_cases(rules: IntentRules, text: str, expected: str) -> None:
    assert classify(text, rules) == expected


def test_forwarded_messages_are_always_checked(rules: IntentRules) -> None:
    for text in ("hi", "I already paid", "What's the weather?", "", "How do I report a scam?"):
        assert classify(text, rules, forwarded=True) == "check"


def test_pasted_cues_add_up(rules: IntentRules) -> None:
    assert pasted_score("What is pig butchering?", rules) == 0
    assert pasted_score("Is www.example-trade.top real?", rules) == 2  # a link
    assert pasted_score("Who owns 0300 123 4567?", rules) == 2  # a phone number
    assert pasted_score("Who owns 2024?", rules) == 0  # a year is not a phone number
    assert pasted_score("line one\nline two", rules) == 1
    multi = "Dear customer\nYour account is locked.\nCall 0800 123 4567 now or visit bank-help.co"
    assert pasted_score(multi, rules) >= 6


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "\x00\x01\x02",
        "🙂" * 50,
        "你好，这是诈骗吗？",
        "A" * 100_000,
        "?" * 5000,
        "(((((((((((",
        "'" * 300,
        '"' + "x" * 10_000,
        "http://" * 2000,
        "1" * 10_000,
        "\u202e\u200b" * 100,
    ],
)
def test_hostile_input_gets_an_intent_not_a_crash(rules: IntentRules, text: str) -> None:
    assert classify(text, rules) in get_args(Intent)


@pytest.mark.parametrize(
    "text", ["thanks", "Thank you so much!", "thanks, that was really helpful 🙏", "ok", "Bye"]
)
def test_thanks_and_goodbye_are_greetings_that_close_the_conversation(rules: IntentRules, text: str) -> None:
    assert classify(text, rules) == "greeting"
    assert is_closing(text, rules)


@pytest.mark.parametrize("text", ["hello", "good morning", "", "thanks, but is this a scam?"])
def test_a_hello_or_a_question_does_not_close_it(rules: IntentRules, text: str) -> None:
    assert not is_closing(text, rules)


@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ("checklist", "checklist"),
        ("Checklist!", "checklist"),
        ("start the warning checklist please", "checklist"),
        ("check list", "checklist"),
        ("hotline", "hotline"),
        ("Helplines?", "hotline"),
        ("give me the police hotline", "hotline"),
        ("who do I call?", "hotline"),
        ("help", "help"),
        ("What can you do?", "help"),
        ("menu", "help"),
        ("can you help me please", "help"),
        ("I need help!!", "help"),
        ("is this a scam?", "check"),
        ("Is this real??", "check"),
        ("scam or not", "check"),
        ("could this email be phishing", "check"),
        ("can you check this for me please", "check"),
        ("who are you?", "start"),
        ("is this bot a scam?", "start"),
        ("How do I know you are real", "start"),
        ("do you store my messages?", "privacy"),
        ("cancel", "cancel"),
        ("Stop!", "cancel"),
    ],
)
def test_a_menu_item_typed_without_its_slash_is_named(rules: IntentRules, text: str, choice: str) -> None:
    assert menu_choice(text, rules) == choice


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "help me, I think I have been scammed",
        "is this a scam? they want 500 pounds to release my parcel",
        "who do I call if my card was stolen and used",
        "stop the payment",
        "are you sure the bank will refund me?",
        "is there a checklist for romance scams?",
        "they gave me a hotline number to call, is it real?",
        "/checklist",
        "checklist " * 500,
        "🆘" * 5000,
    ],
)
def test_a_message_that_only_mentions_a_menu_item_is_not_a_menu_choice(rules: IntentRules, text: str) -> None:
    assert menu_choice(text, rules) is None


def test_empty_message_is_treated_as_a_greeting(rules: IntentRules) -> None:
    assert classify("", rules) == "greeting"
    assert classify(" 👋 ", rules) == "greeting"


def test_text_past_the_telegram_limit_is_ignored(rules: IntentRules) -> None:
    padding = "Tell me how scams work. " * 200  # 4800 characters of the user's own words
    assert classify(padding + "I already paid them £5000", rules) == "question"
    assert classify("I already paid them £5000. " + padding, rules) == "paid"


def test_operators_can_extend_the_phrase_lists(tmp_path: Path, rules: IntentRules) -> None:
    assert classify("mi hanno truffato", rules) == "question"
    path = intents_variant(tmp_path, "paid:\n", "paid:\n  - '\\bmi hanno truffato\\b'\n")
    assert classify("mi hanno truffato", load_intents(path)) == "paid"


def test_a_bad_pattern_is_named_with_its_line(tmp_path: Path) -> None:
    path = intents_variant(tmp_path, "paid:\n", "paid:\n  - '(unclosed'\n")
    with pytest.raises(KnowledgeFileError) as caught:
        load_intents(path)
    problem = caught.value.problems[0]
    assert problem.field == "paid[0]"
    assert problem.message.startswith("not a valid regular expression: missing ), unterminated subpattern")
    line = INTENTS.read_text(encoding="utf-8").splitlines().index("paid:") + 2
    assert problem.line == line


def test_a_pattern_that_matches_everything_is_refused(tmp_path: Path) -> None:
    path = intents_variant(tmp_path, "greeting:\n", "greeting:\n  - 'x*'\n")
    with pytest.raises(KnowledgeFileError, match=r"greeting\[0\]: matches an empty message, so anything"):
        load_intents(path)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("pasted:\n", "pastd:\n", "pastd: unknown field (a typo?)"),
        ("greeting:\n", "greeting: []\nold_greeting:\n", "greeting: List should have at least 1 item"),
        ("in_scope:\n", "in_scope:\n  - 42\n", "in_scope[0]: Input should be a valid string"),
        ("not_paid:\n", "not_paid: [oops\n", "(file): broken YAML"),
        ("paid:\n", "paid:\n  - 'sent {sum}'\n", "paid[0]: uses {sum}, which is not in parts"),
        ("parts:\n", "parts:\n  first: 'x{amount}'\n", "parts.first: uses {amount}, not a part above it"),
        ("parts:\n", "parts:\n  broken: '(unclosed'\n", "parts.broken: not a valid regular expression"),
    ],
)
def test_file_problems_are_named(tmp_path: Path, old: str, new: str, expected: str) -> None:
    with pytest.raises(KnowledgeFileError) as caught:
        load_intents(intents_variant(tmp_path, old, new))
    found = [f"{p.field}: {p.message}" for p in caught.value.problems]
    assert any(problem.startswith(expected) for problem in found), found


ROUTING_SETS = sorted((ROOT / "tests" / "eval").glob("routing*.yaml"))


def normalized(text: str) -> str:
    """A text with case and spacing ignored."""
    return " ".join(text.casefold().split())


def test_the_classifiers_examples_are_not_in_the_measuring_sets() -> None:
    examples = load_intent_examples_from(ROOT / "knowledge")
    assert examples is not None
    learned = {normalized(text) for _, text in examples.examples}
    measured = [item["text"] for path in ROUTING_SETS for item in yaml.safe_load(path.read_text("utf-8"))]
    assert len(measured) >= 300 and not [text for text in measured if normalized(text) in learned]


# Measured with the bundled model (rules alone -> rules + classifier), 2026-12-05 after rule Z12's quotes:
# routing.yaml 1.000 -> 0.988 (the rules were tuned on it), routing_fresh_a.yaml 0.747 -> 0.953
# (min_probability was chosen on it) and the held-out routing_fresh_b.yaml 0.680 -> 0.913 and
# routing_fresh_c.yaml 0.747 -> 0.913.
WHOLE_ROUTER_FLOORS = {
    "routing.yaml": 0.95,
    "routing_fresh_a.yaml": 0.94,
    "routing_fresh_b.yaml": 0.84,
    "routing_fresh_c.yaml": 0.89,
}


@pytest.mark.parametrize("path", ROUTING_SETS, ids=lambda p: p.name)
def test_the_whole_router_with_its_classifier(path: Path, core: FraudCore) -> None:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    got = [core.route(i["text"], forwarded=i.get("forwarded", False)) for i in items]
    pairs = zip(items, got, strict=True)
    misses = [f"want {i['intent']}, got {g}: {i['text'][:60]!r}" for i, g in pairs if g != i["intent"]]
    assert 1 - len(misses) / len(items) >= WHOLE_ROUTER_FLOORS[path.name], misses
    questions_sent_away = [m for m in misses if m.startswith("want question, got out_of_scope")]
    assert not questions_sent_away  # a worried question must never be called off topic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I gave them the code from my bank", "paid"),  # no listed "paid" phrase, the classifier knows
        ("they've got my money and now they won't answer", "paid"),
        ("my printer keeps jamming, how do I fix it?", "out_of_scope"),
        ("how do I change my bank card PIN", "question"),  # money words veto "off topic": never turned away
        ("How do fake investment live broadcasts work?", "question"),
        ("I haven't paid anything yet, is it a scam?", "question"),  # the rules decide: never overridden
    ],
)
def test_the_classifier_catches_what_the_phrases_miss(core: FraudCore, text: str, expected: str) -> None:
    assert core.route(text) == expected
