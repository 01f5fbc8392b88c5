"""Open the index for serving: build it when missing, stale or made with another model."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge.chunking import ChunkingParams
from bot.knowledge.loader import ADVISORY_GLOB, file_hash
from bot.retrieval import store
from bot.retrieval.build import BuildReport, build_index, manifest_matches
from bot.retrieval.embedder import Encoder
from bot.retrieval.search import SearchIndex

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnowledgeChanges:
    """Advisory files that differ from the live index."""

    added: list[str]
    changed: list[str]
    removed: list[str]

    @property
    def any(self) -> bool:
        """True when the index is out of date."""
        return bool(self.added or self.changed or self.removed)


def knowledge_changes(knowledge_dir: Path, manifest: dict[str, Any] | None) -> KnowledgeChanges:
    """Compare advisory files on disk with the hashes recorded in the manifest (skipped files count too)."""
    indexed = {name: info["sha256"] for name, info in (manifest or {}).get("files", {}).items()}
    skipped = {entry["file"]: entry.get("sha256", "") for entry in (manifest or {}).get("skipped", [])}
    added, changed = [], []
    present = set()
    for path in sorted(knowledge_dir.glob(ADVISORY_GLOB)):
        present.add(path.name)
        if path.name in indexed:
            if file_hash(path.read_bytes()) != indexed[path.name]:
                changed.append(path.name)
        elif path.name not in skipped:
            added.append(path.name)
        elif file_hash(path.read_bytes()) != skipped[path.name]:
            changed.append(path.name)  # a skipped file was edited, perhaps fixed
    removed = sorted(set(indexed) - present)
    return KnowledgeChanges(added, changed, removed)


def open_index(
    knowledge_dir: Path, index_dir: Path, encoder: Encoder, *, refresh: bool = True
) -> tuple[SearchIndex, BuildReport | None]:
    """Load the live index, first (re)building it if it is missing, of another model, or out of date."""
    manifest = store.read_manifest(index_dir)
    report = None
    reason = _rebuild_reason(knowledge_dir, index_dir, manifest, encoder, refresh)
    if reason:
        logger.info("building the index: %s", reason)
        full = not manifest_matches(manifest, encoder, ChunkingParams())
        report = build_index(knowledge_dir, index_dir, encoder, full=full)
    return SearchIndex.load(index_dir, model=encoder.name), report


def _rebuild_reason(
    knowledge_dir: Path, index_dir: Path, manifest: dict[str, Any] | None, encoder: Encoder, refresh: bool
) -> str | None:
    if manifest is None:
        return "no index yet"
    if not manifest_matches(manifest, encoder, ChunkingParams()):
        return f"index model {manifest.get('model')!r} differs from configured {encoder.name!r}"
    try:
        store.live_build_dir(index_dir, manifest)
    except (store.IndexNotFoundError, store.IndexMismatchError) as exc:
        return str(exc)
    if refresh and knowledge_changes(knowledge_dir, manifest).any:
        return "advisory files changed since the last build"
    return None
