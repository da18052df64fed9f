"""Use case of a parent without a session yet: their one-time code (from the link in their message)
exchanged for a short-lived token for that one child. No user before it: the code is the credential."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from db import gebruikers, lopende_verzoeken, ouder_codes
from schemas.api import Token
from schemas.audit import Actie
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol
from services import auth
from services.audit import OUDER_CODE, AuditTrail
from services.context import Clients
from services.errors import TooManyRequests, Unauthenticated

log = logging.getLogger(__name__)

# One answer for a wrong, used and expired code alike: the caller learns nothing about which.
CODE_REFUSED = "Deze code is ongeldig of verlopen. Een code werkt één keer; vraag de voorschool om een nieuwe link."


# At most so many exchanges at once from one client (OVERDRACHT_OUDER_SESSIES_TEGELIJK); the count is in
# PostgreSQL, so it holds across API processes. A request's place counts for at most this long (a process
# that dies mid-request cannot give it back; an exchange takes milliseconds).
SOORT = "ouder_sessie"
HOOGUIT = timedelta(minutes=1)
TE_VEEL = "Er lopen al te veel aanmeldingen met een code vanaf dit adres. Probeer het over een paar seconden opnieuw."


async def redeem(clients: Clients, audit: AuditTrail, code: str, client: str) -> Token:
    """Use the code up and issue the parent's token for their child; 401 for any code that does not
    (or no longer) stand for a parent of that child; 429 when `client` (its address) has too many
    exchanges under way."""
    user = await sign_in(clients, audit, code, client)
    assert user.kind_id is not None  # a parent's, checked by sign_in
    key = await ouder_codes.token_key(clients.pool)
    token, expires_in = auth.issue_ouder_token(key, clients.settings, user.id, user.kind_id)
    return Token(access_token=token, expires_in=expires_in)


async def sign_in(clients: Clients, audit: AuditTrail, code: str, client: str) -> Gebruiker:
    """Use the code up: the parent it stands for, signed in for their child (by a token, or the web app's
    session); 401 for any code that does not (or no longer) stand for a parent of that child; 429,
    changing nothing, when `client` (the address the request came from) has too many under way."""
    # A code has 256 random bits, so guessing one is hopeless; what a client may have under way at once
    # is still bounded, so that one client cannot keep the database busy with guesses.
    async with _one_of_a_few(clients, client):
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


@asynccontextmanager
async def _one_of_a_few(clients: Clients, client: str) -> AsyncIterator[None]:
    """The exchange counted as under way for this client while it runs; 429 past the limit."""
    sleutel = await lopende_verzoeken.client_hash(clients.pool, SOORT, client)
    verzoek = await lopende_verzoeken.begin(clients.pool, sleutel, clients.settings.ouder_sessies_tegelijk, HOOGUIT)
    if verzoek is None:
        log.info("parent code exchange refused", extra={"reason": "too_many_at_once"})
        raise TooManyRequests(TE_VEEL)
    try:
        yield
    finally:
        await lopende_verzoeken.end(clients.pool, verzoek)
