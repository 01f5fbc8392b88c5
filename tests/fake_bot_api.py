"""A small fake Telegram Bot API server on 127.0.0.1, for running the real bot in tests and benchmarks.

tornado serves it from its own thread and event loop. Tests play the users: ``send`` / ``press``
queue updates, which the bot fetches by long polling (``getUpdates``) or which are pushed to its
webhook once it calls ``setWebhook``. Every call the bot makes is recorded (``calls``), bot messages
are kept with their edits, and the real API's rules are enforced (``fake_bot_api_rules``).
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

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web
from fake_bot_api_methods import BotApiState, public
from fake_bot_api_rules import ApiError, auto_entities, bad_request

JSON_FIELDS = {
    "reply_markup", "entities", "commands", "allowed_updates", "scope", "reply_parameters",
    "link_preview_options", "caption_entities",
}  # fmt: skip
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time"}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


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


class FakeBotApi(BotApiState):
    """The fake server: ``start()`` it, point the bot at ``base_url``, then play users."""

    def __init__(
        self, token: str = "123456:TEST-fake-token-for-tests", username: str = "fraud_test_bot"
    ) -> None:
        super().__init__(token, username)
        self.calls: list[ApiCall] = []
        self._pending: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self.injected_at: dict[int, float] = {}
        self.confirmed_offset = 0
        self.webhook_log: list[tuple[str, int, int]] = []  # (url, update id, HTTP status)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._delivery: asyncio.Task[None] | None = None
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
        routes = [(r"/bot([^/]+)/([A-Za-z]+)", _Handler, {"api": self})]
        app = tornado.web.Application(routes, log_function=lambda handler: None)
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            server.stop()
            pending = asyncio.all_tasks(loop)  # long polls, webhook delivery: end them cleanly
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    # --- playing users --------------------------------------------------------------------------

    @staticmethod
    def user(user_id: int, first_name: str = "Alice") -> dict[str, Any]:
        """A Telegram user object."""
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}

    def private_chat(self, user: dict[str, Any]) -> dict[str, Any]:
        """The private chat with ``user``."""
        return self.add_chat({"id": user["id"], "type": "private", "first_name": user["first_name"]})

    def group_chat(self, chat_id: int, title: str = "Family") -> dict[str, Any]:
        """A group chat (negative id)."""
        return self.add_chat({"id": chat_id, "type": "supergroup", "title": title})

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
            fields["reply_to_message"] = public(
                {k: v for k, v in reply_to.items() if k != "reply_to_message"}
            )
        message = self.new_message(chat or self.private_chat(user), user, **fields)
        return self.inject({"message": public(message)})

    def press(self, user: dict[str, Any], message: dict[str, Any], data: str) -> str:
        """Queue a tap on an inline button of a bot message; returns the callback query id."""
        query_id = f"cq{next(self._callback_ids)}"
        with self._lock:
            self.callback_answers[query_id] = None
        query = {"id": query_id, "from": user, "message": public(message), "data": data}
        self.inject({"callback_query": {**query, "chat_instance": f"ci{message['chat']['id']}"}})
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
        """Messages the bot sent to a chat since a mark, as they look now (after edits)."""
        with self._lock:
            calls = [c for c in self.calls_of("sendMessage", since, chat_id) if c.ok]
            return [self.messages[(chat_id, c.result["message_id"])] for c in calls]

    def from_user(self, user_id: int, chat_id: int) -> list[dict[str, Any]]:
        """Messages a (played) user sent in a chat, oldest first."""
        with self._lock:
            return [
                m
                for (chat, _), m in sorted(self.messages.items())
                if chat == chat_id and m["from"]["id"] == user_id
            ]

    def failures(self, since: int = 0) -> list[ApiCall]:
        """Calls the fake API rejected."""
        with self._lock:
            return [c for c in self.calls[since:] if not c.ok]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """A message as it stands now."""
        with self._lock:
            return self.messages[(chat_id, message_id)]

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not (value := condition()):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for the bot")
            await asyncio.sleep(0.002)
        return value

    async def fetched(self, update_id: int, timeout: float = 20.0) -> None:
        """Wait until the bot has taken an update (confirmed by offset, or webhook answered 200)."""
        await self.wait_for(lambda: self.confirmed_offset > update_id, timeout)

    # --- serving --------------------------------------------------------------------------------

    def record(
        self, method: str, params: dict[str, Any], ok: bool, result: Any, error: str | None, at: float
    ) -> None:
        """Log one call."""
        with self._lock:
            self.calls.append(ApiCall(len(self.calls), method, params, ok, result, error, at))

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """Run one API method; raises ``ApiError`` like the real API."""
        if method == "getUpdates":
            return await self._get_updates(params)
        result = self.dispatch(method, params)
        if method == "setWebhook" and self.webhook_targets and self._delivery is None:
            self._delivery = asyncio.get_running_loop().create_task(self._deliver_to_webhook())
        return result

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        assert self._wakeup is not None and self._loop is not None
        if self.webhook_targets:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
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

    async def _deliver_to_webhook(self) -> None:
        """Push queued updates to the webhook like Telegram: in order, round-robin over the targets
        (several bot processes behind one URL), retrying until one answers 200."""
        assert self._wakeup is not None
        turn = itertools.count()
        async with httpx.AsyncClient(timeout=10) as client:
            while self.webhook_targets:
                self._wakeup.clear()
                with self._lock:
                    update = self._pending[0] if self._pending else None
                    targets, secret = list(self.webhook_targets), self.webhook_secret
                if update is None or not targets:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wakeup.wait(), 0.2)
                    continue
                url = targets[next(turn) % len(targets)]
                headers = {SECRET_HEADER: secret} if secret else {}
                try:
                    status = (await client.post(url, json=update, headers=headers)).status_code
                except httpx.HTTPError:
                    status = 0
                with self._lock:
                    self.webhook_log.append((url, update["update_id"], status))
                    if status == 200 and self._pending and self._pending[0] is update:
                        self._pending.pop(0)
                        self.confirmed_offset = max(self.confirmed_offset, update["update_id"] + 1)
                if status != 200:
                    await asyncio.sleep(0.05)
        self._delivery = None


def _decode_params(handler: tornado.web.RequestHandler) -> dict[str, Any]:
    """Bot API parameters from a form, multipart or JSON body (PTB sends forms, JSON-encoding objects)."""
    if handler.request.headers.get("Content-Type", "").startswith("application/json"):
        return dict(json.loads(handler.request.body or b"{}"))
    params: dict[str, Any] = {}
    for name, values in {**handler.request.query_arguments, **handler.request.body_arguments}.items():
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
        error: ApiError | None
        try:
            params = _decode_params(self)
        except (ValueError, UnicodeDecodeError):
            params, error = {}, bad_request("can't parse request parameters")
        else:
            error = None if token == self.api.token else ApiError(401, "Unauthorized")
        try:
            if error is not None:
                raise error
            result = await self.api.call(method, params)
            status, body = 200, {"ok": True, "result": result}
            self.api.record(method, params, True, result, None, arrived)
        except ApiError as exc:
            status, body = exc.code, {"ok": False, "error_code": exc.code, "description": exc.description}
            self.api.record(method, params, False, None, exc.description, arrived)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    get = post
