"""A run started now knows its patches from its input (workflows/patches.py): it walks the whole path
with no patch marker and no `TemporalChangeVersion` upsert in its history, which were 2 events and a
visibility write per patch per run. Runs from before replay as they ran (tests/test_replay.py)."""

from uuid import UUID

import asyncpg
import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from overdracht import demo
from tests.happy_path import place_child, walk
from workflows import patches, search_attributes
from workflows.ids import workflow_id

# IN_VOLGORDE as it was when the patch level came: a run started at level n has exactly the first n, so
# the list may only grow at its end.
AT_FIRST_LEVEL = (
    "eerste-schooldag-na-zomervakantie", "vlag-opgeheven-als-termijn-later-valt",
    "bespreken-vraagt-warme-overdracht", "retour-geeft-nieuwe-termijn", "verzending-verloopt",
    "ouders-bericht-bij-opening", "onafgeronde-overdracht-verloopt", "toestemming-per-school",
    "aankomstbericht-aan-school", "schooltermijnen-in-schooldagen", "vastleggen-als-lokale-activiteit",
    "bericht-in-de-rij-na-aanvaarding", "openen-met-bericht-aan-ouders",
)  # fmt: skip


def test_patches_are_only_ever_appended() -> None:
    assert patches.IN_VOLGORDE[: len(AT_FIRST_LEVEL)] == AT_FIRST_LEVEL
    assert len(set(patches.IN_VOLGORDE)) == len(patches.IN_VOLGORDE) == patches.NIVEAU
    named = {v for k, v in vars(patches.Patch).items() if k.isupper()}
    assert named == set(patches.IN_VOLGORDE)


async def test_a_run_started_now_asks_the_engine_for_no_patch(
    api: httpx.AsyncClient, env: WorkflowEnvironment, pool: asyncpg.Pool
) -> None:
    kind_id, parent_id = await place_child(pool)
    await walk(api, env.client, pool, kind_id, parent_id)

    events = await _history(env.client, kind_id, pool)
    markers = [
        e.marker_recorded_event_attributes.marker_name for e in events if e.HasField("marker_recorded_event_attributes")
    ]
    assert "core_patch" not in markers and "core_local_activity" in markers
    upserted = [
        set(e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields)
        for e in events
        if e.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    ]
    assert upserted and all("TemporalChangeVersion" not in fields for fields in upserted)


async def test_a_run_starts_with_its_search_attributes_and_upserts_only_what_a_step_changes(
    api: httpx.AsyncClient, env: WorkflowEnvironment, pool: asyncpg.Pool
) -> None:
    """Opened (which changes no attribute), nothing is upserted; each status after it upserts the status
    alone: every upsert is a history event and a write to the engine's visibility store."""
    kind_id, parent_id = await place_child(pool)
    statuses = await walk(api, env.client, pool, kind_id, parent_id)

    events = await _history(env.client, kind_id, pool)
    started = events[0].workflow_execution_started_event_attributes.search_attributes.indexed_fields
    assert set(started) == {"OverdrachtStatus", "OverdrachtLocatie", "OverdrachtSchool"}
    upserted = [
        set(e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields)
        for e in events
        if e.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    ]
    overdracht_id = await pool.fetchval("SELECT id FROM overdrachten WHERE kind_id = $1", kind_id)
    timeline = await pool.fetch(
        "SELECT status FROM overdracht_gebeurtenissen WHERE overdracht_id = $1 ORDER BY revisie", overdracht_id
    )
    after = [r["status"] for r in timeline]
    changes = [new for old, new in zip(["concept", *after], after, strict=False) if new != old]
    assert upserted == [{"OverdrachtStatus"}] * len(changes) and len(changes) >= 5
    shown = (await env.client.get_workflow_handle(workflow_id(overdracht_id)).describe()).typed_search_attributes
    assert shown.get(search_attributes.STATUS) == statuses[-1] == "afgerond"
    assert shown.get(search_attributes.LOCATIE) == str(demo.BOOMHUT)
    assert shown.get(search_attributes.SCHOOL) == str(demo.STER)


async def _history(client: Client, kind_id: UUID, pool: asyncpg.Pool) -> list[HistoryEvent]:
    overdracht_id = await pool.fetchval("SELECT id FROM overdrachten WHERE kind_id = $1", kind_id)
    handle = client.get_workflow_handle(workflow_id(overdracht_id))
    return list((await handle.fetch_history()).events)
