"""Cross-origin reads from browsers: the OpenAPI document for anyone (the NL API Design Rules ask it), the
API itself only for the origins configured (OVERDRACHT_CORS_ORIGINS). The codec endpoint answers the
engine's UI with CORS headers of its own (api/routes/codec.py) and is left alone here."""

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from core.settings import Settings

OPENAPI = "/v1/openapi.json"
OWN_CORS = "/v1/codec"


class ApiCors:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self._app = app
        origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
        self._anyone = CORSMiddleware(app, allow_origins=["*"], allow_methods=["GET"], max_age=600)
        self._configured = (
            CORSMiddleware(
                app,
                allow_origins=origins,
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                allow_headers=["authorization", "content-type", "idempotency-key", "x-request-id"],
                expose_headers=["api-version", "location", "retry-after", "x-request-id"],
                max_age=600,
            )
            if origins
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == OPENAPI:
            await self._anyone(scope, receive, send)
        elif self._configured is not None and path.startswith("/v1/") and not path.startswith(OWN_CORS):
            await self._configured(scope, receive, send)
        else:
            await self._app(scope, receive, send)
