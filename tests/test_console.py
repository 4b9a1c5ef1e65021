"""`thidua console`: an operator chats with the real bot offline, as any roster person."""

from __future__ import annotations

import argparse

from app.settings import Settings
from bot.cli.console import run_console


async def test_console_session_links_a_person_and_taps_buttons(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    script = iter([
        ":help",
        ":people Trịnh Minh Khánh",
        ":as 0935722539",
        "/start",
        "1",  # the reply-keyboard button: share my phone number
        "/language",
        "2",  # English
        "/help",
        ":group",
        "/start",
        ":quit",
    ])
    output: list[str] = []

    async def read(prompt: str) -> str | None:
        output.append(prompt)
        return next(script, None)

    settings = Settings(_env_file=None, database=tmp_path / "console.sqlite3")
    args = argparse.Namespace(demo=True)
    assert await run_console(args, settings, read=read, write=output.append, quiet=0.3) == 0
    transcript = "\n".join(output)
    assert "300" in transcript  # demo roster imported
    assert "Đã mở đợt đăng ký thi đua năm" in transcript  # so /dangky can be tried
    assert "0935722539  Trịnh Minh Khánh" in transcript
    assert "[1] 📱 Chia sẻ số điện thoại" in transcript
    assert "Xin chào Trịnh Minh Khánh" in transcript
    assert "[2] 🇬🇧 English" in transcript
    assert "Language set to English." in transcript
    assert "Commands you can use" in transcript
    assert "[Trịnh Minh Khánh · nhóm]>" in transcript
