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

from tests.happy_path import place_child, walk
from workflows import patches
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


async def _history(client: Client, kind_id: UUID, pool: asyncpg.Pool) -> list[HistoryEvent]:
    overdracht_id = await pool.fetchval("SELECT id FROM overdrachten WHERE kind_id = $1", kind_id)
    handle = client.get_workflow_handle(workflow_id(overdracht_id))
    return list((await handle.fetch_history()).events)
