"""How long the workflows' activities may take, and how they are retried.

Every activity beats (activities/hartslag.py): a worker that dies mid-step is noticed after ALIVE, and
the step goes to another worker at once, instead of after its whole start-to-close timeout."""

from datetime import timedelta
from typing import TypedDict

from temporalio.common import RetryPolicy


class Options(TypedDict, total=False):
    start_to_close_timeout: timedelta
    heartbeat_timeout: timedelta
    retry_policy: RetryPolicy


ALIVE = timedelta(seconds=5)

# Recording waits out a database outage: retried without limit, so a step once accepted is never lost.
RECORD: Options = {
    "start_to_close_timeout": timedelta(seconds=30),
    "heartbeat_timeout": ALIVE,
    "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30)),
}
# Delivery waits out a mail server outage the same way; it never blocks a step.
DELIVER: Options = {
    "start_to_close_timeout": timedelta(minutes=2),
    "heartbeat_timeout": ALIVE,
    "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=10)),
}
# A housekeeping call (a cleanup's batch, an import's last step): the engine's default retries.
CALL: Options = {"start_to_close_timeout": timedelta(minutes=1), "heartbeat_timeout": ALIVE}
