"""Use cases of development and test mode only (the API mounts them there): a token for a seeded user,
and the outbox, what would have been mailed."""

from uuid import UUID

from db import gebruikers
from db.berichten import newest
from schemas.api import Token
from schemas.audit import Actie
from schemas.bericht_api import Bericht, Berichten
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol
from services import auth
from services.context import Clients, Context
from services.errors import NotFound
from services.permissions import Capability, require

UNKNOWN_USER = "Deze gebruiker bestaat niet. De README noemt de gebruikers van de demodata."


async def token_for(clients: Clients, gebruiker_id: UUID) -> Token:
    """A token for a seeded user, without signing in: no caller yet, so no permission to check."""
    if await gebruikers.get(clients.pool, gebruiker_id) is None:
        raise NotFound(UNKNOWN_USER)
    token, expires_in = auth.issue_dev_token(clients.settings, gebruiker_id)
    return Token(access_token=token, expires_in=expires_in)


async def staff_to_sign_in(clients: Clients) -> list[Gebruiker]:
    """The web app's development sign-in: every account but the parents' (they sign in with a code)."""
    return await gebruikers.staff(clients.pool)


async def staff_member(clients: Clients, gebruiker_id: UUID) -> Gebruiker:
    """Signed in to the web app without an identity provider, in development and test only."""
    user = await gebruikers.get(clients.pool, gebruiker_id)
    if user is None or user.rol is Rol.OUDER:
        raise NotFound("Deze gebruiker bestaat niet. Kies een gebruiker uit de lijst.")
    return user


async def berichten(ctx: Context, overdracht_id: UUID | None, page_size: int) -> Berichten:
    """The newest messages in the outbox within the caller's scope; the addresses only for roles that
    read content (addresses are personal data)."""
    user = require(ctx, Capability.BERICHTEN_INZIEN, actie=Actie.LEZEN)
    rows = await newest(ctx.pool, user, overdracht_id, page_size)
    return Berichten(
        resultaten=[
            Bericht.model_validate({**dict(r), "aan": list(r["aan"]) if user.reads_content else None}) for r in rows
        ]
    )
