"""Bearer tokens. In development and test mode the service signs its own tokens for seeded users
(POST /v1/dev/tokens); an OpenID Connect issuer takes that place in production."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt

from overdracht.settings import Settings

DEV_ISSUER = "overdracht-dev"
AUDIENCE = "overdracht-api"


def issue_dev_token(settings: Settings, gebruiker_id: UUID) -> tuple[str, int]:
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    now = datetime.now(UTC)
    claims = {"iss": DEV_ISSUER, "aud": AUDIENCE, "sub": str(gebruiker_id), "iat": now, "exp": now + ttl}
    token = jwt.encode(claims, settings.dev_token_secret.get_secret_value(), algorithm="HS256")
    return token, int(ttl.total_seconds())


def verify(settings: Settings, token: str) -> UUID | None:
    """The user id the token was issued to, or None when it is not a valid token of ours."""
    if not settings.dev_mode:
        return None  # production tokens come from the configured OIDC issuer
    try:
        claims = jwt.decode(
            token,
            settings.dev_token_secret.get_secret_value(),
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=DEV_ISSUER,
            options={"require": ["exp", "sub"]},
        )
        return UUID(claims["sub"])
    except (jwt.PyJWTError, ValueError):
        return None
