"""Connecting to the Temporal engine the same way everywhere: one namespace, pydantic payloads,
every payload encrypted (core/codec.py)."""

import dataclasses

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes

from core.codec import EncryptionCodec
from core.settings import Settings


def data_converter(settings: Settings) -> DataConverter:
    """Pydantic payloads, encrypted with the configured keys. An error's message and stack trace go
    into the encrypted part too: they can quote a value (a validation error, a failed activity)."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec.from_settings(settings),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


async def connect(settings: Settings, *, lazy: bool = False) -> Client:
    """A lazy client connects on first use, so the API can start (and report) while the engine is down.
    Every client (API, worker, seed, CLI commands) is made here, so none writes a payload in clear."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
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
