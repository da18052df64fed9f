"""Removes the records of children that never got an overdracht, once they are past keeping: the child
reached the protocol's age (`bewaartermijnen.kind_zonder_overdracht_tot_leeftijd`, Almere 5) or its
placement ended longer ago than `kind_zonder_overdracht_maanden_na_einde_plaatsing` (3 months). Its
parents' accounts go with it, and so does any workflow still waiting under its id to open the
overdracht at the start age (the engine holds the date of birth). Run daily by
workflows/kinderen_opruimen.py; the SQL is in db/kinderen.py."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import asyncpg
from temporalio import activity

from activities.history_cleanup import delete_runs
from core.temporal import Engine
from db import kinderen, namespaces
from db import protocol as protocols
from protocol.dates import amsterdam_date
from schemas.ids import overdracht_id_for
from schemas.protocol import Bewaartermijnen, ProtocolConfig
from workflows.ids import workflow_id


def _today() -> date:
    return amsterdam_date(datetime.now(UTC))


class KinderenOpruimenActivities:
    def __init__(self, pool: asyncpg.Pool, engine: Engine) -> None:
        self._pool = pool
        self._engine = engine

    async def _terms(self, gemeente_id: UUID) -> tuple[int, int]:
        """(the age in months, the months after the placement ended) of the gemeente's newest protocol."""
        protocol = await protocols.current(self._pool, gemeente_id)
        termijnen: Bewaartermijnen = (protocol.config if protocol else ProtocolConfig()).bewaartermijnen
        return (
            termijnen.kind_zonder_overdracht_tot_leeftijd.in_maanden,
            termijnen.kind_zonder_overdracht_maanden_na_einde_plaatsing,
        )

    @activity.defn(name="children_past_keeping")
    async def past_keeping(self, limit: int) -> list[UUID]:
        """Children without an overdracht that are past keeping, at most `limit` per gemeente."""
        today, found = _today(), []
        for gemeente_id in await kinderen.gemeenten(self._pool):
            leeftijd, na_einde = await self._terms(gemeente_id)
            found += await kinderen.without_overdracht_expired(
                self._pool, gemeente_id, leeftijd, na_einde, today, limit
            )
        return found

    @activity.defn(name="remove_child_without_overdracht")
    async def remove(self, kind_id: UUID) -> bool:
        """Remove the child's record, its parents' accounts and any run of its workflow, when it is still
        past keeping and still has no overdracht; False when not (or gone already). Idempotent.

        The record stays locked while the engine is asked: an overdracht cannot open in between (its
        record would wait for the lock, then find no child), and when the engine cannot be reached
        nothing is removed and the next round tries again."""
        gemeente_id = await kinderen.gemeente_of(self._pool, kind_id)
        if gemeente_id is None:
            return False
        leeftijd, na_einde = await self._terms(gemeente_id)
        async with self._pool.acquire() as conn, conn.transaction():
            if not await kinderen.lock_expired_without_overdracht(conn, kind_id, leeftijd, na_einde, _today()):
                return False
            await self._delete_workflow(gemeente_id, overdracht_id_for(kind_id))
            await kinderen.delete(conn, kind_id)
        return True

    async def _delete_workflow(self, gemeente_id: UUID, overdracht_id: UUID) -> None:
        """Every run under the overdracht's workflow id, a running one (waiting to open) terminated."""
        client = self._engine.client(await namespaces.of_gemeente(self._pool, gemeente_id))
        await delete_runs(client, workflow_id(overdracht_id))

    def all(self) -> list[Callable[..., Any]]:
        """Every activity of this class, for the worker to register."""
        return [self.past_keeping, self.remove]
