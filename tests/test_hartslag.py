"""Every activity beats while it runs (activities/hartslag.py), but not before it has run a while: a
step that ends quickly costs the engine no call to record a beat."""

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any

from temporalio.testing import ActivityEnvironment
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput

from activities.hartslag import Hartslag


class _Step(ActivityInboundInterceptor):
    """What the interceptor wraps: a step that runs until `release` is set."""

    def __init__(self, release: asyncio.Event) -> None:
        self._release = release

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        await self._release.wait()
        return "klaar"


def _environment(beats: list[float], *, timeout_seconds: float, release: asyncio.Event) -> ActivityEnvironment:
    """An activity's environment that notes the time of every beat, and releases the step at the third."""
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, heartbeat_timeout=timedelta(seconds=timeout_seconds))

    def beat(*_: object) -> None:
        beats.append(asyncio.get_running_loop().time())
        if len(beats) == 3:
            release.set()

    env.on_heartbeat = beat
    return env


async def _run(env: ActivityEnvironment, release: asyncio.Event) -> Any:
    step = Hartslag().intercept_activity(_Step(release))
    return await env.run(
        step.execute_activity, ExecuteActivityInput(fn=lambda: None, args=(), executor=None, headers={})
    )


async def test_a_quick_step_does_not_beat() -> None:
    beats: list[float] = []
    release = asyncio.Event()
    release.set()
    assert await _run(_environment(beats, timeout_seconds=30, release=release), release) == "klaar"
    assert beats == []


async def test_a_long_step_beats_after_a_third_of_its_timeout_and_on() -> None:
    beats: list[float] = []
    release = asyncio.Event()
    env = _environment(beats, timeout_seconds=0.6, release=release)
    began = asyncio.get_running_loop().time()
    assert await _run(env, release) == "klaar"  # released at the third beat
    # The first comes a third of the timeout after the start (a sleep never ends early).
    assert beats[0] - began >= 0.2
