"""Run the real bot against the Bot API emulator, on a real SQLite file, and play its users.

A test builds a `BotHarness`, imports a roster, then acts as people: they type, tap buttons,
share contacts and send files through the emulator, exactly as Telegram clients would.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.services import Services
from app.settings import Settings
from bot.runtime import BotRuntime
from domain.roster import parse_roster
from emulator import BotApiEmulator, EmuGroup, EmuUser
from emulator.zalo import ZaloEmulator, ZaloGroup, ZaloUser
from storage.audit import AuditContext
from storage.db import Database
from storage.roster import apply_roster

DEMO = Path(__file__).parent.parent / "bot" / "demo"
SAMPLE_ROSTER = DEMO / "sample-roster.csv"
SAMPLE_REGISTRATIONS = DEMO / "sample-registrations-2024.csv"
BLOC = "Khối Tham mưu Tổng hợp"
SECRETARIAT_CHAT = -1001000000001
TOKEN = "123456:TEST-TOKEN"
ZALO_TOKEN = "9001:ZALO-TEST-SECRET"
ZALO_SECRETARIAT_CHAT = 1  # the emulator's group 1 (ZaloEmulator.group makes its hex id)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotHarness:
    def __init__(self, tmp_path: Path, *, rate_limiter: bool = True, zalo: bool = False,
                 **settings: Any) -> None:
        """`rate_limiter=False` turns off PTB's pacing (fast tests sending hundreds of replies
        to one group); `zalo=True` runs the Zalo channel too, against its emulator, with the
        bot's web server for file links; `settings` override Settings fields."""
        self.tmp_path = tmp_path
        self.rate_limiter = rate_limiter
        self.database = tmp_path / "thidua.sqlite3"
        self.settings_overrides = settings
        self.emu = BotApiEmulator(token=TOKEN)
        self.zalo = ZaloEmulator(token=ZALO_TOKEN) if zalo else None
        self.web_port = free_port() if zalo else None
        self.runtime: BotRuntime | None = None
        self._users: dict[int, EmuUser] = {}

    def settings(self) -> Settings:
        values: dict[str, Any] = {
            "telegram_bot_token": TOKEN,
            "telegram_api_base_url": self.emu.base_url,
            "telegram_api_file_url": self.emu.base_file_url,
            "database": self.database,
            "secretariat_chat_id": SECRETARIAT_CHAT,
            "bloc_name": BLOC,
        }
        if self.zalo is not None:
            values.update({
                "zalo_bot_token": ZALO_TOKEN,
                "zalo_api_base_url": self.zalo.base_url,
                "zalo_secretariat_chat_id": self.zalo.group(ZALO_SECRETARIAT_CHAT,
                                                            "Thường trực TĐKT").chat_id,
                "public_url": f"http://127.0.0.1:{self.web_port}",
                "webhook_listen": "127.0.0.1",
                "webhook_port": self.web_port,
            })
        values.update(self.settings_overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    async def start(self) -> BotHarness:
        if not self.emu.running:
            await self.emu.start()
        if self.zalo is not None and not self.zalo.running:
            await self.zalo.start()
        # Periodic jobs run when a test calls `services.scheduler.tick(now)`, never on the
        # wall clock, so no test sees a digest or reminder it did not ask for.
        # A short Zalo long poll: stopping waits for the poll in flight (a cancelled one
        # could lose what the platform handed out), so tests stop quicker with 1 s.
        self.runtime = BotRuntime(self.settings(), rate_limiter=self.rate_limiter,
                                  scheduler_ticks=False, zalo_poll_timeout=1)
        await self.runtime.start(mode="polling")
        return self

    async def stop(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop()
            self.runtime = None

    async def close(self) -> None:
        await self.stop()
        await self.emu.stop()
        if self.zalo is not None:
            await self.zalo.stop()

    async def restart(self) -> None:
        """Stop the bot process state entirely and start a new one on the same database."""
        await self.stop()
        await self.start()

    @property
    def services(self) -> Services:
        assert self.runtime is not None and self.runtime.services is not None
        return self.runtime.services

    @property
    def db(self) -> Database:
        return self.services.db

    async def import_roster(self, path: Path = SAMPLE_ROSTER, bloc: str = BLOC) -> None:
        roster = parse_roster(await asyncio.to_thread(path.read_bytes), path.name, bloc)
        assert roster.ok, roster.problems
        await apply_roster(self.db, roster, AuditContext.cli())

    def user(self, user_id: int, first_name: str = "Người dùng", **kwargs: Any) -> EmuUser:
        return self.emu.user(user_id, first_name, **kwargs)

    async def person_user(
        self, phone: str, *, link: bool = True, language_code: str = "vi"
    ) -> EmuUser:
        """A Telegram user playing the roster person with this phone, linked by contact."""
        person = await self.services.people.by_phone(phone)
        assert person is not None, phone
        user_id = 500_000_000 + int(phone[-8:])
        parts = person.full_name.split(" ")
        user = self.emu.user(user_id, parts[-1], last_name=" ".join(parts[:-1]),
                             language_code=language_code, phone=phone)
        if link:
            await user.send("/start")
            await user.expect("số điện thoại")
            await user.share_contact()
            await user.expect(person.full_name)
            # What is open for them now, under the greeting (app.onboarding).
            await user.expect("Việc đang mở cho anh/chị" if language_code == "vi"
                              else "Open for you now")
        return user

    async def zalo_person(self, phone: str) -> ZaloUser:
        """A Zalo user playing the roster person with this phone, linked with an invite code
        the office handed them."""
        assert self.zalo is not None
        person = await self.services.people.by_phone(phone)
        assert person is not None, phone
        code = await self.services.invites.create(person, timedelta(days=14), AuditContext.cli())
        user = self.zalo.user(600_000_000 + int(phone[-8:]), person.full_name)
        await user.send(code)
        await user.expect(person.full_name)
        return user

    def zalo_secretariat_chat(self) -> ZaloGroup:
        assert self.zalo is not None
        return self.zalo.group(ZALO_SECRETARIAT_CHAT, "Thường trực TĐKT")

    def secretariat_chat(self) -> EmuGroup:
        return self.emu.group(SECRETARIAT_CHAT, "Thường trực TĐKT")
