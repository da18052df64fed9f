"""The API as its callers meet it: bad input, roles, scope, conflicts, paging, headers."""

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from overdracht import demo
from tests.conftest import Login
from tests.happy_path import COMPLETE_FORM, place_child
from tests.helpers import assert_problem

Open = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
async def pm(login: Login) -> dict[str, str]:
    return await login(demo.PM_USER[demo.BOOMHUT])


@pytest.fixture
def open_new(api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]) -> Open:
    """Open an overdracht for a new child at De Boomhut; returns its body and the parent's id."""

    async def opened(by: dict[str, str] = pm, **child: Any) -> dict[str, Any]:
        kind_id, parent_id = await place_child(pool, **child)
        r = await api.post("/v1/overdrachten", headers=by, json={"kindId": str(kind_id)})
        assert r.status_code == 201, r.text
        return {**r.json(), "parent_id": parent_id, "kind_id": kind_id}

    return opened


async def revisie(pool: asyncpg.Pool, overdracht_id: str) -> int:
    return await pool.fetchval("SELECT revisie FROM overdrachten WHERE id = $1", UUID(overdracht_id))


async def test_invalid_form_lists_every_invalid_field_and_changes_nothing(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str], open_new: Open
) -> None:
    o = await open_new()
    bad = {
        "vve": {"indicatie": True, "maandenDeelname": -3},
        "ontwikkeling": {"taal": {"niveau": "heel goed"}, "dansen": {"niveau": "zorg"}},
        "observatie": {"datum": "31-02-2026"},
    }

    r = await api.put(f"/v1/overdrachten/{o['id']}/formulier", headers=pm, json=bad)

    body = assert_problem(r, 400)
    names = {p["name"] for p in body["invalidParams"]}
    assert {"vve.maandenDeelname", "ontwikkeling.taal.niveau", "ontwikkeling.dansen.[key]", "observatie.datum"} <= names
    assert await revisie(pool, o["id"]) == o["revisie"]  # as opened
    assert await pool.fetchval("SELECT count(*) FROM formulieren WHERE overdracht_id = $1", UUID(o["id"])) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [({"kindId": "not-a-uuid"}, "kindId"), ({"kindId": str(uuid4()), "naam": "Noor"}, "naam"), ({}, "kindId")],
)
async def test_bad_open_requests_are_400(
    api: httpx.AsyncClient, pm: dict[str, str], body: dict[str, Any], field: str
) -> None:
    r = await api.post("/v1/overdrachten", headers=pm, json=body)

    assert field in {p["name"] for p in assert_problem(r, 400)["invalidParams"]}


async def test_malformed_json_is_400(api: httpx.AsyncClient, pm: dict[str, str], open_new: Open) -> None:
    o = await open_new()
    headers = {**pm, "content-type": "application/json"}

    r = await api.put(f"/v1/overdrachten/{o['id']}/formulier", headers=headers, content=b'{"vve": ')

    assert_problem(r, 400)


async def test_without_a_valid_token_it_is_401(api: httpx.AsyncClient) -> None:
    assert_problem(await api.get("/v1/overdrachten"), 401)
    r = await api.get("/v1/overdrachten", headers={"Authorization": "Bearer forged.token.here"})
    assert_problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"


async def test_dev_token_for_an_unknown_user_is_404(api: httpx.AsyncClient) -> None:
    assert_problem(await api.post("/v1/dev/tokens", json={"gebruikerId": str(uuid4())}), 404)


async def test_opening_twice_returns_the_same_overdracht(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]
) -> None:
    kind_id, _ = await place_child(pool)

    first = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
    second = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.headers["location"] == second.headers["location"] == f"/v1/overdrachten/{first.json()['id']}"
    assert await pool.fetchval("SELECT count(*) FROM overdrachten WHERE kind_id = $1", kind_id) == 1


async def test_a_child_of_another_location_cannot_be_opened(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str]
) -> None:
    kind_id, _ = await place_child(pool, locatie_id=demo.ZONNETJE)

    r = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})

    assert_problem(r, 404)
    assert await pool.fetchval("SELECT count(*) FROM overdrachten WHERE kind_id = $1", kind_id) == 0


async def test_a_role_that_may_never_take_a_step_gets_403(api: httpx.AsyncClient, login: Login, open_new: Open) -> None:
    o = await open_new()
    parent = await login(o["parent_id"])
    coordinator = await login(demo.COORDINATOR)

    assert_problem(await api.post(f"/v1/overdrachten/{o['id']}/verzendingen", headers=parent), 403)
    assert_problem(await api.post("/v1/overdrachten", headers=coordinator, json={"kindId": str(o["kind_id"])}), 403)


async def test_outside_ones_scope_an_overdracht_does_not_exist(
    api: httpx.AsyncClient, login: Login, open_new: Open
) -> None:
    o = await open_new()
    other_pm = await login(demo.PM_USER[demo.ZONNETJE])
    other_parent = await login(demo.CHILDREN[0].parent_id)
    school = await login(demo.SCHOOL_USER[demo.STER])

    for who in (other_pm, other_parent, school):  # the school: not sent to it yet
        assert_problem(await api.get(f"/v1/overdrachten/{o['id']}", headers=who), 404)
    assert_problem(await api.put(f"/v1/overdrachten/{o['id']}/formulier", headers=other_pm, json={}), 404)
    assert_problem(await api.get(f"/v1/overdrachten/{uuid4()}", headers=other_pm), 404)


async def test_the_coordinator_sees_metadata_only(
    api: httpx.AsyncClient, login: Login, pm: dict[str, str], open_new: Open
) -> None:
    o = await open_new()
    await api.put(f"/v1/overdrachten/{o['id']}/formulier", headers=pm, json=COMPLETE_FORM)
    coordinator = await login(demo.COORDINATOR)

    detail = await api.get(f"/v1/overdrachten/{o['id']}", headers=coordinator)
    listing = await api.get("/v1/overdrachten", headers=coordinator, params={"pageSize": 100})

    assert detail.status_code == 200
    assert detail.json()["kind"] is None and detail.json()["formulier"] is None
    assert detail.json()["wijk"]["naam"] == "Literatuurwijk"
    text = detail.text + listing.text
    assert "Proef-" not in text and "Testkind" not in text and "Rustig opstarten" not in text


async def test_the_school_reads_the_form_once_it_is_sent(
    api: httpx.AsyncClient, login: Login, pm: dict[str, str], open_new: Open
) -> None:
    o = await open_new()
    path = f"/v1/overdrachten/{o['id']}"
    await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM)
    await api.post(f"{path}/indieningen", headers=pm)
    await api.post(f"{path}/toestemmingen", headers=await login(o["parent_id"]), json={"besluit": "gegeven"})
    school = await login(demo.SCHOOL_USER[demo.STER])
    assert_problem(await api.get(path, headers=school), 404)

    await api.post(f"{path}/verzendingen", headers=pm)
    r = await api.get(path, headers=school)

    assert r.status_code == 200
    assert r.json()["formulier"]["bijzonderheden"]["adviesVoorSchool"] == "Rustig opstarten helpt."
    assert r.json()["kind"]["voornaam"] == "Testkind"


async def test_a_step_out_of_order_is_409_and_changes_nothing(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str], open_new: Open
) -> None:
    o = await open_new()

    r = await api.post(f"/v1/overdrachten/{o['id']}/verzendingen", headers=pm)

    body = assert_problem(r, 409)
    assert "gereed_voor_verzending" in body["detail"] and "concept" in body["detail"]
    assert await revisie(pool, o["id"]) == o["revisie"]  # as opened


async def test_submitting_an_incomplete_form_is_422_with_what_is_missing(
    api: httpx.AsyncClient, pool: asyncpg.Pool, pm: dict[str, str], open_new: Open
) -> None:
    o = await open_new()
    await api.put(f"/v1/overdrachten/{o['id']}/formulier", headers=pm, json={"vve": {"indicatie": False}})

    r = await api.post(f"/v1/overdrachten/{o['id']}/indieningen", headers=pm)

    body = assert_problem(r, 422)
    assert "observatie.instrument" in body["ontbrekendeVelden"]
    assert "vve.indicatie" not in body["ontbrekendeVelden"]
    assert await revisie(pool, o["id"]) == o["revisie"] + 1  # the form saved, not submitted


async def test_nothing_changes_after_afgerond(
    api: httpx.AsyncClient, login: Login, pm: dict[str, str], open_new: Open
) -> None:
    o = await open_new()
    path = f"/v1/overdrachten/{o['id']}"
    school = await login(demo.SCHOOL_USER[demo.STER])
    await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM)
    await api.post(f"{path}/indieningen", headers=pm)
    await api.post(f"{path}/toestemmingen", headers=await login(o["parent_id"]), json={"besluit": "gegeven"})
    await api.post(f"{path}/verzendingen", headers=pm)
    done = await api.post(f"{path}/ontvangstbevestigingen", headers=school, json={"eersteSchooldag": "2027-01-04"})
    assert done.json()["status"] == "afgerond"

    again = await api.post(f"{path}/ontvangstbevestigingen", headers=school, json={"eersteSchooldag": "2027-01-05"})
    edit = await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM)

    assert_problem(again, 409)
    assert_problem(edit, 409)
    assert (await api.get(path, headers=pm)).json()["tijdstippen"]["eersteSchooldag"] == "2027-01-04"


async def test_an_unknown_school_is_400(api: httpx.AsyncClient, pm: dict[str, str], open_new: Open) -> None:
    o = await open_new(school_id=None)

    r = await api.put(f"/v1/overdrachten/{o['id']}/school", headers=pm, json={"schoolId": str(uuid4())})

    assert "schoolId" in {p["name"] for p in assert_problem(r, 400)["invalidParams"]}


async def test_the_list_pages_with_a_cursor_and_filters(api: httpx.AsyncClient, login: Login, open_new: Open) -> None:
    pm = await login(demo.PM_USER[demo.REGENBOOG])
    for _ in range(3):
        await open_new(by=pm, locatie_id=demo.REGENBOOG)

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"pageSize": 2, "status": "concept"}
        if cursor:
            params["cursor"] = cursor
        page = (await api.get("/v1/overdrachten", headers=pm, params=params)).json()
        assert len(page["resultaten"]) <= 2
        seen += [o["id"] for o in page["resultaten"]]
        assert all(o["status"] == "concept" and o["locatie"]["id"] == str(demo.REGENBOOG) for o in page["resultaten"])
        if not (cursor := page["volgendeCursor"]):
            break

    assert len(seen) >= 3 and len(seen) == len(set(seen))
    opened = [
        o["tijdstippen"]["geopendOp"]
        for o in (await api.get("/v1/overdrachten", headers=pm, params={"pageSize": 100})).json()["resultaten"]
    ]
    assert opened == sorted(opened)
    assert_problem(await api.get("/v1/overdrachten", headers=pm, params={"cursor": "!!"}), 400)
    assert_problem(await api.get("/v1/overdrachten", headers=pm, params={"status": "KLAAR"}), 400)


async def test_every_response_carries_the_api_version(api: httpx.AsyncClient, pm: dict[str, str]) -> None:
    for r in (
        await api.get("/v1/gezondheid"),
        await api.get("/v1/overdrachten", headers=pm),
        await api.get("/v1/overdrachten"),
        await api.get("/v1/bestaat-niet"),
    ):
        assert r.headers["api-version"] == "1.0.0"


async def test_no_trailing_slash_redirects(api: httpx.AsyncClient, pm: dict[str, str]) -> None:
    r = await api.get("/v1/overdrachten/", headers=pm)

    assert_problem(r, 404)


async def test_the_openapi_documents_every_error(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/v1/openapi.json")).json()

    put_form = spec["paths"]["/overdrachten/{overdracht_id}/formulier"]["put"]
    assert {"400", "401", "403", "404", "409", "503"} <= set(put_form["responses"])
    assert "422" in spec["paths"]["/overdrachten/{overdracht_id}/indieningen"]["post"]["responses"]


async def test_every_operation_is_documented(api: httpx.AsyncClient) -> None:
    """Each operation has a summary, a documented success, its errors as problem+json, and 401 where
    it needs a token."""
    spec = (await api.get("/v1/openapi.json")).json()
    # Paths from the server's URL (/v1).
    public = {"/gezondheid", "/gezondheid/levend", "/ouder-sessies", "/ouder-code-aanvragen", "/dev/tokens"}
    undocumented = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            codes = set(op["responses"])
            if not op.get("summary"):
                undocumented.append(f"{where}: no summary")
            if not any(c.startswith("2") for c in codes):
                undocumented.append(f"{where}: no success response")
            if path not in public and "401" not in codes:
                undocumented.append(f"{where}: 401 not documented")
            if "400" not in codes and (op.get("parameters") or op.get("requestBody")):
                undocumented.append(f"{where}: 400 not documented")
            for code, response in op["responses"].items():
                is_problem = "application/problem+json" in response.get("content", {})
                if code[0] in "45" and path != "/gezondheid" and not is_problem:
                    undocumented.append(f"{where}: {code} not problem+json")
    assert undocumented == []
