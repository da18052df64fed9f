"""A member of staff's own settings: how they get reminders and escalations (each at once, or one
digest a day, db/bundels.py). Theirs to choose; the protocol's reminders are never switched off."""

from db import gebruikers
from schemas.gebruiker import Berichtvoorkeur, MijnInstellingen, MijnInstellingenWijziging
from schemas.overdracht import Rol
from services.context import Context
from services.errors import Forbidden, NotFound

ALLEEN_MEDEWERKERS = "Instellingen voor berichten zijn er voor medewerkers; ouders krijgen elk bericht meteen."
GEEN_ACCOUNT = "Uw account is niet gevonden."


def _staff(ctx: Context) -> None:
    if ctx.user.rol is Rol.OUDER:
        raise Forbidden(ALLEEN_MEDEWERKERS)


async def mine(ctx: Context) -> MijnInstellingen:
    _staff(ctx)
    row = await gebruikers.berichtvoorkeur(ctx.pool, ctx.user.id)
    if row is None:
        raise NotFound(GEEN_ACCOUNT)
    return MijnInstellingen(
        berichten=Berichtvoorkeur(row["berichtvoorkeur"]) if row["berichtvoorkeur"] else None,
        berichten_gemeente=Berichtvoorkeur.DAGELIJKS if row["bundelen"] else Berichtvoorkeur.DIRECT,
        bundel_uur=row["bundel_uur"],
    )


async def change(ctx: Context, wijziging: MijnInstellingenWijziging) -> MijnInstellingen:
    _staff(ctx)
    await gebruikers.set_berichtvoorkeur(
        ctx.pool, ctx.user.id, wijziging.berichten.value if wijziging.berichten else None
    )
    return await mine(ctx)
