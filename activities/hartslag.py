"""Every activity tells the engine its worker is alive, so a worker that dies mid-step is noticed within
the heartbeat timeout (workflows/options.py: seconds) instead of at the end of the step's whole
start-to-close timeout (minutes); the engine then gives the step to another worker.

One interceptor for all activities, so no activity can forget it. It beats while the activity runs, also
while it waits on a slow database or mail server: a step that is slow but alive is never cut off by the
heartbeat timeout, only by its own start-to-close timeout.

The first beat comes a third of the timeout after the start, not at it: the engine counts the timeout
from the start, so a step that ends sooner (nearly every one: a write takes milliseconds) never needs
to beat, and does not cost the engine a call to record a beat."""

import asyncio
import contextlib
from typing import Any

from temporalio import activity
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor


class Hartslag(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _Beats(next)


class _Beats(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        timeout = activity.info().heartbeat_timeout
        if not timeout:
            return await super().execute_activity(input)
        beating = asyncio.create_task(_beat(timeout.total_seconds() / 3))
        try:
            return await super().execute_activity(input)
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating


async def _beat(every: float) -> None:
    while True:
        await asyncio.sleep(every)
        activity.heartbeat()
