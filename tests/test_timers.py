"""Long timers, on the time-skipping server: days pass in milliseconds."""

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from overdracht import demo
from schemas.workflow import HandoverInput
from tests.conftest import make_worker
from tests.happy_path import place_child
from workflows.handover import UNOPENED_TIMEOUT, HandoverWorkflow, workflow_id

QUEUE = "overdracht-time-skipping"


@pytest.fixture
async def skipping_worker(skipping_env: WorkflowEnvironment, pool: asyncpg.Pool) -> AsyncIterator[Worker]:
    async with make_worker(skipping_env.client, pool, QUEUE) as running:
        yield running


async def test_a_workflow_never_opened_ends_after_a_day_without_writing(
    skipping_env: WorkflowEnvironment, skipping_worker: Worker, pool: asyncpg.Pool
) -> None:
    kind_id, _ = await place_child(pool)
    overdracht_id = uuid.uuid4()
    handle = await skipping_env.client.start_workflow(
        HandoverWorkflow.run,
        HandoverInput(
            overdracht_id=overdracht_id,
            kind_id=kind_id,
            gemeente_id=demo.ALMERE,
            locatie_id=demo.BOOMHUT,
            publish_search_attributes=False,
        ),  # fmt: skip
        id=workflow_id(overdracht_id),
        task_queue=QUEUE,
    )
    before = await skipping_env.get_current_time()

    result = await handle.result()

    waited = await skipping_env.get_current_time() - before
    assert result.geopend_op is None
    assert waited >= UNOPENED_TIMEOUT
    assert await pool.fetchval("SELECT count(*) FROM overdrachten WHERE id = $1", overdracht_id) == 0
