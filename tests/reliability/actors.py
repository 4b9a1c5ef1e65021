"""The kinds of people who talk to the bot, played against the sample roster.

Each `ActorKind` can be instantiated any number of times as a fresh Telegram account (so one
test's conversation state never leaks into the next), linked directly through the link
repository when it plays a roster person.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from domain.access import Actor
from domain.models import Role
from emulator import EmuGroup, EmuUser
from locales import _, use_locale
from storage.audit import AuditContext
from tests.harness import SECRETARIAT_CHAT, BotHarness
from tests.reliability.support import Scopes

STAFF = "0935722539"  # Trịnh Minh Khánh, Phòng Công tác Quốc hội
UNIT_HEAD = "0939363303"  # Hồ Kim Thảo, Trưởng phòng Công tác Quốc hội
AGENCY_HEAD = "0906483756"  # Hầu Tiến Long, Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh
SECRETARIAT = "0899967996"  # Hoàng Thúy Hằng, Văn phòng UBND tỉnh
FORMER = "0979159337"  # Bùi Thúy Nga: removed from the roster by `remove_former_staff`
OTHER_GROUP = -1003000000777

_ids = itertools.count(900_000_001)


@dataclass(frozen=True)
class ActorKind:
    name: str
    phone: str | None  # the roster person played; None for a stranger
    chat: str  # "private", "secretariat" (the secretariat's group) or "group" (any other)

    @property
    def private(self) -> bool:
        return self.chat == "private"


ACTORS = [
    ActorKind("stranger", None, "private"),
    ActorKind("former_staff", FORMER, "private"),
    ActorKind("staff", STAFF, "private"),
    ActorKind("unit_head", UNIT_HEAD, "private"),
    ActorKind("agency_head", AGENCY_HEAD, "private"),
    ActorKind("secretariat", SECRETARIAT, "private"),
    ActorKind("secretariat_chat", None, "secretariat"),
    ActorKind("secretariat_chat_by_staff", STAFF, "secretariat"),
    ActorKind("other_group", STAFF, "group"),
    ActorKind("other_group_by_secretariat", SECRETARIAT, "group"),
]


@dataclass
class Played:
    """One fresh Telegram account playing an ActorKind, and the chat it writes in."""

    kind: ActorKind
    user: EmuUser
    chat: EmuUser | EmuGroup
    actor: Actor  # what the bot should resolve: used for the commands' declared audience
    forbidden: list[str]  # names this actor must never be shown

    @property
    def chat_id(self) -> int:
        return self.chat.chat_id

    async def send(self, text: str) -> None:
        if isinstance(self.chat, EmuGroup):
            await self.chat.send(self.user, text)
        else:
            await self.chat.send(text)


async def remove_former_staff(bot: BotHarness) -> None:
    """Re-import the sample roster without FORMER: she is deactivated, as the rules say."""
    from domain.roster import parse_roster
    from storage.roster import apply_roster
    from tests.harness import BLOC, SAMPLE_ROSTER

    lines = [line for line in SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
             if FORMER not in line]
    roster = parse_roster(("\n".join(lines) + "\n").encode(), "roster.csv", BLOC)
    assert roster.ok, roster.problems
    await apply_roster(bot.db, roster, AuditContext.cli())


async def seed_features(bot: BotHarness) -> None:
    """Data the features show, so that replies have something to leak: the seed 001 campaign
    (scope: Văn phòng UBND tỉnh, the scoped secretariat's agency), loaded and launched on
    3 January 2024. The bot's clock stays there (the `scoped_bot` fixture has stopped the
    periodic jobs, which read the real clock and would end the campaign)."""
    from datetime import datetime

    from app.campaigns import service
    from storage.campaigns import CampaignRepository
    from tests.harness import DEMO

    services = bot.services
    when = datetime(2024, 1, 3, 9, tzinfo=services.settings.tz)
    services.now = lambda: when  # type: ignore[method-assign]
    seed = DEMO / "campaigns" / "vpubnd-2024-q1.md"
    check, campaign_id = await service.load_file(services, seed.read_bytes(), seed.name,
                                                 AuditContext.cli())
    assert campaign_id is not None, check.problems
    campaign = await CampaignRepository(bot.db).get(campaign_id)
    assert campaign is not None
    secretary = await bot.person_user(SECRETARIAT)  # someone in scope to receive the launch
    assert await service.launch(services, campaign, AuditContext.cli()) == 1
    await secretary.expect("Phong trào thi đua")  # sent by the outbox before the tests begin


async def play(bot: BotHarness, kind: ActorKind, scopes: Scopes) -> Played:
    services = bot.services
    uid = next(_ids)
    person = await services.people.by_phone(kind.phone) if kind.phone else None
    user = bot.user(uid, person.full_name.split()[-1] if person else "Khách",
                    phone=kind.phone or f"0599{uid % 1_000_000:06d}")
    if person is not None:
        await services.links.link(person, "telegram", uid, uid, "contact", AuditContext.cli())
    active = person if person is not None and person.active else None
    headed: tuple[int, ...] = ()
    if active is not None and active.role in (Role.UNIT_HEAD, Role.AGENCY_HEAD):
        headed = tuple(await services.people.headed_org_ids(active.id))
    scope_id = await services.secretariat_scope_id()
    chat: EmuUser | EmuGroup
    if kind.chat == "private":
        chat, chat_id, chat_type = user, uid, "private"
    elif kind.chat == "secretariat":
        chat, chat_id, chat_type = bot.secretariat_chat(), SECRETARIAT_CHAT, "supergroup"
    else:
        chat, chat_id, chat_type = bot.emu.group(OTHER_GROUP, "Nhóm bạn bè"), OTHER_GROUP, \
            "supergroup"
    in_secretariat_chat = kind.chat == "secretariat"
    actor = Actor(
        account=f"telegram:{uid}", chat_id=str(chat_id),
        chat_type="private" if chat_type == "private" else "group", locale="vi", person=active,
        headed_org_ids=headed, in_secretariat_chat=in_secretariat_chat,
        secretariat_scope_id=scope_id if (in_secretariat_chat or (
            active is not None and active.role == Role.SECRETARIAT)) else None,
    )
    return Played(kind, user, chat, actor, forbidden_for(kind, actor, scopes))


def forbidden_for(kind: ActorKind, actor: Actor, scopes: Scopes) -> list[str]:
    if kind.chat == "group" or (kind.private and actor.person is None):
        return scopes.forbidden(set(), set())  # nobody's data belongs in a stranger's chat
    if actor.is_secretariat:
        root = actor.secretariat_scope_id
        people, orgs = scopes.visible(
            person_id=actor.person.id if actor.person and kind.private else None,
            root=root, everything=root is None,
        )
        return scopes.forbidden(people, orgs)
    assert actor.person is not None
    people, orgs = scopes.visible(person_id=actor.person.id, role=actor.person.role.value)
    return scopes.forbidden(people, orgs)


# --------------------------------------------------------------------------- refusals

# What a refused user is told (English msgids). A feature refusing in its own words adds its
# msgid here.
REFUSALS = [
    "You are not linked yet. Send /start to link your Telegram account.",
    "You are not linked yet. Send /start to link your account.",
    "This is for the emulation and commendation secretariat only.",
    "Please use this command in a private chat with me.",
    "You do not have permission to use this.",
    "Please message me privately to get started.",
    "Only the person who sent the file can confirm it.",
    # registration: /collective by someone who heads nothing
    "Collective titles are registered by the head of the unit (for their unit) and the head of "
    "the agency (for the agency). For your own titles, send /dangky.",
    # summary: /summary by someone without a scope (also /ketqua, registered vs achieved)
    "The summary is for heads of units and agencies and for the emulation and commendation "
    "secretariat.",
    # review: /denghi by someone who heads nothing
    "The proposal lists are for heads of units and agencies and for the emulation and "
    "commendation secretariat.",
]
EXPIRED = "This button has expired."


def refusal_texts(locale: str) -> set[str]:
    with use_locale(locale):
        return {_(m) for m in REFUSALS}


def expired_text(locale: str) -> str:
    with use_locale(locale):
        return _(EXPIRED)


# --------------------------------------------------------------------------- buttons


def _walk(handlers: Iterable[BaseHandler[Any, Any, Any]]) -> Iterable[BaseHandler[Any, Any, Any]]:
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            yield from _walk(handler.entry_points)
            for state_handlers in handler.states.values():
                yield from _walk(state_handlers)
            yield from _walk(handler.fallbacks)
        else:
            yield handler


def callback_patterns(app: Any) -> list[str]:
    """The choice prefixes the core routes (app.features.Registry), and the callback-data
    patterns of every CallbackQueryHandler the application registered (inside conversations
    too); a catch-all handler (the fallback) has none."""
    core = app.bot_data.get("core")
    patterns: list[str] = ["^" + re.escape(p) for p in core.registry.pick_prefixes] \
        if core is not None else []
    for group in app.handlers.values():
        for handler in _walk(group):
            if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
                pattern = handler.pattern
                text = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
                if text not in patterns:
                    patterns.append(text)
    return patterns


def literal_prefix(pattern: str) -> str:
    """`^up:` -> `up:`; stops at the first regex construct."""
    prefix = ""
    for char in pattern.removeprefix("^"):
        if char in ".^$*+?{}[]\\|()":
            break
        prefix += char
    return prefix


def heads(pattern: str) -> list[str]:
    """Literal beginnings of the data a pattern accepts: `^up:` gives `up:`, and a group of
    alternatives is expanded (`^cp:(pg|ack):` gives `cp:pg:` and `cp:ack:`)."""
    prefix = literal_prefix(pattern)
    rest = pattern.removeprefix("^")[len(prefix):]
    group = re.match(r"\(\??:?([\w|]+)\)(.*)$", rest)
    if group is None:
        return [prefix]
    tail = literal_prefix(group.group(2))
    return [prefix + alternative + tail for alternative in group.group(1).split("|")]


def forged(pattern: str, seen: Iterable[str]) -> list[str]:
    """Data an attacker could send for this pattern: the real buttons' data, mutated, and
    made-up arguments after the pattern's literal beginnings. All ASCII, at most 64 bytes."""
    samples: set[str] = set()
    for prefix in heads(pattern):
        samples |= {prefix, prefix + "x", prefix + "1", prefix + "-1", prefix + "1:1",
                    prefix + "1:1:1:1", (prefix + "9" * 64)[:64], prefix + "%s:None"}
    for data in seen:
        if not re.search(pattern, data):
            continue
        samples.add(data)
        samples.add(re.sub(r"\d+", lambda m: str(int(m.group()) + 1), data))
        samples.add(re.sub(r"\d+", "0", data))
        samples.add(data.rsplit(":", 1)[0])
        samples.add((data + ":x")[:64])
    return sorted(s for s in samples if s and len(s.encode()) <= 64 and s.isascii())
