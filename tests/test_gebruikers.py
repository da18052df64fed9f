"""The gemeente's people through the admin API (/v1/gebruikers): the beheerder invites staff with a role
and one or more locations or schools, sees who has which role, changes it, deactivates them; a member
of staff with several locations or schools sees all of them and nothing else, and loses a location's
overdrachten at once when it is taken away; a deactivated user's token stops at once; an invitation's
code is mailed once, kept only as its hash, works once and expires; another gemeente's beheerder
reaches none of it. Also `permission_cell`, the admin endpoints' cell of tests/test_permissions.py."""

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from db import gebruikers as db_gebruikers
from db.berichten import addresses
from db.migrate import MIGRATIONS
from overdracht import demo
from schemas.bericht import Ontvanger
from tests.conftest import Login, app_client, free_port, make_worker
from tests.happy_path import place_child
from tests.helpers import assert_problem, eventually, text_of
from tests.test_berichten import Mailbox, mail_settings, smtp_server

BEHEERDER = demo.STAFF_USERS[10].id  # Ruud Hendriks, Almere
# Almere's locations and schools of these tests alone: the staff made here do not join the demo's
# locations and schools, whose recipients and staff other tests count.
STADSDEEL, WIJK = UUID("2e000000-0000-4000-8000-000000000019"), UUID("3e000000-0000-4000-8000-000000000019")
B, Z, R = (UUID(f"4e000000-0000-4000-8000-00000000001{n}") for n in (1, 2, 3))
STER, POLDER, BAKEN = (UUID(f"5e000000-0000-4000-8000-00000000001{n}") for n in (1, 2, 3))
NAMEN = {
    B: "Peuteropvang De Wilg", Z: "Kinderdagverblijf De Eik", R: "Peuterspeelzaal De Linde",
    STER: "Basisschool De Esdoorn", POLDER: "Basisschool De Beuk", BAKEN: "Basisschool De Hazelaar",
}  # fmt: skip


async def ensure_organisations(pool: asyncpg.Pool) -> None:
    """This test file's stadsdeel, wijk, locations and schools in Almere (safe to repeat)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO stadsdelen VALUES ($1, $2, 'Almere Poort') ON CONFLICT DO NOTHING", STADSDEEL, demo.ALMERE
        )
        await conn.execute(
            "INSERT INTO wijken VALUES ($1, $2, 'Homeruskwartier') ON CONFLICT DO NOTHING", WIJK, STADSDEEL
        )
        await conn.executemany(
            "INSERT INTO locaties (id, wijk_id, naam) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            [(i, WIJK, NAMEN[i]) for i in (B, Z, R)],
        )
        await conn.executemany(
            "INSERT INTO scholen (id, wijk_id, naam) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            [(i, WIJK, NAMEN[i]) for i in (STER, POLDER, BAKEN)],
        )


@pytest.fixture(scope="module", autouse=True)
async def organisations(pool: asyncpg.Pool) -> None:
    await ensure_organisations(pool)


QUEUE = "overdracht-test-gebruikers"
LINK = re.compile(r"http://127\.0\.0\.1:8000/uitnodiging\?code=([A-Za-z0-9_-]+)")


def address() -> str:
    return f"medewerker.{uuid.uuid4().hex[:10]}@example.org"


# Another gemeente, with a location, a school, a beheerder and a member of staff of its own


@dataclass
class Elders:
    gemeente: UUID
    locatie: UUID
    school: UUID
    beheerder: UUID
    pm: UUID


async def make_elders(pool: asyncpg.Pool) -> Elders:
    g, stadsdeel, wijk, locatie, school, beheerder, pm = (uuid.uuid4() for _ in range(7))
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("INSERT INTO gemeenten VALUES ($1, 'Andersdorp')", g)
        await conn.execute("INSERT INTO stadsdelen VALUES ($1, $2, 'Stadsdeel Anders')", stadsdeel, g)
        await conn.execute("INSERT INTO wijken VALUES ($1, $2, 'Wijk Anders')", wijk, stadsdeel)
        await conn.execute("INSERT INTO locaties VALUES ($1, $2, 'Peuteropvang Anders')", locatie, wijk)
        await conn.execute("INSERT INTO scholen (id, wijk_id, naam) VALUES ($1, $2, 'School Anders')", school, wijk)
        await conn.execute(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, email) VALUES ($1, 'Beheer Anders', 'beheerder', $2, $3)",
            beheerder, g, address(),
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id, email)"
            " VALUES ($1, 'PM Anders', 'pedagogisch_medewerker', $2, $3, $4)",
            pm, g, locatie, address(),
        )  # fmt: skip
    return Elders(g, locatie, school, beheerder, pm)


@pytest.fixture(scope="module")
async def elders(pool: asyncpg.Pool) -> Elders:
    return await make_elders(pool)


@pytest.fixture
async def beheer(login: Login) -> dict[str, str]:
    return await login(BEHEERDER)


async def invite(api: httpx.AsyncClient, who: dict[str, str], **body: Any) -> dict[str, Any]:
    body = {"naam": "Nieuwe Medewerker", "email": address(), **body}
    r = await api.post("/v1/gebruikers", headers=who, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def overdracht_at(pool: asyncpg.Pool, locatie: UUID, school: UUID | None, *, sent: bool = False) -> UUID:
    """A child placed at `locatie` with an overdracht in the read model (sent to `school` or not)."""
    kind_id, _ = await place_child(pool, locatie_id=locatie, school_id=school)
    overdracht_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO overdrachten (id, kind_id, gemeente_id, locatie_id, school_id, status, geopend_op, bijgewerkt_op,"
        " verzonden_op) VALUES ($1, $2, $3, $4, $5, $6, now(), now(), $7)",
        overdracht_id, kind_id, demo.ALMERE, locatie, school, "verzonden" if sent else "concept",
        datetime.now(UTC) if sent else None,
    )  # fmt: skip
    return overdracht_id


async def visible_ids(api: httpx.AsyncClient, who: dict[str, str]) -> set[UUID]:
    """Every overdracht the caller's list holds, over all its pages."""
    found: set[UUID] = set()
    cursor = None
    while True:
        params: dict[str, Any] = {"pageSize": 100, **({"cursor": cursor} if cursor else {})}
        r = await api.get("/v1/overdrachten", headers=who, params=params)
        assert r.status_code == 200, r.text
        found |= {UUID(o["id"]) for o in r.json()["resultaten"]}
        if not (cursor := r.json()["volgendeCursor"]):
            return found


async def where_they_are(pool: asyncpg.Pool, ids: set[UUID]) -> set[tuple[UUID, UUID | None]]:
    rows = await pool.fetch("SELECT locatie_id, school_id FROM overdrachten WHERE id = ANY($1::uuid[])", list(ids))
    return {(r["locatie_id"], r["school_id"]) for r in rows}


# Inviting, and who has which role


async def test_the_beheerder_invites_a_pm_for_two_locations_and_sees_them_by_role(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str]
) -> None:
    email = address()
    made = await invite(api, beheer, naam="Fleur Twee Locaties", email=email, rol="pedagogisch_medewerker",
                        locatieIds=[str(Z), str(B)])  # fmt: skip

    assert made["rol"] == "pedagogisch_medewerker" and made["status"] == "uitgenodigd" and not made["gekoppeld"]
    assert {v["id"] for v in made["locaties"]} == {str(B), str(Z)} and made["scholen"] == []
    assert made["email"] == email and made["uitgenodigdOp"] is not None
    stored = await pool.fetchrow("SELECT gemeente_id, locatie_id FROM gebruikers WHERE id = $1", UUID(made["id"]))
    assert stored is not None and stored["gemeente_id"] == demo.ALMERE and stored["locatie_id"] == Z
    for params in ({"rol": "pedagogisch_medewerker"}, {"locatieId": str(B)}, {"locatieId": str(Z)},
                   {"status": "uitgenodigd"}, {}):  # fmt: skip
        r = await api.get("/v1/gebruikers", headers=beheer, params=params)
        assert r.status_code == 200, r.text
        assert made["id"] in [g["id"] for g in r.json()["resultaten"]], params
    for params in ({"rol": "locatiemanager"}, {"locatieId": str(R)}, {"schoolId": str(STER)}, {"status": "actief"}):
        r = await api.get("/v1/gebruikers", headers=beheer, params=params)
        assert made["id"] not in [g["id"] for g in r.json()["resultaten"]], params
    listing = (await api.get("/v1/gebruikers", headers=beheer)).json()["resultaten"]
    assert "ouder" not in {g["rol"] for g in listing}  # parents are no staff
    sanne = next(g for g in listing if g["id"] == str(demo.PM_USER[demo.BOOMHUT]))
    assert sanne["status"] == "actief" and [v["naam"] for v in sanne["locaties"]] == ["Peuteropvang De Boomhut"]
    assert (await api.get("/v1/gebruikers", headers=beheer, params={"rol": "onbekend"})).status_code == 400

    # The invitation waits in the outbox for its delivery; its text has no code, only a stand-in.
    bericht = await pool.fetchrow(
        "SELECT b.* FROM berichten b JOIN uitnodigingen u ON u.bericht_id = b.id WHERE u.gebruiker_id = $1",
        UUID(made["id"]),
    )
    assert bericht is not None and bericht["overdracht_id"] is None and list(bericht["aan"]) == [email]
    assert db_gebruikers.LINK in bericht["tekst"] and "code=" not in bericht["tekst"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rol": "ouder"}, "rol"),
        ({"rol": "pedagogisch_medewerker"}, "locatieIds"),
        ({"rol": "locatiemanager", "schoolIds": [str(STER)], "locatieIds": [str(B)]}, "schoolIds"),
        ({"rol": "school"}, "schoolIds"),
        ({"rol": "coordinator", "locatieIds": [str(B)]}, "locatieIds"),
        ({"rol": "pedagogisch_medewerker", "locatieIds": [str(B)], "functie": "directie"}, "functie"),
        ({"rol": "beheerder", "email": "geen-adres"}, "email"),
        ({"rol": "beheerder", "naam": "   "}, "naam"),
        ({"rol": "pedagogisch_medewerker", "locatieIds": [str(uuid.uuid4())]}, "locatieIds"),
        ({"rol": "school", "schoolIds": [str(uuid.uuid4())]}, "schoolIds"),
    ],
)
async def test_an_invitation_that_does_not_fit_the_role_is_refused_per_field(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str], body: dict[str, Any], field: str
) -> None:
    email = address()
    r = await api.post("/v1/gebruikers", headers=beheer, json={"naam": "Iemand", "email": email, **body})
    problem = assert_problem(r, 400)
    assert field in [p["name"] for p in problem["invalidParams"]], problem
    assert await pool.fetchval("SELECT count(*) FROM gebruikers WHERE email = $1", body.get("email", email)) == 0


async def test_an_address_can_be_invited_once_per_gemeente(
    api: httpx.AsyncClient, beheer: dict[str, str], login: Login, elders: Elders
) -> None:
    email = address()
    await invite(api, beheer, email=email, rol="beheerder")
    again = await api.post(
        "/v1/gebruikers", headers=beheer, json={"naam": "Nog een", "email": email.upper(), "rol": "beheerder"}
    )
    assert [p["name"] for p in assert_problem(again, 400)["invalidParams"]] == ["email"]
    # Another gemeente may have the same person (with an account of its own).
    made = await invite(api, await login(elders.beheerder), email=email, rol="beheerder")
    assert made["status"] == "uitgenodigd"


async def test_a_closed_location_takes_no_one_new_but_keeps_who_works_there(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str]
) -> None:
    locatie = uuid.uuid4()
    await pool.execute(
        "INSERT INTO locaties (id, wijk_id, naam) VALUES ($1, $2, 'Peuteropvang Bijna Dicht')",
        locatie, WIJK,
    )  # fmt: skip
    made = await invite(api, beheer, rol="pedagogisch_medewerker", locatieIds=[str(locatie)])
    await pool.execute("UPDATE locaties SET gesloten_op = now() WHERE id = $1", locatie)

    r = await api.post("/v1/gebruikers", headers=beheer,
                       json={"naam": "Te Laat", "email": address(), "rol": "locatiemanager", "locatieIds": [str(locatie)]})  # fmt: skip
    assert [p["name"] for p in assert_problem(r, 400)["invalidParams"]] == ["locatieIds"]
    # Who works there keeps it, also when another location is added.
    r = await api.put(f"/v1/gebruikers/{made['id']}/rol", headers=beheer,
                      json={"rol": "pedagogisch_medewerker", "locatieIds": [str(locatie), str(B)]})  # fmt: skip
    assert r.status_code == 200 and len(r.json()["locaties"]) == 2, r.text


# Several locations or schools: all of them, and nothing else


async def test_a_pm_with_two_locations_sees_both_and_nothing_else(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str], login: Login
) -> None:
    at_b, at_z, at_r = [await overdracht_at(pool, loc, STER) for loc in (B, Z, R)]
    made = await invite(api, beheer, rol="pedagogisch_medewerker", locatieIds=[str(B), str(Z)])
    pm = await login(UUID(made["id"]))

    seen = await visible_ids(api, pm)

    assert {at_b, at_z} <= seen and at_r not in seen
    assert {loc for loc, _ in await where_they_are(pool, seen)} == {B, Z}
    for overdracht_id, expected in ((at_b, 200), (at_z, 200), (at_r, 404)):
        assert (await api.get(f"/v1/overdrachten/{overdracht_id}", headers=pm)).status_code == expected
    # A child placed at either location can be opened by them; one elsewhere is not theirs.
    kind_id, _ = await place_child(pool, locatie_id=Z)
    opened = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
    assert opened.status_code == 201, opened.text
    # The audit trail (and so the child's inzage-log) names the location it happened at.
    organisatie = await pool.fetchval(
        "SELECT organisatie_id FROM audit_log WHERE gebruiker_id = $1 AND onderwerp = 'overdracht.openen'",
        UUID(made["id"]),
    )
    assert organisatie == Z
    elsewhere, _ = await place_child(pool, locatie_id=R)
    assert (await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(elsewhere)})).status_code == 404


async def test_an_ib_er_for_two_vestigingen_sees_both_and_nothing_else(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str], login: Login
) -> None:
    to_ster, to_polder, to_baken = [await overdracht_at(pool, B, school, sent=True) for school in (STER, POLDER, BAKEN)]
    not_sent = await overdracht_at(pool, B, STER)
    made = await invite(api, beheer, rol="school", schoolIds=[str(STER), str(POLDER)], functie="intern_begeleider")
    ib = await login(UUID(made["id"]))

    seen = await visible_ids(api, ib)

    assert {to_ster, to_polder} <= seen and not {to_baken, not_sent} & seen
    assert {school for _, school in await where_they_are(pool, seen)} == {STER, POLDER}
    # An overdracht code must say for which of the two schools (the code itself is not even looked at).
    r = await api.post("/v1/overdrachtcode-inwisselingen", headers=ib, json={"code": "ABCD-EFGH-JKLM-NPQR"})
    assert [p["name"] for p in assert_problem(r, 400)["invalidParams"]] == ["schoolId"]
    r = await api.post(
        "/v1/overdrachtcode-inwisselingen", headers=ib, json={"code": "ABCD-EFGH-JKLM-NPQR", "schoolId": str(BAKEN)}
    )
    assert_problem(r, 400)
    r = await api.post(
        "/v1/overdrachtcode-inwisselingen", headers=ib, json={"code": "ABCD-EFGH-JKLM-NPQR", "schoolId": str(POLDER)}
    )
    assert_problem(r, 404)  # one of theirs: on to the code, which is unknown


async def test_removing_a_location_takes_its_overdrachten_out_of_sight_at_once(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str], login: Login
) -> None:
    at_b, at_z = await overdracht_at(pool, B, None), await overdracht_at(pool, Z, None)
    made = await invite(api, beheer, rol="locatiemanager", locatieIds=[str(B), str(Z)])
    lm = await login(UUID(made["id"]))
    assert (await api.get(f"/v1/overdrachten/{at_z}", headers=lm)).status_code == 200

    changed = await api.put(
        f"/v1/gebruikers/{made['id']}/rol", headers=beheer, json={"rol": "locatiemanager", "locatieIds": [str(B)]}
    )

    assert changed.status_code == 200, changed.text
    assert [v["id"] for v in changed.json()["locaties"]] == [str(B)]
    # The same token, the next request: the location's overdrachten are gone, the other's stay.
    assert (await api.get(f"/v1/overdrachten/{at_z}", headers=lm)).status_code == 404
    seen = await visible_ids(api, lm)
    assert at_b in seen and at_z not in seen
    assert {loc for loc, _ in await where_they_are(pool, seen)} == {B}
    # A new role takes the old one's scope away entirely.
    r = await api.put(
        f"/v1/gebruikers/{made['id']}/rol", headers=beheer, json={"rol": "school", "schoolIds": [str(STER)]}
    )
    assert r.status_code == 200 and r.json()["locaties"] == [], r.text
    assert (await api.get(f"/v1/overdrachten/{at_b}", headers=lm)).status_code == 404
    stored = await pool.fetchrow("SELECT rol, locatie_id, school_id FROM gebruikers WHERE id = $1", UUID(made["id"]))
    assert stored is not None and tuple(stored) == ("school", None, STER)
    assert await pool.fetchval("SELECT count(*) FROM gebruiker_locaties WHERE gebruiker_id = $1", UUID(made["id"])) == 0


async def test_messages_reach_staff_at_each_of_their_locations_until_they_are_deactivated(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str]
) -> None:
    at_z = await overdracht_at(pool, Z, STER, sent=True)
    lm_email, ib_email = address(), address()
    lm = await invite(api, beheer, email=lm_email, rol="locatiemanager", locatieIds=[str(B), str(Z)])
    await invite(api, beheer, email=ib_email, rol="school", schoolIds=[str(POLDER), str(STER)], functie="directie")
    async with pool.acquire() as conn:
        assert lm_email in await addresses(conn, at_z, Ontvanger.LOCATIEMANAGER)
        assert ib_email in await addresses(conn, at_z, Ontvanger.SCHOOLDIRECTIE)

    assert (await api.post(f"/v1/gebruikers/{lm['id']}/deactiveringen", headers=beheer)).status_code == 200

    async with pool.acquire() as conn:
        assert lm_email not in await addresses(conn, at_z, Ontvanger.LOCATIEMANAGER)


# Deactivating


async def test_a_deactivated_users_token_is_refused_at_once(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str], login: Login
) -> None:
    at_b = await overdracht_at(pool, B, None)
    made = await invite(api, beheer, rol="pedagogisch_medewerker", locatieIds=[str(B)])
    pm = await login(UUID(made["id"]))
    assert (await api.get(f"/v1/overdrachten/{at_b}", headers=pm)).status_code == 200

    r = await api.post(f"/v1/gebruikers/{made['id']}/deactiveringen", headers=beheer)

    assert r.status_code == 200 and r.json()["status"] == "gedeactiveerd" and r.json()["gedeactiveerdOp"], r.text
    for path in (f"/v1/overdrachten/{at_b}", "/v1/overdrachten"):
        assert_problem(await api.get(path, headers=pm), 401)
    assert (await api.post("/v1/dev/tokens", json={"gebruikerId": made["id"]})).status_code == 404
    again = await api.post(f"/v1/gebruikers/{made['id']}/deactiveringen", headers=beheer)
    assert again.status_code == 200 and again.json()["gedeactiveerdOp"] == r.json()["gedeactiveerdOp"]
    listed = await api.get("/v1/gebruikers", headers=beheer, params={"status": "gedeactiveerd"})
    assert made["id"] in [g["id"] for g in listed.json()["resultaten"]]

    back = await api.post(f"/v1/gebruikers/{made['id']}/activeringen", headers=beheer)

    assert back.status_code == 200 and back.json()["status"] == "uitgenodigd", back.text
    assert (await api.get(f"/v1/overdrachten/{at_b}", headers=pm)).status_code == 200


async def test_a_beheerder_cannot_change_or_deactivate_themselves(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str]
) -> None:
    r = await api.put(f"/v1/gebruikers/{BEHEERDER}/rol", headers=beheer, json={"rol": "coordinator"})
    assert_problem(r, 409)
    assert_problem(await api.post(f"/v1/gebruikers/{BEHEERDER}/deactiveringen", headers=beheer), 409)
    stored = await pool.fetchrow("SELECT rol, gedeactiveerd_op FROM gebruikers WHERE id = $1", BEHEERDER)
    assert stored is not None and tuple(stored) == ("beheerder", None)


# Two gemeenten


async def test_a_beheerder_cannot_manage_another_gemeentes_people(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str], login: Login, elders: Elders
) -> None:
    almere = await invite(api, beheer, rol="pedagogisch_medewerker", locatieIds=[str(B)])
    anders = await login(elders.beheerder)
    one = f"/v1/gebruikers/{almere['id']}"

    assert_problem(await api.get(one, headers=anders), 404)
    assert_problem(await api.put(f"{one}/rol", headers=anders, json={"rol": "beheerder"}), 404)
    assert_problem(await api.post(f"{one}/deactiveringen", headers=anders), 404)
    assert_problem(await api.post(f"{one}/activeringen", headers=anders), 404)
    assert_problem(await api.post(f"{one}/uitnodigingen", headers=anders), 404)
    stored = await pool.fetchrow("SELECT rol, gedeactiveerd_op FROM gebruikers WHERE id = $1", UUID(almere["id"]))
    assert stored is not None and tuple(stored) == ("pedagogisch_medewerker", None)
    # Its list: its own people only; and Almere's beheerder does not see Andersdorp's.
    theirs = {g["id"] for g in (await api.get("/v1/gebruikers", headers=anders)).json()["resultaten"]}
    assert {str(elders.beheerder), str(elders.pm)} <= theirs
    assert almere["id"] not in theirs and str(BEHEERDER) not in theirs
    rows = await pool.fetch("SELECT gemeente_id FROM gebruikers WHERE id = ANY($1::uuid[])", [UUID(i) for i in theirs])
    assert {r["gemeente_id"] for r in rows} == {elders.gemeente}
    ours = {g["id"] for g in (await api.get("/v1/gebruikers", headers=beheer)).json()["resultaten"]}
    assert str(elders.pm) not in ours and str(elders.beheerder) not in ours
    assert_problem(await api.get(f"/v1/gebruikers/{elders.pm}", headers=beheer), 404)
    # Nor can they make anyone beheerder of Almere: an account is made in their own gemeente, and with
    # Almere's locations it is refused.
    r = await api.post(
        "/v1/gebruikers", headers=anders,
        json={"naam": "Indringer", "email": address(), "rol": "beheerder", "gemeenteId": str(demo.ALMERE)},
    )  # fmt: skip
    assert_problem(r, 400)
    r = await api.post(
        "/v1/gebruikers", headers=anders,
        json={"naam": "Indringer", "email": address(), "rol": "pedagogisch_medewerker", "locatieIds": [str(B)]},
    )  # fmt: skip
    assert [p["name"] for p in assert_problem(r, 400)["invalidParams"]] == ["locatieIds"]
    made = await invite(api, anders, rol="beheerder")
    assert await pool.fetchval("SELECT gemeente_id FROM gebruikers WHERE id = $1", UUID(made["id"])) == elders.gemeente
    r = await api.put(
        f"/v1/gebruikers/{elders.pm}/rol", headers=anders, json={"rol": "school", "schoolIds": [str(STER)]}
    )
    assert [p["name"] for p in assert_problem(r, 400)["invalidParams"]] == ["schoolIds"]


# The audit trail


async def test_every_change_is_in_the_audit_trail_who_whom_what(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str]
) -> None:
    made = await invite(api, beheer, rol="pedagogisch_medewerker", locatieIds=[str(B), str(Z)])
    whom = f"gebruiker:{made['id']}"
    await api.put(f"/v1/gebruikers/{made['id']}/rol", headers=beheer,
                  json={"rol": "locatiemanager", "locatieIds": [str(Z), str(R)]})  # fmt: skip
    await api.post(f"/v1/gebruikers/{made['id']}/deactiveringen", headers=beheer)

    rows = await pool.fetch(
        "SELECT gebruiker_id, rol, gemeente_id, actie, velden, grondslag, resultaat FROM audit_log"
        " WHERE onderwerp = $1 AND actie = 'wijzigen' ORDER BY id",
        whom,
    )

    assert [r["gebruiker_id"] for r in rows] == [BEHEERDER] * 3
    assert {(r["rol"], r["gemeente_id"], r["grondslag"], r["resultaat"]) for r in rows} == {
        ("beheerder", demo.ALMERE, "GebruikersBeheren", 201),
        ("beheerder", demo.ALMERE, "GebruikersBeheren", 200),
    }
    invited, changed, deactivated = (list(r["velden"]) for r in rows)
    assert set(invited) == {"uitgenodigd", "rol:pedagogisch_medewerker", f"locatie+:{B}", f"locatie+:{Z}"}
    assert set(changed) == {"rol:locatiemanager", f"locatie+:{R}", f"locatie-:{B}"}
    assert deactivated == ["gedeactiveerd"]
    export = await api.get("/v1/audit", headers=beheer, params={"gebruikerId": str(BEHEERDER), "pageSize": 1000})
    assert whom in {r["onderwerp"] for r in export.json()["resultaten"]}


# The invitation: mailed once with its own code, kept as its hash, used once


@dataclass
class Mailing:
    api: httpx.AsyncClient
    mailbox: Mailbox
    settings: Settings


@pytest.fixture(scope="module")
async def mailing(env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings) -> AsyncIterator[Mailing]:
    port = free_port()
    with_mail = mail_settings(settings, port).model_copy(update={"task_queue": QUEUE})
    async with (
        smtp_server(port) as mailbox,
        make_worker(env.client, pool, with_mail, task_queue=QUEUE),
        app_client(with_mail) as client,
    ):
        yield Mailing(client, mailbox, with_mail)


async def mailed_code(mailing: Mailing, email: str) -> tuple[str, Any]:
    """The code in the (newest) invitation mailed to `email`, and the message."""

    async def mails() -> list[Any]:
        return [m for rcpt, m in mailing.mailbox.messages if rcpt == [email]]

    message = (await eventually(mails))[-1]
    [code] = LINK.findall(text_of(message))
    return code, message


async def test_the_invitation_is_mailed_with_a_one_time_code_kept_only_as_its_hash(
    mailing: Mailing, pool: asyncpg.Pool, login: Login
) -> None:
    email = address()
    made = await invite(mailing.api, await login(BEHEERDER), email=email, rol="pedagogisch_medewerker",
                        locatieIds=[str(B), str(Z)])  # fmt: skip

    code, message = await mailed_code(mailing, email)

    body = text_of(message)
    assert message["Subject"] == "Uitnodiging: uw account voor de overdracht voorschool–basisschool"
    assert body.startswith("Beste collega,") and "Almere nodigt u uit" in body and "pedagogisch medewerker" in body
    assert "De link werkt één keer, tot " in body and "[[" not in body
    assert "Fleur" not in body and "Boomhut" not in body  # no names beyond the gemeente's
    assert len(code) >= 43
    row = await pool.fetchrow("SELECT * FROM uitnodigingen WHERE gebruiker_id = $1", UUID(made["id"]))
    assert row is not None and bytes(row["hash"]) == db_gebruikers.code_hash(code)
    assert row["gebruikt_op"] is None and row["verloopt_op"] > datetime.now(UTC)
    stored = await pool.fetchrow("SELECT tekst, status FROM berichten WHERE id = $1", row["bericht_id"])
    assert stored is not None and code not in stored["tekst"] and stored["status"] == "verzonden"
    assert await pool.fetchval("SELECT count(*) FROM berichten WHERE tekst LIKE '%' || $1 || '%'", code) == 0

    # Invited again: a new mail with a new code; the first stops working.
    r = await mailing.api.post(f"/v1/gebruikers/{made['id']}/uitnodigingen", headers=await login(BEHEERDER))
    assert r.status_code == 202, r.text
    second, _ = await eventually(lambda: mailed_code(mailing, email), lambda found: found[0] != code)
    assert await db_gebruikers.invitation(pool, code) is None
    newest = await db_gebruikers.invitation(pool, second)
    assert newest is not None and newest["gebruiker_id"] == UUID(made["id"])


async def mint(pool: asyncpg.Pool, gebruiker_id: UUID) -> str:
    """The code of the person's newest invitation, as its delivery would mint it (no mail server here:
    the suite's worker leaves it in the outbox without one)."""
    bericht_id = await pool.fetchval(
        "SELECT bericht_id FROM uitnodigingen WHERE gebruiker_id = $1 ORDER BY aangemaakt_op DESC LIMIT 1",
        gebruiker_id,
    )
    async with pool.acquire() as conn, conn.transaction():
        minted = await db_gebruikers.mint_invitation(conn, bericht_id)
    assert minted is not None
    return minted.code


async def test_an_invitation_works_once_expires_and_ends_with_a_new_one_or_deactivation(
    api: httpx.AsyncClient, pool: asyncpg.Pool, beheer: dict[str, str]
) -> None:
    made = await invite(api, beheer, rol="beheerder")
    gebruiker_id = UUID(made["id"])
    code = await mint(pool, gebruiker_id)
    found = await db_gebruikers.invitation(pool, code)
    assert found is not None and found["naam"] == "Nieuwe Medewerker"

    assert await db_gebruikers.redeem_invitation(pool, code) == gebruiker_id
    assert await db_gebruikers.redeem_invitation(pool, code) is None  # used
    assert await db_gebruikers.invitation(pool, code) is None
    r = await api.get(f"/v1/gebruikers/{gebruiker_id}", headers=beheer)
    assert r.json()["status"] == "actief" and r.json()["aangemeldOp"] is not None
    assert_problem(await api.post(f"/v1/gebruikers/{gebruiker_id}/uitnodigingen", headers=beheer), 409)

    expired = await invite(api, beheer, rol="beheerder")
    code = await mint(pool, UUID(expired["id"]))
    await pool.execute("UPDATE uitnodigingen SET verloopt_op = now() - interval '1 second' WHERE hash = $1",
                       db_gebruikers.code_hash(code))  # fmt: skip
    assert await db_gebruikers.redeem_invitation(pool, code) is None

    withdrawn = await invite(api, beheer, rol="beheerder")
    code = await mint(pool, UUID(withdrawn["id"]))
    assert (await api.post(f"/v1/gebruikers/{withdrawn['id']}/uitnodigingen", headers=beheer)).status_code == 202
    assert await db_gebruikers.redeem_invitation(pool, code) is None

    deactivated = await invite(api, beheer, rol="beheerder")
    code = await mint(pool, UUID(deactivated["id"]))
    assert (await api.post(f"/v1/gebruikers/{deactivated['id']}/deactiveringen", headers=beheer)).status_code == 200
    assert await db_gebruikers.redeem_invitation(pool, code) is None
    assert_problem(await api.post(f"/v1/gebruikers/{deactivated['id']}/uitnodigingen", headers=beheer), 409)


# The migration: every user keeps exactly the access they had


async def test_migration_019_gives_every_user_exactly_their_one_location_or_school(database_url: str) -> None:
    name = f"migratie_019_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    conn = await asyncpg.connect(database_url.rsplit("/", 1)[0] + f"/{name}")
    try:
        await conn.execute("CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz)")
        for path in sorted(MIGRATIONS.glob("*.sql")):
            if path.name.startswith("019_"):
                break
            await conn.execute(path.read_text())
        g, sd, w, loc, other, school = (uuid.uuid4() for _ in range(6))
        await conn.execute("INSERT INTO gemeenten VALUES ($1, 'G')", g)
        await conn.execute("INSERT INTO stadsdelen VALUES ($1, $2, 'S')", sd, g)
        await conn.execute("INSERT INTO wijken VALUES ($1, $2, 'W')", w, sd)
        await conn.executemany("INSERT INTO locaties VALUES ($1, $2, 'L')", [(loc, w), (other, w)])
        await conn.execute("INSERT INTO scholen (id, wijk_id, naam) VALUES ($1, $2, 'S')", school, w)
        users = {
            "pm": (uuid.uuid4(), "pedagogisch_medewerker", loc, None),
            "lm": (uuid.uuid4(), "locatiemanager", other, None),
            "school": (uuid.uuid4(), "school", None, school),
            "coordinator": (uuid.uuid4(), "coordinator", None, None),
        }
        await conn.executemany(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id, school_id) VALUES ($1, 'X', $2, $3, $4, $5)",
            [(i, rol, g, locatie, s) for i, rol, locatie, s in users.values()],
        )

        await conn.execute((MIGRATIONS / next(p.name for p in MIGRATIONS.glob("019_*.sql"))).read_text())

        locaties = {tuple(r) for r in await conn.fetch("SELECT gebruiker_id, locatie_id FROM gebruiker_locaties")}
        scholen = {tuple(r) for r in await conn.fetch("SELECT gebruiker_id, school_id FROM gebruiker_scholen")}
        assert locaties == {(users["pm"][0], loc), (users["lm"][0], other)}
        assert scholen == {(users["school"][0], school)}
        # Written the old way afterwards (one column), a user moves there alone.
        await conn.execute("UPDATE gebruikers SET locatie_id = $2 WHERE id = $1", users["pm"][0], other)
        rows = await conn.fetch("SELECT locatie_id FROM gebruiker_locaties WHERE gebruiker_id = $1", users["pm"][0])
        assert [r["locatie_id"] for r in rows] == [other]
    finally:
        await conn.close()
        await admin.execute(f'DROP DATABASE "{name}"')
        await admin.close()


# The admin endpoints' cell of the permission matrix (tests/test_permissions.py, kind "gebruikers")


async def permission_cell(w: Any, ep: Any, role: str, scope: str, expected: int) -> None:
    """One endpoint × role × scope. "eigen": Almere's beheerder on an Almere member of staff made for this
    cell; "vreemd": another gemeente's beheerder on that same person (404 for one person's endpoints;
    the list without Almere's people; an invitation lands in their own gemeente). Other roles: 403."""
    from tests.test_permissions import assert_no_content, assert_status

    await ensure_organisations(w.pool)
    target = uuid.uuid4()
    await w.pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id, email, uitgenodigd_op)"
        " VALUES ($1, 'Matrixmedewerker', 'pedagogisch_medewerker', $2, $3, $4, now())",
        target, demo.ALMERE, B, address(),
    )  # fmt: skip
    one = "{gebruiker_id}" in ep.path
    if expected == ep.success and scope == "vreemd" and one:
        expected = 404
    headers = {} if role == "anoniem" else await w.headers(w.user(role, scope, w.shared))
    own = w.elders.locatie if scope == "vreemd" else B
    body = {
        ("POST", "/v1/gebruikers"): {"naam": "Matrix", "email": address(), "rol": "pedagogisch_medewerker",
                                     "locatieIds": [str(own)]},
        ("PUT", "/v1/gebruikers/{gebruiker_id}/rol"): {"rol": "locatiemanager", "locatieIds": [str(B)]},
    }.get((ep.method, ep.path))  # fmt: skip
    before = await w.pool.fetchrow("SELECT rol, gedeactiveerd_op FROM gebruikers WHERE id = $1", target)

    r = await w.api.request(ep.method, ep.path.format(gebruiker_id=target), headers=headers, json=body)

    assert_status(r, expected)
    assert_no_content(role, r)
    after = await w.pool.fetchrow("SELECT rol, gedeactiveerd_op FROM gebruikers WHERE id = $1", target)
    if expected >= 400:
        assert tuple(after) == tuple(before)
        return
    gemeente = w.elders.id if scope == "vreemd" else demo.ALMERE
    if ep.method == "GET" and not one:
        ids = [UUID(g["id"]) for g in r.json()["resultaten"]]
        assert (target in ids) == (scope == "eigen")
        rows = await w.pool.fetch("SELECT DISTINCT gemeente_id FROM gebruikers WHERE id = ANY($1::uuid[])", ids)
        assert [row["gemeente_id"] for row in rows] == [gemeente]
    elif ep.method == "POST" and not one:
        assert (
            await w.pool.fetchval("SELECT gemeente_id FROM gebruikers WHERE id = $1", UUID(r.json()["id"])) == gemeente
        )
    elif ep.path.endswith("/deactiveringen"):
        assert after["gedeactiveerd_op"] is not None
    elif ep.path.endswith("/rol"):
        assert after["rol"] == "locatiemanager"
