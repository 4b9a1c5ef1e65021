"""The campaigns feature served by the core, on a channel without buttons or alerts (Zalo):
no Telegram, no emulator; events go to `Core.handle` and the outputs are what a channel
renders. Every choice of a screen is there to be typed as a number, every page fits one
Zalo message with its menu, and a commitment is recorded as coming from Zalo."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from html import unescape
from pathlib import Path

import pytest

from app import campaigns as campaigns_feature
from app import help as help_feature
from app.campaigns import service
from app.core import Core
from app.events import ZALO, Channel, ChatKind, Command, Pick, Source
from app.features import Registry
from app.services import Services
from app.settings import Settings
from app.ui import Alert, Message, Out, Settle, Toast
from domain.campaigns import Campaign
from domain.roster import parse_roster
from storage import audit
from storage.audit import AuditContext
from storage.campaigns import CampaignRepository, launch_batch
from storage.db import Database
from storage.roster import apply_roster
from tests.campaigns.helpers import KHANH, LAM, MAI, SEED_FILE, SEED_NAME
from tests.harness import BLOC, SAMPLE_ROSTER

ZALO_GROUP = "8b1f0c2d9e7a6b5c"  # the secretariat's Zalo group


@dataclass
class World:
    services: Services
    core: Core

    def person_source(self, user_id: str) -> Source:
        return Source(channel=Channel.ZALO, user_id=user_id, chat_id=user_id,
                      chat_kind=ChatKind.PRIVATE)

    def group_source(self, user_id: str) -> Source:
        return Source(channel=Channel.ZALO, user_id=user_id, chat_id=ZALO_GROUP,
                      chat_kind=ChatKind.GROUP)

    async def zalo_user(self, phone: str) -> str:
        """The roster person with this phone, linked on Zalo; returns their Zalo id."""
        person = await self.services.people.by_phone(phone)
        assert person is not None
        user_id = f"6ede9a{int(phone):012x}"
        await self.services.links.link(person, "zalo", user_id, user_id, "invite",
                                       AuditContext.cli())
        return user_id


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    settings = Settings(_env_file=None, database=tmp_path / "thidua.sqlite3",  # type: ignore[call-arg]
                        bloc_name=BLOC, zalo_secretariat_chat_id=ZALO_GROUP)
    db = Database(settings.database)
    await db.open()
    services = Services.create(settings, db)
    services.clock = lambda: datetime(2024, 1, 3, 9, tzinfo=settings.tz)
    roster = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name, BLOC)
    assert roster.ok, roster.problems
    await apply_roster(db, roster, AuditContext.cli())
    # The core's features only: nothing of Telegram is loaded.
    registry = Registry([help_feature.FEATURE, campaigns_feature.FEATURE])
    try:
        yield World(services, Core(services, registry))
    finally:
        await db.close()


async def _load_seed(services: Services) -> Campaign:
    check, campaign_id = await service.load_file(services, SEED_FILE.read_bytes(),
                                                 SEED_FILE.name, AuditContext.cli())
    assert campaign_id is not None, check.problems
    campaign = await CampaignRepository(services.db).get(campaign_id)
    assert campaign is not None
    return campaign


def _messages(outs: list[Out]) -> list[Message]:
    return [o for o in outs if isinstance(o, Message)]


def _screen(outs: list[Out]) -> Message:
    (message,) = _messages(outs)
    return message


def _menu(message: Message) -> list[str]:
    """The screen's choices as a channel without buttons lists them: "1. label"."""
    return [f"{n}. {c.label}" for n, c in enumerate(message.all_choices, start=1)]


def _typed_length(message: Message) -> int:
    """Characters of the screen as plain text with its numbered menu."""
    text = unescape(re.sub(r"<[^>]+>", "", message.text))
    return len("\n\n".join([text, *_menu(message)]))


def _choice(message: Message, label: str) -> Pick:
    """What typing the number of the choice labelled `label` means: its data, picked."""
    found = [c for c in message.all_choices if label in c.label]
    assert len(found) == 1, (label, [c.label for c in message.all_choices])
    return Pick(found[0].data)


async def test_a_reader_on_zalo_reads_every_page_from_the_menu_and_commits(world: World):
    services, core = world.services, world.core
    mai = await world.zalo_user(MAI)
    campaign = await _load_seed(services)
    assert await service.launch(services, campaign, AuditContext.cli()) == 1

    # The launch message waits in the outbox for Zalo, in Mai's private chat, with its
    # choices' data as the core routes them (the outbox keeps them as buttons).
    rows = await services.db.fetchall(
        "SELECT channel, chat_id, payload FROM outbox WHERE batch = ?",
        (launch_batch(campaign.id),))
    assert [(r["channel"], r["chat_id"]) for r in rows] == [("zalo", mai)]
    payload = json.loads(rows[0]["payload"])
    data = [b["callback_data"] for row in payload["buttons"] for b in row]
    assert data == [f"cp:pg:{campaign.id}:1", f"cp:ack:{campaign.id}:0"]
    assert len(payload["text"]) <= ZALO.max_text

    # /camket: her campaigns, each one a numbered choice.
    goals = _screen(await core.handle(world.person_source(mai), Command("camket")))
    assert "Phong trào thi đua của anh/chị" in goals.text and SEED_NAME in goals.text
    assert _menu(goals) == ["1. 📄 1. Đọc và cam kết"]

    # She opens it and goes through every page by typing the menu's numbers; each page is the
    # next state of the same screen, and fits one Zalo message with its menu.
    page = _screen(await core.handle(world.person_source(mai), _choice(goals, "Đọc và cam kết")))
    assert not page.replace
    texts = [page.text]
    while any("Trang sau" in c.label for c in page.all_choices):
        assert _typed_length(page) <= ZALO.max_text
        assert any("Tôi cam kết thực hiện" in c.label for c in page.all_choices)
        page = _screen(await core.handle(world.person_source(mai), _choice(page, "Trang sau")))
        assert page.replace
        texts.append(page.text)
    assert _typed_length(page) <= ZALO.max_text
    pages = len(texts)
    assert pages > 2  # shorter pages than Telegram's two: Zalo messages hold 2000 characters
    assert f"Trang {pages}/{pages}" in texts[-1]
    for section in campaign.document.sections:
        assert any(section.title in text for text in texts), section.title
    assert _menu(page) == ["1. ◀ Trang trước", "2. ✅ Tôi cam kết thực hiện"]

    # Back one page, then commit: the thanks is a message of its own (no toasts on Zalo), and
    # the page now says she committed, with no commitment left to choose.
    back = _screen(await core.handle(world.person_source(mai), _choice(page, "Trang trước")))
    assert f"Trang {pages - 1}/{pages}" in back.text
    outs = await core.handle(world.person_source(mai), _choice(back, "Tôi cam kết thực hiện"))
    (thanks,) = [o for o in outs if isinstance(o, Toast | Alert)]
    assert isinstance(thanks, Toast) and not thanks.quiet
    assert thanks.text == "Cảm ơn anh/chị: cam kết đã được ghi nhận."
    committed = _screen(outs)
    assert committed.replace and f"Trang {pages - 1}/{pages}" in committed.text
    assert "Anh/chị đã cam kết thực hiện lúc 09:00 03/01/2024" in committed.text
    assert not any("cam kết" in c.label for c in committed.all_choices)

    # Recorded once, as coming from Zalo, by her Zalo account.
    person = await services.people.by_phone(MAI)
    assert person is not None
    ack = await CampaignRepository(services.db).acknowledgement(campaign.id, person.id)
    assert ack is not None and ack.channel == "zalo"
    (entry,) = [e for e in await audit.entries(services.db, entity="campaign",
                                               entity_id=campaign.id)
                if e.action == "acknowledge"]
    assert entry.details == {"person_id": person.id, "channel": "zalo", "late": False}
    assert entry.channel == "zalo" and entry.actor_account == f"zalo:{mai}"

    # Her old screen's commitment again: nothing changes, and what she must read is an alert
    # (a message on Zalo) saying when she committed.
    outs = await core.handle(world.person_source(mai), _choice(back, "Tôi cam kết thực hiện"))
    (again,) = [o for o in outs if isinstance(o, Alert)]
    assert again.text == ("Anh/chị đã cam kết thực hiện phong trào này lúc 09:00 03/01/2024; "
                          "không có gì thay đổi.")
    assert len(await CampaignRepository(services.db).acknowledged_people(campaign.id)) == 1


async def test_a_refused_commitment_on_zalo_is_an_alert_with_the_dates(world: World):
    services, core = world.services, world.core
    lam = await world.zalo_user(LAM)
    campaign = await _load_seed(services)
    await service.launch(services, campaign, AuditContext.cli())
    opened = _screen(await core.handle(world.person_source(lam),
                                       Pick(f"cp:open:{campaign.id}")))
    services.clock = lambda: datetime(2024, 4, 2, 9, tzinfo=services.settings.tz)
    outs = await core.handle(world.person_source(lam), _choice(opened, "Tôi cam kết"))
    (refusal,) = [o for o in outs if isinstance(o, Alert | Toast)]
    assert isinstance(refusal, Alert)
    assert "đã kết thúc ngày 31/03/2024 (thời gian thi đua 01/01/2024 – 31/03/2024)" in (
        refusal.text)
    closed = _screen(outs)
    assert "Phong trào đã kết thúc ngày 31/03/2024" in closed.text
    assert not any("cam kết" in c.label for c in closed.all_choices)
    person = await services.people.by_phone(LAM)
    assert person is not None
    assert await CampaignRepository(services.db).acknowledgement(campaign.id, person.id) is None


async def test_forged_and_foreign_choices_on_zalo_change_nothing(world: World):
    services, core = world.services, world.core
    khanh = await world.zalo_user(KHANH)  # outside the seed's scope
    campaign = await _load_seed(services)
    await service.launch(services, campaign, AuditContext.cli())
    for data in (f"cp:ack:{campaign.id}:0", f"cp:open:{campaign.id}", f"cp:pg:{campaign.id}:1",
                 "cp:ack:x:0", f"cp:ack:{campaign.id}", "open:goalsx",
                 f"cp:go:{campaign.id}", f"cp:view:{campaign.id}"):
        outs = await core.handle(world.person_source(khanh), Pick(data))
        assert len(outs) == 1 and isinstance(outs[0], Alert), (data, outs)
    assert await CampaignRepository(services.db).acknowledged_people(campaign.id) == set()


async def test_the_secretariat_launches_from_its_zalo_group(world: World):
    services, core = world.services, world.core
    mai = await world.zalo_user(MAI)
    clerk = "c0ffee0000000001"  # any member of the group, linked or not
    group = world.group_source(clerk)
    campaign = await _load_seed(services)

    listing = _screen(await core.handle(group, Command("phongtrao")))
    assert SEED_NAME in listing.text
    assert _menu(listing) == ["1. 👁 Xem 1", "2. 🚀 Phát động 1"]
    preview = _screen(await core.handle(group, _choice(listing, "Xem 1")))
    assert "Xem trước" in preview.text and _typed_length(preview) <= ZALO.max_text
    assert [c.label for c in preview.all_choices] == ["Trang sau ▶"]

    confirm = _screen(await core.handle(group, _choice(listing, "Phát động 1")))
    assert "gửi ngay tới 1 người" in confirm.text
    assert _menu(confirm) == ["1. 🚀 Phát động", "2. ✖ Huỷ"]
    outs = await core.handle(group, _choice(confirm, "🚀 Phát động"))
    assert outs == [Settle(f"🚀 Đã phát động “{SEED_NAME}”: đang gửi 1 tin nhắn.")]
    rows = await services.db.fetchall("SELECT channel, chat_id FROM outbox WHERE batch = ?",
                                      (launch_batch(campaign.id),))
    assert [(r["channel"], r["chat_id"]) for r in rows] == [("zalo", mai)]
    (launch,) = [e for e in await audit.entries(services.db, entity="campaign",
                                                entity_id=campaign.id) if e.action == "launch"]
    assert launch.channel == "zalo" and launch.chat_id == ZALO_GROUP

    # A second launch finds nobody new; the people of another Zalo group are refused.
    outs = await core.handle(group, _choice(confirm, "🚀 Phát động"))
    assert outs == [Settle("Không còn ai mới để gửi.")]
    stranger = Source(channel=Channel.ZALO, user_id=clerk, chat_id="another-group",
                      chat_kind=ChatKind.GROUP)
    (refused,) = await core.handle(stranger, Command("phongtrao"))
    assert isinstance(refused, Alert) and "Thường trực Hội đồng Thi đua" in refused.text


async def test_launch_goes_to_each_persons_preferred_link_and_newcomers_get_it(world: World):
    """Mai uses Telegram and Zalo, Zalo last: the launch goes there. Lâm links on Zalo after
    the launch and receives it then, on Zalo."""
    services = world.services
    person = await services.people.by_phone(MAI)
    assert person is not None
    await services.links.link(person, "telegram", 501, 501, "contact", AuditContext.cli())
    mai = await world.zalo_user(MAI)
    await services.links.note_channel(person.id, "zalo")
    campaign = await _load_seed(services)
    assert await service.launch(services, campaign, AuditContext.cli()) == 1

    lam_person = await services.people.by_phone(LAM)
    assert lam_person is not None
    lam = await world.zalo_user(LAM)
    link = await services.links.for_person(lam_person.id, "zalo")
    assert link is not None and link.channel == "zalo"
    for hook in world.core.registry.link_hooks():
        await hook(services, lam_person, link, AuditContext.cli())
    rows = await services.db.fetchall(
        "SELECT channel, chat_id FROM outbox WHERE batch = ? ORDER BY id",
        (launch_batch(campaign.id),))
    assert [(r["channel"], r["chat_id"]) for r in rows] == [("zalo", mai), ("zalo", lam)]


async def test_the_campaign_end_job_runs_on_the_services(world: World):
    services = world.services
    campaign = await _load_seed(services)
    await service.launch(services, campaign, AuditContext.cli())
    (job,) = world.core.registry.jobs()
    later = datetime(2024, 4, 1, 0, 5, tzinfo=services.settings.tz)
    assert await job.due_period(services, datetime(2024, 3, 31, 23, tzinfo=services.settings.tz)
                                ) is None
    period = await job.due_period(services, later)
    assert period == date(2024, 4, 1).isoformat()
    await job.run(services, period, later)
    ended = await CampaignRepository(services.db).get(campaign.id)
    assert ended is not None and ended.closed_on() == date(2024, 3, 31)
