"""A council of nine in Sở Nội vụ and twelve proposals of its units, for the council stories.

The council: the director (chair), the head of Ban Thi đua - Khen thưởng (secretary) and seven
unit heads. The proposals (submitted lists of the year's review, set up through the review's
repository): six CSTĐCS, two CSTĐ tỉnh, two Bằng khen and two collectives' TTLĐXS.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.review.assess import open_review
from app.services import Services
from domain.models import Person
from domain.subjects import Subject
from storage.audit import AuditContext
from storage.council import CouncilRepository
from storage.reviews import Computed, ReviewRepository
from tests.harness import BotHarness

AGENCY = "Sở Nội vụ"
CHAIR = "0931723003"  # Đinh Hữu Dũng, Giám đốc
SECRETARY = "0974554718"  # Đặng Quốc Khánh, Trưởng Ban Thi đua - Khen thưởng
MEMBERS = ["0933834473", "0970025553", "0939197639",  # Việt, Yến, Nhung
           "0906648302", "0908348927", "0897058197",  # Linh, Hà, Phương
           "0897583706"]  # Tuấn
COUNCIL = [CHAIR, SECRETARY, *MEMBERS]
SECRETARIAT = "0899967996"  # Hoàng Thúy Hằng (the bot's secretariat, scope: everything)
# Ballot order: the catalog's titles, people by given name, then collectives.
PROPOSALS = [  # (phone or unit, title)
    ("0977701378", "CSTDCS"), ("0972822051", "CSTDCS"), ("0900231225", "CSTDCS"),
    ("0906018895", "CSTDCS"), ("0899502884", "CSTDCS"), ("0977920373", "CSTDCS"),
    ("0931481870", "CSTD_TINH"), ("0972455151", "CSTD_TINH"),
    ("0903114626", "BK_TINH"), ("0938142865", "BK_TINH"),
    ("Phòng Cải cách hành chính", "TTLDXS"), ("Thanh tra Sở", "TTLDXS"),
]


@dataclass(frozen=True)
class Council:
    year: int
    agency_id: int
    members: list[Person]


async def set_up_council(bot: BotHarness, year: int, *, proposals=PROPOSALS) -> Council:
    """The council's members (as `thidua council members add` sets them) and the units'
    submitted proposal lists of `year`."""
    council = await set_up_proposals(bot.services, year, proposals=proposals)
    await add_members(bot, council)
    return council


async def add_members(bot: BotHarness, council: Council) -> None:
    repo = CouncilRepository(bot.db)
    cli = AuditContext.cli()
    people = council.members
    await repo.set_members(council.agency_id, [people[0].id], "chair", cli)
    await repo.set_members(council.agency_id, [people[1].id], "secretary", cli)
    await repo.set_members(council.agency_id, [p.id for p in people[2:]], "member", cli)


async def set_up_proposals(services: Services, year: int, *, proposals=PROPOSALS) -> Council:
    """The year's review opened, and the units' proposal lists submitted."""
    tree = await services.orgs.tree()
    agency = next(o for o in tree.agencies() if o.name == AGENCY)
    people = [await services.people.by_phone(p) for p in COUNCIL]
    cli = AuditContext.cli()
    review, _invited = await open_review(services, tree, year, None, cli)
    reviews = ReviewRepository(services.db)
    by_org: dict[int, list[Computed]] = {}
    for who, title in proposals:
        if who[0].isdigit():
            person = await services.people.by_phone(who)
            subject = Subject.of_person(person)
        else:
            unit = next(u for u in tree.walk(agency.id) if u.name == who)
            subject = Subject.of_org(unit)
        by_org.setdefault(subject.org_id, []).append(Computed(subject, title, ()))
    for org_id, computed in by_org.items():
        stored = await reviews.save_computed(review, org_id, computed, cli, expected_version=0)
        await reviews.submit(stored.id, stored.version, None, cli)
    return Council(year, agency.id, people)
