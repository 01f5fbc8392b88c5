"""Turn the core's results into Telegram HTML blocks; every dynamic string goes through ``esc``.

Each function returns a list of balanced HTML blocks; ``split_html`` packs them into messages.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from bot.core.checklist import Checklist, ChecklistOutcome, Question
from bot.core.results import Answer, CheckResult, Citation, RegionHotlines, Risk, TriageResult

EVIDENCE_CHARS = 80

RISK_HEADERS: dict[Risk, str] = {
    "high": "🔴 <b>High risk: this has strong signs of a scam.</b>",
    "medium": "🟠 <b>Medium risk: this has warning signs of a scam.</b>",
    "low": "🟡 <b>I found few warning signs, but that does not mean it is safe.</b>",
}
WARNING_HEADER = "🟡 <b>This reads like a warning about scams, not a scam; that does not mean it is safe.</b>"
LEVEL_HEADERS: dict[Risk, str] = {
    "high": "🔴 <b>High risk</b>",
    "medium": "🟠 <b>Medium risk</b>",
    "low": "🟡 <b>Lower risk (not a guarantee of safety)</b>",
}


def esc(text: object) -> str:
    """Escape a dynamic value for Telegram HTML."""
    return html.escape(str(text), quote=True)


def link(url: str | None, label: str) -> str:
    """A link for http(s) URLs; anything else is shown as plain escaped text."""
    if url and url.startswith(("https://", "http://")):
        return f'<a href="{esc(url)}">{esc(label)}</a>'
    return esc(label)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bullets(items: Iterable[str]) -> str:
    """Escaped bullet lines."""
    return "\n".join(f"• {esc(item)}" for item in items)


def numbered(items: Iterable[str]) -> str:
    """Escaped numbered lines."""
    return "\n".join(f"{i}. {esc(item)}" for i, item in enumerate(items, start=1))


def sources(citations: Sequence[Citation], stale: Iterable[str] = (), title: str = "Sources") -> list[str]:
    """The cited advisories, numbered like the answer's [n] markers."""
    if not citations:
        return []
    stale_ids = set(stale)
    lines = [f"📚 <b>{esc(title)}</b>"]
    for i, citation in enumerate(citations, start=1):
        line = f"[{i}] {link(citation.source_url, citation.title)}"
        line += f" — {esc(citation.issuer)}, {esc(citation.published)}"
        if citation.advisory_id in stale_ids:
            line += " <i>(over three years old: check for newer advice)</i>"
        lines.append(line)
    return ["\n".join(lines)]


def hotlines(region: RegionHotlines | None) -> list[str]:
    """A region's contacts, or a pointer to /region when there are none."""
    if region is None or not region.contacts:
        return ["☎️ Choose your region with /region to see who to call."]
    lines = [f"☎️ <b>Who to contact: {esc(region.name)}</b>"]
    for contact in region.contacts:
        parts = [esc(contact.name)]
        if contact.number:
            parts.append(f"<b>{esc(contact.number)}</b>")
        if contact.url:
            parts.append(link(contact.url, "website"))
        lines.append("• " + " — ".join(parts))
    return ["\n".join(lines)]


def answer(result: Answer) -> list[str]:
    """A cited answer, or an honest "not sure"."""
    blocks = [] if result.confident else ["🤔 <b>I'm not sure I have good information on this.</b>"]
    blocks.append(esc(result.text))
    blocks += sources(result.citations, result.stale_citations)
    blocks += hotlines(result.hotlines)
    return blocks


def check(result: CheckResult) -> list[str]:
    """The verdict on a message: risk, the warning signs with their evidence, next steps, sources."""
    header = WARNING_HEADER if result.warning_phrase else RISK_HEADERS[result.risk]
    blocks = [header + "\n" + esc(result.summary)]
    if result.signals:
        lines = ["🚩 <b>Warning signs</b>"]
        for signal in result.signals:
            line = f"• <b>{esc(signal.label)}</b>: {esc(signal.explanation)}"
            quoted = [f"“{esc(_shorten(e, EVIDENCE_CHARS))}”" for e in signal.evidence[:2]]
            if quoted:
                line += " (" + ", ".join(quoted) + ")"
            lines.append(line)
        blocks.append("\n".join(lines))
    found = [*result.links, *result.phones]
    if found:
        # Shown as code, so nothing in a scam message becomes a clickable link in our reply.
        items = ", ".join(f"<code>{esc(_shorten(item, EVIDENCE_CHARS))}</code>" for item in found)
        blocks.append(f"🔗 Do not open, call or pay anything from the message: {items}")
    if result.next_steps:
        blocks.append("👉 <b>What to do</b>\n" + numbered(result.next_steps))
    blocks += sources(result.advisories, result.stale_citations, title="Official advice")
    blocks += hotlines(result.hotlines)
    return blocks


def triage(result: TriageResult) -> list[str]:
    """Steps for someone who already paid, the evidence to keep, and a report template."""
    blocks = ["🆘 <b>If you already paid, act now, in this order:</b>\n" + numbered(result.steps)]
    if result.evidence_checklist:
        blocks.append("🗂 <b>Keep this evidence</b>\n" + bullets(result.evidence_checklist))
    if result.evidence_template.strip():
        blocks.append(
            "📝 <b>A report you can fill in and copy</b>\n<pre>" + esc(result.evidence_template) + "</pre>"
        )
    blocks += sources(result.advisories, result.stale_citations, title="Official advice")
    blocks += hotlines(result.hotlines)
    return blocks


def checklist_question(checklist: Checklist, question: Question, index: int, total: int) -> str:
    """One checklist question with its "i of n" position."""
    head = f"📝 <b>{esc(checklist.title)}</b>\nQuestion {index} of {total}"
    if index == 1:
        head += "\n" + esc(checklist.intro)
    return f"{head}\n\n<b>{esc(question.text)}</b>\n<i>{esc(question.why)}</i>"


def checklist_outcome(outcome: ChecklistOutcome) -> list[str]:
    """The verdict at the end of a checklist, the stage reached and the next steps."""
    blocks = [
        f"📝 <b>{esc(outcome.title)}: your result</b>\n"
        f"{LEVEL_HEADERS[outcome.level]}\n{esc(outcome.verdict_text)}"
    ]
    if outcome.stage is not None:
        blocks.append(f"📍 <b>Stage reached:</b> {esc(outcome.stage.label)}")
    if outcome.confirmed:
        blocks.append("🚩 <b>You said yes to</b>\n" + bullets(outcome.confirmed))
    if outcome.unsure:
        blocks.append("❔ <b>You were not sure about</b>\n" + bullets(outcome.unsure))
    if outcome.next_steps:
        blocks.append("👉 <b>Next steps</b>\n" + numbered(outcome.next_steps))
    blocks += sources(outcome.advisories, outcome.stale_citations, title="Official advice")
    blocks += hotlines(outcome.hotlines)
    return blocks
