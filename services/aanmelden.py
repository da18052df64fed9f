"""The web app's sign-in through the gemeente's identity provider (web/oidc.py runs the protocol): the
ID token it returns is verified as services/auth.py verifies the provider's bearer tokens (the same JWKS
client and algorithms), and the person it names is found the way the API finds them (extern_id); at a
first sign-in from an invitation, that name is bound to the invited account first."""

import logging
import secrets
from typing import Any

import jwt
from jwt.algorithms import has_crypto

from core.settings import Settings
from db import gebruikers
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol
from services import auth
from services import gebruikers as accepting
from services.audit import AuditTrail
from services.context import Clients
from services.errors import Forbidden, Unauthenticated, Unavailable

log = logging.getLogger(__name__)

NIET_GELUKT = "Aanmelden is niet gelukt. Probeer het opnieuw; lukt het dan nog niet, neem contact op met uw functioneel beheerder."
GEEN_ACCOUNT = "U heeft geen account in deze dienst; vraag uw functioneel beheerder."


def _refused(reason: str) -> Unauthenticated:
    # The reason is an exception's class name or a fixed word: never a claim's value.
    log.info("ID token refused", extra={"reason": reason})
    return Unauthenticated(NIET_GELUKT)


async def verify_id_token(settings: Settings, jwks_uri: str, token: str, nonce: str) -> str:
    """The provider's name for the person an ID token is about (the claim OVERDRACHT_OIDC_USER_CLAIM),
    once its signature (the provider's JWKS), issuer, audience (our client id), expiry and nonce (the
    one this browser's sign-in began with) hold. Raises Unauthenticated otherwise, and Unavailable when
    the provider's keys cannot be fetched."""
    if not has_crypto:
        log.error("the 'cryptography' package is not installed: ID tokens (RS256, ES256) cannot be verified")
        raise Unavailable("Aanmelden kan nu niet. Probeer het later opnieuw.")
    try:
        key = await auth.signing_key(jwks_uri, token)
    except jwt.PyJWTError as exc:  # no such kid, no usable key, a malformed header
        raise _refused(type(exc).__name__) from exc
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=auth.OIDC_ALGORITHMS,
            audience=settings.oidc_client_id,
            issuer=settings.oidc_issuer,
            leeway=auth.OIDC_LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )
    except jwt.PyJWTError as exc:
        raise _refused(type(exc).__name__) from exc
    # Several audiences: the token must have been issued to us (the authorized party).
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != settings.oidc_client_id:
        raise _refused("wrong_azp")
    if not isinstance(claims["nonce"], str) or not secrets.compare_digest(claims["nonce"], nonce):
        raise _refused("wrong_nonce")
    subject = claims.get(settings.oidc_user_claim)
    if not isinstance(subject, str) or not subject:
        raise _refused("no_user_claim")
    return subject


async def staff_member(clients: Clients, extern_id: str, uitnodiging: str | None = None) -> Gebruiker:
    """The account the provider's name belongs to (gebruikers.extern_id), while it is active. With an
    invitation's code (the person came from its link: first sign-in), the name is first bound to the
    invited account (services/gebruikers.py), once. Parents sign in with their code, not here. Raises
    Forbidden for a person the service does not know (or no longer: deactivated)."""
    if uitnodiging:
        trail = AuditTrail(clients.pool, endpoint="GET /aanmelden/terug")
        invited = await accepting.accept_on_sign_in(clients, trail, uitnodiging, extern_id)
        await trail.write(303)
        return invited
    user = await gebruikers.get_by_extern_id(clients.pool, extern_id)
    if user is None or user.rol is Rol.OUDER:
        log.info("web sign-in refused", extra={"reason": "unknown_user"})
        raise Forbidden(GEEN_ACCOUNT)
    return user
