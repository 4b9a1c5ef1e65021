"""Unit tests of the emulator's text, keyboard and flood-limit rules (no HTTP)."""

import pytest

from emulator import ApiError, parse_html, strip_html
from emulator.faults import FaultPlan, FloodLimits
from emulator.markup import command_entities, format_text, parse_reply_markup


def test_html_gives_plain_text_and_utf16_entities():
    plain, entities = parse_html("😀 <b>Xin chào</b> bạn &amp; <i>tôi</i>")
    assert plain == "😀 Xin chào bạn & tôi"
    # the emoji counts two UTF-16 units, as in Telegram's offsets
    assert entities == [
        {"type": "bold", "offset": 3, "length": 8},
        {"type": "italic", "offset": 18, "length": 3},
    ]


def test_html_links_code_and_entities():
    plain, entities = parse_html(
        '<a href="https://x.vn/?a=1&amp;b=2">link</a> <pre><code class="language-py">x</code>'
        "</pre> &lt;&gt;&quot;&#39;&#x41;"
    )
    assert plain == "link x <>\"'A"
    assert entities[0] == {
        "type": "text_link",
        "offset": 0,
        "length": 4,
        "url": "https://x.vn/?a=1&b=2",
    }
    assert entities[1] == {"type": "pre", "offset": 5, "length": 1, "language": "py"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("Tôi & bạn", 'Unescaped "&" (use &amp;) at byte offset 5'),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;"'),
        ("line<br>break", 'Unsupported start tag "br"'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag"),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
    ],
)
def test_invalid_html_is_rejected_like_telegram(text, reason):
    with pytest.raises(ApiError) as caught:
        parse_html(text)
    assert caught.value.code == 400
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert reason in caught.value.description
    assert strip_html(text) == text  # the reader falls back to the raw text


def test_length_limits_apply_after_entity_parsing():
    assert format_text("<b>" + "a" * 4096 + "</b>", "HTML")[0] == "a" * 4096
    with pytest.raises(ApiError, match="message is too long"):
        format_text("a" * 4097, None)
    with pytest.raises(ApiError, match="message text is empty"):
        format_text("<b> </b>", "HTML")
    with pytest.raises(ApiError, match="message caption is too long"):
        format_text("a" * 1025, None, caption=True)
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode")


def test_reply_markup_kinds_and_callback_data_limit():
    inline = parse_reply_markup(
        {
            "inline_keyboard": [
                [
                    {"text": "Lưu", "callback_data": "reg:save:1"},
                    {"text": "Web", "url": "https://x.vn"},
                ]
            ]
        }
    )
    assert [[b.text for b in row] for row in inline.inline] == [["Lưu", "Web"]]
    keyboard = parse_reply_markup({"keyboard": [[{"text": "📱", "request_contact": True}], ["OK"]]})
    assert keyboard.keyboard[0][0].request_contact and keyboard.keyboard[1][0].text == "OK"
    assert parse_reply_markup({"remove_keyboard": True}).remove_keyboard
    with pytest.raises(ApiError, match="BUTTON_DATA_INVALID"):
        parse_reply_markup({"inline_keyboard": [[{"text": "x", "callback_data": "đ" * 33}]]})
    with pytest.raises(ApiError, match="Text buttons are unallowed"):
        parse_reply_markup({"inline_keyboard": [[{"text": "x"}]]})


def test_command_entities():
    assert command_entities("/start abc123") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert command_entities("/summary@thidua_test_bot")[0]["length"] == 24
    assert command_entities("hello /start") == []
    assert command_entities("/start-x") == []


def test_faults_match_method_and_chat_and_run_out():
    plan = FaultPlan()
    plan.add("sendMessage", status=429, retry_after=2, times=2, chat_id=1001)
    assert plan.take("sendMessage", 1002) is None
    assert plan.take("getMe", 1001) is None
    first = plan.take("SendMessage", "1001")
    assert first is not None and first.error().parameters == {"retry_after": 2}
    assert plan.take("sendMessage", 1001) is first
    assert plan.take("sendMessage", 1001) is None


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_flood_limits_per_chat_group_and_global():
    clock = FakeClock()
    flood = FloodLimits(clock=clock)
    flood.configure(enabled=True, per_chat_per_second=1, per_chat_burst=2, global_per_second=30)
    assert flood.check("sendMessage", 1) is None
    assert flood.check("sendMessage", 1) is None
    refused = flood.check("sendMessage", 1)
    assert refused is not None and refused.parameters == {"retry_after": 1}
    assert flood.check("editMessageText", 1) is None  # edits do not count
    clock.now += 1.0
    assert flood.check("sendMessage", 1) is None

    flood.configure(per_chat_per_second=100, per_chat_burst=100, per_group_per_minute=20)
    for _ in range(20):
        assert flood.check("sendMessage", -100) is None
        clock.now += 0.01
    refused = flood.check("sendMessage", -100)
    assert refused is not None and 59 <= refused.parameters["retry_after"] <= 60

    flood.configure(global_per_second=30)
    clock.now += 100
    assert all(flood.check("sendMessage", chat) is None for chat in range(30))
    assert flood.check("sendMessage", 31) is not None
