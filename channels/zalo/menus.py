"""Numbered menus: how a screen's choices are shown on Zalo, and what a typed line means.

Zalo has no buttons, so a screen's choices are listed with numbers ("1. Lao động tiên tiến")
and the person types the number (several for ticks: "1 3"), the label (with or without
diacritics), or a few words ("quay lại", "huỷ", "0"/"menu" for the person's commands).
Commands work with or without the slash and without diacritics ("dang ky").

A number answers only the menu that offered it: the chat's last menu is stored with the time
it was sent (storage/zalo_menus.py), and a number typed before that time was meant for an
earlier screen: it is asked again, never applied. A screen without choices sent in reply
is stored as an empty menu: the numbers of the list before it are stale too. While a screen
waits for a typed answer (a number of months, an initiative's name), a typed line is that
answer; only a slash command or an exact label is read otherwise.

In a group, numbers are also the members' conversation: a menu answers only the member it was
shown to (each member has their own; one the bot posted on its own answers anyone), and
commands typed as words are read only where the bot is addressed by them (the secretariat's
group): elsewhere a line without a slash is conversation, never answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.commands import CommandTable, parse_slash
from app.events import Command, Event, Pick, Text
from app.ui import Message, Role
from domain.text import fold_key
from storage.zalo_menus import Menu, MenuChoice

NUMBERS = re.compile(r"^\s*\d{1,2}(\s*[ ,;]\s*\d{1,2})*\s*$")
GROUP_WORDS = 5  # a longer line in a group is conversation, not a command typed as words
MENU_WORDS = {"0", "menu", "trogiup", "tro giup", "help"}
BACK_WORDS = {"quay lai", "tro lai", "back"}
CANCEL_WORDS = {"huy", "huy bo", "dung", "cancel", "thoat"}
# What a label carries besides its words: ticks, emoji, arrows.
DECORATION = re.compile(r"[^\w\s]", re.UNICODE)


def label_key(label: str) -> str:
    """A label as people type it back: no ticks or emoji, no diacritics, single spaces."""
    return fold_key(DECORATION.sub(" ", label))


@dataclass(frozen=True)
class Late:
    """Numbers typed before the current menu was shown: asked again."""


@dataclass(frozen=True)
class Unknown:
    """Numbers that are not on the current menu."""

    numbers: tuple[int, ...]
    size: int


Reading = list[Event] | Late | Unknown


def menu_of(chat_id: str, message: Message, shown_at: int, shown_to: str = "") -> Menu | None:
    """The menu a message shows (None when it has no choices and waits for no text);
    `shown_to`: in a group, the member it answers ("": anyone)."""
    if not message.choices and not message.expects_text:
        return None
    choices = tuple(MenuChoice(c.data, c.label, c.role.value if c.role else None)
                    for c in message.all_choices)
    return Menu(chat_id, choices, message.multi, message.expects_text, shown_at, shown_to)


def numbered(message: Message) -> list[str]:
    """The lines listing a message's choices."""
    choices = message.all_choices
    if not choices:
        return []
    if message.expects_text:
        # Numbers would be read as the answer: these are chosen by typing their label.
        return ["", *(f"• {c.label}" for c in choices)]
    return ["", *(f"{n}. {c.label}" for n, c in enumerate(choices, start=1))]


def read(text: str, menu: Menu | None, sent_at: int | None, commands: CommandTable, *,
         group: bool = False, words: bool = True) -> Reading:
    """What a typed line means, given the sender's current menu. In a group, only a command
    (with slash, or as words where `words` allows: alone on its line with its arguments) and
    the menu's numbers and labels are read: the rest is the members' conversation."""
    stripped = text.strip()
    slash = parse_slash(stripped)
    if slash is not None:
        return [Command(*slash)]
    key = fold_key(stripped)
    if menu is not None:
        numbers_typed = not menu.expects_text and NUMBERS.match(stripped) is not None
        # A label as shown (ticks and emoji included, as copied) or as typed back.
        picked = None if numbers_typed else _by_label(label_key(stripped), menu)
        if picked is not None:
            return [Pick(picked.data)]
        if numbers_typed:
            numbers = tuple(int(n) for n in re.findall(r"\d+", stripped))
            if not menu.choices:  # the latest screen has no list: the number was for an older
                return [] if group else Late()  # one (in a group: conversation)
            if sent_at is not None and sent_at < menu.shown_at:
                return Late()
            if any(n < 1 or n > len(menu.choices) for n in numbers) or \
                    (len(numbers) > 1 and not menu.multi):
                return Unknown(numbers, len(menu.choices))
            return [Pick(menu.choices[n - 1].data) for n in numbers]
        role = Role.BACK.value if key in BACK_WORDS else \
            Role.CANCEL.value if key in CANCEL_WORDS else None
        by_role = next((c for c in menu.choices if role and c.role == role), None)
        if by_role is not None:
            return [Pick(by_role.data)]
        if menu.expects_text and key not in CANCEL_WORDS and key not in MENU_WORDS:
            return [Text(stripped)]
    if group:
        matched = commands.match_words(stripped) \
            if words and len(key.split()) <= GROUP_WORDS else None
        return [Command(matched[0].name, matched[1])] if matched is not None else []
    if key in MENU_WORDS:
        return [Command("help")]
    if key in CANCEL_WORDS:
        return [Command("huy")]
    matched = commands.match_words(stripped)
    if matched is not None:
        spec, args = matched
        return [Command(spec.name, args)]
    return [Text(stripped)]


def _by_label(key: str, menu: Menu) -> MenuChoice | None:
    if not key:
        return None
    found = [c for c in menu.choices if label_key(c.label) == key]
    return found[0] if len(found) == 1 else None
