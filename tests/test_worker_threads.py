"""The workers run the workflows' code in Settings.worker_workflow_threads threads (one), not in a
thread for each workflow task they hold at once, as the SDK would: threads that only take turns at
Python's lock (overdracht/worker.py)."""

import asyncio
import threading

import asyncpg
import httpx

from core.settings import Settings
from overdracht import demo
from overdracht.worker import WORKFLOW_THREAD
from tests.conftest import Login
from tests.happy_path import place_child


async def test_many_workflows_at_once_run_in_one_thread(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, settings: Settings
) -> None:
    pm = await login(demo.PM_USER[demo.BOOMHUT])
    children = [(await place_child(pool))[0] for _ in range(6)]

    answers = await asyncio.gather(
        *(api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)}) for kind_id in children)
    )

    assert [r.status_code for r in answers] == [201] * 6
    threads = [t for t in threading.enumerate() if t.name.startswith(WORKFLOW_THREAD)]
    assert settings.worker_workflow_threads == 1
    assert len(threads) == 1
