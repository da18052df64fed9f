"""GET /v1/overdrachten: every filter, every sort, and keyset paging over them, in a gemeente of its
own so the expected lists are exact. The list reads the read model only, so rows are written straight
into it here; tests/test_happy_path.py proves the workflow writes that model."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import Login
from tests.helpers import assert_problem

T0 = datetime(2027, 3, 1, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
async def world(pool: asyncpg.Pool) -> dict[str, Any]:
    """Two stadsdelen with a wijk and a location each, one school, a coordinator, and six overdrachten."""
    ids = {name: uuid.uuid4() for name in ("gemeente", "sd1", "sd2", "w1", "w2", "l1", "l2", "school", "coord", "pm1")}
    await pool.execute("INSERT INTO gemeenten VALUES ($1, 'Lijststad')", ids["gemeente"])
    for sd, w, loc, n in (("sd1", "w1", "l1", 1), ("sd2", "w2", "l2", 2)):
        await pool.execute("INSERT INTO stadsdelen VALUES ($1, $2, $3)", ids[sd], ids["gemeente"], f"Stadsdeel {n}")
        await pool.execute("INSERT INTO wijken VALUES ($1, $2, $3)", ids[w], ids[sd], f"Wijk {n}")
        await pool.execute("INSERT INTO locaties VALUES ($1, $2, $3)", ids[loc], ids[w], f"Locatie {n}")
    await pool.execute("INSERT INTO scholen VALUES ($1, $2, 'School', NULL)", ids["school"], ids["w1"])
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id) VALUES ($1, 'Coördinator', 'coordinator', $2)",
        ids["coord"], ids["gemeente"],
    )  # fmt: skip
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id) VALUES ($1, 'PM', 'pedagogisch_medewerker', $2, $3)",
        ids["pm1"], ids["gemeente"], ids["l1"],
    )  # fmt: skip
    # name: (location, status, open flags, overdue since, next deadline, school year, opened after T0 by hours)
    rows = {
        "a": ("l1", "concept", [], None, T0 + timedelta(days=30), "2027-2028", 0),
        "b": (
            "l1",
            "bij_ouders",
            ["te_laat_toestemming"],
            T0 + timedelta(days=2),
            T0 + timedelta(days=1),
            "2027-2028",
            1,
        ),
        "c": (
            "l2",
            "verzonden",
            ["te_laat_bevestigen"],
            T0 + timedelta(days=1),
            T0 + timedelta(days=3),
            "2027-2028",
            2,
        ),
        "d": (
            "l2",
            "wacht_op_school",
            ["school_onbekend", "te_laat_verzenden"],
            T0,
            T0 + timedelta(days=5),
            "2028-2029",
            3,
        ),
        "e": ("l1", "afgerond", [], None, None, "2026-2027", 4),
        "f": ("l2", "concept", [], None, T0 + timedelta(days=60), "2028-2029", 5),
    }
    made = {}
    for name, (loc, status, flags, since, due, year, hours) in rows.items():
        kind, overdracht = uuid.uuid4(), uuid.uuid4()
        await pool.execute(
            "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum) VALUES ($1, $2, 'Kind', $3, '2024-01-01')",
            kind, ids[loc], name,
        )  # fmt: skip
        opened = T0 + timedelta(hours=hours)
        await pool.execute(
            """INSERT INTO overdrachten (id, kind_id, gemeente_id, locatie_id, school_id, status, revisie, geopend_op,
                   bijgewerkt_op, vlaggen, open_vlaggen, achterstallig_sinds, volgende_deadline, schooljaar, deadlines)
               VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $9, $10, $11, $12, $13)""",
            overdracht, kind, ids["gemeente"], ids[loc], ids["school"] if status == "verzonden" else None, status,
            opened, opened + timedelta(days=10 - hours), flags, since, due, year, json.dumps({}),
        )  # fmt: skip
        made[name] = str(overdracht)
    return {"ids": ids, "o": made}


async def names(api: httpx.AsyncClient, headers: dict[str, str], world: dict[str, Any], **params: Any) -> list[str]:
    """Every page, followed by its cursor; the rows by the names the fixture gave them."""
    by_id = {v: k for k, v in world["o"].items()}
    seen: list[str] = []
    cursor = None
    while True:
        query = {**params, "pageSize": 2, **({"cursor": cursor} if cursor else {})}
        r = await api.get("/v1/overdrachten", headers=headers, params=query)
        assert r.status_code == 200, r.text
        seen += [by_id[o["id"]] for o in r.json()["resultaten"]]
        if not (cursor := r.json()["volgendeCursor"]):
            return seen


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["a", "b", "c", "d", "e", "f"]),
        ({"status": ["concept", "afgerond"]}, ["a", "e", "f"]),
        ({"vlag": "te_laat_verzenden"}, ["d"]),
        ({"vlag": ["te_laat_toestemming", "te_laat_bevestigen"]}, ["b", "c"]),
        ({"teLaat": "true"}, ["b", "c", "d"]),
        ({"teLaat": "false"}, ["a", "e", "f"]),
        ({"schooljaar": "2028-2029"}, ["d", "f"]),
        ({"deadlineVoor": "2027-03-04"}, ["b", "c"]),
        ({"sort": "-geopendOp"}, ["f", "e", "d", "c", "b", "a"]),
        ({"sort": "volgendeDeadline"}, ["b", "c", "d", "a", "f", "e"]),
        ({"sort": "-bijgewerktOp"}, ["a", "b", "c", "d", "e", "f"]),
        ({"sort": "achterstalligSinds", "teLaat": "true"}, ["d", "c", "b"]),
    ],
)
async def test_filters_and_sorts_across_pages(
    api: httpx.AsyncClient, login: Login, world: dict[str, Any], params: dict[str, Any], expected: list[str]
) -> None:
    coordinator = await login(world["ids"]["coord"])

    assert await names(api, coordinator, world, **params) == expected


async def test_oldest_overdue_first_then_the_rest(api: httpx.AsyncClient, login: Login, world: dict[str, Any]) -> None:
    coordinator = await login(world["ids"]["coord"])

    listed = await names(api, coordinator, world, sort="achterstalligSinds")

    assert listed[:3] == ["d", "c", "b"]
    assert set(listed[3:]) == {"a", "e", "f"}  # not overdue: after, in a stable order


async def test_place_filters(api: httpx.AsyncClient, login: Login, world: dict[str, Any]) -> None:
    coordinator, ids = await login(world["ids"]["coord"]), world["ids"]

    assert await names(api, coordinator, world, stadsdeelId=str(ids["sd2"])) == ["c", "d", "f"]
    assert await names(api, coordinator, world, wijkId=str(ids["w1"])) == ["a", "b", "e"]
    assert await names(api, coordinator, world, locatieId=str(ids["l2"]), teLaat="true") == ["c", "d"]
    assert await names(api, coordinator, world, schoolId=str(ids["school"])) == ["c"]


async def test_a_filter_never_widens_the_scope(api: httpx.AsyncClient, login: Login, world: dict[str, Any]) -> None:
    pm = await login(world["ids"]["pm1"])

    assert await names(api, pm, world) == ["a", "b", "e"]
    assert await names(api, pm, world, locatieId=str(world["ids"]["l2"])) == []


async def test_bad_list_parameters_are_400(api: httpx.AsyncClient, login: Login, world: dict[str, Any]) -> None:
    coordinator = await login(world["ids"]["coord"])
    first = await api.get("/v1/overdrachten", headers=coordinator, params={"pageSize": 2})
    cursor = first.json()["volgendeCursor"]

    for params in (
        {"vlag": "te_vroeg"},
        {"schooljaar": "2027"},
        {"sort": "naam"},
        {"deadlineVoor": "morgen"},
        {"teLaat": "misschien"},
        {"pageSize": 0},
        {"cursor": cursor, "sort": "-geopendOp"},  # a cursor is for the sort it was made with
        {"statsu": "concept"},  # a typo must not silently list everything
    ):
        assert_problem(await api.get("/v1/overdrachten", headers=coordinator, params=params), 400)


async def test_an_unknown_query_parameter_is_named(api: httpx.AsyncClient, login: Login, world: dict[str, Any]) -> None:
    coordinator = await login(world["ids"]["coord"])

    r = await api.get("/v1/overdrachten", headers=coordinator, params={"schooljar": "2027-2028"})

    assert assert_problem(r, 400)["invalidParams"] == [{"name": "schooljar", "reason": "onbekende parameter"}]
