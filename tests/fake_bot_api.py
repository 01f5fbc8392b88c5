"""A small fake Telegram Bot API server on 127.0.0.1, for running the real bot in tests and benchmarks.

It runs tornado in its own thread and event loop. Tests play the users: ``send`` / ``press`` queue
updates that the bot fetches by long polling (``getUpdates``); every call the bot makes is recorded
(``calls``) and bot messages are kept with their edits (``bot_messages``). The real API's rules are
enforced (see ``fake_bot_api_rules``): HTML entities, 4096 characters, 64-byte callback data,
"message is not modified", one answer per callback query.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web
from fake_bot_api_rules import (
    ANSWER_TEXT_LIMIT,
    ApiError,
    auto_entities,
    bad_request,
    check_commands,
    check_reply_markup,
    message_text,
)

JSON_FIELDS = {
    "reply_markup",
    "entities",
    "commands",
    "allowed_updates",
    "scope",
    "reply_parameters",
    "link_preview_options",
    "caption_entities",
}
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time"}
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with the fake server's answer."""

    index: int
    method: str
    params: dict[str, Any]
    ok: bool
    result: Any
    error: str | None
    at: float  # time.perf_counter() when the call arrived


class FakeBotApi:
    """The fake server: start it, point the bot's base URL at ``base_url``, then play users."""

    def __init__(
        self, token: str = "123456:TEST-fake-token-for-tests", username: str = "fraud_test_bot"
    ) -> None:
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
        self.calls: list[ApiCall] = []
        self._pending: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self.injected_at: dict[int, float] = {}
        self.confirmed_offset = 0
        self.chats: dict[int, dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any] | None] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.webhook_url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The value for FRAUDBOT_TELEGRAM_BASE_URL."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeBotApi:
        """Serve on a free port of 127.0.0.1 in a background thread."""
        self._thread = threading.Thread(target=self._serve, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fake Bot API server did not start")
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop, self._wakeup = loop, asyncio.Event()
        app = tornado.web.Application(
            [(r"/bot([^/]+)/([A-Za-z]+)", _Handler, {"api": self})], log_function=lambda handler: None
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            server.stop()
            loop.close()

    # --- playing users --------------------------------------------------------------------------

    @staticmethod
    def user(user_id: int, first_name: str = "Alice", username: str | None = None) -> dict[str, Any]:
        """A Telegram user object."""
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": "en",
        }
        if username:
            user["username"] = username
        return user

    def private_chat(self, user: dict[str, Any]) -> dict[str, Any]:
        """The private chat with ``user``."""
        return self._chat({"id": user["id"], "type": "private", "first_name": user["first_name"]})

    def group_chat(self, chat_id: int, title: str = "Family") -> dict[str, Any]:
        """A group chat (negative id)."""
        return self._chat({"id": chat_id, "type": "supergroup", "title": title})

    def _chat(self, chat: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.chats.setdefault(chat["id"], chat)
            self._message_ids.setdefault(chat["id"], itertools.count(1))
        return chat

    def _new_message(self, chat: dict[str, Any], sender: dict[str, Any], **fields: Any) -> dict[str, Any]:
        with self._lock:
            self._chat(chat)
            message = {
                "message_id": next(self._message_ids[chat["id"]]),
                "date": int(time.time()),
                "chat": chat,
                "from": sender,
                **fields,
            }
            self.messages[(chat["id"], message["message_id"])] = message
        return message

    def send(
        self,
        user: dict[str, Any],
        text: str | None = None,
        *,
        chat: dict[str, Any] | None = None,
        forwarded_from: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        **media: Any,
    ) -> int:
        """Queue a message from ``user`` (text, or media fields such as ``photo=`` and ``caption=``);
        returns the update id. Commands and @mentions get their entities like on Telegram."""
        fields: dict[str, Any] = dict(media)
        if text is not None:
            fields["text"] = text
            if entities := auto_entities(text):
                fields["entities"] = entities
        if "caption" in fields and (entities := auto_entities(fields["caption"])):
            fields["caption_entities"] = entities
        if forwarded_from is not None:
            fields["forward_origin"] = {
                "type": "user",
                "date": int(time.time()) - 3600,
                "sender_user": forwarded_from,
            }
        if reply_to is not None:
            fields["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        message = self._new_message(chat or self.private_chat(user), user, **fields)
        return self.inject({"message": message})

    def press(self, user: dict[str, Any], message: dict[str, Any], data: str) -> str:
        """Queue a tap on an inline button of a bot message; returns the callback query id."""
        query_id = f"cq{next(self._callback_ids)}"
        with self._lock:
            self.callback_answers[query_id] = None
        shown = {k: v for k, v in message.items() if not k.startswith("_")}
        self.inject(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": shown,
                    "chat_instance": f"ci{message['chat']['id']}",
                    "data": data,
                }
            }
        )
        return query_id

    def inject(self, update: dict[str, Any]) -> int:
        """Queue any update; returns its id."""
        with self._lock:
            update_id = next(self._update_ids)
            self._pending.append({"update_id": update_id, **update})
            self.injected_at[update_id] = time.perf_counter()
        if self._loop is not None and self._wakeup is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)
        return update_id

    # --- looking at what the bot did ------------------------------------------------------------

    def mark(self) -> int:
        """A position in the call log; pass it as ``since`` to look only at later calls."""
        with self._lock:
            return len(self.calls)

    def calls_of(self, method: str, since: int = 0, chat_id: int | None = None) -> list[ApiCall]:
        """Recorded calls of one method (optionally to one chat) from position ``since``."""
        with self._lock:
            found = self.calls[since:]
        return [
            c for c in found if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def sent(self, chat_id: int, since: int = 0) -> list[dict[str, Any]]:
        """Messages the bot successfully sent to a chat since a mark, as currently shown (after edits)."""
        with self._lock:
            return [
                self.messages[(chat_id, c.result["message_id"])]
                for c in self.calls_of("sendMessage", since, chat_id)
                if c.ok
            ]

    def failures(self, since: int = 0) -> list[ApiCall]:
        """Calls the fake API rejected."""
        with self._lock:
            return [c for c in self.calls[since:] if not c.ok]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """A message as it stands now."""
        with self._lock:
            return self.messages[(chat_id, message_id)]

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 15.0) -> Any:
        """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for the bot")
            await asyncio.sleep(0.005)

    async def replies(
        self, chat_id: int, since: int, count: int = 1, timeout: float = 15.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot has sent ``count`` messages to a chat since ``since``; return them all."""
        return list(
            await self.wait_for(lambda: (m := self.sent(chat_id, since)) and len(m) >= count and m, timeout)
        )

    async def fetched(self, update_id: int, timeout: float = 15.0) -> None:
        """Wait until the bot has confirmed (acknowledged by offset) an update."""
        await self.wait_for(lambda: self.confirmed_offset > update_id, timeout)

    # --- the API --------------------------------------------------------------------------------

    def _record(
        self, method: str, params: dict[str, Any], ok: bool, result: Any, error: str | None, at: float
    ) -> None:
        with self._lock:
            self.calls.append(ApiCall(len(self.calls), method, params, ok, result, error, at))

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """Run one API method; raises ``ApiError`` like the real API."""
        if method == "getUpdates":
            return await self._get_updates(params)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        with self._lock:
            return handler(params)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        assert self._wakeup is not None and self._loop is not None
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        deadline = self._loop.time() + float(params.get("timeout") or 0)
        while True:
            self._wakeup.clear()
            with self._lock:
                if offset:
                    self._pending = [u for u in self._pending if u["update_id"] >= offset]
                    self.confirmed_offset = max(self.confirmed_offset, offset)
                batch = self._pending[:limit]
            remaining = deadline - self._loop.time()
            if batch or remaining <= 0:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), remaining)

    def _known_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chats.get(params.get("chat_id"))  # type: ignore[arg-type]
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat = self._known_chat(params)
        text, entities = message_text(params)
        check_reply_markup(params.get("reply_markup"))
        fields: dict[str, Any] = {"text": text}
        if entities:
            fields["entities"] = entities
        if isinstance(params.get("reply_markup"), dict) and "inline_keyboard" in params["reply_markup"]:
            fields["reply_markup"] = params["reply_markup"]
        reply = params.get("reply_parameters") or {}
        if reply:
            replied = self.messages.get((chat["id"], int(reply["message_id"])))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
            if replied is not None:
                fields["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        message = self._new_message(chat, self.bot_user, **fields)
        message["_html"] = params.get("text")
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._known_chat(params)
        message = self.messages.get((chat["id"], int(params.get("message_id") or 0)))
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return message

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        message = self._editable(params)
        text, entities = message_text(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        new_markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        if (text, entities, new_markup) == (
            message["text"],
            message.get("entities", []),
            message.get("reply_markup"),
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.update(text=text, entities=entities, edit_date=int(time.time()), _html=params.get("text"))
        message.pop("reply_markup", None)
        if new_markup:
            message["reply_markup"] = new_markup
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._editable(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        if markup == message.get("reply_markup"):
            raise bad_request("message is not modified")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self.callback_answers or self.callback_answers[query_id] is not None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > ANSWER_TEXT_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = {"text": params.get("text"), "show_alert": params.get("show_alert")}
        return True

    def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
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

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        self.commands[self._scope_key(params)] = check_commands(params.get("commands"))
        return True

    def _api_getMyCommands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(self._scope_key(params), [])

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = ""
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = str(params.get("url") or "")
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }


def _decode_params(handler: tornado.web.RequestHandler) -> dict[str, Any]:
    """Bot API parameters from a form, multipart or JSON body (PTB sends forms, JSON-encoding objects)."""
    if handler.request.headers.get("Content-Type", "").startswith("application/json"):
        body = json.loads(handler.request.body or b"{}")
        return dict(body)
    params: dict[str, Any] = {}
    arguments = {**handler.request.query_arguments, **handler.request.body_arguments}
    for name, values in arguments.items():
        value = values[-1].decode("utf-8")
        if name in JSON_FIELDS:
            params[name] = json.loads(value)
        elif name in INT_FIELDS and value.lstrip("-").isdigit():
            params[name] = int(value)
        else:
            params[name] = value
    return params


class _Handler(tornado.web.RequestHandler):
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    async def post(self, token: str, method: str) -> None:
        arrived = time.perf_counter()
        params = _decode_params(self)
        if token != self.api.token:
            status, body = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            self.api._record(method, params, False, None, "Unauthorized", arrived)
        else:
            try:
                result = await self.api.call(method, params)
                status, body = 200, {"ok": True, "result": result}
                self.api._record(method, params, True, result, None, arrived)
            except ApiError as exc:
                status, body = exc.code, {"ok": False, "error_code": exc.code, "description": exc.description}
                self.api._record(method, params, False, None, exc.description, arrived)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    get = post
