"""When the database or the engine is down the API answers 503 problem+json, never 500, and
/v1/gezondheid says which part is down."""

import time

import asyncpg
import httpx

from core.settings import Settings
from overdracht import demo
from tests.conftest import app_client, free_port
from tests.happy_path import place_child


async def test_healthy_when_everything_is_up(api: httpx.AsyncClient) -> None:
    r = await api.get("/v1/gezondheid")

    assert r.status_code == 200
    assert r.json() == {
        "status": "ok",
        "onderdelen": {
            "api": {"status": "ok"}, "database": {"status": "ok"}, "migraties": {"status": "ok"},
            "engine": {"status": "ok"}, "worker": {"status": "ok"}, "protocol": {"status": "ok"},
        },
    }  # fmt: skip


async def test_not_ready_without_a_worker_on_the_task_queue(settings: Settings) -> None:
    nobody = settings.model_copy(update={"task_queue": "overdracht-zonder-worker"})
    async with app_client(nobody) as api:
        r = await api.get("/v1/gezondheid")

    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "niet_gereed" and "worker" in r.json()["detail"]
    parts = r.json()["onderdelen"]
    assert parts["worker"] == {"status": "niet_klaar", "detail": "geen worker haalt werk op van de taakwachtrij"}
    assert parts["engine"]["status"] == parts["database"]["status"] == parts["migraties"]["status"] == "ok"


async def test_database_down(settings: Settings) -> None:
    down = settings.model_copy(update={"database_url": f"postgresql://overdracht@127.0.0.1:{free_port()}/overdracht"})
    async with app_client(down) as api:
        health = await api.get("/v1/gezondheid")
        token = await api.post("/v1/dev/tokens", json={"gebruikerId": str(demo.PM_USER[demo.BOOMHUT])})

    assert health.status_code == 503
    parts = health.json()["onderdelen"]
    assert parts["database"]["status"] == "onbereikbaar" and parts["engine"]["status"] == "ok"
    assert token.status_code == 503
    assert token.headers["content-type"] == "application/problem+json"
    assert "database" in token.json()["detail"]


async def test_engine_down(settings: Settings, pool: asyncpg.Pool, api: httpx.AsyncClient) -> None:
    kind_id, _ = await place_child(pool)
    r = await api.post("/v1/dev/tokens", json={"gebruikerId": str(demo.PM_USER[demo.BOOMHUT])})
    pm = {"Authorization": f"Bearer {r.json()['accessToken']}"}
    down = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}", "engine_timeout_seconds": 5})
    async with app_client(down) as broken:
        health = await broken.get("/v1/gezondheid")
        started = time.monotonic()
        opened = await broken.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
        took = time.monotonic() - started

    assert health.status_code == 503
    parts = health.json()["onderdelen"]
    assert parts["engine"]["status"] == "onbereikbaar" and parts["database"]["status"] == "ok"
    assert opened.status_code == 503, opened.text
    assert opened.headers["content-type"] == "application/problem+json"
    assert took < 10
    # Nothing half-written: no overdracht without a workflow behind it.
    assert await pool.fetchval("SELECT count(*) FROM overdrachten WHERE kind_id = $1", kind_id) == 0
