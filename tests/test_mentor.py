"""The mentor: one pedagogisch medewerker of the child's location for each overdracht. The PM'er who
opens it becomes the mentor, the placements import may name one, the locatiemanager reassigns; the
mentor's own overdrachten come first in their list, and the reminders meant for the PM'er go to the
mentor alone (escalations still to the locatiemanager). The location's staff, the parents and the school
see who it is; the coordinator does not.

Each test works at a location of its own (in Almere, whose protocol applies), with PM'ers of its own:
the demo locations' recipients stay as other tests expect them."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from dateutil.relativedelta import relativedelta

from overdracht import demo
from protocol.dates import amsterdam_date
from services.import_controle import MENTOR_ONBEKEND
from tests.cases import Case
from tests.conftest import Login
from tests.happy_path import COMPLETE_FORM, place_child
from tests.helpers import assert_problem, eventually, finished_import

TODAY = amsterdam_date(datetime.now(UTC))


@dataclass
class Locatie:
    id: UUID
    naam: str
    pm: dict[str, UUID]  # "anke", "bart", "carla": PM'ers, by first name
    lm: UUID
    tag: str

    def naam_van(self, pm: str) -> str:
        return f"{pm.capitalize()} Mentorhuis-{self.tag}"

    def adres(self, who: str) -> str:
        return f"{who}.{self.tag}@mentorhut.invalid"


async def a_location(pool: asyncpg.Pool) -> Locatie:
    """A location in Almere (Literatuurwijk) with three PM'ers and a locatiemanager, each with an address."""
    tag = uuid.uuid4().hex[:8]
    loc = Locatie(uuid.uuid4(), f"Peuteropvang De Mentorhut {tag}", {n: uuid.uuid4() for n in ("anke", "bart", "carla")},
                  uuid.uuid4(), tag)  # fmt: skip
    wijk = demo.LOCATIES[demo.BOOMHUT][0]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("INSERT INTO locaties VALUES ($1, $2, $3)", loc.id, wijk, loc.naam)
        await conn.executemany(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id, email) VALUES ($1, $2, $3, $4, $5, $6)",
            [
                (i, loc.naam_van(n), "pedagogisch_medewerker", demo.ALMERE, loc.id, loc.adres(n))
                for n, i in loc.pm.items()
            ]
            + [(loc.lm, f"Leiding Mentorhuis-{tag}", "locatiemanager", demo.ALMERE, loc.id, loc.adres("leiding"))],
        )
    return loc


async def open_by(api: httpx.AsyncClient, pool: asyncpg.Pool, who: dict[str, str], loc: Locatie) -> tuple[str, UUID]:
    """A new child at the location, its overdracht opened by `who`: (the overdracht's path, the parent)."""
    kind_id, parent_id = await place_child(pool, locatie_id=loc.id)
    r = await api.post("/v1/overdrachten", headers=who, json={"kindId": str(kind_id)})
    assert r.status_code == 201, r.text
    return f"/v1/overdrachten/{r.json()['id']}", parent_id


def mentor(body: dict[str, Any]) -> Any:
    return body["mentor"]


# Who is the mentor, and who names another


async def test_the_pm_who_opens_it_is_the_mentor_until_the_locatiemanager_names_another(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    loc = await a_location(pool)
    anke, bart, lm = await login(loc.pm["anke"]), await login(loc.pm["bart"]), await login(loc.lm)
    path, _ = await open_by(api, pool, anke, loc)
    assert mentor((await api.get(path, headers=lm)).json()) == {"id": str(loc.pm["anke"]), "naam": loc.naam_van("anke")}

    r = await api.put(f"{path}/mentor", headers=lm, json={"mentorId": str(loc.pm["bart"])})

    assert r.status_code == 200, r.text
    assert mentor(r.json()) == {"id": str(loc.pm["bart"]), "naam": loc.naam_van("bart")}
    assert mentor((await api.get(path, headers=anke)).json())["id"] == str(loc.pm["bart"])
    # The PM'er who opens it again does not take it back.
    kind_id = await pool.fetchval("SELECT kind_id FROM overdrachten WHERE id = $1", UUID(path.rsplit("/", 1)[1]))
    again = await api.post("/v1/overdrachten", headers=anke, json={"kindId": str(kind_id)})
    assert again.status_code == 200 and mentor(again.json())["id"] == str(loc.pm["bart"])
    # In the child's audit trail: who named the mentor, why, and that it succeeded.
    [row] = await pool.fetch(
        "SELECT gebruiker_id, kind_ids[1] AS kind_id, velden, grondslag, resultaat FROM audit_log"
        " WHERE onderwerp = 'overdracht.mentor' AND overdracht_ids = ARRAY[$1::uuid]",
        UUID(path.rsplit("/", 1)[1]),
    )
    assert dict(row) == {"gebruiker_id": loc.lm, "kind_id": kind_id, "velden": ["kind.mentor"],
                         "grondslag": "MentorToewijzen", "resultaat": 200}  # fmt: skip
    assert mentor((await api.get(path, headers=bart)).json())["naam"] == loc.naam_van("bart")


async def test_only_a_pm_of_the_location_can_be_named(api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login) -> None:
    loc = await a_location(pool)
    anke, lm = await login(loc.pm["anke"]), await login(loc.lm)
    path, parent_id = await open_by(api, pool, anke, loc)

    for not_a_pm_here in (demo.PM_USER[demo.BOOMHUT], loc.lm, parent_id, uuid.uuid4()):
        r = await api.put(f"{path}/mentor", headers=lm, json={"mentorId": str(not_a_pm_here)})
        body = assert_problem(r, 400)
        assert body["invalidParams"] == [{"name": "mentorId", "reason": "geen pedagogisch medewerker van deze locatie"}]

    assert mentor((await api.get(path, headers=lm)).json())["id"] == str(loc.pm["anke"])


async def test_only_the_locatiemanager_of_the_location_names_the_mentor(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    loc = await a_location(pool)
    anke = await login(loc.pm["anke"])
    path, parent_id = await open_by(api, pool, anke, loc)
    body = {"mentorId": str(loc.pm["bart"])}

    for who in (anke, await login(parent_id), await login(demo.COORDINATOR)):
        assert_problem(await api.put(f"{path}/mentor", headers=who, json=body), 403)
    other_manager = await login(demo.LM_USER[demo.BOOMHUT])
    assert_problem(await api.put(f"{path}/mentor", headers=other_manager, json=body), 404)

    assert mentor((await api.get(path, headers=anke)).json())["id"] == str(loc.pm["anke"])
    # Once it has ended, not even the locatiemanager: there is nothing left to be the mentor of.
    lm = await login(loc.lm)
    cancelled = await api.post(f"{path}/annuleringen", headers=lm, json={"reden": "Verhuisd"})
    assert cancelled.status_code == 201, cancelled.text
    assert_problem(await api.put(f"{path}/mentor", headers=lm, json=body), 409)


async def test_the_staff_the_parents_and_the_school_see_the_mentor_the_coordinator_does_not(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    loc = await a_location(pool)
    anke = await login(loc.pm["anke"])
    kind_id, parent_id = await place_child(pool, locatie_id=loc.id)
    r = await api.post("/v1/overdrachten", headers=anke, json={"kindId": str(kind_id)})
    assert r.status_code == 201, r.text
    parent, school = await login(parent_id), await login(demo.SCHOOL_USER[demo.STER])
    case = Case(api, f"/v1/overdrachten/{r.json()['id']}", kind_id, anke, [parent], school)
    await case.until("verzonden", COMPLETE_FORM)
    expected = {"id": str(loc.pm["anke"]), "naam": loc.naam_van("anke")}

    for who in (anke, await login(loc.lm), parent, school):
        assert mentor(await case.get(who)) == expected

    coordinator = await login(demo.COORDINATOR)
    detail = await api.get(case.path, headers=coordinator)
    listing = await api.get("/v1/overdrachten", headers=coordinator, params={"locatieId": str(loc.id)})
    assert detail.json()["mentor"] is None and [o["mentor"] for o in listing.json()["resultaten"]] == [None]
    assert loc.naam_van("anke") not in detail.text + listing.text


# The PM'er's start page: their own first


async def test_a_pms_list_shows_their_own_first_and_follows_a_reassignment(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    loc = await a_location(pool)
    anke, bart, lm = await login(loc.pm["anke"]), await login(loc.pm["bart"]), await login(loc.lm)
    # Opened in this order, each by the PM'er named: they are its mentor.
    opened: dict[str, str] = {}
    for name, who in (("b1", bart), ("a1", anke), ("b2", bart), ("a2", anke), ("b3", bart)):
        opened[name] = (await open_by(api, pool, who, loc))[0].rsplit("/", 1)[1]
    by_id = {v: k for k, v in opened.items()}

    async def listed(who: dict[str, str], **params: Any) -> list[str]:
        """Every page (two rows each), followed by its cursor."""
        seen, cursor = [], None
        while True:
            query = {"locatieId": str(loc.id), **params, "pageSize": 2, **({"cursor": cursor} if cursor else {})}
            r = await api.get("/v1/overdrachten", headers=who, params=query)
            assert r.status_code == 200, r.text
            seen += [by_id[o["id"]] for o in r.json()["resultaten"]]
            if not (cursor := r.json()["volgendeCursor"]):
                return seen

    assert await listed(anke) == ["b1", "a1", "b2", "a2", "b3"]
    assert await listed(anke, eigenEerst="true") == ["a1", "a2", "b1", "b2", "b3"]
    assert await listed(bart, eigenEerst="true") == ["b1", "b2", "b3", "a1", "a2"]
    assert await listed(anke, eigenEerst="true", sort="-geopendOp") == ["a2", "a1", "b3", "b2", "b1"]
    assert await listed(anke, mentor="ik") == ["a1", "a2"]
    # The locatiemanager is nobody's mentor: the list as it was.
    assert await listed(lm, eigenEerst="true") == ["b1", "a1", "b2", "a2", "b3"]

    r = await api.put(f"/v1/overdrachten/{opened['b3']}/mentor", headers=lm, json={"mentorId": str(loc.pm["anke"])})
    assert r.status_code == 200, r.text

    assert await listed(anke, eigenEerst="true") == ["a1", "a2", "b3", "b1", "b2"]
    assert await listed(bart, mentor="ik") == ["b1", "b2"]
    # A cursor of the list in one order does not continue the other.
    first = await api.get("/v1/overdrachten", headers=anke, params={"locatieId": str(loc.id), "pageSize": 2})
    cursor = first.json()["volgendeCursor"]
    mixed = await api.get("/v1/overdrachten", headers=anke, params={"eigenEerst": "true", "cursor": cursor})
    assert assert_problem(mixed, 400)["invalidParams"] == [{"name": "cursor", "reason": "ongeldige cursor"}]


# Reminders to the mentor, escalations to the locatiemanager


async def test_a_reminder_goes_to_the_mentor_only_and_the_escalation_to_the_locatiemanager(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    loc = await a_location(pool)
    anke, lm = await login(loc.pm["anke"]), await login(loc.lm)
    coordinator = await login(demo.COORDINATOR)
    path, _ = await open_by(api, pool, anke, loc)
    r = await api.put(f"{path}/mentor", headers=lm, json={"mentorId": str(loc.pm["bart"])})
    assert r.status_code == 200, r.text
    # Long past: the flag, the reminder and both escalations go off at once.
    past = (TODAY - timedelta(days=30)).isoformat()

    r = await api.put(
        f"{path}/deadlines/toestemming", headers=coordinator, json={"datum": past, "reden": "Mentor beproeven"}
    )

    assert r.status_code == 200, r.text
    outbox = await messages(api, lm, path, 3)
    assert outbox[("herinnering", "pedagogisch_medewerker")] == [loc.adres("bart")]
    assert outbox[("escalatie", "locatiemanager")] == [loc.adres("leiding")]


async def test_without_a_mentor_at_the_location_every_pm_there_is_reminded(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    loc = await a_location(pool)
    anke, lm = await login(loc.pm["anke"]), await login(loc.lm)
    coordinator = await login(demo.COORDINATOR)
    path, _ = await open_by(api, pool, anke, loc)
    # Anke, the mentor, goes to work at another location.
    elsewhere = await a_location(pool)
    await pool.execute("UPDATE gebruikers SET locatie_id = $2 WHERE id = $1", loc.pm["anke"], elsewhere.id)
    assert (await api.get(path, headers=lm)).json()["mentor"] is None

    past = (TODAY - timedelta(days=1)).isoformat()
    r = await api.put(
        f"{path}/deadlines/toestemming", headers=coordinator, json={"datum": past, "reden": "Mentor vertrokken"}
    )

    assert r.status_code == 200, r.text
    outbox = await messages(api, lm, path, 1)
    assert outbox[("herinnering", "pedagogisch_medewerker")] == sorted([loc.adres("bart"), loc.adres("carla")])


async def messages(
    api: httpx.AsyncClient, who: dict[str, str], path: str, deadline_messages: int
) -> dict[tuple[str, str], list[str]]:
    """The overdracht's outbox once `deadline_messages` reminders and escalations are in it: (soort,
    ontvanger) -> addresses."""

    async def deadline_berichten() -> list[dict[str, Any]]:
        r = await api.get("/v1/dev/berichten", headers=who, params={"overdrachtId": path.rsplit("/", 1)[1]})
        assert r.status_code == 200, r.text
        return [b for b in r.json()["resultaten"] if b["soort"] in ("herinnering", "escalatie")]

    found = await eventually(deadline_berichten, lambda b: len(b) >= deadline_messages)
    return {(b["soort"], b["ontvanger"]): b["aan"] for b in found}


# The placements import's `mentor` column

COLUMNS = ("voornaam", "achternaam", "geboortedatum", "locatie", "vve_indicatie", "ouder1_naam", "mentor")


def csv_file(locatie: UUID, *rows: tuple[str, str]) -> bytes:
    """One child per (achternaam, mentor), past the start age: the importer opens its overdracht."""
    born = (TODAY - relativedelta(years=3, months=7)).strftime("%d-%m-%Y")
    lines = [";".join(COLUMNS)] + [
        ";".join(("Mentorkind", achternaam, born, str(locatie), "nee", f"Ouder {achternaam}", m))
        for achternaam, m in rows
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


async def test_the_import_names_the_mentor_by_address_or_id_and_only_a_pm_of_the_location(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    loc = await a_location(pool)
    lm = await login(loc.lm)
    sanne = demo.PM_USER[demo.BOOMHUT]  # a PM'er, but of another location

    async def upload(*rows: tuple[str, str]) -> dict[str, Any]:
        content = csv_file(loc.id, *rows)
        r = await api.post("/v1/imports/plaatsingen", headers=lm, files={"bestand": ("p.csv", content, "text/csv")})
        body: dict[str, Any] = (await finished_import(api, r, lm)).json()["resultaat"]
        return body

    async def mentor_of(achternaam: str) -> Any:
        kind_id = await pool.fetchval(
            "SELECT id FROM kinderen WHERE achternaam = $1 AND locatie_id = $2", achternaam, loc.id
        )
        listing = await api.get("/v1/overdrachten", headers=lm, params={"locatieId": str(loc.id), "pageSize": 100})
        [found] = [o for o in listing.json()["resultaten"] if o["kind"]["achternaam"] == achternaam]
        assert found["id"] == str(await pool.fetchval("SELECT id FROM overdrachten WHERE kind_id = $1", kind_id))
        return found["mentor"]

    body = await upload(
        ("Adres", loc.adres("bart").upper()),  # 2: by address, whatever its case
        ("Id", str(loc.pm["carla"])),  # 3: by id
        ("Zonder", ""),  # 4: none given
        ("Elders", str(sanne)),  # 5: a PM'er of another location
        ("Onbekend", f"niemand.{loc.tag}@mentorhut.invalid"),  # 6: nobody
        ("Leiding", loc.adres("leiding")),  # 7: the locatiemanager is no PM'er
    )

    assert (body["geimporteerd"], body["afgewezen"], body["overdrachtenGeopend"]) == (3, 3, 3)
    assert body["genegeerdeKolommen"] == []
    assert {r["regel"]: r["fouten"] for r in body["afgewezenRijen"]} == {
        n: [{"veld": "mentor", "reden": MENTOR_ONBEKEND}] for n in (5, 6, 7)
    }
    assert await mentor_of("Adres") == {"id": str(loc.pm["bart"]), "naam": loc.naam_van("bart")}
    assert (await mentor_of("Id"))["id"] == str(loc.pm["carla"])
    assert await mentor_of("Zonder") is None  # opened by the importer, the locatiemanager: nobody's yet

    # The next export names a mentor only for a child without one: whom the locatiemanager named (here,
    # or by reassigning) stays, whatever the export says.
    again = await upload(("Adres", ""), ("Id", loc.adres("anke")), ("Zonder", loc.adres("anke")))

    assert (again["ongewijzigd"], again["bijgewerkt"]) == (2, 1)
    assert (await mentor_of("Adres"))["id"] == str(loc.pm["bart"])
    assert (await mentor_of("Id"))["id"] == str(loc.pm["carla"])
    assert (await mentor_of("Zonder"))["id"] == str(loc.pm["anke"])
