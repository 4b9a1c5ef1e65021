"""/nhacnho, /tiendo and the weekly digest served by the core on a channel without buttons
(Zalo): each step's choices are picked by their data (what a typed number becomes), every
pick rechecked; digests and reminders go to the channel each person uses, the overview to
every secretariat group."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.events import Channel
from app.ui import Role
from tests.core.support import (
    ZALO_GROUP,
    CoreDesk,
    alerts,
    choice,
    messages,
    only_message,
)
from tests.progress.helpers import AGENCY, AGENCY_HEAD, QH_HEAD, open_window

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2024, 3, 11, 8, 30, tzinfo=TZ)
NGA, KHANH, ANH = "0979159337", "0935722539", "0973531343"
TELEGRAM_GROUP = -1001000000001


async def _open_registration(desk: CoreDesk) -> None:
    desk.freeze(MONDAY)
    await open_window(desk.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    await desk.register(NGA)


async def test_nhacnho_in_the_zalo_group_scope_what_preview_send(desk: CoreDesk):
    await _open_registration(desk)
    anh, khanh = await desk.on_zalo(ANH), await desk.on_zalo(KHANH)
    await desk.on_zalo(NGA)  # registered already: not reminded
    group = desk.zalo_group()

    scopes = only_message(await desk.command(group, "/nhacnho"))
    assert "Chọn phạm vi nhắc việc" in scopes.text
    assert choice(scopes, "Toàn bộ: Khối Tham mưu Tổng hợp").data == "rmd:s:all"
    assert choice(scopes, "Huỷ").role == Role.CANCEL

    what = only_message(await desk.pick(group, choice(scopes, AGENCY).data))
    assert what.replace and "Nhắc việc về nội dung nào?" in what.text
    preview = only_message(await desk.pick(group, choice(what, "Đăng ký thi đua năm 2024").data))
    assert preview.replace
    assert f"Phạm vi: {AGENCY}" in preview.text
    assert "sẽ nhắc việc: 2 người" in preview.text
    send = choice(preview, "Gửi nhắc việc (2)")
    assert send.data.endswith(":20240311")

    # Back to the choice of what, then forward again: nothing was sent meanwhile.
    back = choice(preview, "Quay lại")
    assert back.role == Role.BACK
    again = only_message(await desk.pick(group, back.data))
    assert "Nhắc việc về nội dung nào?" in again.text
    assert await desk.queued(kind="reminder") == []

    result = only_message(await desk.pick(group, send.data))
    assert result.replace and "Đã gửi nhắc việc tới 2 người" in result.text
    assert "Phạm Ngọc Anh" in result.text and "Trịnh Minh Khánh" in result.text
    reminders = await desk.queued(kind="reminder")
    assert {(r["channel"], r["chat_id"]) for r in reminders} == {
        ("zalo", anh.chat_id), ("zalo", khanh.chat_id)}
    payload = json.loads(reminders[0]["payload"])
    assert "Người nhắc: Thường trực Hội đồng Thi đua – Khen thưởng" in payload["text"]
    assert [b["callback_data"] for row in payload["buttons"] for b in row] == ["open:register"]

    # The same pick again reminds nobody twice; yesterday's preview and forged scopes change
    # nothing.
    repeat = only_message(await desk.pick(group, send.data))
    assert "Không có lời nhắc mới nào được gửi" in repeat.text
    stale = send.data.rsplit(":", 1)[0] + ":20240310"
    for data in (stale, "rmd:s:99999", "rmd:w:all:r999", "rmd:zz"):
        outs = await desk.pick(group, data)
        assert alerts(outs) and "hết hiệu lực" in alerts(outs)[0], data
        assert not messages(outs)
    assert len(await desk.queued(kind="reminder")) == 2

    # Cancelling sends nothing.
    scopes = only_message(await desk.command(group, "/remind"))
    cancelled = only_message(await desk.pick(group, choice(scopes, "Huỷ").data))
    assert cancelled.replace and "Đã huỷ" in cancelled.text


async def test_only_the_secretariat_reminds_a_scope_on_zalo(desk: CoreDesk):
    await _open_registration(desk)
    thao = await desk.on_zalo(QH_HEAD)
    outs = await desk.command(thao, "/nhacnho")
    assert any("Thường trực" in a for a in alerts(outs)) and not messages(outs)
    outs = await desk.pick(thao, "rmd:s:all")
    assert alerts(outs) and not messages(outs)
    assert await desk.queued() == []


async def test_digests_reach_each_head_on_their_channel_and_every_secretariat_group(
    tmp_path: Path,
):
    desk = await CoreDesk(tmp_path, secretariat_chat_id=TELEGRAM_GROUP).open()
    try:
        await _open_registration(desk)
        anh = await desk.on_zalo(ANH)
        thao = await desk.on_zalo(QH_HEAD)
        # Long linked Telegram first, then Zalo: Zalo is the channel he uses now.
        await desk.linked(AGENCY_HEAD, Channel.TELEGRAM)
        long = await desk.on_zalo(AGENCY_HEAD)

        assert await desk.run_job("weekly-digest", MONDAY) == "2024-W11"
        digests = await desk.queued(kind="digest")
        where = {(r["channel"], r["chat_id"]) for r in digests}
        assert where == {("zalo", thao.chat_id), ("zalo", long.chat_id),
                         ("telegram", TELEGRAM_GROUP), ("zalo", ZALO_GROUP)}
        to_thao = json.loads(next(r["payload"] for r in digests if r["chat_id"] == thao.chat_id))
        assert "Tiến độ thi đua – tuần 11/2024" in to_thao["text"]
        remind_data = [b["callback_data"] for row in to_thao["buttons"] for b in row
                       if b["text"].startswith("🔔")]
        assert remind_data == ["pr:rm:20240311"]
        overviews = [json.loads(r["payload"])["text"] for r in digests if r["person_id"] is None]
        assert len(overviews) == 2 and overviews[0] == overviews[1]
        assert f"• {AGENCY}: 1/22 (5%)" in overviews[0]

        # /tiendo on Zalo shows the same choice; picking it reminds Thảo's unit, on Zalo.
        board = only_message(await desk.command(thao, "/tiendo"))
        remind = choice(board, "Nhắc việc")
        assert remind.data == "pr:rm:20240311"
        result = only_message(await desk.pick(thao, remind.data))
        assert "Đã gửi nhắc việc tới 1 người: Phạm Ngọc Anh" in result.text
        [reminder] = await desk.queued(kind="reminder")
        assert (reminder["channel"], reminder["chat_id"]) == ("zalo", anh.chat_id)
        assert "Người nhắc: Hồ Kim Thảo" in json.loads(reminder["payload"])["text"]

        # A week and a day later that choice has expired.
        desk.freeze(MONDAY + timedelta(days=8))
        outs = await desk.pick(thao, remind.data)
        assert alerts(outs) and "hết hiệu lực" in alerts(outs)[0]
    finally:
        await desk.close()
