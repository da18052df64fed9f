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
