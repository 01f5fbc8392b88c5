"""The index build: incremental, atomic, locked, and never mixing models."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import assert_same_vectors

from bot.knowledge.chunking import chunk_advisory
from bot.knowledge.loader import load_advisories
from bot.retrieval import build as build_module
from bot.retrieval import store
from bot.retrieval.build import build_index
from bot.retrieval.embedder import Encoder, Matrix
from bot.retrieval.lifecycle import knowledge_changes, open_index
from bot.retrieval.search import Searcher, SearchIndex

NEW_ADVISORY = """---
id: fx-ticket
title: Fake concert tickets sold on social media
category: shopping
issuer: Test Fraud Reporting Centre
source_url: https://fraud.example.org/tickets
published: 2024-06-01
region: UK
language: en
---

## How it works
Sellers on social media offer sold-out festival tickets and ask for a bank transfer. The tickets never arrive.

## Red flags
- Payment by bank transfer only

## Example messages
- "Got 2 spare Glastonbury wristbands 🎶 £180 each, bank transfer only, first come first served"

## What to do
- Buy only from official ticket sellers.
"""


class CountingEncoder:
    """The real encoder, counting how many texts it embeds."""

    def __init__(self, inner: Encoder, name: str | None = None) -> None:
        self.inner = inner
        self.encoded = 0
        self._name = name or inner.name

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> Matrix:
        self.encoded += len(texts)
        return self.inner.encode(texts, batch_size=batch_size)


def test_incremental_add_embeds_only_new_chunks(
    knowledge_dir: Path, tmp_path: Path, encoder: Encoder
) -> None:
    counting = CountingEncoder(encoder)
    first = build_index(knowledge_dir, tmp_path / "index", counting)
    assert first.embedded == first.chunks == counting.encoded
    (knowledge_dir / "advisories" / "fx-ticket.md").write_text(NEW_ADVISORY)
    new = next(a for a in load_advisories(knowledge_dir).advisories if a.id == "fx-ticket")
    counting.encoded = 0
    second = build_index(knowledge_dir, tmp_path / "index", counting)
    assert second.embedded == counting.encoded == len(chunk_advisory(new))
    assert second.reused == first.chunks
    hits = Searcher(SearchIndex.load(tmp_path / "index"), encoder).search(
        "tickets for a festival sold online", 1
    )
    assert hits[0].advisory_id == "fx-ticket"
    # editing one file re-embeds only the chunks whose text changed
    path = knowledge_dir / "advisories" / "fx-ticket.md"
    path.write_text(
        NEW_ADVISORY.replace("Buy only from official ticket sellers.", "Use official sellers only.")
    )
    counting.encoded = 0
    third = build_index(knowledge_dir, tmp_path / "index", counting)
    assert third.embedded == counting.encoded == 1


def test_vectors_stay_aligned_after_incremental_build(
    knowledge_dir: Path, tmp_path: Path, encoder: Encoder
) -> None:
    build_index(knowledge_dir, tmp_path / "index", encoder)
    (knowledge_dir / "advisories" / "fx-romance.md").unlink()
    (knowledge_dir / "advisories" / "fx-ticket.md").write_text(NEW_ADVISORY)
    build_index(knowledge_dir, tmp_path / "index", encoder)
    index = SearchIndex.load(tmp_path / "index")
    assert "fx-romance" not in {c.advisory_id for c in index.chunks}
    title = {a: m["title"] for a, m in index.advisories.items()}
    fresh = encoder.encode(
        [
            f"{title[c.advisory_id]}. {c.heading}: {c.text}" if c.kind == "section" else c.text
            for c in index.chunks
        ]
    )
    assert_same_vectors(fresh, index.vectors)


def test_build_that_dies_midway_leaves_old_index_loadable(
    knowledge_dir: Path, tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    build_index(knowledge_dir, index_dir, encoder)
    before = SearchIndex.load(index_dir)
    (knowledge_dir / "advisories" / "fx-ticket.md").write_text(NEW_ADVISORY)

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "save_sparse_index", crash)
    with pytest.raises(OSError, match="disk full"):
        build_index(knowledge_dir, index_dir, encoder)
    after = SearchIndex.load(index_dir)
    assert [c.id for c in after.chunks] == [c.id for c in before.chunks]
    assert len(list((index_dir / store.BUILDS).iterdir())) == 2  # the live one and the abandoned one
    monkeypatch.undo()
    report = build_index(knowledge_dir, index_dir, encoder)
    assert report.advisories == 6
    assert len(list((index_dir / store.BUILDS).iterdir())) == 2  # abandoned folder cleaned, previous kept


def test_broken_file_is_skipped_and_reported(knowledge_dir: Path, tmp_path: Path, encoder: Encoder) -> None:
    (knowledge_dir / "advisories" / "broken.md").write_text(
        NEW_ADVISORY.replace("category: shopping", "category: nope")
    )
    report = build_index(knowledge_dir, tmp_path / "index", encoder)
    assert report.advisories == 5
    manifest = store.read_manifest(tmp_path / "index")
    assert manifest is not None
    assert [{k: v for k, v in e.items() if k != "sha256"} for e in manifest["skipped"]] == [
        {
            "file": "broken.md",
            "field": "category",
            "message": "unknown category 'nope'; use one of categories.yaml",
            "line": None,
        }
    ]
    assert not knowledge_changes(knowledge_dir, manifest).any  # a known-broken file is not "new"


def test_other_model_forces_full_rebuild(knowledge_dir: Path, tmp_path: Path, encoder: Encoder) -> None:
    index_dir = tmp_path / "index"
    build_index(knowledge_dir, index_dir, encoder)
    other = CountingEncoder(encoder, name="another-model")
    with pytest.raises(store.IndexMismatchError):
        SearchIndex.load(index_dir, model=other.name)
    index, report = open_index(knowledge_dir, index_dir, other)
    assert report is not None and report.full and other.encoded == report.chunks
    assert index.manifest["model"] == "another-model"


def test_open_index_refreshes_changed_knowledge(
    knowledge_dir: Path, tmp_path: Path, encoder: Encoder
) -> None:
    index_dir = tmp_path / "index"
    _, report = open_index(knowledge_dir, index_dir, encoder)
    assert report is not None  # first start builds
    _, report = open_index(knowledge_dir, index_dir, encoder)
    assert report is None  # nothing changed, nothing built
    shutil.copy(knowledge_dir / "advisories" / "fx-parcel.md", knowledge_dir / "advisories" / "fx-parcel2.md")
    text = (
        (knowledge_dir / "advisories" / "fx-parcel2.md")
        .read_text()
        .replace("id: fx-parcel", "id: fx-parcel2")
    )
    (knowledge_dir / "advisories" / "fx-parcel2.md").write_text(text)
    index, report = open_index(knowledge_dir, index_dir, encoder)
    assert report is not None and "fx-parcel2" in index.advisories


def test_title_change_re_embeds_section_chunks(knowledge_dir: Path, tmp_path: Path, encoder: Encoder) -> None:
    counting = CountingEncoder(encoder)
    build_index(knowledge_dir, tmp_path / "index", counting)
    path = knowledge_dir / "advisories" / "fx-parcel.md"
    path.write_text(
        path.read_text().replace("title: Fake parcel delivery texts", "title: Bogus courier texts")
    )
    advisory = next(a for a in load_advisories(knowledge_dir).advisories if a.id == "fx-parcel")
    sections = [c for c in chunk_advisory(advisory) if c.kind == "section"]
    counting.encoded = 0
    report = build_index(knowledge_dir, tmp_path / "index", counting)
    assert report.embedded == counting.encoded == len(sections)  # examples are embedded without the title


def test_fixed_skipped_file_is_picked_up_at_next_start(
    knowledge_dir: Path, tmp_path: Path, encoder: Encoder
) -> None:
    path = knowledge_dir / "advisories" / "fx-ticket.md"
    path.write_text(NEW_ADVISORY.replace("category: shopping", "category: shoping"))
    index, _ = open_index(knowledge_dir, tmp_path / "index", encoder)
    assert "fx-ticket" not in index.advisories
    _, report = open_index(knowledge_dir, tmp_path / "index", encoder)
    assert report is None  # still broken, unchanged: no rebuild
    path.write_text(NEW_ADVISORY)
    index, report = open_index(knowledge_dir, tmp_path / "index", encoder)
    assert report is not None and "fx-ticket" in index.advisories


def test_html_comments_are_not_indexed(knowledge_dir: Path) -> None:
    text = NEW_ADVISORY.replace(
        "## Red flags\n", "## Red flags\n<!-- Write one warning sign per bullet. -->\n"
    ).replace("- Payment by bank transfer only", "- Payment by bank transfer only <!-- hint -->")
    (knowledge_dir / "advisories" / "fx-ticket.md").write_text(text)
    advisory = next(a for a in load_advisories(knowledge_dir).advisories if a.id == "fx-ticket")
    chunks = chunk_advisory(advisory)
    assert not any("<!--" in c.text or "Write one warning" in c.text for c in chunks)
    assert any(c.text == "- Payment by bank transfer only" for c in chunks)
