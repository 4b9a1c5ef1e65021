"""Imports and registration windows served by the core, without any messenger: a file is a
`FileIn` event (Telegram's only: Zalo's bots receive no documents), previewed with versioned
choices only its sender may take in its chat; /dotdangky works on Zalo as everywhere, typed
arguments and numbered choices (the choices' data)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from app import imports, registration
from app.events import Channel, ChatKind, FileIn, Source, Unreadable
from app.features import Registry
from app.ui import Role, Toast
from storage.uploads import UploadRepository
from tests.core.support import CoreDesk, alerts, choice, messages, only_message
from tests.harness import SAMPLE_ROSTER

TELEGRAM_GROUP = "-1001000000001"


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[CoreDesk]:
    opened = CoreDesk(tmp_path, secretariat_chat_id=int(TELEGRAM_GROUP))
    opened.registry = Registry([registration.FEATURE, imports.FEATURE])
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


def in_group(user_id: str) -> Source:
    return Source(Channel.TELEGRAM, user_id, TELEGRAM_GROUP, ChatKind.GROUP)


def a_file(name: str, content: bytes) -> FileIn:
    async def download() -> bytes:
        return content

    return FileIn(name, len(content), download)


def _d(day) -> str:  # type: ignore[no-untyped-def]
    return day.strftime("%d/%m/%Y")


async def test_a_file_is_previewed_and_decided_only_by_its_sender_in_its_chat(desk: CoreDesk):
    header, *rows = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    newcomer = "Sở Nội vụ,Văn phòng Sở,Người Mới,Chuyên viên,không,staff,0912000555"
    content = ("\n".join([header, *rows, newcomer]) + "\n").encode()
    preview = only_message(await desk.handle(in_group("8001"), a_file("ds.csv", content)))
    assert "Thêm mới: 1 người" in preview.text and "Áp dụng các thay đổi trên?" in preview.text
    apply, cancel = choice(preview, "Áp dụng"), choice(preview, "Huỷ")
    assert apply.data.startswith("up:apply:") and cancel.role == Role.CANCEL

    assert alerts(await desk.pick(in_group("8002"), apply.data)) == [
        "Chỉ người đã gửi tệp mới xác nhận được."]
    private = Source(Channel.TELEGRAM, "8001", "8001", ChatKind.PRIVATE)  # not linked
    assert alerts(await desk.pick(private, apply.data)) != []  # refused, in another chat
    assert await desk.services.people.by_phone("0912000555") is None

    done = only_message(await desk.pick(in_group("8001"), apply.data))
    assert done.replace and "Đã nhập danh sách cán bộ" in done.text
    assert await desk.services.people.by_phone("0912000555") is not None
    assert alerts(await desk.pick(in_group("8001"), apply.data)) == [
        "Tệp này đã được áp dụng."]
    assert await UploadRepository(desk.db).holding_data() == 0


async def test_a_partial_roster_offers_to_deactivate_the_others_with_their_count(
        desk: CoreDesk):
    header, *rows = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    mine = [r for r in rows if r.startswith("Sở Nội vụ,")]  # one agency sends its 72 people
    content = ("\n".join([header, *mine]) + "\n").encode()
    preview = only_message(await desk.handle(in_group("8001"), a_file("snv.csv", content)))
    assert "Ngừng theo dõi (không còn trong tệp): 0 người" in preview.text
    assert "thuộc cơ quan, đơn vị tệp không nêu: 228 người (giữ nguyên)" in preview.text
    others = choice(preview, "ngừng theo dõi cả 228 người còn lại")
    assert others.data.startswith("up:others:")
    done = only_message(await desk.pick(in_group("8001"), choice(preview, "✅ Áp dụng").data))
    assert "Không có thay đổi" in done.text
    assert len(await desk.services.people.all()) == 300

    preview = only_message(await desk.handle(in_group("8001"), a_file("snv.csv", content)))
    done = only_message(await desk.pick(in_group("8001"),
                                        choice(preview, "còn lại").data))
    assert "Ngừng theo dõi (không còn trong tệp): 228 người" in done.text
    assert len(await desk.services.people.all()) == 72


async def test_files_on_their_own_or_from_others(desk: CoreDesk):
    staff = await desk.linked("0935722539", Channel.TELEGRAM)
    refused = await desk.handle(staff, a_file("ds.csv", SAMPLE_ROSTER.read_bytes()))
    assert any("Thường trực Hội đồng Thi đua" in a for a in alerts(refused))
    other_group = Source(Channel.TELEGRAM, "8001", "-100555", ChatKind.GROUP)
    assert await desk.handle(other_group, a_file("ds.csv", SAMPLE_ROSTER.read_bytes())) == []
    # A photo or a sticker in private is answered as text nobody understands.
    sticker = only_message(await desk.handle(staff, Unreadable()))
    assert "Tôi chưa hiểu yêu cầu của anh/chị" in sticker.text
    stranger = Source(Channel.TELEGRAM, "9999", "9999", ChatKind.PRIVATE)
    assert "chưa được liên kết" in only_message(await desk.handle(stranger, Unreadable())).text


async def test_windows_on_zalo_typed_arguments_and_numbered_choices(desk: CoreDesk):
    group = desk.zalo_group()
    today = desk.services.now().date()
    deadline = today + timedelta(days=20)
    opened = only_message(await desk.command(group, f"/dotdangky mo {deadline.year} "
                                                    f"{_d(deadline)}"))
    assert "Đã mở đăng ký thi đua" in opened.text
    bad = only_message(await desk.command(group, f"/dotdangky mo {today.year} 31/02/{today.year}"))
    assert f"“31/02/{today.year}” không phải ngày hợp lệ" in bad.text

    listing = only_message(await desk.command(group, "/dotdangky"))
    plus = choice(listing, "gia hạn thêm 7 ngày")
    asked = only_message(await desk.pick(group, plus.data))
    later = deadline + timedelta(days=7)
    assert asked.replace and f"đến hết ngày {_d(later)}?" in asked.text
    assert choice(asked, "Quay lại").role == Role.BACK
    outs = await desk.pick(group, choice(asked, f"Gia hạn đến {_d(later)}").data)
    assert [o.text for o in outs if isinstance(o, Toast)] == [
        f"Đã gia hạn đến hết ngày {_d(later)}."]
    refreshed = messages(outs)[-1]
    assert "Các đợt đăng ký thi đua" in refreshed.text and "còn 27 ngày" in refreshed.text
    # The first listing's choice carries the old deadline: it changes nothing.
    assert [a for a in alerts(await desk.pick(group, plus.data)) if "hết hiệu lực" in a]
