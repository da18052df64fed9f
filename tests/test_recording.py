"""A change's write (workflows/recording.py): run as a local activity, and when that does not succeed within
its window (a database outage), handed to the engine as an ordinary activity that retries without limit;
a refusal for good is not retried."""

import uuid
from datetime import timedelta

import pytest
from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from overdracht.worker import RUNNER
from workflows import options, recording

QUEUE = "overdracht-recording"


class Database:
    """Down for local attempts (as if the outage outlasts the local window), up for the engine's."""

    def __init__(self) -> None:
        self.calls: list[bool] = []

    @activity.defn(name="test_write")
    async def write(self, what: str) -> str:
        self.calls.append(activity.info().is_local)
        if what == "refused":
            raise ApplicationError("refused for good", non_retryable=True)
        if activity.info().is_local:
            raise ConnectionRefusedError("database down")
        return f"written {what}"


@workflow.defn(name="TestRecording", sandboxed=False)
class Writes:
    @workflow.run
    async def run(self, what: str) -> str:
        return await recording.write(Database.write, what)


async def _run(env: WorkflowEnvironment, db: Database, what: str) -> tuple[str, list[EventType.ValueType]]:
    async with Worker(env.client, task_queue=QUEUE, workflows=[Writes], activities=[db.write], workflow_runner=RUNNER):
        handle = await env.client.start_workflow(Writes.run, what, id=f"recording-{uuid.uuid4()}", task_queue=QUEUE)
        try:
            result = await handle.result()
        finally:
            events = [e.event_type for e in (await handle.fetch_history()).events]
    return result, events


@pytest.fixture(autouse=True)
def short_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """A local window of two quick attempts."""
    retry = RetryPolicy(initial_interval=timedelta(milliseconds=100), maximum_attempts=2)
    monkeypatch.setattr(
        options, "RECORD_LOCALLY", {"start_to_close_timeout": timedelta(seconds=1), "retry_policy": retry}
    )
    monkeypatch.setattr(recording, "RECORD_LOCALLY", options.RECORD_LOCALLY)


async def test_an_outage_past_the_local_window_is_waited_out_by_the_engine(env: WorkflowEnvironment) -> None:
    db = Database()

    result, events = await _run(env, db, "change")

    assert result == "written change"
    assert db.calls == [True, True, False]
    assert events.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) == 1
    assert EventType.EVENT_TYPE_MARKER_RECORDED in events  # the local attempt's failure, for replay


async def test_a_refusal_for_good_is_not_handed_on(env: WorkflowEnvironment) -> None:
    db = Database()

    with pytest.raises(WorkflowFailureError):
        await _run(env, db, "refused")

    assert db.calls == [True]
