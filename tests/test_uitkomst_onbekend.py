"""A step whose answer does not come back in time (the worker is gone) is a 503 that says the outcome is
not yet known, never "nothing changed" and never a 500; repeated with the same Idempotency-Key once the
worker is back and has taken the step, it returns the step's real outcome, and the step is taken once."""

import uuid

import asyncpg
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from overdracht import demo
from tests.conftest import Login, app_client, make_worker
from tests.happy_path import COMPLETE_FORM, place_child
from tests.helpers import assert_problem, eventually

QUEUE = "overdracht-uitkomst-onbekend"


async def test_an_unknown_outcome_is_said_and_a_repeat_with_the_key_finds_the_real_one(
    env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings, login: Login
) -> None:
    local = settings.model_copy(update={"task_queue": QUEUE, "engine_timeout_seconds": 2})
    kind_id, _ = await place_child(pool)
    pm = await login(demo.PM_USER[demo.BOOMHUT])
    async with app_client(local) as api:
        async with make_worker(env.client, pool, local, QUEUE):
            opened = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
            assert opened.status_code == 201, opened.text
        path = f"/v1/overdrachten/{opened.json()['id']}"
        key = {**pm, "Idempotency-Key": f"formulier-{uuid.uuid4()}"}

        # The worker is gone: the engine takes the step but cannot answer within the API's 2 s.
        unknown = await api.put(f"{path}/formulier", headers=key, json=COMPLETE_FORM)

        body = assert_problem(unknown, 503)
        assert body["code"] == "uitkomst_onbekend" and body["tijdlijn"] == f"{path}/tijdlijn"
        assert "niets gewijzigd" not in body["detail"] and "dezelfde Idempotency-Key" in body["detail"]
        # The key is kept, marked unknown: the same request may take it over at once.
        kept = await pool.fetchval(
            "SELECT onbekend FROM idempotency_keys WHERE idempotency_key = $1", key["Idempotency-Key"]
        )
        assert kept is True

        async with make_worker(env.client, pool, local, QUEUE):
            # The worker takes the step the engine kept. The repeat waits for that rather than racing it
            # within the 2 s: how soon a new worker gets the task is the engine's, not the API's.
            await eventually(
                lambda: api.get(f"{path}/tijdlijn", headers=pm), lambda r: "formulier_opgeslagen" in r.text, within=60
            )
            again = await api.put(f"{path}/formulier", headers=key, json=COMPLETE_FORM)
            assert again.status_code == 200, again.text
            assert again.json()["formulier"] is not None
            replayed = await api.put(f"{path}/formulier", headers=key, json=COMPLETE_FORM)
            timeline = (await api.get(f"{path}/tijdlijn", headers=pm)).json()["gebeurtenissen"]

    assert (replayed.status_code, replayed.headers.get("idempotency-replayed")) == (200, "true")
    # Once: the repeat attached to the update the first request started (without the key's update id it
    # would be saved twice).
    assert [e["gebeurtenis"] for e in timeline].count("formulier_opgeslagen") == 1
