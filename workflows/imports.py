"""PlaatsingenImportWorkflow: one placements import in the background (services/imports.py accepts the
file). It checks the file once, then has the good rows stored and their overdrachten started a batch at
a time, a few batches at once, then ends the job. A worker that crashes mid-file loses nothing: the
batch is tried again and skips the rows it did (services/import_taak.py)."""

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.imports import ImportActivities
    from schemas.imports import IMPORT_MISLUKT, IMPORT_WORKFLOW, ImportBatch, ImportGestopt, ImportInput
    from workflows.options import ALIVE, CALL, Options

# A database or engine outage is waited out; a job that cannot go on (activities/imports.py) is not.
_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30), non_retryable_error_types=[IMPORT_MISLUKT])
CHECK: Options = {"start_to_close_timeout": timedelta(minutes=5), "heartbeat_timeout": ALIVE, "retry_policy": _RETRY}
# A batch's worker gone silent is noticed within the heartbeat timeout (ImportInput.hartslag_seconden),
# and the batch given to another.
BATCH: Options = {"start_to_close_timeout": timedelta(minutes=30), "retry_policy": _RETRY}
ONVERWACHT = "De import is gestopt door een onverwachte fout; lees het bestand opnieuw in."


@workflow.defn(name=IMPORT_WORKFLOW)
class PlaatsingenImportWorkflow:
    @workflow.run
    async def run(self, input: ImportInput) -> None:
        try:
            goed = await workflow.execute_activity_method(ImportActivities.check, input.taak_id, **CHECK)
            slots = asyncio.Semaphore(input.batches_tegelijk)
            options: Options = {**BATCH, "heartbeat_timeout": timedelta(seconds=input.hartslag_seconden)}

            async def batch(van: int) -> None:
                async with slots:
                    tot = min(van + input.rijen_per_batch, goed)
                    await workflow.execute_activity_method(
                        ImportActivities.store,
                        ImportBatch(taak_id=input.taak_id, van=van, tot=tot),
                        **options,
                    )

            await asyncio.gather(*(batch(van) for van in range(0, goed, input.rijen_per_batch)))
        except ActivityError as exc:
            cause = exc.cause
            reden = (
                cause.message if isinstance(cause, ApplicationError) and cause.type == IMPORT_MISLUKT else ONVERWACHT
            )
            await workflow.execute_activity_method(
                ImportActivities.fail, ImportGestopt(taak_id=input.taak_id, reden=reden), **CALL
            )
            return
        await workflow.execute_activity_method(ImportActivities.finish, input.taak_id, **CALL)
