"""The HTTP side: an aiohttp server answering Bot API calls and file downloads."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from types import TracebackType
from typing import Any

from aiohttp import web

from .client import EmuGroup, EmuUser
from .errors import ApiError, bad_request, not_found, unauthorized
from .faults import FaultPlan, FloodLimits
from .methods import METHODS
from .methods.bot import scope_key
from .models import ApiCall, Stats
from .params import Params, read_params
from .webhook import WebhookSender
from .world import UserState, WebhookState, World

DEFAULT_TOKEN = "123456:TEST-TOKEN"
_LOGGER = logging.getLogger(__name__)
MAX_BODY = 64 * 1024 * 1024


def _json_response(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
    )


class BotApiEmulator:
    """An offline Telegram Bot API server for one bot, plus the users and groups talking to it.

    Point PTB at it with `.base_url(emu.base_url).base_file_url(emu.base_file_url)`.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_name: str = "thidua",
        bot_username: str = "thidua_test_bot",
        record_calls: bool = True,
    ) -> None:
        """`record_calls=False` keeps only the counters in `stats` (long benchmarks)."""
        self.token = token
        self.record_calls = record_calls
        self.host = host
        self.port = port
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.world = World(self.bot_user)
        self.faults = FaultPlan()
        self.flood = FloodLimits()
        self.webhook_sender = WebhookSender(self.world)
        self._clients: dict[int, EmuUser | EmuGroup] = {}
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_call)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.world.closing = False

    async def stop(self) -> None:
        self.world.closing = True
        self.world.updates_changed.wake()  # pending long polls answer at once
        await self.webhook_sender.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
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
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def calls(self) -> list[ApiCall]:
        return self.world.calls

    @property
    def stats(self) -> Stats:
        return self.world.stats

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        return self.world.commands

    @property
    def webhook(self) -> WebhookState:
        return self.world.webhook

    def get_commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        return self.world.commands.get((scope_key(scope), language_code), [])

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.world.calls if c.method.lower() == method.lower()]

    def flood_limits(
        self,
        enabled: bool = True,
        per_chat_per_second: float = 1,
        per_group_per_minute: int = 20,
        global_per_second: int = 30,
        *,
        per_chat_burst: int = 3,
    ) -> None:
        self.flood.configure(
            enabled=enabled,
            per_chat_per_second=per_chat_per_second,
            per_group_per_minute=per_group_per_minute,
            global_per_second=global_per_second,
            per_chat_burst=per_chat_burst,
        )

    # ------------------------------------------------------------------ people

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        phone: str | None = None,
    ) -> EmuUser:
        """A user and their private chat with the bot (chat id == user id); the same object
        for the same id."""
        existing = self._clients.get(user_id)
        if isinstance(existing, EmuUser):
            return existing
        state = UserState(user_id, first_name, last_name, username, language_code, phone)
        chat = self.world.add_user(state)
        client = self._clients[user_id] = EmuUser(self.world, chat, state)
        return client

    def group(self, chat_id: int, title: str, *, basic: bool = False) -> EmuGroup:
        """A supergroup (or, `basic`, a basic group) the bot is a member of (negative id); the
        same object for the same id."""
        existing = self._clients.get(chat_id)
        if isinstance(existing, EmuGroup):
            return existing
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        state = self.world.add_group(chat_id, title, "group" if basic else "supergroup")
        client = self._clients[chat_id] = EmuGroup(self.world, state)
        return client

    def migrate_group(self, old: EmuGroup, new_chat_id: int, *, by: EmuUser) -> EmuGroup:
        """The basic group `old` becomes the supergroup `new_chat_id` (see World.migrate_group)."""
        state = self.world.migrate_group(old.chat_id, new_chat_id, by.state)
        client = self._clients[new_chat_id] = EmuGroup(self.world, state)
        return client

    # ------------------------------------------------------------------ HTTP handlers

    async def _handle_call(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json_response(unauthorized().payload(), 401)
        name = request.match_info["method"]
        entry = METHODS.get(name.lower())
        error: ApiError | None
        try:
            params = await read_params(request)
        except ApiError as exc:
            params, error = Params({}), exc
        except ValueError:
            params, error = Params({}), bad_request("can't parse JSON object")
        else:
            error = None
        call = ApiCall(entry[0] if entry else name, params.record(), time.monotonic())
        if self.record_calls:
            self.world.calls.append(call)
        try:
            if error is not None:
                raise error
            if entry is None:
                raise not_found()
            body = {"ok": True, "result": await self._answer(call.method, entry[1], params)}
            status = 200
        except ApiError as exc:
            body, status, call.error = exc.payload(), exc.code, exc.description
        except Exception as exc:  # an emulator bug: answer like Telegram's 500, keep the cause
            _LOGGER.exception("emulator failed on %s", call.method)
            body = ApiError(500, f"Internal Server Error: {exc!r}").payload()
            status, call.error = 500, repr(exc)
        call.status = status
        self.world.stats.count(call.method, status)
        return _json_response(body, status)

    async def _answer(self, method: str, handler: Any, params: Params) -> Any:
        """Faults first, then flood limits, then the method itself."""
        chat_id = params.get("chat_id")
        fault = self.faults.take(method, chat_id)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            error = fault.error()
            if error is not None:
                raise error
        flood = self.flood.check(method, chat_id)
        if flood is not None:
            raise flood
        return await handler(self, params)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json_response(unauthorized().payload(), 401)
        stored = self.world.files_by_path.get(request.match_info["path"])
        if stored is None:
            return _json_response(not_found().payload(), 404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
