"""Signing in to the pages through the gemeente's identity provider: OpenID Connect's authorization code
flow with PKCE (S256), run by the server (backend-for-frontend). The browser only carries the provider's
redirects and, meanwhile, a short-lived signed HttpOnly cookie with the sign-in's state, nonce and PKCE
code verifier; tokens never reach it (the ID token is verified in services/aanmelden.py, then the
session is ours: web/sessions.py).

    GET /aanmelden/oidc   → 303 to the provider's authorization_endpoint (state, nonce, code_challenge)
    provider              → 302 to {public_base_url}/aanmelden/terug?code=…&state=…
    GET /aanmelden/terug  → the state checked, the code exchanged (with the verifier), the ID token verified
"""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode

import httpx
from fastapi import Response

from core.settings import Settings
from services.errors import Unauthenticated, Unavailable

log = logging.getLogger(__name__)

# The pending sign-in's cookie: sent back only to the callback, for as long as signing in may take.
PENDING_COOKIE = "overdracht_aanmelding"
PENDING_PATH = "/aanmelden/terug"
PENDING_SECONDS = 10 * 60
KEY_PURPOSE = "oidc-aanmelding"

# The discovery document is fetched again after this long (an endpoint the provider moved).
DISCOVERY_LIFESPAN_SECONDS = 3600
TIMEOUT_SECONDS = 5

NIET_BEREIKBAAR = "Het inlogsysteem van uw gemeente is nu niet bereikbaar. Probeer het over een paar minuten opnieuw."


@dataclass(frozen=True)
class Provider:
    """What the provider's discovery document says we need."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_auth_methods: tuple[str, ...]


@dataclass(frozen=True)
class Pending:
    """A sign-in under way: what the callback must see again (state, nonce) and prove (the verifier)."""

    state: str
    nonce: str
    verifier: str

    @classmethod
    def new(cls) -> "Pending":
        # 64 random bytes: an 86-character verifier (RFC 7636 allows 43 to 128).
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64))

    @property
    def challenge(self) -> str:
        return _b64(hashlib.sha256(self.verifier.encode("ascii")).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# Per issuer: until when (monotonic) and what. Two requests at once may both fetch it: harmless.
_discovered: dict[str, tuple[float, Provider]] = {}


async def provider(settings: Settings) -> Provider:
    """The provider's endpoints, from `{issuer}/.well-known/openid-configuration` (cached). Raises
    Unavailable when it cannot be fetched or is not the configured issuer's."""
    issuer = settings.oidc_issuer or ""
    cached = _discovered.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    found = await _discover(issuer)
    _discovered[issuer] = (time.monotonic() + DISCOVERY_LIFESPAN_SECONDS, found)
    return found


async def _discover(issuer: str) -> Provider:
    url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            r = await client.get(url, headers={"Accept": "application/json"})
        r.raise_for_status()
        doc: dict[str, Any] = r.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("identity provider's discovery document unreachable", extra={"error_type": type(exc).__name__})
        raise Unavailable(NIET_BEREIKBAAR) from exc
    authorization, token, jwks = (doc.get(name) for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"))
    # OpenID Connect Discovery 4.3: the document must name exactly the issuer it was fetched for.
    if doc.get("issuer") != issuer or not all(isinstance(e, str) and e for e in (authorization, token, jwks)):
        log.error("identity provider's discovery document unusable (issuer or endpoints)")
        raise Unavailable(NIET_BEREIKBAAR)
    methods = doc.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    return Provider(issuer, str(authorization), str(token), str(jwks), tuple(str(m) for m in methods))


def authorization_url(settings: Settings, found: Provider, pending: Pending) -> str:
    """Where the browser goes to sign in: only the protocol's parameters, no personal data."""
    scopes = settings.oidc_scopes.split()
    params = {
        "response_type": "code",
        "client_id": settings.oidc_client_id or "",
        "redirect_uri": settings.oidc_redirect_uri,
        "scope": " ".join(["openid", *(s for s in scopes if s != "openid")]),
        "state": pending.state,
        "nonce": pending.nonce,
        "code_challenge": pending.challenge,
        "code_challenge_method": "S256",
    }
    separator = "&" if "?" in found.authorization_endpoint else "?"
    return f"{found.authorization_endpoint}{separator}{urlencode(params)}"


def seal(key: bytes, pending: Pending) -> str:
    """The pending sign-in as a cookie value: its fields and when it began, with an HMAC-SHA256 tag."""
    body = _b64(
        json.dumps({"s": pending.state, "n": pending.nonce, "v": pending.verifier, "t": int(time.time())}).encode()
    )
    return f"{body}.{_b64(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def unseal(key: bytes, value: str | None) -> Pending | None:
    """The pending sign-in the cookie holds, or None (none, tampered with, or older than PENDING_SECONDS)."""
    if not value or value.count(".") != 1:
        return None
    body, tag = value.split(".")
    if not hmac.compare_digest(tag, _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())):
        return None
    try:
        fields = json.loads(_unb64(body))
        began = int(fields["t"])
        pending = Pending(str(fields["s"]), str(fields["n"]), str(fields["v"]))
    except (ValueError, KeyError, TypeError):
        return None
    return pending if 0 <= time.time() - began <= PENDING_SECONDS else None


def keep(response: Response, settings: Settings, value: str) -> None:
    response.set_cookie(
        PENDING_COOKIE,
        value,
        max_age=PENDING_SECONDS,
        httponly=True,
        secure=not settings.dev_mode,
        # Lax: sent with the provider's redirect back (a top-level GET), not with another site's requests.
        samesite="lax",
        path=PENDING_PATH,
    )


def forget(response: Response) -> None:
    """Each pending sign-in is used once, however it ends."""
    response.delete_cookie(PENDING_COOKIE, path=PENDING_PATH)


# The token endpoint's error codes (RFC 6749 5.2), named in the log; any other value as "other".
TOKEN_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    }
)


async def exchange(settings: Settings, found: Provider, code: str, verifier: str) -> str:
    """The ID token for the authorization code, from the token endpoint, proving with the PKCE verifier
    that this browser began the sign-in. Raises Unauthenticated when the provider refuses (a used or
    foreign code, a wrong verifier), Unavailable when it cannot be reached."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": settings.oidc_redirect_uri,
        "code_verifier": verifier,
        "client_id": settings.oidc_client_id or "",
    }
    headers = {"Accept": "application/json"}
    if settings.oidc_client_secret is not None:
        secret = settings.oidc_client_secret.get_secret_value()
        if "client_secret_basic" not in found.token_auth_methods and "client_secret_post" in found.token_auth_methods:
            form["client_secret"] = secret
        else:
            # RFC 6749 2.3.1: both form-urlencoded before they are joined.
            pair = f"{quote_plus(settings.oidc_client_id or '', safe='')}:{quote_plus(secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            r = await client.post(found.token_endpoint, data=form, headers=headers)
    except httpx.HTTPError as exc:
        log.warning("identity provider's token endpoint unreachable", extra={"error_type": type(exc).__name__})
        raise Unavailable(NIET_BEREIKBAAR) from exc
    try:
        answer = r.json()
    except ValueError:
        answer = None
    if r.status_code >= 500:
        log.warning("identity provider's token endpoint failed", extra={"status": r.status_code})
        raise Unavailable(NIET_BEREIKBAAR)
    id_token = answer.get("id_token") if isinstance(answer, dict) else None
    if r.status_code != 200 or not isinstance(id_token, str):
        error = answer.get("error") if isinstance(answer, dict) else None
        # The provider's error code, never its description.
        reason = error if error in TOKEN_ERRORS else "no_id_token" if r.status_code == 200 else "other"
        log.info("authorization code refused", extra={"status": r.status_code, "reason": reason})
        raise Unauthenticated(
            "Het inlogsysteem van uw gemeente heeft de aanmelding niet bevestigd. Probeer het opnieuw."
        )
    return id_token
