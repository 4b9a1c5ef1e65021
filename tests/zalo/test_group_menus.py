"""Numbers in a Zalo group: each member answers only the lists they were shown.

In a group, numbers are also the members' conversation, and a list one member asked for is
theirs: another member typing its numbers or labels (by chance or on purpose) is not an answer
to it. Outside the secretariat's group, commands typed as words are conversation too."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.zalo.test_features import SECRETARIAT, STAFF, _campaign


async def test_a_member_number_never_answers_another_member_list(zbot: BotHarness):
    await _campaign(zbot)
    secretary = await zbot.zalo_person(SECRETARIAT)
    khanh = await zbot.zalo_person(STAFF)  # staff, also a member of the secretariat's group
    group = zbot.zalo_secretariat_chat()
    await group.send(secretary, "/phongtrao")
    listing = await group.expect("Phong trào thi đua thử nghiệm")
    launch = next(o for o in group.options(listing) if o.label == "🚀 Phát động 1")

    # Khánh types the number and the label of the secretary's list: nothing is answered.
    await group.send(khanh, launch.number)
    await group.send(khanh, "Phat dong 1")
    await group.expect_silence(0.5)

    # The secretary's list still answers the secretary.
    await group.send(secretary, launch.number)
    await group.expect("Phát động")


async def test_words_are_conversation_in_a_group_that_is_not_the_secretariat(
        zbot: BotHarness):
    khanh = await zbot.zalo_person(STAFF)
    friends = zbot.zalo.group(555, "Nhóm bạn bè")
    await friends.send(khanh, "tro giup")
    await friends.send(khanh, "dang ky")
    await friends.expect_silence(0.5)
