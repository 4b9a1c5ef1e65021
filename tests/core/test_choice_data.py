"""Choice data, packed and unpacked in one place per feature (`app/<feature>/choices.py`,
`app.choicedata`): every value round-trips, fits Telegram's 64 ASCII bytes, and anything
malformed or forged (a wrong number of fields, a word where an id goes, too long, non-ASCII,
another prefix) unpacks to None, which the use cases answer as an expired choice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app import choicedata, help
from app.campaigns import choices as campaigns
from app.council import choices as council
from app.imports import choices as imports
from app.invites import choices as invites
from app.progress import choices as progress
from app.registration import choices as registration
from app.results import choices as results
from app.review import choices as review
from app.ui import Choice

BIG = 999_999_999_999  # ids far beyond any real one still fit
DAY = date(2026, 12, 31)

# (the data, how it unpacks, what it unpacks to)
Unpack = Callable[[str], Any]
ROUND_TRIPS: list[tuple[str, Unpack, Any]] = [
    # registration
    *((p.data, registration.unpack, p) for p in [
        registration.DraftPick("t", BIG, BIG, 12),
        registration.DraftPick("a", 1, 2, "y"),
        registration.DraftPick("a", 1, 2, "n"),
        registration.DraftPick("ok", 1, 2),
        registration.RegistrationPick("wy", BIG, BIG),
        registration.CollectivePick(BIG),
        registration.YearPick(None, BIG, "20261231"),
        registration.YearPick(BIG, BIG, "20261231"),
    ]),
    *((p.data, registration.unpack_window, p) for p in [
        registration.WindowPick("x", BIG, "20261231"),
        registration.WindowPick("y", 3, "20261231"),
        registration.WindowPick("n"),
    ]),
    (registration.DraftRef(BIG, BIG).ref, registration.unpack_ref,
     registration.DraftRef(BIG, BIG)),
    # review
    *((p.data, review.unpack, p) for p in [
        review.AssessmentPick("r", BIG, BIG, 3),
        review.AssessmentPick("e", 1, 2, "i"),
        review.AssessmentPick("ok", 1, 2),
        review.CollectivePick(BIG),
        review.SecretariatPick("o", 2026, "20261231"),
        review.SecretariatPick("cl", BIG, "20261231"),
        review.SecretariatPick("x"),
    ]),
    *((p.data, review.unpack_list, p) for p in [
        review.ListPick("am", BIG, BIG, (BIG, BIG)),
        review.ListPick("at", 1, 2, (3,)),
        review.ListPick("sub", 1, 2),
        review.ListOrgPick(BIG),
    ]),
    (review.AssessmentRef(BIG, BIG).ref, review.unpack_ref, review.AssessmentRef(BIG, BIG)),
    # progress
    (progress.remind_data(DAY), progress.unpack_remind, DAY),
    *((p.data, progress.unpack, p) for p in [
        progress.RemindPick("s", "all"),
        progress.RemindPick("w", str(BIG), "r12"),
        progress.RemindPick("go", str(BIG), "c12", "20261231"),
        progress.RemindPick("x"),
    ]),
    # imports
    *((p.data, imports.unpack, p) for p in [
        imports.UploadPick(imports.APPLY, BIG), imports.UploadPick("others", 1)]),
    # results
    (results.history_data(results.SubjectRef("p", BIG)), results.unpack_history,
     results.SubjectRef("p", BIG)),
    (results.SubjectRef("o", BIG).code, results.unpack_subject, results.SubjectRef("o", BIG)),
    *((p.data, results.unpack, p) for p in [
        results.SubjectPick("y", results.SubjectRef("o", BIG), 40, 2026),
        results.SubjectPick("s", results.SubjectRef("p", 1)),
        results.ResultPick("dy", BIG, BIG),
        results.SavePick("0a1b2c3d"),
        results.CancelPick(),
    ]),
    # invites
    (invites.own_code_data("zalo"), invites.unpack_own_code, "zalo"),
    *((p.data, invites.unpack, p) for p in [
        invites.CodesPick(BIG, "0123456789"), invites.CodesPick(cancel=True)]),
    # council
    *((p.data, council.unpack_secretariat, p) for p in [
        council.AgencyPick(BIG),
        council.OpenPick("op", BIG, 2026, "202612311700", "chat"),
        council.SessionPick("dm", BIG),
        council.SessionPick("cy", BIG, BIG),
        council.SessionPick("wt", BIG, BIG, (1 << 60) - 1, 59),
        council.SessionPick("wn", 1, 2, 5),
        council.ConfirmPick("wy", "0a1b2c3d"),
    ]),
    *((p.data, council.unpack_ballot, p) for p in [
        council.BallotPick("o", BIG),
        council.BallotPick("m", BIG, BIG, BIG, "0123456789abcdef"),
        council.BallotPick("y", 1, 2, 3),
        council.BallotPick("c", 1, 2),
    ]),
    *((p.data, council.unpack_report, p) for p in [
        council.ReportPick("o", BIG),
        council.ReportPick("e", BIG, BIG, "contributions"),
        council.ReportPick("ok", 1, 2),
    ]),
    (council.ReportRef(BIG, BIG, "summary").ref, council.unpack_report_ref,
     council.ReportRef(BIG, BIG, "summary")),
    *((r.ref, council.unpack_counts_ref, r) for r in [
        council.CountsRef("w", 1, 2, members=(3, 4, 5)),
        council.CountsRef("p", 1, 2),
        council.CountsRef("pn", 1, 2, present=7),
        council.CountsRef("wy", 1, 2, (3, 4), None, "0a1b2c3d", (1, 0, 2)),
        council.CountsRef("py", 1, 2, (), 7, "0a1b2c3d", (7, 0)),
    ]),
    # help, campaigns
    (help.language_data("en"), help.unpack_language, "en"),
    (campaigns.data("ack", 999_999_999, 999_999_999), campaigns.parse,
     ("ack", [999_999_999, 999_999_999])),
    (campaigns.data("open", 1), campaigns.parse, ("open", [1])),
]

# Data a session keeps rather than a choice: no 64-byte limit (counts grow with a ballot).
REFS = {registration.unpack_ref, review.unpack_ref, results.unpack_subject,
        council.unpack_report_ref, council.unpack_counts_ref}


@pytest.mark.parametrize(("data", "unpack", "value"), ROUND_TRIPS,
                         ids=[f"{d}" for d, _u, _v in ROUND_TRIPS])
def test_pack_then_unpack_gives_the_value_back_within_64_ascii_bytes(
        data: str, unpack: Unpack, value: Any) -> None:
    assert unpack(data) == value
    if unpack not in REFS:
        assert data.isascii() and len(data.encode()) <= choicedata.MAX_DATA_BYTES
        Choice("label", data)  # what a screen accepts


def test_every_choice_keeps_the_data_of_today() -> None:
    """Stored Zalo menus and buttons already sent carry these strings: byte for byte."""
    assert [p.data for p in [
        registration.DraftPick("t", 5, 7, 2), registration.DraftPick("a", 5, 7, "y"),
        registration.RegistrationPick("w", 3, 1), registration.CollectivePick(9),
        registration.YearPick(None, 4, "20261231"), registration.YearPick(9, 4, "20261231"),
        registration.WindowPick("n"), review.AssessmentPick("d", 1, 2, "n"),
        review.ListPick("am", 1, 2, (3, 0)), review.SecretariatPick("x"),
        progress.RemindPick("go", "all", "c4", "20261231"), imports.UploadPick("apply", 8),
        results.SubjectPick("t", results.SubjectRef("p", 6), 11),
        results.ResultPick("r", 2, 3), results.CancelPick(),
        invites.CodesPick(0, "abc"), invites.CodesPick(cancel=True),
        council.OpenPick("o", 1, 2026, "202612311700", "paper"),
        council.SessionPick("wt", 1, 2, 0xA, 3), council.BallotPick("m", 1, 2, 0, "ff00"),
        council.ReportPick("e", 1, 2, "summary"),
    ]] + [registration.year_data(None, 4, DAY), registration.window_data("x", 2, DAY),
          review.secretariat_data("o", 2026, DAY), review.list_data("p", 1, 2, 0),
          progress.remind_data(DAY), progress.scope_data(12), progress.what_data("all", "all"),
          progress.send_data("12", "r3", DAY), invites.own_code_data("telegram"),
          results.history_data(results.SubjectRef("o", 7)),
          results.record_data(results.SubjectRef("p", 7)), help.language_data("vi"),
          council.stamp(datetime(2026, 12, 31, 17, 5))] == [
        "rg:t:5:7:2", "rg:a:5:7:y", "rg:w:3:1", "rg:s:9", "rg:y:p:4:20261231",
        "rg:y:9:4:20261231", "win:n", "ev:d:1:2:n", "pl:am:1:2:3:0", "ev:x",
        "rmd:go:all:c4:20261231", "up:apply:8", "rs:t:p:6:11", "rs:r:2:3", "rs:x",
        "iv:go:0:abc", "iv:no", "cs:o:1:2026:202612311700:paper", "cs:wt:1:2:a:3",
        "cv:m:1:2:0:ff00", "ca:e:1:2:summary",
        "rg:y:p:4:20261231", "win:x:2:20261231", "ev:o:2026:20261231", "pl:p:1:2:0",
        "pr:rm:20261231", "rmd:s:12", "rmd:w:all:all", "rmd:go:12:r3:20261231",
        "iv:me:telegram", "lh:o:7", "rs:s:p:7", "lang:vi", "202612311705"]


MALFORMED: list[tuple[Unpack, str]] = [
    (unpack, data) for unpack, bad in [
        (registration.unpack, ["rg", "rg:", "rg:t:1", "rg:t:1:2:3:4", "rg:t:a:2", "rg:t:1:2:x",
                               "rg:zz:1:2", "rg:s:x", "rg:s:1:2", "rg:y:q:1:20261231",
                               "rg:y:p:1:2026123", "rg:y:p:1", "rg:wy:1", "rg:ed:1:b",
                               "ev:t:1:2"]),
        (registration.unpack_window, ["win:x:1", "win:x:a:20261231", "win:z:1:20261231",
                                      "win:n:1", "win"]),
        (registration.unpack_ref, ["1", "1:2:3", "a:2", "1:b", ""]),
        (review.unpack, ["ev", "ev:r:1", "ev:r:1:2:3:4", "ev:r:x:2", "ev:r:1:2:zz",
                         "ev:o:2026", "ev:o:2026:2026", "ev:x:1", "ev:s:a", "ev:q:1:2"]),
        (review.unpack_list, ["pl:p:1:2", "pl:p:1:2:3:4", "pl:t:1:a:3", "pl:rc:1:2:3",
                              "pl:s:1:2", "pl:zz:1:2", "pl:s"]),
        (review.unpack_ref, ["1", "1:x"]),
        (progress.unpack_remind, ["pr:rm", "pr:rm:2026123", "pr:rm:20261340",
                                  "pr:rm:20261231:1", "pr:rm:abcdefgh"]),
        (progress.unpack, ["rmd", "rmd:x:1", "rmd:s", "rmd:s:x1", "rmd:s:1:2", "rmd:w:1:z9",
                           "rmd:w:1:rx", "rmd:go:1:r1", "rmd:go:1:r1:2026", "rmd:q:1"]),
        (imports.unpack, ["up:apply", "up:apply:x", "up:apply:1:2", "up::1", "up:a-b:1"]),
        (results.unpack_history, ["lh:p", "lh:q:1", "lh:p:x", "lh:p:1:2"]),
        (results.unpack_subject, ["p", "p:x", "q:1", "p:1:2"]),
        (results.unpack, ["rs", "rs:x:1", "rs:ok", "rs:ok:a-b", "rs:s:p", "rs:s:p:x",
                          "rs:s:q:1", "rs:t:p:1", "rs:t:p:1:x", "rs:y:p:1:2",
                          "rs:r:1", "rs:r:1:x", "rs:zz:1:2"]),
        (invites.unpack_own_code, ["iv:me", "iv:me:", "iv:me:a:b", "iv:me:a1!"]),
        (invites.unpack, ["iv", "iv:no:1", "iv:go:1", "iv:go:x:abc", "iv:go:1:a-b",
                          "iv:stop:1:abc"]),
        (council.unpack_secretariat, ["cs", "cs:a", "cs:a:x", "cs:op:1:2026:2026123117:chat",
                                      "cs:op:1:2026:202612311700", "cs:op:1:x:202612311700:c",
                                      "cs:s", "cs:s:1:2", "cs:cl:1", "cs:cl:1:x",
                                      "cs:wt:1:2:zz:3", "cs:wt:1:2:a", "cs:wn:1:2",
                                      "cs:wy", "cs:wy:a-b", "cs:qq:1"]),
        (council.unpack_ballot, ["cv", "cv:o", "cv:o:x", "cv:o:1:2", "cv:p:1:2",
                                 "cv:m:1:2:3", "cv:m:1:2:3:a-b", "cv:r:1:x", "cv:qq:1"]),
        (council.unpack_report, ["ca", "ca:o:x", "ca:o:1:2", "ca:e:1:2", "ca:e:1:2:a-b",
                                 "ca:ok:1", "ca:qq:1"]),
        (council.unpack_report_ref, ["1:2", "x:2:summary", "1:2:3:4"]),
        (council.unpack_counts_ref, ["w:1:2", "w:1:2:", "w:1:2:a", "p:1", "pn:1:2:x",
                                     "wy:1:2:3:nonce", "wy:1:2:3:a-b:1 2", "py:1:2:3:n:1 x",
                                     "zz:1:2"]),
        (help.unpack_language, ["lang", "lang:fr", "lang:vi:en"]),
        (campaigns.parse, ["cp", "cp:ack:1", "cp:ack:1:x", "cp:zz:1", "cp:open:1:2",
                           "cp:open:1234567890"]),
    ] for data in bad
]
UNPACKS = sorted({u for u, _d in MALFORMED}, key=lambda u: f"{u.__module__}.{u.__name__}")


@pytest.mark.parametrize(("unpack", "data"), MALFORMED,
                         ids=[f"{u.__module__.split('.')[1]}:{d}" for u, d in MALFORMED])
def test_malformed_data_unpacks_to_none(unpack: Unpack, data: str) -> None:
    assert unpack(data) is None


@pytest.mark.parametrize("unpack", UNPACKS, ids=lambda u: f"{u.__module__}.{u.__name__}")
def test_forged_data_of_any_shape_unpacks_to_none_never_raises(unpack: Unpack) -> None:
    for data in ["", ":", "::::", "rg:t:１:２", "rg:t:1:2:²", "cv:o:٣", "lh:p:1²",
                 "x" * 65, "rg:t:" + "9" * 60, "ev:r:1:2:" + "1" * 60, "rs:ok:" + "a" * 70,
                 "iv:me:zalö", "rg:s:-1", "rg:s: 1", "rg:s:1_0", "cs:wt:1:2:1_0:3",
                 "cs:wt:1:2:0x1:3", "pr:rm:2026-1-1", "w:1:2:1,,2", "wy:1:2:1:n:１"]:
        assert unpack(data) is None, data


def test_pack_refuses_what_no_channel_could_carry() -> None:
    with pytest.raises(ValueError):
        choicedata.pack("rg", "x" * 64)
    with pytest.raises(ValueError):
        choicedata.pack("iv:me", "zalö")
    assert choicedata.fields("rg:t:1:2", "rg", 3) == ["t", "1", "2"]
    assert choicedata.fields("rg:t:1:2", "rg", 2) is None
    assert choicedata.fields("rgx:t", "rg") is None
    assert choicedata.number("0012") == 12 and choicedata.number("1" * 19) is None
    assert council.unstamp("202612311700", ZoneInfo("Asia/Ho_Chi_Minh")) == datetime(
        2026, 12, 31, 17, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert council.unstamp("202613311700", ZoneInfo("Asia/Ho_Chi_Minh")) is None
