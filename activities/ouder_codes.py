"""Removes the parents' codes that can no longer be used (used, or expired), and the attempts to ask
for a new code that no longer count: run every hour by workflows/ouder_codes.py."""

from collections.abc import Callable
from typing import Any

import asyncpg
from temporalio import activity

from db import ouder_codes


class OuderCodeActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="remove_spent_ouder_codes")
    async def remove_spent(self) -> int:
        """Delete every used or expired code (and the old attempts); returns how many codes. Idempotent."""
        codes, attempts = await ouder_codes.delete_spent(self._pool)
        activity.logger.info("spent parent codes removed", extra={"codes": codes, "attempts": attempts})
        return codes

    def all(self) -> list[Callable[..., Any]]:
        """Every activity of this class, for the worker to register."""
        return [self.remove_spent]
