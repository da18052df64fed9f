"""/v1/codec: the Temporal codec-server protocol, so the engine's web UI (and `temporal --codec-endpoint`)
can show an administrator the payloads that the engine itself holds only encrypted. The routes parse,
call their use case (services/codec.py) and answer, with the CORS headers the UI needs."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from api.deps import Ctx
from api.limits import takes_upload
from api.problems import Documented, forbidden, problems
from core.settings import Settings
from schemas.openapi import described
from services import codec
from services.errors import Forbidden, InvalidInput
from services.permissions import Capability

# Temporal's own wire format, not our vocabulary: kept here (not in schemas/) as the UI sends it.
MAX_PAYLOADS = 1000


_PAYLOAD = {"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "eyJ2b29yYmVlbGQiOnRydWV9"}


class CodecPayload(BaseModel):
    """A Temporal payload in protobuf JSON: every value base64."""

    model_config = described(
        "Een payload van Temporal in protobuf-JSON: elke waarde in base64. Velden van nieuwere Temporal-versies gaan"
        " ongewijzigd mee.",
        _PAYLOAD,
        extra="allow",  # fields of newer Temporal versions pass through
    )

    metadata: dict[str, str] = Field(default={}, description="De metadata; elke waarde in base64.")
    data: str = Field(default="", description="De bytes van de payload, in base64.")


class CodecPayloads(BaseModel):
    model_config = described(
        "Payloads om te versleutelen of te ontsleutelen (het codec-serverprotocol van Temporal).",
        {"payloads": [_PAYLOAD]},
    )

    payloads: list[CodecPayload] = Field(max_length=MAX_PAYLOADS, description="De payloads, in hun volgorde.")


def ui_origins(settings: Settings) -> frozenset[str]:
    """The Temporal web UI's origin: the dev server's UI (default http://127.0.0.1:8233), under both
    names of the loopback address. A UI elsewhere calls through a proxy on this origin, or needs a
    setting of its own (not needed yet)."""
    host = settings.temporal_address.rpartition(":")[0] or "127.0.0.1"
    names = {host} | ({"127.0.0.1", "localhost"} if host in ("127.0.0.1", "localhost") else set())
    return frozenset(f"http://{name}:{settings.temporal_ui_port}" for name in names)


def _cors_headers(request: Request) -> dict[str, str]:
    origin = request.headers.get("origin")
    if origin is None or origin not in ui_origins(request.app.state.settings):
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        # The UI may be set to send cookies too ("include credentials"); only a bearer token counts here.
        "Access-Control-Allow-Credentials": "true",
        "Vary": "Origin",
    }


class _CorsRoute(APIRoute):
    """Adds the UI's CORS headers to every answer, a refusal (401, 403, 400) too: the UI can then
    tell the administrator why it shows the payloads encrypted."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def with_cors(request: Request) -> Response:
            try:
                response = await handle(request)
            except Exception as exc:
                # Answered here by the app's own handler (problem+json), so the headers can be added.
                handlers = request.app.exception_handlers
                handler = next((handlers[t] for t in type(exc).__mro__ if t in handlers), None)
                if handler is None:
                    raise
                response = await handler(request, exc)
            response.headers.update(_cors_headers(request))
            return response

        return with_cors


router = APIRouter(prefix="/v1/codec", tags=["beheer"], route_class=_CorsRoute)


def _answer(payloads: dict[str, Any]) -> JSONResponse:
    # Decrypted personal data: for this screen only, never for a cache on the way.
    return JSONResponse(payloads, headers={"Cache-Control": "no-store"})


_DESCRIPTION = (
    'Het codec-serverprotocol van Temporal (`{"payloads": [{"metadata": {…}, "data": "…"}]}`, waarden in base64),'
    " zoals de webinterface van Temporal en `temporal --codec-endpoint … --codec-auth 'Bearer …'` het sturen. Alleen"
    " voor de beheerder, met de sleutels van de namespace van de eigen gemeente in de engine: payloads van een andere"
    " gemeente zijn hier niet te ontsleutelen (400), en een aanroep voor de namespace van een andere gemeente wordt"
    " geweigerd (403). Elke aanroep wordt gelogd."
)
Namespace = Annotated[
    str | None,
    Header(
        alias="X-Namespace",
        description="De namespace van de engine die de webinterface toont (ze stuurt hem zelf); als hij er is, moet"
        " het die van uw gemeente zijn.",
    ),
]
PROBLEMEN = (
    forbidden(Capability.PAYLOADS_DECODEREN),
    Documented(Forbidden(codec.OTHER_NAMESPACE), "`X-Namespace` is niet de namespace van uw gemeente."),
    Documented(InvalidInput(codec.NOT_BASE64), "`metadata` of `data` van een payload is geen base64."),
)


@router.post(
    "/decode",
    operation_id="decodePayloads",
    summary="Payloads van de engine ontsleutelen voor de webinterface van Temporal (beheerder)",
    description=_DESCRIPTION + " Payloads die niet versleuteld zijn, komen terug zoals ze zijn.",
    response_model=CodecPayloads,
    responses=problems(
        *PROBLEMEN,
        Documented(
            codec.undecryptable("2026-01"),
            "Een payload is versleuteld met een sleutel die hier niet is ingesteld (van een andere gemeente), of is"
            " gewijzigd.",
        ),
    ),
)
@takes_upload
async def decode(body: CodecPayloads, ctx: Ctx, namespace: Namespace = None) -> JSONResponse:
    return _answer(await codec.decode(ctx, body.model_dump(), namespace))


@router.post(
    "/encode",
    operation_id="encodePayloads",
    summary="Payloads versleutelen voor de webinterface van Temporal (beheerder)",
    description=_DESCRIPTION + " Versleuteld met de actieve sleutel.",
    response_model=CodecPayloads,
    responses=problems(*PROBLEMEN),
)
@takes_upload
async def encode(body: CodecPayloads, ctx: Ctx, namespace: Namespace = None) -> JSONResponse:
    return _answer(await codec.encode(ctx, body.model_dump(), namespace))


def _preflight(request: Request) -> Response:
    """The browser's CORS preflight: answered for the UI's origin only, without a token (a browser
    sends none with it)."""
    headers = _cors_headers(request)
    if headers:
        headers |= {
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "authorization, content-type, x-namespace",
            "Access-Control-Max-Age": "600",
        }
    return Response(status_code=204, headers=headers)


for _path in ("/decode", "/encode"):
    router.add_api_route(_path, _preflight, methods=["OPTIONS"], include_in_schema=False)
