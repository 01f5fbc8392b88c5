"""The checklist engine: a pure state machine over a loaded checklist, and the outcome it leads to.

The state is a tiny value (which checklist, which version, one character per answer), so a front end
can keep it anywhere, put it in a button, and resume after a restart. Nothing here knows Telegram.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.checklist_file import (
    MAX_QUESTIONS,
    Checklist,
    Question,
    Stage,
    Verdict,
    checklist_tag,
    load_checklist,
    load_checklists,
)
from bot.core.results import Citation, ReadingList, RegionHotlines, Risk

__all__ = [
    "CHOICES",
    "MAX_ENCODED_LENGTH",
    "Checklist",
    "ChecklistOutcome",
    "ChecklistState",
    "InvalidState",
    "Question",
    "Stage",
    "StaleState",
    "Verdict",
    "answer",
    "back",
    "current_question",
    "decode_state",
    "encode_state",
    "evaluate",
    "is_complete",
    "load_checklist",
    "load_checklists",
    "main_checklist",
    "progress",
    "restart",
    "start",
]

CHOICES: dict[str, str] = {"yes": "y", "no": "n", "unsure": "u"}
MAX_ENCODED_LENGTH = 4 + 1 + 6 + 1 + MAX_QUESTIONS  # tag.version.answers
_ENCODED_RE = re.compile(r"([a-z2-7]{4})\.([0-9a-f]{6})\.([ynu]*)")

# Fixed next steps by verdict level; they follow the stage's own advice. Never say "safe".
LEVEL_STEPS: dict[str, tuple[str, ...]] = {
    "high": (
        "Do not send any more money. Never pay a 'tax', 'fee', 'deposit' or 'unfreezing' charge to "
        "withdraw: it only leads to more demands.",
        "Stop replying to the people who contacted you, and do not install any app or share any code "
        "they ask for.",
        "If you have already paid, call your bank now on the number on the back of your card and report "
        "it to the police. Choose 'I already paid' for step-by-step help.",
    ),
    "medium": (
        "Pause: send no money and no personal details until you have checked independently.",
        "Look the company up yourself on the financial regulator's register, and contact it only through "
        "details you found yourself, never ones the contact gave you.",
        "Talk it over with someone you trust before you decide anything.",
    ),
    "low": (
        "No strong warning signs from your answers, but stay careful: never pay to get your own money "
        "out, and check any investment offer with the financial regulator before you pay.",
        "If anything changes (pressure to invest more, a new fee, a blocked withdrawal), run this "
        "checklist again.",
    ),
}


class InvalidState(ValueError):
    """A checklist state that cannot be used: malformed, tampered with, or not fitting the checklist."""


class StaleState(InvalidState):
    """A state made for a checklist that has since changed or been removed; start again."""


PREFERRED_CHECKLIST = "investment-livestream"  # the checklist the front ends offer


@dataclass(frozen=True)
class ChecklistState:
    """Where a user is in a checklist: one character per answered question ('y', 'n' or 'u')."""

    checklist_id: str
    version: str
    answers: str = ""


@dataclass(frozen=True)
class ChecklistOutcome(ReadingList):
    """What the answers mean. ``level`` "low" never means safe."""

    checklist_id: str
    title: str
    level: Risk
    verdict_text: str
    score: float
    max_score: float
    complete: bool
    stage: Stage | None  # the latest stage with a "yes" answer
    red_flags: tuple[str, ...]  # red flag names of the questions answered "yes"
    confirmed: tuple[str, ...]  # texts of the questions answered "yes"
    unsure: tuple[str, ...]  # texts of the questions answered "not sure"
    next_steps: tuple[str, ...]
    advisories: tuple[Citation, ...]
    hotlines: RegionHotlines | None


def main_checklist(checklists: Mapping[str, Checklist]) -> Checklist | None:
    """The investment live-stream checklist (by id, else by category, else the first one), or None.

    Every front end walks this one: a renamed file still serves, and None (no checklist loaded, e.g. its
    file is broken) lets each say so instead of failing.
    """
    if PREFERRED_CHECKLIST in checklists:
        return checklists[PREFERRED_CHECKLIST]
    by_category = [c for c in checklists.values() if c.category == PREFERRED_CHECKLIST]
    candidates = by_category or list(checklists.values())
    return candidates[0] if candidates else None


def _checked(checklist: Checklist, state: ChecklistState) -> ChecklistState:
    """Refuse a state that does not belong to this checklist or is malformed."""
    if state.checklist_id != checklist.id or state.version != checklist.version:
        raise StaleState(f"this state belongs to another version of checklist '{state.checklist_id}'")
    if len(state.answers) > len(checklist.questions) or state.answers.strip("ynu"):
        raise InvalidState("the answers do not fit this checklist")
    return state


def start(checklist: Checklist) -> ChecklistState:
    """A fresh state at the first question."""
    return ChecklistState(checklist.id, checklist.version, "")


def restart(checklist: Checklist) -> ChecklistState:
    """Throw the answers away and go back to the first question."""
    return start(checklist)


def answer(checklist: Checklist, state: ChecklistState, choice: str) -> ChecklistState:
    """Record "yes", "no" or "unsure" for the current question; a finished checklist ignores answers."""
    state = _checked(checklist, state)
    if choice not in CHOICES:
        raise InvalidState(f"unknown choice {choice!r}; expected one of {', '.join(CHOICES)}")
    if is_complete(checklist, state):
        return state
    return ChecklistState(state.checklist_id, state.version, state.answers + CHOICES[choice])


def back(checklist: Checklist, state: ChecklistState) -> ChecklistState:
    """Undo the last answer; at the first question nothing changes."""
    state = _checked(checklist, state)
    return ChecklistState(state.checklist_id, state.version, state.answers[:-1])


def is_complete(checklist: Checklist, state: ChecklistState) -> bool:
    """Whether every question has an answer."""
    return len(_checked(checklist, state).answers) >= len(checklist.questions)


def current_question(checklist: Checklist, state: ChecklistState) -> Question | None:
    """The question to ask now, or None when the checklist is finished."""
    answered = len(_checked(checklist, state).answers)
    return checklist.questions[answered] if answered < len(checklist.questions) else None


def progress(checklist: Checklist, state: ChecklistState) -> tuple[int, int]:
    """``(i, n)`` for "question i of n"; a finished checklist reports ``(n, n)``."""
    total = len(checklist.questions)
    return min(len(_checked(checklist, state).answers) + 1, total), total


def encode_state(state: ChecklistState) -> str:
    """Compact ASCII form ``tag.version.answers``: 12 bytes plus one per answer (≤ 40 bytes)."""
    return f"{checklist_tag(state.checklist_id)}.{state.version}.{state.answers}"


def decode_state(text: str, checklists: Mapping[str, Checklist]) -> ChecklistState:
    """Parse an encoded state; raise ``InvalidState`` for junk, ``StaleState`` for a changed checklist."""
    if not isinstance(text, str) or len(text) > MAX_ENCODED_LENGTH:
        raise InvalidState("the state is too long")
    match = _ENCODED_RE.fullmatch(text)
    if match is None:
        raise InvalidState("the state is malformed")
    tag, version, answers = match.groups()
    checklist = next((cl for cl in checklists.values() if cl.tag == tag), None)
    if checklist is None:
        raise StaleState("the checklist of this state no longer exists")
    if version != checklist.version:
        raise StaleState(f"checklist '{checklist.id}' has changed since this state was made")
    if len(answers) > len(checklist.questions):
        raise InvalidState("the state has more answers than the checklist has questions")
    return ChecklistState(checklist.id, version, answers)


def _verdict(checklist: Checklist, score: float) -> Verdict:
    # Verdicts are sorted by min_score, highest first, and the loader guarantees one at 0.
    return next(v for v in checklist.verdicts if score >= v.min_score)


def evaluate(
    checklist: Checklist,
    state: ChecklistState,
    advisories: Sequence[Citation] = (),
    hotlines: RegionHotlines | None = None,
) -> ChecklistOutcome:
    """Score the answers so far: verdict, stage reached, confirmed red flags and next steps.

    A "yes" adds a question's weight, "not sure" half of it. ``advisories`` and ``hotlines`` are
    supplied by the caller (who searches for them) and passed through for rendering.
    """
    state = _checked(checklist, state)
    pairs = list(zip(checklist.questions, state.answers, strict=False))
    score = sum(q.weight for q, a in pairs if a == "y") + sum(q.weight / 2 for q, a in pairs if a == "u")
    verdict = _verdict(checklist, score)
    yes_stages = {q.stage for q, a in pairs if a == "y"}
    stage = next((s for s in reversed(checklist.stages) if s.id in yes_stages), None)
    red_flags = tuple(dict.fromkeys(q.red_flag for q, a in pairs if a == "y" and q.red_flag))
    steps = ((stage.advice,) if stage else ()) + LEVEL_STEPS[verdict.level]
    return ChecklistOutcome(
        checklist_id=checklist.id,
        title=checklist.title,
        level=verdict.level,
        verdict_text=verdict.text,
        score=score,
        max_score=checklist.max_score,
        complete=len(state.answers) == len(checklist.questions),
        stage=stage,
        red_flags=red_flags,
        confirmed=tuple(q.text for q, a in pairs if a == "y"),
        unsure=tuple(q.text for q, a in pairs if a == "u"),
        next_steps=steps,
        advisories=tuple(advisories),
        hotlines=hotlines,
    )
