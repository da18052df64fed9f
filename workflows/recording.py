"""How the workflow writes a change to PostgreSQL: first as a local activity, then, only if that did not
succeed within a few attempts, as an ordinary activity that retries without limit.

Why local. A step is a workflow update; with the write as an ordinary activity it costs three trips
through the engine (the task that accepts the update and schedules the activity, the activity task, the
task that completes the update), each a poll, a history write and an answer. A local activity runs in the
same worker, inside the workflow task that accepts the update, and its result is recorded with the
task's completion as one marker: one trip, and the step's answer comes as soon as PostgreSQL has
committed. It is the same idempotent write (keyed on the workflow's revision), registered once on the
worker, run either way.

Why the fallback. A local activity's retries live in the worker and the workflow task it holds; an outage
longer than the local window (options.RECORD_LOCALLY) would otherwise keep a task open, or (past the
SDK's local retry threshold) add a timer and two workflow tasks to the history for every retry. Past the
window the write is handed to the engine as an ordinary activity with RECORD's unlimited retry and
heartbeat, exactly as before: a database outage of any length is waited out and the step is never lost.
A refusal for good (a non-retryable ApplicationError) is no outage and is raised as it is.

What is written before the engine has recorded the step. A local activity writes before the workflow
task that decided the change completes. If that task does not complete (the worker dies, the task times
out), the engine runs it again from the same history: the same change, with the same revision, is
computed and written again, and the write changes nothing (only its clock may differ by seconds). The
one case where the engine forgets the step itself is an update it had admitted but not yet accepted when
the engine itself went down: its caller is told the outcome is unknown (503 UITKOMST_ONBEKEND), and a
repeat with the same Idempotency-Key takes the step again and writes the same change. Without a repeat,
the read model shows that step until the workflow's own next change, which has the same revision number
and replaces it (db/read_model.py: a change of the same revision overwrites; an older one never does).
A message is never queued by such a step: messages are queued by an ordinary activity, after the
engine has recorded the step (workflows/outbox.py). The engine forgets an update it had handed to a worker killed in that task, too (the fault
suite showed it for update-with-start). Hence the one exception: opening (HandoverWorkflow.open) writes
its row with an ordinary activity, scheduled only once the engine has accepted the update: the import
takes an existing row for an opened overdracht and would not open it again."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, FailureError

with workflow.unsafe.imports_passed_through():
    from workflows.options import RECORD, RECORD_LOCALLY, LocalOptions, Options

A = TypeVar("A")
R = TypeVar("R")


async def write(
    activity: Callable[[Any, A], Awaitable[R]],
    arg: A,
    *,
    locally: LocalOptions | None = None,
    then: Options | None = None,
) -> R:
    """Run `activity` (a method of an activity class) with `arg`: locally, else as an ordinary activity
    (`locally`'s attempts, else RECORD_LOCALLY's; then `then`'s, else RECORD's). A message's delivery in
    the task that queued it runs this way too (workflows/outbox.py)."""
    try:
        return await workflow.execute_local_activity_method(activity, arg, **(locally or RECORD_LOCALLY))
    except FailureError as exc:
        # Its attempts spent, a local activity raises its last failure itself (temporalio 1.35), not
        # wrapped in an ActivityError as an ordinary activity's is.
        failure = exc.cause if isinstance(exc, ActivityError) else exc
        if isinstance(failure, CancelledError) or (isinstance(failure, ApplicationError) and failure.non_retryable):
            raise
        workflow.logger.warning("local write not done in its window; handed to the engine as an activity")
        return await workflow.execute_activity_method(activity, arg, **(then or RECORD))
