"""Zalo settings: a bot may run with Telegram, Zalo or both; a missing or wrong setting stops
start-up with one line naming it."""

from __future__ import annotations

import pytest

from app.settings import ZALO_API, SettingsError, load_settings
from bot.cli import main

ALL = ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "ZALO_API_BASE_URL",
       "THIDUA_ZALO_SECRETARIAT_CHAT_ID", "THIDUA_ZALO_WEBHOOK_PATH", "THIDUA_ZALO_WEBHOOK_SECRET")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ALL:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer's .env


def test_zalo_alone_is_a_complete_configuration(monkeypatch):
    monkeypatch.setenv("ZALO_BOT_TOKEN", "1459232241454765289:abc")
    monkeypatch.setenv("THIDUA_ZALO_SECRETARIAT_CHAT_ID", " 0a1b2c3d4e5f60718293 ")
    settings = load_settings()
    settings.require_channel()
    assert settings.channels == ("zalo",) and not settings.has_telegram
    assert settings.zalo_token == "1459232241454765289:abc"
    assert settings.zalo_api_base_url == ZALO_API == "https://bot-api.zaloplatforms.com/bot"
    assert settings.zalo_secretariat_chat_id == "0a1b2c3d4e5f60718293"  # a string, zeros kept
    assert (settings.zalo_webhook_path, settings.zalo_webhook_secret) == ("zalo", None)
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN"):
        settings.token  # noqa: B018 - Telegram's own calls still say what is missing


def test_both_and_telegram_alone(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    assert load_settings().channels == ("telegram",)
    monkeypatch.setenv("ZALO_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("THIDUA_ZALO_WEBHOOK_PATH", "/hooks/zalo/")
    monkeypatch.setenv("THIDUA_ZALO_WEBHOOK_SECRET", "abcDEF-123_x")
    settings = load_settings()
    assert settings.channels == ("telegram", "zalo")
    assert settings.zalo_webhook_path == "hooks/zalo"
    with pytest.raises(SettingsError, match="ZALO_BOT_TOKEN"):
        load_settings(zalo_bot_token=None).zalo_token  # noqa: B018


@pytest.mark.parametrize(("name", "value"), [
    ("THIDUA_ZALO_WEBHOOK_SECRET", "short"),
    ("THIDUA_ZALO_WEBHOOK_SECRET", "has a space in it"),
    ("THIDUA_ZALO_WEBHOOK_SECRET", "x" * 257),
    ("THIDUA_ZALO_SECRETARIAT_CHAT_ID", "  "),
    ("THIDUA_ZALO_WEBHOOK_PATH", "/"),
    ("THIDUA_ZALO_WEBHOOK_PATH", "zalo?x=1"),
])
def test_a_wrong_setting_is_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^{name}: "):
        load_settings()


def test_run_without_any_token_names_both(capsys):
    assert main(["run"]) == 2
    assert "TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN: missing" in capsys.readouterr().err
