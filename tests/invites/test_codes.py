"""Codes people can type on a phone: an unambiguous alphabet in groups of four, typed back in
any case, with spaces or dashes; codes of the first format keep working; only the latest code
of a person works."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from domain.invite_codes import ALPHABET, canonical, looks_like_code, new_code
from storage.audit import AuditContext
from storage.db import to_db_time, utcnow
from tests.harness import BotHarness
from tests.invites.helpers import COLLEAGUE, STAFF, UNIT_HEAD


def test_codes_are_groups_of_four_readable_characters_carrying_100_random_bits():
    codes = [new_code() for _ in range(300)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4, 4]
        assert set("".join(groups)) <= set(ALPHABET)
    assert not set("ILOU") & set(ALPHABET)  # nothing that reads as something else
    values = []
    for code in codes:
        value = 0
        for char in code.replace("-", ""):
            value = value * 32 + ALPHABET.index(char)
        values.append(value)
    for bit in range(100):  # every bit a fair coin (≥ 96 random bits)
        ones = sum((v >> bit) & 1 for v in values)
        assert 0.3 < ones / len(values) < 0.7, bit


def test_a_code_typed_back_any_way_is_the_same_code():
    code = "7KQ2-M9XD-4HPA-QR8T-ZW3E"
    for typed in ["7kq2-m9xd-4hpa-qr8t-zw3e", "7KQ2 M9XD 4HPA QR8T ZW3E", "7KQ2M9XD4HPAQR8TZW3E",
                  " 7kq2 – m9xd – 4hpa – qr8t – zw3e ", "7KQ2.M9XD.4HPA.QR8T.ZW3E"]:
        assert canonical(typed) == "7KQ2M9XD4HPAQR8TZW3E", typed
    # Letters that look like digits are read as those digits.
    assert canonical("0OI1-L000-0000-0000-0000") == canonical("0011-1000-0000-0000-0000")
    assert canonical(code[:-1]) is None and canonical(code + "7") is None
    assert canonical("7KQ2-M9XD-4HPA-QR8T-ZW3U") is None  # U is not in the alphabet
    assert looks_like_code("7kq2 m9xd 4hpa qr8t zw3e")


async def test_a_code_typed_in_lower_case_with_spaces_links_on_zalo_and_on_telegram(
        zbot: BotHarness):
    khanh = await zbot.services.people.by_phone(STAFF)
    code = await zbot.services.invites.create(khanh, timedelta(days=3), AuditContext.cli())
    zalo = zbot.zalo.user(8101, "Khánh")
    await zalo.send(code.lower().replace("-", " "))
    hello = await zalo.expect("Trịnh Minh Khánh")
    assert "Zalo" in hello.plain

    anh = await zbot.services.people.by_phone(COLLEAGUE)
    code = await zbot.services.invites.create(anh, timedelta(days=3), AuditContext.cli())
    telegram = zbot.user(7101, "Anh")
    await telegram.send("/start " + code.lower().replace("-", " "))
    await telegram.expect("Phạm Ngọc Anh")
    assert (await zbot.services.links.by_account("telegram", 7101))[0].id == anh.id


async def test_codes_of_the_first_format_keep_working(zbot: BotHarness):
    """Codes printed before this format (16 characters, case-sensitive) are honoured."""
    async def legacy(phone: str) -> str:
        person = await zbot.services.people.by_phone(phone)
        code = secrets.token_urlsafe(12)
        now = utcnow()
        await zbot.db.execute(
            "INSERT INTO invite_codes (code_hash, person_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (hashlib.sha256(code.encode()).hexdigest(), person.id, to_db_time(now),
             to_db_time(now + timedelta(days=3))))
        return code

    old = await legacy(STAFF)
    telegram = zbot.user(7102, "Khánh")
    await telegram.send(f"/start {old}")
    await telegram.expect("Trịnh Minh Khánh")

    old = await legacy(UNIT_HEAD)
    zalo = zbot.zalo.user(8102, "Thảo")
    await zalo.send(old)
    await zalo.expect("Hồ Kim Thảo")


async def test_a_new_code_for_a_person_replaces_the_unused_one(zbot: BotHarness):
    khanh = await zbot.services.people.by_phone(STAFF)
    first = await zbot.services.invites.create(khanh, timedelta(days=3), AuditContext.cli())
    second = await zbot.services.invites.create(khanh, timedelta(days=3), AuditContext.cli())

    zalo = zbot.zalo.user(8101, "Khánh")
    await zalo.send(first)
    await zalo.expect("đã được thay bằng mã mới")
    assert await zbot.services.links.by_account("zalo", zalo.id) is None
    await zalo.send(second)
    await zalo.expect("Trịnh Minh Khánh")
