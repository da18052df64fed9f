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

COOKIE = "overdracht_sessie"


@dataclass(frozen=True)
class Aangemeld:
    user: Gebruiker
    csrf: str


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def current(request: Request) -> Aangemeld | None:
    """The signed-in person, or None (no cookie, an ended session, or an account that is gone)."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    settings = _settings(request)
    sessie = await web_sessies.get(request.app.state.pool, cookie, timedelta(minutes=settings.web_sessie_idle_minutes))
    user = await gebruikers.get(request.app.state.pool, sessie.gebruiker_id) if sessie else None
    return Aangemeld(user, sessie.csrf) if user and sessie else None


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


async def signing_key(request: Request, purpose: str) -> bytes:
    """A key for what the web app signs into a cookie of its own (the pending sign-in: web/oidc.py), one
    per purpose: derived (HMAC-SHA256) from the database's random token key, so every process shares it
    and no value in the code or the configuration can sign one."""
    base = await ouder_codes.token_key(request.app.state.pool)
    return hmac.new(base, f"overdracht-web:{purpose}".encode(), hashlib.sha256).digest()
