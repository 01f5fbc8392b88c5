"""Names of scams (categories.yaml `also_called`): matching, what ask searches for, and bad entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.knowledge_data import load_knowledge_data
from bot.core.scam_names import ScamNames, load_scam_names
from bot.core.service import FraudCore
from bot.knowledge.lint import lint_knowledge
from bot.knowledge.loader import load_categories
from bot.knowledge.problems import KnowledgeFileError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def names() -> ScamNames:
    loaded = load_scam_names(ROOT / "knowledge", load_categories(ROOT / "knowledge"))
    assert loaded is not None
    return loaded


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("what is pig butchering?", ["pig-butchering"]),
        ("Is PIG-BUTCHERING real", ["pig-butchering"]),
        ("my bank warned me about smishing and vishing", ["phishing"]),
        ("are ponzis still around", ["investment-platform"]),
        ("got a 'hi mum' text", ["impersonation-acquaintance"]),
        ("is a romance scam the same as catfishing? and what is sextortion", ["romance", "sextortion"]),
    ],
)
def test_a_question_naming_a_scam_finds_its_category(
    names: ScamNames, text: str, categories: list[str]
) -> None:
    assert names.named_categories(text) == categories


@pytest.mark.parametrize(
    "text", ["", "what is a pig", "phishingx attack", "my butcher sells pork", "hello mum", "🐷🔪" * 3000]
)
def test_words_that_only_look_like_a_name_find_nothing(names: ScamNames, text: str) -> None:
    assert names.named_categories(text) == []
    assert names.search_text(text) == text


def test_the_search_adds_what_each_named_category_means(names: ScamNames) -> None:
    question = "what is sextortion?"
    assert names.search_text(question) == f"{question} {names.descriptions['sextortion']}"
    assert "intimate images" in names.search_text(question)


def test_ask_answers_a_named_scam_from_its_advisories(core: FraudCore) -> None:
    answer = core.ask("what is catfishing?")
    assert answer.confident and answer.citations[0].category == "romance"
    description = core.data.categories["romance"]
    assert description not in answer.text  # the answer quotes advisories, never the description


def _write_names(knowledge_dir: Path, section: str) -> int:
    """Replace the ``also_called`` section; the line it starts on."""
    path = knowledge_dir / "categories.yaml"
    text = path.read_text(encoding="utf-8")
    kept = text[: text.index("also_called:")]
    path.write_text(kept + section, encoding="utf-8")
    return kept.count("\n") + 1


def test_without_also_called_nothing_is_added(knowledge_dir: Path) -> None:
    _write_names(knowledge_dir, "")
    assert load_scam_names(knowledge_dir, load_categories(knowledge_dir)) is None


def test_bad_names_are_named_with_their_line_and_the_rest_keeps_working(knowledge_dir: Path) -> None:
    line = _write_names(
        knowledge_dir,
        "also_called:\n"
        "  romance: [romance scam, catfish]\n"
        "  no-such-kind: [made up]\n"
        "  sextortion: [sextortion, '!!!', Catfish]\n"
        "  loan: loan scam\n",
    )
    with pytest.raises(KnowledgeFileError) as caught:
        load_scam_names(knowledge_dir, load_categories(knowledge_dir))
    found = {(p.field, p.line, p.message) for p in caught.value.problems}
    assert (
        "also_called.no-such-kind",
        line + 2,
        "unknown category 'no-such-kind' (see categories:)",
    ) in found
    assert ("also_called.sextortion[1]", line + 3, "must be a name made of letters or digits") in found
    assert ("also_called.sextortion[2]", line + 3, "'Catfish' is already a name of romance") in found
    assert ("also_called.loan", line + 4, "must be a list of names") in found
    assert len(found) == 4
    data = load_knowledge_data(knowledge_dir)  # the core still loads, without names
    assert data.scam_names is None and data.categories
    assert any(p.field.startswith("also_called") for p in data.problems)
    assert any(p.field == "also_called.loan" for p in lint_knowledge(knowledge_dir))
