"""The command line answers in one clear line, in its language: no network at start, a reader
that stops early (`| head`), help and mistakes in Vietnamese (English with THIDUA_LOCALE=en)."""

from __future__ import annotations

import argparse
import gettext
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.harness import SAMPLE_ROSTER, free_port

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("THIDUA_", "TELEGRAM_", "ZALO_"))}
    env.update({"THIDUA_DATABASE": str(tmp_path / "t.sqlite3"), "PYTHONPATH": str(ROOT)},
               **extra)
    return env


def test_run_without_network_says_so_in_one_line(tmp_path: Path):
    # Nothing listens on this port: every call to "Telegram" is refused, as offline.
    closed = f"http://127.0.0.1:{free_port()}/bot"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True,
        timeout=120, env=_env(tmp_path, TELEGRAM_BOT_TOKEN="123456:TEST-TOKEN",
                              TELEGRAM_API_BASE_URL=closed),
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("thidua: không kết nối được tới Telegram (")
    assert "kiểm tra kết nối mạng" in lines[0]
    assert "Traceback" not in done.stderr and "Unclosed" not in done.stderr
    assert "TEST-TOKEN" not in done.stderr


def test_a_reader_that_stops_early_gets_no_broken_pipe_error(tmp_path: Path):
    assert main(["--database", str(tmp_path / "t.sqlite3"), "roster", "import",
                 str(SAMPLE_ROSTER), "--bloc", "Khối Tham mưu Tổng hợp"]) == 0
    # Output buffered (the pipe breaks at the last flush) or not (at the first line). The
    # four commands run at once: each is a whole interpreter start-up.
    runs = []
    for args, unbuffered in ((["--help"], ""), (["registration", "list"], ""),
                             (["summary"], "1"), (["roster", "import", "--dry-run",
                                                   str(SAMPLE_ROSTER)], "1")):
        read, write = os.pipe()
        os.close(read)  # `| head` that has already read what it wanted
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "--database", str(tmp_path / "t.sqlite3"),
                 *args], cwd=tmp_path, stdout=write, stderr=subprocess.PIPE, text=True,
                env=_env(tmp_path, PYTHONUNBUFFERED=unbuffered),
            )
        finally:
            os.close(write)
        runs.append((args, unbuffered, process))
    for args, unbuffered, process in runs:
        _, stderr = process.communicate(timeout=120)
        assert stderr == "", (args, stderr)
        # The command's own code when it had finished; 141 (SIGPIPE) when cut off mid-way.
        assert process.returncode == (141 if unbuffered else 0), args


def test_help_usage_and_mistakes_speak_vietnamese(monkeypatch, capsys):
    monkeypatch.delenv("THIDUA_LOCALE", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: thidua [-h] [--database DATABASE] COMMAND ...")
    assert "Trợ lý thi đua – khen thưởng trên Zalo và Telegram." in out
    assert "tuỳ chọn:\n  -h, --help            xem hướng dẫn này rồi thoát" in out
    assert "summary             tổng hợp đăng ký thi đua (văn bản, XLSX, DOCX, PNG)" in out

    with pytest.raises(SystemExit) as exit_:
        main(["summary", "--format", "xlsxx"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("cách dùng: thidua summary")
    assert "thidua summary: lỗi: tham số --format: giá trị không hợp lệ: 'xlsxx' (chọn một " \
        "trong 'text', 'xlsx', 'docx', 'png')" in err

    with pytest.raises(SystemExit):
        main(["registration", "open", "--year", "2027", "--deadline", "31/02/2027"])
    assert "lỗi: tham số --deadline: không phải ngày: “31/02/2027”" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["registration", "open"])
    assert "lỗi: thiếu tham số bắt buộc: --year, --deadline" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["tonghop"])
    assert "lỗi: tham số COMMAND: giá trị không hợp lệ: 'tonghop'" in capsys.readouterr().err

    # argparse is left as it was for whoever else uses it in this process.
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    assert argparse.ArgumentParser(prog="x").format_usage() == "usage: x [-h]\n"


def test_help_is_english_with_thidua_locale_en(monkeypatch, capsys):
    monkeypatch.setenv("THIDUA_LOCALE", "en")
    with pytest.raises(SystemExit):
        main(["summary", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: thidua summary")
    assert "show this help message and exit" in out
    assert "default: the extension of --out" in out
    with pytest.raises(SystemExit):
        main(["summary", "--format", "xlsxx"])
    assert "thidua summary: error: argument --format: invalid choice: 'xlsxx'" \
        in capsys.readouterr().err
