"""Retention of an overdracht that never finishes: still running at the protocol's term after the 4th
birthday (`onafgeronde_overdracht_maanden_na_vierde_verjaardag`), it ends and its content is purged,
on a time-skipping server, through the API."""

from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest
from dateutil.relativedelta import relativedelta
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from db import protocol as protocols
from overdracht import demo
from protocol.dates import amsterdam_date
from schemas.overdracht import Rol
from schemas.workflow import Actor, Open
from services.commands import overdracht_id_for, start_handover
from tests.conftest import app_client, make_worker, suite_data_converter, time_skipping_server_path
from tests.happy_path import COMPLETE_FORM, handover_input, place_child
from tests.helpers import eventually

QUEUE = "overdracht-onafgerond"


@pytest.fixture
async def own_clock() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=time_skipping_server_path(), data_converter=suite_data_converter()
    )
    yield env
    await env.shutdown()


async def test_an_overdracht_left_in_concept_ends_and_is_purged_after_the_term(
    own_clock: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings
) -> None:
    today = amsterdam_date(await own_clock.get_current_time())
    born = today - relativedelta(years=3, months=7)
    kind_id, _ = await place_child(pool, born=born)
    local = settings.model_copy(
        update={"temporal_address": own_clock.client.service_client.config.target_host, "task_queue": QUEUE}
    )
    async with make_worker(own_clock.client, pool, local, QUEUE), app_client(local) as api:
        token = await api.post("/v1/dev/tokens", json={"gebruikerId": str(demo.PM_USER[demo.BOOMHUT])})
        pm = {"Authorization": f"Bearer {token.json()['accessToken']}"}
        # Opened by the PM'er (started as the API does, without the search attributes this server lacks).
        protocol = await protocols.current(pool, demo.ALMERE)
        input = handover_input(kind_id, geboortedatum=born, publish_search_attributes=False).model_copy(
            update={"protocol": protocol, "overdracht_id": overdracht_id_for(kind_id)}
        )
        pm_actor = Actor(gebruiker_id=demo.PM_USER[demo.BOOMHUT], rol=Rol.PEDAGOGISCH_MEDEWERKER)
        await start_handover(own_clock.client, local, input, Open(actor=pm_actor))
        path = f"/v1/overdrachten/{input.overdracht_id}"
        assert (await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM)).status_code == 200

        # A month before the term (9 months after the 4th birthday) it still runs, late on every step.
        term = born + relativedelta(years=4, months=9)
        await own_clock.sleep(timedelta(days=(term - today).days - 30))
        assert (await api.get(path, headers=pm)).json()["status"] == "concept"

        await own_clock.sleep(timedelta(days=31))
        ended = await eventually(
            lambda: api.get(path, headers=pm), lambda r: r.json()["tijdstippen"]["inhoudVerwijderdOp"] is not None
        )

        body = ended.json()
        assert (body["status"], body["formulier"], body["kind"]) == ("geannuleerd", None, None)
        timeline = (await api.get(f"{path}/tijdlijn", headers=pm)).json()["gebeurtenissen"]
        assert "overdracht_verlopen" in [e["gebeurtenis"] for e in timeline]
        assert await pool.fetchval("SELECT count(*) FROM kinderen WHERE id = $1", kind_id) == 0
