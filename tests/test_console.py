"""`thidua console`: an operator chats with the real bot offline, as any roster person, on
Telegram (buttons) or on Zalo (numbered menus, invite codes)."""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.settings import Settings
from bot.cli.campaigns import launch_campaign, load_campaign
from bot.cli.console import run_console
from bot.cli.console_demo import current_campaign_file
from domain.campaign_file import parse_campaign_file

Step = str | Callable[[], Awaitable[str | None]]
KHANH = "0935722539"  # Trịnh Minh Khánh, Nhân viên, Phòng Công tác Quốc hội
ROOT = Path(__file__).resolve().parent.parent


class Operator:
    """The person at the console: types the lines of a script; a step may first wait for
    what the bot says, or act from another terminal."""

    def __init__(self, steps: Iterable[Step] = ()) -> None:
        self.steps = iter(steps)
        self.output: list[str] = []

    @property
    def transcript(self) -> str:
        return "\n".join(self.output)

    def write(self, text: str) -> None:
        self.output.append(text)

    async def read(self, prompt: str) -> str | None:
        self.output.append(prompt)
        step = next(self.steps, None)
        if step is None or isinstance(step, str):
            return step
        return await step()

    async def sees(self, text: str, *, after: int = 0, seconds: float = 15.0) -> None:
        """Waits at the prompt, without typing, until the console has printed `text`."""
        for _ in range(int(seconds / 0.05)):
            if text in "\n".join(self.output[after:]):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"never printed {text!r}; the console shows:\n{self.transcript}")

    def number_of(self, label: str) -> str:
        """The number of `label` in the latest Zalo menu printed that offers it."""
        for line in reversed(self.transcript.splitlines()):
            found = re.match(r"^\s*(\d+)\. (.+?)\s*$", line)
            if found and found[2] == label:
                return found[1]
        raise AssertionError(f"no menu line {label!r} in:\n{self.transcript}")

    def code(self) -> str:
        found = re.findall(r"Mã mời của [^:]+: (\S+)", self.transcript)
        assert found, self.transcript
        return found[-1]


def console_settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, database=tmp_path / "console.sqlite3")


def campaign_file(tmp_path: Path, code: str, name: str) -> Path:
    """A campaign of one agency running now, as the office writes it."""
    today = date.today()
    path = tmp_path / f"{code}.yaml"
    path.write_text(
        f"code: {code}\nname: {name}\nissuer: Văn phòng Đoàn ĐBQH và HĐND tỉnh\n"
        "scope: Văn phòng Đoàn ĐBQH và HĐND tỉnh\n"
        f"period:\n  start: {today - timedelta(days=1)}\n  end: {today + timedelta(days=30)}\n"
        f"ack_deadline: {today + timedelta(days=10)}\n"
        "sections:\n  - title: Nội dung\n    text: Giải quyết đúng hạn mọi kiến nghị của cử tri.\n",
        encoding="utf-8")
    return path


async def launch_from_another_terminal(settings: Settings, path: Path, code: str) -> None:
    """`thidua campaign load FILE` and `thidua campaign launch CODE`, beside the console."""
    assert await load_campaign(argparse.Namespace(file=str(path), dry_run=False), settings) == 0
    assert await launch_campaign(argparse.Namespace(code=code), settings) == 0


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


async def test_the_demo_has_a_campaign_running_now_to_commit_to(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    operator = Operator()
    operator.steps = iter([
        ":as 0935722539", "/start", "1",  # linked: the demo's campaign is delivered
        lambda: operator_sees(operator, "✅ Tôi cam kết thực hiện"),
        "/camket",
        lambda: button(operator, "📄 1. Đọc và cam kết"),
        lambda: button(operator, "✅ Tôi cam kết thực hiện"),
        ":quit",
    ])
    settings = console_settings(tmp_path)
    assert await run_console(argparse.Namespace(demo=True, channel="telegram"), settings,
                             read=operator.read, write=operator.write, quiet=0.3) == 0
    transcript = operator.transcript
    assert "Đã phát động phong trào thi đua mẫu" in transcript
    assert f"Chuyển đổi số trong công tác tham mưu, tổng hợp” năm {date.today().year}" in (
        transcript)
    assert "Anh/chị đã cam kết thực hiện lúc" in transcript


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 6, 15), date(2026, 12, 31)])
def test_the_demo_campaign_runs_whatever_the_day(today):
    content, name = current_campaign_file(today)
    loaded = parse_campaign_file(content, name)
    assert loaded.ok, loaded.problems
    document = loaded.document
    assert document is not None
    assert document.period_start < today < document.ack_deadline < document.period_end
    assert document.year == today.year  # the registration its target counts is this year's


async def operator_sees(operator: Operator, text: str) -> str:
    await operator.sees(text)
    return ""  # an empty line: nothing typed


async def button(operator: Operator, label: str) -> str:
    """The number of the button `label` in the latest message printed with it."""
    for line in reversed(operator.output):
        found = re.search(r"\[(\d+)\] " + re.escape(label), line)
        if found:
            return found[1]
    raise AssertionError(f"no button {label!r} in:\n{operator.transcript}")


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
async def test_what_the_bot_sends_while_the_prompt_waits_is_printed_at_once(
        tmp_path, monkeypatch, channel):
    """The office launches a campaign from its own terminal while the person at the console
    only looks: the campaign is printed without them pressing Enter."""
    monkeypatch.chdir(tmp_path)
    settings = console_settings(tmp_path)
    path = campaign_file(tmp_path, "tiep-xuc-cu-tri", "Phong trào tiếp xúc cử tri")
    operator = Operator()
    link = ["/start", "1"] if channel == "telegram" else [lambda: operator_code(operator)]

    async def office_launches() -> str:
        mark = len(operator.output)
        await launch_from_another_terminal(settings, path, "tiep-xuc-cu-tri")
        await operator.sees("Phong trào tiếp xúc cử tri", after=mark)  # no Enter pressed
        return ":quit"

    operator.steps = iter([":as 0935722539", *link, office_launches])
    assert await run_console(argparse.Namespace(demo=True, channel=channel), settings,
                             read=operator.read, write=operator.write, quiet=0.3) == 0


async def operator_code(operator: Operator) -> str:
    return operator.code()


async def test_a_newcomer_on_zalo_links_with_the_printed_code_registers_and_commits(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    operator = Operator()
    operator.steps = iter([
        ":help",
        ":as 0935722539",  # prints an invite code for Khánh
        "/start",
        lambda: operator_code(operator),
        "dang ky",
        lambda: number(operator, "☐ Chiến sĩ thi đua cơ sở"),
        lambda: number(operator, "Tiếp tục ➡️"),
        "36",
        lambda: number(operator, "Hoàn thành xuất sắc nhiệm vụ"),
        lambda: number(operator, "Có sáng kiến được cơ sở công nhận"),
        "Sổ tay điện tử phục vụ đại biểu HĐND",
        lambda: number(operator, "✅ Xác nhận"),
        "camket",  # the demo's campaign running now
        lambda: number(operator, "📄 1. Đọc và cam kết"),
        lambda: number(operator, "✅ Tôi cam kết thực hiện"),
        ":contact",
        ":quit",
    ])
    settings = console_settings(tmp_path)
    assert await run_console(argparse.Namespace(demo=True, channel="zalo"), settings,
                             read=operator.read, write=operator.write, quiet=0.3) == 0
    transcript = operator.transcript
    assert "Lệnh của console (Zalo)" in transcript
    assert "gửi mã mời" in transcript  # /start on Zalo asks for the code
    assert "Xin chào Trịnh Minh Khánh" in transcript
    assert "1. ☐ Lao động tiên tiến" in transcript  # the menu as Zalo shows it
    assert "[1]" not in transcript  # no buttons on Zalo
    assert "Đã lưu đăng ký thi đua năm" in transcript
    assert "Số tham chiếu" in transcript
    assert "cam kết đã được ghi nhận" in transcript
    assert "Anh/chị đã cam kết thực hiện lúc" in transcript
    assert "không chia sẻ được số điện thoại" in transcript
    assert "[Trịnh Minh Khánh · riêng]>" in transcript


async def number(operator: Operator, label: str) -> str:
    return operator.number_of(label)


async def test_the_summary_files_on_zalo_are_saved_from_their_links(tmp_path, monkeypatch):
    """On Zalo files come as links to the bot's web server: the console saves what each
    link gives, as a phone would download it."""
    monkeypatch.chdir(tmp_path)
    operator = Operator()
    operator.steps = iter([
        ":as 0899967996",  # Hoàng Thúy Hằng, of the secretariat
        lambda: operator_code(operator),
        ":group",
        "/tonghop 2024",
        lambda: operator_sees(operator, "📎 console-files/tong-hop-dang-ky-thi-dua-2024.docx"),
        ":quit",
    ])
    settings = console_settings(tmp_path)
    assert await run_console(argparse.Namespace(demo=True, channel="zalo"), settings,
                             read=operator.read, write=operator.write, quiet=0.3) == 0
    assert "TỔNG HỢP ĐĂNG KÝ THI ĐUA NĂM 2024" in operator.transcript
    files = tmp_path / "console-files"
    for name in ("tong-hop-dang-ky-thi-dua-2024.xlsx", "tong-hop-dang-ky-thi-dua-2024.docx"):
        assert (files / name).read_bytes()[:2] == b"PK"  # the file itself, not a web page
    assert (files / "tong-hop-dang-ky-thi-dua-2024.png").read_bytes()[:4] == b"\x89PNG"


def test_what_the_demo_leaves_behind_is_ignored_by_git():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    left = ["console-files/tong-hop-dang-ky-thi-dua-2024.xlsx", "thidua.sqlite3.lock",
            "thidua.sqlite3.before-restore-20260101-090000"]
    checked = subprocess.run(["git", "check-ignore", "--no-index", *left], cwd=ROOT,
                             capture_output=True, text=True, check=False)
    assert checked.stdout.split() == left
