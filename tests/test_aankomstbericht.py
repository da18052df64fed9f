"""The school hears at once that an overdracht arrived: one message per dispatch to its intake address
(set by the beheerder) and its intern begeleiders, with a link to its received overdrachten and
nothing of the child."""

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from overdracht import demo
from schemas.overdracht import Rol
from tests.cases import NewCase
from tests.conftest import Login
from tests.helpers import assert_problem

BEHEERDER = next(u.id for u in demo.STAFF_USERS if u.rol is Rol.BEHEERDER)
INTAKE = "aanmelding.ster@example.org"


def ib_of(school_id: UUID) -> UUID:
    return next(u for u, functie in demo.FUNCTIE.items() if functie == "intern_begeleider" and _school(u) == school_id)


def _school(user_id: UUID) -> UUID | None:
    return next(u.school_id for u in demo.STAFF_USERS if u.id == user_id)


@pytest.fixture
async def intake(api: httpx.AsyncClient, login: Login) -> AsyncIterator[dict[str, str]]:
    """De Ster's intake address set by Almere's beheerder for this test, and removed after."""
    beheerder = await login(BEHEERDER)
    r = await api.patch(f"/v1/scholen/{demo.STER}", headers=beheerder, json={"intakeEmail": f"  {INTAKE} "})
    assert (r.status_code, r.json()["intakeEmail"]) == (200, INTAKE), r.text
    try:
        yield beheerder
    finally:
        r = await api.patch(f"/v1/scholen/{demo.STER}", headers=beheerder, json={"intakeEmail": ""})
        assert (r.status_code, r.json()["intakeEmail"]) == (200, None), r.text


async def arrivals(pool: asyncpg.Pool, path: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT soort, ontvanger, aan, onderwerp, tekst FROM berichten WHERE overdracht_id = $1"
        " AND aanleiding = 'aangekomen' ORDER BY aangemaakt_op",
        UUID(path.rsplit("/", 1)[-1]),
    )


async def email_of(pool: asyncpg.Pool, user_id: UUID) -> Any:
    return await pool.fetchval("SELECT email FROM gebruikers WHERE id = $1", user_id)


async def test_each_dispatch_is_announced_once_to_the_schools_intake_and_its_intern_begeleiders(
    new_case: NewCase, pool: asyncpg.Pool, intake: dict[str, str]
) -> None:
    case = await new_case("gereed_voor_verzending")
    assert await arrivals(pool, case.path) == []  # nothing before it is sent

    await case.step("POST", "/verzendingen", case.pm, 201)

    [first] = await arrivals(pool, case.path)
    assert (first["soort"], first["ontvanger"]) == ("uitnodiging", "school_intake")
    assert first["aan"] == sorted([INTAKE, await email_of(pool, ib_of(demo.STER))])
    assert first["onderwerp"] == "Overdracht: er is een overdracht voor uw school binnengekomen"
    assert "Bekijk de ontvangen overdrachten (na aanmelden):\nhttp://127.0.0.1:8000/\n" in first["tekst"]
    kind = await pool.fetchrow("SELECT voornaam, achternaam, geboortedatum FROM kinderen WHERE id = $1", case.kind_id)
    assert kind is not None
    for personal in (kind["voornaam"], kind["achternaam"], kind["geboortedatum"].strftime("%d-%m-%Y")):
        assert personal not in first["tekst"] and personal not in first["onderwerp"]

    # Not enrolled there: returned, sent to another school (the parents consent again): another arrival,
    # at that school, which has no intake address: its intern begeleider hears it.
    await case.step("POST", "/retouren", case.school, 201, {"reden": "Niet bij ons ingeschreven"})
    await case.step("PUT", "/school", case.pm, 200, {"schoolId": str(demo.POLDER)})
    await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "gegeven"})
    await case.step("POST", "/verzendingen", case.pm, 201)

    found = await arrivals(pool, case.path)
    assert len(found) == 2
    assert found[1]["aan"] == [await email_of(pool, ib_of(demo.POLDER))]


async def test_the_intake_address_is_checked_and_a_school_without_one_or_an_ib_er_tells_its_staff(
    api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool, new_case: NewCase
) -> None:
    beheerder = await login(BEHEERDER)
    wrong = await api.patch(f"/v1/scholen/{demo.STER}", headers=beheerder, json={"intakeEmail": "geen adres"})
    assert [p["name"] for p in assert_problem(wrong, 400)["invalidParams"]] == ["intakeEmail"]
    school = await api.get(f"/v1/scholen/{demo.STER}", headers=beheerder)
    assert school.json()["intakeEmail"] is None

    ib = ib_of(demo.STER)
    await pool.execute("UPDATE gebruikers SET functie = NULL WHERE id = $1", ib)
    try:
        case = await new_case("verzonden")
    finally:
        await pool.execute("UPDATE gebruikers SET functie = 'intern_begeleider' WHERE id = $1", ib)
    [arrival] = await arrivals(pool, case.path)
    staff = [u.id for u in demo.STAFF_USERS if u.school_id == demo.STER]
    assert arrival["aan"] == sorted([await email_of(pool, u) for u in staff])
