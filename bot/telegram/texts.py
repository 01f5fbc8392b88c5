"""Fixed wording of the bot (Telegram HTML; nothing dynamic in here)."""

from __future__ import annotations

from telegram import BotCommand

START = (
    "🛡️ <b>Hello! I help you spot scams and fraud.</b>\n"
    "🔍 Forward or paste a suspicious message and I will look for warning signs.\n"
    "❓ Ask how a scam works: I answer only from official police advice, with sources.\n"
    "🆘 If you already paid, I tell you what to do now and who to call.\n\n"
    "🔐 <b>How to recognise the real me:</b> I never ask for money, codes, passwords or bank details. "
    "Anyone who does, even with my name, is a scammer."
)

HELP = (
    "<b>What you can do</b>\n"
    "• Paste or forward a message: I check it for scam warning signs.\n"
    "• Ask a question, e.g. <i>How do fake investment live streams work?</i>\n"
    "• Say <i>I already paid</i> for urgent steps.\n\n"
    "<b>Commands</b>\n"
    "/check – check a suspicious message\n"
    "/ask – ask how a scam works\n"
    "/checklist – investment live-stream scam checklist\n"
    "/hotline – who to call in your region\n"
    "/region – choose your region\n"
    "/privacy – what this bot stores\n"
    "/forget – delete everything stored about you\n"
    "/cancel – stop what you were doing\n\n"
    "In a group, mention me or use a command; reply /check to a message to check it.\n"
    "I never ask for money, codes or passwords."
)

PRIVACY = (
    "🔒 <b>What this bot stores</b>\n"
    "• Never what you type or forward: your message is checked in memory, then forgotten. "
    "It is not written to disk or to logs.\n"
    "• Your region, if you choose one with /region, under a coded key made from your Telegram id "
    "(not your id, name or phone number).\n"
    "• Your 👍/👎 votes, under the same key, each with a fingerprint (a one-way hash) of the message "
    "it was about and the ids of the advisories cited.\n"
    "• For each answer or check: that fingerprint and the advisory ids, not linked to you, "
    "so votes can be counted.\n"
    "• Anonymous daily counts (checks, answers, …) that say nothing about who asked.\n"
    "• Checklist answers live only in the buttons of your chat, not with us.\n"
    "• To stop floods, the times of your last messages are kept in memory for one minute.\n"
    "Telegram itself delivers this chat and keeps it until you delete it there."
)

CHECK_PROMPT = "🔍 Paste or forward the message you want me to check."
ASK_PROMPT = "❓ What would you like to know about a scam?"
PROMPTS = (CHECK_PROMPT, ASK_PROMPT)

GREETING = "👋 Hello! Forward or paste a suspicious message, or ask me about a scam."
CLOSING = "🙏 Take care. If another message worries you, forward it to me before you reply."
OUT_OF_SCOPE = (
    "I can only help with scams and fraud: checking suspicious messages, explaining how scams work, "
    "and what to do if you already paid."
)
CANCELLED = "OK, stopped. Send /start to see what I can do."
GROUP_MENTION_ONLY = "👋 Reply to a message with /check, or write your question after mentioning me."

PHOTO = (
    "🖼 I can't read pictures. Please type or paste the text from the picture, "
    "or forward the original message, and I will check it."
)
STICKER = "🙂 Nice sticker! I can only read text: paste or forward a message, or ask me a question."
VOICE = "🎙 I can't listen to voice or video messages. Please type what was said and I will check it."
DOCUMENT = "📄 I don't open files. Please paste the text you want me to check."
OTHER_MEDIA = "I can only read text. Paste or forward a message, or ask me a question."

OLD_BUTTON = "This button no longer works. Send /start for the menu."
CHECKLIST_EXPIRED = "⌛ This checklist has expired. Send /checklist to start again."
NO_CHECKLIST = "Sorry, the checklist is not available right now."
OPERATORS_ONLY = "Sorry, this command is only for the operators of this bot."
SLOW_DOWN = "🐢 You are sending messages very quickly. Please wait a minute, then try again."
APOLOGY = "😔 Sorry, something went wrong on my side. Please try again in a minute."
FEEDBACK_THANKS = "Thank you for your feedback!"
FEEDBACK_EXPIRED = "Thanks! That answer is too old to rate now."
TOO_SHORT = "That is a very short message. Paste the whole suspicious message, or ask a full question."

NO_TOKEN = (
    "No Telegram bot token is set.\n"
    "1. In Telegram, open a chat with @BotFather and send /newbot.\n"
    "2. Follow the steps; BotFather replies with a token like 123456789:AA...\n"
    "3. Put it in the environment or in .env: FRAUDBOT_TELEGRAM_TOKEN=<your token>\n"
    "Then run `fraudbot run` again."
)

COMMANDS = (
    BotCommand("start", "What this bot does"),
    BotCommand("check", "Check a suspicious message"),
    BotCommand("ask", "Ask how a scam works"),
    BotCommand("checklist", "Investment live-stream scam checklist"),
    BotCommand("hotline", "Who to call in your region"),
    BotCommand("region", "Choose your region"),
    BotCommand("privacy", "What this bot stores"),
    BotCommand("forget", "Delete everything stored about you"),
    BotCommand("help", "How to use this bot"),
    BotCommand("cancel", "Stop what you were doing"),
)
OPERATOR_COMMANDS = (
    *COMMANDS,
    BotCommand("stats", "Operator: usage counts"),
    BotCommand("reload", "Operator: reload the knowledge"),
)
