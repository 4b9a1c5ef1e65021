"""The bare Zalo echo bot of the benchmarks, as a process against the emulator."""

from __future__ import annotations

from bench.common import BotProcess
from emulator.zalo import ZaloEmulator


async def test_the_bare_echo_bot_answers_each_text_and_stops_cleanly(tmp_path):
    async with ZaloEmulator() as emu:
        bot = BotProcess.zalo_echo(emu, tmp_path, poll_timeout=1)
        await bot.start()
        try:
            lan, binh = emu.user(1001, "Lan"), emu.user(1002, "Bình")
            await lan.send("một")
            await binh.send("hai")
            await lan.send_sticker()
            await lan.expect("một", timeout=15)
            await binh.expect("hai", timeout=15)
            await lan.expect_silence(0.2)
        finally:
            await bot.stop()
        assert bot.proc is not None and bot.proc.returncode == 0
