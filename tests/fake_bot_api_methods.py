"""The state of the fake Telegram and its Bot API methods (no networking here; see ``fake_bot_api``)."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from fake_bot_api_rules import (
    ANSWER_TEXT_LIMIT,
    ApiError,
    bad_request,
    check_commands,
    check_reply_markup,
    message_text,
)

CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}  # fmt: skip


def public(message: dict[str, Any]) -> dict[str, Any]:
    """A message as the API shows it (without the fake's bookkeeping keys)."""
    return {k: v for k, v in message.items() if not k.startswith("_")}


class BotApiState:
    """Chats, messages (with edits), callback queries, commands and the webhook of one fake bot."""

    def __init__(self, token: str, username: str) -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Fraud Check",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self._lock = threading.RLock()
        self.chats: dict[int, dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any] | None] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.webhook_targets: list[str] = []
        self.webhook_secret: str | None = None
        self._failures: dict[str, list[str]] = {}

    def fail_next(self, method: str, description: str = "Internal Server Error: injected failure") -> None:
        """Make the next call of ``method`` fail (500 unless the description says Bad Request)."""
        with self._lock:
            self._failures.setdefault(method, []).append(description)

    def _injected_failure(self, method: str) -> None:
        queued = self._failures.get(method)
        if queued:
            description = queued.pop(0)
            raise ApiError(400 if description.startswith("Bad Request") else 500, description)

    def dispatch(self, method: str, params: dict[str, Any]) -> Any:
        """Run one (non-polling) method under the state lock."""
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        with self._lock:
            self._injected_failure(method)
            return handler(params)

    # --- chats and messages ---------------------------------------------------------------------

    def add_chat(self, chat: dict[str, Any]) -> dict[str, Any]:
        """Register a chat (idempotent)."""
        with self._lock:
            self.chats.setdefault(chat["id"], chat)
            self._message_ids.setdefault(chat["id"], itertools.count(1))
        return chat

    def new_message(self, chat: dict[str, Any], sender: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """Store a new message in a chat, numbered like Telegram does (per chat)."""
        with self._lock:
            self.add_chat(chat)
            message = {
                "message_id": next(self._message_ids[chat["id"]]),
                "date": int(time.time()),
                "chat": chat,
                "from": sender,
                **fields,
            }
            self.messages[(chat["id"], message["message_id"])] = message
        return message

    def _known_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chats.get(params.get("chat_id"))  # type: ignore[arg-type]
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._known_chat(params)
        message = self.messages.get((chat["id"], int(params.get("message_id") or 0)))
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return message

    # --- methods --------------------------------------------------------------------------------

    def api_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    def api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat = self._known_chat(params)
        text, entities = message_text(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        fields: dict[str, Any] = {"text": text, "_html": params.get("text")}
        if entities:
            fields["entities"] = entities
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            fields["reply_markup"] = markup
        reply = params.get("reply_parameters") or {}
        if reply:
            replied = self.messages.get((chat["id"], int(reply["message_id"])))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
            if replied is not None:
                fields["reply_to_message"] = public(
                    {k: v for k, v in replied.items() if k != "reply_to_message"}
                )
        return public(self.new_message(chat, self.bot_user, **fields))

    def api_editMessageText(self, params: dict[str, Any]) -> Any:
        message = self._editable(params)
        text, entities = message_text(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        new_markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        current = (message["text"], message.get("entities", []), message.get("reply_markup"))
        if (text, entities, new_markup) == current:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.update(text=text, entities=entities, edit_date=int(time.time()), _html=params.get("text"))
        message.pop("reply_markup", None)
        if new_markup:
            message["reply_markup"] = new_markup
        return public(message)

    def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._editable(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        if markup == message.get("reply_markup"):
            raise bad_request("message is not modified")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return public(message)

    def api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self.callback_answers or self.callback_answers[query_id] is not None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > ANSWER_TEXT_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = {"text": params.get("text"), "show_alert": params.get("show_alert")}
        return True

    def api_sendChatAction(self, params: dict[str, Any]) -> Any:
        self._known_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _scope_key(self, params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        if scope.get("type") == "chat":
            if scope.get("chat_id") not in self.chats:
                raise bad_request("chat not found")
            return f"chat:{scope['chat_id']}"
        return str(scope.get("type"))

    def api_setMyCommands(self, params: dict[str, Any]) -> Any:
        self.commands[self._scope_key(params)] = check_commands(params.get("commands"))
        return True

    def api_getMyCommands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(self._scope_key(params), [])

    def api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_targets, self.webhook_secret = [], None
        return True

    def api_setWebhook(self, params: dict[str, Any]) -> Any:
        url = str(params.get("url") or "")
        if url and not url.startswith(("https://", "http://127.0.0.1")):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        self.webhook_targets = [url] if url else []
        self.webhook_secret = params.get("secret_token")
        return True

    def api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        url = self.webhook_targets[0] if self.webhook_targets else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}
