"""Invite codes: 96 random bits, only hashes stored, single use even when raced, expiring."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

from storage.audit import AuditContext
from storage.invites import InviteProblem
from tests.harness import BotHarness
from tests.reliability.actors import STAFF, UNIT_HEAD

ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


async def test_codes_carry_96_random_bits_and_only_their_hashes_are_stored(bot: BotHarness):
    person = await bot.services.people.by_phone(STAFF)
    codes = [await bot.services.invites.create(person, timedelta(days=1), AuditContext.cli())
             for _ in range(400)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 16 and set(c) <= ALPHABET for c in codes)
    numbers = [int.from_bytes(base64.urlsafe_b64decode(c), "big") for c in codes]
    assert all(n < 2**96 for n in numbers)
    for bit in range(96):  # every bit is a fair coin (6 standard deviations of slack)
        ones = sum((n >> bit) & 1 for n in numbers)
        assert 0.35 < ones / len(numbers) < 0.65, bit

    await bot.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = bot.database.read_bytes()
    assert not any(c.encode() in stored for c in codes)  # nowhere in the file, not even logs
    rows = await bot.db.fetchall("SELECT code_hash FROM invite_codes")
    assert len(rows) == len(codes) and all(len(r["code_hash"]) == 64 for r in rows)


async def test_a_code_links_one_account_even_when_two_race_for_it(bot: BotHarness):
    head = await bot.services.people.by_phone(UNIT_HEAD)
    code = await bot.services.invites.create(head, timedelta(days=1), AuditContext.cli())
    results = await asyncio.gather(*(
        bot.services.invites.redeem(code, 9000 + i, AuditContext.cli()) for i in range(10)
    ))
    assert sum(r.person is not None for r in results) == 1
    assert {r.problem for r in results if r.person is None} == {InviteProblem.USED}

    other = await bot.services.invites.create(head, timedelta(days=1), AuditContext.cli())
    first, second = bot.user(9101, "A"), bot.user(9102, "B")
    await first.send(f"/start {other}")  # both messages reach the bot before it answers
    await second.send(f"/start {other}")
    await first.expect("Hồ Kim Thảo")
    await second.expect("đã được sử dụng")
    assert await bot.services.links.by_account("telegram", 9102) is None


async def test_codes_expire_and_guesses_find_nothing(bot: BotHarness):
    person = await bot.services.people.by_phone(STAFF)
    stale = await bot.services.invites.create(person, timedelta(seconds=-1), AuditContext.cli())
    result = await bot.services.invites.redeem(stale, 9201, AuditContext.cli())
    assert result.problem == InviteProblem.EXPIRED
    real = await bot.services.invites.create(person, timedelta(days=1), AuditContext.cli())
    near = [real[:-1] + c for c in sorted(ALPHABET - {real[-1]})]  # one character off
    guesses = [*near, real.lower(), real.upper(), real[1:], real + "A"]
    for guess in guesses:
        outcome = await bot.services.invites.redeem(guess, 9202, AuditContext.cli())
        assert outcome.problem == InviteProblem.UNKNOWN, guess
    assert (await bot.services.invites.redeem(real, 9202, AuditContext.cli())).person
