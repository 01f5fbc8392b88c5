"""Builds that die (kill -9) or run at the same time never leave a broken or mixed index behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import pytest
from filelock import FileLock, Timeout

from bot.core.service import FraudCore
from bot.knowledge.chunking import chunk_advisory
from bot.knowledge.loader import load_advisories
from bot.retrieval import store
from bot.retrieval.build import BuildReport, build_index
from bot.retrieval.embedder import Encoder
from bot.retrieval.lifecycle import open_index
from bot.retrieval.search import SearchIndex
from bot.settings import PathSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
REAL_ADVISORIES = sorted((ROOT / "knowledge" / "advisories").glob("*.md"))
WAIT = 180.0  # bound on waiting for a subprocess (model loading); not a timing assertion

# Builds like `fraudbot index build --full`, but stops for good just after the new build folder has been
# written and before the manifest is swapped, after telling the test where it is.
SLOW_WRITER = """
import sys, time
from pathlib import Path
from bot.commands.common import load_encoder
from bot.retrieval import build
from bot.settings import Settings

knowledge, index, marker = (Path(p) for p in sys.argv[1:4])
real_save = build.save_sparse_index

def save_then_stall(sparse, folder):
    real_save(sparse, folder)
    marker.write_text(str(folder))
    time.sleep(600)

build.save_sparse_index = save_then_stall
build.build_index(knowledge, index, load_encoder(Settings()), full=True)
"""


def add_real_advisories(knowledge_dir: Path, count: int) -> list[str]:
    """Copy real advisories in, so a full build takes a few seconds of embedding."""
    for path in REAL_ADVISORIES[:count]:
        shutil.copy(path, knowledge_dir / "advisories" / path.name)
    return [p.stem for p in REAL_ADVISORIES[:count]]


def build_lock_is_held(index_dir: Path) -> bool:
    lock = FileLock(str(index_dir / store.LOCK), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


def cli_build(knowledge_dir: Path, index_dir: Path, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "FRAUDBOT_KNOWLEDGE_DIR": str(knowledge_dir), "FRAUDBOT_INDEX_DIR": str(index_dir)}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "index", "build", "--full"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the build process ended early: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the build process never reached the expected point")
        time.sleep(0.05)


def assert_consistent(index_dir: Path, knowledge_dir: Path) -> SearchIndex:
    """The live build is complete and matches the knowledge folder exactly."""
    manifest = store.read_manifest(index_dir)
    assert manifest is not None
    folder = store.live_build_dir(index_dir, manifest)
    index = SearchIndex.load(index_dir)
    expected = [c.id for a in load_advisories(knowledge_dir).advisories for c in chunk_advisory(a)]
    assert [c.id for c in index.chunks] == expected
    assert index.vectors.shape[0] == index.dense.ntotal == manifest["counts"]["chunks"] == len(expected)
    assert faiss.read_index(str(folder / store.DENSE_FILE)).ntotal == len(expected)
    assert set(index.advisories) == {c.advisory_id for c in index.chunks}
    return index


def test_kill_9_during_embedding_keeps_the_old_index_and_the_next_start_rebuilds(
    knowledge_dir: Path, tmp_path: Path, encoder: Encoder
) -> None:
    index_dir = tmp_path / "index"
    build_index(knowledge_dir, index_dir, encoder)
    before = store.read_manifest(index_dir)
    assert before is not None
    old_ids = [c.id for c in SearchIndex.load(index_dir).chunks]
    added = add_real_advisories(knowledge_dir, 20)

    process = cli_build(knowledge_dir, index_dir, tmp_path)
    wait_until(lambda: build_lock_is_held(index_dir), process)
    time.sleep(1.0)  # well inside the embedding of ~200 chunks
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    assert store.read_manifest(index_dir) == before  # the build never published
    assert [c.id for c in SearchIndex.load(index_dir).chunks] == old_ids  # the previous index still loads
    assert not build_lock_is_held(index_dir)  # the dead process's lock is gone with it

    paths = PathSettings(knowledge_dir=knowledge_dir, index_dir=index_dir, data_dir=tmp_path / "data")
    core = FraudCore.load(Settings(paths=paths), encoder=encoder)  # the next start
    assert set(added) <= set(core.searcher.index.advisories)
    assert_consistent(index_dir, knowledge_dir)


def test_kill_9_while_writing_the_build_folder_leaves_it_unused_then_cleaned(
    knowledge_dir: Path, tmp_path: Path, encoder: Encoder
) -> None:
    index_dir = tmp_path / "index"
    build_index(knowledge_dir, index_dir, encoder)
    before = store.read_manifest(index_dir)
    assert before is not None
    add_real_advisories(knowledge_dir, 3)
    marker = tmp_path / "written"
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(knowledge_dir), str(index_dir), str(marker)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until(marker.exists, process)
    half_built = Path(marker.read_text()).parent  # the marker names the build's bm25/ folder
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert half_built.is_dir() and (half_built / store.CHUNKS_FILE).exists()
    assert store.read_manifest(index_dir) == before
    assert SearchIndex.load(index_dir).manifest["build_dir"] == before["build_dir"]

    _, report = open_index(knowledge_dir, index_dir, encoder)  # the next start
    assert report is not None and report.reused == before["counts"]["chunks"]  # old vectors reused
    assert not half_built.exists()  # the abandoned folder was removed by the next build
    assert len(list((index_dir / store.BUILDS).iterdir())) == 2  # the live build and the one before
    assert_consistent(index_dir, knowledge_dir)


def test_two_builds_at_once_are_serialised_by_the_lock(
    knowledge_dir: Path, tmp_path: Path, encoder: Encoder
) -> None:
    index_dir = tmp_path / "index"
    add_real_advisories(knowledge_dir, 12)
    process = cli_build(knowledge_dir, index_dir, tmp_path)
    wait_until(lambda: build_lock_is_held(index_dir), process)
    assert store.read_manifest(index_dir) is None  # the CLI build is running and has published nothing

    reports: list[BuildReport] = []
    in_process = threading.Thread(
        target=lambda: reports.append(build_index(knowledge_dir, index_dir, encoder))
    )
    in_process.start()
    out, err = process.communicate(timeout=WAIT)
    in_process.join(WAIT)
    assert process.returncode == 0, err
    assert " embedded, 0 reused)" in out
    # The in-process build waited for the lock: it found the CLI's finished build and reused every vector.
    [report] = reports
    assert report.embedded == 0 and report.reused == report.chunks
    assert_consistent(index_dir, knowledge_dir)
    assert len(list((index_dir / store.BUILDS).iterdir())) == 2
