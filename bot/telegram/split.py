"""Fit HTML replies into Telegram messages: at most 4096 characters each after entity parsing.

Blocks (balanced HTML paragraphs) are packed into as few messages as possible; a block longer than
a message is cut at a space where possible, closing the open tags and reopening them in the next part.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

MESSAGE_LIMIT = 4096
_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);|[^<&]|[<&]")
_TAG = re.compile(r"<[^>]*>")


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def visible_length(fragment: str) -> int:
    """The length of an HTML fragment's text once tags are removed and entities decoded."""
    return telegram_length(html.unescape(_TAG.sub("", fragment)))


def split_html(blocks: Sequence[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack balanced HTML blocks, separated by blank lines, into messages within ``limit``."""
    messages: list[str] = []
    current, current_length = "", 0
    for block in blocks:
        if not block.strip():
            continue
        length = visible_length(block)
        if current and current_length + 2 + length <= limit:
            current, current_length = f"{current}\n\n{block}", current_length + 2 + length
            continue
        if current:
            messages.append(current)
        if length <= limit:
            current, current_length = block, length
            continue
        *full, current = _split_block(block, limit)
        messages.extend(full)
        current_length = visible_length(current)
    if current:
        messages.append(current)
    return messages


def _split_block(block: str, limit: int) -> list[str]:
    """Cut one over-long balanced block into parts of at most ``limit`` visible characters."""
    pieces: list[str] = []
    out: list[str] = []
    out_length = 0
    stack: list[tuple[str, str]] = []  # (tag name, opening tag as written)
    # The last place after a space where a cut can be made: (index into out, length there, open tags).
    space: tuple[int, int, tuple[tuple[str, str], ...]] | None = None
    for match in _TOKEN.finditer(block):
        raw, name = match.group(0), match.group(2)
        if name:
            if match.group(1):
                if stack and stack[-1][0].lower() == name.lower():
                    stack.pop()
            else:
                stack.append((name, raw))
            out.append(raw)
            continue
        width = telegram_length(html.unescape(raw))
        if out_length + width > limit:
            if space is not None and space[1] > limit // 2:
                cut, cut_length, open_tags = space
            else:
                cut, cut_length, open_tags = len(out), out_length, tuple(stack)
            pieces.append("".join(out[:cut]) + "".join(f"</{tag}>" for tag, _ in reversed(open_tags)))
            out = [opening for _, opening in open_tags] + out[cut:]
            out_length -= cut_length
            space = None
        out.append(raw)
        out_length += width
        if raw.isspace():
            space = (len(out), out_length, tuple(stack))
    pieces.append("".join(out))
    return pieces
