"""How an import batch waits for the overdrachten it started to open (services/import_taak.Openingen):
each row until its own is open, the batch asking for all of them in one query per look; a row whose
overdracht does not open in time is not waited for forever; a database error fails every row waiting."""

import asyncio
import logging
import uuid
from uuid import UUID

import asyncpg
import httpx
import pytest

from db import overdrachten
from overdracht import demo
from services import import_taak
from services.import_taak import Openingen
from tests.conftest import Login
from tests.happy_path import place_child


async def test_each_row_waits_for_its_own_and_one_query_asks_for_all(
    api: httpx.AsyncClient,
    pool: asyncpg.Pool,
    login: Login,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    pm = await login(demo.PM_USER[demo.BOOMHUT])
    opened = []
    for _ in range(2):
        kind_id, _ = await place_child(pool)
        r = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
        assert r.status_code == 201, r.text
        opened.append(UUID(r.json()["id"]))
    never = uuid.uuid4()
    asked: list[set[UUID]] = []
    original = overdrachten.existing

    async def existing(conn: asyncpg.Pool, ids: list[UUID]) -> list[UUID]:
        asked.append(set(ids))
        return await original(conn, ids)

    monkeypatch.setattr(overdrachten, "existing", existing)
    monkeypatch.setattr(import_taak, "OPEN_BINNEN", 0.5)
    openingen = Openingen(pool)
    loop = asyncio.get_running_loop()
    began = loop.time()

    async def wait(overdracht_id: UUID) -> float:
        await openingen.wait(overdracht_id)
        return loop.time() - began

    with caplog.at_level(logging.WARNING, logger="services.import_taak"):
        waited = await asyncio.gather(*(wait(i) for i in [*opened, never]))

    assert asked[0] == {*opened, never}  # one query for every row waiting
    # The open ones at the first look (never asked for again), the other not before the limit.
    assert asked[1:] and all(s == {never} for s in asked[1:])
    assert max(waited[:2]) < waited[2] and waited[2] >= 0.5
    warned = [r.getMessage() for r in caplog.records if r.name == "services.import_taak"]
    assert warned == ["placements import: an overdracht not open yet"]


async def test_a_database_error_fails_every_row_waiting(database_url: str) -> None:
    closed = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    await closed.close()
    openingen = Openingen(closed)
    waits = await asyncio.gather(*(openingen.wait(uuid.uuid4()) for _ in range(3)), return_exceptions=True)
    assert len(waits) == 3 and all(isinstance(w, asyncpg.exceptions.InterfaceError) for w in waits)
