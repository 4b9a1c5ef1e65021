"""Getting updates (long polling or webhook) and the bot's identity."""

from __future__ import annotations

import asyncio
import re
from itertools import islice
from typing import TYPE_CHECKING, Any

from ..errors import bad_request, conflict
from ._registry import api_method

if TYPE_CHECKING:
    from ..params import Params
    from ..server import BotApiEmulator

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)


@api_method("getMe")
async def get_me(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    return emu.bot_user


@api_method("logOut")
async def log_out(emu: BotApiEmulator, p: Params) -> bool:
    return True


@api_method("close")
async def close(emu: BotApiEmulator, p: Params) -> bool:
    return True


@api_method("getUpdates")
async def get_updates(emu: BotApiEmulator, p: Params) -> list[dict[str, Any]]:
    world = emu.world
    if world.webhook.url:
        raise conflict(_WEBHOOK_ACTIVE)
    limit = min(max(p.integer("limit") or 100, 1), 100)
    world.set_allowed_updates(p.json("allowed_updates"))
    world.confirm_updates(p.integer("offset") or 0)
    # a newer getUpdates terminates a pending one, as on Telegram
    world.poll_generation += 1
    generation = world.poll_generation
    world.updates_changed.wake()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + p.number("timeout")
    while not world.updates and not world.closing:
        if not await world.updates_changed.wait(deadline - loop.time()):
            break
        if world.poll_generation != generation:
            raise conflict(
                "terminated by other getUpdates request; make sure that only one bot instance "
                "is running"
            )
        if world.webhook.url:
            raise conflict(_WEBHOOK_ACTIVE)
    return list(islice(world.updates, limit))


@api_method("setWebhook")
async def set_webhook(emu: BotApiEmulator, p: Params) -> bool:
    url = p.text("url") or ""
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.text("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.flag("drop_pending_updates"):
        emu.world.updates.clear()
    emu.world.set_allowed_updates(p.json("allowed_updates"))
    webhook = emu.world.webhook
    webhook.url, webhook.secret_token = url, secret
    webhook.max_connections = p.integer("max_connections") or 40
    webhook.last_error_date = webhook.last_error_message = None
    if url:
        emu.webhook_sender.start()
    else:
        await emu.webhook_sender.stop()
    emu.world.updates_changed.wake()  # a pending getUpdates now answers 409
    return True


@api_method("deleteWebhook")
async def delete_webhook(emu: BotApiEmulator, p: Params) -> bool:
    if p.flag("drop_pending_updates"):
        emu.world.updates.clear()
    emu.world.webhook.url = ""
    emu.world.webhook.secret_token = None
    await emu.webhook_sender.stop()
    return True


@api_method("getWebhookInfo")
async def get_webhook_info(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    world = emu.world
    return world.webhook.info(len(world.updates), world.allowed_updates)
