"""Split: cut an advisory into heading-scoped chunks; every example message is its own chunk."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from bot.knowledge.model import Advisory, Chunk

EXAMPLES_HEADING = "Example messages"
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.S)
_QUOTES = "\"'“”‘’«»"


@dataclass(frozen=True)
class ChunkingParams:
    """How advisories are split; recorded in the index manifest."""

    max_words: int = 160
    strategy: str = "heading-v1"


def chunk_id(advisory_id: str, heading: str, text: str) -> str:
    """Stable id: a hash of where the chunk sits and what it says."""
    digest = hashlib.sha256(f"{advisory_id}\x1f{heading}\x1f{text}".encode()).hexdigest()
    return digest[:20]


def strip_comments(text: str) -> str:
    """Drop HTML comments (the writing hints of a scaffold): they are notes for operators, not advice."""
    return _COMMENT_RE.sub("", text).strip()


def _blocks(body: str) -> list[tuple[list[str], str, bool]]:
    """(heading path, block text, is-list-item) for every top-level paragraph or list item."""
    md = MarkdownIt("commonmark")
    tokens = md.parse(body)
    lines = body.splitlines()
    path: list[str] = []
    blocks: list[tuple[list[str], str, bool]] = []
    depth = 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            title = tokens[i + 1].content.strip()
            path = [*path[: max(level - 2, 0)], title] if level >= 2 else [title]
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open" and depth == 1 and token.map:
            text = strip_comments("\n".join(lines[token.map[0] : token.map[1]]))
            if text:
                blocks.append((list(path), _strip_bullet(text), True))
        elif (
            token.type in ("paragraph_open", "fence", "code_block", "html_block") and depth == 0 and token.map
        ):
            text = strip_comments("\n".join(lines[token.map[0] : token.map[1]]))
            if text:
                blocks.append((list(path), text, False))
    return blocks


def _strip_bullet(text: str) -> str:
    stripped = text.lstrip()
    if stripped[:2] in ("- ", "* ", "+ "):
        stripped = stripped[2:]
    else:
        head, _, rest = stripped.partition(" ")
        if head.rstrip(".)").isdigit():
            stripped = rest
    return " ".join(line.strip() for line in stripped.splitlines())


def _example_text(text: str) -> str:
    text = text.strip()
    if len(text) > 1 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text


def chunk_advisory(advisory: Advisory, params: ChunkingParams | None = None) -> list[Chunk]:
    """Chunks of one advisory: sections grouped up to ``max_words``, example messages one each."""
    params = params or ChunkingParams()
    chunks: list[Chunk] = []
    pending: list[str] = []
    pending_heading = ""

    def flush() -> None:
        if pending:
            text = "\n".join(pending)
            chunks.append(
                Chunk(
                    chunk_id(advisory.id, pending_heading, text),
                    advisory.id,
                    pending_heading,
                    "section",
                    text,
                )
            )
            pending.clear()

    if advisory.meta.summary:
        pending_heading = "Summary"
        pending.append(advisory.meta.summary)
    for path, text, is_item in _blocks(advisory.body):
        heading = " > ".join(path)
        if path and path[0] == EXAMPLES_HEADING and is_item:
            flush()
            example = _example_text(text)
            chunks.append(
                Chunk(chunk_id(advisory.id, heading, example), advisory.id, heading, "example", example)
            )
            continue
        if heading != pending_heading or _words(pending) + len(text.split()) > params.max_words:
            flush()
            pending_heading = heading
        pending.append(f"- {text}" if is_item else text)
    flush()
    return [Chunk(c.id, c.advisory_id, c.heading, c.kind, c.text, str(advisory.path)) for c in chunks]


def _words(parts: list[str]) -> int:
    return sum(len(p.split()) for p in parts)
