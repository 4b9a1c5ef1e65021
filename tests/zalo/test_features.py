"""The user stories of every feature, on Zalo: the same core screens as numbered menus, files
as links only the asker receives, messages the bot sends on its own through the outbox."""

from __future__ import annotations

from datetime import date, timedelta

from app.campaigns.service import load_file
from storage.audit import AuditContext
from tests.campaigns.helpers import campaign_yaml
from tests.harness import BotHarness

STAFF = "0935722539"  # Trịnh Minh Khánh, staff of Phòng Công tác Quốc hội
UNIT_HEAD = "0939363303"  # Hồ Kim Thảo, head of Phòng Công tác Quốc hội
AGENCY_HEAD = "0906483756"  # Hầu Tiến Long, Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh
SECRETARIAT = "0899967996"  # Hoàng Thúy Hằng, secretariat


async def _campaign(bot: BotHarness, scope: str = "Văn phòng Đoàn ĐBQH và HĐND tỉnh") -> None:
    today = date.today()
    content = campaign_yaml("zalo-q", scope=scope, start=today - timedelta(days=5),
                            end=today + timedelta(days=60),
                            deadline=today + timedelta(days=10)).encode()
    check, campaign_id = await load_file(bot.services, content, "zalo-q.yaml",
                                         AuditContext.cli())
    assert check.ok and campaign_id is not None, check.problems


async def test_a_campaign_reaches_a_zalo_user_who_commits_by_number(zbot: BotHarness):
    khanh = await zbot.zalo_person(STAFF)
    await _campaign(zbot)
    secretariat = await zbot.zalo_person(SECRETARIAT)
    group = zbot.zalo_secretariat_chat()
    await group.send(secretariat, "/phongtrao")
    listing = await group.expect("Phong trào thi đua thử nghiệm")
    await group.tap("🚀 Phát động 1", by=secretariat, message=listing)
    ask = await group.expect("Phát động")
    await group.tap("🚀 Phát động", by=secretariat, message=ask)
    await group.expect("đang gửi")

    launched = await khanh.expect("Phong trào thi đua thử nghiệm", timeout=10)
    assert "Tôi cam kết thực hiện" in launched.plain  # its choice, numbered
    await khanh.tap("✅ Tôi cam kết thực hiện", message=launched)
    await khanh.expect("cam kết")
    row = await zbot.db.fetchone("SELECT channel FROM acknowledgements")
    assert row["channel"] == "zalo"

    await khanh.send("cam ket")  # /camket without slash or diacritics
    await khanh.expect("Phong trào thi đua thử nghiệm")


async def test_the_summary_files_are_links_only_the_asker_gets(zbot: BotHarness):
    head = await zbot.zalo_person(AGENCY_HEAD)
    await head.send("/tonghop")
    table = await head.expect("TỔNG HỢP ĐĂNG KÝ THI ĐUA")
    assert "Văn phòng Đoàn ĐBQH và HĐND tỉnh" in table.plain
    chart = await head.expect_photo(timeout=30)
    assert chart.data.startswith(b"\x89PNG")  # the platform fetched the chart's link
    files = [await head.expect("📎", timeout=30), await head.expect("📎", timeout=30)]
    urls = [line for f in files for line in f.plain.splitlines() if line.startswith("http")]
    assert len(urls) == 2
    xlsx = await head.open_link(next(u for u in urls if u.endswith(".xlsx")))
    assert xlsx.status == 200 and xlsx.data.startswith(b"PK")
    docx = await head.open_link(next(u for u in urls if u.endswith(".docx")))
    assert docx.status == 200 and docx.data.startswith(b"PK")

    # A link whose token is changed, or whose name is changed, gives nothing.
    forged = urls[0].rsplit("/", 2)
    assert (await head.open_link(f"{forged[0]}/AAAA{forged[1][4:]}/{forged[2]}")).status == 404
    assert (await head.open_link(f"{forged[0]}/{forged[1]}/khac.xlsx")).status == 404

    # Staff get no summary, and no file.
    khanh = await zbot.zalo_person(STAFF)
    await khanh.send("/tonghop")
    refusal = await khanh.expect()
    assert "http" not in refusal.plain


async def test_a_head_registers_the_unit_and_withdraws_on_zalo(zbot: BotHarness):
    thao = await zbot.zalo_person(UNIT_HEAD)
    await thao.send("/tapthe")
    titles = await thao.expect("Đăng ký thi đua năm")
    assert "Phòng Công tác Quốc hội" in titles.plain
    await thao.tap("☐ Tập thể lao động tiên tiến", message=titles)
    ticked = await thao.expect("☑ Tập thể lao động tiên tiến")
    await thao.tap("Tiếp tục ➡️", message=ticked)
    for _ in range(12):  # answer whatever the rule set asks, with its first option or a number
        screen = await thao.expect()
        if "Xem lại" in screen.plain:
            break
        options = thao.options(screen)
        if options and "Câu hỏi" in screen.plain:
            await thao.send(options[0].number)
        elif "Câu hỏi" in screen.plain:
            await thao.send("80")
    else:
        raise AssertionError("no review")
    await thao.tap("✅ Xác nhận", message=screen)
    await thao.expect("Đã lưu đăng ký thi đua năm")

    await thao.send("/cuatoi")
    status = await thao.expect("Tập thể")
    await thao.send("/tapthe")
    shown = await thao.expect("đã được xác nhận")
    await thao.tap("↩️ Rút đăng ký", message=shown)
    ask = await thao.expect("Rút đăng ký")
    await thao.tap("↩️ Đồng ý rút", message=ask)
    await thao.expect("Đã rút")
    row = await zbot.db.fetchone("SELECT status FROM registrations WHERE subject_kind = 'unit'")
    assert row["status"] == "withdrawn" and status is not None


async def test_digest_and_reminders_reach_zalo_users(zbot: BotHarness):
    thao = await zbot.zalo_person(UNIT_HEAD)
    khanh = await zbot.zalo_person(STAFF)
    await thao.send("/tiendo")
    board = await thao.expect("Phòng Công tác Quốc hội")
    await thao.tap("🔔 Nhắc việc (1)", message=board)
    await thao.expect("Đã gửi nhắc việc", timeout=10)
    reminder = await khanh.expect("Nhắc việc", timeout=10)
    assert "Gõ số" in reminder.plain
    assert any("Đăng ký" in o.label for o in khanh.options(reminder))
