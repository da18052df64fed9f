"""Deletes from the engine the history of overdrachten whose content is purged: the engine's copy of
the form and the date of birth goes too."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

import asyncpg
from temporalio import activity
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from core.temporal import Engine
from db import audit, namespaces, read_model
from workflows.ids import workflow_id

# An id may have had a run before the one that opened (started, never opened, ended): delete them all.
MAX_RUNS = 10


async def delete_runs(client: Client, wid: str) -> None:
    """Delete every run under the workflow id: the latest (named "" to the engine, which knows it even
    when visibility lags a little behind) and the earlier ones visibility lists. A running one is
    terminated by its deletion. Idempotent: a run deleted already is fine."""
    runs = {run.run_id async for run in client.list_workflows(f"WorkflowId = '{wid}'", limit=MAX_RUNS)}
    for run_id in ["", *sorted(runs)]:
        try:
            await client.workflow_service.delete_workflow_execution(
                DeleteWorkflowExecutionRequest(
                    namespace=client.namespace, workflow_execution=WorkflowExecution(workflow_id=wid, run_id=run_id)
                )
            )
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:  # none, or deleted already
                raise


class HistoryCleanupActivities:
    def __init__(self, pool: asyncpg.Pool, engine: Engine) -> None:
        self._pool = pool
        self._engine = engine

    @activity.defn(name="purged_overdrachten")
    async def purged(self, limit: int) -> list[UUID]:
        """Overdrachten whose content is purged and whose history the engine may still hold."""
        return await read_model.purged(self._pool, limit)

    @activity.defn(name="delete_history")
    async def delete_history(self, overdracht_id: UUID) -> bool:
        """Delete every run under the overdracht's workflow id (an earlier run may have started and never
        opened) once none is running. False: one is still finishing (its last message, say); the next
        round takes it. The engine deletes in the background. Idempotent."""
        wid = workflow_id(overdracht_id)
        client = self._engine.client(await namespaces.of_overdracht(self._pool, overdracht_id))
        try:
            latest = await client.get_workflow_handle(wid).describe()
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
            latest = None
        if latest is not None and latest.status == WorkflowExecutionStatus.RUNNING:
            return False
        await delete_runs(client, wid)
        await read_model.history_deleted(self._pool, overdracht_id)
        return True

    @activity.defn(name="audit_partities")
    async def audit_partitions(self) -> list[str]:
        """The audit trail's monthly partitions: the coming months' made, those past the retention term
        dropped (db/audit.py `maintain`; the worker connects as their owner). Returns those dropped."""
        return await audit.maintain(self._pool)

    def all(self) -> list[Callable[..., Any]]:
        """Every activity of this class, for the worker to register."""
        return [self.purged, self.delete_history, self.audit_partitions]
