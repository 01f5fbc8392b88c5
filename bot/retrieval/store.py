"""Write: the on-disk index layout, its manifest, and the atomic swap of builds.

Layout (all under the index folder)::

    manifest.json          the commit point: names the live build folder
    builds/<build-id>/     chunks.jsonl, advisories.json, vectors.npy, dense.faiss, bm25/
    .build.lock            serializes builds across processes

A build writes a new folder completely, then replaces ``manifest.json`` in one ``os.replace``;
a crash at any moment leaves the previous manifest pointing at a complete previous build.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.retrieval.embedder import Matrix

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
BUILDS = "builds"
LOCK = ".build.lock"
CHUNKS_FILE = "chunks.jsonl"
ADVISORIES_FILE = "advisories.json"
VECTORS_FILE = "vectors.npy"
DENSE_FILE = "dense.faiss"
SPARSE_DIR = "bm25"


class IndexNotFoundError(FileNotFoundError):
    """No usable index has been built yet."""


class IndexMismatchError(RuntimeError):
    """The index was built with another model or schema than the one configured."""


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk as stored in the index, in row order."""

    id: str
    advisory_id: str
    heading: str
    kind: str
    text: str
    file: str


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The live manifest, or ``None`` when nothing was built yet."""
    try:
        data: dict[str, Any] = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return data


def write_manifest(index_dir: Path, manifest: dict[str, Any]) -> None:
    """Atomically replace the manifest (write a temp file, fsync, rename)."""
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", dir=index_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / MANIFEST)


def live_build_dir(index_dir: Path, manifest: dict[str, Any] | None) -> Path:
    """The folder of the build the manifest points at; raises if there is none."""
    if manifest is None:
        raise IndexNotFoundError(f"no index in {index_dir}: run `fraudbot index build`")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise IndexMismatchError(
            f"index schema {manifest.get('schema_version')} differs from {SCHEMA_VERSION}: rebuild it"
        )
    folder = index_dir / str(manifest["build_dir"])
    if not folder.is_dir():
        raise IndexNotFoundError(f"the manifest names {folder}, which is missing: run `fraudbot index build`")
    return folder


def write_chunks(folder: Path, records: list[ChunkRecord]) -> None:
    """One JSON object per chunk, in row order."""
    with (folder / CHUNKS_FILE).open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record.__dict__, ensure_ascii=False) + "\n")


def read_chunks(folder: Path) -> list[ChunkRecord]:
    """Chunks of a build, in row order."""
    with (folder / CHUNKS_FILE).open(encoding="utf-8") as handle:
        return [ChunkRecord(**json.loads(line)) for line in handle if line.strip()]


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as UTF-8 JSON."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def read_json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def save_vectors(folder: Path, vectors: Matrix) -> None:
    """Row-aligned embedding matrix."""
    np.save(folder / VECTORS_FILE, vectors)


def load_vectors(folder: Path) -> Matrix:
    """The embedding matrix of a build."""
    return np.load(folder / VECTORS_FILE).astype(np.float32, copy=False)


def fsync_tree(folder: Path) -> None:
    """Flush every file of a finished build to disk before it goes live."""
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def remove_old_builds(index_dir: Path, keep: set[str]) -> None:
    """Delete build folders (and abandoned temp folders) that no manifest names any more."""
    builds = index_dir / BUILDS
    if not builds.is_dir():
        return
    for folder in builds.iterdir():
        if f"{BUILDS}/{folder.name}" not in keep:
            shutil.rmtree(folder, ignore_errors=True)
