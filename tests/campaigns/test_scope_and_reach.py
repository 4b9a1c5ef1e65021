"""Who gets a campaign: people in its scope who use the bot, once; people who link later receive it
as they link and find it in /goals; several campaigns run side by side, each person seeing only
theirs."""

from __future__ import annotations

from datetime import date, datetime

from app.campaigns import service
from domain.campaigns import CampaignStatus
from storage import audit
from storage.audit import AuditContext
from storage.campaigns import CampaignRepository, launch_batch
from storage.outbox import OutboxRepository
from tests.campaigns.helpers import (
    DUNG,
    HANG,
    KHANH,
    LAM,
    MAI,
    SEED_FILE,
    SEED_NAME,
    TUAN,
    campaign_yaml,
    freeze,
    on,
)
from tests.harness import BotHarness


async def _load(bot: BotHarness, content: bytes, filename: str) -> int:
    check, campaign_id = await service.load_file(bot.services, content, filename,
                                                 AuditContext.cli())
    assert campaign_id is not None, check.problems
    return campaign_id


async def _launch(bot: BotHarness, campaign_id: int) -> int | None:
    campaign = await CampaignRepository(bot.db).get(campaign_id)
    assert campaign is not None
    return await service.launch(bot.services, campaign, AuditContext.cli())


async def test_people_linked_after_the_launch_receive_it_and_commit(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    mai = await bot.person_user(MAI)
    campaign_id = await _load(bot, SEED_FILE.read_bytes(), SEED_FILE.name)
    assert await _launch(bot, campaign_id) == 1
    await mai.expect(SEED_NAME)

    # Tuấn was not linked at launch; when he links, the campaign follows his greeting.
    tuan = await bot.person_user(TUAN)
    arrived = await tuan.expect(SEED_NAME)
    assert "Trang 1/2" in arrived.plain and arrived.has_button("✅ Tôi cam kết thực hiện")
    await tuan.expect_silence(0.2)
    # Khánh (another agency) links too: nothing, the campaign is not his.
    khanh = await bot.person_user(KHANH)
    await khanh.expect_silence(0.3)
    await tuan.send("/goals")
    goals = await tuan.expect("Phong trào thi đua của anh/chị")
    assert SEED_NAME in goals.plain
    assert "Đọc xong, vui lòng bấm “Tôi cam kết thực hiện” chậm nhất ngày 15/01/2024" in goals.plain
    await tuan.tap("📄 1. Đọc và cam kết")
    opened = await tuan.expect(SEED_NAME)
    assert opened.has_button("✅ Tôi cam kết thực hiện")
    await tuan.tap("✅ Tôi cam kết thực hiện")
    await tuan.expect("Anh/chị đã cam kết thực hiện lúc")

    # The "open:goals" button reminders carry shows the same list, now with his commitment.
    await tuan.tap_data(opened, "open:goals")
    listing = await tuan.expect("Phong trào thi đua của anh/chị")
    assert "Anh/chị đã cam kết thực hiện lúc 09:00 03/01/2024" in listing.plain
    assert listing.has_button("📄 1. Xem lại")

    # Launching again reaches nobody new: whoever links is reached as they link, once.
    assert await _launch(bot, campaign_id) == 0
    lam = await bot.person_user(LAM)
    await lam.expect(SEED_NAME)
    assert await _launch(bot, campaign_id) == 0
    await bot.restart()
    await lam.send("/start")
    await lam.expect("Chào mừng")
    await lam.expect_silence(0.3)
    await mai.expect_silence(0.2)
    logged = await audit.entries(bot.db, entity="campaign", entity_id=campaign_id)
    assert [e.action for e in logged].count("deliver") == 2  # Tuấn and Lâm, on linking


async def test_relaunch_and_restart_never_send_twice(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    mai = await bot.person_user(MAI)
    tuan = await bot.person_user(TUAN)
    campaign_id = await _load(bot, SEED_FILE.read_bytes(), SEED_FILE.name)
    assert await _launch(bot, campaign_id) == 2
    await mai.expect(SEED_NAME)
    await tuan.expect(SEED_NAME)

    await bot.restart()
    freeze(bot, on(date(2024, 1, 4)))
    assert await _launch(bot, campaign_id) == 0
    status = await OutboxRepository(bot.db).batch_status(launch_batch(campaign_id))
    assert (status.sent, status.pending) == (2, 0)
    await mai.expect_silence(0.3)

    # The buttons of the message sent before the restart still work.
    await mai.tap("✅ Tôi cam kết thực hiện")
    await mai.expect("Anh/chị đã cam kết thực hiện lúc 09:00 04/01/2024")


async def test_two_campaigns_at_once_each_person_sees_only_theirs(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    mai = await bot.person_user(MAI)  # Văn phòng UBND tỉnh
    dung = await bot.person_user(DUNG)  # Sở Nội vụ
    khanh = await bot.person_user(KHANH)  # neither
    seed = await _load(bot, SEED_FILE.read_bytes(), SEED_FILE.name)
    other = await _load(bot, campaign_yaml(
        "snv-2024-q1", scope="so noi vu", name="Phong trào thi đua Sở Nội vụ Quý I").encode(),
        "snv.yaml")
    assert await _launch(bot, seed) == 1
    assert await _launch(bot, other) == 1
    await mai.expect(SEED_NAME)
    await dung.expect("Phong trào thi đua Sở Nội vụ Quý I")

    await mai.send("/goals")
    mine = await mai.expect("Phong trào thi đua của anh/chị")
    assert SEED_NAME in mine.plain and "Sở Nội vụ" not in mine.plain
    await dung.send("/goals")
    his = await dung.expect("Phong trào thi đua của anh/chị")
    assert "Sở Nội vụ Quý I" in his.plain and SEED_NAME not in his.plain
    await khanh.expect_silence(0.2)
    await khanh.send("/goals")
    await khanh.expect("Hiện chưa có phong trào thi đua nào dành cho anh/chị")

    # Buttons of another scope's campaign are refused and change nothing.
    answer = await dung.tap_data(dung.messages[-1], f"cp:ack:{seed}:0")
    assert answer.show_alert and "hết hiệu lực" in (answer.text or "")
    answer = await dung.tap_data(dung.messages[-1], f"cp:pg:{seed}:1")
    assert "hết hiệu lực" in (answer.text or "")
    dung_person = await bot.services.people.by_phone(DUNG)
    assert await CampaignRepository(bot.db).acknowledgement(seed, dung_person.id) is None


async def test_forged_and_unauthorised_taps_change_nothing(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    mai = await bot.person_user(MAI)
    campaign_id = await _load(bot, SEED_FILE.read_bytes(), SEED_FILE.name)
    await mai.send("/goals")
    nothing = await mai.expect("Hiện chưa có phong trào")  # loaded, not launched: invisible
    for data in (f"cp:ack:{campaign_id}:0", f"cp:ack:{campaign_id}", "cp:ack:x:0",
                 f"cp:open:{campaign_id}", "cp:ack:99999:0", f"cp:go:{campaign_id}",
                 f"cp:pg:{campaign_id}:-1"):
        answer = await mai.tap_data(nothing, data)
        assert answer.show_alert, data
    await mai.send("/campaigns")
    await mai.expect("chỉ dành cho Thường trực")
    campaign = await CampaignRepository(bot.db).get(campaign_id)
    assert campaign is not None and campaign.status == CampaignStatus.LOADED
    assert await OutboxRepository(bot.db).pending_count() == 0

    # A secretariat member manages campaigns in private too; a double tap launches once.
    hang = await bot.person_user(HANG)
    await hang.send("/phongtrao")
    listing = await hang.expect(SEED_NAME)
    assert "đã nạp, chưa phát động" in listing.plain
    await hang.tap("🚀 Phát động 1")
    confirm = await hang.expect("gửi ngay tới 2 người")
    await hang.tap("🚀 Phát động", message=confirm)
    # The confirmation is edited and, as she is in scope, the campaign reaches her too (in
    # whichever order the sender and the handler get there).
    events = [(await hang.expect()).plain, (await hang.expect()).plain]
    assert any("đang gửi 2 tin nhắn" in e for e in events)
    assert any(e.startswith("📣 " + SEED_NAME) for e in events)
    await hang.tap("🚀 Phát động", message=confirm)
    await hang.expect("Không còn ai mới để gửi")
    await mai.expect(SEED_NAME)
    await mai.expect_silence(0.2)
    status = await OutboxRepository(bot.db).batch_status(launch_batch(campaign_id))
    assert status.sent + status.pending == 2


async def test_a_campaign_ends_by_itself_after_its_period(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    campaign_id = await _load(bot, SEED_FILE.read_bytes(), SEED_FILE.name)
    await _launch(bot, campaign_id)
    scheduler = bot.services.scheduler
    assert scheduler is not None
    tz = bot.services.settings.tz
    # Other features' periodic jobs (digests, reminders) may run on the same ticks.
    assert "campaigns-end" not in dict(await scheduler.tick(datetime(2024, 3, 31, 23, 0,
                                                                     tzinfo=tz)))
    ran = await scheduler.tick(datetime(2024, 4, 1, 0, 5, tzinfo=tz))
    assert ("campaigns-end", "2024-04-01") in ran
    campaign = await CampaignRepository(bot.db).get(campaign_id)
    assert campaign is not None and campaign.status == CampaignStatus.ENDED
    assert campaign.ended_on == date(2024, 3, 31)
    logged = await audit.entries(bot.db, entity="campaign", entity_id=campaign_id)
    assert logged[-1].action == "end" and logged[-1].channel == "system"
    assert "campaigns-end" not in dict(await scheduler.tick(datetime(2024, 4, 2, 0, 5,
                                                                     tzinfo=tz)))
