"""``fraudbot index build|status``, ``fraudbot lint`` and ``fraudbot search``."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from tqdm import tqdm

from bot.commands.common import load_encoder, load_searcher, print_json, run_jsonl
from bot.knowledge.lint import lint_knowledge
from bot.knowledge.loader import load_categories, parse_advisory
from bot.knowledge.problems import KnowledgeFileError
from bot.retrieval import store
from bot.retrieval.build import build_index
from bot.retrieval.hits import SearchHit
from bot.retrieval.lifecycle import knowledge_changes
from bot.settings import Settings


def cmd_index_build(settings: Settings, args: argparse.Namespace) -> int:
    """Build the index, incrementally unless --full."""
    encoder = load_encoder(settings)
    bar = tqdm(total=0, unit="chunk", desc="embedding", disable=not sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    report = build_index(
        settings.paths.knowledge_dir, settings.paths.index_dir, encoder, full=args.full, progress=progress
    )
    bar.close()
    for problem in report.problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    print(
        f"indexed {report.advisories} advisories, {report.chunks} chunks "
        f"({report.embedded} embedded, {report.reused} reused) in {report.seconds:.1f}s"
    )
    return 0


def _skipped_now(settings: Settings, skipped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The files the last build skipped, each marked with whether it still exists and now loads cleanly."""
    knowledge_dir = settings.paths.knowledge_dir
    try:
        categories = load_categories(knowledge_dir)
    except KnowledgeFileError:
        categories = None
    entries = []
    for entry in skipped:
        path = knowledge_dir / "advisories" / str(entry["file"])
        if not path.exists():
            state = "removed"
        elif categories is not None and parse_advisory(path, categories)[0] is not None:
            state = "fixed"
        else:
            state = "still broken" if categories is not None else "unknown"
        entries.append({**entry, "now": state})
    return entries


def index_status(settings: Settings) -> dict[str, Any]:
    """What the live index holds, how it was built, and how the knowledge folder differs from it."""
    index_dir = settings.paths.index_dir
    manifest = store.read_manifest(index_dir)
    if manifest is None:
        return {"built": False, "index_dir": str(index_dir)}
    changes = knowledge_changes(settings.paths.knowledge_dir, manifest)
    try:
        store.live_build_dir(index_dir, manifest)
        health = "ok"
    except (store.IndexNotFoundError, store.IndexMismatchError) as exc:
        health = str(exc)
    return {
        "built": True,
        "index_dir": str(index_dir),
        "build_dir": manifest.get("build_dir"),
        "health": health,
        "model": manifest["model"],
        "configured_model": settings.retrieval.embedding_model,
        "dimension": manifest["dimension"],
        "built_at": manifest["built_at"],
        "advisories": manifest["counts"]["advisories"],
        "chunks": manifest["counts"]["chunks"],
        "examples": manifest["counts"].get("examples", 0),
        "last_build": manifest.get("last_build", {}),
        "changed_since_build": {
            "added": changes.added,
            "changed": changes.changed,
            "removed": changes.removed,
        },
        "skipped": _skipped_now(settings, manifest.get("skipped", [])),
    }


def cmd_index_status(settings: Settings, args: argparse.Namespace) -> int:
    """Print the index status; exit 1 when there is no usable index."""
    status = index_status(settings)
    if args.json:
        print_json(status)
        return 0 if status["built"] and status["health"] == "ok" else 1
    if not status["built"]:
        print(f"no index in {status['index_dir']}: run `fraudbot index build`")
        return 1
    print(f"index:       {status['index_dir']} ({status['build_dir']})")
    if status["health"] != "ok":
        print(f"BROKEN:      {status['health']}")
    print(f"model:       {status['model']} (dimension {status['dimension']})")
    if status["model"] != status["configured_model"]:
        print(f"             configured model is {status['configured_model']}: the next start rebuilds")
    last = status["last_build"]
    how = (
        (
            f" ({'full' if last.get('full') else 'incremental'}, {last.get('seconds', 0):.1f}s, "
            f"{last.get('embedded', 0)} chunks embedded, {last.get('reused', 0)} reused)"
        )
        if last
        else ""
    )
    print(f"built at:    {status['built_at']}{how}")
    print(
        f"advisories:  {status['advisories']}  chunks: {status['chunks']} "
        f"({status['examples']} example messages)"
    )
    changed = status["changed_since_build"]
    for kind in ("added", "changed", "removed"):
        for name in changed[kind]:
            print(f"{kind + ':':<13}{name}")
    if not any(changed.values()):
        print("up to date:  no advisory changed since the build")
    for entry in status["skipped"]:
        where = f"{entry['file']}:{entry['line']}" if entry.get("line") else entry["file"]
        print(f"skipped:     {where}: {entry['field']}: {entry['message']} [now: {entry['now']}]")
    if any(entry["now"] in ("fixed", "removed") for entry in status["skipped"]):
        print("             a skipped file was fixed or removed since: run `fraudbot index build`")
    return 0 if status["health"] == "ok" else 1


def cmd_lint(settings: Settings, args: argparse.Namespace) -> int:
    """Check every knowledge file; exit 1 when any error is found. Notes are listed with ``--notes``."""
    problems = lint_knowledge(settings.paths.knowledge_dir)
    for problem in problems:
        if problem.severity != "note" or args.notes:
            print(f"{problem.severity}: {problem}")
    count = Counter(p.severity for p in problems)
    hint = " (`fraudbot lint --notes` lists them)" if count["note"] and not args.notes else ""
    print(f"{count['error']} error(s), {count['warning']} warning(s), {count['note']} note(s){hint}")
    return 1 if count["error"] else 0


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """The public JSON form of a hit."""
    data = hit.to_dict()
    data.pop("dense_score", None)
    return data


def cmd_search(settings: Settings, args: argparse.Namespace) -> int:
    """Search the advisories; --jsonl reads queries from stdin."""
    searcher = load_searcher(settings)
    if args.jsonl:

        def handle(texts: list[str]) -> list[dict[str, Any]]:
            return [{"hits": [hit_json(h) for h in found]} for found in searcher.search_many(texts, args.k)]

        return run_jsonl(sys.stdin, sys.stdout, handle)
    if not args.query:
        print("give a QUERY, or --jsonl to read queries from stdin", file=sys.stderr)
        return 2
    hits = searcher.search(args.query, args.k)
    if args.json:
        print_json([hit_json(h) for h in hits])
        return 0
    if not hits:
        print("no advisory matched")
    for rank, hit in enumerate(hits, start=1):
        print(f"{rank}. {hit.title}  [{hit.category}, {hit.region}]  score {hit.score:.3f}")
        print(f"   {hit.heading}: {hit.text[:300]}")
        print(f"   {hit.issuer}, {hit.published}: {hit.source_url}")
    return 0
