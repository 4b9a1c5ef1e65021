"""The bot's web server: webhooks of the channels, files handed out as links, `/health`.

One aiohttp server on THIDUA_WEBHOOK_LISTEN:THIDUA_WEBHOOK_PORT serves whatever this run
needs: Telegram's webhook (webhook mode), Zalo's webhook, and the files sent as expiring
links on channels without attachments (when THIDUA_PUBLIC_URL is set). A file link is
`/f/<token>/<name>`: the token is 192 random bits, of which only the hash is stored; an
unknown, forged or expired token is answered 404, the same for all.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from aiohttp import web

from storage.db import Database
from storage.file_links import FileLinkRepository

log = logging.getLogger(__name__)
FILE_ROUTE = "/f/{token}/{name}"
HealthCheck = Callable[[], Awaitable[dict[str, object]]]


class WebServer:
    def __init__(self, db: Database, listen: str, port: int) -> None:
        self.db = db
        self.listen = listen
        self.port = port
        self.app = web.Application(client_max_size=2 * 1024 * 1024)
        self.checks: list[HealthCheck] = []
        self._runner: web.AppRunner | None = None
        self.app.router.add_get("/health", self._health)

    def serve_files(self) -> None:
        self.app.router.add_get(FILE_ROUTE, self._file)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.listen, self.port)
        await site.start()
        log.info("web server listening on %s:%s", self.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _file(self, request: web.Request) -> web.StreamResponse:
        found = await FileLinkRepository(self.db).fetch(request.match_info["token"])
        if found is None or found.filename != request.match_info["name"]:
            return web.Response(status=404, text="not found")
        disposition = "inline" if found.content_type.startswith("image/") else "attachment"
        return web.Response(body=found.content, content_type=found.content_type.split(";")[0],
                            headers={
                                "Content-Disposition":
                                    f"{disposition}; filename*=UTF-8''{quote(found.filename)}",
                                "Cache-Control": "private, no-store",
                                "X-Content-Type-Options": "nosniff",
                            })

    async def _health(self, _: web.Request) -> web.Response:
        body: dict[str, object] = {}
        ok = True
        try:
            ok = await self.db.fetchone("SELECT 1") is not None
            for check in self.checks:
                found = await check()
                ok = ok and bool(found.pop("ok", True))
                body.update(found)
        except Exception:  # the point of a health check is to report, not to raise
            ok = False
        body["status"] = "ok" if ok else "unhealthy"
        return web.json_response(body, status=200 if ok else 503)
