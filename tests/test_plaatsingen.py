"""A child's placement as practice changes it, over the API: a child who leaves before 3½ gets no
overdracht (the one waiting to open itself never opens), one who leaves later has it cancelled, and
one who moves to another location of the gemeente keeps it (the old location loses access)."""

from datetime import date, timedelta

import asyncpg
import httpx
from temporalio.testing import WorkflowEnvironment

from overdracht import demo
from services.commands import overdracht_id_for
from tests.cases import NewCase, events
from tests.conftest import Login
from tests.helpers import HandoverHandle, assert_problem, eventually
from tests.test_import import COLUMNS, YOUNGER, Gemeente, child, csv_file, gemeente, kind_id, upload
from workflows.handover import HandoverWorkflow
from workflows.ids import workflow_id

__all__ = ["gemeente"]  # the fixture


async def test_a_child_who_leaves_before_3_and_a_half_never_gets_its_overdracht(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente, env: WorkflowEnvironment
) -> None:
    g = gemeente
    manager = await login(g.manager_bos)
    file = csv_file(child("Jesse", "Vermeulen", YOUNGER, "Peuteropvang Het Bos"))
    assert (await upload(api, manager, file))["overdrachtenIngepland"] == 1
    kind = await kind_id(pool, g, "Jesse")
    handle: HandoverHandle = env.client.get_workflow_handle_for(
        HandoverWorkflow.run, workflow_id(overdracht_id_for(kind))
    )

    r = await api.post(
        f"/v1/kinderen/{kind}/plaatsing-beeindigingen", headers=manager, json={"reden": "Verhuisd naar Zwolle"}
    )

    assert r.status_code == 200, r.text
    assert r.json()["overdrachtStatus"] == "geannuleerd"
    await eventually(handle.describe, lambda d: d.close_time is not None)  # the workflow has ended
    assert await pool.fetchval("SELECT count(*) FROM overdrachten WHERE id = $1", overdracht_id_for(kind)) == 0
    # The weekly export still lists the child: nothing starts again.
    again = await upload(api, manager, file)
    assert (again["overdrachtenGeopend"], again["overdrachtenIngepland"]) == (0, 0)
    assert (await handle.describe()).close_time is not None
    # A repeat changes nothing.
    repeat = await api.post(f"/v1/kinderen/{kind}/plaatsing-beeindigingen", headers=manager, json={"reden": "Verhuisd"})
    assert (repeat.status_code, repeat.json()["overdrachtStatus"]) == (200, None)


async def test_a_child_who_leaves_later_has_its_overdracht_cancelled(new_case: NewCase, login: Login) -> None:
    case = await new_case("bij_ouders")
    manager = await login(demo.LM_USER[demo.BOOMHUT])

    r = await case.api.post(
        f"/v1/kinderen/{case.kind_id}/plaatsing-beeindigingen", headers=manager, json={"reden": "Verhuisd"}
    )

    assert (r.status_code, r.json()["overdrachtStatus"]) == (200, "geannuleerd"), r.text
    purged = await eventually(lambda: case.get(case.pm), lambda b: b["tijdstippen"]["inhoudVerwijderdOp"] is not None)
    assert (purged["status"], purged["formulier"]) == ("geannuleerd", None)


async def test_only_the_childs_own_locatiemanager_ends_or_moves_a_placement(new_case: NewCase, login: Login) -> None:
    case = await new_case("concept")
    other_manager = await login(demo.LM_USER[demo.ZONNETJE])
    body = {"reden": "Verhuisd"}

    by_pm = await case.api.post(f"/v1/kinderen/{case.kind_id}/plaatsing-beeindigingen", headers=case.pm, json=body)
    by_other = await case.api.post(
        f"/v1/kinderen/{case.kind_id}/plaatsing-beeindigingen", headers=other_manager, json=body
    )
    future = await case.api.post(
        f"/v1/kinderen/{case.kind_id}/plaatsing-beeindigingen",
        headers=await login(demo.LM_USER[demo.BOOMHUT]),
        json={**body, "datum": "2999-01-01"},
    )

    assert_problem(by_pm, 403)
    assert_problem(by_other, 404)
    assert_problem(future, 400)
    assert (await case.get(case.pm))["status"] == "concept"


async def test_a_child_who_moves_keeps_its_overdracht_at_the_new_location(new_case: NewCase, login: Login) -> None:
    case = await new_case("bij_ouders")
    manager = await login(demo.LM_USER[demo.BOOMHUT])
    new_pm = await login(demo.PM_USER[demo.ZONNETJE])

    r = await case.api.post(
        f"/v1/kinderen/{case.kind_id}/verhuizingen", headers=manager, json={"locatieId": str(demo.ZONNETJE)}
    )

    assert (r.status_code, r.json()["overdrachtStatus"]) == (200, "bij_ouders"), r.text
    seen = await case.get(new_pm)
    assert (seen["status"], seen["locatie"]["id"]) == ("bij_ouders", str(demo.ZONNETJE))
    assert seen["formulier"] is not None
    assert_problem(await case.api.get(case.path, headers=case.pm), 404)  # the old location no longer sees it
    [moved] = events(await case.timeline(new_pm), "verhuisd")
    assert moved["details"] == {"van": str(demo.BOOMHUT), "naar": str(demo.ZONNETJE)}
    # Not to a location outside the gemeente, nor to where it is already.
    same = await case.api.post(
        f"/v1/kinderen/{case.kind_id}/verhuizingen",
        headers=await login(demo.LM_USER[demo.ZONNETJE]),
        json={"locatieId": str(demo.ZONNETJE)},
    )
    assert_problem(same, 400)


async def test_the_import_ends_a_placement_with_its_last_day(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente, env: WorkflowEnvironment
) -> None:
    g = gemeente
    manager = await login(g.manager_bos)
    row = child("Fenna", "Kuipers", YOUNGER, "Peuteropvang Het Bos")
    assert (await upload(api, manager, csv_file(row)))["overdrachtenIngepland"] == 1
    kind = await kind_id(pool, g, "Fenna")
    handle: HandoverHandle = env.client.get_workflow_handle_for(
        HandoverWorkflow.run, workflow_id(overdracht_id_for(kind))
    )
    today = date.today()

    left = await upload(api, manager, with_end(row, today))
    future = await upload(api, manager, with_end(row, today + timedelta(days=30)))

    assert (left["plaatsingenBeeindigd"], left["overdrachtenIngepland"]) == (1, 0)
    await eventually(handle.describe, lambda d: d.close_time is not None)
    assert await pool.fetchval("SELECT plaatsing_beeindigd_op FROM kinderen WHERE id = $1", kind) == today
    assert [f["veld"] for r in future["afgewezenRijen"] for f in r["fouten"]] == ["einde_plaatsing"]


def with_end(row: dict[str, str], einde: date) -> bytes:
    """The row in a file with the column `einde_plaatsing`."""
    columns = [*COLUMNS, "einde_plaatsing"]
    values = {**row, "einde_plaatsing": einde.strftime("%d-%m-%Y")}
    return ("\r\n".join([";".join(columns), ";".join(values.get(c, "") for c in columns)]) + "\r\n").encode()
