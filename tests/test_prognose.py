"""The deadline forecast (GET /v1/monitoring/prognose) and the trend per month (GET /v1/monitoring/trend),
as a coordinator, a location manager and a school meet them, in JSON and as CSV; the key figures
filtered by wijk; and the count of VVE children without an overdracht per wijk (the overview's figure),
which must agree with the list.

As in tests/test_monitoring.py, each test has a gemeente of its own, so its numbers are exact while
other tests share the database; most overdrachten are written into the read model directly, and one
is opened through the real API so the rows the workflow writes are counted too."""

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from dateutil.relativedelta import relativedelta

from db import monitoring as monitoring_db
from protocol.dates import age_reached, amsterdam_date, end_of_day, whole_months
from schemas.monitoring import KindZonderOverdracht, ZonderOverdracht
from schemas.overdracht import Deadline, Status
from schemas.protocol import Leeftijd
from schemas.workflow import HandoverState
from tests.conftest import Login
from tests.happy_path import place_child
from tests.helpers import eventually
from tests.test_monitoring import (
    BASE,
    CSV_HEADERS,
    TODAY,
    Gemeente,
    a_birthday,
    a_gemeente,
    an_overdracht,
    assert_no_personal_data,
    open_through_the_api,
    parse_csv,
)
from workflows.deadlines import is_open

MONDAY = TODAY - timedelta(days=TODAY.weekday())
WEEKS = 8
NOW = datetime.now(UTC)


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def week_of(moment: datetime) -> int | None:
    """The week a deadline falls due in (0: this one), as the forecast counts it; None outside it."""
    if moment <= datetime.now(UTC):
        return None
    week = (monitoring_day(moment) - MONDAY).days // 7
    return week if week < WEEKS else None


def monitoring_day(moment: datetime) -> date:
    return amsterdam_date(moment - timedelta(microseconds=1))


async def forecast_row(pool: asyncpg.Pool, g: Gemeente, locatie: UUID, deadlines: dict[str, date], **row: Any) -> UUID:
    """An overdracht in the read model with these deadlines (ending at the end of each day); its
    `volgende_deadline` the earliest of them, as the workflow keeps it (or earlier)."""
    moments = {d: end_of_day(day_) for d, day_ in deadlines.items()}
    overdracht_id = await an_overdracht(pool, g, locatie, deadlines=moments, **row)
    await pool.execute(
        "UPDATE overdrachten SET volgende_deadline = $2 WHERE id = $1", overdracht_id, min(moments.values())
    )
    return overdracht_id


def expected(open_deadlines: list[tuple[UUID, UUID | None, str, datetime]]) -> dict[str, Any]:
    """The forecast's counts from (location, school, deadline, moment) of every open deadline."""
    per_deadline: dict[str, list[int]] = {d.value: [0] * WEEKS for d in Deadline}
    per_locatie: dict[str, list[int]] = {}
    per_school: dict[str | None, list[int]] = {}
    totaal = [0] * WEEKS
    for locatie, school, deadline, moment in open_deadlines:
        week = week_of(moment)
        if week is None:
            continue
        per_deadline[deadline][week] += 1
        per_locatie.setdefault(str(locatie), [0] * WEEKS)[week] += 1
        per_school.setdefault(str(school) if school else None, [0] * WEEKS)[week] += 1
        totaal[week] += 1
    return {"totaal": totaal, "deadline": per_deadline, "locatie": per_locatie, "school": per_school}


def counted(body: dict[str, Any]) -> dict[str, Any]:
    def groep(g: dict[str, Any]) -> str | None:
        return g["groep"]["id"] if g["groep"] else None

    for g in [*body["locaties"], *body["scholen"], *body["perDeadline"], body["totaal"]]:
        assert sum(g["perWeek"]) == g["totaal"], g
    return {
        "totaal": body["totaal"]["perWeek"],
        "deadline": {d["deadline"]: d["perWeek"] for d in body["perDeadline"]},
        "locatie": {groep(g): g["perWeek"] for g in body["locaties"]},
        "school": {groep(g): g["perWeek"] for g in body["scholen"]},
    }


async def test_the_forecast_counts_the_open_deadlines_per_week_deadline_location_and_school(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    born = [a_birthday() for _ in range(6)]
    sent = NOW - timedelta(days=2)
    # Consent and sending are due; the school is known, so its deadline is not.
    await forecast_row(
        pool, g, g.l1, {"toestemming": day(3), "school_bekend": day(10), "verzenden": day(20)}, school=g.s1,
        born=born[0],
    )  # fmt: skip
    # Sent: only the confirmation is due.
    await forecast_row(
        pool, g, g.l2, {"toestemming": day(1), "verzenden": day(2), "bevestigen": day(8)}, school=g.s2,
        status=Status.VERZONDEN, verzonden_op=sent, toestemming_op=sent, born=born[1],
    )  # fmt: skip
    # Overdue consent (not forecast: the achterstanden have it); the school is due; sending is too far ahead.
    await forecast_row(
        pool, g, g.l3, {"toestemming": day(-1), "school_bekend": day(5), "verzenden": day(70)},
        status=Status.BIJ_OUDERS, born=born[2],
    )  # fmt: skip
    # Ended: nothing is due any more.
    await forecast_row(
        pool, g, g.l1, {"warme_overdracht": day(4)}, school=g.s1, status=Status.AFGEROND, vve=True, born=born[3]
    )
    # Received, a VVE child: the warme overdracht is due (the confirmation is done).
    await forecast_row(
        pool, g, g.l2, {"bevestigen": day(2), "warme_overdracht": day(14)}, school=g.s1,
        status=Status.ONTVANGEN, vve=True, verzonden_op=sent, ontvangen_op=NOW, born=born[4],
    )  # fmt: skip
    # Due tonight: still this week's.
    await forecast_row(pool, g, g.l3, {"toestemming": day(0)}, school=g.s2, born=born[5])
    # Through the real API: a child at l1 without a school, whose consent is due in about two weeks.
    live_born = TODAY + timedelta(days=15) - relativedelta(years=3, months=8)
    live = await open_through_the_api(api, pool, login, g, school_id=None, born=live_born)
    row = await eventually(
        lambda: pool.fetchrow("SELECT deadlines FROM overdrachten WHERE id = $1", UUID(live)),
        lambda r: r is not None and "school_bekend" in json.loads(r["deadlines"]),
    )
    assert row is not None
    live_deadlines = {d: datetime.fromisoformat(m) for d, m in json.loads(row["deadlines"]).items()}
    assert week_of(live_deadlines["toestemming"]) is not None  # the case is what it means to be

    want = expected(
        [
            (g.l1, g.s1, "toestemming", end_of_day(day(3))),
            (g.l1, g.s1, "verzenden", end_of_day(day(20))),
            (g.l2, g.s2, "bevestigen", end_of_day(day(8))),
            (g.l3, None, "school_bekend", end_of_day(day(5))),
            (g.l2, g.s1, "warme_overdracht", end_of_day(day(14))),
            (g.l3, g.s2, "toestemming", end_of_day(day(0))),
            *(
                (g.l1, None, d, m)
                for d, m in live_deadlines.items()
                if d in ("toestemming", "school_bekend", "verzenden")
            ),
        ]
    )
    coordinator = await login(g.coordinator)
    r = await api.get(f"{BASE}/prognose", headers=coordinator)
    assert r.status_code == 200, r.text
    body = r.json()
    assert counted(body) == want
    assert body["peildatum"] == TODAY.isoformat()
    assert [w["van"] for w in body["weken"]] == [(MONDAY + timedelta(weeks=i)).isoformat() for i in range(WEEKS)]
    assert body["weken"][0]["week"] == f"{MONDAY.isocalendar().year}-W{MONDAY.isocalendar().week:02d}"
    assert [d["deadline"] for d in body["perDeadline"]] == [d.value for d in Deadline]
    # By name; the overdrachten without a school last.
    assert [s["groep"]["naam"] if s["groep"] else None for s in body["scholen"]] == [
        "Basisschool De Horizon", "Kindcentrum Het Kompas", None
    ]  # fmt: skip
    assert [loc["groep"]["naam"] for loc in body["locaties"]] == [
        "Kinderdagverblijf De Vlinder", "Peuteropvang Het Anker", "Peuterspeelzaal Zeeën"
    ]  # fmt: skip
    assert_no_personal_data(r.text, *born, live_born)

    # Filtered to a location, a school, a wijk; the location manager sees their own location's.
    only_l1 = counted((await api.get(f"{BASE}/prognose", headers=coordinator, params={"locatieId": str(g.l1)})).json())
    assert set(only_l1["locatie"]) == {str(g.l1)} and only_l1["locatie"][str(g.l1)] == want["locatie"][str(g.l1)]
    own = counted((await api.get(f"{BASE}/prognose", headers=await login(g.lm1))).json())
    assert own == only_l1
    s1 = counted((await api.get(f"{BASE}/prognose", headers=coordinator, params={"schoolId": str(g.s1)})).json())
    assert set(s1["school"]) == {str(g.s1)}
    # The school sees what was sent to it: here the warme overdracht at l2 (the rest is not sent).
    school = counted((await api.get(f"{BASE}/prognose", headers=await login(g.school1))).json())
    assert school["deadline"]["warme_overdracht"] == want["deadline"]["warme_overdracht"]
    assert sum(school["totaal"]) == 1 and set(school["locatie"]) == {str(g.l2)}
    zuid = counted((await api.get(f"{BASE}/prognose", headers=coordinator, params={"stadsdeelId": str(g.zuid)})).json())
    assert set(zuid["locatie"]) == {str(g.l3)}

    # A second gemeente's coordinator sees none of it, and this one none of theirs.
    elders = await a_gemeente(pool)
    await forecast_row(pool, elders, elders.l1, {"toestemming": day(2)}, school=elders.s1)
    theirs = (await api.get(f"{BASE}/prognose", headers=await login(elders.coordinator))).json()
    assert theirs["totaal"]["totaal"] == 1 and [loc["groep"]["id"] for loc in theirs["locaties"]] == [str(elders.l1)]
    assert counted((await api.get(f"{BASE}/prognose", headers=coordinator)).json()) == want

    # The same as CSV: a row per deadline, location and school, then the total.
    rows = parse_csv(await api.get(f"{BASE}/prognose", headers=coordinator | CSV_HEADERS))
    weeks = [k for k in rows[0] if k.startswith(f"{MONDAY.isocalendar().year}-W") or "-W" in k]
    assert len(weeks) == WEEKS and weeks[0].endswith(f"({MONDAY.isoformat()})")
    assert [r["Soort"] for r in rows] == ["Deadline"] * 5 + ["Locatie"] * 3 + ["School"] * 3 + ["Totaal"]
    total = rows[-1]
    assert [int(total[w]) for w in weeks] == want["totaal"] and int(total["Totaal"]) == sum(want["totaal"])
    assert rows[10]["Naam"] == "Nog geen school" and rows[10]["Id"] == ""
    assert_no_personal_data(json.dumps(rows), *born, live_born)


async def test_the_forecast_asks_the_workflows_own_rule_which_deadlines_are_open(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    """For an overdracht in every state, with or without a school, sent or not, with a warme overdracht
    held or not: the forecast counts exactly the deadlines workflows/deadlines.is_open calls open."""
    g = await a_gemeente(pool)
    every = {d.value: day(2) for d in Deadline}
    want: Counter[str] = Counter()
    for status in Status:
        for variant in range(3):
            school = g.s1 if variant else None
            sent = NOW if variant and status not in (Status.CONCEPT, Status.BIJ_OUDERS) else None
            held = TODAY if variant == 2 else None
            await forecast_row(
                pool, g, g.l1, every, status=status, school=school, verzonden_op=sent, vve=True, gehouden_op=held
            )
            state = HandoverState.model_validate(
                {
                    "overdracht_id": UUID(int=1), "kind_id": UUID(int=2), "gemeente_id": g.id, "locatie_id": g.l1,
                    "status": status, "school_id": school, "verzonden_op": sent, "warme_overdracht_vereist": True,
                    "warme_overdracht_gehouden_op": held,
                }
            )  # fmt: skip
            want.update(d.value for d in Deadline if is_open(d, state))

    body = (await api.get(f"{BASE}/prognose", headers=await login(g.coordinator))).json()

    week = (day(2) - MONDAY).days // 7
    assert {d["deadline"]: d["perWeek"][week] for d in body["perDeadline"]} == {
        d.value: want[d.value] for d in Deadline
    }
    assert all(want.values()) and sum(want.values()) < len(Status) * 3 * len(Deadline)  # some open, not all


async def test_the_forecast_takes_one_to_26_weeks_and_refuses_a_beheerder(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    await forecast_row(pool, g, g.l1, {"toestemming": day(1)}, school=g.s1)
    coordinator = await login(g.coordinator)

    two = await api.get(f"{BASE}/prognose", headers=coordinator, params={"weken": 2})

    assert two.status_code == 200 and len(two.json()["weken"]) == 2 and len(two.json()["totaal"]["perWeek"]) == 2
    for weken in (0, 27, "acht"):
        r = await api.get(f"{BASE}/prognose", headers=coordinator, params={"weken": weken})
        assert r.status_code == 400, r.text
    assert (await api.get(f"{BASE}/prognose", headers=coordinator, params={"week": 2})).status_code == 400
    assert (await api.get(f"{BASE}/prognose", headers=await login(g.beheerder))).status_code == 403
    assert (await api.get(f"{BASE}/prognose")).status_code == 401


# The trend per month, and the key figures by wijk


async def test_the_trend_counts_the_steps_per_month_they_were_taken(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)

    def at(year: int, month: int, d: int) -> datetime:
        return datetime(year, month, d, 10, tzinfo=UTC)

    deadlines = {
        "toestemming": end_of_day(date(2026, 3, 15)),
        "verzenden": end_of_day(date(2026, 5, 15)),
        "bevestigen": end_of_day(date(2026, 5, 20)),
    }
    # Consent in March on time; sent in May on time, confirmed in May late.
    await an_overdracht(
        pool, g, g.l1, school=g.s1, status=Status.ONTVANGEN, deadlines=deadlines, toestemming_op=at(2026, 3, 10),
        verzonden_op=at(2026, 5, 10), ontvangen_op=at(2026, 5, 25),
    )  # fmt: skip
    # Consent late in March (the last evening of March in Amsterdam is still March), in another wijk.
    await an_overdracht(
        pool, g, g.l3, status=Status.WACHT_OP_SCHOOL, deadlines=deadlines,
        toestemming_op=datetime(2026, 3, 31, 21, 30, tzinfo=UTC),
    )  # fmt: skip
    coordinator = await login(g.coordinator)

    r = await api.get(f"{BASE}/trend", headers=coordinator)

    assert r.status_code == 200, r.text
    zero = {"opTijd": 0, "teLaat": 0}
    assert r.json() == {
        "schooljaar": None,
        "maanden": [
            {"maand": "2026-03", "tijdigheid": {"toestemming": {"opTijd": 1, "teLaat": 1}, "verzenden": zero,
                                                "bevestigen": zero}},
            {"maand": "2026-04", "tijdigheid": {"toestemming": zero, "verzenden": zero, "bevestigen": zero}},
            {"maand": "2026-05", "tijdigheid": {"toestemming": zero, "verzenden": {"opTijd": 1, "teLaat": 0},
                                                "bevestigen": {"opTijd": 0, "teLaat": 1}}},
        ],
    }  # fmt: skip
    haven = (await api.get(f"{BASE}/trend", headers=coordinator, params={"wijkId": str(g.haven)})).json()
    assert haven["maanden"][0]["tijdigheid"]["toestemming"] == {"opTijd": 1, "teLaat": 0}
    other_year = (await api.get(f"{BASE}/trend", headers=coordinator, params={"schooljaar": "2001-2002"})).json()
    assert other_year == {"schooljaar": "2001-2002", "maanden": []}
    rows = parse_csv(await api.get(f"{BASE}/trend", headers=coordinator | CSV_HEADERS))
    assert [r["Maand"] for r in rows] == ["2026-03", "2026-04", "2026-05"]
    assert rows[0]["Toestemming op tijd"] == "1" and rows[2]["Ontvangst bevestigd te laat"] == "1"
    elders = await a_gemeente(pool)
    assert (await api.get(f"{BASE}/trend", headers=await login(elders.coordinator))).json()["maanden"] == []


async def test_the_key_figures_are_filtered_by_wijk_and_stadsdeel(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    await an_overdracht(pool, g, g.l1)
    await an_overdracht(pool, g, g.l2)
    await an_overdracht(pool, g, g.l3, status=Status.GEWEIGERD)
    coordinator = await login(g.coordinator)

    async def totaal(**params: str) -> int:
        r = await api.get(f"{BASE}/kengetallen", headers=coordinator, params={"groepering": "wijk", **params})
        assert r.status_code == 200, r.text
        return int(r.json()["schooljaren"][0]["totaal"]["aantal"]) if r.json()["schooljaren"] else 0

    assert await totaal() == 3
    assert await totaal(wijkId=str(g.haven)) == 1
    assert await totaal(stadsdeelId=str(g.noord)) == 2
    assert await totaal(stadsdeelId=str(g.zuid), wijkId=str(g.haven)) == 0


# The VVE children without an overdracht, counted per wijk


@pytest.mark.parametrize("today", [date(2027, 2, 28), date(2028, 2, 29), date(2027, 3, 1), TODAY])
async def test_the_count_per_wijk_agrees_with_the_list_at_month_ends(pool: asyncpg.Pool, today: date) -> None:
    """PostgreSQL's date + interval clamps month ends as age_reached does: 31 August + 3½ years is the
    last day of February; the list's whole months, counted in SQL too, are protocol.dates' whole_months."""
    g = await a_gemeente(pool)
    start = Leeftijd(jaren=3, maanden=6)
    births = [
        today - relativedelta(years=3, months=6),
        today - relativedelta(years=3, months=6, days=-1),  # a day short
        date(today.year - 4, 8, 31),
        date(today.year - 4, 8, 30),
        date(today.year - 4, 9, 1),
        date(today.year - 4, 1, 31),
        date(today.year - 5, 5, 31),
        today - relativedelta(years=4),
    ]
    born_of = {}
    for i, born in enumerate(births):
        kind_id, _ = await place_child(pool, g.l1 if i % 2 else g.l3, None, vve=True, born=born)
        born_of[kind_id] = born
    await place_child(pool, g.l1, None, vve=False, born=births[-1])  # no VVE-indicatie: not counted
    await an_overdracht(pool, g, g.l1, vve=True, born=births[-1])  # has an overdracht: not counted

    async def zonder(filters: monitoring_db.Filters | None = None) -> list[KindZonderOverdracht]:
        row = await monitoring_db.zonder_overdracht(pool, g.id, start, today, 1, filters)
        return ZonderOverdracht.model_validate_json(row["antwoord"]).kinderen

    listed = await zonder()
    per_wijk = await monitoring_db.zonder_overdracht_per_wijk(pool, g.id, start, today)

    assert {r["wijk_id"]: r["aantal"] for r in per_wijk} == dict(Counter(k.wijk.id for k in listed))
    assert listed and sum(r["aantal"] for r in per_wijk) == len(listed)
    reached = {k: age_reached(born, 3, 6) for k, born in born_of.items()}
    expected = {k: whole_months(r, today) for k, r in reached.items() if r <= today}
    assert {k.kind_id: k.maanden_na_startleeftijd for k in listed} == expected
    only_haven = monitoring_db.Filters(wijk_id=g.haven)
    in_haven = await zonder(only_haven)
    assert {k.wijk.id for k in in_haven} <= {g.haven}
    counts = await monitoring_db.zonder_overdracht_per_wijk(pool, g.id, start, today, only_haven)
    assert {r["wijk_id"]: r["aantal"] for r in counts} == ({g.haven: len(in_haven)} if in_haven else {})
