"""The lifecycle as the gemeenten practise it, over the API: a return gives a fresh term, a moved
warme-overdracht deadline lifts its flag, a summer-born child starts in the next school year, a domain
to discuss asks for a warme overdracht, and the parents hear when the overdracht opens."""

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import asyncpg
from dateutil.relativedelta import relativedelta

from db import protocol as protocols
from overdracht import demo
from tests.cases import NewCase, events
from tests.happy_path import COMPLETE_FORM
from tests.helpers import eventually

TODAY = date.today()


def overdracht_id(path: str) -> UUID:
    return UUID(path.rsplit("/", 1)[1])


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


async def test_a_return_gives_a_fresh_term_instead_of_escalating_at_once(new_case: NewCase, pool: asyncpg.Pool) -> None:
    # Past the school-known (3y9m) and send (3y10m) deadlines: the PM'er sent late, once.
    case = await new_case("verzonden", born=TODAY - relativedelta(years=3, months=11))
    before = datetime.now(UTC)

    returned = await case.step("POST", "/retouren", case.school, 201, {"reden": "Niet bij ons ingeschreven"})
    # The next step waits for whatever the return set off in the workflow.
    chosen = await case.step("PUT", "/school", case.pm, 200, {"schoolId": str(demo.POLDER)})

    # Consent was for the school that returned it: the parents are asked again, with a fresh term too.
    assert chosen["status"] == "bij_ouders"
    assert at(chosen["termijnen"]["deadlines"]["toestemming"]) >= before + timedelta(days=13)
    deadlines = returned["termijnen"]["deadlines"]
    # 10 working days (the protocol's na_retour_werkdagen) are at least 14 calendar days.
    assert at(deadlines["school_bekend"]) >= before + timedelta(days=13)
    assert at(deadlines["verzenden"]) >= before + timedelta(days=13)
    assert chosen["termijnen"]["openVlaggen"] == []
    timeline = await case.timeline(case.pm)
    after_return = timeline[[e["gebeurtenis"] for e in timeline].index("geretourneerd") :]
    assert events(after_return, "vlag_gezet") == []
    # Nobody was reminded or escalated to for the term that just began.
    rounds = await pool.fetch(
        "SELECT sleutel FROM berichten WHERE overdracht_id = $1 AND (sleutel LIKE 'verzenden:2:%'"
        " OR sleutel LIKE 'school_bekend:2:%')",
        overdracht_id(case.path),
    )
    assert rounds == []


async def test_receipt_with_a_later_first_school_day_lifts_the_late_warme_overdracht_flag(new_case: NewCase) -> None:
    # A VVE child past its 4th birthday: the warme overdracht (due before it) is late from the start.
    case = await new_case("concept", vve=True, born=TODAY - relativedelta(years=4, months=1))
    await eventually(lambda: case.get(case.pm), lambda b: "te_laat_warme_overdracht" in b["termijnen"]["openVlaggen"])
    await case.until("verzonden", COMPLETE_FORM)
    first_day = TODAY + timedelta(days=40)

    received = await case.step(
        "POST", "/ontvangstbevestigingen", case.school, 201, {"eersteSchooldag": first_day.isoformat()}
    )

    assert received["status"] == "ontvangen"
    assert at(received["termijnen"]["deadlines"]["warme_overdracht"]).date() == first_day - timedelta(days=1)
    assert "te_laat_warme_overdracht" not in received["termijnen"]["openVlaggen"]
    assert "te_laat_warme_overdracht" in received["termijnen"]["vlaggen"]  # it was late, and stays on record


async def test_a_child_turning_4_in_the_summer_holiday_starts_in_the_next_school_year(
    new_case: NewCase, pool: asyncpg.Pool
) -> None:
    protocol = await protocols.current(pool, demo.ALMERE)
    assert protocol is not None
    holiday = protocol.config.zomers[-1]
    birthday = holiday.van + timedelta(days=3)  # a few days into the holiday, before 1 August
    assert birthday.month == 7

    case = await new_case("concept", born=birthday - relativedelta(years=4))

    body = await case.get(case.pm)
    first_day = holiday.tot + timedelta(days=1)
    assert body["schooljaar"] == f"{birthday.year}-{birthday.year + 1}"
    assert at(body["termijnen"]["deadlines"]["warme_overdracht"]).date() == first_day - timedelta(days=1)
    # The monitoring counts it in that school year too.
    row = await pool.fetchval("SELECT schooljaar FROM overdrachten WHERE id = $1", overdracht_id(case.path))
    assert row == body["schooljaar"]


async def test_a_domain_to_discuss_in_the_warme_overdracht_makes_it_required(new_case: NewCase) -> None:
    form = {
        **COMPLETE_FORM,
        "ontwikkeling": {
            **COMPLETE_FORM["ontwikkeling"],
            "taal": {"niveau": "zoals_verwacht", "toelichting": "Tweetalig.", "besprekenInWarmeOverdracht": True},
        },
    }
    case = await new_case("concept", form=form)

    received = await case.until("ontvangen", form)

    assert received["status"] == "ontvangen"  # not AFGEROND: a warme overdracht is still to be held
    assert received["warmeOverdracht"]["vereist"] is True


async def test_the_parents_hear_when_the_overdracht_opens(new_case: NewCase, pool: asyncpg.Pool) -> None:
    case = await new_case("concept")

    queued = await eventually(
        lambda: pool.fetch(
            "SELECT soort, aanleiding FROM berichten WHERE overdracht_id = $1 AND ontvanger = 'ouders'",
            overdracht_id(case.path),
        )
    )

    assert [(r["soort"], r["aanleiding"]) for r in queued] == [("uitnodiging", "start")]
