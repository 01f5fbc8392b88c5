"""The words of a scam-check verdict: the summary and the next steps for each risk level.

``low`` never reads as safe: its text says no known (or no strong) warning sign was found, that this
does not mean it is safe, and what to watch for.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.hotlines import format_hotlines_inline, reporting_contacts
from bot.core.red_flags import RedFlagSet
from bot.core.results import Hotline, RegionHotlines, Risk, Signal
from bot.core.script import has_chinese, other_script

MAX_FLAG_ADVICE = 3
NOT_SAFE = "That does not mean it is safe: scammers change their wording all the time."
WATCH_FOR = (
    "Watch for these signs: a request to pay by gift card, crypto or bank transfer to an account you do not "
    "know; a request for a code, PIN or password; pressure to hurry or keep it secret; promises of sure or "
    "quick profit; a relative or friend writing from a new number; a link to log in or pay."
)
CHECK_INDEPENDENTLY = (
    "Check it yourself before you act: contact the person or company on a number or website you already "
    "know, never the one in the message."
)
ASKED_TO_ACT = (
    "If it came with a request for money, codes or personal details, or from someone you do not know, "
    "treat that request as a scam and check it yourself first."
)
OTHER_SCRIPT_NOTE = (
    "I read English best, and this message is written mostly in another language: warning signs in it may "
    "have been missed. Check it with someone you trust or call the hotline before you do anything it asks."
)
# For a reader of Chinese, traditional then simplified: "I can only read English and may have missed warning
# signs. If in doubt, call the hotline."
CHINESE_CHECK_NOTE = (
    "我只讀得懂英文，可能漏看了警告信號。如有疑問，請撥打熱線電話。\n"
    "我只读得懂英文，可能漏看了警告信号。如有疑问，请拨打热线电话。"
)
# A medium or high verdict on a message written in Chinese, said in Chinese too (traditional, then
# simplified), since whoever pasted it may not read the English reply. High: "This message shows clear signs
# of a scam: do not pay, reply or click its links. If in doubt, call the hotline." Medium: "This message
# shows warning signs common in scams: before doing what it asks, check with the sender yourself, on an
# official number or website you already know. If in doubt, call the hotline."
CHINESE_VERDICT_NOTES: dict[Risk, str] = {
    "high": (
        "這則訊息有明顯的詐騙跡象：不要付款、不要回覆，也不要點擊裡面的連結。如有疑問，請撥打熱線電話。\n"
        "这则信息有明显的诈骗迹象：不要付款、不要回复，也不要点击里面的链接。如有疑问，请拨打热线电话。"
    ),
    "medium": (
        "這則訊息有詐騙常見的警告信號：照做之前，請用你已知的官方電話或網站，自行向對方查證。"
        "如有疑問，請撥打熱線電話。\n"
        "这则信息有诈骗常见的警告信号：照做之前，请用你已知的官方电话或网站，自行向对方核实。"
        "如有疑问，请拨打热线电话。"
    ),
}
TRUNCATED_NOTE = "The message was very long: only its first {limit:,} characters were checked."


def summary_text(
    risk: Risk,
    signals: Sequence[Signal],
    *,
    checked_chars: int | None = None,
    warning: str | None = None,
    everyday: bool = False,
    script_note: str | None = None,
) -> str:
    """One paragraph saying what was found and what the risk level means.

    ``warning`` is the phrase that makes the message read as a warning about scams; ``everyday`` says it
    reads like everyday messages despite its weak signs (its risk is low in both cases). ``script_note``
    (see :func:`note_for_script`) follows on a line of its own.
    """
    labels = ", ".join(s.label for s in signals)
    if everyday:
        text = (
            f"Some of its words are warning signs in scams ({labels}), but as a whole it reads much more "
            f"like everyday messages than like the scams I know, so I rate it low. {NOT_SAFE} {ASKED_TO_ACT}"
        )
    elif warning is not None:
        text = (
            f"This reads like a warning about scams rather than a scam itself (it says “{warning}”); "
            f"the signs it describes: {labels}. {ASKED_TO_ACT}"
        )
    elif risk == "high":
        text = (
            f"This message shows strong signs of a scam: {labels}. Do not pay, reply or click anything in it."
        )
    elif risk == "medium":
        text = (
            f"This message shows warning signs that often appear in scams: {labels}. "
            "Check it independently before you do anything it asks."
        )
    elif signals:
        text = f"No strong warning sign was found, only a weak hint: {labels}. {NOT_SAFE}"
    else:
        text = f"No known warning sign was found in this message. {NOT_SAFE}"
    if checked_chars is not None:
        text += " " + TRUNCATED_NOTE.format(limit=checked_chars)
    if script_note:
        text += "\n" + script_note
    return text


def note_for_script(text: str, risk: Risk, *, english_only: bool = True) -> str | None:
    """What the verdict on ``text`` adds when ``text`` is written mostly in another script, else None.

    A low verdict says warning signs may have been missed (in Chinese too when the message is Chinese),
    unless ``english_only`` is off (the operator's model and phrases read other scripts). A medium or high
    verdict on a message in Chinese is said again in Chinese (:data:`CHINESE_VERDICT_NOTES`).
    """
    if (risk == "low" and not english_only) or not other_script(text):
        return None
    if risk == "low":
        return OTHER_SCRIPT_NOTE + ("\n" + CHINESE_CHECK_NOTE if has_chinese(text) else "")
    return CHINESE_VERDICT_NOTES[risk] if has_chinese(text) else None


def next_steps(
    risk: Risk, signals: Sequence[Signal], flags: RedFlagSet, hotlines: RegionHotlines | None
) -> tuple[str, ...]:
    """Steps that fit the risk: stop and report when high, check first when medium, watch when low."""
    hotline = _advice_line(hotlines)
    if risk == "high":
        steps = ["Stop here: do not pay, reply, click links or call any number in this message."]
        steps += _flag_advice(signals, flags)
        steps.append(
            "If you already paid or shared bank details, call your bank now on the number on the back "
            "of your card and ask them to stop the payment."
        )
        steps.append(_report_step(hotlines))
        steps.append("Tell someone you trust what happened; you have done nothing wrong by asking.")
    elif risk == "medium":
        steps = ["Pause: do not pay, click links or share codes until you have checked.", CHECK_INDEPENDENTLY]
        steps += _flag_advice(signals, flags)
        steps.append("Talk it over with someone you trust before you act.")
        if hotline:
            steps.append(f"If you are unsure, ask for advice: {hotline}.")
    else:
        steps = [
            CHECK_INDEPENDENTLY,
            WATCH_FOR,
            "If anything in it worries you, send me more of the conversation or take the warning checklist.",
        ]
        if hotline:
            steps.append(f"If you are unsure, ask for advice: {hotline}.")
    return tuple(dict.fromkeys(steps))


def _flag_advice(signals: Sequence[Signal], flags: RedFlagSet) -> list[str]:
    advice: list[str] = []
    for signal in signals:  # strongest first
        flag = flags.get(signal.name)
        if flag is not None and flag.advice and flag.advice not in advice:
            advice.append(flag.advice)
        if len(advice) >= MAX_FLAG_ADVICE:
            break
    return advice


def _report_step(hotlines: RegionHotlines | None) -> str:
    """Where to report: the contacts marked as taking reports, and the advice line when it is another one.

    A region's scam helpline (HK's 18222, SG's 1799, TW's 165) gives advice but is not where a report is
    filed; naming both tells a user who is about to be scammed whom to ask and where to report.
    """
    if hotlines is None or not hotlines.contacts:
        return "Report it to the police on their non-emergency number, or your national fraud hotline."
    advice = _advice_contact(hotlines.contacts)
    # With no contact marked, the advice line stands in rather than every contact (999 among them).
    reporting = reporting_contacts(hotlines, unmarked=(advice,))
    step = f"Report it: {format_hotlines_inline(reporting)}."
    if advice not in reporting:
        step += f" For advice on what to do: {format_hotlines_inline([advice])}."
    return step


def _advice_line(hotlines: RegionHotlines | None) -> str | None:
    """The region's advice contact as one phrase, e.g. 'Action Fraud reporting, 0300 123 2040'."""
    if hotlines is None or not hotlines.contacts:
        return None
    contact = _advice_contact(hotlines.contacts)
    reach = " or ".join(part for part in (contact.number, contact.url) if part)
    return f"{contact.name}, {reach}" if reach else contact.name


def _advice_contact(contacts: Sequence[Hotline]) -> Hotline:
    """A fraud or scam line by its name, else the first that is not the emergency number."""
    for word in ("fraud", "scam"):
        for contact in contacts:
            if word in contact.name.lower():
                return contact
    return next((c for c in contacts if "emergency" not in c.name.lower()), contacts[0])
