"""The secretariat's basic group becomes a supergroup (Telegram gives it a new id): the bot
follows it at once, after a restart with the old setting, and for messages already queued."""

from __future__ import annotations

import asyncio
from pathlib import Path

from storage import audit
from storage.db import Database
from storage.outbox import NewMessage, OutboxRepository
from tests.harness import BotHarness
from tests.summary.helpers import import_sample_registrations, receive_summary

OLD_GROUP = -4001  # a basic group's id
NEW_GROUP = -1004001  # the supergroup Telegram makes of it


async def _queue_for_old_group(bot: BotHarness, key: str) -> None:
    """What a job queued before the upgrade (the bot is stopped: the database is free)."""
    async with Database(bot.settings().database) as db:
        await OutboxRepository(db).enqueue([NewMessage(
            batch="test", kind="digest", chat_id=OLD_GROUP, text="Tin tổng hợp hằng ngày",
            dedupe_key=key)])


async def test_the_secretariat_keeps_its_group_when_it_becomes_a_supergroup(tmp_path: Path):
    bot = BotHarness(tmp_path, secretariat_chat_id=OLD_GROUP)
    await bot.start()
    try:
        await bot.import_roster()
        await import_sample_registrations(bot.db)
        group = bot.emu.group(OLD_GROUP, "Thường trực TĐKT", basic=True)
        clerk = bot.user(8001, "Hằng")
        await group.send(clerk, "/tonghop")
        await receive_summary(group)

        supergroup = bot.emu.migrate_group(group, NEW_GROUP, by=clerk)
        hello = await supergroup.expect("siêu nhóm")
        assert f"THIDUA_SECRETARIAT_CHAT_ID={NEW_GROUP}" in hello.plain
        await supergroup.send(clerk, "/tonghop")
        post = await receive_summary(supergroup)
        assert "Tổng cộng (07 cơ quan)" in post.text
        logged = await audit.entries(bot.db, entity="chat", entity_id=OLD_GROUP)
        assert [(e.action, e.details["new_chat_id"]) for e in logged] == [("migrate", NEW_GROUP)]

        # Stopped with a message still queued for the old id, restarted with the old setting.
        await bot.stop()
        await _queue_for_old_group(bot, "test:1")
        await bot.start()
        assert bot.services.settings.secretariat_chat_id == NEW_GROUP
        await supergroup.expect("Tin tổng hợp hằng ngày")
        await supergroup.send(clerk, "/tonghop")
        await receive_summary(supergroup)
        await group.expect_silence(0.2)
    finally:
        await bot.close()


async def test_a_message_queued_for_the_old_group_follows_it(tmp_path: Path):
    bot = BotHarness(tmp_path, secretariat_chat_id=OLD_GROUP)
    await bot.start()
    try:
        group = bot.emu.group(OLD_GROUP, "Thường trực TĐKT", basic=True)
        clerk = bot.user(8001, "Hằng")
        await bot.stop()
        # Telegram upgrades the group while the bot is down; the bot learns it from the
        # refusal of its first message there (the service messages wait in the queue).
        supergroup = bot.emu.migrate_group(group, NEW_GROUP, by=clerk)
        bot.emu.world.updates.clear()
        await _queue_for_old_group(bot, "test:2")
        await bot.start()
        await supergroup.expect("siêu nhóm")
        await supergroup.expect("Tin tổng hợp hằng ngày")
        assert bot.services.settings.secretariat_chat_id == NEW_GROUP
        for _ in range(100):  # the delivery is marked just after the message arrives
            status = await OutboxRepository(bot.db).batch_status("test")
            if status.done:
                break
            await asyncio.sleep(0.02)
        assert (status.sent, status.failed, status.pending) == (1, 0, 0)
    finally:
        await bot.close()
