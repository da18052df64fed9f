"""The service layer's calls into the workflow engine (start an overdracht, take a step), and how the
engine's answers become service errors."""

import asyncio
from typing import Any, TypedDict, TypeVar
from uuid import UUID

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import TypedSearchAttributes, WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from core.settings import Settings
from schemas import ids
from schemas.imports import IMPORT_WORKFLOW, ImportInput
from schemas.workflow import HandoverInput, HandoverState, Open, Opening
from services.context import STEP_ID
from services.errors import FormIncomplete, OutcomeUnknown, StepNotAllowed, Unavailable
from workflows import patches, search_attributes
from workflows.handover import HandoverWorkflow
from workflows.ids import import_id, workflow_id
from workflows.lifecycle import Weigering
from workflows.ouder_codes import BerichtBezorgingWorkflow, bezorging_id

Cmd = TypeVar("Cmd", bound=BaseModel)

# One overdracht per child: its id derives from the child's (schemas/ids.py), so a retried or
# concurrent open reaches the same workflow.
overdracht_id_for = ids.overdracht_id_for


class _Where(TypedDict):
    id: str
    task_queue: str
    id_reuse_policy: WorkflowIDReusePolicy
    search_attributes: TypedSearchAttributes | None


def _where(settings: Settings, input: HandoverInput) -> _Where:
    """Where an overdracht's workflow runs: its id, its task queue, that a closed run under that id
    may be started anew (a closed run never opened: an opened one has a read-model row, which the
    callers look for first), and the search attributes it starts with."""
    return {
        "id": workflow_id(input.overdracht_id),
        "task_queue": settings.task_queue,
        "id_reuse_policy": WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        "search_attributes": search_attributes.at_start(input) if input.publish_search_attributes else None,
    }


def _now(input: HandoverInput) -> HandoverInput:
    """The input of a run started now: it has every patch from its start (workflows/patches.py), and
    asks the engine for none of them."""
    return input.model_copy(update={"patchniveau": patches.NIVEAU})


async def start_handover(client: Client, settings: Settings, input: HandoverInput, cmd: Open) -> Opening:
    """Start the overdracht's workflow unless it runs already, and ask it to open: now, or with
    `cmd.op_startleeftijd` at the start age when that is still ahead. One call to the engine
    (update-with-start): the start and the update reach it together, and the update is handled in the
    run's first workflow task. The workflow decides and says what it did (`Opening.uitkomst`); the call
    is safe to repeat (a running workflow is reused, and the same Idempotency-Key reaches the same update)."""
    start = WithStartWorkflowOperation(
        HandoverWorkflow.run,
        _now(input),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        **_where(settings, input),
    )
    opening: Opening = await _engine_call(
        settings,
        client.execute_update_with_start_workflow(
            HandoverWorkflow.open, cmd, start_workflow_operation=start, id=_update_id("open")
        ),
        step=input.overdracht_id,
    )
    return opening


async def start_opened_handover(client: Client, settings: Settings, input: HandoverInput) -> bool:
    """Start the overdracht's workflow with `input.opener` (the import): it opens itself in its first
    workflow task when the child is past the start age, and at the start age otherwise. Nothing waits
    for that task, so an import starts its rows as fast as the engine takes them. False, starting
    nothing, when a run under this id is already going (ask it with `start_handover` instead)."""
    try:
        await _engine_call(
            settings,
            client.start_workflow(
                HandoverWorkflow.run,
                _now(input),
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                # Called in a worker (the import's job), the run's first task comes back with the start's
                # answer to this worker, with no trip through the engine's task queue.
                request_eager_start=True,
                **_where(settings, input),
            ),
        )
    except WorkflowAlreadyStartedError:
        return False
    return True


async def deliver_message(client: Client, settings: Settings, bericht_id: UUID) -> None:
    """Have the worker deliver a message the service queued in the outbox itself (not an overdracht's
    workflow): in the background, at most once, as the workflows' own messages are. Safe to repeat."""
    await _engine_call(
        settings,
        client.start_workflow(
            BerichtBezorgingWorkflow.run,
            bericht_id,
            id=bezorging_id(bericht_id),
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        ),
    )


async def start_import(client: Client, settings: Settings, taak_id: UUID) -> None:
    """Start the background job of an import accepted and stored (services/imports.py)."""
    await _engine_call(
        settings,
        client.start_workflow(
            IMPORT_WORKFLOW,
            ImportInput(
                taak_id=taak_id,
                rijen_per_batch=settings.import_rijen_per_batch,
                batches_tegelijk=settings.import_batches_tegelijk,
                hartslag_seconden=settings.import_hartslag_seconden,
            ),
            id=import_id(taak_id),
            task_queue=settings.task_queue,
        ),
    )


async def take_step(
    client: Client,
    settings: Settings,
    overdracht_id: UUID,
    update: UpdateMethodMultiParam[[HandoverWorkflow, Cmd], HandoverState],
    cmd: Cmd,
) -> HandoverState:
    """Run one step (a workflow update). A refusal by the workflow becomes a 409 or 422."""
    handle: WorkflowHandle[HandoverWorkflow, HandoverState] = client.get_workflow_handle_for(
        HandoverWorkflow.run, workflow_id(overdracht_id)
    )
    try:
        state: HandoverState = await _engine_call(
            settings,
            handle.execute_update(update, cmd, id=_update_id(getattr(update, "__name__", "stap"))),
            step=overdracht_id,
        )
        return state
    except WorkflowUpdateFailedError as exc:
        raise _as_problem(exc.cause) from None
    except RPCError as exc:
        # The workflow has finished since the caller last looked: nothing can change any more.
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise StepNotAllowed("Deze overdracht is afgesloten; er kan niets meer aan veranderen.") from None
        raise


def _update_id(name: str) -> str | None:
    """The update's id: from the request's Idempotency-Key and the step, so the same request repeated
    reaches the same update; without a key, the engine makes one."""
    base = STEP_ID.get()
    return f"{base}:{name}" if base else None


async def _engine_call(settings: Settings, call: Any, *, step: UUID | None = None) -> Any:
    """`call` within the engine timeout. For a step (an update of overdracht `step`) an answer that does
    not come is an unknown outcome, never "nothing changed": the update may be applied after all."""
    try:
        return await asyncio.wait_for(call, timeout=settings.engine_timeout_seconds)
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        if step is not None:
            raise OutcomeUnknown(
                "De stap is doorgegeven, maar de uitkomst is nog niet bekend: de workflow-engine antwoordde niet op"
                " tijd. Herhaal het verzoek met dezelfde Idempotency-Key: u krijgt dan de echte uitkomst, en de stap"
                " wordt nooit dubbel gezet. Of kijk in de tijdlijn of hij is gezet.",
                tijdlijn=f"/v1/overdrachten/{step}/tijdlijn",
            ) from None
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
