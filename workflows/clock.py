"""One durable timer for all of a workflow's waits (Patch.EEN_WEKKER).

An open overdracht waits for several moments at once: each open deadline's next alarm, the dispatch's
expiry, the end of an unfinished one, later the end of retention. As a timer each, an opening cost the
engine four to five timers in its first workflow task: events and timer tasks to persist (measured,
the import's rate did not move with them: docs/performance.md). The clock keeps one timer, for the earliest moment anyone waits for, and wakes every waiter whose moment has
come when it goes off. A wait that ends otherwise (its step taken, its deadline moved) takes its moment
away; the timer moves only when the earliest moment changes, and only while the workflow is quiet (not
in the middle of a change, `quiet`): an alarm that went off and is being handled waits for its next
moment as soon as it is done, and the timer is set for that one, rather than for a later one first.

`sleep_until` means what `alarms.sleep_until` means (a run from before the patch keeps that one, and its
timers): True when the moment came, False when `wake` came true first."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from temporalio import workflow

_NEVER = datetime.min.replace(tzinfo=UTC)


class Clock:
    def __init__(self, quiet: Callable[[], bool]) -> None:
        self._quiet = quiet
        # The moments waited for, one entry per waiter (two may wait for the same moment).
        self._moments: list[datetime] = []
        # The latest moment the timer went off for: every moment up to it has come.
        self._rung = _NEVER
        self._driver: asyncio.Task[None] | None = None

    async def sleep_until(self, moment: datetime, wake: Callable[[], bool]) -> bool:
        if wake():
            return False
        if moment <= workflow.now():
            return True
        self._moments.append(moment)
        if self._driver is None:
            self._driver = asyncio.create_task(self._drive())
        try:
            await workflow.wait_condition(lambda: wake() or self._came(moment))
        finally:
            self._moments.remove(moment)
        return not wake()

    def _came(self, moment: datetime) -> bool:
        # The timer's own moment counts, whatever rounding the engine's clock did.
        return moment <= self._rung or moment <= workflow.now()

    def _next(self) -> datetime | None:
        """The earliest moment waited for that has not rung yet."""
        return min((m for m in self._moments if m > self._rung), default=None)

    async def _drive(self) -> None:
        """The one timer: always set for the earliest moment waited for, none while nobody waits."""
        while True:
            await workflow.wait_condition(lambda: self._quiet() and self._next() is not None)
            target = self._next()
            if target is None or not self._quiet():
                # A waiter woken in the same pass went first and began a change: once it is done.
                continue
            remaining = target - workflow.now()
            if remaining > timedelta(0):
                try:
                    # Moved when an earlier moment is waited for, or the earliest is no longer.
                    await workflow.wait_condition(
                        lambda: self._quiet() and self._next() != target,  # noqa: B023
                        timeout=remaining,
                    )
                    continue
                except TimeoutError:
                    pass
            self._rung = target
