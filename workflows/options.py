"""How long the workflows' activities may take, and how they are retried."""

from datetime import timedelta
from typing import TypedDict

from temporalio.common import RetryPolicy


class Options(TypedDict, total=False):
    start_to_close_timeout: timedelta
    retry_policy: RetryPolicy


# Recording waits out a database outage: retried without limit, so a step once accepted is never lost.
RECORD: Options = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30)),
}
# Delivery waits out a mail server outage the same way; it never blocks a step.
DELIVER: Options = {
    "start_to_close_timeout": timedelta(minutes=2),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=10)),
}
