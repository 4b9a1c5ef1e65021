"""The bot's HTTP client for the Bot API: aiohttp (a dependency already) instead of httpx.

python-telegram-bot's default transport (httpx over httpcore, h11 and anyio, all pure Python)
spends about 0.8 ms of CPU on every Bot API call; each update of a registration makes two or
three calls (answer the button, edit the screen, send the next one), so on a busy day that
transport was half of the bot's CPU. aiohttp parses HTTP in C and writes a request at once.
PTB supports this officially: `ApplicationBuilder().request(...)` takes any `BaseRequest`,
whose only job is to send the request and return the status and body (PTB turns those into
results and exceptions). Semantics kept from HTTPXRequest: the same timeouts (connect, read,
write, pool; a longer write timeout for uploads), multipart for files, `TimedOut` for timeouts
and `NetworkError` for any other transport failure. Parameters go as a JSON body, which the
Bot API accepts for every method without files: url-encoding Vietnamese text percent-escapes
it byte by byte in Python, JSON escapes it in C.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)
DEFAULT_TIMEOUTS = {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 1.0}
MEDIA_WRITE_TIMEOUT = 20.0
_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        connect_timeout: float | None = DEFAULT_TIMEOUTS["connect"],
        read_timeout: float | None = DEFAULT_TIMEOUTS["read"],
        write_timeout: float | None = DEFAULT_TIMEOUTS["write"],
        pool_timeout: float | None = DEFAULT_TIMEOUTS["pool"],
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {"connect": connect_timeout, "read": read_timeout,
                          "write": write_timeout, "pool": pool_timeout}
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets no cookies
                headers={"User-Agent": self.USER_AGENT},
                raise_for_status=False,  # PTB maps statuses to its own exceptions
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _timeout(self, name: str, given: Any) -> float | None:
        return self._timeouts[name] if isinstance(given, DefaultValue) else given

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = self._timeout("read", read_timeout)
        connect = self._timeout("connect", connect_timeout)
        pool = self._timeout("pool", pool_timeout)
        if isinstance(write_timeout, DefaultValue):
            write = self._timeouts["write"] if not files else self._media_write_timeout
        else:
            write = write_timeout
        # aiohttp has no write timeout: the whole exchange is bounded by their sum instead
        # (none when reading may take forever, as PTB allows).
        parts = (pool, connect, write, read)
        total = None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]
        timeout = aiohttp.ClientTimeout(
            total=total,
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        data: Any = None
        headers = None
        if files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():  # type: ignore[union-attr]
                form.add_field(name, value)
            for name, (filename, content, mime_type) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime_type)
            data = form
        elif request_data is not None and (parameters := request_data.parameters):
            data = json.dumps(parameters).encode()
            headers = _JSON
        try:
            async with self._session.request(method, url, data=data, headers=headers,
                                             timeout=timeout) as res:
                body = await res.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as err:
            raise TimedOut from err
        except (aiohttp.ClientError, OSError) as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
        if log.isEnabledFor(logging.DEBUG):  # the URL holds the token: bot.logs masks it
            log.debug('HTTP Request: %s %s "%s %s"', method, url, res.status, res.reason)
        return res.status, body
