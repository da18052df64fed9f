"""Use cases of the engine's payloads for the beheerder: decrypt them (a read of whatever personal data
they hold, so audited) and encrypt them, as the Temporal web UI asks through its codec-server protocol."""

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from core.codec import EncryptionCodec, PayloadDecryptionError
from schemas.audit import Actie
from services.context import Context
from services.errors import Forbidden, InvalidInput
from services.permissions import Capability, require

log = logging.getLogger(__name__)

Transform = Callable[[Sequence[Payload]], Awaitable[list[Payload]]]

OTHER_NAMESPACE = (
    "Deze namespace van de engine is niet die van uw gemeente: u ontsleutelt alleen de gegevens van uw eigen gemeente."
)
NOT_BASE64 = "Geen geldige payloads: metadata en data moeten base64 zijn."


def undecryptable(key_id: str) -> InvalidInput:
    return InvalidInput(
        f"Een payload kan niet worden ontsleuteld: sleutel {key_id!r} is hier niet ingesteld, of de payload is gewijzigd."
    )


def _codec(ctx: Context, namespace: str | None) -> EncryptionCodec:
    # The caller's gemeente's engine client's own codec (core/temporal.py puts it on every client): exactly
    # the keys of that gemeente's namespace, so nothing of another gemeente can be decrypted with it.
    if namespace is not None and namespace != ctx.temporal.namespace:
        raise Forbidden(OTHER_NAMESPACE)
    codec = ctx.temporal.data_converter.payload_codec
    if not isinstance(codec, EncryptionCodec):
        raise RuntimeError("the engine client has no EncryptionCodec")
    return codec


async def _apply(payloads: dict[str, Any], transform: Transform) -> dict[str, Any]:
    """Payloads in the protocol's JSON (protobuf JSON, values base64) through the codec, and back."""
    try:
        parsed = json_format.ParseDict(payloads, Payloads()).payloads
    except json_format.ParseError:
        raise InvalidInput(NOT_BASE64) from None
    try:
        result = await transform(parsed)
    except PayloadDecryptionError as exc:
        # The key id only; never key material or content.
        raise undecryptable(exc.key_id) from None
    return json_format.MessageToDict(Payloads(payloads=result))


def _count(payloads: dict[str, Any]) -> int:
    return len(payloads.get("payloads", ()))


async def decode(ctx: Context, payloads: dict[str, Any], namespace: str | None = None) -> dict[str, Any]:
    """The payloads decrypted; those that are not encrypted come back as they are. `namespace`: the one
    the Temporal UI shows, which must be the caller's gemeente's."""
    user = require(ctx, Capability.PAYLOADS_DECODEREN)
    codec = _codec(ctx, namespace)
    # Who read the engine's content, how much, when; never what. In the audit trail as any other read.
    ctx.audit.add(user, Actie.LEZEN, "engine.payloads", velden=["payloads"])
    log.info("engine payloads decoded", extra={"gebruiker_id": str(user.id), "aantal": _count(payloads)})
    return await _apply(payloads, codec.decode)


async def encode(ctx: Context, payloads: dict[str, Any], namespace: str | None = None) -> dict[str, Any]:
    """The payloads encrypted with the active key of the caller's gemeente. Nothing is read: no audit row."""
    user = require(ctx, Capability.PAYLOADS_DECODEREN)
    codec = _codec(ctx, namespace)
    log.info("engine payloads encoded", extra={"gebruiker_id": str(user.id), "aantal": _count(payloads)})
    return await _apply(payloads, codec.encode)
