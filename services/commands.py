"""The API's calls into the workflow engine, and how the engine's answers become HTTP problems."""

import asyncio
import uuid
from typing import Any
from uuid import UUID

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.errors import FormIncomplete, StepNotAllowed, Unavailable
from core.settings import Settings
from schemas.workflow import HandoverInput, HandoverState, Open
from workflows.handover import HandoverWorkflow
from workflows.ids import workflow_id
from workflows.lifecycle import Weigering

# One overdracht per child: its id derives from the child's, so a retried or concurrent open reaches
# the same workflow. The child's id is itself opaque; nothing personal can be read back from either.
_OVERDRACHT_NAMESPACE = uuid.UUID("5b0f6f4e-6c1c-4d8e-9a43-0f1d2a7c9e10")


def overdracht_id_for(kind_id: UUID) -> UUID:
    return uuid.uuid5(_OVERDRACHT_NAMESPACE, str(kind_id))


async def open_handover(client: Client, settings: Settings, input: HandoverInput, cmd: Open) -> HandoverState:
    """Start the workflow if it is not running yet, then open it; both steps are safe to repeat."""
    handle = await _engine_call(
        settings,
        client.start_workflow(
            HandoverWorkflow.run,
            input,
            id=workflow_id(input.overdracht_id),
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            # A closed run under this id never opened (an open one has a read-model row and is
            # answered before this): starting anew is right.
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        ),
    )
    return await _engine_call(settings, handle.execute_update(HandoverWorkflow.open, cmd))


async def take_step(client: Client, settings: Settings, overdracht_id: UUID, update: Any, cmd: Any) -> HandoverState:
    """Run one step (a workflow update). A refusal by the workflow becomes a 409 or 422."""
    handle = client.get_workflow_handle_for(HandoverWorkflow.run, workflow_id(overdracht_id))
    try:
        return await _engine_call(settings, handle.execute_update(update, cmd))
    except WorkflowUpdateFailedError as exc:
        raise _as_problem(exc.cause) from None
    except RPCError as exc:
        # The workflow has finished since the caller last looked: nothing can change any more.
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise StepNotAllowed("Deze overdracht is afgesloten; er kan niets meer aan veranderen.") from None
        raise


async def _engine_call(settings: Settings, call: Any) -> Any:
    try:
        return await asyncio.wait_for(call, timeout=settings.engine_timeout_seconds)
    except TimeoutError:
        raise Unavailable(
            "De workflow-engine antwoordt niet op tijd. Probeer het zo opnieuw; een stap die al is "
            "verwerkt, wordt niet dubbel uitgevoerd."
        ) from None
    except RuntimeError as exc:
        # The SDK raises a bare RuntimeError when it cannot connect at all.
        if "connect" in str(exc).lower():
            raise Unavailable("De workflow-engine is niet bereikbaar. Er is niets gewijzigd.") from None
        raise


def _as_problem(cause: BaseException) -> Exception:
    if isinstance(cause, ApplicationError):
        if cause.type == Weigering.FORMULIER_ONVOLLEDIG:
            missing = list(cause.details[0]) if cause.details else []
            return FormIncomplete(cause.message, ontbrekende_velden=missing)
        if cause.type == Weigering.STAP_NIET_TOEGESTAAN:
            return StepNotAllowed(cause.message)
    return cause if isinstance(cause, Exception) else RuntimeError("update failed")


async def schedule_handover(client: Client, settings: Settings, input: HandoverInput) -> bool:
    """Start the workflow ahead, at placement: it opens itself at the start age and asks the PM'er to
    begin. Safe to repeat: a workflow already running under this id is kept as it is (the caller has
    checked that the overdracht was not opened before). True when this call started it."""
    handle = client.get_workflow_handle_for(HandoverWorkflow.run, workflow_id(input.overdracht_id))
    try:
        described = await _engine_call(settings, handle.describe())
        if described.close_time is None:
            return False  # running
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
    await _engine_call(
        settings,
        client.start_workflow(
            HandoverWorkflow.run,
            input.model_copy(update={"automatisch_openen": True}),
            id=workflow_id(input.overdracht_id),
            task_queue=settings.task_queue,
            # Started meanwhile by another import or an open: keep that one.
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            # A closed run under this id never opened (an opened one has a read-model row): start anew.
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        ),
    )
    return True
