"""How long the workflows' activities may take, and how they are retried.

Every activity beats (activities/hartslag.py): a worker that dies mid-step is noticed after ALIVE, and
the step goes to another worker at once, instead of after its whole start-to-close timeout.

A change's write to the read model runs first as a local activity (RECORD_LOCALLY: in the worker that
runs the workflow task, no round trip through the engine's task queues) and, should that not succeed
within its window, as an ordinary activity with RECORD's unlimited retry (workflows/recording.py)."""

from datetime import timedelta
from typing import TypedDict

from temporalio.common import RetryPolicy


class Options(TypedDict, total=False):
    start_to_close_timeout: timedelta
    heartbeat_timeout: timedelta
    retry_policy: RetryPolicy


class LocalOptions(TypedDict, total=False):
    start_to_close_timeout: timedelta
    retry_policy: RetryPolicy


ALIVE = timedelta(seconds=5)

# Recording waits out a database outage: retried without limit, so a step once accepted is never lost.
RECORD: Options = {
    "start_to_close_timeout": timedelta(seconds=30),
    "heartbeat_timeout": ALIVE,
    "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30)),
}
# The local attempts: retried in the worker (every backoff stays below the SDK's local retry threshold, so
# the workflow task is held, not ended with a timer) for a few attempts, some 10 s in all; past them the
# write goes to RECORD. A short database hiccup costs no history, and neither does a long outage. (The
# window is a number of attempts: temporalio 1.35 does not end a local activity's retries at its
# schedule-to-close timeout when each attempt fails fast, as a refused connection does.)
RECORD_LOCALLY: LocalOptions = {
    "start_to_close_timeout": timedelta(seconds=10),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=4), maximum_attempts=5),
}
# Delivery waits out a mail server outage the same way; it never blocks a step.
DELIVER: Options = {
    "start_to_close_timeout": timedelta(minutes=2),
    "heartbeat_timeout": ALIVE,
    "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=10)),
}
# A message queued in the run's own first task is delivered in that task too (workflows/outbox.py): one
# local attempt, or two when the mail server refuses the first for now (its timeout is 30 s); past that,
# DELIVER's, by the engine.
DELIVER_LOCALLY: LocalOptions = {
    "start_to_close_timeout": timedelta(seconds=45),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=4), maximum_attempts=2),
}
# A housekeeping call (a cleanup's batch, an import's last step): the engine's default retries.
CALL: Options = {"start_to_close_timeout": timedelta(minutes=1), "heartbeat_timeout": ALIVE}
