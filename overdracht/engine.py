"""Connecting to the Temporal engine the same way everywhere: one namespace, pydantic payloads."""

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from overdracht.settings import Settings


async def connect(settings: Settings, *, lazy: bool = False) -> Client:
    """A lazy client connects on first use, so the API can start (and report) while the engine is down."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        lazy=lazy,
    )


async def register_search_attributes(settings: Settings) -> list[str]:
    """Register the workflow's search attributes on a real Temporal server; returns those added.
    (The dev server gets them from `--search-attribute` at start.)"""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest

    from workflows import search_attributes

    client = await connect(settings)
    existing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=settings.temporal_namespace)
    )
    missing = [k.name for k in search_attributes.ALL if k.name not in existing.custom_attributes]
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=settings.temporal_namespace,
                search_attributes={name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD for name in missing},
            )
        )
    return missing
