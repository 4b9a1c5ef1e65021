"""The Zalo Bot API over aiohttp: every call a POST of a JSON object to `<base><token>/<method>`.

Answers are `{"ok": true, "result": …}` or `{"ok": false, "error_code": N, "description": …}`,
with HTTP 200 or the error's status (both are met); anything else is read defensively. An
empty long poll answers 408 (with HTTP 200, measured): that is "nothing new", not an error.
getUpdates has no offset: an update the platform handed out is gone if we stop reading the
answer, so its HTTP timeout exceeds the poll's.

A 429 is retried after the delay the platform gives (its answers have not been seen to carry
one: then 1, 2, 4 … s), a few times. A 5xx or a connection that could not be opened is
retried quickly (the platform did not act on it); a call that may have reached it (a read
timeout, a dropped connection) is not, or a person would get the same message twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp

from .errors import (
    ZaloApiError,
    ZaloNetworkError,
    ZaloRateLimited,
    ZaloServerError,
    error_for,
)
from .text import MAX_TEXT, split_text

log = logging.getLogger(__name__)
DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com/bot"
EMPTY_POLL = 408
POLL_MARGIN = 10.0  # seconds the HTTP read may take beyond the poll's own timeout
QUICK_RETRIES = (0.3, 1.0, 2.5)  # before each retry of a 5xx or a connection not opened
NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


@dataclass(frozen=True, slots=True)
class ZaloBotInfo:
    id: str
    account_name: str
    account_type: str
    can_join_groups: bool
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class SentMessage:
    message_id: str
    date: int | None  # milliseconds


@dataclass(frozen=True, slots=True)
class WebhookInfo:
    url: str
    updated_at: int | None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _as_seconds(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    if isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            return None
        return seconds if seconds >= 0 else None
    return None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _sent(result: object) -> SentMessage:
    body = _dict(result)
    return SentMessage(str(body.get("message_id") or ""), _as_int(body.get("date")))


class ZaloBotApi:
    """One bot's calls. `timeout`: seconds a call may take (getUpdates: its poll + 10 s);
    `rate_limit_retries`: 429s waited out before ZaloRateLimited is raised (0: at once, for
    a sender that paces itself); `max_retry_wait`: a longer wait asked is not waited;
    `rate_limit_backoff`: the first wait when the platform does not say (then doubled);
    `quick_retries`: the pauses before retrying a 5xx or a connection not opened."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 15.0,
        rate_limit_retries: int = 3,
        max_retry_wait: float = 30.0,
        rate_limit_backoff: float = 1.0,
        quick_retries: tuple[float, ...] = QUICK_RETRIES,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is needed")
        self._token = token
        self.base_url = base_url
        self.timeout = timeout
        self.rate_limit_retries = rate_limit_retries
        self.max_retry_wait = max_retry_wait
        self.rate_limit_backoff = rate_limit_backoff
        self.quick_retries = quick_retries
        self._session = session
        self._own_session = session is None

    # ------------------------------------------------------------------ lifecycle

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # One pool for every call; a long poll holds one connection of it.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=100, enable_cleanup_closed=True))
            self._own_session = True
        return self._session

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
        self._session = None

    async def __aenter__(self) -> ZaloBotApi:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    # ------------------------------------------------------------------ calls

    async def call(self, method: str, payload: dict[str, Any] | None = None, *,
                   http_timeout: float | None = None, retries: bool = True) -> Any:
        """The `result` of `method` (None when the answer has none); a ZaloApiError
        subclass when the platform refuses or cannot be reached."""
        limited = quick = 0
        while True:
            try:
                return await self._post(method, payload or {}, http_timeout or self.timeout)
            except ZaloRateLimited as exc:
                wait = (exc.retry_after if exc.retry_after is not None
                        else self.rate_limit_backoff * 2.0 ** limited)
                if not retries or limited >= self.rate_limit_retries \
                        or wait > self.max_retry_wait:
                    raise
                limited += 1
                log.warning("%s: quota exceeded; retrying in %.1f s", method, wait)
                await asyncio.sleep(wait)
            except (ZaloServerError, ZaloNetworkError) as exc:
                surely_not_acted = isinstance(exc, ZaloServerError) or (
                    isinstance(exc, ZaloNetworkError) and not exc.sent)
                if not retries or quick >= len(self.quick_retries) or not surely_not_acted:
                    raise
                log.warning("%s failed (%s); retrying", method, exc.description)
                await asyncio.sleep(self.quick_retries[quick])
                quick += 1

    async def _post(self, method: str, payload: dict[str, Any], seconds: float) -> Any:
        url = f"{self.base_url}{self._token}/{method}"
        body = json.dumps(payload, ensure_ascii=False).encode()
        try:
            async with self._http().post(
                url, data=body, headers={"Content-Type": "application/json"},
                timeout=aiohttp.ClientTimeout(total=seconds),
            ) as response:
                status = response.status
                header_wait = _as_seconds(response.headers.get("Retry-After"))
                raw = await response.read()
        except NOT_SENT as exc:
            # Only the class name: aiohttp's text may quote the URL, and the URL the token.
            raise ZaloNetworkError(type(exc).__name__, method, sent=False) from None
        except TimeoutError:
            raise ZaloNetworkError("timed out", method, sent=True) from None
        except aiohttp.ClientError as exc:
            raise ZaloNetworkError(type(exc).__name__, method, sent=True) from None
        return self._result(method, status, raw, header_wait)

    def _result(self, method: str, status: int, raw: bytes, header_wait: float | None) -> Any:
        try:
            answer = json.loads(raw) if raw.strip() else None
        except (ValueError, UnicodeDecodeError):
            answer = None
        if not isinstance(answer, dict):
            # A gateway's page, not the platform's JSON: its status is all there is.
            code = status if status >= 400 else 502
            raise error_for(code, f"answer is not JSON (HTTP {status})", method)
        if answer.get("ok") is True and status < 400:
            return answer.get("result")
        code = _as_int(answer.get("error_code")) or (status if status >= 400 else 0)
        description = answer.get("description") or answer.get("message") or f"HTTP {status}"
        retry_after = _as_seconds(_dict(answer.get("parameters")).get("retry_after"))
        raise error_for(code, str(description), method,
                        retry_after if retry_after is not None else header_wait)

    # ------------------------------------------------------------------ methods

    async def get_me(self) -> ZaloBotInfo:
        info = _dict(await self.call("getMe"))
        return ZaloBotInfo(str(info.get("id", "")), str(info.get("account_name", "")),
                           str(info.get("account_type", "")),
                           bool(info.get("can_join_groups", False)), info)

    async def get_updates(self, timeout: float = 30) -> list[dict[str, Any]]:  # noqa: ASYNC109
        """The updates of one long poll (the platform hands out one at a time; a list is
        accepted too), raw; [] when nothing came within `timeout` seconds."""
        try:
            seconds = int(timeout) if float(timeout).is_integer() else timeout
            result = await self.call("getUpdates", {"timeout": str(seconds)},
                                     http_timeout=timeout + POLL_MARGIN, retries=False)
        except ZaloApiError as exc:
            if exc.code == EMPTY_POLL:
                return []
            raise
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict)]
        if isinstance(result, dict) and result:
            return [result]
        return []

    async def set_webhook(self, url: str, secret_token: str) -> WebhookInfo:
        return self._webhook(await self.call("setWebhook",
                                             {"url": url, "secret_token": secret_token}))

    async def delete_webhook(self) -> WebhookInfo:
        return self._webhook(await self.call("deleteWebhook"))

    async def get_webhook_info(self) -> WebhookInfo:
        return self._webhook(await self.call("getWebhookInfo"))

    @staticmethod
    def _webhook(result: object) -> WebhookInfo:
        info = _dict(result)
        return WebhookInfo(str(info.get("url") or ""), _as_int(info.get("updated_at")), info)

    async def send_message(self, chat_id: str, text: str,
                           parse_mode: str | None = None) -> SentMessage:
        """One message of 1–2000 characters (`send_text` cuts longer ones); parse_mode
        "markdown", "html" or None (plain)."""
        payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if parse_mode:
            payload["parse_mode"] = parse_mode
        return _sent(await self.call("sendMessage", payload))

    async def send_text(self, chat_id: str, text: str,
                        parse_mode: str | None = None) -> list[SentMessage]:
        """`text` of any length, as messages of at most 2000 characters cut on line
        boundaries, in order. A failure stops the rest (what was sent is in the error's
        `partial`)."""
        sent: list[SentMessage] = []
        for chunk in split_text(text, MAX_TEXT):
            try:
                sent.append(await self.send_message(chat_id, chunk, parse_mode))
            except ZaloApiError as exc:
                exc.partial = sent
                raise
        return sent

    async def send_photo(self, chat_id: str, photo_url: str,
                         caption: str | None = None) -> SentMessage:
        """A picture by URL: the platform fetches it (it must be reachable from there)."""
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return _sent(await self.call("sendPhoto", payload))

    async def send_sticker(self, chat_id: str, sticker: str) -> SentMessage:
        return _sent(await self.call("sendSticker", {"chat_id": chat_id, "sticker": sticker}))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})
