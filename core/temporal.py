"""Connecting to the Temporal engine the same way everywhere: pydantic payloads, every payload
encrypted (core/codec.py) with the keys of its namespace.

The service's home namespace (`OVERDRACHT_TEMPORAL_NAMESPACE`) holds the service's own workflows (the
cleanups, the digests) and the overdrachten of every gemeente without a namespace of its own. A gemeente
set up with `overdracht beheerder` gets a namespace of its own: its workflows, their histories and its
search attributes live there, encrypted with its own keys, apart from every other gemeente's."""

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar
from uuid import UUID

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
from temporalio.service import RPCError, RPCStatusCode

from core.codec import EncryptionCodec
from core.settings import Settings


def data_converter(settings: Settings, namespace: str | None = None) -> DataConverter:
    """Pydantic payloads, encrypted with the keys of `namespace` (core/codec.py; default: the service's
    home namespace). An error's message and stack trace go into the encrypted part too: they can quote a
    value (a validation error, a failed activity)."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec.from_settings(settings, namespace),
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


class Engine:
    """The engine as one process sees it: the home namespace's client, and one client per gemeente
    namespace with that namespace's keys, all on the home client's connection."""

    def __init__(self, home: Client, settings: Settings) -> None:
        self.home = home
        self._settings = settings
        self._clients: dict[str, Client] = {home.namespace: home}
        # Which namespace each gemeente's workflows are in (services/context.py fills it): set once, when
        # the gemeente is made, and never changed, so a process may keep what it looked up.
        self.namespace_of: dict[UUID, str | None] = {}

    def client(self, namespace: str | None) -> Client:
        """The client of `namespace`; None: the home namespace."""
        name = namespace or self.home.namespace
        if name not in self._clients:
            self._clients[name] = Client(
                self.home.service_client, namespace=name, data_converter=data_converter(self._settings, name)
            )
        return self._clients[name]


# How long a gemeente namespace's engine keeps a closed workflow's history (the service deletes those
# it must sooner itself: workflows/history_cleanup.py).
RETENTION = timedelta(days=30)


_Request = TypeVar("_Request")
_Answer = TypeVar("_Answer")
# What an engine under load answers now and then (the dev server has answered CANCELLED); the SDK's own
# retry (`retry=True`) covers UNAVAILABLE and a few more, not these.
_PASSING = frozenset({RPCStatusCode.CANCELLED, RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED})


async def _admin_call(call: Callable[..., Awaitable[_Answer]], request: _Request, attempts: int = 5) -> _Answer:
    """A call to set a namespace up, made again after a passing error (each such call is idempotent)."""
    for attempt in range(1, attempts):
        try:
            return await call(request, retry=True)
        except RPCError as exc:
            if exc.status not in _PASSING:
                raise
            await asyncio.sleep(0.2 * 2**attempt)
    return await call(request, retry=True)


async def namespace_exists(client: Client, namespace: str) -> bool:
    from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

    try:
        await _admin_call(client.workflow_service.describe_namespace, DescribeNamespaceRequest(namespace=namespace))
    except RPCError as exc:
        if exc.status is not RPCStatusCode.NOT_FOUND:
            raise
        return False
    return True


async def ensure_namespace(client: Client, namespace: str) -> bool:
    """The namespace made in the engine when it is not there; whether it was made."""
    from google.protobuf.duration_pb2 import Duration
    from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
    from temporalio.service import RPCError, RPCStatusCode

    if await namespace_exists(client, namespace):
        return False
    retention = Duration()
    retention.FromTimedelta(RETENTION)
    try:
        await _admin_call(
            client.workflow_service.register_namespace,
            RegisterNamespaceRequest(namespace=namespace, workflow_execution_retention_period=retention),
        )
    except RPCError as exc:
        if exc.status is not RPCStatusCode.ALREADY_EXISTS:  # made by another process just now
            raise
    return True


async def register_search_attributes(client: Client, namespace: str) -> list[str]:
    """Register the workflow's search attributes in `namespace`; returns those added. (The dev server
    gets the home namespace's from `--search-attribute` at start.)"""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest

    from workflows import search_attributes

    existing = await _admin_call(
        client.operator_service.list_search_attributes, ListSearchAttributesRequest(namespace=namespace)
    )
    missing = [k.name for k in search_attributes.ALL if k.name not in existing.custom_attributes]
    if missing:
        await _admin_call(
            client.operator_service.add_search_attributes,
            AddSearchAttributesRequest(
                namespace=namespace,
                search_attributes={name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD for name in missing},
            ),
        )
    return missing
