"""Use case of a parent without a session yet: their one-time code (from the link in their message)
exchanged for a short-lived token for that one child. No user before it: the code is the credential."""

import logging

from db import gebruikers, ouder_codes
from schemas.api import Token
from schemas.audit import Actie
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol
from services import auth
from services.audit import OUDER_CODE, AuditTrail
from services.context import Clients
from services.errors import Unauthenticated

log = logging.getLogger(__name__)

# One answer for a wrong, used and expired code alike: the caller learns nothing about which.
CODE_REFUSED = "Deze code is ongeldig of verlopen. Een code werkt één keer; vraag de voorschool om een nieuwe link."


async def redeem(clients: Clients, audit: AuditTrail, code: str) -> Token:
    """Use the code up and issue the parent's token for their child; 401 for any code that does not
    (or no longer) stand for a parent of that child."""
    user = await sign_in(clients, audit, code)
    assert user.kind_id is not None  # a parent's, checked by sign_in
    key = await ouder_codes.token_key(clients.pool)
    token, expires_in = auth.issue_ouder_token(key, clients.settings, user.id, user.kind_id)
    return Token(access_token=token, expires_in=expires_in)


async def sign_in(clients: Clients, audit: AuditTrail, code: str) -> Gebruiker:
    """Use the code up: the parent it stands for, signed in for their child (by a token, or the web app's
    session); 401 for any code that does not (or no longer) stand for a parent of that child."""
    # No rate limiting here (out of scope): a code has 256 random bits, so guessing one is hopeless;
    # a limit per client against load belongs in front of the service (the reverse proxy).
    # Typed over from a letter, in groups: the spaces are not part of it (a code holds none).
    redeemed = await ouder_codes.redeem(clients.pool, "".join(code.split()))
    user = await gebruikers.get(clients.pool, redeemed.gebruiker_id) if redeemed else None
    # The user must still be that child's parent: custody may have changed since the code was sent.
    if redeemed is None or user is None or user.rol is not Rol.OUDER or user.kind_id != redeemed.kind_id:
        log.info(
            "parent code refused", extra={"reason": "unknown_used_or_expired" if redeemed is None else "not_parent"}
        )
        raise Unauthenticated(CODE_REFUSED)
    audit.add(user, Actie.AANMELDEN, "ouder_sessie", kind_id=redeemed.kind_id, grondslag=OUDER_CODE)
    return user
