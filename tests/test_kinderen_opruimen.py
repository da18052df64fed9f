"""A child's record that never got an overdracht does not stay forever: the daily round
(`overdracht-kinderen-opruimen`, workflows/kinderen_opruimen.py) removes it, with its parents' accounts,
once the child is past the protocol's age (Almere: its 5th birthday has passed) or its placement ended
longer ago than the protocol's term. A child with an overdracht is left to that overdracht's own
retention; a child whose overdracht waits to open itself at 3½ stays until then, unless it left.

The children are in a gemeente of their own, whose protocol keeps a child 2 months after its placement
ended (Almere: 3), so the removals are the protocol's doing; the round runs here as the Schedule starts
it."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from dateutil.relativedelta import relativedelta
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from db import protocol as protocols
from protocol.dates import amsterdam_date
from schemas.protocol import Bewaartermijnen, ProtocolConfig
from services.commands import overdracht_id_for
from tests.conftest import TASK_QUEUE, Login
from tests.helpers import eventually, finished_import
from workflows.ids import workflow_id
from workflows.kinderen_opruimen import KinderenOpruimenWorkflow

TODAY = amsterdam_date(datetime.now(UTC))
TERM = 2  # months a child without an overdracht is kept after its placement ended, in this gemeente
PROTOCOL = ProtocolConfig(bewaartermijnen=Bewaartermijnen(kind_zonder_overdracht_maanden_na_einde_plaatsing=TERM))


@dataclass
class Gemeente:
    id: UUID
    locatie: UUID
    manager: UUID
    coordinator: UUID


async def a_gemeente(pool: asyncpg.Pool) -> Gemeente:
    g = Gemeente(*(uuid.uuid4() for _ in range(4)))
    stadsdeel, wijk = uuid.uuid4(), uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("INSERT INTO gemeenten VALUES ($1, 'Opruimstad')", g.id)
        await conn.execute("INSERT INTO stadsdelen VALUES ($1, $2, 'Noord')", stadsdeel, g.id)
        await conn.execute("INSERT INTO wijken VALUES ($1, $2, 'Dijk')", wijk, stadsdeel)
        await conn.execute("INSERT INTO locaties VALUES ($1, $2, 'Peuteropvang De Bezem')", g.locatie, wijk)
        await conn.executemany(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id) VALUES ($1, $2, $3, $4, $5)",
            [(g.manager, "Leiding", "locatiemanager", g.id, g.locatie),
             (g.coordinator, "Coördinator", "coordinator", g.id, None)],
        )  # fmt: skip
    await protocols.store(pool, g.id, PROTOCOL)
    return g


async def place(pool: asyncpg.Pool, g: Gemeente, born: date, ended: date | None = None) -> UUID:
    """A VVE child at the gemeente's location, with a parent's account; `ended`: its placement ended then."""
    kind_id = uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum, vve_indicatie,"
            " plaatsing_beeindigd_op) VALUES ($1, $2, 'Opruimkind', $3, $4, true, $5)",
            kind_id, g.locatie, f"Bezem-{str(kind_id)[:8]}", born, ended,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, kind_id) VALUES ($1, 'Ouder', 'ouder', $2, $3)",
            uuid.uuid4(), g.id, kind_id,
        )  # fmt: skip
    return kind_id


async def import_younger(api: httpx.AsyncClient, login: Login, g: Gemeente, achternaam: str) -> None:
    """A two-year-old through the placements import: its workflow starts now and waits to open at 3½."""
    born = (TODAY - relativedelta(years=2)).strftime("%d-%m-%Y")
    content = (
        "voornaam;achternaam;geboortedatum;locatie;vve_indicatie;ouder1_naam\r\n"
        f"Opruimkind;{achternaam};{born};{g.locatie};nee;Ouder {achternaam}\r\n"
    ).encode()
    manager = await login(g.manager)
    r = await api.post("/v1/imports/plaatsingen", headers=manager, files={"bestand": ("p.csv", content, "text/csv")})
    done = await finished_import(api, r, manager)
    assert done.json()["resultaat"]["overdrachtenIngepland"] == 1, done.text


async def zonder_overdracht(api: httpx.AsyncClient, login: Login, g: Gemeente) -> set[UUID]:
    """What the coordinator sees of the gemeente's VVE children past 3½ without an overdracht."""
    r = await api.get("/v1/monitoring/zonder-overdracht", headers=await login(g.coordinator))
    assert r.status_code == 200, r.text
    return {UUID(k["kindId"]) for k in r.json()["kinderen"]}


async def one_round(env: WorkflowEnvironment) -> int:
    removed: int = await env.client.execute_workflow(
        KinderenOpruimenWorkflow.run, id=f"kinderen-opruimen-{uuid.uuid4()}", task_queue=TASK_QUEUE
    )
    return removed


async def test_the_round_removes_exactly_the_children_past_keeping(
    api: httpx.AsyncClient, env: WorkflowEnvironment, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    five = relativedelta(years=5)
    children = {
        # Removed: the 5th birthday was yesterday; the placement ended the term and a day ago.
        "vijf_geweest": await place(pool, g, TODAY - five - timedelta(days=1)),
        "vertrokken": await place(pool, g, TODAY - relativedelta(years=4), TODAY - relativedelta(months=TERM, days=1)),
        # Kept: turns 5 tomorrow; left less than the term ago; still placed.
        "bijna_vijf": await place(pool, g, TODAY - five + timedelta(days=1)),
        "net_vertrokken": await place(
            pool, g, TODAY - relativedelta(years=4), TODAY - relativedelta(months=TERM) + timedelta(days=1)
        ),
        "geplaatst": await place(pool, g, TODAY - relativedelta(years=4)),
        # Kept: past both, but it has an overdracht (its own retention purges it).
        "met_overdracht": await place(pool, g, TODAY - five - timedelta(days=30), TODAY - relativedelta(years=1)),
    }
    await pool.execute(
        "INSERT INTO overdrachten (id, kind_id, gemeente_id, locatie_id, status, geopend_op, bijgewerkt_op)"
        " VALUES ($1, $2, $3, $4, 'afgerond', now(), now())",
        uuid.uuid4(), children["met_overdracht"], g.id, g.locatie,
    )  # fmt: skip
    without = {n: k for n, k in children.items() if n != "met_overdracht"}
    assert await zonder_overdracht(api, login, g) == set(without.values())

    removed = await one_round(env)

    assert removed >= 2
    left = {r["id"] for r in await pool.fetch("SELECT id FROM kinderen WHERE locatie_id = $1", g.locatie)}
    gone = {"vijf_geweest", "vertrokken"}
    assert left == {k for n, k in children.items() if n not in gone}
    # Their parents' accounts went with them; the coordinator no longer counts them.
    parents = await pool.fetch("SELECT kind_id FROM gebruikers WHERE gemeente_id = $1 AND rol = 'ouder'", g.id)
    assert {r["kind_id"] for r in parents} == left
    assert await zonder_overdracht(api, login, g) == {without[n] for n in without if n not in gone}
    # A second round finds nothing more of them.
    await one_round(env)
    assert {r["id"] for r in await pool.fetch("SELECT id FROM kinderen WHERE locatie_id = $1", g.locatie)} == left


async def test_a_child_waiting_for_its_overdracht_stays_unless_it_left_then_its_workflow_goes_too(
    api: httpx.AsyncClient, env: WorkflowEnvironment, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    await import_younger(api, login, g, "Blijft")
    await import_younger(api, login, g, "Vertrekt")
    ids = {
        r["achternaam"]: r["id"]
        for r in await pool.fetch("SELECT id, achternaam FROM kinderen WHERE locatie_id = $1", g.locatie)
    }
    stays, leaves = (
        env.client.get_workflow_handle(workflow_id(overdracht_id_for(ids[n]))) for n in ("Blijft", "Vertrekt")
    )
    # The child that left: its placement ended longer ago than the term (the administration's end date).
    ended = TODAY - relativedelta(months=TERM + 1)
    await pool.execute("UPDATE kinderen SET plaatsing_beeindigd_op = $2 WHERE id = $1", ids["Vertrekt"], ended)

    await one_round(env)

    left = {r["id"] for r in await pool.fetch("SELECT id FROM kinderen WHERE locatie_id = $1", g.locatie)}
    assert left == {ids["Blijft"]}
    assert (await stays.describe()).status == WorkflowExecutionStatus.RUNNING
    # The engine, which holds the date of birth, forgets the workflow that waited for the child that left:
    # ended at once, deleted in the background (the dev server's queue takes it within about a minute).
    assert await status_of(leaves) in (WorkflowExecutionStatus.TERMINATED, None)
    assert await eventually(lambda: status_of(leaves), lambda status: status is None, within=150) is None


async def status_of(handle: WorkflowHandle[Any, Any]) -> WorkflowExecutionStatus | None:
    """The workflow's status; None when the engine no longer knows it."""
    try:
        status: WorkflowExecutionStatus | None = (await handle.describe()).status
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        return None
    return status
