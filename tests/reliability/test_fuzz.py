"""Thousands of generated updates against the running bot.

Every generated update must be handled without an unhandled exception, every reply must be
accepted by Telegram, go to the chat the update came from, be in the sender's language and
show nothing outside the sender's scope, every button must be answered, and the data tables
must not change (bad input is refused, never half-applied).

THIDUA_FUZZ_UPDATES sets how many updates (default: a CI-sized 2000); THIDUA_FUZZ_SEED makes
a run with other inputs than the deterministic default.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from emulator import EmuGroup
from tests.harness import BotHarness
from tests.reliability.actors import (
    AGENCY_HEAD,
    OTHER_GROUP,
    SECRETARIAT,
    STAFF,
    UNIT_HEAD,
    callback_patterns,
)
from tests.reliability.figures import FIGURES, FULL
from tests.reliability.fuzzing import FuzzActor, Player
from tests.reliability.support import (
    ErrorWatch,
    Language,
    Probe,
    Scopes,
    data_dump,
    dump_difference,
    leaked,
    replies,
)

UPDATES = int(os.environ.get("THIDUA_FUZZ_UPDATES", "2000" if FULL else "1000"))
BATCH = 40
SEED = os.environ.get("THIDUA_FUZZ_SEED")


@dataclass
class Fuzz:
    player: Player
    language: Language
    forbidden: dict[tuple[int, int], list[str]]  # (chat, user) -> names never to show
    everything: list[str]
    data: list[str]  # names and positions: data, in Vietnamese whatever the language
    processed: int = 0


async def english(user) -> None:  # type: ignore[no-untyped-def]
    await user.send("/language")
    await user.expect()
    await user.tap("English")
    await user.expect("Language set to English.")


async def prepare(bot: BotHarness) -> Fuzz:
    services = bot.services
    scopes = await Scopes.load(bot.db)
    everything = scopes.forbidden(set(), set())
    scope_root = await services.secretariat_scope_id()

    def seen_by(phone: str, role: str, *, root: int | None = None) -> list[str]:
        person = next(p for p, _n in scopes.people.items()
                      if p == person_ids[phone])
        people, orgs = scopes.visible(person_id=person, role=role, root=root)
        return scopes.forbidden(people, orgs)

    person_ids = {}
    for phone in (STAFF, UNIT_HEAD, AGENCY_HEAD, SECRETARIAT):
        person_ids[phone] = (await services.people.by_phone(phone)).id
    in_secretariat = scopes.forbidden(*scopes.visible(root=scope_root))

    stranger_vi = bot.user(710_000_001, "Lạ", phone="0599000001")
    await stranger_vi.send("/start")
    await stranger_vi.expect()
    stranger_en = bot.user(710_000_002, "Stranger", phone="0599000002", language_code="en")
    await english(stranger_en)
    staff = await bot.person_user(STAFF)
    head = await bot.person_user(UNIT_HEAD)
    await english(head)
    secretary = await bot.person_user(SECRETARIAT)
    await secretary.send("/help")
    await secretary.expect()
    agency_head = await bot.person_user(AGENCY_HEAD)
    await english(agency_head)
    clerk = bot.user(710_000_003, "Thư ký", phone="0599000003")
    chat = bot.secretariat_chat()
    other = bot.emu.group(OTHER_GROUP, "Nhóm bạn bè")
    for group, member in ((chat, clerk), (chat, agency_head), (other, staff)):
        await group.send(member, "/help")
        await group.expect()

    actors = [
        FuzzActor("stranger", stranger_vi, stranger_vi, False, everything, []),
        FuzzActor("stranger (en)", stranger_en, stranger_en, False, everything, []),
        FuzzActor("staff", staff, staff, True, seen_by(STAFF, "staff"), []),
        FuzzActor("unit head (en)", head, head, True, seen_by(UNIT_HEAD, "unit_head"), []),
        FuzzActor("secretariat", secretary, secretary, True,
                  seen_by(SECRETARIAT, "secretariat", root=scope_root), []),
        FuzzActor("secretariat chat", clerk, chat, False, in_secretariat, []),
        FuzzActor("secretariat chat (en)", agency_head, chat, True, in_secretariat, []),
        FuzzActor("other group", staff, other, True, everything, []),
    ]
    forbidden = {(a.chat.chat_id, a.user.id): a.forbidden for a in actors}
    probe: Probe = bot.probe  # type: ignore[attr-defined]
    seen = [b["callback_data"] for p in probe.done.values() for r in p.calls
            if isinstance(r.params.get("reply_markup"), dict)
            for row in r.params["reply_markup"].get("inline_keyboard", [])
            for b in row if "callback_data" in b]
    phones = await bot.db.fetchall("SELECT phone FROM people LIMIT 40")
    player = Player(bot, actors, [r["phone"] for r in phones],
                    callback_patterns(bot.runtime.app), [*seen, "lang:en", "lang:vi", "up:apply:1"],
                    bot.settings().max_upload_bytes)
    positions = [r["position"] for r in await bot.db.fetchall(
        "SELECT DISTINCT position FROM people")]
    return Fuzz(player, Language(), forbidden, everything, [*scopes.names(), *positions])


def fuzz_settings(test):  # type: ignore[no-untyped-def]
    test = settings(
        max_examples=max(1, UPDATES // BATCH), deadline=None, database=None,
        derandomize=SEED is None, phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(test)
    return seed(int(SEED))(test) if SEED is not None else test


@fuzz_settings
@given(data=st.data())
async def test_generated_updates_break_nothing(scoped_bot: BotHarness, watch: ErrorWatch,
                                               data: st.DataObject):
    bot = scoped_bot
    probe: Probe = bot.probe  # type: ignore[attr-defined]
    fuzz: Fuzz | None = getattr(bot, "fuzz", None)
    if fuzz is None:
        fuzz = bot.fuzz = await prepare(bot)  # type: ignore[attr-defined]
    before = await data_dump(bot.db)
    mark = probe.last_pushed
    watch.clear()
    fuzz.player.sent_texts.clear()  # replies quote what their own update sent
    played = [fuzz.player.play(data) for _ in range(BATCH)]
    await probe.settle(timeout=60)

    problems: list[str] = []
    batch = probe.since(mark)
    for processed in batch:
        update = processed.update
        chat = update.effective_chat
        user = update.effective_user
        key = (chat.id if chat else 0, user.id if user else 0)
        forbidden = fuzz.forbidden.get(key, fuzz.everything)
        where = f"update {update.update_id} ({_describe(update)})"
        sent = replies(processed.calls)
        for reply in sent:
            if not reply.ok:
                problems.append(f"{where}: {reply.method} rejected: {reply.error}")
            if reply.method != "answercallbackquery" and chat is not None \
                    and str(reply.chat_id) != str(chat.id):
                problems.append(f"{where}: {reply.method} went to chat {reply.chat_id}")
            # What users sent may come back quoted (composed, NFC): neither a leak nor a
            # language error.
            text = unicodedata.normalize("NFC", reply.text)
            unquoted = unicodedata.normalize("NFC", reply.everything)
            for echo in map(functools.partial(unicodedata.normalize, "NFC"),
                            fuzz.player.sent_texts):
                if len(echo) >= 4:
                    unquoted = unquoted.replace(echo, " ")
                if len(echo) >= 12:
                    text = text.replace(echo, " ")
            foreign = fuzz.language.foreign_fragments(text, processed.locale)
            if foreign:
                problems.append(f"{where}: not in {processed.locale}: {foreign[:2]}")
            elif clues := fuzz.language.looks_wrong(text, processed.locale, fuzz.data):
                problems.append(f"{where}: not in {processed.locale} ({clues[:5]}): "
                                f"{reply.text[:80]!r}")
            names = leaked(unquoted, forbidden)
            if names:
                problems.append(f"{where}: shows {names[:3]}")
        if update.callback_query and not any(r.method == "answercallbackquery" for r in sent):
            problems.append(f"{where}: button not answered")
    problems += [f"logged: {e}" for e in watch.errors]
    FIGURES["unhandled_errors"] += len(watch.errors)
    difference = dump_difference(before, await data_dump(bot.db))
    if difference:
        problems.append(f"data changed: {difference}")
    fuzz.processed += len(batch)
    FIGURES["updates_fuzzed"] += len(batch)
    assert not problems, f"actions {played}:\n" + "\n".join(problems[:30])


def _describe(update) -> str:  # type: ignore[no-untyped-def]
    if update.callback_query:
        return f"button {update.callback_query.data!r}"
    if update.edited_message:
        return "edit"
    message = update.effective_message
    if message is None:
        return "no message"
    if message.text:
        return f"text {message.text[:40]!r}"
    if message.document:
        return f"file {message.document.file_name!r}"
    kind = "group" if isinstance(message.chat, EmuGroup) else message.chat.type
    return f"other message in {kind}"
