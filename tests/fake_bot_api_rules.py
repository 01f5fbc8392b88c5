"""Telegram's input rules, as the fake Bot API server enforces them.

HTML parse mode like the real API: only the supported tags, properly nested and closed, every bare
``<`` and ``&`` rejected, the 4096-character limit counted after entity parsing (UTF-16 code units),
and inline keyboards with 1–64 bytes of callback data. Errors carry the real API's descriptions.
"""

from __future__ import annotations

import html
import re
from typing import Any

MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
ANSWER_TEXT_LIMIT = 200

TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")


class ApiError(Exception):
    """A Bot API error: HTTP-like code plus the description the real API would send."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def bad_request(description: str) -> ApiError:
    """A 400 error; the description gets the real API's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {description}")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts characters and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _parse_error(text: str, index: int, what: str) -> ApiError:
    return bad_request(f"can't parse entities: {what} at byte offset {_byte_offset(text, index)}")


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and entities of an HTML-formatted message, or ``ApiError`` like the real API."""
    plain: list[str] = []
    length = 0
    stack: list[tuple[str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            if match is None:
                raise _parse_error(text, i, "Unclosed start tag")
            closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
            if closing:
                if not stack:
                    raise _parse_error(text, i, "Unexpected end tag")
                open_name, start, entity = stack.pop()
                if open_name != name:
                    raise _parse_error(
                        text, i, f'Unmatched end tag, expected "</{open_name}>", found "</{name}>"'
                    )
                if length > start:
                    entities.append({**entity, "offset": start, "length": length - start})
            else:
                stack.append((name, length, _start_entity(text, i, name, attributes)))
            i = match.end()
        elif char == "&":
            match = _ENTITY.match(text, i)
            if match is None:
                raise _parse_error(text, i, "Can't find end of the entity starting")
            decoded = html.unescape(match.group(0))
            plain.append(decoded)
            length += utf16_length(decoded)
            i = match.end()
        else:
            plain.append(char)
            length += utf16_length(char)
            i += 1
    if stack:
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1][0]}\""
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(plain), entities


def _start_entity(text: str, index: int, name: str, attributes: str) -> dict[str, Any]:
    if name not in TAG_ENTITIES:
        raise _parse_error(text, index, f'Unsupported start tag "{name}"')
    attrs = {
        m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
        for m in _ATTRIBUTE.finditer(attributes)
    }
    entity: dict[str, Any] = {"type": TAG_ENTITIES[name]}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _parse_error(text, index, 'Tag "span" must have class "tg-spoiler"')
    if name == "a":
        href = html.unescape(attrs.get("href", ""))
        if not re.match(r"^(https?|tg)://", href):
            raise _parse_error(text, index, "Wrong HTTP URL")
        entity["url"] = href
    if name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    return entity


def message_text(params: dict[str, Any], field: str = "text") -> tuple[str, list[dict[str, Any]]]:
    """The text and entities a sendMessage / editMessageText call would show, checking every rule."""
    raw = params.get(field)
    if not isinstance(raw, str):
        raise bad_request("message text is empty")
    mode = str(params.get("parse_mode") or "").lower()
    if mode == "html":
        plain, entities = parse_html(raw)
    elif mode in ("", "none"):
        plain, entities = raw, []
    else:
        raise bad_request(f"unsupported parse_mode {mode!r} in this fake server")
    if not plain.strip():
        raise bad_request("message text is empty")
    if utf16_length(plain) > MESSAGE_LIMIT:
        raise bad_request("message is too long")
    return plain, entities


def check_reply_markup(markup: Any) -> None:
    """Validate an inline keyboard (callback data size, URLs); other markups pass."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            if not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif "url" in button:
                if not re.match(r"^(https?|tg)://", str(button["url"])):
                    raise bad_request("BUTTON_URL_INVALID")
            else:
                raise bad_request('can\'t find field "callback_data" or "url" in the button')


_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


def check_commands(commands: Any) -> list[dict[str, str]]:
    """Validate setMyCommands' list like the real API."""
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 BotCommand")
    for command in commands:
        if not _COMMAND.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return [{"command": c["command"], "description": c["description"]} for c in commands]


_AUTO_ENTITY = re.compile(
    r"(?<![\w/@])(/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)|(?<![\w@])(@[A-Za-z0-9_]{5,32})"
)


def auto_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command and mention entities Telegram adds to a user's message."""
    entities: list[dict[str, Any]] = []
    for match in _AUTO_ENTITY.finditer(text):
        kind = "bot_command" if match.group(1) else "mention"
        offset = utf16_length(text[: match.start()])
        entities.append({"type": kind, "offset": offset, "length": utf16_length(match.group(0))})
    return entities
