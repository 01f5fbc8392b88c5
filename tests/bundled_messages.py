"""Every message text bundled with the project: the eval sets and the operator's labelled messages."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MESSAGE_FILES = [
    *sorted((ROOT / "tests" / "eval").glob("messages*.yaml")),
    ROOT / "knowledge" / "labelled_messages.yaml",
]


def all_message_texts() -> list[str]:
    """The text of every message in :data:`MESSAGE_FILES`, in file order."""
    texts: list[str] = []
    for path in MESSAGE_FILES:
        texts += [m["text"] for m in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]]
    return texts
