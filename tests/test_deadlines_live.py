"""A deadline passing on the real dev server, seen the way people see it: through the API, the read
model and the outbox. Deadlines end at midnight (Amsterdam), so no date of birth puts one seconds
away; the coordinator's move (the workflow takes an exact moment) does."""

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from temporalio.testing import WorkflowEnvironment

from overdracht import demo
from schemas.overdracht import Deadline, Rol
from schemas.workflow import Actor, MoveDeadline
from tests.conftest import Login
from tests.happy_path import COMPLETE_FORM, place_child
from tests.helpers import eventually
from workflows.handover import HandoverWorkflow
from workflows.ids import workflow_id


async def test_a_passing_deadline_flags_reminds_and_stays_marked_after_a_late_step(
    api: httpx.AsyncClient, env: WorkflowEnvironment, pool: asyncpg.Pool, login: Login
) -> None:
    kind_id, parent_id = await place_child(pool)
    pm, parent = await login(demo.PM_USER[demo.BOOMHUT]), await login(parent_id)
    opened = (await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})).json()
    path = f"/v1/overdrachten/{opened['id']}"
    assert opened["termijnen"]["openVlaggen"] == []

    due = datetime.now(UTC) + timedelta(seconds=3)
    handle = env.client.get_workflow_handle(workflow_id(opened["id"]))
    coordinator = Actor(gebruiker_id=demo.COORDINATOR, rol=Rol.COORDINATOR)
    await handle.execute_update(
        HandoverWorkflow.move_deadline,
        MoveDeadline(actor=coordinator, deadline=Deadline.TOESTEMMING, tot=due, reden="Test van de klok"),
    )

    async def flagged() -> dict[str, Any] | None:
        body = (await api.get(path, headers=pm)).json()
        return body if "te_laat_toestemming" in body["termijnen"]["openVlaggen"] else None

    late = await eventually(flagged)
    assert late is not None
    assert datetime.fromisoformat(late["termijnen"]["achterstalligSinds"]) >= due
    assert late["status"] == "concept"

    # The PM'er, who must act while it is a draft, has a reminder in the outbox.
    async def reminders() -> list[dict[str, Any]]:
        outbox = (await api.get("/v1/dev/berichten", headers=pm, params={"overdrachtId": opened["id"]})).json()
        return [b for b in outbox["resultaten"] if b["soort"] == "herinnering"]

    [reminder] = await eventually(reminders)
    assert (reminder["aanleiding"], reminder["ontvanger"]) == ("toestemming", "pedagogisch_medewerker")
    assert reminder["aan"] == ["sanne.de.vries@boomhut.demo.invalid"]
    assert opened["id"] in reminder["tekst"] and "Testkind" not in reminder["tekst"]

    async def timeline_with_message() -> list[dict[str, Any]]:
        # The message is noted in the timeline just after it is queued: wait for that too.
        events = (await api.get(f"{path}/tijdlijn", headers=pm)).json()["gebeurtenissen"]
        # The first BERICHT is the parents' notice at opening; the reminder's is the second.
        return events if [e["gebeurtenis"] for e in events].count("bericht") >= 2 else []

    timeline = await eventually(timeline_with_message)
    kinds = [e["gebeurtenis"] for e in timeline]
    assert kinds[:3] == ["geopend", "bericht", "deadline_verplaatst"]  # the parents heard it opened
    assert kinds[3:5] == ["vlag_gezet", "bericht"]
    assert timeline[3]["details"] == {"vlag": "te_laat_toestemming", "deadline": "toestemming"}

    # Done late: no longer overdue, still marked late.
    await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM)
    await api.post(f"{path}/indieningen", headers=pm)
    done = await api.post(f"{path}/toestemmingen", headers=parent, json={"besluit": "gegeven"})
    assert done.json()["status"] == "gereed_voor_verzending"
    assert done.json()["termijnen"]["openVlaggen"] == []
    assert done.json()["termijnen"]["vlaggen"] == ["te_laat_toestemming"]
    assert done.json()["termijnen"]["achterstalligSinds"] is None
