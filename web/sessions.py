"""Who is signed in to the web app: an opaque session cookie (HttpOnly, SameSite=Lax, Secure in
production) that stands for a server-side session (db/web_sessies.py) with its CSRF token. The browser
never holds a token that the API would accept."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from fastapi import Request, Response

from core.settings import Environment, Settings
from db import gebruikers, ouder_codes, web_sessies
from schemas.gebruiker import Gebruiker
from web import oidc

COOKIE = "overdracht_sessie"


@dataclass(frozen=True)
class Aangemeld:
    user: Gebruiker
    csrf: str


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def current(request: Request) -> Aangemeld | None:
    """The signed-in person, or None (no cookie, an ended session, or an account that is gone or
    deactivated: its session ends here too). Who they are, their role and where they work are read at
    every request, so a change by the beheerder counts at once."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    settings = _settings(request)
    pool = request.app.state.pool
    sessie = await web_sessies.get(pool, cookie, timedelta(minutes=settings.web_sessie_idle_minutes))
    if sessie is None:
        return None
    user = await gebruikers.get(pool, sessie.gebruiker_id)
    if user is None:
        await web_sessies.delete(pool, cookie)
        return None
    return Aangemeld(user, sessie.csrf)


async def sign_in(request: Request, response: Response, gebruiker_id: UUID) -> None:
    """A new session for this user (an earlier one in this browser ends: no session fixation)."""
    await sign_out(request, response)
    settings = _settings(request)
    max_age = timedelta(hours=settings.web_sessie_max_hours)
    cookie, _ = await web_sessies.create(request.app.state.pool, gebruiker_id, max_age)
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=int(max_age.total_seconds()),
        httponly=True,
        secure=settings.environment is Environment.PRODUCTION,
        samesite="lax",
        path="/",
    )


async def sign_out(request: Request, response: Response) -> None:
    if cookie := request.cookies.get(COOKIE):
        await web_sessies.delete(request.app.state.pool, cookie)
    response.delete_cookie(COOKIE, path="/")


# An invitation on its way through the identity provider: its one-time code waits in a cookie that only
# the provider's way back gets (web/oidc.py's pending sign-in has the same path and lifetime), and is
# used there to bind the provider's name to the invited account (services/aanmelden.py).
INVITATION_COOKIE = "overdracht_uitnodiging"


def keep_invitation(request: Request, response: Response, code: str) -> None:
    response.set_cookie(
        INVITATION_COOKIE,
        code,
        max_age=oidc.PENDING_SECONDS,
        httponly=True,
        secure=not _settings(request).dev_mode,
        samesite="lax",
        path=oidc.PENDING_PATH,
    )


def invitation(request: Request) -> str | None:
    """The invitation's code the sign-in began with, if it did."""
    return request.cookies.get(INVITATION_COOKIE) or None


def forget_invitation(response: Response) -> None:
    response.delete_cookie(INVITATION_COOKIE, path=oidc.PENDING_PATH)


async def signing_key(request: Request, purpose: str) -> bytes:
    """A key for what the web app signs into a cookie of its own (the pending sign-in: web/oidc.py), one
    per purpose: derived (HMAC-SHA256) from the database's random token key, so every process shares it
    and no value in the code or the configuration can sign one."""
    base = await ouder_codes.token_key(request.app.state.pool)
    return hmac.new(base, f"overdracht-web:{purpose}".encode(), hashlib.sha256).digest()
