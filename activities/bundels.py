"""Makes the daily digests that are due (db/bundels.py): one outbox message per person per day with
what was held for them, delivered like every other message (workflows/bundels.py)."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
from temporalio import activity

from activities.berichtteksten import render_bundel
from core.mailer import message_id_domain
from core.settings import Settings
from db import bundels
from protocol.dates import AMSTERDAM


class BundelActivities:
    def __init__(self, pool: asyncpg.Pool, settings: Settings) -> None:
        self._pool = pool
        self._base_url = settings.public_base_url
        self._domain = message_id_domain(settings.mail_from)

    @activity.defn(name="make_digests")
    async def make(self) -> list[UUID]:
        """Make each digest that is due now (one per person per day, whatever retries), and return every
        digest not delivered yet: the ones made now, and any a crash left behind."""
        now = datetime.now(UTC).astimezone(AMSTERDAM)
        made = 0
        for person in await bundels.due(self._pool, now.date(), now.hour):
            async with self._pool.acquire() as conn, conn.transaction():
                if not await bundels.lock_person(conn, person["id"], now.date()):
                    continue
                items = await bundels.held(conn, person["id"])
                if not items:
                    continue
                onderwerp, tekst = render_bundel(
                    [(r["soort"], r["aanleiding"], r["overdracht_id"]) for r in items], self._base_url
                )
                bericht_id = uuid.uuid4()
                bericht = (person["email"], onderwerp, tekst, f"<{bericht_id}@{self._domain}>")
                await bundels.record(conn, person["id"], now.date(), bericht_id, [r["id"] for r in items], bericht)
                made += 1
        activity.logger.info("digests made", extra={"digests": made})
        return await bundels.undelivered(self._pool)

    def all(self) -> list[Callable[..., Any]]:
        """Every activity of this class, for the worker to register."""
        return [self.make]
