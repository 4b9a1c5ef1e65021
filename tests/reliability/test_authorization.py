"""Who may use what: every command and every button, for every kind of actor.

Commands are enumerated from `channels.telegram.features.all_commands()` (names and aliases) and
buttons from the callback patterns of the application's registered handlers, so each new
feature is covered without editing this file. A command is expected to work for exactly the
audience its CommandSpec declares (`available_to`), and to be refused with one of the known
refusal messages for everybody else; EXPECTED overrides that where a feature means otherwise.
Whatever the outcome, no reply may show a name outside the actor's scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from channels.telegram.features import all_commands
from emulator import BotMessage, EmuUser
from tests.harness import SAMPLE_ROSTER, BotHarness
from tests.reliability.actors import (
    ACTORS,
    AGENCY_HEAD,
    SECRETARIAT,
    STAFF,
    Played,
    callback_patterns,
    expired_text,
    forged,
    play,
    refusal_texts,
    remove_former_staff,
    seed_features,
)
from tests.reliability.conftest import SECRETARIAT_SCOPE
from tests.reliability.figures import FIGURES
from tests.reliability.support import (
    ErrorWatch,
    Language,
    Probe,
    Processed,
    Scopes,
    data_dump,
    dump_difference,
    leaked,
    replies,
)

# (command name or callback pattern, actor kind) -> "allowed" | "refused" | "silent".
# Commands default to their CommandSpec's declared audience; buttons default to "refused"
# (a refusal or "button expired"), and to "allowed" for the kinds listed in BUTTONS_ALLOWED.
PRIVATE_KINDS = {a.name for a in ACTORS if a.private}
LINKED_PRIVATE_KINDS = {"staff", "unit_head", "agency_head", "secretariat"}
# /huy (pause) is not offered in menus (it belongs inside a flow), but works for anyone linked
# in private: outside a flow it says nothing was pending.
EXPECTED: dict[tuple[str, str], str] = {
    (name, kind): "allowed" for name in ("cancel", "huy") for kind in LINKED_PRIVATE_KINDS}
SECRETARIAT_KINDS = {"secretariat", "secretariat_chat", "secretariat_chat_by_staff"}
BUTTONS_ALLOWED: dict[str, set[str]] = {
    r"^lang:": PRIVATE_KINDS,  # /language is public in private chats
    # Buttons of reminders, the same as /goals, /dangky and /tapthe (checked as commands).
    r"^open:goals": LINKED_PRIVATE_KINDS,
    r"^open:register": LINKED_PRIVATE_KINDS,
    r"^open:collective": LINKED_PRIVATE_KINDS,
    # The seeded campaign's scope is the secretariat's agency: she reads and commits to it,
    # and its secretariat manages it (in private and in its chat).
    **{rf"^cp:{action}:": {"secretariat"} for action in ("pg", "ack", "open")},
    **{rf"^cp:{action}:": SECRETARIAT_KINDS for action in ("view", "pv", "ask", "go", "no", "pr")},
    r"^rmd:": SECRETARIAT_KINDS,  # the secretariat's reminders (/remind)
    # /mamoi: heads confirm the codes of their own people (a stale or foreign list is shown
    # again, creating nothing: tests/invites/test_heads.py).
    r"^iv:": {"unit_head", "agency_head"},
    # History (/lichsu): heads' units, the secretariat's searches; reading only, rechecked.
    r"^lh:": LINKED_PRIVATE_KINDS | SECRETARIAT_KINDS,
    r"^rs:": {"secretariat"},  # /ghinhan: the secretariat in private
    r"^ev:": SECRETARIAT_KINDS,  # opening and closing the year-end review (its cancel)
    r"^open:review": LINKED_PRIVATE_KINDS,  # the review's invitation, as /danhgia
    # The council (/hoidong): the secretariat opens, follows, closes sessions and gets their
    # files (rechecked against its scope). Ballots (cv:) are for a session's members and
    # reports (ca:) for a passed candidate: nobody here is either, so every forged one is
    # refused (tests/council/ play the members and the candidates).
    r"^cs:": SECRETARIAT_KINDS,
}


@dataclass
class Outcome:
    actor: str
    sent: str
    texts: list[str]
    problems: list[str]


def check_common(played: Played, processed: Processed, language: Language) -> list[str]:
    """Checks every update must pass: delivered, to this chat, in Vietnamese, no leak."""
    problems = []
    for reply in replies(processed.calls):
        if not reply.ok:
            problems.append(f"{reply.method} rejected by Telegram: {reply.error}")
        if reply.method != "answercallbackquery" and str(reply.chat_id) != str(played.chat_id):
            problems.append(f"{reply.method} went to another chat ({reply.chat_id})")
        foreign = language.foreign_fragments(reply.text, processed.locale)
        if foreign:
            problems.append(f"not in {processed.locale}: {foreign[:2]}")
        names = leaked(reply.everything, played.forbidden)
        if names:
            problems.append(f"shows data outside the scope: {names[:5]}")
    return problems


def expected_for_command(name: str, played: Played) -> str:
    override = EXPECTED.get((name, played.kind.name))
    if override:
        return override
    spec = next(s for s in all_commands() if name in s.names())
    return "allowed" if spec.available_to(played.actor) else "refused"


def judge(expected: str, texts: list[str], refusals: set[str]) -> str | None:
    """What is wrong with the replies given the expected outcome, or None."""
    if expected == "silent":
        return f"expected silence, got {texts}" if texts else None
    if not texts:
        return f"expected {expected}, got no reply at all"
    refused = [t for t in texts if t.strip() in refusals]
    if expected == "refused" and len(refused) != len(texts):
        return f"expected a refusal, got {texts}"
    if expected == "allowed" and refused:
        return f"expected it to work, got a refusal: {refused}"
    return None


def buttons_in(processed: Processed) -> list[str]:
    """Callback data of the inline buttons the bot showed while processing an update."""
    found = []
    for call in processed.calls:
        markup = call.params.get("reply_markup")
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            found.extend(b["callback_data"] for b in row if "callback_data" in b)
    return found


async def test_every_command_and_every_button_for_every_actor(scoped_bot: BotHarness,
                                                               watch: ErrorWatch):
    """Every command by every actor; then forged and replayed callback data for every pattern
    (always answered, refused or expired unless the actor may use it, never a change to the
    data). Never a name outside the actor's scope, never an error."""
    bot = scoped_bot
    probe: Probe = bot.probe  # type: ignore[attr-defined]
    await remove_former_staff(bot)
    await seed_features(bot)
    scopes = await Scopes.load(bot.db)
    language = Language()
    refusals = refusal_texts("vi")
    username = bot.emu.bot_user["username"]
    names = [name for spec in all_commands() for name in spec.names()]
    outcomes: list[Outcome] = []
    seen: list[str] = []  # the real buttons the commands showed, forged again below

    for kind in ACTORS:
        for name in names:
            forms = [f"/{name}"] if kind.private else [f"/{name}", f"/{name}@{username}"]
            for text in forms:
                # A fresh account for each command, so no state is carried to the next; one at
                # a time, as a person's link moves to the newest account.
                played = await play(bot, kind, scopes)
                before = probe.last_pushed
                await played.send(text)
                await probe.settle()
                (processed,) = probe.since(before)
                seen.extend(buttons_in(processed))
                texts = [r.text for r in replies(processed.calls)
                         if r.method != "setmycommands"]
                problems = check_common(played, processed, language)
                verdict = judge(expected_for_command(name, played), texts, refusals)
                if verdict:
                    problems.append(verdict)
                outcomes.append(Outcome(kind.name, text, texts, problems))

    failures = [f"{o.actor} {o.sent}: {o.problems}" for o in outcomes if o.problems]
    failures += await press_every_button(bot, scopes, language, seen)
    FIGURES["matrix_checks"] += len(outcomes)
    FIGURES["unhandled_errors"] += len(watch.errors)
    assert not failures, "\n".join(failures)
    assert watch.errors == []
    assert len(outcomes) >= len(names) * len(ACTORS)


async def press_every_button(bot: BotHarness, scopes: Scopes, language: Language,
                             seen: list[str]) -> list[str]:
    probe: Probe = bot.probe  # type: ignore[attr-defined]
    patterns = callback_patterns(bot.runtime.app)
    assert r"^lang:" in patterns and r"^up:" in patterns
    refusals = refusal_texts("vi") | {expired_text("vi")}
    problems: list[str] = []
    presses = 0
    for kind in ACTORS:
        # A fresh account per kind (several kinds play the same person: the link moves).
        played = await play(bot, kind, scopes)
        await played.send("/help")
        await probe.settle()
        message = played.chat.messages[-1]
        before_dump = await data_dump(bot.db)
        for pattern in patterns:
            allowed = kind.name in BUTTONS_ALLOWED.get(pattern, set())
            # All the data forged for a pattern at once: the bot takes them in one batch and
            # the probe still tells each update's calls apart (they are processed in order).
            before = probe.last_pushed
            chat = bot.emu.world.chats[played.chat_id]
            pressed = [(data, bot.emu.world.callback_query(chat, played.user.state,
                                                           message.message_id, data))
                       for data in forged(pattern, seen)]
            await probe.settle()
            presses += len(pressed)
            for (data, answer), processed in zip(pressed, probe.since(before), strict=True):
                where = f"{kind.name} {data!r}"
                problems += [f"{where}: {p}" for p in check_common(played, processed, language)]
                if not answer.done():
                    problems.append(f"{where}: the button was never answered")
                    continue
                text = (answer.result().text or "").strip()
                if not allowed and text not in refusal_texts(processed.locale) | {
                        expired_text(processed.locale)} | refusals:
                    problems.append(f"{where}: expected a refusal, got {text!r}")
            after_dump = await data_dump(bot.db)
            changed = dump_difference(before_dump, after_dump)
            if changed and not allowed:
                problems.append(f"{kind.name} {pattern}: forged buttons changed data: {changed}")
            before_dump = after_dump
    FIGURES["matrix_checks"] += presses
    assert presses >= len(ACTORS) * len(patterns) * 5
    return problems


async def test_a_file_preview_answers_only_its_sender_in_its_chat(scoped_bot: BotHarness,
                                                                  watch: ErrorWatch):
    bot = scoped_bot
    expired, secretariat_only = expired_text("vi"), "chỉ dành cho Thường trực Hội đồng Thi đua"
    chat = bot.secretariat_chat()
    clerk, colleague = bot.user(8101, "Hằng"), bot.user(8102, "Lan")
    header, *rows = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    mine = [r for r in rows if r.startswith(SECRETARIAT_SCOPE + ",")]  # the scope's rows
    newcomer = f"{SECRETARIAT_SCOPE},Phòng Tổng hợp,Người Mới,Chuyên viên,không,staff,0912000777"
    await chat.send_document(clerk, "ds.csv", ("\n".join([header, *mine, newcomer]) + "\n")
                             .encode())
    preview = await chat.expect("Áp dụng các thay đổi trên?")
    data = next(b.callback_data for row in preview.buttons for b in row
                if b.callback_data and b.callback_data.startswith("up:apply:"))

    answer = await chat.tap("✅ Áp dụng", by=colleague, message=preview)
    assert answer.text == "Chỉ người đã gửi tệp mới xác nhận được."

    # The same data forged elsewhere: by the secretariat in private (another chat), by a
    # staff member, and in a group that is not the secretariat's.
    secretary = await bot.person_user(SECRETARIAT)
    answer = await secretary.tap_data(await _help(secretary), data)
    assert answer.text == expired
    staff = await bot.person_user(STAFF)
    answer = await staff.tap_data(await _help(staff), data)
    assert secretariat_only in (answer.text or "")
    group = bot.emu.group(-1003000000999, "Nhóm khác")
    head = await bot.person_user(AGENCY_HEAD)
    await group.send(head, "/help")
    answer = await group.tap_data(await group.expect(), data, by=clerk)
    assert secretariat_only in (answer.text or "")
    assert await bot.services.people.by_phone("0912000777") is None  # nothing applied yet

    await chat.tap("✅ Áp dụng", by=clerk, message=preview)
    await chat.expect("Đã nhập danh sách cán bộ")
    again = await chat.tap("✅ Áp dụng", by=clerk, message=preview)
    assert again.text == "Tệp này đã được áp dụng."
    assert watch.errors == []


async def _help(user: EmuUser) -> BotMessage:
    await user.send("/help")
    return await user.expect()
