"""One error hierarchy, mapped to RFC 9457 application/problem+json in one place. Messages are for
the person in front of the screen: Dutch, actionable, without engine words or personal data."""

import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from temporalio.service import RPCError

from api import API_VERSION
from schemas.api import Problem
from services.errors import InvalidInput, NotFound, ServiceError, TooManyRequests, Unavailable

PROBLEM_JSON = "application/problem+json"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

log = logging.getLogger(__name__)


# A browser asking for a page gets the error as a page (web/ installs it); API clients get problem+json.
PageError = Callable[[Request, int, str, str], Response | None]


def problem_response(status: int, title: str, code: str, detail: str, request: Request, **extensions: Any) -> Response:
    as_page: PageError | None = getattr(request.app.state, "error_page", None)
    if as_page is not None and (page := as_page(request, status, title, detail)) is not None:
        return page
    body = problem_body(status, title, code, detail, instance=request.url.path, **extensions)
    # Set here too: a 500 is answered outside the middleware that adds it to every other response.
    headers = {"API-Version": API_VERSION}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_body(
    status: int, title: str, code: str, detail: str, instance: str | None = None, **extensions: Any
) -> dict[str, Any]:
    """The problem+json body, as answered (and as the OpenAPI's examples show it)."""
    body = Problem(
        type=f"urn:overdracht:probleem:{code.lower()}",
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        code=code,
        **extensions,
    )
    return body.model_dump(mode="json", exclude_none=True)


class MethodNotAllowed(ServiceError):
    status, title, code = 405, "Methode niet toegestaan", "methode_niet_toegestaan"
    description = "Deze methode kan niet op dit pad; de header `Allow` noemt wat wel kan."


class HttpError(ServiceError):
    """Any other HTTP error the framework raises itself, answered with the framework's own status (a 400,
    mostly: a body it could not read)."""

    status, title, code = 400, "Fout", "http_fout"
    description = "Een andere HTTP-fout van het framework zelf, met diens status (meestal 400); `detail` zegt welke."


INVALID_FIELDS = "Een of meer velden zijn ongeldig; zie invalidParams. Er is niets gewijzigd."
DATABASE_UNREACHABLE = "De database is niet bereikbaar. Probeer het zo opnieuw."
ENGINE_UNREACHABLE = "De workflow-engine is niet bereikbaar. Er is niets gewijzigd; probeer het zo opnieuw."


# Where a dependency is down. Everything here is the kind of failure a retry later may cure.
# The database is away, or was: refused or lost connections, a server shutting down or starting up.
DATABASE_DOWN = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
)


async def expire_connections(state: Any) -> None:
    pool = getattr(state, "pool", None)
    if pool is not None:
        await pool.expire_connections()


def method_not_allowed(request: Request, allowed: list[str]) -> Response:
    response = problem_response(
        405, MethodNotAllowed.title, MethodNotAllowed.code,
        f"Deze methode is hier niet toegestaan; wel: {', '.join(allowed)}.", request,
    )  # fmt: skip
    response.headers["Allow"] = ", ".join(allowed)  # RFC 9110: a 405 names what is allowed
    return response


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path, asked of the router itself (a path's methods may be
    spread over several routes: the router's own 405 names only the first route's)."""
    return [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in request.app.router.routes
        )
    ]


def _invalid_param(error: Any) -> dict[str, str]:
    """A field and why it is invalid; a body that is not JSON at all is named as such, with where."""
    if error["type"] == "json_invalid":
        waar = error["loc"][-1] if len(error["loc"]) > 1 else None
        bij = f" (bij teken {waar})" if isinstance(waar, int) else ""
        return {"name": "body", "reason": f"De body is geen geldige JSON{bij}."}
    return {"name": _field_name(tuple(error["loc"])), "reason": error["msg"]}


def _field_name(loc: tuple[Any, ...]) -> str:
    # ("body", "vve", "indicatie") -> "vve.indicatie"; ("query", "status") -> "status"
    parts = [str(p) for p in loc[1:]] if loc and loc[0] in ("body", "query", "path", "header") else list(map(str, loc))
    return ".".join(parts) or "body"


def _document_problems(app: FastAPI) -> None:
    """The OpenAPI as the API behaves, before anything else documents a problem in it: every error is
    application/problem+json (FastAPI files a response model under application/json, beside the examples
    api/problems.py put under problem+json), and invalid input is a 400 (api/openapi.py), not FastAPI's 422."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI caches it: the changes below are made once
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                default_422 = responses.get("422", {}).get("content", {}).get("application/json", {})
                if default_422.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                    del responses["422"]
                for code, response in responses.items():
                    content = response.setdefault("content", {})
                    as_json = content.get("application/json", {}).get("schema", {}).get("$ref", "")
                    if code[0] in "45" and (as_json.endswith("/Problem") or not as_json):
                        content.pop("application/json", None)
                        content.setdefault(PROBLEM_JSON, {})["schema"] = {"$ref": "#/components/schemas/Problem"}
        for unused in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(unused, None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's way to replace openapi()


def install_error_handlers(app: FastAPI) -> None:
    _document_problems(app)

    @app.exception_handler(ServiceError)
    async def _problem(request: Request, exc: ServiceError) -> Response:
        response = problem_response(exc.status, exc.title, exc.code, exc.detail, request, **exc.extensions)
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        params = [_invalid_param(e) for e in exc.errors()]
        return problem_response(
            400,
            InvalidInput.title,
            InvalidInput.code,
            INVALID_FIELDS,
            request,
            invalid_params=params,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return problem_response(404, NotFound.title, NotFound.code, "Deze resource bestaat niet.", request)
        if exc.status_code == 405:
            return method_not_allowed(request, _allowed_methods(request))
        return problem_response(exc.status_code, HttpError.title, HttpError.code, str(exc.detail), request)

    @app.exception_handler(RPCError)
    async def _engine(request: Request, exc: RPCError) -> Response:
        log.warning("engine call failed", extra={"grpc_status": exc.status.name})
        return problem_response(
            503, Unavailable.title, Unavailable.code, ENGINE_UNREACHABLE, request,
        )  # fmt: skip

    for exc_type in DATABASE_DOWN:

        @app.exception_handler(exc_type)
        async def _database(request: Request, exc: Exception) -> Response:
            log.warning("database unreachable", extra={"error_type": type(exc).__name__})
            # The pool's other idle connections are as dead as this one after a restart: made anew on
            # their next use, rather than each failing one request first.
            await expire_connections(request.app.state)
            return problem_response(
                503, Unavailable.title, Unavailable.code, DATABASE_UNREACHABLE, request,
            )  # fmt: skip

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error")
        return problem_response(
            500, ServiceError.title, ServiceError.code,
            "Er ging onverwacht iets mis. Het is gelogd; probeer het later opnieuw.", request,
        )  # fmt: skip
