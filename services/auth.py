"""Bearer tokens, from three issuers: the gemeente's OpenID Connect provider (when configured), the
service itself for parents who exchanged a one-time code (POST /v1/ouder-sessies), and, outside
production only, the service itself for seeded users (POST /v1/dev/tokens)."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID

import asyncpg
import jwt
from jwt.algorithms import has_crypto

from core.settings import Settings
from db import ouder_codes
from services.errors import Unavailable

DEV_ISSUER = "overdracht-dev"
OUDER_ISSUER = "overdracht-ouder"
OUDER_TYPE = "ouder"
AUDIENCE = "overdracht-api"
# Asymmetric only: an HS* token "signed" with the provider's public key, or `none`, is refused.
OIDC_ALGORITHMS = ["RS256", "ES256"]
# Clocks of the provider and this service differ a little.
OIDC_LEEWAY = timedelta(seconds=30)
# The JWK set is fetched again after this long, so a key the provider withdrew stops working then.
JWKS_LIFESPAN_SECONDS = 300
JWKS_TIMEOUT_SECONDS = 5

log = logging.getLogger(__name__)
# The identity provider's signing keys could not be fetched: every token it issued waits for them.
PROVIDER_UNREACHABLE = "De aanmeldvoorziening is niet bereikbaar. Probeer het zo opnieuw."


@dataclass(frozen=True)
class Identity:
    """Who a valid token names: our own user id (dev and parent tokens) or the provider's (OIDC)."""

    gebruiker_id: UUID | None = None
    extern_id: str | None = None
    kind_id: UUID | None = None  # a parent's token is for this one child only


def issue_dev_token(settings: Settings, gebruiker_id: UUID) -> tuple[str, int]:
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    now = datetime.now(UTC)
    claims = {"iss": DEV_ISSUER, "aud": AUDIENCE, "sub": str(gebruiker_id), "iat": now, "exp": now + ttl}
    token = jwt.encode(claims, settings.dev_token_secret.get_secret_value(), algorithm="HS256")
    return token, int(ttl.total_seconds())


def issue_ouder_token(key: bytes, settings: Settings, gebruiker_id: UUID, kind_id: UUID) -> tuple[str, int]:
    """A short-lived token for a parent, for one child (`kind`), accepted in production too."""
    ttl = timedelta(minutes=settings.ouder_token_ttl_minutes)
    now = datetime.now(UTC)
    claims = {
        "iss": OUDER_ISSUER, "aud": AUDIENCE, "typ": OUDER_TYPE, "sub": str(gebruiker_id), "kind": str(kind_id),
        "iat": now, "exp": now + ttl,
    }  # fmt: skip
    return jwt.encode(claims, key, algorithm="HS256"), int(ttl.total_seconds())


def _refused(source: str, reason: str) -> None:
    # The reason is an exception's class name or a fixed word: never a claim's value.
    log.info("bearer token refused", extra={"token_source": source, "reason": reason})


async def verify(settings: Settings, pool: asyncpg.Pool, token: str) -> Identity | None:
    """Who the token names, or None when it is not a valid token of an issuer we accept. Raises
    Unavailable when the identity provider's keys cannot be fetched."""
    try:
        # Only to choose the issuer's rules: each path below verifies everything with its own key.
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        _refused("unknown", type(exc).__name__)
        return None
    issuer = unverified.get("iss")
    if issuer == OUDER_ISSUER:
        return _verify_ouder(await ouder_codes.token_key(pool), token)
    if issuer == DEV_ISSUER and settings.dev_mode:
        return _verify_dev(settings, token)
    if settings.oidc_issuer and issuer == settings.oidc_issuer:
        return await _verify_oidc(settings, token)
    _refused("unknown", "issuer_not_accepted")
    return None


def _verify_dev(settings: Settings, token: str) -> Identity | None:
    try:
        claims = jwt.decode(
            token,
            settings.dev_token_secret.get_secret_value(),
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=DEV_ISSUER,
            options={"require": ["exp", "sub"]},
        )
        return Identity(gebruiker_id=UUID(claims["sub"]))
    except (jwt.PyJWTError, ValueError, TypeError, AttributeError) as exc:
        _refused("dev", type(exc).__name__)
        return None


def _verify_ouder(key: bytes, token: str) -> Identity | None:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=OUDER_ISSUER,
            options={"require": ["exp", "sub", "kind", "typ"]},
        )
        if claims["typ"] != OUDER_TYPE:
            _refused("ouder", "wrong_type")
            return None
        return Identity(gebruiker_id=UUID(claims["sub"]), kind_id=UUID(claims["kind"]))
    except (jwt.PyJWTError, ValueError, TypeError, AttributeError) as exc:
        _refused("ouder", type(exc).__name__)
        return None


def jwks_url(settings: Settings) -> str:
    return settings.oidc_jwks_url or f"{(settings.oidc_issuer or '').rstrip('/')}/.well-known/jwks.json"


@lru_cache(maxsize=8)
def jwks_client(url: str) -> jwt.PyJWKClient:
    # One client per URL for the process: it caches the key set (JWKS_LIFESPAN_SECONDS) and fetches
    # it again for an unknown `kid` at most once per cooldown, so forged kids cannot flood the
    # provider. No per-kid cache: that one never expires, and a withdrawn key would keep working.
    return jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=JWKS_LIFESPAN_SECONDS, timeout=JWKS_TIMEOUT_SECONDS)


async def signing_key(jwks_uri: str, token: str) -> jwt.PyJWK:
    """The provider's key that signed `token`, from its JWK set (cached per process). Unavailable when
    the set cannot be fetched; a jwt.PyJWTError for no such key, no usable key or a malformed header."""
    client = jwks_client(jwks_uri)
    try:
        # PyJWKClient fetches over blocking urllib: keep it off the event loop.
        return await asyncio.to_thread(client.get_signing_key_from_jwt, token)
    except jwt.PyJWKClientConnectionError as exc:
        log.warning("identity provider's keys unreachable", extra={"error_type": type(exc.__cause__).__name__})
        raise Unavailable(PROVIDER_UNREACHABLE) from exc


async def _verify_oidc(settings: Settings, token: str) -> Identity | None:
    if not has_crypto:
        log.error(
            "OpenID Connect is configured, but the 'cryptography' package is not installed: RS256 and ES256 cannot be verified"
        )
        return None
    try:
        key = await signing_key(jwks_url(settings), token)
    except jwt.PyJWTError as exc:  # no such kid, no usable key, a malformed header
        _refused("oidc", type(exc).__name__)
        return None
    try:
        # The key is bound to its own algorithm (a JWK of type RSA verifies RS256 only); `algorithms`
        # narrows what the header may ask for to the asymmetric two.
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=OIDC_ALGORITHMS,
            audience=settings.oidc_audience,
            issuer=settings.oidc_issuer,
            leeway=OIDC_LEEWAY,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        _refused("oidc", type(exc).__name__)
        return None
    subject = claims.get(settings.oidc_user_claim)
    if not isinstance(subject, str) or not subject:
        _refused("oidc", "no_user_claim")
        return None
    return Identity(extern_id=subject)
