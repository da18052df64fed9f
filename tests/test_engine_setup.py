"""`overdracht setup-engine` against a real server: registers what is missing, and is safe to repeat."""

from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from core.temporal import register_search_attributes
from overdracht.devstack import temporal_binary
from tests.conftest import free_port
from workflows import search_attributes


async def test_registers_the_search_attributes_once(settings: Settings) -> None:
    bare = await WorkflowEnvironment.start_local(dev_server_existing_path=temporal_binary(), port=free_port())
    try:
        target = settings.model_copy(update={"temporal_address": bare.client.service_client.config.target_host})

        first = await register_search_attributes(target)
        second = await register_search_attributes(target)

        listed = await bare.client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace="default")
        )
        assert sorted(first) == sorted(k.name for k in search_attributes.ALL)
        assert second == []
        assert {k.name for k in search_attributes.ALL} <= set(listed.custom_attributes)
    finally:
        await bare.shutdown()
