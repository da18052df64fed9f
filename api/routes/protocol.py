"""/v1/protocol-versies: the gemeente's protocol, managed by its beheerder. Each route reads the request,
calls its use case (services/protocol_beheer.py: the same the pages call) and answers."""

import asyncio
import email.parser
import email.policy
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from api.deps import Ctx
from api.errors import problems
from services import protocol_beheer
from services.errors import InvalidInput
from services.protocol_beheer import MAX_PROTOCOL_BYTES, Activering, ProtocolVersieDetail, ProtocolVersies

router = APIRouter(prefix="/v1/protocol-versies", tags=["protocol"])

Versie = Annotated[int, Path(ge=1, le=2_147_483_647, description="The version's number within your gemeente.")]

_MULTIPART_MARGE = 16 * 1024
_TOML_TYPES = frozenset({"application/toml", "text/plain", "text/x-toml"})

UPLOAD = f"""
Upload a protocol file of your gemeente (TOML, the format of `protocol/almere.toml`; every key is in the
README's "The protocol configuration"). It is checked and stored as your gemeente's next version, **a
draft**: nothing changes until it is activated (`POST /v1/protocol-versies/{{versie}}/activeringen`).

**Upload**: the file as the body with `Content-Type: application/toml` (or `text/plain`), or
`multipart/form-data` with the file in the field `bestand` (what a web form sends). UTF-8, at most
{MAX_PROTOCOL_BYTES // 1024} kB.

**201**: the version, with `verschillen`: every setting that differs from the active version (old value,
new value). **400**: the file is refused and nothing is stored; `invalidParams` names every bad setting by
its path in the file (`escalatie.naar_coordinator_na_werkdagen`, `zomervakanties.1.tot`, `start.maanden`)
with the reason in Dutch: a negative term, ages out of order, an unknown key (`onbekende sleutel`), a value
of the wrong kind. A file that is no TOML at all (or empty, too large, not UTF-8) is named `bestand`.

For the beheerder, within their own gemeente; the upload is recorded in the audit trail.
"""

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/toml": {"schema": {"type": "string"}, "example": "start = { jaren = 3, maanden = 6 }\n"},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"bestand": {"type": "string", "format": "binary"}},
                    "required": ["bestand"],
                }
            },
        },
    }
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Upload a protocol file as a new (draft) version",
    description=UPLOAD,
    openapi_extra=_UPLOAD_BODY,
    responses=problems(400, 401, 403, 503),
)
async def upload_protocol(request: Request, ctx: Ctx, response: Response) -> ProtocolVersieDetail:
    detail = await protocol_beheer.upload(ctx, lambda: _upload(request))
    response.headers["Location"] = f"/v1/protocol-versies/{detail.versie}"
    return detail


@router.get(
    "",
    summary="List your gemeente's protocol versions: newest first",
    description="Every version: its number, when and by whom it was uploaded, when it was activated, and"
    " which is active (the one new overdrachten take). For the beheerder, within their own gemeente.",
    responses=problems(400, 401, 403, 503),
)
async def list_protocol_versions(ctx: Ctx) -> ProtocolVersies:
    return await protocol_beheer.versions(ctx)


@router.get(
    "/{versie}",
    summary="One protocol version, with its differences from the active one",
    description="The version, its whole configuration (`instellingen`), the file as uploaded (`bestand`), and"
    " `verschillen`: per setting that differs from the active version, the old and the new value. 404 for a"
    " number your gemeente does not have (another gemeente's versions are not yours to see).",
    responses=problems(400, 401, 403, 404, 503),
)
async def get_protocol_version(versie: Versie, ctx: Ctx) -> ProtocolVersieDetail:
    return await protocol_beheer.version(ctx, versie)


@router.post(
    "/{versie}/activeringen",
    status_code=status.HTTP_201_CREATED,
    summary="Activate a protocol version",
    description="Make this version your gemeente's active one: every overdracht opened from now on takes"
    " it; those already running keep the version they started with. An earlier version may be activated"
    " again (to go back). 200 (`gewijzigd`: false) when it is the active version already. Recorded in the"
    " audit trail.",
    responses={
        200: {"model": Activering, "description": "It was the active version already."},
        **problems(400, 401, 403, 404, 503),
    },  # fmt: skip
)
async def activate_protocol_version(versie: Versie, ctx: Ctx, response: Response) -> Activering:
    activering = await protocol_beheer.activate(ctx, versie)
    if not activering.gewijzigd:
        response.status_code = status.HTTP_200_OK
    return activering


async def _upload(request: Request) -> bytes:
    """The file from the body, bounded before it is read whole."""
    content_type = request.headers.get("content-type", "")
    mime = content_type.split(";")[0].strip().lower()
    if mime not in _TOML_TYPES and mime != "multipart/form-data":
        raise InvalidInput(
            "Stuur het protocolbestand als body met Content-Type application/toml, of als multipart/form-data"
            " (veld 'bestand').",
            invalid_params=[{"name": "Content-Type", "reason": "niet application/toml of multipart/form-data"}],
        )
    limit = MAX_PROTOCOL_BYTES + (_MULTIPART_MARGE if mime == "multipart/form-data" else 0)
    length = request.headers.get("content-length", "")
    body = bytearray()
    if not (length.isdecimal() and int(length) > limit):
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                break
    if len(body) > limit or (length.isdecimal() and int(length) > limit):
        kb = MAX_PROTOCOL_BYTES // 1024
        raise InvalidInput(
            f"Het bestand is groter dan {kb} kB; dit is geen protocolbestand. Er is niets opgeslagen.",
            invalid_params=[{"name": "bestand", "reason": f"groter dan {kb} kB"}],
        )
    return bytes(body) if mime in _TOML_TYPES else await asyncio.to_thread(_from_form, content_type, bytes(body))


def _from_form(content_type: str, body: bytes) -> bytes:
    """The field `bestand` of a multipart/form-data body (read whole and bounded first)."""
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if message.is_multipart() and not message.defects:
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "bestand":
                payload = part.get_payload(decode=True)
                return payload if isinstance(payload, bytes) else b""
    raise InvalidInput(
        "Het formulier heeft geen veld 'bestand' met het protocolbestand.",
        invalid_params=[{"name": "bestand", "reason": "ontbreekt"}],
    )
