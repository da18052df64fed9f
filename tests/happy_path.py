"""One overdracht through the whole happy path over HTTP, checking at every step that the workflow's
own state and the read model agree. Used by the test suite (in-process) and by
tests/smoke_running_stack.py (against `make run`)."""

import uuid
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from temporalio.client import Client

from overdracht import demo
from schemas.protocol import Protocol, ProtocolConfig
from schemas.workflow import HandoverInput
from tests.helpers import HandoverHandle
from workflows import patches
from workflows.handover import HandoverWorkflow
from workflows.ids import workflow_id

# Complete, without a VVE-indicatie or zorg: no warme overdracht is required.
COMPLETE_FORM: dict[str, Any] = {
    "voorschool": {"sinds": "2024-09-01", "urenPerWeek": 16},
    "vve": {"indicatie": False},
    "ontwikkeling": {
        d: {"niveau": "zoals_verwacht", "toelichting": "Ontwikkelt zich goed."}
        for d in (
            "taal",
            "rekenen",
            "motoriek_grof",
            "motoriek_fijn",
            "sociaal_emotioneel",
            "spel",
            "zelfredzaamheid",
            "welbevinden",
        )  # fmt: skip
    },
    "observatie": {"instrument": "kijk", "datum": "2026-10-01"},
    "bijzonderheden": {"adviesVoorSchool": "Rustig opstarten helpt."},
}
# The same for a VVE child: the programme and its duration are passed on, a warme overdracht is required.
VVE_FORM: dict[str, Any] = {
    **COMPLETE_FORM,
    "vve": {"indicatie": True, "programma": "piramide", "maandenDeelname": 14, "urenPerWeek": 16},
}


def handover_input(
    kind_id: UUID,
    *,
    school_id: UUID | None = demo.STER,
    geboortedatum: date | None = None,
    config: ProtocolConfig | None = None,
    **options: Any,
) -> HandoverInput:
    """A workflow input as the API builds it; the child is 3 years 7 months old unless told otherwise,
    so no deadline falls during a test on the dev server."""
    return HandoverInput(
        overdracht_id=uuid.uuid4(),
        kind_id=kind_id,
        gemeente_id=demo.ALMERE,
        locatie_id=demo.BOOMHUT,
        school_id=school_id,
        geboortedatum=geboortedatum or date.today() - timedelta(days=3 * 365 + 7 * 30),
        protocol=Protocol(versie=1, config=config or ProtocolConfig()),
        **{"patchniveau": patches.NIVEAU, **options},
    )


async def place_child(
    pool: asyncpg.Pool,
    locatie_id: UUID = demo.BOOMHUT,
    school_id: UUID | None = demo.STER,
    *,
    vve: bool = False,
    born: date | None = None,
) -> tuple[UUID, UUID]:
    """A new child placed at a demo location (3 years 7 months old unless told otherwise), and a parent
    user for it: (kind_id, parent_user_id)."""
    kind_id, parent_id = uuid.uuid4(), uuid.uuid4()
    born = born or date.today() - timedelta(days=3 * 365 + 7 * 30)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum, vve_indicatie,"
            " aangemelde_school_id) VALUES ($1, $2, 'Testkind', $3, $4, $5, $6)",
            kind_id, locatie_id, f"Proef-{str(kind_id)[:8]}", born, vve, school_id,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, kind_id) VALUES ($1, 'Testouder', 'ouder', $2, $3)",
            parent_id, demo.ALMERE, kind_id,
        )  # fmt: skip
    return kind_id, parent_id


async def assert_agree(engine: Client, pool: asyncpg.Pool, overdracht_id: str, api_body: dict[str, Any]) -> None:
    """The workflow's state, the read model's row and the API's answer tell the same story."""
    handle: HandoverHandle = engine.get_workflow_handle_for(HandoverWorkflow.run, workflow_id(overdracht_id))
    state = await handle.query(HandoverWorkflow.state)
    row = await pool.fetchrow("SELECT * FROM overdrachten WHERE id = $1", UUID(overdracht_id))
    assert row is not None, "the read model has no row for this overdracht"
    assert (state.status.value, state.revisie) == (row["status"], row["revisie"])
    assert (state.status.value, state.revisie) == (api_body["status"], api_body["revisie"])
    assert state.school_id == row["school_id"]
    for field in ("geopend_op", "ingediend_op", "toestemming_op", "verzonden_op", "ontvangen_op", "afgerond_op"):
        assert getattr(state, field) == row[field], field
    assert state.eerste_schooldag == row["eerste_schooldag"]


async def walk(
    http: httpx.AsyncClient, engine: Client, pool: asyncpg.Pool, kind_id: UUID, parent_id: UUID
) -> list[str]:
    """Drive one overdracht from opening to AFGEROND; returns the statuses seen, in order."""

    async def token(user: UUID) -> dict[str, str]:
        r = await http.post("/v1/dev/tokens", json={"gebruikerId": str(user)})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['accessToken']}"}

    pm, parent, school = (
        await token(demo.PM_USER[demo.BOOMHUT]),
        await token(parent_id),
        await token(demo.SCHOOL_USER[demo.STER]),
    )
    first_day = (date.today() + timedelta(days=120)).isoformat()
    seen = []

    async def step(method: str, path: str, who: dict[str, str], expected: int, body: Any = None) -> dict[str, Any]:
        r = await http.request(method, path, headers=who, json=body)
        assert r.status_code == expected, f"{method} {path}: {r.status_code} {r.text}"
        data = r.json()
        await assert_agree(engine, pool, data["id"], data)
        seen.append(data["status"])
        return data

    o = await step("POST", "/v1/overdrachten", pm, 201, {"kindId": str(kind_id)})
    path = f"/v1/overdrachten/{o['id']}"
    await step("PUT", f"{path}/formulier", pm, 200, COMPLETE_FORM)
    await step("POST", f"{path}/indieningen", pm, 201)
    await step("POST", f"{path}/toestemmingen", parent, 201, {"besluit": "gegeven"})
    await step("POST", f"{path}/verzendingen", pm, 201)
    done = await step("POST", f"{path}/ontvangstbevestigingen", school, 201, {"eersteSchooldag": first_day})
    assert done["tijdstippen"]["eersteSchooldag"] == first_day
    for who in (pm, school, parent):
        r = await http.get(path, headers=who)
        assert r.status_code == 200
        assert r.json()["status"] == "afgerond"
        await assert_agree(engine, pool, o["id"], r.json())
    return seen
