"""Generated bad input: hypothesis strategies for updates, and the code that plays them.

An `Action` is one update a Telegram client (or a misbehaving one) could produce: random text
in mixed scripts, commands with junk, forged callback data, contact cards, broken and
oversized files, edits, stickers and service messages, messages from unknown chats.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import string
import unicodedata
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from openpyxl import Workbook

from channels.telegram.features import all_commands
from domain.invite_codes import ALPHABET as CODE_ALPHABET
from domain.invite_codes import grouped
from emulator import EmuGroup, EmuUser
from emulator.markup import command_entities
from emulator.world import ChatState, now
from tests.harness import BotHarness

VIETNAMESE = ["đăng ký thi đua", "Chiến sĩ thi đua cơ sở", "Nguyễn Thị Hoà", "Sở Nội vụ",
              "khen thưởng", "Lao động tiên tiến", "thuý", "ĐẶNG VĂN ĐỨC", "so noi vu",
              "Tập thể lao động xuất sắc", "không", "có", "0912 345 678", "+84912345678"]
ODD = ["\u200b", "\u200d", "\u202e", "\ufeff", "\u0301\u0323", "🇻🇳", "👨‍👩‍👧", "😀", "漢字",
       "العربية", "עברית", "<b>", "</pre>", "&amp;", "&", "<", ">", "{name}", "%s", "%(x)s",
       "\\", "\"", "'", "`", "*_~", "/", "@", "#", "\n", "\t", "ẞ", "İ", "ﷺ", "𝕏", "\u00a0"]
TOKEN_CHARS = string.ascii_letters + string.digits + "_-"
EXTENSIONS = [".csv", ".xlsx", ".xls", ".txt", ".png", ".yaml", ".md", ".docx", ".CSV", ""]
HEADER = "agency,unit,full_name,position,is_leader,role,phone"
STICKER = {"file_id": "CAACAgIAAxkBAAEB", "file_unique_id": "AgADAQAD", "type": "regular",
           "width": 512, "height": 512, "is_animated": False, "is_video": False}


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


fragments = st.one_of(
    st.sampled_from(VIETNAMESE),
    st.sampled_from(VIETNAMESE).map(_nfd),
    st.sampled_from(ODD),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=24),
)
texts = st.one_of(
    st.lists(fragments, min_size=1, max_size=10).map(" ".join),
    st.integers(1, 4096).map(lambda n: ("Trần Thị Bích Ngọc 🙂 " * 200)[:n]),
    st.text(TOKEN_CHARS, min_size=8, max_size=64),  # looks like an invite code
    st.text(CODE_ALPHABET, min_size=20, max_size=20).map(grouped),  # as printed on a slip
).filter(lambda t: t.strip() != "")


def command_texts(username: str) -> st.SearchStrategy[str]:
    names = [n for spec in all_commands() for n in spec.names()]
    names += ["foo", "START", "Help", "start_", "a" * 32, "cancel", "summary", "register"]
    suffix = st.sampled_from(["", "", f"@{username}", "@other_bot", "@"])
    args = st.one_of(st.just(""), texts.map(lambda t: " " + t[:200]),
                     st.text(TOKEN_CHARS, min_size=8, max_size=64).map(lambda t: " " + t))
    return st.builds(lambda n, s, a: f"/{n}{s}{a}", st.sampled_from(names), suffix, args)


def callback_data(patterns: list[str], seen: list[str]) -> st.SearchStrategy[str]:
    def fits(data: str) -> bool:
        return 0 < len(data.encode("utf-8")) <= 64

    regexes = [st.from_regex(p).map(lambda d: d[:64]) for p in patterns]
    return st.one_of(
        st.text(max_size=64),
        st.text(string.ascii_letters + string.digits + ":_-", max_size=64),
        *regexes,
        st.sampled_from(seen or ["x"]),
    ).filter(fits)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(text: str) -> str:
    return text.replace("\n", " ")[:60]


cells = st.one_of(fragments.map(_cell), st.sampled_from(["staff", "unit_head", "có", "0912345678",
                                                         ""]))
# A roster-shaped table whose every file has at least one invalid row: never a legitimate
# import, whatever the rest says.
broken_rows = st.lists(st.lists(cells, min_size=0, max_size=9), min_size=0, max_size=6).map(
    lambda rows: [*rows, ["Cơ quan Thử nghiệm", "", "Nguyễn Văn Lỗi", "CV", "không",
                          "manager", "0912000001"]]
)


@st.composite
def documents(draw: st.DrawFn, limit: int) -> tuple[str | None, bytes, list[str]]:
    """(file name, content, cell values): broken tables, random bytes, oversized, odd
    names. The cells are what the bot may quote back in its list of problems."""
    kind = draw(st.sampled_from(["bytes", "csv", "xlsx", "zip", "oversized", "header",
                                 "utf16", "empty_xlsx"]))
    name = draw(st.one_of(
        st.builds(lambda t, e: _cell(t)[:40] + e, texts, st.sampled_from(EXTENSIONS)),
        st.sampled_from(["<b>x</b>.csv", "../../etc/passwd.csv", _nfd("danh sách.csv"),
                         "a" * 250 + ".csv", "ds.csv", "ds.xlsx"]),
        st.none(),
    ))
    if kind == "bytes":
        return name, draw(st.binary(min_size=1, max_size=3000)), []
    if kind == "csv":
        rows = draw(broken_rows)
        lines = [HEADER, *(",".join(r) for r in rows)]
        return name or "ds.csv", "\n".join(lines).encode("utf-8"), [c for r in rows for c in r]
    if kind == "xlsx":
        rows = draw(broken_rows)
        return name or "ds.xlsx", _xlsx([HEADER.split(","), *rows]), [c for r in rows for c in r]
    if kind == "zip":
        return name or "ds.xlsx", b"PK\x03\x04" + draw(st.binary(max_size=500)), []
    if kind == "oversized":
        return name or "ds.csv", (HEADER + "\n").encode() + b"x" * limit, []
    if kind == "header":
        return name or "ds.csv", (HEADER + "\n").encode(), []
    if kind == "utf16":
        content = (HEADER + "\nSở,,A,B,có,staff,0912000002\n").encode("utf-16")
        return name or "ds.csv", content, []
    return name or "ds.xlsx", _xlsx([]), []


# Messages a client may send that no feature expects (service messages, media, forwards).
def odd_contents(user: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"sticker": STICKER},
        {"location": {"latitude": 21.0278, "longitude": 105.8342}},
        {"dice": {"emoji": "🎲", "value": 6}},
        {"voice": {"file_id": "AwACAgIAAxkBAAEB", "file_unique_id": "AgADBQAD", "duration": 2}},
        {"text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
         "forward_origin": {"type": "hidden_user", "sender_user_name": "Ai đó", "date": now()}},
        {"text": "đăng ký", "forward_origin": {"type": "user", "sender_user": user,
                                                "date": now()}},
        {"new_chat_members": [user]},
        {"left_chat_member": user},
        {"new_chat_title": "Nhóm mới"},
        {"caption": "/help", "caption_entities": [{"type": "bot_command", "offset": 0,
                                                    "length": 5}],
         "photo": [{"file_id": "AgACAgIAAxkBAAEB", "file_unique_id": "AgADBgAD", "width": 90,
                    "height": 90}]},
        {"contact": {"phone_number": "+84 912 345 678", "first_name": "Danh bạ",
                     "vcard": "BEGIN:VCARD\nTEL:0912345678\nEND:VCARD"}},
        {"text": "xin chào", "via_bot": {"id": 42, "is_bot": True, "first_name": "Khác",
                                         "username": "other_bot"}},
        {"story": {"chat": {"id": -1001999999999, "type": "channel", "title": "Kênh"},
                   "id": 7}},
        {"a_field_from_a_future_bot_api": {"x": 1}},
    ]


def pick(data: st.DataObject, items: list[Any], label: str) -> Any:
    """One of `items` (None if empty), a list that depends on the bot's state: the draws must
    not (or hypothesis sees inconsistent generation), so always draw an index and reduce it."""
    index = data.draw(st.integers(0, 2**16), label=label)
    return items[index % len(items)] if items else None


ACTIONS = ["text", "text", "text", "command", "command", "command", "callback", "callback",
           "contact", "document", "odd", "edit", "reply", "unknown_user", "unknown_group",
           "anonymous", "membership"]


@dataclass(repr=False)
class FuzzActor:
    name: str
    user: EmuUser
    chat: EmuUser | EmuGroup
    linked: bool
    forbidden: list[str]
    sent: list[int]  # ids of messages this actor sent in its chat (for edits)

    def __repr__(self) -> str:
        return f"<{self.name}>"

    @property
    def chat_state(self) -> ChatState:
        return self.chat._chat  # the emulator's chat, to inject raw updates


class Player:
    """Turns drawn actions into updates in the emulator (none of them waits for the bot)."""

    def __init__(self, bot: BotHarness, actors: list[FuzzActor], roster_phones: list[str],
                 patterns: list[str], seen: list[str], limit: int) -> None:
        self.bot = bot
        self.world = bot.emu.world
        self.actors = actors
        self.roster_phones = roster_phones
        self.username = bot.emu.bot_user["username"]
        self.commands = command_texts(self.username)
        self.callbacks = callback_data(patterns, seen)
        self.documents = documents(limit)
        self.sent_texts: list[str] = []  # echoes of input are not language errors
        self.ids = itertools.count(700_000_001)
        self.counts: dict[str, int] = {}

    def _message(self, actor: FuzzActor, content: dict[str, Any],
                 sender: dict[str, Any] | None = None, reply_to: int | None = None) -> None:
        chat = actor.chat_state
        message: dict[str, Any] = {
            "message_id": chat.take_message_id(),
            "from": sender or actor.user.state.to_json(),
            "chat": chat.json,
            "date": now(),
            **content,
        }
        if reply_to is not None and reply_to in chat.messages:
            replied = dict(chat.messages[reply_to])
            replied.pop("reply_to_message", None)
            message["reply_to_message"] = replied
        chat.messages[message["message_id"]] = message
        actor.sent.append(message["message_id"])
        self.world.push_update("message", message)

    def _send_text(self, actor: FuzzActor, text: str, reply_to: int | None = None) -> None:
        self.sent_texts.append(text)
        # A command's arguments come back quoted on their own ("no agency matching “…”"), the
        # way the bot stores text: spaces collapsed.
        rest = text.partition(" ")[2] if text.startswith("/") else ""
        self.sent_texts += [t for t in (" ".join(text.split()), rest, " ".join(rest.split()))
                            if t.strip()]
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        self._message(actor, content, reply_to=reply_to)

    def play(self, data: st.DataObject) -> str:
        action = data.draw(st.sampled_from(ACTIONS), label="action")
        self.counts[action] = self.counts.get(action, 0) + 1
        actor = data.draw(st.sampled_from(self.actors), label="actor")
        getattr(self, f"act_{action}")(data, actor)
        return action

    def act_text(self, data: st.DataObject, actor: FuzzActor) -> None:
        self._send_text(actor, data.draw(texts, label="text"))

    def act_command(self, data: st.DataObject, actor: FuzzActor) -> None:
        self._send_text(actor, data.draw(self.commands, label="command"))

    def act_callback(self, data: st.DataObject, actor: FuzzActor) -> None:
        chat = actor.chat_state
        forged = data.draw(self.callbacks, label="callback")
        bot_messages = list(chat.views)
        on_shown = data.draw(st.booleans(), label="on a shown message")
        message = pick(data, bot_messages, "message")
        if message is not None and on_shown:
            self.world.callback_query(chat, actor.user.state, message, forged)
            return
        # A button on a message the bot cannot see any more (deleted or too old).
        query_id = str(next(self.ids))
        self.world.answers[query_id] = asyncio.get_running_loop().create_future()
        self.world.push_update("callback_query", {
            "id": query_id, "from": actor.user.state.to_json(),
            "message": {"chat": chat.json, "message_id": 999_999, "date": 0},
            "chat_instance": chat.chat_instance, "data": forged,
        })

    def act_contact(self, data: st.DataObject, actor: FuzzActor) -> None:
        phone = data.draw(st.sampled_from(self.roster_phones), label="someone's phone")
        if not actor.linked and data.draw(st.booleans(), label="own card"):
            card = {"phone_number": actor.user.phone, "first_name": actor.user.first_name,
                    "user_id": actor.user.id}
        else:
            owner = data.draw(st.sampled_from([None, 123456789, 500_000_001]), label="owner")
            card = {"phone_number": phone, "first_name": "Danh bạ"}
            if owner is not None:
                card["user_id"] = owner
        self._message(actor, {"contact": card})

    def act_document(self, data: st.DataObject, actor: FuzzActor) -> None:
        name, content, cells = data.draw(self.documents, label="document")
        self.sent_texts.extend(c.strip() for c in cells if c.strip())
        if name:
            self.sent_texts.append(name)
        stored = self.world.store_file("document", content, name, None)
        document = stored.document_json()
        if data.draw(st.booleans(), label="lies about its size"):
            document["file_size"] = 10
        caption = data.draw(st.one_of(st.none(), texts.map(lambda t: t[:1024])),
                            label="caption")
        body: dict[str, Any] = {"document": document}
        if caption:
            body["caption"] = caption
            self.sent_texts.append(caption)
        self._message(actor, body)

    def act_odd(self, data: st.DataObject, actor: FuzzActor) -> None:
        contents = odd_contents(actor.user.state.to_json())
        self._message(actor, data.draw(st.sampled_from(contents), label="odd message"))

    def act_edit(self, data: st.DataObject, actor: FuzzActor) -> None:
        chat = actor.chat_state
        own = [m for m in actor.sent if "text" in chat.messages.get(m, {})]
        text = data.draw(st.one_of(texts, self.commands), label="edit")
        target = pick(data, own, "edited message")
        if target is None:
            self._send_text(actor, text)
            return
        self.sent_texts.append(text)
        changes: dict[str, Any] = {"text": text}
        if command_entities(text):
            changes["entities"] = command_entities(text)
        self.world.user_edit(chat, target, changes)

    def act_reply(self, data: st.DataObject, actor: FuzzActor) -> None:
        chat = actor.chat_state
        target = pick(data, list(chat.views), "replied message")
        self._send_text(actor, data.draw(texts, label="reply"), reply_to=target)

    def act_unknown_user(self, data: st.DataObject, actor: FuzzActor) -> None:
        uid = next(self.ids)
        language = data.draw(st.sampled_from(["vi", "en", "fr", None]), label="language")
        stranger = self.bot.emu.user(uid, "Lạ", language_code=language,
                                     phone=f"0599{uid % 1_000_000:06d}")
        ghost = FuzzActor("unknown", stranger, stranger, False, [], [])
        kind = data.draw(st.sampled_from(["text", "command", "contact", "callback", "odd"]),
                         label="unknown user's action")
        getattr(self, f"act_{kind}")(data, ghost)

    def act_unknown_group(self, data: st.DataObject, actor: FuzzActor) -> None:
        gid = -1_009_000_000_000 - next(self.ids)
        group = self.bot.emu.group(gid, "Nhóm lạ")
        ghost = FuzzActor("unknown group", actor.user, group, actor.linked, [], [])
        kind = data.draw(st.sampled_from(["text", "command", "document", "odd", "callback"]),
                         label="unknown group action")
        getattr(self, f"act_{kind}")(data, ghost)

    def act_membership(self, data: st.DataObject, actor: FuzzActor) -> None:
        """The bot blocked and unblocked in a private chat, or removed from and added to a
        group (my_chat_member updates)."""
        chat = actor.chat_state
        if chat.is_private:
            # Block, then unblock at once: later actions of the batch must still reach the bot.
            self.world.set_blocked(actor.user.state, True)
            self.world.set_blocked(actor.user.state, False)
            return
        old, new = data.draw(st.sampled_from([("member", "left"), ("left", "member"),
                                              ("member", "administrator")]), label="status")
        self.world.push_update("my_chat_member", {
            "chat": chat.json, "from": actor.user.state.to_json(), "date": now(),
            "old_chat_member": {"user": self.world.bot_user, "status": old},
            "new_chat_member": self._member(new),
        })

    def _member(self, status: str) -> dict[str, Any]:
        member: dict[str, Any] = {"user": self.world.bot_user, "status": status}
        if status == "administrator":
            member.update({key: False for key in (
                "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                "can_delete_stories")})
        return member

    def act_anonymous(self, data: st.DataObject, actor: FuzzActor) -> None:
        """A group message without a person behind it: an anonymous admin, or a channel post
        forwarded automatically into the group."""
        chat = actor.chat_state
        if chat.is_private:
            self._send_text(actor, data.draw(self.commands, label="command"))
            return
        sender = data.draw(st.sampled_from([
            ({"id": 1087968824, "is_bot": True, "first_name": "Group",
              "username": "GroupAnonymousBot"}, chat.json),
            ({"id": 777000, "is_bot": False, "first_name": "Telegram"},
             {"id": -1001999999999, "type": "channel", "title": "Kênh"}),
        ]), label="anonymous sender")
        text = data.draw(st.one_of(self.commands, texts), label="anonymous text")
        content: dict[str, Any] = {"text": text, "sender_chat": sender[1]}
        if command_entities(text):
            content["entities"] = command_entities(text)
        self._message(actor, content, sender=sender[0])
