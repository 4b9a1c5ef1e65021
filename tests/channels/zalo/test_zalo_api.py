"""The Zalo API client against the emulator over HTTP: answers and refusals as typed
exceptions, 429 waited out, quick retries only when the platform surely did not act, the
408 of an empty poll, the poll's HTTP timeout beyond its own, long texts cut on lines."""

from __future__ import annotations

import pytest
from aiohttp import web

from channels.zalo import (
    ZaloBadRequest,
    ZaloBotApi,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloNotFound,
    ZaloRateLimited,
    ZaloServerError,
    ZaloUnauthorized,
    split_text,
)
from emulator.zalo import ZaloEmulator, ZaloFormat


def make_api(emu: ZaloEmulator, **kwargs: object) -> ZaloBotApi:
    options: dict[str, object] = {"quick_retries": (0.01, 0.01), "rate_limit_backoff": 0.01}
    options.update(kwargs)
    return ZaloBotApi(emu.token, emu.base_url, **options)  # type: ignore[arg-type]


@pytest.fixture
async def api(emu):
    async with make_api(emu) as api:
        yield api


async def test_bot_info_and_sends(emu, api):
    info = await api.get_me()
    assert (info.id, info.account_type, info.can_join_groups) == (
        "1459232241454765289", "BASIC", True)
    lan = emu.user(1001, "Lan")
    sent = await api.send_message(lan.id, "**Xin chào**", parse_mode="markdown")
    assert len(sent.message_id) == 20 and sent.date is not None
    await api.send_chat_action(lan.id)
    await api.send_sticker(lan.id, "0e078a2f")
    await lan.expect("Xin chào")
    assert (await lan.expect()).sticker == "0e078a2f"


async def test_refusals_are_typed(emu, api):
    lan = emu.user(1001, "Lan")
    with pytest.raises(ZaloBadRequest) as bad:
        await api.send_message(lan.id, "x" * 2001)
    assert bad.value.code == 400 and bad.value.method == "sendMessage"
    lan.block_bot()
    with pytest.raises(ZaloForbidden):
        await api.send_message(lan.id, "Nhắc việc")
    with pytest.raises(ZaloNotFound):
        await api.call("sendDocument", {"chat_id": lan.id})
    async with ZaloBotApi("1:wrong", emu.base_url) as stranger:
        with pytest.raises(ZaloUnauthorized):
            await stranger.get_me()
    # the same refusals inside an HTTP 200, as some answers come
    emu.format = ZaloFormat(errors_with_http_status=False)
    with pytest.raises(ZaloForbidden):
        await api.send_message(lan.id, "Nhắc việc")


async def test_quota_exceeded_is_waited_out_then_raised(emu, api):
    lan = emu.user(1001, "Lan")
    emu.faults.add("sendMessage", status=429, times=2)
    await api.send_message(lan.id, "một")
    assert [c.status for c in emu.calls_to("sendMessage")] == [429, 429, 200]
    emu.faults.add("sendMessage", status=429, times=None)
    with pytest.raises(ZaloRateLimited) as limited:
        await api.send_message(lan.id, "hai")
    assert limited.value.retry_after is None  # the platform does not say
    assert len(emu.calls_to("sendMessage")) == 3 + 4  # 3 retries, then raised
    emu.faults.clear()
    # when the platform says how long, that is waited; a wait too long is not
    emu.format = ZaloFormat(retry_after=True)
    emu.faults.add("sendMessage", status=429, retry_after=1)
    await api.send_message(lan.id, "ba")
    emu.faults.add("sendMessage", status=429, retry_after=120)
    with pytest.raises(ZaloRateLimited) as long_wait:
        await api.send_message(lan.id, "bốn")
    assert long_wait.value.retry_after == 120
    await lan.expect("một")
    await lan.expect("ba")
    # a sender that paces itself gets the 429 at once
    async with make_api(emu, rate_limit_retries=0) as paced:
        emu.faults.add("sendMessage", status=429, retry_after=1)
        with pytest.raises(ZaloRateLimited):
            await paced.send_message(lan.id, "năm")


async def test_server_errors_are_retried_quickly_then_raised(emu, api):
    lan = emu.user(1001, "Lan")
    emu.faults.add("sendMessage", status=502, times=2)
    await api.send_message(lan.id, "một")
    emu.faults.add("sendMessage", status=500, times=None)
    with pytest.raises(ZaloServerError):
        await api.send_message(lan.id, "hai")
    assert [c.status for c in emu.calls_to("sendMessage")] == [502, 502, 200, 500, 500, 500]
    await lan.expect("một")
    await lan.expect_silence(0.05)


async def test_a_call_that_may_have_arrived_is_not_repeated(emu):
    lan = emu.user(1001, "Lan")
    emu.faults.add("sendMessage", delay=0.5)
    async with make_api(emu, timeout=0.2) as api:
        with pytest.raises(ZaloNetworkError) as timed_out:
            await api.send_message(lan.id, "một")
    assert timed_out.value.sent is True
    await lan.expect("một")  # the platform got it: sending it again would double it
    await lan.expect_silence(0.3)


async def test_an_unreachable_platform_and_a_gateway_page_never_show_the_token(emu):
    token = "1459232241454765289:SECRET-PART-OF-THE-TOKEN"
    async with ZaloBotApi(token, "http://127.0.0.1:9/bot", quick_retries=()) as api:
        with pytest.raises(ZaloNetworkError) as unreachable:
            await api.get_me()
    assert unreachable.value.sent is False and "SECRET" not in str(unreachable.value)

    async def gateway(request: web.Request) -> web.Response:
        return web.Response(status=502, text=f"<h1>Bad gateway</h1> {request.path}",
                            content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", gateway)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        base = f"http://127.0.0.1:{runner.addresses[0][1]}/bot"
        async with ZaloBotApi(token, base, quick_retries=()) as api:
            with pytest.raises(ZaloServerError) as page:
                await api.send_message("abc", "một")
        assert page.value.code == 502 and "SECRET" not in str(page.value)
    finally:
        await runner.cleanup()


async def test_an_empty_poll_is_no_update_and_a_slow_answer_is_waited_for(emu):
    lan = emu.user(1001, "Lan")
    async with make_api(emu, timeout=0.2) as api:
        assert await api.get_updates(timeout=0) == []
        # the answer takes longer than an ordinary call may: a poll waits its timeout + 10 s,
        # or the update the platform handed out would be lost
        emu.faults.add("getUpdates", delay=0.6)
        await lan.send("một")
        (update,) = await api.get_updates(timeout=1)
    assert update["message"]["text"] == "một"
    assert emu.pending_updates == 0


async def test_several_updates_in_one_answer_are_accepted(emu, api):
    lan = emu.user(1001, "Lan")
    emu.format = ZaloFormat(updates_as_list=True)
    await lan.send("một")
    await lan.send("hai")
    assert [u["message"]["text"] for u in await api.get_updates(timeout=1)] == ["một", "hai"]


def menu_line(n: int) -> str:
    return f"{n:03d}. Người thứ {n:03d} – Lao động tiên tiến".ljust(44, ".")


async def test_a_long_text_arrives_as_messages_cut_on_lines(emu, api):
    lan = emu.user(1001, "Lan")
    text = "\n".join(menu_line(n) for n in range(1, 101))
    assert len(text) == 4499
    sent = await api.send_text(lan.id, text)
    assert len(sent) == 3 and len({s.message_id for s in sent}) == 3
    parts = [(await lan.expect()).text for _ in range(3)]
    assert all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts) == text  # every cut on a line boundary, nothing lost
    assert all(p.startswith(("0", "1")) and p.endswith(".") for p in parts)


def test_split_text_cuts_lines_then_words_and_only_then_inside_a_word():
    assert split_text("ngắn") == ["ngắn"]
    assert split_text("") == [] and split_text("\n \n") == []
    words = " ".join(["thi-đua"] * 700)  # one line of 5599 characters
    parts = split_text(words)
    assert all(len(p) <= 2000 for p in parts) and " ".join(parts) == words
    assert all(not p.startswith(" ") and p.split(" ")[-1] == "thi-đua" for p in parts)
    giant = "x" * 4500
    assert [len(p) for p in split_text(giant)] == [2000, 2000, 500]
    mixed = "A" * 1500 + "\n" + "B" * 1000 + "\n" + "C" * 10
    assert split_text(mixed) == ["A" * 1500, "B" * 1000 + "\n" + "C" * 10]
