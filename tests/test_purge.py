"""Purge that leaves nothing: after refusal the content is destroyed everywhere the service put it
(read model, outbox, parents' accounts, the child's record, stored answers, the engine's history),
while the monitoring still counts the overdracht."""

import asyncio
import uuid
from asyncio.subprocess import PIPE, STDOUT
from typing import Any

import asyncpg
import httpx
from temporalio.client import ScheduleActionStartWorkflow
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from db import protocol as protocols
from db.cluster import find_bindir
from overdracht.devstack import temporal_binary
from overdracht.schedules import DIGESTS, ENGINE_CLEANUP, KINDEREN_CLEANUP, OUDER_CODES_CLEANUP, ensure_schedules
from schemas.protocol import ProtocolConfig
from tests.conftest import TASK_QUEUE, Login
from tests.happy_path import COMPLETE_FORM
from tests.helpers import eventually
from workflows.history_cleanup import HistoryCleanupWorkflow
from workflows.ids import workflow_id

SECRETS = {
    "voornaam": "Zilvervisje",
    "achternaam": "Kwartelkoning",
    "bsn": "246813579",  # of its own: another test's would be in the dump
    "ouder": "Bramenstruik",
    "email": "bramenstruik.purge@demo.invalid",
    "form": "Bouwt torens van wasknijpers",
    "zienswijze": "Thuis zingt zij in het Fries",
}


async def a_gemeente(pool: asyncpg.Pool) -> dict[str, uuid.UUID]:
    ids = {k: uuid.uuid4() for k in ("gemeente", "sd", "wijk", "loc", "pm", "coord", "kind", "ouder")}
    await pool.execute("INSERT INTO gemeenten VALUES ($1, 'Wisstad')", ids["gemeente"])
    await pool.execute("INSERT INTO stadsdelen VALUES ($1, $2, 'Oost')", ids["sd"], ids["gemeente"])
    await pool.execute("INSERT INTO wijken VALUES ($1, $2, 'Haven')", ids["wijk"], ids["sd"])
    await pool.execute("INSERT INTO locaties VALUES ($1, $2, 'De Wisboot')", ids["loc"], ids["wijk"])
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id) VALUES ($1, 'PM', 'pedagogisch_medewerker', $2, $3)",
        ids["pm"], ids["gemeente"], ids["loc"],
    )  # fmt: skip
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id) VALUES ($1, 'Coördinator', 'coordinator', $2)",
        ids["coord"], ids["gemeente"],
    )  # fmt: skip
    await pool.execute(
        "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum, bsn, vve_indicatie)"
        " VALUES ($1, $2, $3, $4, current_date - interval '43 months', $5, true)",
        ids["kind"], ids["loc"], SECRETS["voornaam"], SECRETS["achternaam"], SECRETS["bsn"],
    )  # fmt: skip
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, kind_id, email) VALUES ($1, $2, 'ouder', $3, $4, $5)",
        ids["ouder"], SECRETS["ouder"], ids["gemeente"], ids["kind"], SECRETS["email"],
    )  # fmt: skip
    await protocols.store(pool, ids["gemeente"], ProtocolConfig())
    return ids


async def run(*cmd: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(*cmd, stdout=PIPE, stderr=STDOUT)
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode(errors="replace")


async def dump(database_url: str) -> str:
    """The whole database as an operator's backup would hold it."""
    code, out = await run(str(find_bindir() / "pg_dump"), "--no-owner", database_url)
    assert code == 0, out
    return out


async def test_after_refusal_nothing_personal_is_left_anywhere(
    api: httpx.AsyncClient, env: WorkflowEnvironment, pool: asyncpg.Pool, login: Login, database_url: str
) -> None:
    ids = await a_gemeente(pool)
    pm, parent = await login(ids["pm"]), await login(ids["ouder"])
    form = {**COMPLETE_FORM, "bijzonderheden": {"adviesVoorSchool": SECRETS["form"]}}
    opened = (await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(ids["kind"])})).json()
    path = f"/v1/overdrachten/{opened['id']}"
    assert (await api.put(f"{path}/formulier", headers=pm, json=form)).status_code == 200
    submitted = await api.post(f"{path}/indieningen", headers={**pm, "Idempotency-Key": "purge-test"})
    assert submitted.status_code == 201
    await api.post(f"{path}/ouderreacties", headers=parent, json={"eens": "nee", "zienswijze": SECRETS["zienswijze"]})
    before = await dump(database_url)
    assert all(secret in before for secret in SECRETS.values()), "the test's data must be there to be purged"

    refused = await api.post(f"{path}/toestemmingen", headers=parent, json={"besluit": "geweigerd"})
    assert refused.json()["status"] == "geweigerd"

    handle = env.client.get_workflow_handle(workflow_id(opened["id"]))
    await handle.result()  # purged at once (Almere: 0 days), then closed
    deleted = await env.client.execute_workflow(
        HistoryCleanupWorkflow.run, id=f"opruimen-{uuid.uuid4()}", task_queue=TASK_QUEUE
    )
    assert deleted >= 1

    after = await dump(database_url)
    leaks = [name for name, secret in SECRETS.items() if secret in after]
    assert leaks == [], f"still in the database after the purge: {leaks}"

    # The engine deletes in the background: the dev server's queue picks the deletion up within about a
    # minute. Then neither the API of the engine nor the operator's CLI knows the workflow any more.
    async def engine_forgot() -> bool:
        try:
            await handle.describe()
        except RPCError as exc:
            return exc.status == RPCStatusCode.NOT_FOUND
        return False

    assert await eventually(engine_forgot, within=150)
    code, shown = await run(
        temporal_binary(), "workflow", "show", "--workflow-id", handle.id,
        "--address", env.client.service_client.config.target_host,
    )  # fmt: skip
    assert code != 0 and SECRETS["achternaam"] not in shown

    # What remains is anonymous metadata, and the monitoring still counts it.
    row = await pool.fetchrow("SELECT * FROM overdrachten WHERE id = $1", uuid.UUID(opened["id"]))
    assert row is not None
    assert (row["status"], row["kind_id"]) == ("geweigerd", None)
    assert row["inhoud_verwijderd_op"] and row["engine_verwijderd_op"] and row["vve_indicatie"]
    coordinator = await login(ids["coord"])
    figures: dict[str, Any] = (await api.get("/v1/monitoring/kengetallen", headers=coordinator)).json()
    [year] = figures["schooljaren"]
    assert (year["totaal"]["aantal"], year["totaal"]["geweigerd"]) == (1, 1)
    seen_by_pm = (await api.get(path, headers=pm)).json()
    assert seen_by_pm["status"] == "geweigerd" and seen_by_pm["kind"] is None and seen_by_pm["formulier"] is None


async def test_the_cleanup_runs_on_a_schedule_set_up_once(env: WorkflowEnvironment, settings: Settings) -> None:
    first = await ensure_schedules(env.client, settings)
    try:
        await _the_schedules(env, settings, first)
    finally:
        # Gone again: a schedule going off in a later test's middle would make that test depend on the hour.
        for schedule_id in first:
            await env.client.get_schedule_handle(schedule_id).delete()


async def _the_schedules(env: WorkflowEnvironment, settings: Settings, first: list[str]) -> None:
    again = await ensure_schedules(env.client, settings)

    assert (first, again) == ([ENGINE_CLEANUP, OUDER_CODES_CLEANUP, KINDEREN_CLEANUP, DIGESTS], [])
    # The engine's histories and the parents' used and expired codes every hour (tests/test_ouder_codes.py
    # runs a round), the children without an overdracht every day (tests/test_kinderen_opruimen.py).
    for schedule_id, workflow_type, hours in (
        (ENGINE_CLEANUP, "EngineCleanupWorkflow", 1),
        (OUDER_CODES_CLEANUP, "OuderCodesOpruimenWorkflow", 1),
        (KINDEREN_CLEANUP, "KinderenOpruimenWorkflow", 24),
        (DIGESTS, "BundelWorkflow", 1),
    ):
        description = await env.client.get_schedule_handle(schedule_id).describe()
        assert description.schedule.spec.intervals[0].every.total_seconds() == hours * 3600
        action = description.schedule.action
        assert isinstance(action, ScheduleActionStartWorkflow) and action.workflow == workflow_type
