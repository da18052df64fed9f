"""The monitoring as a coordinator, a location manager and a school meet it: what is overdue, the key
figures, the VVE children without an overdracht; in JSON and as a CSV a Dutch spreadsheet opens.

Each test has a gemeente of its own, so its numbers are exact while other tests share the database.
The endpoints only read the read model, so most overdrachten are written into it directly with the
states, flags, dates and deadlines a case needs (a workflow reaches "late" only when months pass);
one in each test is opened through the real API, to prove the rows the workflow writes are counted."""

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from dateutil.relativedelta import relativedelta

from api.csv import wants_csv
from db import protocol as protocols
from protocol.dates import age_reached, amsterdam_date, end_of_day, school_year
from schemas.overdracht import Status
from schemas.protocol import Leeftijd, ProtocolConfig
from tests.conftest import Login
from tests.happy_path import place_child
from tests.helpers import assert_problem, eventually

BASE = "/v1/monitoring"
CSV_HEADERS = {"Accept": "text/csv"}
TODAY = amsterdam_date(datetime.now(UTC))
# Every child here is "Testkind Proef-…" (tests.happy_path.place_child), born on a day of its own.
NAMES = ("Testkind", "Proef-")


@dataclass
class Gemeente:
    """A gemeente with two stadsdelen: Noord (wijken Haven with location l1 and school s1, Kerkwijk with
    l2) and Zuid (wijk Zeeënbuurt with l3 and s2), and its people."""

    id: UUID
    noord: UUID
    zuid: UUID
    haven: UUID
    kerkwijk: UUID
    zeeenbuurt: UUID
    l1: UUID
    l2: UUID
    l3: UUID
    s1: UUID
    s2: UUID
    coordinator: UUID
    beheerder: UUID
    lm1: UUID
    pm1: UUID
    school1: UUID
    school2: UUID


async def a_gemeente(pool: asyncpg.Pool, *, with_protocol: bool = True) -> Gemeente:
    ids = [uuid4() for _ in range(17)]
    g = Gemeente(*ids)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("INSERT INTO gemeenten VALUES ($1, 'Monitorstad')", g.id)
        await conn.executemany(
            "INSERT INTO stadsdelen VALUES ($1, $2, $3)", [(g.noord, g.id, "Noord"), (g.zuid, g.id, "Zuid")]
        )
        await conn.executemany(
            "INSERT INTO wijken VALUES ($1, $2, $3)",
            [(g.haven, g.noord, "Haven"), (g.kerkwijk, g.noord, "Kerkwijk"), (g.zeeenbuurt, g.zuid, "Zeeënbuurt")],
        )
        await conn.executemany(
            "INSERT INTO locaties VALUES ($1, $2, $3)",
            [
                (g.l1, g.haven, "Peuteropvang Het Anker"),
                (g.l2, g.kerkwijk, "Kinderdagverblijf De Vlinder"),
                (g.l3, g.zeeenbuurt, "Peuterspeelzaal Zeeën"),
            ],
        )
        await conn.executemany(
            "INSERT INTO scholen (id, wijk_id, naam) VALUES ($1, $2, $3)",
            [(g.s1, g.haven, "Basisschool De Horizon"), (g.s2, g.zeeenbuurt, "Kindcentrum Het Kompas")],
        )
        await conn.executemany(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id, school_id) VALUES ($1, $2, $3, $4, $5, $6)",
            [
                (g.coordinator, "Coördinator", "coordinator", g.id, None, None),
                (g.beheerder, "Beheerder", "beheerder", g.id, None, None),
                (g.lm1, "Locatiemanager", "locatiemanager", g.id, g.l1, None),
                (g.pm1, "Mentor", "pedagogisch_medewerker", g.id, g.l1, None),
                (g.school1, "IB'er Horizon", "school", g.id, None, g.s1),
                (g.school2, "IB'er Kompas", "school", g.id, None, g.s2),
            ],
        )
    if with_protocol:
        await protocols.store(pool, g.id, ProtocolConfig())
    return g


_born = iter(range(1, 10_000))


def a_birthday(years: int = 3, months: int = 7) -> date:
    """A date of birth of this age, each a different day, so a leak of one is recognisable."""
    return TODAY - relativedelta(years=years, months=months, days=next(_born) % 25)


async def an_overdracht(
    pool: asyncpg.Pool,
    g: Gemeente,
    locatie: UUID,
    *,
    school: UUID | None = None,
    status: Status = Status.CONCEPT,
    schooljaar: str | None = None,
    vve: bool = False,
    born: date | None = None,
    vlaggen: tuple[str, ...] = (),
    open_vlaggen: tuple[str, ...] = (),
    achterstallig_sinds: datetime | None = None,
    deadlines: dict[str, datetime] | None = None,
    toestemming_op: datetime | None = None,
    verzonden_op: datetime | None = None,
    ontvangen_op: datetime | None = None,
    eerste_schooldag: date | None = None,
    gehouden_op: date | None = None,
) -> UUID:
    """A child placed at `locatie` and its overdracht's row in the read model, as the workflow would
    have written it in this state."""
    kind_id, _ = await place_child(pool, locatie, school, vve=vve, born=born or a_birthday())
    overdracht_id = uuid4()
    await pool.execute(
        """
        INSERT INTO overdrachten (id, kind_id, gemeente_id, locatie_id, school_id, status, revisie, geopend_op,
            bijgewerkt_op, deadlines, vlaggen, open_vlaggen, achterstallig_sinds, toestemming_op, verzonden_op,
            ontvangen_op, eerste_schooldag, warme_overdracht_vereist, warme_overdracht_gehouden_op, geweigerd_op,
            schooljaar, vve_indicatie)
        VALUES ($1, $2, $3, $4, $5, $6, 1, now(), now(), $7::jsonb, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
            $18, $15)
        """,
        overdracht_id, kind_id, g.id, locatie, school, status.value,
        json.dumps({d: m.isoformat() for d, m in (deadlines or {}).items()}),
        list(vlaggen), list(open_vlaggen), achterstallig_sinds, toestemming_op, verzonden_op, ontvangen_op,
        eerste_schooldag, vve, gehouden_op, datetime.now(UTC) if status is Status.GEWEIGERD else None,
        schooljaar or SCHOOLJAAR,
    )  # fmt: skip
    return overdracht_id


# A child of 3 years 7 months starts school in this year: the year of the rows made here, and of the
# row the workflow writes for the child opened through the API (born on this day).
BORN_FOR_THE_API = TODAY - relativedelta(years=3, months=7)
SCHOOLJAAR = school_year(age_reached(BORN_FOR_THE_API, 4))


async def open_through_the_api(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, g: Gemeente, **child: Any
) -> str:
    kind_id, _ = await place_child(pool, g.l1, **child)
    r = await api.post("/v1/overdrachten", headers=await login(g.pm1), json={"kindId": str(kind_id)})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def assert_no_personal_data(text: str, *born: date) -> None:
    assert not any(name in text for name in NAMES)
    assert "voornaam" not in text.lower() and "geboortedatum" not in text.lower()
    for day in born:
        assert day.isoformat() not in text and day.strftime("%d-%m-%Y") not in text


def parse_csv(r: httpx.Response) -> list[dict[str, str]]:
    """The download as a Dutch spreadsheet reads it: the BOM, `;`, a header row."""
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"].startswith("attachment; filename=")
    assert r.content.startswith(b"\xef\xbb\xbf")
    text = r.content.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert ";" in header and "," not in header
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def ids(page: dict[str, Any]) -> list[str]:
    return [a["overdrachtId"] for a in page["resultaten"]]


# What is overdue now


async def test_what_is_overdue_is_listed_oldest_first_with_metadata_only(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    t0 = datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
    deadlines = {
        "toestemming": end_of_day(date(2026, 8, 20)),
        "school_bekend": end_of_day(date(2026, 8, 31)),
        "verzenden": end_of_day(date(2026, 9, 30)),
    }
    born = [a_birthday() for _ in range(4)]
    # Made in another order than the one they are overdue in.
    middle = await an_overdracht(
        pool, g, g.l2, born=born[0], vlaggen=("te_laat_verzenden",), open_vlaggen=("te_laat_verzenden",),
        achterstallig_sinds=t0 + timedelta(days=30), deadlines=deadlines, school=g.s1,
    )  # fmt: skip
    oldest = await an_overdracht(
        pool, g, g.l3, born=born[1], status=Status.BIJ_OUDERS, vlaggen=("school_onbekend", "te_laat_toestemming"),
        open_vlaggen=("school_onbekend", "te_laat_toestemming"), achterstallig_sinds=t0, deadlines=deadlines,
    )  # fmt: skip
    await an_overdracht(  # late once, done since: not overdue now
        pool, g, g.l1, born=born[2], status=Status.GEREED_VOOR_VERZENDING, vlaggen=("te_laat_toestemming",),
        deadlines=deadlines, school=g.s1,
    )  # fmt: skip
    # Through the real API: a child of 3 years 11 months without a school. Its consent, school and send
    # deadlines passed before it opened, so the workflow flags them at once.
    old_child = a_birthday(3, 11)
    live = await open_through_the_api(api, pool, login, g, school_id=None, vve=True, born=old_child)
    coordinator = await login(g.coordinator)

    async def listing() -> dict[str, Any]:
        return (await api.get(f"{BASE}/achterstanden", headers=coordinator, params={"pageSize": 100})).json()

    page = await eventually(
        listing, lambda p: live in ids(p) and len(p["resultaten"][-1]["openVlaggen"]) == 3, within=30
    )

    assert ids(page) == [str(oldest), str(middle), live]
    assert page["volgendeCursor"] is None
    assert page["resultaten"][0] == {
        "overdrachtId": str(oldest),
        "status": "bij_ouders",
        "openVlaggen": ["school_onbekend", "te_laat_toestemming"],
        "achterstalligSinds": "2026-09-01T08:30:00Z",
        # Only the deadlines of what is overdue, not the send deadline still ahead of it.
        "deadlines": {"school_bekend": "2026-08-31T22:00:00Z", "toestemming": "2026-08-20T22:00:00Z"},
        "locatie": {"id": str(g.l3), "naam": "Peuterspeelzaal Zeeën"},
        "wijk": {"id": str(g.zeeenbuurt), "naam": "Zeeënbuurt"},
        "stadsdeel": {"id": str(g.zuid), "naam": "Zuid"},
        "school": None,
        "schooljaar": SCHOOLJAAR,
    }
    assert page["resultaten"][1]["school"] == {"id": str(g.s1), "naam": "Basisschool De Horizon"}
    from_workflow = page["resultaten"][2]
    assert sorted(from_workflow["openVlaggen"]) == ["school_onbekend", "te_laat_toestemming", "te_laat_verzenden"]
    assert datetime.fromisoformat(from_workflow["deadlines"]["verzenden"]) == end_of_day(age_reached(old_child, 3, 10))
    assert from_workflow["schooljaar"] == school_year(age_reached(old_child, 4))
    assert_no_personal_data(json.dumps(page), *born, old_child)

    # The same list as a download: every row at once, whatever the page size.
    download = await api.get(f"{BASE}/achterstanden", headers=coordinator | CSV_HEADERS, params={"pageSize": 1})
    rows = parse_csv(download)
    assert [r["Overdracht"] for r in rows] == ids(page)
    assert rows[0] == {
        "Overdracht": str(oldest),
        "Status": "bij_ouders",
        "Achterstallig sinds": "2026-09-01 10:30",  # Amsterdam time
        "Open vlaggen": "school_onbekend, te_laat_toestemming",
        "Deadline toestemming": "2026-08-20",  # the day it ends
        "Deadline school bekend": "2026-08-31",
        "Deadline verzenden": "",
        "Deadline bevestigen": "",
        "Deadline warme overdracht": "",
        "Locatie": "Peuterspeelzaal Zeeën",
        "Wijk": "Zeeënbuurt",
        "Stadsdeel": "Zuid",
        "School": "",
        "Schooljaar": SCHOOLJAAR,
        "Locatie-id": str(g.l3),
        "Wijk-id": str(g.zeeenbuurt),
        "Stadsdeel-id": str(g.zuid),
        "School-id": "",
    }
    assert_no_personal_data(download.content.decode("utf-8-sig"), *born, old_child)


async def test_what_is_overdue_filters_and_stays_within_each_roles_scope(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    t0 = datetime(2026, 10, 1, tzinfo=UTC)
    sent = t0 - timedelta(days=20)
    next_year = f"{int(SCHOOLJAAR[:4]) + 1}-{int(SCHOOLJAAR[:4]) + 2}"
    unconfirmed = await an_overdracht(
        pool, g, g.l1, school=g.s1, status=Status.VERZONDEN, verzonden_op=sent, vlaggen=("te_laat_bevestigen",),
        open_vlaggen=("te_laat_bevestigen",), achterstallig_sinds=t0,
    )  # fmt: skip
    no_school = await an_overdracht(
        pool, g, g.l2, vlaggen=("school_onbekend",), open_vlaggen=("school_onbekend",),
        achterstallig_sinds=t0 + timedelta(days=1),
    )  # fmt: skip
    unsent = await an_overdracht(
        pool, g, g.l3, school=g.s2, status=Status.GEREED_VOOR_VERZENDING, schooljaar=next_year,
        vlaggen=("te_laat_verzenden",), open_vlaggen=("te_laat_verzenden",), achterstallig_sinds=t0 + timedelta(days=2),
    )  # fmt: skip
    no_consent = await an_overdracht(
        pool, g, g.l1, school=g.s1, status=Status.BIJ_OUDERS, vlaggen=("te_laat_toestemming",),
        open_vlaggen=("te_laat_toestemming",), achterstallig_sinds=t0 + timedelta(days=3),
    )  # fmt: skip
    coordinator = await login(g.coordinator)

    async def listed(who: dict[str, str], **params: Any) -> list[str]:
        r = await api.get(f"{BASE}/achterstanden", headers=who, params=params)
        assert r.status_code == 200, r.text
        return ids(r.json())

    expect = {str(k): k for k in (unconfirmed, no_school, unsent, no_consent)}
    assert [expect[i] for i in await listed(coordinator)] == [unconfirmed, no_school, unsent, no_consent]
    assert await listed(coordinator, vlag="te_laat_bevestigen") == [str(unconfirmed)]
    assert await listed(coordinator, vlag=["school_onbekend", "te_laat_verzenden"]) == [str(no_school), str(unsent)]
    assert await listed(coordinator, locatieId=str(g.l1)) == [str(unconfirmed), str(no_consent)]
    assert await listed(coordinator, schoolId=str(g.s1)) == [str(unconfirmed), str(no_consent)]
    assert await listed(coordinator, wijkId=str(g.kerkwijk)) == [str(no_school)]
    assert await listed(coordinator, stadsdeelId=str(g.noord)) == [str(unconfirmed), str(no_school), str(no_consent)]
    assert await listed(coordinator, schooljaar=next_year) == [str(unsent)]
    assert await listed(coordinator, locatieId=str(g.l1), vlag="te_laat_toestemming") == [str(no_consent)]

    # The location manager: its location only, whatever it filters on.
    for who in (await login(g.lm1),):
        assert await listed(who) == [str(unconfirmed), str(no_consent)]
        assert await listed(who, locatieId=str(g.l2)) == []
    # The school: only what was sent to it; not what is still to be sent to it.
    assert await listed(await login(g.school1)) == [str(unconfirmed)]
    assert await listed(await login(g.school2)) == []

    bad = await api.get(f"{BASE}/achterstanden", headers=coordinator, params={"schooljaar": "2026/27"})
    assert "schooljaar" in {p["name"] for p in assert_problem(bad, 400)["invalidParams"]}
    assert_problem(await api.get(f"{BASE}/achterstanden", headers=coordinator, params={"vlag": "te_vroeg"}), 400)
    # A typo would silently widen the list: it is refused, by name.
    typo = await api.get(f"{BASE}/achterstanden", headers=coordinator, params={"schooljar": next_year})
    assert [p["name"] for p in assert_problem(typo, 400)["invalidParams"]] == ["schooljar"]


async def test_what_is_overdue_pages_with_a_cursor(api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login) -> None:
    g = await a_gemeente(pool)
    t0 = datetime(2026, 10, 1, tzinfo=UTC)
    # Two flagged at the same moment (one timer for many): the id keeps their order stable.
    moments = [t0, t0 + timedelta(hours=1), t0 + timedelta(hours=1), t0 + timedelta(days=2), t0 + timedelta(days=3)]
    for moment in moments:
        await an_overdracht(
            pool, g, g.l1, vlaggen=("te_laat_toestemming",), open_vlaggen=("te_laat_toestemming",),
            achterstallig_sinds=moment,
        )  # fmt: skip
    coordinator = await login(g.coordinator)
    everything = ids((await api.get(f"{BASE}/achterstanden", headers=coordinator)).json())

    seen, pages, cursor = [], 0, None
    while True:
        params = {"pageSize": 2} | ({"cursor": cursor} if cursor else {})
        page = (await api.get(f"{BASE}/achterstanden", headers=coordinator, params=params)).json()
        seen += ids(page)
        pages += 1
        if not (cursor := page["volgendeCursor"]):
            break

    assert len(everything) == 5 and seen == everything and pages == 3
    bad = await api.get(f"{BASE}/achterstanden", headers=coordinator, params={"cursor": "bm90LWEtY3Vyc29y"})
    assert [p["name"] for p in assert_problem(bad, 400)["invalidParams"]] == ["cursor"]


async def test_parents_and_the_administrator_see_no_monitoring(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    _, parent_id = await place_child(pool, g.l1, g.s1)
    for who in (await login(parent_id), await login(g.beheerder)):
        for path in ("achterstanden", "kengetallen", "zonder-overdracht"):
            assert_problem(await api.get(f"{BASE}/{path}", headers=who), 403)
            assert_problem(await api.get(f"{BASE}/{path}", headers=who | CSV_HEADERS), 403)
    for path in ("achterstanden", "kengetallen", "zonder-overdracht"):
        assert_problem(await api.get(f"{BASE}/{path}"), 401)


async def test_a_name_a_spreadsheet_would_run_as_a_formula_stays_text(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    await pool.execute("UPDATE locaties SET naam = '=HYPERLINK(\"http://x.invalid\")' WHERE id = $1", g.l1)
    await an_overdracht(
        pool, g, g.l1, vlaggen=("te_laat_toestemming",), open_vlaggen=("te_laat_toestemming",),
        achterstallig_sinds=datetime(2026, 10, 1, tzinfo=UTC),
    )  # fmt: skip

    rows = parse_csv(await api.get(f"{BASE}/achterstanden", headers=await login(g.coordinator) | CSV_HEADERS))

    assert [r["Locatie"] for r in rows] == ['\'=HYPERLINK("http://x.invalid")']


# Key figures


def cijfers(
    aantal: int,
    per_status: dict[str, int],
    toestemming: tuple[int, int] = (0, 0),
    verzenden: tuple[int, int] = (0, 0),
    bevestigen: tuple[int, int] = (0, 0),
    vve: tuple[int, int] = (0, 0),
    geweigerd: int = 0,
    school_onbekend: int = 0,
) -> dict[str, Any]:
    """The figures as the coordinator reads them; (on time, late) per step, (before the first school
    day, received) for the VVE children."""

    def stap(n: tuple[int, int]) -> dict[str, int]:
        return {"opTijd": n[0], "teLaat": n[1]}

    return {
        "aantal": aantal,
        "perStatus": {s.value: per_status.get(s.value, 0) for s in Status},
        "tijdigheid": {"toestemming": stap(toestemming), "verzenden": stap(verzenden), "bevestigen": stap(bevestigen)},
        "warmeOverdrachtVve": {"voorEersteSchooldag": vve[0], "ontvangen": vve[1]},
        "geweigerd": geweigerd,
        "schoolOnbekend": school_onbekend,
    }


def as_csv_row(c: dict[str, Any]) -> dict[str, str]:
    """The same figures under the CSV's Dutch column names."""
    row = {"Aantal overdrachten": c["aantal"]}
    row |= {f"Status {s.lower().replace('_', ' ')}": n for s, n in c["perStatus"].items()}
    for stap, kolom in (
        ("toestemming", "Toestemming"),
        ("verzenden", "Verzonden"),
        ("bevestigen", "Ontvangst bevestigd"),
    ):
        row[f"{kolom} op tijd"] = c["tijdigheid"][stap]["opTijd"]
        row[f"{kolom} te laat"] = c["tijdigheid"][stap]["teLaat"]
    row["VVE ontvangen"] = c["warmeOverdrachtVve"]["ontvangen"]
    row["VVE warme overdracht voor eerste schooldag"] = c["warmeOverdrachtVve"]["voorEersteSchooldag"]
    row["Geweigerd"] = c["geweigerd"]
    row["School onbekend bij deadline"] = c["schoolOnbekend"]
    return {k: str(v) for k, v in row.items()}


DEADLINE = {
    "toestemming": end_of_day(date(2026, 3, 10)),
    "school_bekend": end_of_day(date(2026, 3, 20)),
    "verzenden": end_of_day(date(2026, 4, 10)),
    "bevestigen": end_of_day(date(2026, 4, 24)),
}
FIRST_DAY = date(2026, 8, 24)


def on_time(step: str) -> datetime:
    return DEADLINE[step] - timedelta(hours=3)


def late(step: str) -> datetime:
    return DEADLINE[step] + timedelta(days=2)


async def a_year_of_overdrachten(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, g: Gemeente
) -> dict[str, Any]:
    """The constructed set the key figures are checked against (SCHOOLJAAR unless said otherwise):

    Noord, Haven (l1): A AFGEROND, every step on time; B AFGEROND, VVE, consent given at the very moment
    its deadline ended (late), sent late, received on time, warme overdracht before the first school day;
    G AFGEROND, VVE, on time, warme overdracht on the first school day itself (not before it);
    I INGETROKKEN after it was sent on time; P CONCEPT, opened through the API; H AFGEROND on time, the
    year before. Noord, Kerkwijk (l2): C ONTVANGEN, VVE, received late, no warme overdracht yet;
    D GEWEIGERD, no school known at its deadline. Zuid, Zeeënbuurt (l3): E VERZONDEN, sent late, school
    named late; F CONCEPT, VVE, still no school."""
    all_on_time = {"toestemming_op": on_time("toestemming"), "verzonden_op": on_time("verzenden")}
    received = {"ontvangen_op": on_time("bevestigen"), "eerste_schooldag": FIRST_DAY}
    previous_year = f"{int(SCHOOLJAAR[:4]) - 1}-{SCHOOLJAAR[:4]}"

    async def a(locatie: UUID, **row: Any) -> None:
        await an_overdracht(pool, g, locatie, deadlines=DEADLINE, **row)

    await a(g.l1, school=g.s1, status=Status.AFGEROND, **all_on_time, **received)
    await a(
        g.l1, school=g.s1, status=Status.AFGEROND, vve=True, toestemming_op=DEADLINE["toestemming"],
        verzonden_op=late("verzenden"), vlaggen=("te_laat_toestemming", "te_laat_verzenden"), **received,
        gehouden_op=FIRST_DAY - timedelta(days=4),
    )  # fmt: skip
    await a(g.l1, school=g.s1, status=Status.AFGEROND, vve=True, **all_on_time, **received, gehouden_op=FIRST_DAY)
    await a(g.l1, school=g.s1, status=Status.INGETROKKEN, **all_on_time)
    await a(g.l1, school=g.s1, status=Status.AFGEROND, schooljaar=previous_year, **all_on_time, **received)
    await a(
        g.l2, school=g.s1, status=Status.ONTVANGEN, vve=True, **all_on_time, ontvangen_op=late("bevestigen"),
        eerste_schooldag=FIRST_DAY, vlaggen=("te_laat_bevestigen",),
    )  # fmt: skip
    await a(g.l2, status=Status.GEWEIGERD, vlaggen=("school_onbekend",))
    await a(
        g.l3, school=g.s2, status=Status.VERZONDEN, toestemming_op=on_time("toestemming"),
        verzonden_op=late("verzenden"), vlaggen=("school_onbekend", "te_laat_verzenden"),
    )  # fmt: skip
    await a(
        g.l3, status=Status.CONCEPT, vve=True, vlaggen=("school_onbekend",), open_vlaggen=("school_onbekend",),
        achterstallig_sinds=DEADLINE["school_bekend"],
    )  # fmt: skip
    # P: the workflow's own row; its child of 3 years 7 months starts school in SCHOOLJAAR.
    await open_through_the_api(api, pool, login, g, school_id=g.s1, born=BORN_FOR_THE_API)
    return {"previous_year": previous_year}


async def test_the_key_figures_count_on_time_late_vve_refusals_and_no_school(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    made = await a_year_of_overdrachten(api, pool, login, g)
    coordinator = await login(g.coordinator)

    r = await api.get(f"{BASE}/kengetallen", headers=coordinator)
    assert r.status_code == 200, r.text
    body = r.json()

    noord = cijfers(
        7, {"afgerond": 3, "ontvangen": 1, "geweigerd": 1, "ingetrokken": 1, "concept": 1},
        toestemming=(4, 1), verzenden=(4, 1), bevestigen=(3, 1), vve=(1, 3), geweigerd=1, school_onbekend=1,
    )  # fmt: skip
    zuid = cijfers(2, {"verzonden": 1, "concept": 1}, toestemming=(1, 0), verzenden=(0, 1), school_onbekend=2)
    totaal = cijfers(
        9, {"afgerond": 3, "ontvangen": 1, "geweigerd": 1, "ingetrokken": 1, "concept": 2, "verzonden": 1},
        toestemming=(5, 1), verzenden=(4, 2), bevestigen=(3, 1), vve=(1, 3), geweigerd=1, school_onbekend=3,
    )  # fmt: skip
    vorig_jaar = cijfers(1, {"afgerond": 1}, toestemming=(1, 0), verzenden=(1, 0), bevestigen=(1, 0))
    assert body == {
        "groepering": "stadsdeel",
        "schooljaar": None,
        "schooljaren": [
            {
                "schooljaar": made["previous_year"],
                "totaal": vorig_jaar,
                "groepen": [{"groep": {"id": str(g.noord), "naam": "Noord"}, **vorig_jaar}],
            },
            {
                "schooljaar": SCHOOLJAAR,
                "totaal": totaal,
                "groepen": [
                    {"groep": {"id": str(g.noord), "naam": "Noord"}, **noord},
                    {"groep": {"id": str(g.zuid), "naam": "Zuid"}, **zuid},
                ],
            },
        ],
    }

    # By wijk, one school year.
    r = await api.get(
        f"{BASE}/kengetallen", headers=coordinator, params={"groepering": "wijk", "schooljaar": SCHOOLJAAR}
    )
    by_wijk = r.json()
    assert (by_wijk["groepering"], by_wijk["schooljaar"]) == ("wijk", SCHOOLJAAR)
    [jaar] = by_wijk["schooljaren"]
    assert jaar["totaal"] == totaal
    assert jaar["groepen"] == [
        {
            "groep": {"id": str(g.haven), "naam": "Haven"},
            **cijfers(
                5,
                {"afgerond": 3, "ingetrokken": 1, "concept": 1},
                toestemming=(3, 1),
                verzenden=(3, 1),
                bevestigen=(3, 0),
                vve=(1, 2),
            ),  # fmt: skip
        },
        {
            "groep": {"id": str(g.kerkwijk), "naam": "Kerkwijk"},
            **cijfers(
                2,
                {"ontvangen": 1, "geweigerd": 1},
                toestemming=(1, 0),
                verzenden=(1, 0),
                bevestigen=(0, 1),
                vve=(0, 1),
                geweigerd=1,
                school_onbekend=1,
            ),  # fmt: skip
        },
        {"groep": {"id": str(g.zeeenbuurt), "naam": "Zeeënbuurt"}, **zuid},
    ]

    # By school: the ones without a school are a group of their own.
    by_school = (
        await api.get(
            f"{BASE}/kengetallen", headers=coordinator, params={"groepering": "school", "schooljaar": SCHOOLJAAR}
        )
    ).json()["schooljaren"][0]["groepen"]
    assert [(gr["groep"] and gr["groep"]["naam"], gr["aantal"]) for gr in by_school] == [
        ("Basisschool De Horizon", 6),
        ("Kindcentrum Het Kompas", 1),
        (None, 2),
    ]

    # The CSV has the same numbers, one row per group and a total per school year.
    download = await api.get(f"{BASE}/kengetallen", headers=coordinator | CSV_HEADERS, params={"groepering": "wijk"})
    rows = parse_csv(download)
    assert [(r["Schooljaar"], r["Wijk"]) for r in rows] == [
        (made["previous_year"], "Haven"),
        (made["previous_year"], "Totaal"),
        (SCHOOLJAAR, "Haven"),
        (SCHOOLJAAR, "Kerkwijk"),
        (SCHOOLJAAR, "Zeeënbuurt"),
        (SCHOOLJAAR, "Totaal"),
    ]
    for row, expected in zip(rows[2:], [*jaar["groepen"], {"groep": None, **totaal}], strict=True):
        want = as_csv_row(expected)
        assert {k: row[k] for k in want} == want
        assert row["Wijk-id"] == (expected["groep"]["id"] if expected["groep"] else "")
    assert_no_personal_data(r.text + download.content.decode("utf-8-sig"))


async def test_the_key_figures_of_a_location_and_a_school_are_their_own(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    await a_year_of_overdrachten(api, pool, login, g)
    params = {"schooljaar": SCHOOLJAAR}

    location = (await api.get(f"{BASE}/kengetallen", headers=await login(g.lm1), params=params)).json()
    school = (await api.get(f"{BASE}/kengetallen", headers=await login(g.school1), params=params)).json()

    # Het Anker: A, B, G, I and P. Nothing of Kerkwijk (also Noord) or of Zuid.
    haven = cijfers(
        5, {"afgerond": 3, "ingetrokken": 1, "concept": 1},
        toestemming=(3, 1), verzenden=(3, 1), bevestigen=(3, 0), vve=(1, 2),
    )  # fmt: skip
    assert location["schooljaren"] == [
        {
            "schooljaar": SCHOOLJAAR,
            "totaal": haven,
            "groepen": [{"groep": {"id": str(g.noord), "naam": "Noord"}, **haven}],
        }
    ]
    # De Horizon: what was sent to it and not withdrawn: A, B, G and C (not P, not yet sent; not I).
    horizon = cijfers(
        4, {"afgerond": 3, "ontvangen": 1}, toestemming=(3, 1), verzenden=(3, 1), bevestigen=(3, 1), vve=(1, 3)
    )
    assert [jaar["totaal"] for jaar in school["schooljaren"]] == [horizon]


# VVE children without an overdracht


async def test_vve_children_past_the_start_age_without_an_overdracht_by_id_only(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    born = {
        "two_months_past": a_birthday(3, 8),
        "today": TODAY - relativedelta(years=3, months=6),
        "long_past": a_birthday(4, 2),
        "younger": a_birthday(3, 5),
    }
    waiting, _ = await place_child(pool, g.l1, g.s1, vve=True, born=born["two_months_past"])
    just_now, _ = await place_child(pool, g.l1, None, vve=True, born=born["today"])
    long_waiting, _ = await place_child(pool, g.l3, None, vve=True, born=born["long_past"])
    younger, _ = await place_child(pool, g.l1, g.s1, vve=True, born=born["younger"])
    await place_child(pool, g.l2, g.s1, vve=False, born=a_birthday(3, 9))  # no VVE-indicatie
    await an_overdracht(pool, g, g.l2, vve=True, born=a_birthday(3, 9))  # has one (written directly)
    await open_through_the_api(api, pool, login, g, vve=True, born=a_birthday(3, 8))  # has one (opened)
    coordinator = await login(g.coordinator)

    r = await api.get(f"{BASE}/zonder-overdracht", headers=coordinator)

    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["peildatum"], body["startleeftijd"], body["protocolVersie"]) == (
        TODAY.isoformat(), {"jaren": 3, "maanden": 6}, 1,
    )  # fmt: skip
    assert [(k["kindId"], k["maandenNaStartleeftijd"]) for k in body["kinderen"]] == [
        (str(long_waiting), 8),
        (str(waiting), 2),
        (str(just_now), 0),
    ]
    assert body["kinderen"][0] == {
        "kindId": str(long_waiting),
        "locatie": {"id": str(g.l3), "naam": "Peuterspeelzaal Zeeën"},
        "wijk": {"id": str(g.zeeenbuurt), "naam": "Zeeënbuurt"},
        "stadsdeel": {"id": str(g.zuid), "naam": "Zuid"},
        "maandenNaStartleeftijd": 8,
    }
    assert_no_personal_data(r.text, *born.values())

    rows = parse_csv(await api.get(f"{BASE}/zonder-overdracht", headers=coordinator | CSV_HEADERS))
    assert [(r["Kind"], r["Locatie"], r["Maanden na startleeftijd"]) for r in rows] == [
        (str(long_waiting), "Peuterspeelzaal Zeeën", "8"),
        (str(waiting), "Peuteropvang Het Anker", "2"),
        (str(just_now), "Peuteropvang Het Anker", "0"),
    ]
    assert list(rows[0]) == [
        "Kind", "Locatie", "Wijk", "Stadsdeel", "Maanden na startleeftijd", "Locatie-id", "Wijk-id", "Stadsdeel-id",
    ]  # fmt: skip
    assert_no_personal_data(json.dumps(rows), *born.values())

    # The start age is the gemeente's current protocol's: from 3 years 4 months, the younger child is past it.
    await protocols.store(pool, g.id, ProtocolConfig(start=Leeftijd(jaren=3, maanden=4)))
    later = (await api.get(f"{BASE}/zonder-overdracht", headers=coordinator)).json()
    assert later["startleeftijd"] == {"jaren": 3, "maanden": 4}
    assert (str(younger), 1) in [(k["kindId"], k["maandenNaStartleeftijd"]) for k in later["kinderen"]]


async def test_only_the_coordinator_sees_children_without_an_overdracht(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    for who in (g.pm1, g.lm1, g.school1):
        assert_problem(await api.get(f"{BASE}/zonder-overdracht", headers=await login(who)), 403)


async def test_without_a_protocol_there_is_no_start_age_to_count_from(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool, with_protocol=False)

    r = await api.get(f"{BASE}/zonder-overdracht", headers=await login(g.coordinator))

    assert assert_problem(r, 409)["code"] == "protocol_ontbreekt"


# Content negotiation


@pytest.mark.parametrize(
    ("accept", "csv_wanted"),
    [
        (None, False),
        ("*/*", False),
        ("application/json", False),
        ("text/csv", True),
        ("text/csv; charset=utf-8", True),
        ("text/csv, application/json;q=0.9", True),
        ("application/json, text/csv;q=0.5", False),
        ("text/csv;q=0", False),
        ("text/html", False),
    ],
)
def test_csv_only_when_the_client_prefers_it(accept: str | None, csv_wanted: bool) -> None:
    assert wants_csv(accept) is csv_wanted


async def test_json_stays_the_default_and_both_media_types_are_documented(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    r = await api.get(f"{BASE}/kengetallen", headers=await login(g.coordinator))
    assert r.headers["content-type"] == "application/json"
    assert r.headers["vary"] == "Accept" and r.headers["api-version"]

    spec = (await api.get("/v1/openapi.json")).json()
    for path, errors in (
        ("achterstanden", {"400", "401", "403", "503"}),
        ("kengetallen", {"400", "401", "403", "503"}),
        ("zonder-overdracht", {"401", "403", "409", "503"}),
    ):
        responses = spec["paths"][f"{BASE.removeprefix('/v1')}/{path}"]["get"]["responses"]
        assert {"application/json", "text/csv"} <= set(responses["200"]["content"])
        assert errors <= set(responses)
        assert all("application/problem+json" in responses[s]["content"] for s in errors)
