"""The dependencies routes declare: the clients the lifespan owns, the signed-in user, the request's
audit trail, and the `Context` a route hands to the service layer (which checks what the user may do)."""

import logging
from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException
from temporalio.service import RPCError

from api.errors import DATABASE_DOWN
from core.settings import Settings
from db import gebruikers
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol
from services import auth
from services.audit import AuditTrail
from services.context import Clients, Context
from services.errors import ServiceError, Unauthenticated

log = logging.getLogger(__name__)

NO_TOKEN = "Meld u aan: stuur een geldig bearer-token mee in de Authorization-header."
# One answer for every reason (bad signature, expired, unknown user, …): the log says which.
BAD_TOKEN = "Het token is ongeldig of verlopen. Meld u opnieuw aan."


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


SettingsDep = Annotated[Settings, Depends(_settings)]
DbDep = Annotated[asyncpg.Pool, Depends(_pool)]

_bearer = HTTPBearer(
    auto_error=False,
    description="Een token van de aanmeldvoorziening van de gemeente, de sessie van een ouder (POST"
    " /v1/ouder-sessies) of, buiten productie, POST /v1/dev/tokens.",
)


async def _current_user(
    settings: SettingsDep,
    pool: DbDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Gebruiker:
    if credentials is None:
        raise Unauthenticated(NO_TOKEN)
    identity = await auth.verify(settings, pool, credentials.credentials)
    user = await _user_for(pool, identity) if identity else None
    if user is None:
        raise Unauthenticated(BAD_TOKEN)
    return user


async def _user_for(pool: asyncpg.Pool, identity: auth.Identity) -> Gebruiker | None:
    """The user a verified token names. A parent's token is for one child: the user must be that
    child's parent (still), or the token counts for nothing."""
    if identity.extern_id is not None:
        user = await gebruikers.get_by_extern_id(pool, identity.extern_id)
    else:
        user = await gebruikers.get(pool, identity.gebruiker_id) if identity.gebruiker_id else None
    if user is None:
        log.info("bearer token refused", extra={"reason": "unknown_user"})
        return None
    if identity.kind_id is not None and (user.rol is not Rol.OUDER or user.kind_id != identity.kind_id):
        log.info("bearer token refused", extra={"reason": "child_not_in_scope"})
        return None
    return user


CurrentUser = Annotated[Gebruiker, Depends(_current_user)]


def clients(request: Request) -> Clients:
    return Clients(pool=request.app.state.pool, engine=request.app.state.engine, settings=request.app.state.settings)


def status_of(exc: BaseException) -> int:
    """The status the error handlers (api/errors.py) will answer for this exception."""
    if isinstance(exc, ServiceError):
        return exc.status
    if isinstance(exc, RequestValidationError):
        return 400
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, (RPCError, *DATABASE_DOWN)):
        return 503
    return 500


async def _audit_trail(request: Request, response: Response) -> AsyncIterator[AuditTrail]:
    """The request's audit trail, written when the route is done and before the answer leaves: with its
    status, or with the status of the error it raised."""
    route = request.scope.get("route")
    trail = AuditTrail(
        request.app.state.pool,
        endpoint=f"{request.method} {getattr(route, 'path', request.url.path)}",
        request_id=getattr(request.state, "request_id", None),
    )
    try:
        yield trail
    except Exception as exc:
        if trail.regels:
            try:
                await trail.write(status_of(exc))
            except Exception as failed:  # noqa: BLE001 - the request's own error is the one to answer
                log.error("audit rows of a refused request not written", extra={"error_type": type(failed).__name__})
        raise
    if trail.regels:
        await trail.write(response.status_code or getattr(route, "status_code", None) or 200)


# Ends when the route does, before the answer is sent: a row that cannot be written fails the answer.
Audit = Annotated[AuditTrail, Depends(_audit_trail, scope="function")]


async def _context(request: Request, user: CurrentUser, audit: Audit) -> Context:
    return await Context.of(user, clients(request), audit)


# What a route hands to the service layer: the signed-in caller, the clients, the audit trail.
Ctx = Annotated[Context, Depends(_context)]
