"""Every documented shape of a Zalo update reads into one ZaloUpdate; what cannot be used is
skipped (logged), never raised. The samples are those of the platform's public pages."""

from __future__ import annotations

import json

import pytest

from channels.zalo import GROUP, PRIVATE, ZaloUpdate, parse_update, parse_updates
from channels.zalo.updates import IMAGE, OTHER, STICKER, TEXT, UNSUPPORTED

REFERENCE = {"ok": True, "result": {
    "event_name": "message.text.received",
    "message": {"from": {"id": "6ede9afa66b88fe6d6a9", "display_name": "Ted", "is_bot": False},
                "chat": {"id": "6ede9afa66b88fe6d6a9", "chat_type": "PRIVATE"},
                "text": "Xin chào", "message_id": "2d758cb5e222177a4e35",
                "date": 1750316131602}}}
GETUPDATES_SAMPLE = {"ok": True, "result": {"message": {
    "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"}, "text": "Xin chào",
    "message_id": "16f6366b3f02645a3d15", "date": 1766619597466,
    "from": {"id": "e4ea2cd5189df1c3a88c", "first_name": "Nguyen Van A"}}}}


def test_the_reference_update_wrapped_and_bare():
    for payload in (REFERENCE, REFERENCE["result"]):
        update = parse_update(payload)
        assert update == ZaloUpdate(
            kind=TEXT, message_id="2d758cb5e222177a4e35", user_id="6ede9afa66b88fe6d6a9",
            display_name="Ted", chat_id="6ede9afa66b88fe6d6a9", chat_type=PRIVATE,
            text="Xin chào", date=1750316131602, event_name="message.text.received")
        assert update.is_private and not update.is_group


def test_the_getupdates_sample_without_event_name_and_with_first_name():
    update = parse_update(GETUPDATES_SAMPLE)
    assert update is not None
    assert (update.kind, update.display_name, update.text, update.event_name) == (
        TEXT, "Nguyen Van A", "Xin chào", None)


def test_event_name_beside_the_wrapped_result():
    update = parse_update({"event_name": "message.text.received", "ok": True,
                           "result": {"message": GETUPDATES_SAMPLE["result"]["message"]}})
    assert update is not None and update.event_name == "message.text.received"


@pytest.mark.parametrize("key", ["photo", "photo_url"])
def test_pictures_under_either_name(key):
    message = {"from": {"id": "u1"}, "chat": {"id": "g1", "chat_type": "GROUP"},
               "message_id": "m1", key: "https://cdn.zalo/p.jpg", "caption": "Ảnh"}
    for payload in ({"event_name": "message.image.received", "message": message},
                    {"message": message}):
        update = parse_update(payload)
        assert update is not None
        assert (update.kind, update.photo_url, update.caption, update.chat_type) == (
            IMAGE, "https://cdn.zalo/p.jpg", "Ảnh", GROUP)
        assert update.is_group and update.display_name is None


def test_stickers_unsupported_and_unknown_events():
    base = {"from": {"id": "u1"}, "chat": {"id": "u1", "chat_type": "PRIVATE"},
            "message_id": "m1"}
    sticker = parse_update({"event_name": "message.sticker.received",
                            "message": {**base, "sticker": "abc"}})
    assert sticker is not None and (sticker.kind, sticker.sticker) == (STICKER, "abc")
    assert parse_update({"event_name": "message.unsupported.received",
                         "message": base}).kind == UNSUPPORTED  # type: ignore[union-attr]
    future = parse_update({"event_name": "message.reaction.received", "message": base})
    assert future is not None and future.kind == OTHER


def test_numbers_for_ids_seconds_for_dates_extra_and_missing_fields():
    update = parse_update({"event_name": "message.text.received", "extra": {"x": 1},
                           "message": {"from": {"id": 123456, "display_name": "Lan",
                                                "avatar": "…"},
                                       "chat": {"id": 123456, "type": "private"},
                                       "message_id": 987, "date": 1750316131,
                                       "text": "a", "quote": None}})
    assert update is not None
    assert (update.user_id, update.chat_id, update.message_id) == ("123456", "123456", "987")
    assert update.chat_type == PRIVATE and update.date == 1750316131000
    no_chat = parse_update({"message": {"from": {"id": "u1"}, "message_id": "m1", "text": "a"}})
    assert no_chat is not None and (no_chat.chat_id, no_chat.chat_type) == ("u1", PRIVATE)
    odd_type = parse_update({"message": {"from": {"id": "u1"}, "message_id": "m1",
                                         "chat": {"id": "g9", "chat_type": "COMMUNITY"}}})
    assert odd_type is not None and odd_type.chat_type == GROUP


def test_a_message_without_id_is_keyed_by_its_content():
    message = {"from": {"id": "u1"}, "chat": {"id": "u1"}, "text": "a", "date": 1}
    first, again = parse_update({"message": message}), parse_update({"message": dict(message)})
    assert first is not None and again is not None
    assert first.message_id == again.message_id and first.message_id.startswith("sha256:")


@pytest.mark.parametrize("payload", [
    None, 42, "text", [], {}, {"ok": True}, {"ok": True, "result": None},
    {"ok": False, "error_code": 408}, {"message": None}, {"message": {"text": "no sender"}},
    {"message": {"from": {"id": None}, "text": "a"}}, {"message": {"from": "u1"}},
    {"result": {"message": {"from": {"id": ["x"]}}}},
])
def test_what_cannot_be_used_is_skipped(payload, caplog):
    assert parse_update(payload) is None
    assert parse_updates(payload) == []


def test_several_updates_in_one_body_and_the_stored_payload():
    payload = {"ok": True, "result": [REFERENCE["result"], GETUPDATES_SAMPLE["result"], 7]}
    updates = parse_updates(payload)
    assert [u.message_id for u in updates] == ["2d758cb5e222177a4e35", "16f6366b3f02645a3d15"]
    assert parse_update(json.loads(updates[0].payload())) == updates[0]
