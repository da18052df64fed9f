"""The API as an integrator meets it at the edges (issue 15): live versus ready, what a 405 allows, a body
that is not JSON, who may read the API from a browser."""

import asyncpg
import httpx

from core.settings import Settings
from overdracht import demo
from tests.conftest import Login, app_client
from tests.helpers import assert_problem


async def test_alive_is_not_ready(settings: Settings, worker: object) -> None:
    nobody = settings.model_copy(update={"task_queue": "overdracht-zonder-worker"})
    async with app_client(nobody) as api:
        levend = await api.get("/v1/gezondheid/levend")
        gereed = await api.get("/v1/gezondheid")

    assert levend.status_code == 200 and levend.json() == {"status": "ok", "onderdelen": {"api": {"status": "ok"}}}
    problem = assert_problem(gereed, 503)
    assert problem["title"] == "Niet gereed" and problem["onderdelen"]["worker"]["status"] == "niet_klaar"


async def test_not_ready_while_no_gemeente_has_a_protocol(api: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    actief = await pool.fetch(
        "SELECT gemeente_id, versie, geactiveerd_op FROM protocol_versies WHERE geactiveerd_op IS NOT NULL"
    )
    await pool.execute("UPDATE protocol_versies SET geactiveerd_op = NULL")
    try:
        r = await api.get("/v1/gezondheid")
    finally:
        await pool.executemany(
            "UPDATE protocol_versies SET geactiveerd_op = $3 WHERE gemeente_id = $1 AND versie = $2",
            [tuple(row) for row in actief],
        )

    problem = assert_problem(r, 503)
    assert problem["onderdelen"]["protocol"]["status"] == "niet_klaar"
    assert "protocol" in problem["detail"] and "database" not in problem["detail"]
    assert (await api.get("/v1/gezondheid")).status_code == 200


async def test_a_405_names_every_method_the_path_allows(api: httpx.AsyncClient) -> None:
    r = await api.delete("/v1/overdrachten")

    problem = assert_problem(r, 405)
    assert r.headers["Allow"] == "GET, POST"
    assert "GET, POST" in problem["detail"]
    # Each method is a route of its own: the header names them all, not only the first route's.
    r = await api.post("/v1/gezondheid")
    assert_problem(r, 405)
    assert r.headers["Allow"] == "GET"


async def test_a_path_written_out_in_full_is_not_taken_for_an_id(api: httpx.AsyncClient, login: Login) -> None:
    """/v1/imports/plaatsingen and /v1/scholen/duo-import also fit /v1/imports/{import_id} and
    /v1/scholen/{school_id}; the document gives them POST only, and so does the API."""
    beheerder = await login(demo.STAFF_USERS[10].id)

    read_import = await api.get("/v1/imports/plaatsingen", headers=beheerder)
    change_school = await api.patch("/v1/scholen/duo-import", headers=beheerder, json={"naam": "Duo"})
    options = await api.options("/v1/imports/plaatsingen", headers=beheerder)

    for r in (read_import, change_school, options):
        assert_problem(r, 405)
        assert r.headers["Allow"] == "POST"
    # An id there is still an id, and one that is none is still named as the parameter at fault.
    assert (
        assert_problem(await api.get("/v1/imports/plaatsing", headers=beheerder), 400)["invalidParams"][0]["name"]
        == "import_id"
    )


async def test_a_body_that_is_not_json_is_named_so(api: httpx.AsyncClient) -> None:
    r = await api.post("/v1/ouder-sessies", content=b'{"code": ', headers={"Content-Type": "application/json"})

    problem = assert_problem(r, 400)
    assert problem["invalidParams"] == [{"name": "body", "reason": "De body is geen geldige JSON (bij teken 9)."}]


async def test_the_openapi_document_is_readable_from_any_origin_the_api_only_from_configured_ones(
    settings: Settings, worker: object
) -> None:
    dashboard = "https://dashboard.voorbeeld.nl"
    async with app_client(settings.model_copy(update={"cors_origins": dashboard})) as api:
        document = await api.get("/v1/openapi.json", headers={"Origin": "https://elders.voorbeeld.nl"})
        allowed = await api.options(
            "/v1/overdrachten",
            headers={
                "Origin": dashboard,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        refused = await api.options(
            "/v1/overdrachten",
            headers={"Origin": "https://elders.voorbeeld.nl", "Access-Control-Request-Method": "GET"},
        )
        read = await api.get("/v1/gezondheid/levend", headers={"Origin": dashboard})
        foreign = await api.get("/v1/gezondheid/levend", headers={"Origin": "https://elders.voorbeeld.nl"})

    assert document.status_code == 200 and document.headers["Access-Control-Allow-Origin"] == "*"
    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == dashboard
    assert "authorization" in allowed.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert read.headers["Access-Control-Allow-Origin"] == dashboard
    assert "Access-Control-Allow-Origin" not in foreign.headers


async def test_without_configured_origins_the_api_sends_no_cors_headers(api: httpx.AsyncClient) -> None:
    r = await api.get("/v1/gezondheid/levend", headers={"Origin": "https://elders.voorbeeld.nl"})

    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers


async def test_a_day_in_a_query_is_written_as_a_day(api: httpx.AsyncClient, login: Login) -> None:
    pm = await login(demo.PM_USER[demo.BOOMHUT])
    for not_a_day in ("0", "20270830", "2027-8-30"):
        problem = assert_problem(await api.get("/v1/overdrachten", headers=pm, params={"deadlineVoor": not_a_day}), 400)
        assert problem["invalidParams"][0]["name"] == "deadlineVoor"
        assert "JJJJ-MM-DD" in problem["invalidParams"][0]["reason"]
    r = await api.get("/v1/overdrachten", headers=pm, params={"deadlineVoor": "2027-08-30"})
    assert r.status_code == 200, r.text
