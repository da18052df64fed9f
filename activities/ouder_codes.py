"""Removes the parents' codes that can no longer be used (used, or expired), the attempts to ask for a
new code that no longer count, and the web app's ended sessions: run every hour by
workflows/ouder_codes.py."""

from collections.abc import Callable
from typing import Any

import asyncpg
from temporalio import activity

from db import ouder_codes, web_sessies


class OuderCodeActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="remove_spent_ouder_codes")
    async def remove_spent(self) -> int:
        """Delete every used or expired code (and the old attempts); returns how many codes. Idempotent."""
        codes, attempts = await ouder_codes.delete_spent(self._pool)
        sessies = await web_sessies.delete_ended(self._pool)
        activity.logger.info(
            "spent parent codes removed", extra={"codes": codes, "attempts": attempts, "web_sessies": sessies}
        )
        return codes

    def all(self) -> list[Callable[..., Any]]:
        """Every activity of this class, for the worker to register."""
        return [self.remove_spent]
