"""A gemeente from nothing: the gemeente and its first beheerder, in one transaction, safe to repeat
(`overdracht beheerder`). The beheerder then sets up the rest through the administration pages or API."""

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from db import inrichting
from services.errors import InvalidInput
from services.plaatsingen_csv import is_email


@dataclass(frozen=True)
class EersteBeheerder:
    gemeente_id: UUID
    gemeente_nieuw: bool
    gebruiker_id: UUID
    gebruiker_nieuw: bool


async def first_beheerder(
    pool: asyncpg.Pool, gemeente: str, naam: str, email: str, extern_id: str | None = None
) -> EersteBeheerder:
    """The gemeente named `gemeente` (made when there is none) and its beheerder with `email` (made
    when there is none). `extern_id`: their subject at the identity provider, for production sign-in."""
    gemeente, naam, email = gemeente.strip(), naam.strip(), email.strip()
    wrong = [
        {"name": field, "reason": reason}
        for field, value, reason in (
            ("gemeente", gemeente, "leeg"),
            ("naam", naam, "leeg"),
            ("email", email if is_email(email) else "", "geen geldig e-mailadres"),
        )
        if not value
    ]
    if wrong:
        raise InvalidInput("Vul de gemeente, de naam en een geldig e-mailadres in.", invalid_params=wrong)
    async with pool.acquire() as conn, conn.transaction():
        gemeente_id, gemeente_nieuw = await inrichting.gemeente(conn, gemeente)
        gebruiker_id, gebruiker_nieuw = await inrichting.beheerder(conn, gemeente_id, naam, email, extern_id or None)
    return EersteBeheerder(gemeente_id, gemeente_nieuw, gebruiker_id, gebruiker_nieuw)
