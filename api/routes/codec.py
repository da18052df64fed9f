"""/v1/codec: the Temporal codec-server protocol, so the engine's web UI (and `temporal --codec-endpoint`)
can show an administrator the payloads that the engine itself holds only encrypted. The routes parse,
call their use case (services/codec.py) and answer, with the CORS headers the UI needs."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Ctx
from api.errors import problems
from api.limits import takes_upload
from core.settings import Settings
from services import codec

# Temporal's own wire format, not our vocabulary: kept here (not in schemas/) as the UI sends it.
MAX_PAYLOADS = 1000


class CodecPayload(BaseModel):
    """A Temporal payload in protobuf JSON: every value base64."""

    model_config = ConfigDict(extra="allow")  # fields of newer Temporal versions pass through

    metadata: dict[str, str] = Field(default={}, description="Metadata; each value base64.")
    data: str = Field(default="", description="The payload's bytes, base64.")


class CodecPayloads(BaseModel):
    payloads: list[CodecPayload] = Field(max_length=MAX_PAYLOADS)


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
    'The Temporal codec-server protocol (`{"payloads": [{"metadata": {…}, "data": "…"}]}`, values base64),'
    " as the Temporal web UI and `temporal --codec-endpoint … --codec-auth 'Bearer …'` send it. For the"
    " beheerder only, with the keys of their own gemeente's engine namespace: payloads of another gemeente"
    " cannot be decrypted here (400), and a call for another gemeente's namespace is refused (403). Every"
    " call is logged."
)
Namespace = Annotated[
    str | None,
    Header(
        alias="X-Namespace",
        description="The engine namespace the UI shows (it sends it itself); when given, it must be your gemeente's.",
    ),
]


@router.post(
    "/decode",
    summary="Decrypt engine payloads for the Temporal web UI (beheerder)",
    description=_DESCRIPTION + " Payloads that are not encrypted come back as they are.",
    response_model=CodecPayloads,
    responses=problems(400, 401, 403),
)
@takes_upload
async def decode(body: CodecPayloads, ctx: Ctx, namespace: Namespace = None) -> JSONResponse:
    return _answer(await codec.decode(ctx, body.model_dump(), namespace))


@router.post(
    "/encode",
    summary="Encrypt payloads for the Temporal web UI (beheerder)",
    description=_DESCRIPTION + " Encrypted with the active key.",
    response_model=CodecPayloads,
    responses=problems(400, 401, 403),
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
