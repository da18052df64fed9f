"""The parents' message of an overdracht the import opens: queued and delivered in the run's own first
workflow task (Patch.BEZORGEN_IN_DE_TAAK), through a real SMTP server; and, with the mail server down,
delivered later by the engine, once."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

import asyncpg
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from overdracht import demo
from schemas.overdracht import Rol
from schemas.workflow import Actor
from tests.conftest import free_port, make_worker
from tests.happy_path import handover_input, place_child
from tests.helpers import HandoverHandle, eventually, text_of
from tests.test_berichten import Mailbox, mail_settings, smtp_server
from tests.test_ouder_sessies import CODE_LINK, add_parent
from workflows.handover import HandoverWorkflow
from workflows.ids import workflow_id

QUEUE = "overdracht-test-opening-message"
IMPORTER = Actor(gebruiker_id=demo.LM_USER[demo.BOOMHUT], rol=Rol.LOCATIEMANAGER)


@dataclass
class Opened:
    handle: HandoverHandle
    overdracht_id: UUID
    parents: list[str]


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
async def worker_with_mail(
    env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings, port: int
) -> AsyncIterator[None]:
    with_mail = mail_settings(settings, port).model_copy(update={"task_queue": QUEUE})
    async with make_worker(env.client, pool, with_mail, task_queue=QUEUE):
        yield


async def open_by_import(env: WorkflowEnvironment, pool: asyncpg.Pool) -> Opened:
    """A child past the start age with two parents who have an address, its run started as the import
    starts it: with the importer as its opener."""
    kind_id, first = await place_child(pool)
    tag = uuid.uuid4().hex[:12]
    parents = [f"ouder-a-{tag}@demo.invalid", f"ouder-b-{tag}@demo.invalid"]
    await add_parent(pool, kind_id, parents[0], first)
    await add_parent(pool, kind_id, parents[1])
    input = handover_input(kind_id, automatisch_openen=True, opener=IMPORTER)
    handle = await env.client.start_workflow(
        HandoverWorkflow.run, input, id=workflow_id(input.overdracht_id), task_queue=QUEUE
    )
    return Opened(handle, input.overdracht_id, parents)


async def delivered(pool: asyncpg.Pool, overdracht_id: UUID) -> asyncpg.Record:
    """The parents' opening message, once it has been sent."""

    async def row() -> asyncpg.Record | None:
        found: asyncpg.Record | None = await pool.fetchrow(
            "SELECT id, status FROM berichten WHERE overdracht_id = $1 AND ontvanger = 'ouders'", overdracht_id
        )
        return found

    sent = await eventually(row, lambda found: found is not None and found["status"] == "verzonden", within=60)
    assert sent is not None
    return sent


def each_parent_once(mailbox: Mailbox, bericht_id: UUID, parents: list[str]) -> None:
    mine = [(rcpt, m) for rcpt, m in mailbox.messages if m["Message-ID"].startswith(f"<{bericht_id}.")]
    assert sorted(address for rcpt, _ in mine for address in rcpt) == sorted(parents)
    # Each with a code of their own to read the overdracht by.
    codes = [CODE_LINK.findall(text_of(message)) for _, message in mine]
    assert all(len(found) == 1 for found in codes) and len({found[0] for found in codes}) == len(parents)


async def events_of(handle: HandoverHandle) -> list[tuple[EventType.ValueType, str]]:
    history = await handle.fetch_history()
    out = []
    for e in history.events:
        name = ""
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            name = e.activity_task_scheduled_event_attributes.activity_type.name
        elif e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
            name = e.marker_recorded_event_attributes.marker_name
        out.append((e.event_type, name))
    return out


async def test_the_parents_hear_of_an_imported_opening_in_its_first_task(
    env: WorkflowEnvironment, pool: asyncpg.Pool, worker_with_mail: None, port: int
) -> None:
    """Written, queued and sent in one workflow task: each parent gets one message with their own code,
    and the engine ran no activity for it (issue 14: an activity was most of an opening's cost)."""
    async with smtp_server(port) as mailbox:
        opened = await open_by_import(env, pool)
        bericht = await delivered(pool, opened.overdracht_id)

    each_parent_once(mailbox, bericht["id"], opened.parents)
    events = await events_of(opened.handle)
    assert [name for kind, name in events if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED] == []
    # The opening with its message, then the delivery: two local activities, one workflow task.
    assert [name for kind, name in events if kind == EventType.EVENT_TYPE_MARKER_RECORDED] == [
        "core_local_activity",
        "core_local_activity",
    ]
    assert [kind for kind, _ in events].count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) == 1


async def test_with_the_mail_server_down_the_engine_delivers_it_later_once(
    env: WorkflowEnvironment, pool: asyncpg.Pool, worker_with_mail: None, port: int
) -> None:
    """Nothing listens at the mail server's address: the local attempts give up and hand the delivery to
    the engine, which retries it until the server is back; the overdracht is open all the while."""
    opened = await open_by_import(env, pool)

    async def handed_over() -> bool:
        events = await events_of(opened.handle)
        return (EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, "deliver_message") in events

    await eventually(handed_over, within=60)
    status = await pool.fetchval(
        "SELECT status FROM berichten WHERE overdracht_id = $1 AND ontvanger = 'ouders'", opened.overdracht_id
    )
    assert status == "wachtend"
    assert await pool.fetchval("SELECT status FROM overdrachten WHERE id = $1", opened.overdracht_id) == "concept"

    async with smtp_server(port) as mailbox:
        bericht = await delivered(pool, opened.overdracht_id)

    each_parent_once(mailbox, bericht["id"], opened.parents)
