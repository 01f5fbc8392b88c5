"""The environment for running ``python -m bot`` as a real process in a test."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bot_process_env(copy: Path, data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without any ``FRAUDBOT_`` setting, serving ``copy`` (a copy of the session's built
    index folder, with ``knowledge`` and ``index``) and sharing the session's model and classifier caches."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("FRAUDBOT_")},
        "FRAUDBOT_KNOWLEDGE_DIR": str(copy / "knowledge"),
        "FRAUDBOT_INDEX_DIR": str(copy / "index"),
        "FRAUDBOT_DATA_DIR": str(data_dir),
        "FRAUDBOT_MODEL_CACHE_DIR": os.environ["FRAUDBOT_MODEL_CACHE_DIR"],
        "FRAUDBOT_CLASSIFIER_CACHE_DIR": os.environ["FRAUDBOT_CLASSIFIER_CACHE_DIR"],
        "PYTHONPATH": str(ROOT),
        **extra,
    }
