"""Each gemeente sealed off in the engine: a gemeente made with `overdracht beheerder` has a namespace of
its own, whose workflows are encrypted with its own keys. Its beheerder decodes their payloads in the
Temporal UI and nothing of another gemeente's, and the other way round."""

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from core.codec import KEY_ID_METADATA
from core.settings import Settings
from db import namespaces
from overdracht import demo
from schemas.overdracht import Rol
from services.inrichting import EersteBeheerder, first_beheerder
from tests.conftest import Login, gemeente_worker
from tests.helpers import assert_problem
from workflows.ouder_codes import bezorging_id

BEHEERDER = next(u.id for u in demo.STAFF_USERS if u.rol is Rol.BEHEERDER)


@pytest.fixture(scope="module")
async def elders(pool: asyncpg.Pool) -> EersteBeheerder:
    """A second gemeente, made as `overdracht beheerder` makes one."""
    tag = uuid.uuid4().hex[:6]
    return await first_beheerder(pool, f"Gemeente Elders {tag}", "Eva Elders", f"eva.{tag}@example.org")


@pytest.fixture
async def elders_engine(
    elders: EersteBeheerder, env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings, worker: Any
) -> AsyncIterator[Client]:
    namespace = await namespaces.of_gemeente(pool, elders.gemeente_id)
    assert namespace is not None
    async with gemeente_worker(env, pool, settings, namespace) as client:
        yield client


async def invitation_payload(
    api: httpx.AsyncClient, pool: asyncpg.Pool, client: Client, beheerder: dict[str, str]
) -> tuple[UUID, Payload]:
    """The beheerder invites a coordinator; the invitation's delivery runs as a workflow in their
    gemeente's namespace: (its message id, the start payload as the engine stores it)."""
    body = {"naam": "Nieuwe Collega", "email": f"c.{uuid.uuid4().hex[:8]}@example.org", "rol": "coordinator"}
    r = await api.post("/v1/gebruikers", headers=beheerder, json=body)
    assert r.status_code == 201, r.text
    bericht_id = await pool.fetchval(
        "SELECT bericht_id FROM uitnodigingen WHERE gebruiker_id = $1", UUID(r.json()["id"])
    )
    handle = client.get_workflow_handle(bezorging_id(bericht_id))
    await handle.result()  # delivered (or left in the outbox: the suite has no mail server) by its namespace's worker
    history = await handle.fetch_history()
    [payload] = history.events[0].workflow_execution_started_event_attributes.input.payloads
    return bericht_id, payload


async def decode(api: httpx.AsyncClient, headers: dict[str, str], namespace: str, payload: Payload) -> httpx.Response:
    body = json_format.MessageToDict(Payloads(payloads=[payload]))
    return await api.post("/v1/codec/decode", json=body, headers={**headers, "X-Namespace": namespace})


def data_of(answer: httpx.Response) -> Any:
    [payload] = json_format.ParseDict(answer.json(), Payloads()).payloads
    return json.loads(payload.data)


async def test_a_second_gemeentes_beheerder_can_decode_nothing_of_the_first(
    api: httpx.AsyncClient,
    login: Login,
    pool: asyncpg.Pool,
    env: WorkflowEnvironment,
    elders: EersteBeheerder,
    elders_engine: Client,
) -> None:
    almere, eigen = await login(BEHEERDER), await login(elders.gebruiker_id)
    thuis, daar = env.client.namespace, elders_engine.namespace
    almere_id, almere_payload = await invitation_payload(api, pool, env.client, almere)
    elders_id, elders_payload = await invitation_payload(api, pool, elders_engine, eigen)

    # Stored encrypted in its own namespace, under its own key; the home namespace does not know it.
    assert elders_payload.metadata[KEY_ID_METADATA].decode().endswith(f"@{daar}")
    assert not almere_payload.metadata[KEY_ID_METADATA].decode().endswith(f"@{daar}")
    with pytest.raises(RPCError) as unknown:
        await env.client.get_workflow_handle(bezorging_id(elders_id)).describe()
    assert unknown.value.status is RPCStatusCode.NOT_FOUND

    # Each beheerder reads their own gemeente's payloads...
    assert data_of(await decode(api, eigen, daar, elders_payload)) == str(elders_id)
    assert data_of(await decode(api, almere, thuis, almere_payload)) == str(almere_id)
    # ...and nothing of the other's: not with their own namespace's keys, not by naming the other namespace.
    for headers, namespace, payload in ((eigen, daar, almere_payload), (almere, thuis, elders_payload)):
        refused = assert_problem(await decode(api, headers, namespace, payload), 400)
        assert str(almere_id) not in json.dumps(refused) and str(elders_id) not in json.dumps(refused)
    assert_problem(await decode(api, eigen, thuis, almere_payload), 403)
    assert_problem(await decode(api, almere, daar, elders_payload), 403)
