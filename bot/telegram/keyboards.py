"""Inline keyboards and the callback data their buttons carry (always within Telegram's 64 bytes)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.results import RegionHotlines
from bot.telegram.keys import BotKeys

MENU_CHECK = "m:check"
MENU_CHECKLIST = "m:list"
MENU_ASK = "m:ask"
MENU_HOTLINES = "m:hot"
MENU_PAID = "m:paid"
MENU_PATTERN = r"^m:"
FEEDBACK_PATTERN = r"^fb:[ud]:"
REGION_PATTERN = r"^rg:"
# Checklist buttons are signed: "k" + action + signature + encoded state.
CHECKLIST_PATTERN = r"^k[ynubr]"
CHECKLIST_ACTIONS = {"y": "yes", "n": "no", "u": "unsure"}
CHECKLIST_BACK = "b"
CHECKLIST_RESTART = "r"


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def start_menu() -> InlineKeyboardMarkup:
    """The four things the bot does."""
    return InlineKeyboardMarkup(
        [
            [_button("🔍 Check a message", MENU_CHECK), _button("📝 Take the checklist", MENU_CHECKLIST)],
            [_button("❓ Ask a question", MENU_ASK), _button("☎️ Hotlines", MENU_HOTLINES)],
        ]
    )


def after_result(reply_key: str) -> InlineKeyboardMarkup:
    """Under every answer or check: the checklist, "I already paid", and 👍 / 👎 feedback."""
    return InlineKeyboardMarkup(
        [
            [_button("📝 Take the checklist", MENU_CHECKLIST), _button("🆘 I already paid", MENU_PAID)],
            [_button("👍", f"fb:u:{reply_key}"), _button("👎", f"fb:d:{reply_key}")],
        ]
    )


def checklist_question(keys: BotKeys, encoded_state: str, *, can_go_back: bool) -> InlineKeyboardMarkup:
    """Yes / No / Not sure (and Back after the first question), each carrying the signed state."""
    rows = [[_button(label, keys.sign("k" + action, encoded_state)) for action, label in _ANSWERS]]
    if can_go_back:
        rows.append([_button("⬅️ Back", keys.sign("k" + CHECKLIST_BACK, encoded_state))])
    return InlineKeyboardMarkup(rows)


_ANSWERS = (("y", "Yes"), ("n", "No"), ("u", "Not sure"))


def checklist_done(keys: BotKeys, encoded_state: str) -> InlineKeyboardMarkup:
    """Under a checklist result: change the last answer, start again, or get help after paying."""
    return InlineKeyboardMarkup(
        [
            [
                _button("⬅️ Back", keys.sign("k" + CHECKLIST_BACK, encoded_state)),
                _button("🔁 Start again", keys.sign("k" + CHECKLIST_RESTART, encoded_state)),
            ],
            [_button("🆘 I already paid", MENU_PAID)],
        ]
    )


def regions(choices: Sequence[RegionHotlines], current: str | None) -> InlineKeyboardMarkup:
    """One button per region, two to a row; the current one is ticked."""
    buttons = [
        _button(
            ("✅ " if region.code == current else "") + f"{region.code} · {region.name}", f"rg:{region.code}"
        )
        for region in choices
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
