"""One voice in Vietnamese (docs/voice.md): how the bot addresses people, names the standing
office, writes dashes, quotes and commands, in every catalog text and rule set text."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from domain.rules import available_rulesets
from tests.harness import BotHarness

CATALOGS = sorted((Path(__file__).resolve().parents[1] / "locales" / "vi" / "LC_MESSAGES")
                  .glob("*.po"))
ENGLISH_COMMANDS = ("help", "language", "register", "collective", "status", "cancel",
                    "window", "goals", "campaigns", "summary", "progress", "remind",
                    "history", "initiatives", "record", "results", "review", "proposals",
                    "council", "vote", "achievements")


def vietnamese_texts() -> list[tuple[str, str]]:
    texts = []
    for path in CATALOGS:
        with path.open("rb") as fh:
            for message in read_po(fh, locale="vi"):
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) \
                    else (message.string,)
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                texts += [(f"{path.name}: {key}", s) for s in strings if s]
    for ruleset in available_rulesets():
        for question in ruleset.questions:
            texts.append((f"{ruleset.id}: {question.key}", question.prompt.vi))
            if question.hint is not None:
                texts.append((f"{ruleset.id}: {question.key} (hint)", question.hint.vi))
        for check in (*ruleset.checks, *ruleset.reuse, *ruleset.deciders):
            texts.append((f"{ruleset.id}: {check.code}", check.message.vi))
        if ruleset.record.initiatives is not None:
            rule = ruleset.record.initiatives
            texts.append((f"{ruleset.id}: {rule.code}", rule.message.vi))
        if ruleset.review is not None:
            texts += [(f"{ruleset.id}: rating {r.code}", r.label.vi)
                      for r in ruleset.review.ratings]
            texts += [(f"{ruleset.id}: eligibility {r.title}", r.note.vi)
                      for r in ruleset.review.eligibility if r.note is not None]
    return texts


def voice_problems(text: str) -> list[str]:
    problems = []
    # People are "anh/chị", as an agency writes to its staff; never "bạn" or "đồng chí".
    if re.search(r"\b(bạn|Bạn|đồng chí|Đồng chí)\b", text):
        problems.append("form of address")
    # A reminder is "Nhắc việc", not a reprimand.
    if "nhắc nhở" in text.casefold():
        problems.append("nhắc nhở")
    # The standing office is the real body.
    if any(not text[m.end():].startswith(" Hội đồng Thi đua – Khen thưởng")
           for m in re.finditer(r"Thường trực\b", text)):
        problems.append("Thường trực …")
    # One dash (an en dash between spaces), one quote style (“…”), ranges "2021–2023".
    if re.search(r"\S - \S", text) or "—" in text or re.search(r"\d{4}-\d{4}", text):
        problems.append("dash")
    if "«" in text or "»" in text or '"' in text:
        problems.append("quotes")
    # Vietnamese commands in Vietnamese texts.
    if re.search(r"/(" + "|".join(ENGLISH_COMMANDS) + r")\b", text):
        problems.append("English command")
    return problems


def test_every_vietnamese_text_speaks_with_one_voice():
    found = [(where, text, voice_problems(text)) for where, text in vietnamese_texts()]
    assert len(found) > 500
    assert [f for f in found if f[2]] == []


def test_prompts_carry_no_input_hint():
    """A prompt is also the answer's label in the record: "36 tháng", never "(nhập số
    tháng) → 36"; how to answer is the question's hint."""
    for ruleset in available_rulesets():
        for question in ruleset.questions:
            for text in (question.prompt.vi, question.prompt.en):
                assert not re.search(r"\((nhập|ví dụ|a number|e\.g\.)", text, re.I), text
                assert "ví dụ" not in text.casefold() and "for example" not in text.casefold()


async def test_help_leads_with_the_vietnamese_commands(bot: BotHarness):
    khanh = await bot.person_user("0935722539")
    await khanh.send("/trogiup")
    listing = await khanh.expect("Các lệnh anh/chị có thể dùng")
    assert "/dangky (/register) – " in listing.plain
    assert "/trogiup (/help) – " in listing.plain
    assert "/register (" not in listing.plain
