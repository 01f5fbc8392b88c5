"""The core facade every front end uses: load once, then ask, check, triage, checklist, reload."""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass, field

from bot.core import answers as answer_mod
from bot.core.checklist import Checklist, ChecklistOutcome, ChecklistState, evaluate
from bot.core.checks import check_message
from bot.core.exemplars import ExemplarSet, build_exemplars
from bot.core.hotlines import hotlines_for
from bot.core.intent_model import build_intent_classifier
from bot.core.knowledge_data import KnowledgeData, load_knowledge_data
from bot.core.results import Answer, CheckResult, Citation, Intent, MenuChoice, RegionHotlines, TriageResult
from bot.core.routing import classify, is_closing, may_override, menu_choice
from bot.core.script import other_script
from bot.core.triage import build_triage, closest_to_story, reading_for
from bot.knowledge.lint_advisories import locate
from bot.knowledge.problems import KnowledgeFileError
from bot.retrieval.batching import BatchingEncoder
from bot.retrieval.build import build_index
from bot.retrieval.cache import OPERATOR_TEXTS, CachingEncoder
from bot.retrieval.embedder import Encoder, make_encoder
from bot.retrieval.hits import SearchHit
from bot.retrieval.lifecycle import open_index
from bot.retrieval.search import Searcher, SearchIndex
from bot.settings import Settings

logger = logging.getLogger(__name__)

ANSWER_HITS = 50
EXAMPLE_VECTORS_FILE = "example_vectors.npz"  # in the index folder: the classifiers' encoded examples


@dataclass(frozen=True)
class ReloadReport:
    """What a reload did; ``problems`` are printable lines naming file, field and problem."""

    advisories: int
    chunks: int
    embedded: int
    seconds: float
    problems: list[str] = field(default_factory=list)


class FraudCore:
    """Everything the front ends need, loaded once; safe to call from worker threads."""

    def __init__(self, settings: Settings, searcher: Searcher, data: KnowledgeData) -> None:
        """Use an already loaded searcher and knowledge data (see :meth:`load`)."""
        self.settings = settings
        self._searcher = searcher
        self._data = data
        self._train_classifiers(previous=None)
        self._reload_lock = threading.Lock()
        self.min_answer_score = settings.retrieval.answer_min_score

    @classmethod
    def load(cls, settings: Settings, *, encoder: Encoder | None = None) -> FraudCore:
        """Load the model, open (building if needed) the index, read every data file."""
        # Served messages encode from many threads at once: one batching worker shares the model calls.
        # The cache lets routing and answering one message share its vector.
        encoder = CachingEncoder(
            encoder
            or BatchingEncoder(
                make_encoder(
                    settings.retrieval.embedding_model,
                    runtime=settings.retrieval.embedding_runtime,
                    precision=settings.retrieval.embedding_precision,
                    cache_dir=settings.paths.model_cache_dir,
                )
            )
        )
        index, report = open_index(settings.paths.knowledge_dir, settings.paths.index_dir, encoder)
        OPERATOR_TEXTS.read(settings.paths.index_dir / EXAMPLE_VECTORS_FILE, encoder.name)
        if report is not None:
            logger.info("index built at start: %d chunks, %d embedded", report.chunks, report.embedded)
        data = load_knowledge_data(settings.paths.knowledge_dir)
        for problem in data.problems:
            logger.warning("knowledge problem: %s", problem)
        searcher = Searcher(index, encoder, mode=settings.retrieval.search_mode)  # type: ignore[arg-type]
        return cls(settings, searcher, data)

    # --- what front ends read -------------------------------------------------------------------
    @property
    def searcher(self) -> Searcher:
        """The live searcher (replaced whole by :meth:`reload`)."""
        return self._searcher

    @property
    def data(self) -> KnowledgeData:
        """The live data files (replaced whole by :meth:`reload`)."""
        return self._data

    @property
    def exemplars(self) -> ExemplarSet:
        """The scam check's example messages and its classifier (retrained by :meth:`reload`)."""
        return self._exemplars

    @property
    def default_region(self) -> str:
        """The configured region."""
        return self.settings.region.region

    @property
    def checklists(self) -> dict[str, Checklist]:
        """Loaded checklists by id."""
        return self._data.checklists

    def hotlines(self, region: str | None = None) -> RegionHotlines | None:
        """The hotlines of ``region`` (default: the configured one)."""
        return hotlines_for(self._data.hotlines, region or self.default_region)

    def regions(self) -> list[RegionHotlines]:
        """Every region with hotlines, in file order."""
        return list(self._data.hotlines.values())

    # --- the four jobs -----------------------------------------------------------------------------
    def route(self, text: str, *, forwarded: bool = False) -> Intent:
        """What kind of message this is: the phrase rules, then, where they found nothing, the classifier.

        The classifier reads the model's vectors, so with an English-only model it is not asked about
        text written mostly in another script: it sent 27 of 48 Chinese questions to the check, which
        rated 23 of them low (docs/benchmarks.md). Such a question gets the honest "not sure" instead.
        """
        intent = classify(text, forwarded=forwarded, intents=self._data.intents)
        classifier = self._intent_classifier
        if intent != "question" or classifier is None or not text.strip() or self._unread(text):
            return intent
        # The same text the search encodes for a question, so a caching encoder encodes it once.
        vector = self._searcher.encoder.encode([text])[0]
        opinion = classifier.second_opinion(vector)
        return opinion if opinion and may_override(text, opinion, self._data.intents) else intent

    def _unread(self, text: str) -> bool:
        """Whether ``text`` is written in a script the configured (English-only) model cannot read."""
        return self.settings.retrieval.english_only and other_script(text)

    def is_closing(self, text: str) -> bool:
        """Whether a greeting closes the conversation ("thanks", "bye"): it gets a sign-off, not a hello."""
        return is_closing(text, self._data.intents)

    def menu_choice(self, text: str) -> MenuChoice | None:
        """The menu item a whole message asks for without its slash ("is this a scam?", "checklist")."""
        return menu_choice(text, self._data.intents)

    def ask(self, question: str, *, region: str | None = None) -> Answer:
        """A grounded answer with citations, or an abstention."""
        region = region or self.default_region
        if self._unread(question):
            # Measured: the English model answered 141 of 144 asks (48 Chinese questions x 3 regions) and
            # cited the question's kind of scam first in 3 (docs/benchmarks.md).
            return answer_mod.other_script_abstention(question, self.hotlines(region))
        if self.off_topic(question):
            return answer_mod.abstention(question, self.hotlines(region), text=answer_mod.OFF_TOPIC_TEXT)
        return answer_mod.compose_answer(
            question,
            self._search_question(question),
            min_dense=self.min_answer_score,
            region=region,
            hotlines=self.hotlines(region),
            sections_of=self._searcher.index.advisory_hits,
        )

    def off_topic(self, question: str) -> bool:
        """Whether ``ask`` declines ``question`` as off topic: the intent classifier finds it so with at
        least the setting's probability, and it names no kind of scam. Such questions are money or banking
        how-to ("how do I change my card PIN") that no advisory answers, though their words are close to
        some (rule Z16, docs/benchmarks.md)."""
        threshold = self.settings.retrieval.answer_off_topic_probability
        classifier, names = self._intent_classifier, self._data.scam_names
        if classifier is None or threshold >= 1 or (names is not None and names.named_categories(question)):
            return False
        vector = self._searcher.encoder.encode([question])[0]  # cached: the search reuses it
        return classifier.probability(vector, "out_of_scope") >= threshold

    def check(self, text: str, *, region: str | None = None) -> CheckResult:
        """Risk, red flags, matching advisories and next steps for a suspicious message."""
        region = region or self.default_region
        return check_message(
            text,
            flags=self._data.red_flags,
            indicators=self._data.indicators,
            searcher=self._searcher,
            exemplars=self._exemplars,
            english_only=self.settings.retrieval.english_only,
            hotlines=self.hotlines(region),
            region=region,
        )

    def triage(self, text: str = "", *, region: str | None = None) -> TriageResult:
        """Steps for someone who already paid, and what to read: first the advisory closest to what they
        wrote (if any is close), then their region's reading list from ``triage.yaml``."""
        region = region or self.default_region
        story: list[Citation] = []
        if text.strip() and not self._unread(text):
            min_dense = self.settings.retrieval.triage_story_min_score
            story = closest_to_story(self._search_question(text), region, min_dense=min_dense)
        index = self._searcher.index
        reading = [
            answer_mod.citation_of(hits[0])
            for advisory_id in reading_for(self._data.triage, region)
            if (hits := index.advisory_hits(advisory_id))  # an id not in the index is skipped
        ]
        advisories = list(dict.fromkeys(story + reading))
        return build_triage(self._data.triage, self.hotlines(region), advisories)

    def _search_question(self, text: str) -> list[SearchHit]:
        """The hybrid search of ``text``, with the meaning of any scam it names (see ``ScamNames``)."""
        names = self._data.scam_names
        return self._searcher.search(names.search_text(text) if names else text, ANSWER_HITS)

    def checklist_outcome(
        self, checklist_id: str, state: ChecklistState, *, region: str | None = None
    ) -> ChecklistOutcome:
        """The verdict of a checklist state, with advisories to read and the region's hotlines."""
        checklist = self._data.checklists[checklist_id]
        region = region or self.default_region
        outcome = evaluate(checklist, state)
        query = (
            f"{checklist.title}. {outcome.stage.label if outcome.stage else ''} {' '.join(outcome.confirmed)}"
        )
        advisories = tuple(self.related(query, region, category=checklist.category))
        return dataclasses.replace(outcome, advisories=advisories, hotlines=self.hotlines(region))

    def related(
        self, query: str, region: str | None, *, category: str | None = None, k: int = 3
    ) -> list[Citation]:
        """Up to ``k`` advisories for ``query``, local ones first when close, one citation each."""
        hits = self._searcher.search(query, ANSWER_HITS)
        if category:
            hits = [h for h in hits if h.category == category] + [h for h in hits if h.category != category]
        matches = answer_mod.ranked_advisories(hits, region)
        return [answer_mod.citation_of(m.hits[0]) for m in matches[:k]]

    # --- operators -------------------------------------------------------------------------------
    def reload(self) -> ReloadReport:
        """Rebuild the index incrementally and re-read data files; swap in only complete results.

        A broken file is skipped (or keeps its last good version) and named in ``problems``. When the
        index cannot be rebuilt at all (``categories.yaml`` is broken), the previous index keeps serving.
        """
        with self._reload_lock:
            encoder = self._searcher.encoder
            paths = self.settings.paths
            data = load_knowledge_data(paths.knowledge_dir, previous=self._data)
            problems = [str(p) for p in data.problems]
            try:
                report = build_index(paths.knowledge_dir, paths.index_dir, encoder)
            except KnowledgeFileError as exc:
                self._data = data
                self._train_classifiers(previous=self._exemplars)
                live = self._searcher.index
                problems += [str(p) for p in exc.problems if str(p) not in problems]
                return ReloadReport(len(live.advisories), len(live.chunks), 0, 0.0, problems)
            index = SearchIndex.load(paths.index_dir, model=encoder.name)
            self._searcher = Searcher(index, encoder, mode=self._searcher.mode)
            self._data = data
            self._train_classifiers(previous=self._exemplars)
            problems = [str(locate(p)) for p in report.problems if p.severity == "error"] + problems
            return ReloadReport(report.advisories, report.chunks, report.embedded, report.seconds, problems)

    def _train_classifiers(self, previous: ExemplarSet | None) -> None:
        # The scam check's and the router's; only example texts new to this process (and not saved in
        # the index folder by an earlier start) reach the model, and the scam check's classifier is kept
        # when no example changed (``previous``).
        searcher, data = self._searcher, self._data
        self._exemplars = build_exemplars(
            searcher.index,
            data.legitimate_examples,
            searcher.encoder,
            labelled=data.labelled_messages,
            previous=previous,
            store=self.settings.paths.classifier_dir,
            flags=data.red_flags,
        )
        self._intent_classifier = build_intent_classifier(data.intent_examples, searcher.encoder)
        path = self.settings.paths.index_dir / EXAMPLE_VECTORS_FILE
        if OPERATOR_TEXTS.unsaved or not path.exists():
            texts = [e.text for e in data.legitimate_examples] + [m.text for m in data.labelled_messages]
            texts += [text for _, text in data.intent_examples.examples] if data.intent_examples else []
            OPERATOR_TEXTS.write(path, searcher.encoder.name, texts)
