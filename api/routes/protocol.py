"""/v1/protocol-versies: the gemeente's protocol, managed by its beheerder. Each route reads the request,
calls its use case (services/protocol_beheer.py: the same the pages call) and answers."""

import asyncio
import email.parser
import email.policy
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from api.deps import Ctx
from api.problems import Documented, forbidden, problems
from services import protocol_beheer
from services.errors import InvalidInput, NotFound
from services.permissions import Capability
from services.protocol_beheer import MAX_PROTOCOL_BYTES, Activering, ProtocolVersieDetail, ProtocolVersies

router = APIRouter(prefix="/v1/protocol-versies", tags=["protocol"])

Versie = Annotated[int, Path(ge=1, le=2_147_483_647, description="Het nummer van de versie binnen uw gemeente.")]

_MULTIPART_MARGE = 16 * 1024
_TOML_TYPES = frozenset({"application/toml", "text/plain", "text/x-toml"})

UPLOAD = f"""
Een protocolbestand van uw gemeente uploaden (TOML, het formaat van `protocol/almere.toml`; elke sleutel staat in
"The protocol configuration" van de README). Het wordt gecontroleerd en opgeslagen als de volgende versie van uw
gemeente, **een concept**: er verandert niets tot het wordt geactiveerd (`POST
/v1/protocol-versies/{{versie}}/activeringen`).

**Upload**: het bestand als body met `Content-Type: application/toml` (of `text/plain`), of `multipart/form-data`
met het bestand in het veld `bestand` (wat een webformulier stuurt). UTF-8, hooguit {MAX_PROTOCOL_BYTES // 1024} kB.

**201**: de versie, met `verschillen`: elke instelling die verschilt van de actieve versie (oude waarde, nieuwe
waarde). **400**: het bestand wordt geweigerd en er wordt niets opgeslagen; `invalidParams` noemt elke foute
instelling met haar pad in het bestand (`escalatie.naar_coordinator_na_werkdagen`, `zomervakanties.1.tot`,
`start.maanden`) en de reden in het Nederlands: een negatieve termijn, leeftijden in de verkeerde volgorde, een
onbekende sleutel (`onbekende sleutel`), een waarde van de verkeerde soort. Een bestand dat helemaal geen TOML is (of
leeg, te groot, geen UTF-8) heet `bestand`.

Voor de beheerder, binnen de eigen gemeente; de upload staat in het audit-log.
"""

BEHEREN = forbidden(Capability.PROTOCOL_BEHEREN)
ONBEKEND = Documented(
    NotFound("Uw gemeente heeft geen protocolversie 7."), "Uw gemeente heeft geen versie met dit nummer."
)


def _wrong_type() -> InvalidInput:
    return InvalidInput(
        "Stuur het protocolbestand als body met Content-Type application/toml, of als multipart/form-data"
        " (veld 'bestand').",
        invalid_params=[{"name": "Content-Type", "reason": "niet application/toml of multipart/form-data"}],
    )


def _too_large() -> InvalidInput:
    kb = MAX_PROTOCOL_BYTES // 1024
    return InvalidInput(
        f"Het bestand is groter dan {kb} kB; dit is geen protocolbestand. Er is niets opgeslagen.",
        invalid_params=[{"name": "bestand", "reason": f"groter dan {kb} kB"}],
    )


def _no_field() -> InvalidInput:
    return InvalidInput(
        "Het formulier heeft geen veld 'bestand' met het protocolbestand.",
        invalid_params=[{"name": "bestand", "reason": "ontbreekt"}],
    )


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
    operation_id="uploadProtocolVersie",
    status_code=status.HTTP_201_CREATED,
    summary="Een protocolbestand uploaden als nieuwe versie (een concept)",
    description=UPLOAD,
    openapi_extra=_UPLOAD_BODY,
    responses=problems(
        BEHEREN,
        Documented(
            _wrong_type(), "Een Content-Type die niet `application/toml`, `text/plain` of `multipart/form-data` is."
        ),
        Documented(_no_field(), "Een `multipart/form-data`-body zonder het veld `bestand`."),
        Documented(_too_large(), f"Het bestand is groter dan {MAX_PROTOCOL_BYTES // 1024} kB."),
        Documented(
            InvalidInput(
                "Het protocol heeft 1 fout; er is niets opgeslagen. Verbeter het bestand en upload het opnieuw.",
                invalid_params=[{"name": "start.maanden", "reason": "een getal van 0 tot en met 11"}],
            ),
            "Het bestand is geen geldig protocol: `invalidParams` noemt elke foute instelling met haar pad in het"
            " bestand, of `bestand` als het geen (UTF-8-)TOML is of leeg.",
        ),
    ),
)
async def upload_protocol(request: Request, ctx: Ctx, response: Response) -> ProtocolVersieDetail:
    detail = await protocol_beheer.upload(ctx, lambda: _upload(request))
    response.headers["Location"] = f"/v1/protocol-versies/{detail.versie}"
    return detail


@router.get(
    "",
    operation_id="listProtocolVersies",
    summary="De protocolversies van uw gemeente: de nieuwste eerst",
    description="Elke versie: het nummer, wanneer en door wie ze werd geüpload, wanneer ze werd geactiveerd, en welke"
    " actief is (die nieuwe overdrachten krijgen). Voor de beheerder, binnen de eigen gemeente.",
    responses=problems(BEHEREN),
)
async def list_protocol_versions(ctx: Ctx) -> ProtocolVersies:
    return await protocol_beheer.versions(ctx)


@router.get(
    "/{versie}",
    operation_id="getProtocolVersie",
    summary="Eén protocolversie, met haar verschillen met de actieve",
    description="De versie, haar hele configuratie (`instellingen`), het bestand zoals geüpload (`bestand`), en"
    " `verschillen`: per instelling die verschilt van de actieve versie, de oude en de nieuwe waarde. 404 voor een"
    " nummer dat uw gemeente niet heeft (de versies van een andere gemeente zijn niet voor u).",
    responses=problems(BEHEREN, ONBEKEND),
)
async def get_protocol_version(versie: Versie, ctx: Ctx) -> ProtocolVersieDetail:
    return await protocol_beheer.version(ctx, versie)


@router.post(
    "/{versie}/activeringen",
    operation_id="activateProtocolVersie",
    status_code=status.HTTP_201_CREATED,
    summary="Een protocolversie activeren",
    description="Maak deze versie de actieve van uw gemeente: elke overdracht die vanaf nu opent, krijgt haar; die al"
    " lopen, houden de versie waarmee ze begonnen. Een eerdere versie mag weer worden geactiveerd (om terug te gaan)."
    " 200 (`gewijzigd`: false) als het al de actieve versie is. Staat in het audit-log.",
    responses={
        200: {"model": Activering, "description": "Het was al de actieve versie."},
        **problems(BEHEREN, ONBEKEND),
    },
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
        raise _wrong_type()
    limit = MAX_PROTOCOL_BYTES + (_MULTIPART_MARGE if mime == "multipart/form-data" else 0)
    length = request.headers.get("content-length", "")
    body = bytearray()
    if not (length.isdecimal() and int(length) > limit):
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                break
    if len(body) > limit or (length.isdecimal() and int(length) > limit):
        raise _too_large()
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
    raise _no_field()
