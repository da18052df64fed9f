"""The placements import job's activities (workflows/imports.py): each calls one step of the job in
the service layer (services/import_taak.py) for the one who started it."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from temporalio import activity
from temporalio.exceptions import ApplicationError

from schemas.imports import IMPORT_MISLUKT, ImportBatch, ImportGestopt
from services import import_taak
from services.context import Clients


class ImportActivities:
    def __init__(self, clients: Clients) -> None:
        self._clients = clients
        # One for every batch this worker runs: one query a look for all their rows.
        self._openingen = import_taak.Openingen(clients.pool)

    @activity.defn(name="import_check")
    async def check(self, taak_id: UUID) -> int:
        """Check the file; how many good rows there are to store."""
        try:
            return await import_taak.check(self._clients, taak_id)
        except import_taak.ImportMislukt as exc:
            raise ApplicationError(str(exc), type=IMPORT_MISLUKT, non_retryable=True) from None

    @activity.defn(name="import_store")
    async def store(self, batch: ImportBatch) -> None:
        """Store and start one batch of good rows, reporting each row done as a heartbeat."""
        done = 0

        def progress() -> None:
            nonlocal done
            done += 1
            activity.heartbeat(done)

        try:
            await import_taak.store(self._clients, batch.taak_id, batch.van, batch.tot, progress, self._openingen)
        except import_taak.ImportMislukt as exc:
            raise ApplicationError(str(exc), type=IMPORT_MISLUKT, non_retryable=True) from None

    @activity.defn(name="import_finish")
    async def finish(self, taak_id: UUID) -> None:
        await import_taak.finish(self._clients, taak_id)

    @activity.defn(name="import_fail")
    async def fail(self, gestopt: ImportGestopt) -> None:
        await import_taak.fail(self._clients, gestopt.taak_id, gestopt.reden)

    def all(self) -> list[Callable[..., Any]]:
        """Every activity of this class, for the worker to register."""
        return [self.check, self.store, self.finish, self.fail]
