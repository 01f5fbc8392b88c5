"""The terminal front end: plain-text rendering, ``fraudbot chat`` and ``fraudbot checklist``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bot.core import checklist as engine
from bot.core.checklist import ChecklistOutcome, main_checklist
from bot.core.hotlines import REGION_ALIASES, format_hotlines_text
from bot.core.results import Answer, CheckResult, Citation, ReadingList, RegionHotlines, TriageResult
from bot.core.service import FraudCore

WELCOME = (
    "Fraud-awareness chat. Ask a question about a scam, paste a suspicious message to check it, or say\n"
    "'I already paid' for help. Commands: /check, /checklist, /hotline, /region XX, /help, /quit.\n"
    "I answer only from official advisories and never ask for money, codes or passwords."
)
GREETING = "Hello! Ask me about a scam, paste a message you are unsure about, or type /checklist."
CLOSING = "Take care. If another message worries you, paste it here before you reply."
OUT_OF_SCOPE = (
    "I can only help with scams and fraud: ask how a scam works, paste a suspicious message to check, "
    "take the investment live-stream checklist (/checklist), or get hotlines (/hotline)."
)
# After every answer and check, as the Telegram bot's buttons under them (checklist, "I already paid").
FOLLOW_UP = (
    "Worried? Type /checklist for the investment live-stream warning checklist, or tell me 'I already paid'."
)
CHECK_PROMPT = "Paste the message you want me to check (on one line):"
PRIVACY = "This chat keeps no record of what you type: each message is read in memory, then forgotten."
CANCELLED = "OK. Ask a question, paste a message to check, or type /help."
NO_CHECKLIST = (
    "Sorry, the checklist is not available right now. Ask me a question or paste a message instead."
)
ANSWERS = {
    "y": "yes",
    "yes": "yes",
    "n": "no",
    "no": "no",
    "u": "unsure",
    "?": "unsure",
    "not sure": "unsure",
}


def render_citations(citations: tuple[Citation, ...], stale: tuple[str, ...] = ()) -> list[str]:
    """Numbered source lines."""
    lines = ["Sources:"]
    for number, c in enumerate(citations, start=1):
        note = "  (more than 3 years old: check for newer advice)" if c.advisory_id in stale else ""
        lines.append(f"[{number}] {c.title} — {c.issuer}, {c.published}. {c.source_url}{note}")
    return lines


def render_reading_list(result: ReadingList) -> list[str]:
    """ "Read more:" and the advisories a result cites, or nothing when it cites none."""
    if not result.advisories:
        return []
    return ["", "Read more:", *render_citations(result.advisories, result.stale_citations)[1:]]


def render_hotlines(hotlines: RegionHotlines | None) -> list[str]:
    """The region's hotlines, or a pointer to /region."""
    if hotlines is None:
        return ["No hotlines are configured for this region: use /region to choose another."]
    return [format_hotlines_text(hotlines)]


def render_answer(answer: Answer) -> str:
    """An answer as plain text."""
    lines = [answer.text, ""]
    if answer.citations:
        lines += [*render_citations(answer.citations, answer.stale_citations), ""]
    return "\n".join(lines + render_hotlines(answer.hotlines))


def render_check(result: CheckResult) -> str:
    """A scam check as plain text."""
    lines = [f"Risk: {result.risk.upper()}", result.summary, ""]
    if result.signals:
        lines.append("Warning signs found:")
        for signal in result.signals:
            words = f" (words: {', '.join(signal.evidence)})" if signal.evidence else ""
            lines.append(f"- {signal.label}: {signal.explanation}{words}")
        lines.append("")
    lines.append("What to do now:")
    lines += [f"{n}. {step}" for n, step in enumerate(result.next_steps, start=1)]
    lines += render_reading_list(result)
    return "\n".join([*lines, "", *render_hotlines(result.hotlines)])


def render_triage(result: TriageResult) -> str:
    """Triage steps, evidence list and template as plain text."""
    lines = ["If you already paid, do these now, in order:"]
    lines += [f"{n}. {step}" for n, step in enumerate(result.steps, start=1)]
    lines += ["", "Keep this evidence:", *[f"- {item}" for item in result.evidence_checklist]]
    lines += ["", "Evidence summary you can copy and fill in:", result.evidence_template]
    lines += render_reading_list(result)
    return "\n".join([*lines, "", *render_hotlines(result.hotlines)])


def render_outcome(outcome: ChecklistOutcome) -> str:
    """A checklist verdict as plain text."""
    lines = [f"Result: {outcome.level.upper()} — {outcome.verdict_text}"]
    if outcome.stage:
        lines.append(f"Stage you appear to be at: {outcome.stage.label}")
    if outcome.red_flags:
        lines.append("Warning signs you confirmed: " + ", ".join(outcome.red_flags))
    lines += ["", "Next steps:", *[f"{n}. {s}" for n, s in enumerate(outcome.next_steps, start=1)]]
    lines += render_reading_list(outcome)
    return "\n".join([*lines, "", *render_hotlines(outcome.hotlines)])


def run_checklist(
    core: FraudCore,
    read: Callable[[str], str],
    out: TextIO,
    region: str | None = None,
    checklist_id: str | None = None,
) -> ChecklistOutcome | None:
    """Walk the checklist: y / n / u answers, b back, r restart, q (or end of input, Ctrl-C) stops."""
    checklist = core.checklists.get(checklist_id) if checklist_id else main_checklist(core.checklists)
    if checklist is None:
        print(NO_CHECKLIST, file=out)
        return None
    state = engine.start(checklist)
    print(
        f"{checklist.title}\n{checklist.intro}\n"
        "Answer y (yes), n (no), u (not sure); b back, r restart, q quit.",
        file=out,
    )
    while (question := engine.current_question(checklist, state)) is not None:
        i, n = engine.progress(checklist, state)
        try:
            reply = read(f"\nQuestion {i} of {n}: {question.text}\n> ").strip().lower()
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return None
        if reply in ("q", "quit", "/quit"):
            return None
        if reply in ("b", "back"):
            state = engine.back(checklist, state)
        elif reply in ("r", "restart"):
            state = engine.restart(checklist)
        elif reply in ANSWERS:
            state = engine.answer(checklist, state, ANSWERS[reply])
        else:
            print("Please answer y, n or u (or b, r, q).", file=out)
    outcome = core.checklist_outcome(checklist.id, state, region=region)
    print("\n" + render_outcome(outcome), file=out)
    return outcome


def checked(core: FraudCore, text: str, region: str) -> str:
    """The chat reply to a message to check: the verdict, then the follow-up."""
    return render_check(core.check(text, region=region)) + "\n\n" + FOLLOW_UP


def reply_to(core: FraudCore, text: str, region: str) -> str:
    """The chat reply to one line of free text."""
    intent = core.route(text)
    if intent == "greeting":
        return CLOSING if core.is_closing(text) else GREETING
    if intent == "out_of_scope":
        return OUT_OF_SCOPE + "\n\n" + "\n".join(render_hotlines(core.hotlines(region)))
    if intent == "paid":
        return render_triage(core.triage(text, region=region))
    if intent == "check":
        return checked(core, text, region)
    return render_answer(core.ask(text, region=region)) + "\n\n" + FOLLOW_UP


def _read_message(read: Callable[[str], str], out: TextIO) -> str:
    """Ask for the message to check; empty at the end of input."""
    print(CHECK_PROMPT, file=out)
    try:
        return read("paste> ").strip()
    except (EOFError, KeyboardInterrupt):
        return ""


def run_chat(core: FraudCore, read: Callable[[str], str] = input, out: TextIO = sys.stdout) -> int:
    """The terminal chat loop; ends on /quit or end of input."""
    region = core.default_region
    print(WELCOME, file=out)
    while True:
        try:
            text = read("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return 0
        if not text:
            continue
        command, _, arg = text.partition(" ")
        if not command.startswith("/") and (choice := core.menu_choice(text)):
            command, arg = f"/{choice}", ""  # "checklist" or "is this a scam?" typed without a slash
        if command in ("/quit", "/exit") or text.lower() in ("quit", "exit"):
            return 0  # a terminal user types "quit" as often as "/quit"
        if command in ("/help", "/start"):
            print(WELCOME, file=out)
        elif command == "/privacy":
            print(PRIVACY, file=out)
        elif command == "/cancel":
            print(CANCELLED, file=out)
        elif command == "/hotline":
            print("\n".join(render_hotlines(core.hotlines(region))), file=out)
        elif command == "/region":
            codes = [r.code for r in core.regions()]
            code = arg.strip().upper()
            code = code if code in codes else REGION_ALIASES.get(code, code)  # GB for UK
            if code in codes:
                region = code
                print(f"Region set to {region}.", file=out)
            else:
                print(f"Choose one of: {', '.join(codes)} (e.g. /region HK).", file=out)
        elif command == "/checklist":
            run_checklist(core, read, out, region)
        elif command == "/check":
            check_text = arg.strip() or _read_message(read, out)
            if check_text:
                print("\n" + checked(core, check_text, region), file=out)
        else:
            print("\n" + reply_to(core, text, region), file=out)
