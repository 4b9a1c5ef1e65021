"""The reliability instruments over Zalo: the bot on the Zalo channel alone, a probe that tells
what the bot did for each Zalo update, what people read, and the kinds of people who type.

- `start_zalo_bot()` runs the real bot with only `ZALO_BOT_TOKEN` (no Telegram), against the
  Zalo emulator, by long polling or through its webhook (the emulator then POSTs every update
  in the shape a test chooses: wrapped or bare, `display_name` or `first_name`, …).
- `ZaloProbe` wraps the Zalo receiver's handler: it knows when each update (by message id) is
  finished and which Bot API calls it made, background work (summary files) included. Under
  the probe updates are handled one at a time, so every call made meanwhile is the update's.
- `zalo_replies()` turns the calls into what people read; `read_links()` opens the file links
  of the replies (served by the bot's web server) to read the files they lead to.
- `seed_campaign()`: the seed 001 campaign launched (the `zalo_bot` fixture of conftest.py).
- `ZALO_ACTORS` and `play_zalo()`: a fresh Zalo account playing a kind of person in private, in
  the secretariat's Zalo group or in another group, linked directly (as an invite code does).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
from collections.abc import Coroutine, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.campaigns import service
from bot.runtime import BotRuntime
from channels.zalo.updates import ZaloUpdate
from domain.access import Actor
from domain.models import Role
from emulator.models import ApiCall
from emulator.zalo import ZaloEmulator, ZaloGroup, ZaloUser
from locales import _, use_locale
from storage.audit import AuditContext
from storage.campaigns import CampaignRepository
from tests.harness import DEMO, BotHarness
from tests.reliability.actors import (
    AGENCY_HEAD,
    EXPIRED,
    REFUSALS,
    SECRETARIAT,
    STAFF,
    UNIT_HEAD,
    ActorKind,
    forbidden_for,
)
from tests.reliability.support import Language, Scopes, data_dump, document_text, leaked

WEBHOOK_SECRET = "zalo-reliability-webhook-secret"
OTHER_ZALO_GROUP = 777  # a Zalo group that is not the secretariat's (emulator number)
SENDS = ("sendMessage", "sendPhoto")  # what people read (Zalo has no edits or documents)


async def seed_campaign(bot: BotHarness) -> None:
    """The seed 001 campaign (scope: Văn phòng UBND tỉnh, the scoped secretariat's agency),
    loaded and launched on 3 January 2024, received on Zalo by a secretariat member."""
    services = bot.services
    when = datetime(2024, 1, 3, 9, tzinfo=services.settings.tz)
    services.now = lambda: when  # type: ignore[method-assign]
    seed = DEMO / "campaigns" / "vpubnd-2024-q1.md"
    check, campaign_id = await service.load_file(services, seed.read_bytes(), seed.name,
                                                 AuditContext.cli())
    assert campaign_id is not None, check.problems
    campaign = await CampaignRepository(bot.db).get(campaign_id)
    assert campaign is not None
    secretary = await bot.zalo_person(SECRETARIAT)
    assert await service.launch(services, campaign, AuditContext.cli()) == 1
    await secretary.expect("Phong trào thi đua", timeout=10)


async def start_zalo_bot(tmp_path: Path, *, webhook: bool = False,
                         **settings: Any) -> BotHarness:
    """The bot with only a Zalo token, against the harness's Zalo emulator (its web server
    serving file links). `webhook=True`: updates are POSTed by the emulator to the bot's
    webhook, in the emulator's `format`; else the bot polls."""
    bot = BotHarness(tmp_path, zalo=True, rate_limiter=False, telegram_bot_token=None,
                     **settings)
    assert bot.zalo is not None
    if not webhook:
        await bot.start()
        return bot
    bot.zalo.allow_insecure_webhook = True  # the bot's web server is on this machine
    bot.settings_overrides.update(webhook_url=f"http://127.0.0.1:{bot.web_port}",
                                  zalo_webhook_secret=WEBHOOK_SECRET)
    await bot.zalo.start()
    bot.runtime = BotRuntime(bot.settings(), rate_limiter=False, scheduler_ticks=False,
                             zalo_poll_timeout=1)
    await bot.runtime.start(mode="webhook")
    return bot


# --------------------------------------------------------------------------- the probe


@dataclass
class ZaloProcessed:
    update: ZaloUpdate
    calls: list[ApiCall]
    locale: str  # the sender's language once the update was processed


class ZaloProbe:
    """Records, for every Zalo update the bot finishes, the Bot API calls it made.

    The receiver handles a chat's updates one after the other (and chats concurrently), so a
    call to the chat of the update being handled is that update's. Background work an update
    starts (`Later`: the summary's files) is awaited before the update counts as finished, so
    its calls are the update's too (under the probe, such work no longer overlaps the chat's
    next update). A call to a chat with no update in progress is nobody's: `strays()`."""

    def __init__(self, bot: BotHarness) -> None:
        self.bot = bot
        self.done: dict[str, ZaloProcessed] = {}
        self._claimed: set[int] = set()  # ids of the calls attributed to an update
        self._changed = asyncio.Event()

    def install(self) -> ZaloProbe:
        """(Re)attach to the running bot's Zalo channel; call again after a restart."""
        runtime = self.bot.runtime
        assert runtime is not None and runtime.zalo is not None and self.bot.zalo is not None
        receiver, channel = runtime.zalo.receiver, runtime.zalo.channel
        original = receiver.handler
        original_spawn = channel.spawn
        calls = self.bot.zalo.calls
        spawned: dict[str, list[asyncio.Task[None]]] = {}
        handling: ContextVar[str | None] = ContextVar("zalo_probe_update", default=None)

        def spawn(coroutine: Coroutine[Any, Any, None]) -> None:
            before = set(channel._tasks)
            original_spawn(coroutine)
            update = handling.get()
            if update is not None:
                spawned.setdefault(update, []).extend(set(channel._tasks) - before)

        async def handler(update: ZaloUpdate) -> None:
            start = len(calls)
            handling.set(update.message_id)
            try:
                await original(update)
                while pending := spawned.pop(update.message_id, []):
                    await asyncio.gather(*pending, return_exceptions=True)
            finally:
                mine = [c for c in calls[start:] if str(c.params.get("chat_id")) ==
                        update.chat_id and id(c) not in self._claimed]
                self._claimed.update(id(c) for c in mine)
                self.done[update.message_id] = ZaloProcessed(update, mine,
                                                             await self._locale(update))
                self._changed.set()

        channel.spawn = spawn  # type: ignore[method-assign]
        receiver.handler = handler
        return self

    async def _locale(self, update: ZaloUpdate) -> str:
        services = self.bot.services
        chosen = await services.account_settings.locale(f"zalo:{update.user_id}")
        return chosen or services.settings.locale

    async def settle(self, message_ids: Iterable[str],
                     timeout: float = 30.0) -> list[ZaloProcessed]:  # noqa: ASYNC109
        """Wait until these updates are processed; what was done for each, in their order."""
        wanted = list(message_ids)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while missing := [m for m in wanted if m not in self.done]:
            self._changed.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"Zalo updates not processed within {timeout}s: "
                                     f"{missing[:10]}")
            try:
                async with asyncio.timeout(remaining):
                    await self._changed.wait()
            except TimeoutError:
                continue
        return [self.done[m] for m in wanted]

    def strays(self, since: int = 0) -> list[ApiCall]:
        """Messages sent (from call number `since` on) while no update of their chat was
        being handled: to a chat nobody wrote in, or after the update was done."""
        assert self.bot.zalo is not None
        return [c for c in self.bot.zalo.calls[since:] if c.method in SENDS
                and id(c) not in self._claimed]


# --------------------------------------------------------------------------- replies

URL = re.compile(r"https?://[^\s<>\"')\]]+")


@dataclass(frozen=True)
class ZaloReply:
    method: str
    chat_id: str
    text: str  # the text, or a photo's caption
    ok: bool
    error: str | None
    links: tuple[str, ...]  # addresses in the text, and a photo's


def zalo_replies(calls: Iterable[ApiCall]) -> list[ZaloReply]:
    """What people were sent: texts and photos (Zalo has no edits, alerts or documents)."""
    found = []
    for call in calls:
        if call.method not in SENDS:
            continue
        params = call.params
        text = str(params.get("text") if call.method == "sendMessage"
                   else params.get("caption") or "")
        links = URL.findall(text)
        if call.method == "sendPhoto":
            links.append(str(params.get("photo") or ""))
        found.append(ZaloReply(call.method, str(params.get("chat_id")), text,
                               call.status == 200, call.error, tuple(links)))
    return found


async def read_links(bot: BotHarness, replies: Iterable[ZaloReply]) -> str:
    """The readable text of every file the replies link to on the bot's web server (XLSX,
    DOCX, CSV; pictures are skipped): what the reader gets by opening the links."""
    assert bot.zalo is not None
    base = f"http://127.0.0.1:{bot.web_port}/"
    texts = []
    for reply in replies:
        for url in reply.links:
            if not url.startswith(base) or url.endswith(".png"):
                continue
            async with bot.zalo.http.get(url) as response:
                data = await response.read()
            texts.append(document_text(data))
    return "\n".join(texts)


# --------------------------------------------------------------------------- checks

# How Vietnamese command names are typed as words (match_words reads the first two words).
SPACED = {
    "trogiup": "tro giup", "ngonngu": "ngon ngu", "dangky": "dang ky", "tapthe": "tap the",
    "cuatoi": "cua toi", "dotdangky": "dot dang ky", "camket": "cam ket",
    "phongtrao": "phong trao", "tonghop": "tong hop", "tiendo": "tien do",
    "nhacnho": "nhac nho", "mamoi": "ma moi", "lichsu": "lich su", "sangkien": "sang kien",
    "ketqua": "ket qua", "ghinhan": "ghi nhan", "danhgia": "danh gia", "denghi": "de nghi",
}

APOLOGY = "Sorry, something went wrong. Please try again."
# Changes that follow from any update on Zalo: the inbox, and the chat's current list.
ZALO_VOLATILE = {"zalo_inbox", "zalo_menus"}


async def zalo_dump(bot: BotHarness) -> dict[str, list[tuple[Any, ...]]]:
    dump = await data_dump(bot.db)
    return {k: v for k, v in dump.items() if k not in ZALO_VOLATILE}


async def check_common(bot: BotHarness, played: ZaloPlayed, processed: ZaloProcessed,
                       language: Language) -> list[str]:
    """Checks every update must pass: delivered, to this chat, in the reader's language, no
    apology, nothing outside the actor's scope (files behind links included)."""
    problems = []
    sent = zalo_replies(processed.calls)
    for reply in sent:
        if not reply.ok:
            problems.append(f"{reply.method} refused by Zalo: {reply.error}")
        if reply.chat_id != played.chat_id:
            problems.append(f"{reply.method} went to another chat ({reply.chat_id})")
        with use_locale(processed.locale):
            if _(APOLOGY) in reply.text:
                problems.append("an apology: something went wrong")
        foreign = language.foreign_fragments(reply.text, processed.locale)
        if foreign:
            problems.append(f"not in {processed.locale}: {foreign[:2]}")
        names = leaked(reply.text, played.forbidden)
        if names:
            problems.append(f"shows data outside the scope: {names[:5]}")
    names = leaked(await read_links(bot, sent), played.forbidden)
    if names:
        problems.append(f"a linked file shows data outside the scope: {names[:5]}")
    return problems


# --------------------------------------------------------------------------- refusals

# What a refused Zalo user reads besides the core's refusals (actors.REFUSALS, EXPIRED): the
# numbered menus' own answers to a number that is late or not on the list.
LATE = "That number was for an earlier list; nothing was done. Please choose again from " \
       "the latest list."
NOT_ON_LIST = "There is no {numbers} in the latest list (1–{size}): please type one of its " \
              "numbers."


def zalo_refusals(locale: str) -> set[str]:
    with use_locale(locale):
        return {_(m) for m in [*REFUSALS, EXPIRED, LATE]}


def is_refusal(text: str, locale: str) -> bool:
    text = text.strip()
    if text in zalo_refusals(locale):
        return True
    with use_locale(locale):
        pattern = re.escape(_(NOT_ON_LIST)).replace(re.escape("{numbers}"), r"[\d, ]+") \
            .replace(re.escape("{size}"), r"\d+")
    return re.fullmatch(pattern, text) is not None


# --------------------------------------------------------------------------- actors

# Other people of the sample roster, so that every kind can play at the same time as the
# others (a person's Zalo link moves to the newest account: one account per person at once).
STAFF_2 = "0973531343"  # Phạm Ngọc Anh, Phòng Công tác Quốc hội
STAFF_3 = "0973144429"  # Đinh Minh Yến, Phòng Công tác Quốc hội
AGENCY_HEAD_2 = "0902469764"  # Trần Thị Thảo, Giám đốc Sở Ngoại vụ
ZALO_ACTORS = [
    ActorKind("stranger", None, "private"),
    ActorKind("staff", STAFF, "private"),
    ActorKind("unit_head", UNIT_HEAD, "private"),
    ActorKind("agency_head", AGENCY_HEAD, "private"),
    ActorKind("secretariat", SECRETARIAT, "private"),
    # The secretariat's Zalo group: by a member not linked (a clerk), by staff.
    ActorKind("secretariat_chat", None, "secretariat"),
    ActorKind("secretariat_chat_by_staff", STAFF_2, "secretariat"),
    # Another Zalo group the bot is in: nobody's data belongs there.
    ActorKind("other_group", STAFF_3, "group"),
    ActorKind("other_group_by_head", AGENCY_HEAD_2, "group"),
]
_ids = itertools.count(930_000_001)


@dataclass
class ZaloPlayed:
    """One fresh Zalo account playing a kind of person, and the chat it writes in."""

    kind: ActorKind
    user: ZaloUser
    chat: ZaloUser | ZaloGroup
    actor: Actor  # what the bot should resolve: the commands' declared audience
    forbidden: list[str]  # names this actor must never be shown

    @property
    def chat_id(self) -> str:
        return self.chat.chat_id

    async def send(self, text: str) -> str:
        """Types `text` in the actor's chat; the message id of the update."""
        if isinstance(self.chat, ZaloGroup):
            sent = await self.chat.send(self.user, text)
        else:
            sent = await self.chat.send(text)
        return str(sent["message_id"])

    def send_dated(self, emu: ZaloEmulator, text: str, date: int) -> str:
        """A text the platform stamps with `date` (ms): typed then, delivered now (a number
        typed before a newer list was shown); the message id of the update."""
        message_id = secrets.token_hex(10)
        emu.push_raw({"event_name": "message.text.received", "message": {
            "from": {"id": self.user.id, "display_name": self.user.display_name,
                     "is_bot": False},
            "chat": {"id": self.chat_id, "chat_type": "PRIVATE" if self.kind.private
                     else "GROUP"},
            "text": text, "message_id": message_id, "date": date}})
        return message_id


async def play_zalo(bot: BotHarness, kind: ActorKind, scopes: Scopes) -> ZaloPlayed:
    assert bot.zalo is not None
    services = bot.services
    person = await services.people.by_phone(kind.phone) if kind.phone else None
    user = bot.zalo.user(next(_ids), person.full_name if person else "Khách")
    if person is not None:
        await services.links.link(person, "zalo", user.id, user.id, "invite",
                                  AuditContext.cli())
    active = person if person is not None and person.active else None
    headed: tuple[int, ...] = ()
    if active is not None and active.role in (Role.UNIT_HEAD, Role.AGENCY_HEAD):
        headed = tuple(await services.people.headed_org_ids(active.id))
    chat: ZaloUser | ZaloGroup
    if kind.chat == "private":
        chat = user
    elif kind.chat == "secretariat":
        chat = bot.zalo_secretariat_chat()
    else:
        chat = bot.zalo.group(OTHER_ZALO_GROUP, "Nhóm bạn bè")
    in_secretariat_chat = kind.chat == "secretariat"
    scope_id = await services.secretariat_scope_id()
    actor = Actor(
        account=f"zalo:{user.id}", chat_id=chat.chat_id,
        chat_type="private" if kind.private else "group", locale="vi", person=active,
        headed_org_ids=headed, in_secretariat_chat=in_secretariat_chat,
        secretariat_scope_id=scope_id if (in_secretariat_chat or (
            active is not None and active.role == Role.SECRETARIAT)) else None,
    )
    # What a kind may not see is the same for each of its accounts (and slow to compute).
    key = (id(scopes), kind, actor.person.id if actor.person else None)
    if key not in _forbidden:
        _forbidden[key] = forbidden_for(kind, actor, scopes)
    return ZaloPlayed(kind, user, chat, actor, _forbidden[key])


_forbidden: dict[tuple[int, ActorKind, int | None], list[str]] = {}
