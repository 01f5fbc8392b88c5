"""Shared fixtures: the real bundled model (loaded once), fixture knowledge, a real index."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import yaml

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
for _name in list(os.environ):
    if _name.startswith("FRAUDBOT_"):
        del os.environ[_name]
# The int8 model is made once (about ten seconds) and shared by every test and test subprocess.
MODEL_CACHE = Path(__file__).resolve().parent.parent / "index" / "models"
os.environ["FRAUDBOT_MODEL_CACHE_DIR"] = str(MODEL_CACHE)
# Likewise the trained scam classifiers: every core, test and subprocess with the same examples reads the
# one trained first (training on the bundled ~15,200 examples takes 1-2.5 min).
CLASSIFIER_CACHE = MODEL_CACHE.parent / "test-classifiers"
os.environ["FRAUDBOT_CLASSIFIER_CACHE_DIR"] = str(CLASSIFIER_CACHE)

from bot.commands.common import encoder_for  # noqa: E402
from bot.core.exemplars import ExemplarSet, build_exemplars, load_legitimate_examples_from  # noqa: E402
from bot.core.indicator_data import IndicatorData, load_indicator_data  # noqa: E402
from bot.core.labelled import load_labelled_messages_from  # noqa: E402
from bot.core.red_flags import RedFlagSet, load_red_flags_from  # noqa: E402
from bot.core.routing import IntentRules, load_intents  # noqa: E402
from bot.core.service import FraudCore  # noqa: E402
from bot.knowledge.loader import load_categories  # noqa: E402
from bot.retrieval.build import build_index  # noqa: E402
from bot.retrieval.embedder import Encoder  # noqa: E402
from bot.retrieval.search import Searcher, SearchIndex  # noqa: E402
from bot.settings import DEFAULT_MODEL, PathSettings, RegionSettings, Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# In bfloat16 (the default where the CPU has it) a text's vector varies this little with the texts it is
# batched with; float32 vectors agree to 1e-7. A row mixed up with another text's is far below this.
SAME_TEXT_COSINE = 0.9999
FIXTURE_KNOWLEDGE = ROOT / "tests" / "fixtures" / "knowledge"
REAL_KNOWLEDGE = ROOT / "knowledge"


def assert_same_vectors(actual: npt.NDArray[np.float32], expected: npt.NDArray[np.float32]) -> None:
    """Row ``i`` of both encodes the same text: same shape, and each pair's cosine near 1."""
    assert actual.shape == expected.shape
    cosines = (actual * expected).sum(axis=1)
    assert cosines.min(initial=1.0) >= SAME_TEXT_COSINE, cosines


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each test in its own folder so no .env or index of the repo leaks in."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The real bundled all-MiniLM-L6-v2, loaded once for the whole session (shared with the CLI cache)."""
    # The same arguments as the CLI's load_encoder, so both get this one instance.
    return encoder_for(DEFAULT_MODEL, "auto", "openvino", MODEL_CACHE)


def knowledge_variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the real ``knowledge/<name>`` in ``tmp_path`` with ``old`` replaced by ``new`` once."""
    text = (REAL_KNOWLEDGE / name).read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def intents_variant(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the real ``intents.yaml`` in ``tmp_path`` with ``old`` replaced by ``new`` once."""
    return knowledge_variant(tmp_path, "intents.yaml", old, new)


def triage_variant(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the real ``triage.yaml`` in ``tmp_path`` with ``old`` replaced by ``new`` once."""
    return knowledge_variant(tmp_path, "triage.yaml", old, new)


@pytest.fixture(scope="session")
def rules() -> IntentRules:
    """The router's phrase rules of the real ``intents.yaml``."""
    return load_intents(REAL_KNOWLEDGE / "intents.yaml")


# The triage reading lists of the fixture knowledge: its advisories, not the real ones.
FIXTURE_READING = {"default": ["fx-romance", "fx-courier"], "UK": ["fx-parcel", "fx-romance"]}


def make_knowledge(target: Path) -> Path:
    """A knowledge folder: the real data files (red flags, hotlines, checklists ...), fixture advisories.

    Its ``triage.yaml`` is the real one with :data:`FIXTURE_READING` as the reading lists.
    """
    shutil.copytree(REAL_KNOWLEDGE, target, ignore=shutil.ignore_patterns("advisories"))
    shutil.copytree(FIXTURE_KNOWLEDGE / "advisories", target / "advisories")
    triage = yaml.safe_load((target / "triage.yaml").read_text(encoding="utf-8"))
    triage["reading"] = FIXTURE_READING
    (target / "triage.yaml").write_text(yaml.safe_dump(triage, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """A fresh, writable knowledge folder for one test."""
    return make_knowledge(tmp_path / "knowledge")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Iterator[Path]:
    """A real index of the fixture knowledge, built once; tests must not modify it."""
    root = tmp_path_factory.mktemp("built")
    knowledge = make_knowledge(root / "knowledge")
    build_index(knowledge, root / "index", encoder)
    yield root


@pytest.fixture(scope="session")
def searcher(built_index: Path, encoder: Encoder) -> Searcher:
    """Hybrid search over the session index."""
    return Searcher(SearchIndex.load(built_index / "index"), encoder)


@pytest.fixture(scope="session")
def core(built_index: Path, encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> FraudCore:
    """The real core over the session's fixture index, the real data files and the real model."""
    paths = PathSettings(
        knowledge_dir=built_index / "knowledge",
        index_dir=built_index / "index",
        data_dir=tmp_path_factory.mktemp("core-data"),
    )
    return FraudCore.load(Settings(paths=paths, region=RegionSettings(region="UK")), encoder=encoder)


@pytest.fixture(scope="session")
def flags() -> RedFlagSet:
    """The real red flags, validated against the real categories."""
    return load_red_flags_from(REAL_KNOWLEDGE, load_categories(REAL_KNOWLEDGE))


@pytest.fixture(scope="session")
def indicators() -> IndicatorData:
    """The real link rules, brands and blocklists."""
    return load_indicator_data(REAL_KNOWLEDGE)


@pytest.fixture(scope="session")
def real_searcher(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Iterator[Searcher]:
    """Hybrid search over a real index of the real knowledge folder, built once per session."""
    index_dir = tmp_path_factory.mktemp("real-index")
    build_index(REAL_KNOWLEDGE, index_dir, encoder)
    yield Searcher(SearchIndex.load(index_dir), encoder)


@pytest.fixture(scope="session")
def real_exemplars(real_searcher: Searcher, flags: RedFlagSet) -> ExemplarSet:
    """The real advisories' example messages and the real operator examples, embedded, and the classifiers."""
    return build_exemplars(
        real_searcher.index,
        load_legitimate_examples_from(REAL_KNOWLEDGE),
        real_searcher.encoder,
        labelled=load_labelled_messages_from(REAL_KNOWLEDGE, load_categories(REAL_KNOWLEDGE)),
        store=PathSettings().classifier_dir,  # the session's shared folder (above)
        flags=flags,
    )
