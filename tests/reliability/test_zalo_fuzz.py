"""Generated input typed on Zalo against the running bot.

Zalo has no buttons: whatever a person does is a typed line (or a sticker, a picture, a
message the platform will not show). Hypothesis draws, for every kind of Zalo actor at once
(private chats, the secretariat's group, another group, unknown people and groups), random
text in mixed scripts, numbers and lists of numbers in every odd form, commands with and
without slash and junk after them, the labels of lists, the navigation words, overlong and
multi-line text, stickers and pictures, updates in shapes the platform never sends (a missing
sender, a forged chat, a text that is not a string) and re-deliveries of updates already
processed.

A number or label that would answer the typist's own current list is typed as the platform
delivers a late one (dated before the list was shown): it must be asked again, never applied.
So nothing drawn is a legitimate choice, and after every batch: no error logged, no apology,
every send accepted by Zalo (2000 characters at most), replies only to the chat the update came
from, in the reader's language, no name outside the reader's scope, no message nobody asked
for (a re-delivery is never answered twice), and the data tables unchanged.

THIDUA_ZALO_FUZZ_UPDATES sets how many updates (default: a CI-sized 300); THIDUA_FUZZ_SEED
makes a run with other inputs than the deterministic default.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from app.events import Pick
from channels.zalo.menus import BACK_WORDS, CANCEL_WORDS, Late, label_key, read
from channels.zalo.updates import GROUP, PRIVATE
from domain.text import fold_key
from locales import _, use_locale
from storage.zalo_menus import MenuRepository
from tests.harness import BotHarness
from tests.reliability.figures import FIGURES
from tests.reliability.fuzzing import pick, texts
from tests.reliability.support import ErrorWatch, Language, Scopes, dump_difference, leaked
from tests.reliability.zalo_support import (
    APOLOGY,
    LATE,
    OTHER_ZALO_GROUP,
    SPACED,
    ZALO_ACTORS,
    ZaloPlayed,
    ZaloProbe,
    ZaloProcessed,
    play_zalo,
    read_links,
    zalo_dump,
    zalo_replies,
)

UPDATES = int(os.environ.get("THIDUA_ZALO_FUZZ_UPDATES", "300"))
ROUNDS = 4  # per batch: every actor types once a round, after the previous round's answers
SEED = os.environ.get("THIDUA_FUZZ_SEED")
# Links to files are outputs (summaries asked for), not data.
OUTPUTS = {"file_links"}

numbers = st.one_of(
    st.integers(-3, 40).map(str),
    st.lists(st.integers(0, 12).map(str), min_size=2, max_size=6).map(" ".join),
    st.lists(st.integers(0, 12).map(str), min_size=2, max_size=4).map(", ".join),
    st.sampled_from(["00", "01", " 1 ", "1.", "1)", "#1", "２", "١", "1️⃣", "9" * 40, "1e3",
                     "0x1", "1/2", "-0", "+1", "1 1 1", "1;3", "1,,3", "1\n2", "½", "³"]),
)
CONTROL = ["0", "menu", "Menu", "MENU", "quay lại", "quay lai", "Quay lại", "huỷ", "hủy", "huy",
           "HUỶ", "cancel", "back", "trở lại", "thoát"]
# What the platform never sends, in shapes a forged or broken delivery could have.
ODD_EVENTS: list[tuple[str, dict[str, Any]]] = [
    ("message.sticker.received", {"sticker": "0e078a2fb66a5f34067b"}),
    ("message.unsupported.received", {}),
    ("message.voice.received", {"voice": "https://example.invalid/a.aac"}),
    ("message.location.received", {"location": {"lat": 21.0, "long": 105.8}}),
    ("message.text.received", {"text": ""}),
    ("message.text.received", {"text": "   \n\t "}),
    ("message.text.received", {"text": 12345}),
    ("message.text.received", {"text": ["1"]}),
    ("message.text.received", {}),
]
ACTIONS = ["text", "text", "number", "number", "listed", "listed", "command", "command", "label",
           "control", "long", "odd", "picture", "malformed", "unknown_user", "unknown_group",
           "redeliver"]


def command_texts(names: list[str]) -> st.SearchStrategy[str]:
    """A command typed with a slash or as words (with or without diacritics), junk after it."""
    junk = st.one_of(st.just(""), texts.map(lambda t: " " + t[:120]),
                     numbers.map(lambda n: " " + n))
    spaced = {n: SPACED.get(n, n) for n in names}
    typed = st.one_of(
        st.sampled_from(names).map(lambda n: f"/{n}"),
        st.sampled_from(names).map(lambda n: spaced[n]),
        st.sampled_from(names).map(lambda n: spaced[n].upper()),
        st.sampled_from(["/", "//dangky", "/ dangky", "/dangky@bot", "dangky!", "đăng ký",
                         "ĐĂNG KÝ", "dang  ky", "/đăngký", "/" + "a" * 40, "/start"]),
    )
    return st.builds(lambda c, j: c + j, typed, junk)


def long_texts() -> st.SearchStrategy[str]:
    line = "Trần Thị Bích Ngọc 🙂 đăng ký thi đua "
    return st.one_of(
        st.integers(1900, 6000).map(lambda n: (line * 200)[:n]),
        st.integers(50, 400).map(lambda n: "\n".join(["1"] * n)),
        st.integers(2, 60).map(lambda n: "\n".join(f"{i}. {line}" for i in range(n))),
    )


@dataclass
class ZaloFuzz:
    actors: list[ZaloPlayed]
    commands: st.SearchStrategy[str]
    language: Language
    everything: list[str]  # names nobody unknown may be shown
    data: list[str]  # names and positions: data, in Vietnamese whatever the language
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(950_000_001))
    labels: list[str] = field(default_factory=list)  # labels of lists shown so far
    # Commands that show a numbered list to some kind of actor.
    listing_commands: list[str] = field(default_factory=lambda: [
        "ngonngu", "phongtrao", "nhacnho", "mamoi", "lichsu", "camket", "dangky", "cuatoi",
        "tapthe", "tonghop", "tiendo", "dotdangky", "ketqua", "ghinhan", "danhgia",
        "denghi", "sangkien", "goals", "start"])


@dataclass
class Typed:
    """One drawn update: who, in which chat, and what is expected of it."""

    played: ZaloPlayed
    message_id: str | None  # None: a shape the bot may drop without processing
    late: bool = False  # a number of the typist's own list, typed before it was shown
    dropped: bool = False  # a shape the bot must drop unprocessed
    text: str | None = None


async def prepare(bot: BotHarness) -> ZaloFuzz:
    scopes = await Scopes.load(bot.db)
    runtime = bot.runtime
    assert runtime is not None and runtime.zalo is not None
    table = runtime.zalo.channel.core.registry.commands
    names = sorted({n for spec in table.specs for n in spec.names()})
    actors = [await play_zalo(bot, kind, scopes) for kind in ZALO_ACTORS]
    # One reader of English: the language check must see both catalogs at work.
    head = next(a for a in actors if a.kind.name == "unit_head")
    probe: ZaloProbe = bot.probe  # type: ignore[attr-defined]
    await probe.settle([await head.send("/ngonngu")])
    await probe.settle([await head.send("🇬🇧 English")])
    assert await bot.services.account_settings.locale(f"zalo:{head.user.id}") == "en"
    positions = [r["position"] for r in await bot.db.fetchall(
        "SELECT DISTINCT position FROM people")]
    return ZaloFuzz(actors, command_texts(names), Language(),
                    scopes.forbidden(set(), set()), [*scopes.names(), *positions])


class Player:
    """Turns drawn actions into Zalo updates in the emulator (none waits for the bot)."""

    def __init__(self, bot: BotHarness, fuzz: ZaloFuzz, data: st.DataObject) -> None:
        assert bot.zalo is not None and bot.runtime is not None
        assert bot.runtime.zalo is not None
        self.bot, self.fuzz, self.data = bot, fuzz, data
        self.emu = bot.zalo
        self.channel = bot.runtime.zalo.channel
        self.sent_texts: list[str] = []  # echoes of input are not language errors
        self.handled: list[str] = []  # message ids processed before (to deliver again)

    async def play(self, played: ZaloPlayed) -> Typed | None:
        action = self.data.draw(st.sampled_from(ACTIONS), label="action")
        FIGURES["zalo_updates_fuzzed"] += 1
        return await getattr(self, f"act_{action}")(played)

    # ------------------------------------------------------------------ typed lines

    async def _type(self, played: ZaloPlayed, text: str) -> Typed:
        """`text` typed by `played`; late when it would answer the typist's own list."""
        self.sent_texts += [text, " ".join(text.split())]
        member = None if played.kind.private else played.user.id
        menu = await MenuRepository(self.bot.db).get(played.chat_id, member)
        words = played.kind.private or played.kind.chat == "secretariat"
        reading = read(text, menu, None, self.channel.core.registry.commands,
                       group=not played.kind.private, words=words)
        navigation = fold_key(text) in BACK_WORDS | CANCEL_WORDS  # changes no data
        if menu is not None and isinstance(reading, list) and reading and not navigation \
                and all(isinstance(e, Pick) for e in reading):
            late = read(text, menu, menu.shown_at - 1000, self.channel.core.registry.commands,
                        group=not played.kind.private, words=words)
            if not isinstance(late, Late):
                # A label: it names the choice whenever it is typed. Typed by someone else
                # in the group instead (their list is not the typist's).
                return await self._type_elsewhere(played, text)
            return Typed(played, played.send_dated(self.emu, text, menu.shown_at - 1000),
                         late=True, text=text)
        return Typed(played, await played.send(text), text=text)

    async def _type_elsewhere(self, played: ZaloPlayed, text: str) -> Typed:
        """`text` typed in a group where the typist has no list (a fresh member)."""
        user = self.emu.user(next(self.fuzz.ids), "Khách")
        group = self.emu.group(OTHER_ZALO_GROUP + 1, "Nhóm khác")
        ghost = ZaloPlayed(played.kind, user, group, played.actor, self.fuzz.everything)
        return Typed(ghost, await ghost.send(text), text=text)

    async def act_text(self, played: ZaloPlayed) -> Typed:
        return await self._type(played, self.data.draw(texts, label="text"))

    async def act_number(self, played: ZaloPlayed) -> Typed:
        return await self._type(played, self.data.draw(numbers, label="number"))

    async def act_command(self, played: ZaloPlayed) -> Typed:
        return await self._type(played, self.data.draw(self.fuzz.commands, label="command"))

    async def act_listed(self, played: ZaloPlayed) -> Typed:
        """A command that shows a list (answered first), then a number or label typed: on
        the typist's own list it is typed late; else it must be refused or ignored."""
        probe: ZaloProbe = self.bot.probe  # type: ignore[attr-defined]
        names = self.fuzz.listing_commands
        command = pick(self.data, names, "listing command") or "ngonngu"
        slash = self.data.draw(st.booleans(), label="with a slash")
        text = f"/{command}" if slash else SPACED.get(command, command)
        self.sent_texts.append(text)
        shown = await played.send(text)
        await probe.settle([shown])
        self.handled.append(shown)
        FIGURES["zalo_updates_fuzzed"] += 1
        follow = self.data.draw(st.one_of(st.integers(1, 6).map(str), numbers,
                                          st.sampled_from(CONTROL)), label="then")
        return await self._type(played, follow)

    async def act_label(self, played: ZaloPlayed) -> Typed:
        label = pick(self.data, self.fuzz.labels, "label") or "🇬🇧 English"
        form = self.data.draw(st.sampled_from(["as shown", "folded", "upper", "part"]),
                              label="label form")
        text = {"as shown": label, "folded": label_key(label), "upper": label.upper(),
                "part": label[: max(1, len(label) // 2)]}[form]
        return await self._type(played, text)

    async def act_control(self, played: ZaloPlayed) -> Typed:
        return await self._type(played, self.data.draw(st.sampled_from(CONTROL),
                                                       label="control"))

    async def act_long(self, played: ZaloPlayed) -> Typed:
        return await self._type(played, self.data.draw(long_texts(), label="long"))

    # ------------------------------------------------------------------ other updates

    def _write(self, played: ZaloPlayed, event: str, content: dict[str, Any]) -> str:
        chat = played.chat._chat  # the emulator's chat, to write any event
        update = self.emu.world.user_message(chat, played.user.state, event, content)
        return str(update["message"]["message_id"])

    async def act_odd(self, played: ZaloPlayed) -> Typed:
        event, content = self.data.draw(st.sampled_from(ODD_EVENTS), label="odd")
        return Typed(played, self._write(played, event, dict(content)))

    async def act_picture(self, played: ZaloPlayed) -> Typed:
        caption = self.data.draw(st.one_of(st.none(), texts, numbers), label="caption")
        content: dict[str, Any] = {"photo": self.emu.host_media(b"\xff\xd8\xff" + b"0" * 64)}
        if caption:
            content["caption"] = caption
            self.sent_texts.append(caption)
        return Typed(played, self._write(played, "message.image.received", content))

    async def act_malformed(self, played: ZaloPlayed) -> Typed | None:
        """Shapes the platform never sends: the bot may drop them (logged), never crash, and
        never answer into a chat the sender is not in."""
        shape = self.data.draw(st.sampled_from(
            ["no sender", "no chat", "forged private chat", "bot sender", "odd date",
             "odd chat type", "not a message", "numbers as ids"]), label="shape")
        message_id = secrets.token_hex(10)
        text = self.data.draw(st.one_of(texts, numbers), label="malformed text")
        self.sent_texts.append(text)
        user = played.user
        message: dict[str, Any] = {
            "from": {"id": user.id, "display_name": user.display_name, "is_bot": False},
            "chat": {"id": played.chat_id, "chat_type": PRIVATE if played.kind.private
                     else GROUP},
            "text": text, "message_id": message_id, "date": 1_700_000_000_000}
        processed: Typed | None = None
        if shape == "no sender":
            del message["from"]
        elif shape == "no chat":
            del message["chat"]  # taken as the sender's private chat
            processed = Typed(ZaloPlayed(played.kind, user, user, played.actor,
                                         played.forbidden), message_id, text=text)
        elif shape == "forged private chat":
            # A stranger's line claiming to be in someone else's private chat.
            victim = next(a for a in self.fuzz.actors if a.kind.name == "staff")
            stranger = self.emu.user(next(self.fuzz.ids), "Lạ")
            message["from"] = {"id": stranger.id, "display_name": "Lạ", "is_bot": False}
            message["chat"] = {"id": victim.chat_id, "chat_type": PRIVATE}
            processed = Typed(victim, message_id, dropped=True, text=text)
        elif shape == "bot sender":
            message["from"]["is_bot"] = True
        elif shape == "odd date":
            message["date"] = self.data.draw(st.sampled_from(["hôm nay", -1, 10**20, None]),
                                             label="date")
            processed = Typed(played, message_id, text=text)
        elif shape == "odd chat type":
            message["chat"]["chat_type"] = "CHANNEL"
            processed = Typed(played, message_id, text=text)
        elif shape == "not a message":
            message = {"message_id": message_id, "payload": text}
        elif shape == "numbers as ids":
            message["from"]["id"] = 12345
            message["chat"] = {"id": 12345, "chat_type": PRIVATE}
        self.emu.push_raw({"event_name": "message.text.received", "message": message})
        return processed

    async def act_unknown_user(self, played: ZaloPlayed) -> Typed:
        user = self.emu.user(next(self.fuzz.ids), "Lạ")
        stranger = self.fuzz.actors[0]  # a kind of person the bot does not know
        ghost = ZaloPlayed(stranger.kind, user, user, stranger.actor, self.fuzz.everything)
        action = self.data.draw(st.sampled_from(["text", "number", "command", "label", "odd"]),
                                label="unknown user's action")
        return await getattr(self, f"act_{action}")(ghost)

    async def act_unknown_group(self, played: ZaloPlayed) -> Typed:
        group = self.emu.group(next(self.fuzz.ids), "Nhóm lạ")
        ghost = ZaloPlayed(played.kind, played.user, group, played.actor, self.fuzz.everything)
        action = self.data.draw(st.sampled_from(["text", "number", "command", "odd"]),
                                label="unknown group action")
        return await getattr(self, f"act_{action}")(ghost)

    async def act_redeliver(self, played: ZaloPlayed) -> None:
        """The platform hands out again an update the bot already processed."""
        message_id = pick(self.data, self.handled, "redelivered")
        if message_id is not None:
            self.emu.redeliver(message_id)


def fuzz_settings(test):  # type: ignore[no-untyped-def]
    per_batch = ROUNDS * len(ZALO_ACTORS)
    test = settings(
        max_examples=max(1, UPDATES // per_batch), deadline=None, database=None,
        derandomize=SEED is None, phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(test)
    return seed(int(SEED))(test) if SEED is not None else test


@fuzz_settings
@given(data=st.data())
async def test_generated_zalo_updates_break_nothing(zalo_bot: BotHarness, watch: ErrorWatch,
                                                    data: st.DataObject):
    bot = zalo_bot
    probe: ZaloProbe = bot.probe  # type: ignore[attr-defined]
    runtime = bot.runtime
    assert runtime is not None and runtime.zalo is not None and bot.zalo is not None
    fuzz: ZaloFuzz | None = getattr(bot, "zalo_fuzz", None)
    if fuzz is None:
        fuzz = bot.zalo_fuzz = await prepare(bot)  # type: ignore[attr-defined]
    before = {k: v for k, v in (await zalo_dump(bot)).items() if k not in OUTPUTS}
    mark = len(bot.zalo.calls)
    watch.clear()
    player = Player(bot, fuzz, data)
    player.handled = list(probe.done)
    problems: list[str] = []
    for _round in range(ROUNDS):
        typed = [t for t in [await player.play(p) for p in fuzz.actors] if t is not None]
        # A line of a sentinel stranger comes after every update of the round: once it is
        # processed, every update before it was stored, dropped or handled.
        sentinel = bot.zalo.user(next(fuzz.ids), "Lạ")
        last = str((await sentinel.send("menu"))["message_id"])
        wanted = [t.message_id for t in typed if t.message_id and not t.dropped] + [last]
        await probe.settle(wanted, timeout=60)
        await runtime.zalo.receiver.join()
        for t in typed:
            if t.dropped and t.message_id in probe.done:
                problems.append(f"{t.played.kind.name}: processed a line claiming their "
                                f"private chat: {t.text!r:.60}")
            elif t.message_id in probe.done:
                problems += await check(bot, fuzz, player, t, probe.done[t.message_id])
        await collect_labels(bot, fuzz)
    problems += [f"a message nobody asked for (or a re-delivery answered twice): "
                 f"{c.method} {str(c.params)[:160]}" for c in probe.strays(mark)]
    problems += [f"logged: {e}" for e in watch.errors]
    FIGURES["unhandled_errors"] += len(watch.errors)
    after = {k: v for k, v in (await zalo_dump(bot)).items() if k not in OUTPUTS}
    difference = dump_difference(before, after)
    if difference:
        problems.append(f"data changed: {difference}")
    assert not problems, "\n".join(problems[:30])


async def check(bot: BotHarness, fuzz: ZaloFuzz, player: Player, typed: Typed,
                processed: ZaloProcessed) -> list[str]:
    """What is wrong with the bot's answer to one drawn update."""
    problems = []
    where = f"{typed.played.kind.name} {typed.text!r:.60}"
    sent = zalo_replies(processed.calls)
    locale = processed.locale
    for reply in sent:
        if not reply.ok:
            problems.append(f"{where}: {reply.method} refused by Zalo: {reply.error}")
        if reply.chat_id != processed.update.chat_id:
            problems.append(f"{where}: {reply.method} went to another chat")
        with use_locale(locale):
            if _(APOLOGY) in reply.text:
                problems.append(f"{where}: an apology")
        # What people typed may come back quoted: neither a leak nor a language error.
        text = unquoted(reply.text, player.sent_texts)
        foreign = fuzz.language.foreign_fragments(text, locale)
        if foreign:
            problems.append(f"{where}: not in {locale}: {foreign[:2]}")
        elif clues := fuzz.language.looks_wrong(text, locale, fuzz.data):
            problems.append(f"{where}: not in {locale} ({clues[:5]}): {reply.text[:80]!r}")
        names = leaked(text, typed.played.forbidden)
        if names:
            problems.append(f"{where}: shows {names[:3]}")
    if sent:
        names = leaked(await read_links(bot, sent), typed.played.forbidden)
        if names:
            problems.append(f"{where}: a linked file shows {names[:3]}")
    if typed.late:
        with use_locale(locale):
            if [r.text for r in sent] != [_(LATE)]:
                problems.append(f"{where}: typed before its list was shown, answered "
                                f"{[r.text[:80] for r in sent]}")
    return problems


QUOTED = re.compile(r"“([^”]*)”")


def unquoted(reply: str, typed: list[str]) -> str:
    """`reply` without what people typed: echoes of it, and quotes of it («“…”», cut short
    or with spaces collapsed, the way the bot quotes input)."""
    nfc = functools.partial(unicodedata.normalize, "NFC")
    text = nfc(reply)
    typed = [nfc(t) for t in typed]
    for echo in typed:
        if len(echo.strip()) >= 4:
            text = text.replace(echo, " ").replace(echo.strip(), " ")
    flat = [" ".join(t.split()) for t in typed]

    def blank(match: re.Match[str]) -> str:
        quote = " ".join(match[1].rstrip("…").split())
        return "“ ”" if quote and any(quote in t for t in flat) else match[0]

    return QUOTED.sub(blank, text)


async def collect_labels(bot: BotHarness, fuzz: ZaloFuzz) -> None:
    """The labels of every list shown so far: what people may type next."""
    rows = await bot.db.fetchall("SELECT choices FROM zalo_menus")
    seen = set(fuzz.labels)
    for row in rows:
        for _data, label, _role in json.loads(row["choices"]):
            if label not in seen:
                seen.add(label)
                fuzz.labels.append(label)

