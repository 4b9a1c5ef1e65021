"""The HTTP side of the Zalo emulator: `/bot<TOKEN>/<method>` and the people's pictures."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from ..faults import Fault, FaultPlan
from .client import ZaloGroup, ZaloUser
from .errors import (
    ZaloError,
    bad_request,
    forbidden,
    not_found,
    quota_exceeded,
    server_error,
    unauthorized,
)
from .methods import METHODS, NO_RESULT, TELEGRAM_ONLY
from .models import ApiCall, ZaloFormat, ZaloStats, zalo_id
from .webhook import ZaloWebhookSender
from .world import ZaloUserState, ZaloWebhookState, ZaloWorld

DEFAULT_ZALO_TOKEN = "1459232241454765289:TEST-ZALO-TOKEN"
SENDING_METHODS = frozenset({"sendMessage", "sendPhoto", "sendSticker", "sendVoice"})
_LOGGER = logging.getLogger(__name__)
MAX_BODY = 2 * 1024 * 1024


def fault_error(fault: Fault) -> ZaloError | None:
    """An injected fault (emulator.faults, shared with the Telegram emulator) as Zalo says it."""
    if fault.status is None:
        return None
    if fault.status == 429:
        return quota_exceeded(fault.retry_after)
    if fault.status >= 500:
        return server_error(fault.status)
    if fault.status == 403:
        return forbidden(fault.description or "the user has blocked the bot")
    if fault.status == 400:
        return bad_request(fault.description or "injected fault")
    return ZaloError(fault.status, fault.description or f"Error {fault.status}")


class _Bucket:
    """`rate` calls a second, `burst` at once."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, time.monotonic()

    def take(self) -> float:
        """0 when a call may go now (and counts it), else the seconds to wait."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class ZaloQuota:
    """Zalo publishes no limits; tests that need 429s from pace alone set some here."""

    def __init__(self) -> None:
        self.per_second: float | None = None
        self.per_chat_per_second: float | None = None
        self._global: _Bucket | None = None
        self._chats: dict[str, _Bucket] = {}

    def configure(self, per_second: float | None, per_chat_per_second: float | None) -> None:
        self.per_second, self.per_chat_per_second = per_second, per_chat_per_second
        self._global = _Bucket(per_second, max(1.0, per_second)) if per_second else None
        self._chats.clear()

    def check(self, method: str, chat_id: Any) -> ZaloError | None:
        if method not in SENDING_METHODS:
            return None
        waits = []
        if self.per_chat_per_second and chat_id is not None:
            bucket = self._chats.get(str(chat_id))
            if bucket is None:
                bucket = self._chats[str(chat_id)] = _Bucket(self.per_chat_per_second, 1.0)
            waits.append(bucket.take())
        if self._global is not None:
            waits.append(self._global.take())
        wait = max(waits, default=0.0)
        return quota_exceeded(max(1, math.ceil(wait))) if wait > 0 else None


class ZaloEmulator:
    """An offline Zalo Bot API for one bot, and the people and groups talking to it.

    Point the bot's API client at `emu.base_url` (`…/bot`, the token and the method follow).
    """

    def __init__(
        self,
        token: str = DEFAULT_ZALO_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        account_name: str = "bot.thidua",
        can_join_groups: bool = True,
        format: ZaloFormat | None = None,
        allow_insecure_webhook: bool = False,
        strict: bool = True,
        record_calls: bool = True,
    ) -> None:
        """`allow_insecure_webhook`: accept http:// and local webhook URLs (tests on one
        machine); `strict`: refuse Telegram-only parameters (reply_markup, entities, …) that
        the platform would silently drop; `record_calls=False` keeps only `stats`."""
        self.token = token
        self.host = host
        self.port = port
        self.allow_insecure_webhook = allow_insecure_webhook
        self.strict = strict
        self.record_calls = record_calls
        self.bot_info: dict[str, Any] = {
            "id": token.split(":", 1)[0],
            "account_name": account_name,
            "account_type": "BASIC",
            "can_join_groups": can_join_groups,
        }
        self.world = ZaloWorld(format=format or ZaloFormat())
        self.faults = FaultPlan()
        self.quota = ZaloQuota()
        self.webhook_sender = ZaloWebhookSender(self.world)
        self._clients: dict[str, ZaloUser | ZaloGroup] = {}
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._media_ids = 0

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_call)
        app.router.add_get("/media/{name}", self._handle_media)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0,
                                     handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._http = aiohttp.ClientSession()
        self.world.closing = False
        if self.world.webhook.url:
            self.webhook_sender.start()

    async def stop(self) -> None:
        self.world.closing = True
        self.world.updates_changed.wake()  # pending long polls answer at once
        await self.webhook_sender.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def __aenter__(self) -> ZaloEmulator:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    # ------------------------------------------------------------------ addresses and state

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What ZALO_API_BASE_URL is set to: the token and the method follow."""
        return f"{self.url}/bot"

    @property
    def http(self) -> aiohttp.ClientSession:
        """The platform's own HTTP client (it fetches the pictures the bot sends)."""
        if self._http is None:
            raise RuntimeError("the emulator is not running")
        return self._http

    @property
    def format(self) -> ZaloFormat:
        return self.world.format

    @format.setter
    def format(self, value: ZaloFormat) -> None:
        self.world.format = value

    @property
    def calls(self) -> list[ApiCall]:
        return self.world.calls

    @property
    def stats(self) -> ZaloStats:
        return self.world.stats

    @property
    def webhook(self) -> ZaloWebhookState:
        return self.world.webhook

    @property
    def pending_updates(self) -> int:
        return len(self.world.updates)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.world.calls if c.method == method]

    def rate_limits(self, per_second: float | None = None,
                    per_chat_per_second: float | None = None) -> None:
        """Answer 429 to sends beyond these rates (None: no limit, the default)."""
        self.quota.configure(per_second, per_chat_per_second)

    def set_proactive_window(self, seconds: float | None) -> None:
        """Refuse (403) a private message to someone who has not written within `seconds`
        (None: the bot may always write first). The platform does not say which holds."""
        self.world.proactive_window = seconds

    def redeliver(self, message_id: str) -> None:
        """Hand out again an update already delivered (the platform retrying on its own)."""
        self.world.redeliver(message_id)

    def push_raw(self, update: dict[str, Any]) -> None:
        """Queue an update exactly as given (a test of shapes the emulator does not make);
        it needs `message.message_id`."""
        self.world.push(update)

    # ------------------------------------------------------------------ people

    def user(self, user_id: int | str, display_name: str) -> ZaloUser:
        """A person and their private chat with the bot (chat id == user id); the same object
        for the same id. An int id becomes a stable hex id (`zalo_id`)."""
        uid = zalo_id(user_id)
        existing = self._clients.get(uid)
        if isinstance(existing, ZaloUser):
            return existing
        state = ZaloUserState(uid, display_name)
        chat = self.world.add_user(state)
        client = self._clients[uid] = ZaloUser(self, chat, state)
        return client

    def group(self, group_id: int | str, title: str) -> ZaloGroup:
        """A group chat the bot is a member of; the same object for the same id."""
        gid = zalo_id(group_id, group=True)
        existing = self._clients.get(gid)
        if isinstance(existing, ZaloGroup):
            return existing
        state = self.world.add_group(gid, title)
        client = self._clients[gid] = ZaloGroup(self, state)
        return client

    def host_media(self, data: bytes, content_type: str = "image/jpeg") -> str:
        """Serves `data` as the platform's CDN would (the pictures people send); its URL."""
        self._media_ids += 1
        suffix = {"image/png": "png", "image/gif": "gif"}.get(content_type, "jpg")
        name = f"{self._media_ids:06d}-{zalo_id(self._media_ids)}.{suffix}"
        self.world.media[name] = (data, content_type)
        return f"{self.url}/media/{name}"

    # ------------------------------------------------------------------ HTTP handlers

    async def _handle_call(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._answer(unauthorized())
        name = request.match_info["method"]
        try:
            params = await _read_params(request)
        except ValueError:
            return self._finish(ApiCall(name, {}, time.monotonic()), None, {},
                                bad_request("can't parse the request body"))
        call = ApiCall(name, params, time.monotonic())
        if self.record_calls:
            self.world.calls.append(call)
        work = self._process(call, params)
        if name == "getUpdates":
            # A long poll whose client went away is cancelled while it waits (the server
            # runs with handler_cancellation), so it never takes an update nobody reads.
            return await work
        # A call the platform received is carried out even if the client stops waiting.
        return await asyncio.shield(work)

    async def _process(self, call: ApiCall, params: dict[str, Any]) -> web.Response:
        handler = METHODS.get(call.method)
        try:
            if handler is None:
                if call.method in TELEGRAM_ONLY:
                    call.error = f"{call.method} is a Telegram method: Zalo has no such method"
                raise not_found()
            result = await self._run(call.method, handler, params)
        except ZaloError as exc:
            return self._finish(call, None, params, exc)
        except Exception as exc:  # an emulator bug: a 500 like the platform's, cause kept
            _LOGGER.exception("Zalo emulator failed on %s", call.method)
            call.error = repr(exc)
            return self._finish(call, None, params, server_error(500))
        return self._finish(call, result, params, None)

    def _finish(self, call: ApiCall, result: Any, params: dict[str, Any],
                error: ZaloError | None) -> web.Response:
        if error is not None:
            call.status = error.code
            call.error = call.error or error.description
            self.world.stats.count(call.method, error.code)
            return self._answer(error)
        call.status = 200
        self.world.stats.count(call.method, 200)
        body = {"ok": True} if result is NO_RESULT else {"ok": True, "result": result}
        return _json(body, 200)

    async def _run(self, name: str, handler: Any, params: dict[str, Any]) -> Any:
        """Faults first, then the quota, then the method itself."""
        chat_id = params.get("chat_id")
        fault = self.faults.take(name, chat_id)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            error = fault_error(fault)
            if error is not None:
                raise error
        limited = self.quota.check(name, chat_id)
        if limited is not None:
            raise limited
        return await handler(self, params)

    def _answer(self, error: ZaloError) -> web.Response:
        fmt = self.world.format
        if error.code == 408:
            status = fmt.empty_poll_status
        else:
            status = error.code if fmt.errors_with_http_status else 200
        return _json(error.payload(with_retry_after=fmt.retry_after), status)

    async def _handle_media(self, request: web.Request) -> web.Response:
        stored = self.world.media.get(request.match_info["name"])
        if stored is None:
            return web.Response(status=404)
        data, content_type = stored
        return web.Response(body=data, content_type=content_type)


def _json(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
    )


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query, then a JSON object or a form (the platform accepts the three)."""
    values: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            raw = await request.read()
            if raw.strip():
                body = json.loads(raw)
                if not isinstance(body, dict):
                    raise ValueError("not an object")
                values.update(body)
        else:
            form = await request.post()
            values.update({k: str(v) for k, v in form.items() if isinstance(v, str)})
    return values
