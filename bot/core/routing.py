"""What a message is: a question, a message to check, a report of a payment, a greeting, or off topic.

The phrases live in ``knowledge/intents.yaml`` (operators extend them); the structural cues that mark a
pasted message (links, phone numbers, quoted passages, several lines) are here.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, get_args

from pydantic import Field

from bot.core.datafile import StrictSchema, Text, YamlDocument, read_yaml, validate
from bot.core.results import Intent, MenuChoice
from bot.knowledge.problems import KnowledgeFileError, Problem

# Telegram messages are at most 4096 characters; never run patterns over more than that.
MAX_CHARS = 4096
PASTED_THRESHOLD = 2
LONG_MESSAGE = 200
# Fewer quoted words are a name or scare quotes (my dad's "financial adviser"), the user's own words: on 60
# blind messages with such quotes, counting them as pasted sent 15 to the check, 4 without (rule Z12).
MIN_QUOTED_WORDS = 4

_QUOTES = str.maketrans("‘’‚‛`“”„«»「」『』＂", "'" * 5 + '"' * 10)
_URL_RE = re.compile(
    r"\b(?:h[tx]{2}ps?://|www\.)\S+|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,6}[a-z]{2,12}(?:/\S*)?(?![\w.])",
    re.IGNORECASE,
)
_PHONE_RE = re.compile(r"(?<![\w.])\+?\d[\d ().-]{5,}\d(?![\w.])")
# "I got this message: <the message>" - a passage introduced by a colon after words naming a message.
_INTRODUCED_RE = re.compile(
    r"\b(?:this|message|text|sms|e-?mail|whatsapp|dm|wechat|line|telegram|says|saying|reads|wrote)"
    r"\s*:\s*\S.{24,}",
    re.IGNORECASE | re.DOTALL,
)
_PART_RE = re.compile(r"\{([a-z][a-z_]*)\}")  # {amount} in a pattern: a part of intents.yaml's `parts`
_HANDLE_RE = re.compile(r"(?<![\w@])@[a-z][a-z0-9_]{3,}", re.IGNORECASE)
# A quoted passage of at least 15 characters: the quote opens after a space or colon and closes before a
# space or punctuation, so apostrophes inside words (I'm, it's) are never taken for quotes. It cannot run
# past its own closing quote, so a short quoted word ('tax') does not open a long quotation ending at the
# next quote, which hid most of a victim's own words from the paid patterns.
_CLOSING = r"""\1(?=$|[\s.,!?;:)\]])"""
_QUOTED_RE = re.compile(
    rf"""(?:^|(?<=[\s:(\[>→-]))(["'])(\S(?:(?!{_CLOSING}).){{13,800}}?\S){_CLOSING}""", re.DOTALL
)


class _IntentsSchema(StrictSchema):
    parts: dict[str, Text] = Field(default_factory=dict)
    greeting: Annotated[list[Text], Field(min_length=1)]
    closing: list[Text] = Field(default_factory=list)
    check: list[Text] = Field(default_factory=list)
    checklist: list[Text] = Field(default_factory=list)
    hotline: list[Text] = Field(default_factory=list)
    start: list[Text] = Field(default_factory=list)
    privacy: list[Text] = Field(default_factory=list)
    cancel: list[Text] = Field(default_factory=list)
    help: list[Text] = Field(default_factory=list)
    paid: Annotated[list[Text], Field(min_length=1)]
    not_paid: list[Text] = Field(default_factory=list)
    pasted: Annotated[list[Text], Field(min_length=1)]
    out_of_scope: list[Text] = Field(default_factory=list)
    in_scope: list[Text] = Field(default_factory=list)


Patterns = tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class IntentRules:
    """The compiled phrase lists of ``intents.yaml``."""

    greeting: Patterns
    closing: Patterns
    check: Patterns
    checklist: Patterns
    hotline: Patterns
    start: Patterns
    privacy: Patterns
    cancel: Patterns
    help: Patterns
    paid: Patterns
    not_paid: Patterns
    pasted: Patterns
    out_of_scope: Patterns
    in_scope: Patterns


def load_intents(path: Path) -> IntentRules:
    """Load ``intents.yaml`` and compile every pattern; raise ``KnowledgeFileError`` naming bad ones."""
    document = read_yaml(path)
    schema = validate(document, _IntentsSchema)
    problems: list[Problem] = []
    parts = _expand_parts(document, schema.parts, problems)
    compiled = {
        field.name: _compile(document, field.name, getattr(schema, field.name), parts, problems)
        for field in dataclasses.fields(IntentRules)
    }
    if problems:
        raise KnowledgeFileError(problems)
    return IntentRules(**compiled)


def _expand(source: str, parts: Mapping[str, str]) -> str:
    """``source`` with each ``{name}`` replaced by that part, as a group; ``KeyError`` for an unknown one."""
    return _PART_RE.sub(lambda match: f"(?:{parts[match.group(1)]})", source)


def _expand_parts(
    document: YamlDocument, sources: Mapping[str, str], problems: list[Problem]
) -> dict[str, str]:
    """The ``parts`` section, each part expanded with the parts written before it."""
    parts: dict[str, str] = {}
    for name, source in sources.items():
        try:
            parts[name] = _expand(source, parts)
            re.compile(parts[name])
        except KeyError as exc:
            problems.append(document.problem(("parts", name), f"uses {{{exc.args[0]}}}, not a part above it"))
        except re.error as exc:
            problems.append(document.problem(("parts", name), f"not a valid regular expression: {exc}"))
    return parts


def _compile(
    document: YamlDocument,
    section: str,
    sources: list[str],
    parts: Mapping[str, str],
    problems: list[Problem],
) -> Patterns:
    patterns = []
    for index, source in enumerate(sources):
        try:
            pattern = re.compile(_expand(source, parts), re.IGNORECASE | re.MULTILINE)
        except KeyError as exc:
            unknown = f"uses {{{exc.args[0]}}}, which is not in parts"
            problems.append(document.problem((section, index), unknown))
            continue
        except re.error as exc:
            problems.append(document.problem((section, index), f"not a valid regular expression: {exc}"))
            continue
        if pattern.search("") is not None:
            problems.append(document.problem((section, index), "matches an empty message, so anything"))
            continue
        patterns.append(pattern)
    return tuple(patterns)


def quoted_passages(text: str) -> list[str]:
    """The passages of ``text`` in quotes that the router reads as quoted (not the user's own words)."""
    return [match.group(2) for match in _quotations(_normalized(text))]


def _quotations(text: str) -> list[re.Match[str]]:
    """The quoted passages of (normalised) ``text``: :data:`_QUOTED_RE` matches of at least
    :data:`MIN_QUOTED_WORDS` words."""
    return [m for m in _QUOTED_RE.finditer(text) if len(m.group(2).split()) >= MIN_QUOTED_WORDS]


def _without_quotations(text: str) -> str:
    """``text`` with each quoted passage replaced by a space: the user's own words."""
    for match in reversed(_quotations(text)):
        text = text[: match.start()] + " " + text[match.end() :]
    return text


def _phrase_text(text: str) -> str:
    """Lower case, apostrophes removed, spaces collapsed (line breaks kept): what patterns see."""
    text = text.lower().replace("'", "")
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def _any(patterns: Patterns, text: str) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def _normalized(text: str) -> str:
    """The first MAX_CHARS characters, NFKC-normalised, curly quotes straightened: what every rule reads."""
    return unicodedata.normalize("NFKC", text[:MAX_CHARS]).translate(_QUOTES)


def _bare(text: str) -> str:
    return " ".join(re.sub(r"[^\w/ ]+", " ", text.lower().replace("'", "")).split())


def bare_words(text: str) -> str:
    """The words of a message as whole-message phrases and names are matched against: normalised, lower
    case, apostrophes dropped, punctuation and emoji one space (a command's slash kept)."""
    return _bare(_normalized(text))


def _is_whole(bare: str, patterns: Patterns) -> bool:
    """Whether one of ``patterns`` is the whole of ``bare`` (a message's :func:`bare_words`)."""
    return any(pattern.fullmatch(bare) for pattern in patterns)


def _is_greeting(text: str, intents: IntentRules) -> bool:
    bare = _bare(text)
    return not bare or _is_whole(bare, (*intents.greeting, *intents.closing))


def is_closing(text: str, intents: IntentRules) -> bool:
    """Whether the whole message closes the conversation ("thanks", "ok", "bye"): it gets a sign-off
    rather than the hello (the router calls it a greeting either way)."""
    bare = bare_words(text)
    return bool(bare) and _is_whole(bare, intents.closing)


def menu_choice(text: str, intents: IntentRules) -> MenuChoice | None:
    """The menu item a whole message asks for without its slash ("is this a scam?", "checklist", "who do I
    call", "help"), if any: the first of :data:`MenuChoice`, in its order, whose list matches."""
    bare = bare_words(text)
    if not bare:
        return None
    return next((name for name in get_args(MenuChoice) if _is_whole(bare, getattr(intents, name))), None)


def pasted_score(text: str, intents: IntentRules) -> int:
    """How much a message looks like a pasted scam message rather than the user's own words."""
    text = _normalized(text)
    phrases = _phrase_text(text)
    score = sum(1 for pattern in intents.pasted if pattern.search(phrases))
    if _URL_RE.search(text):
        score += 2
    if any(sum(ch.isdigit() for ch in match) >= 7 for match in _PHONE_RE.findall(text)):
        score += 2
    if _HANDLE_RE.search(text):
        score += 1
    if _quotations(text) or _INTRODUCED_RE.search(text):
        score += 2
    if sum(1 for line in text.splitlines() if line.strip()) >= 2:
        score += 1
    if len(text) > LONG_MESSAGE and "?" not in text[:80]:
        score += 1
    return score


def may_override(text: str, intent: Intent, intents: IntentRules) -> bool:
    """Whether the classifier may call a message ``intent`` where the rules found a question.

    The phrase lists keep their veto: a message with an ``in_scope`` phrase (fraud, money, messages ...)
    is never off topic, and one with a ``not_paid`` phrase ("but I didn't") is never a payment report.
    """
    phrases = _phrase_text(_normalized(text))
    if intent == "out_of_scope":
        return not _any(intents.in_scope, phrases)
    if intent == "paid":
        return not _any(intents.not_paid, phrases)
    return True


def classify(text: str, intents: IntentRules, *, forwarded: bool = False) -> Intent:
    """What a message is: "check", "paid", "greeting", "out_of_scope" or (by default) "question".

    Forwarded messages are always checked. A report of a payment wins over a question; a question that
    wraps a pasted message is a message to check.
    """
    if forwarded:
        return "check"
    text = _normalized(text)
    if _is_greeting(text, intents):
        return "greeting"
    own_words = _phrase_text(_without_quotations(text))
    if _any(intents.paid, own_words) and not _any(intents.not_paid, own_words):
        return "paid"
    if pasted_score(text, intents) >= PASTED_THRESHOLD:
        return "check"
    phrases = _phrase_text(text)
    if _any(intents.out_of_scope, phrases) and not _any(intents.in_scope, phrases):
        return "out_of_scope"
    return "question"
