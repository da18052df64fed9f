"""How the workflow declares a step: an update with a validator, whose handler runs under the lock."""

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from temporalio import workflow
from temporalio.workflow import UpdateMethodMultiParam

with workflow.unsafe.imports_passed_through():
    from workflows.lifecycle import Stap


class Stepping(Protocol):
    """A workflow that takes steps: the lock its handlers and timers share, and its check of a step
    against the lifecycle (raising the refusal)."""

    _lock: asyncio.Lock

    def _check(self, stap: Stap) -> None: ...


W = TypeVar("W", bound=Stepping)
Cmd = TypeVar("Cmd")
R = TypeVar("R")


class Declare(Protocol):
    def __call__(self, fn: Callable[[W, Cmd], Awaitable[R]], /) -> UpdateMethodMultiParam[[W, Cmd], R]: ...


def step(stap: Stap | Callable[[Any], Stap], also: Callable[[Any, Any], None] | None = None) -> Declare:
    """Declares the step `stap` (or the one the command names), allowed when the lifecycle allows it
    in the current state and `also(workflow, cmd)` raises no refusal. The validator refuses what the
    workflow's state, at rest, does not allow (nothing reaches the history); the handler checks again
    under the lock: another change may have been made while it waited for it."""

    def declare(fn: Callable[[W, Cmd], Awaitable[R]]) -> UpdateMethodMultiParam[[W, Cmd], R]:
        def check(self: W, cmd: Cmd) -> None:
            self._check(stap if isinstance(stap, Stap) else stap(cmd))
            if also is not None:
                also(self, cmd)

        @functools.wraps(fn, assigned=())  # the SDK wants the handler's parameters on its validator
        def validate(self: W, cmd: Cmd) -> None:
            if self._lock.locked():
                # A change is under way (an opening whose write is still out, a step, an alarm): the state
                # is about to change, so it is no ground for a refusal now. The handler checks once the
                # change is done. (A client told the overdracht is open, by its row, may send the next
                # step while a worker that died mid-opening has left it to another: the fault suite.)
                return
            check(self, cmd)

        @functools.wraps(fn)
        async def handler(self: W, cmd: Cmd) -> R:
            async with self._lock:
                check(self, cmd)
                return await fn(self, cmd)

        update = workflow.update(handler)
        update.validator(validate)
        return update

    return declare
