"""The FastAPI application: a lifespan that owns the clients, the routes, and the error mapping."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request, Response
from starlette.middleware.base import RequestResponseEndpoint

import web
from api import API_VERSION
from api.cors import ApiCors
from api.errors import install_error_handlers
from api.idempotency import install_idempotency
from api.limits import install_body_limits
from api.openapi import install_openapi
from api.query import reject_unknown_query_params
from api.request_id import install_request_id
from api.routes import (
    audit,
    bijlagen,
    codec,
    dev,
    gebruikers,
    gezondheid,
    imports,
    instellingen,
    kinderen,
    monitoring,
    organisatie,
    ouder_codes,
    ouder_sessies,
    overdrachtcodes,
    overdrachten,
    protocol,
)
from api.routing import install_literal_paths_first
from api.schema_examples import install_schema_examples
from api.static import install_docs, mount_static
from core.heap import freeze_startup_objects
from core.logs import configure as configure_logging
from core.settings import Settings, get_settings
from core.temporal import Engine, connect
from db.pool import create_pool


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Both connect lazily: the API starts, and /v1/gezondheid reports, while either is down.
        app.state.settings = settings
        app.state.pool = await create_pool(settings.effective_api_database_url())
        app.state.temporal = await connect(settings, lazy=True)
        app.state.engine = Engine(app.state.temporal, settings)
        try:
            yield
        finally:
            await app.state.pool.close()

    app = FastAPI(
        title="Overdracht API",
        version=API_VERSION,
        summary="De overdracht van voorschool naar basisschool.",
        lifespan=lifespan,
        redirect_slashes=False,
        docs_url=None,  # install_docs: /v1/docs without a CDN
        openapi_url="/v1/openapi.json",
        redoc_url=None,
        dependencies=[Depends(reject_unknown_query_params)],
    )

    @app.middleware("http")
    async def api_version_header(request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers["API-Version"] = API_VERSION
        return response

    install_error_handlers(app)
    install_idempotency(app)
    install_body_limits(app, settings)  # after the Idempotency-Key's: outside it, it counts what that reads
    install_literal_paths_first(app)  # outside the Idempotency-Key's too: a 405 never touches a key
    install_request_id(app)
    install_schema_examples(app)
    app.add_middleware(ApiCors, settings=settings)  # outermost: a preflight is answered before the rest
    # The browser assets from node_modules (/static/vendor/…), and /v1/docs on them.
    mount_static(app, settings.node_modules)
    install_docs(app)
    app.include_router(gezondheid.router)
    app.include_router(overdrachten.router)
    app.include_router(overdrachtcodes.router)
    app.include_router(bijlagen.router)
    app.include_router(monitoring.router)
    app.include_router(imports.router)
    app.include_router(kinderen.router)
    app.include_router(gebruikers.router)
    app.include_router(instellingen.router)
    app.include_router(organisatie.router)
    app.include_router(ouder_sessies.router)
    app.include_router(ouder_codes.router)
    app.include_router(audit.router)
    app.include_router(protocol.router)
    app.include_router(codec.router)
    if settings.dev_mode:
        app.include_router(dev.router)
    install_openapi(app, settings)  # last: it completes what the wrappers installed above documented
    # The web app for people, beside the API (web/): its pages, its own static files, its headers.
    web.install(app)
    return app


def create_app_from_env() -> FastAPI:
    """The app with the settings of the environment, for `overdracht api` (api/server.py): uvicorn calls it
    in each of its processes, which set up their logging here (a process it starts has none) and keep
    their start-up objects out of the garbage collector's walks (core/heap.py)."""
    settings = get_settings()
    configure_logging(settings)
    app = create_app(settings)
    freeze_startup_objects()  # the app is built: what it holds lives as long as the process
    return app
