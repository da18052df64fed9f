"""`overdracht setup-engine` against a real server: registers what is missing, makes every gemeente's own
namespace with its search attributes, and is safe to repeat."""

import uuid
from typing import Any

import asyncpg
import pytest
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from core.temporal import namespace_exists
from db import namespaces
from overdracht.devstack import temporal_binary
from overdracht.engine_setup import setup_engine
from services.inrichting import first_beheerder
from tests.conftest import free_port
from workflows import search_attributes


async def search_attributes_of(env: WorkflowEnvironment, namespace: str) -> set[str]:
    listed = await env.client.operator_service.list_search_attributes(ListSearchAttributesRequest(namespace=namespace))
    return set(listed.custom_attributes)


async def test_sets_up_the_home_namespace_and_each_gemeentes_own_once(settings: Settings, pool: asyncpg.Pool) -> None:
    made = await first_beheerder(pool, f"Gemeente Opzet {uuid.uuid4().hex[:6]}", "Olga Opzet", "olga@example.org")
    own = await namespaces.of_gemeente(pool, made.gemeente_id)
    assert own == f"gemeente-{made.gemeente_id}"
    bare = await WorkflowEnvironment.start_local(dev_server_existing_path=temporal_binary(), port=free_port())
    try:
        target = settings.model_copy(update={"temporal_address": bare.client.service_client.config.target_host})
        assert not await namespace_exists(bare.client, own)

        first = await setup_engine(target)
        second = await setup_engine(target)

        names = {k.name for k in search_attributes.ALL}
        assert sorted(first.search_attributes) == sorted(names) and second.search_attributes == []
        assert own in first.namespaces and second.namespaces == []
        assert first.schedules and second.schedules == []
        assert names <= await search_attributes_of(bare, "default")
        assert names <= await search_attributes_of(bare, own)
    finally:
        await bare.shutdown()


async def test_an_answer_the_engine_gives_under_load_does_not_stop_the_set_up(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dev server under load has answered CANCELLED to asking for a namespace; asked again, it
    answers. A namespace that is not there is still not there."""
    service = env.client.workflow_service
    real = service.describe_namespace
    answers: list[str] = []

    async def cancelled_once(request: DescribeNamespaceRequest, **kwargs: Any) -> Any:
        if not answers:
            answers.append("cancelled")
            raise RPCError("cancelled", RPCStatusCode.CANCELLED, b"")
        answers.append("answered")
        return await real(request, **kwargs)

    monkeypatch.setattr(service, "describe_namespace", cancelled_once)
    assert await namespace_exists(env.client, env.client.namespace)
    assert not await namespace_exists(env.client, f"nergens-{uuid.uuid4().hex}")
    assert answers == ["cancelled", "answered", "answered"]
