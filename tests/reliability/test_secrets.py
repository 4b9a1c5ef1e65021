"""Invite codes: at least 96 random bits, only hashes stored, single use even when raced,
expiring."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.invite_codes import ALPHABET
from storage.audit import AuditContext
from storage.invites import InviteProblem
from tests.harness import BotHarness
from tests.reliability.actors import STAFF, UNIT_HEAD


def _number(code: str) -> int:
    value = 0
    for char in code.replace("-", ""):
        value = value * 32 + ALPHABET.index(char)
    return value


async def test_codes_carry_96_random_bits_and_only_their_hashes_are_stored(bot: BotHarness):
    person = await bot.services.people.by_phone(STAFF)
    codes = [await bot.services.invites.create(person, timedelta(days=1), AuditContext.cli())
             for _ in range(400)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 24 and set(c) <= set(ALPHABET) | {"-"} for c in codes)
    numbers = [_number(c) for c in codes]
    assert all(n < 2**100 for n in numbers)
    for bit in range(100):  # every bit is a fair coin (6 standard deviations of slack)
        ones = sum((n >> bit) & 1 for n in numbers)
        assert 0.35 < ones / len(numbers) < 0.65, bit

    await bot.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = bot.database.read_bytes()
    assert not any(c.encode() in stored or c.replace("-", "").encode() in stored
                   for c in codes)  # nowhere in the file, not even logs
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
    near = [real[:-1] + c for c in sorted(set(ALPHABET) - {real[-1]})]  # one character off
    guesses = [*near, real[1:], real + "A", real[:-5]]
    # Each guess from its own account: one account is stopped after five (test_rate_limit).
    for n, guess in enumerate(guesses):
        outcome = await bot.services.invites.redeem(guess, 9300 + n, AuditContext.cli())
        assert outcome.problem == InviteProblem.UNKNOWN, guess
    assert (await bot.services.invites.redeem(real, 9202, AuditContext.cli())).person
