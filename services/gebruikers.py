"""Use cases of the gemeente's people, for the beheerder (functioneel beheer): see who has which role
and where they work, invite a member of staff by mail with a role and one or more locations or schools,
change their role or where they work, deactivate (their sessions and tokens stop at once) and
reactivate them. And the invited person's first sign-in: their one-time link leads to the identity
provider, whose name for them (the subject) is stored once; in development, where there is no
provider, the link signs them in directly.

The invitation is a message in the outbox that the worker delivers like every other, its one-time
code minted only as it goes out (activities/berichten.py): the code is kept as its hash, works once,
expires, and is never in a log or a stored text. Every change is in the audit trail: who (the
beheerder), whom (`onderwerp` gebruiker:<id>) and what (`velden`)."""

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import asyncpg

from core.mailer import message_id_domain
from db import berichten
from db import gebruikers as db
from db.pool import Connection
from schemas.api import Verwijzing
from schemas.audit import Actie
from schemas.gebruiker import (
    LOCATIE_ROLLEN,
    SCHOOL_ROLLEN,
    Functie,
    Gebruiker,
    GebruikerBeheer,
    GebruikersLijst,
    GebruikerStatus,
    RolWijziging,
    Uitnodiging,
    UitnodigingVerstuurd,
)
from schemas.overdracht import Rol
from services import commands
from services.audit import AuditTrail
from services.context import Clients, Context
from services.errors import Forbidden, InvalidInput, NotFound, StepNotAllowed, Unauthenticated
from services.permissions import Capability, require
from services.plaatsingen_csv import is_email

log = logging.getLogger(__name__)

# How long an invitation's link works, from the moment its mail goes out.
UITNODIGING_GELDIG = timedelta(days=7)
# The ground of the invited person's own audit row (not a capability: they have no role yet).
UITNODIGING = "Uitnodiging"

NIET_GEVONDEN = "Deze medewerker bestaat niet in uw gemeente."
LINK_WERKT_NIET = (
    "Deze uitnodiging werkt niet (meer): de link is al gebruikt, verlopen of ingetrokken. Vraag uw functioneel"
    " beheerder om een nieuwe uitnodiging."
)
AL_GEKOPPELD = (
    "Dit account bij het inlogsysteem hoort al bij een ander account in deze dienst, of uw account in deze dienst"
    " hoort al bij een ander account van het inlogsysteem. Vraag uw functioneel beheerder."
)
ZELF = "U kunt uw eigen rol en toegang niet wijzigen of uzelf deactiveren; vraag een andere functioneel beheerder."
GEDEACTIVEERD = "Deze medewerker is gedeactiveerd. Activeer het account eerst weer."
AL_AANGEMELD = "Deze medewerker heeft zich al aangemeld en heeft geen uitnodiging meer nodig."
ZONDER_ADRES = "Van deze medewerker is geen e-mailadres bekend."
ONGELDIG = "Een of meer velden zijn niet goed ingevuld."

# The roles in words, as the invitation says them.
ROL_WOORDEN = {
    Rol.PEDAGOGISCH_MEDEWERKER: "pedagogisch medewerker",
    Rol.LOCATIEMANAGER: "locatiemanager",
    Rol.SCHOOL: "medewerker van de school",
    Rol.COORDINATOR: "coördinator",
    Rol.BEHEERDER: "functioneel beheerder",
}


# Reading


async def list_staff(
    ctx: Context,
    rol: Rol | None = None,
    locatie_id: UUID | None = None,
    school_id: UUID | None = None,
    status: GebruikerStatus | None = None,
) -> GebruikersLijst:
    """The gemeente's staff (never parents) by role and name, each with where they work; filtered by
    role, location, school or status. Only the caller's own gemeente."""
    user = require(ctx, Capability.GEBRUIKERS_BEHEREN, actie=Actie.LEZEN)
    ctx.audit.add(user, Actie.LEZEN, "gebruikers", velden=["gebruiker.naam", "gebruiker.email"])
    rows = await db.of_gemeente(
        ctx.pool,
        user.gemeente_id,
        rol=rol.value if rol else None,
        locatie_id=locatie_id,
        school_id=school_id,
        status=status.value if status else None,
    )
    return GebruikersLijst(resultaten=[_view(r) for r in rows])


async def one(ctx: Context, gebruiker_id: UUID) -> GebruikerBeheer:
    """One member of staff of the caller's gemeente; 404 for anyone else (another gemeente's, a parent)."""
    user = require(ctx, Capability.GEBRUIKERS_BEHEREN, actie=Actie.LEZEN)
    ctx.audit.add(user, Actie.LEZEN, _whom(gebruiker_id), velden=["gebruiker.naam", "gebruiker.email"])
    return await _found(ctx.pool, user, gebruiker_id)


@dataclass(frozen=True)
class Keuze:
    id: UUID
    naam: str
    gesloten: bool  # takes no one new; who works there already keeps it


@dataclass(frozen=True)
class Organisaties:
    locaties: list[Keuze]
    scholen: list[Keuze]


async def organisations(ctx: Context) -> Organisaties:
    """The gemeente's locations and schools: where its staff may work (to choose from)."""
    user = require(ctx, Capability.GEBRUIKERS_BEHEREN, actie=Actie.LEZEN)
    locaties, scholen = await db.organisations(ctx.pool, user.gemeente_id)
    return Organisaties(
        locaties=[Keuze(id=r["id"], naam=r["naam"], gesloten=r["gesloten"]) for r in locaties],
        scholen=[Keuze(id=r["id"], naam=r["naam"], gesloten=r["gesloten"]) for r in scholen],
    )


# Changing


async def invite(ctx: Context, body: Uitnodiging) -> GebruikerBeheer:
    """A new member of staff of the caller's gemeente, invited by mail: all or nothing (the account is
    not made when the invitation cannot be handed to the worker)."""
    user = require(ctx, Capability.GEBRUIKERS_BEHEREN)
    gebruiker_id, bericht_id = uuid.uuid4(), uuid.uuid4()
    naam, email = body.naam.strip(), body.email.strip()
    locaties, scholen = _unique(body.locatie_ids), _unique(body.school_ids)
    ctx.audit.add(
        user, Actie.WIJZIGEN, _whom(gebruiker_id),
        velden=["uitgenodigd", f"rol:{body.rol.value}", *_changes("locatie", [], locaties),
                *_changes("school", [], scholen)],
    )  # fmt: skip
    wrong = _where_wrong(body.rol, locaties, scholen, body.functie)
    if not naam:
        wrong.append({"name": "naam", "reason": "vul de naam in"})
    if not is_email(email):
        wrong.append({"name": "email", "reason": "vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl"})
    _refuse(wrong)
    async with ctx.pool.acquire() as conn, conn.transaction():
        await _of_gemeente(conn, user, locaties, scholen)
        await _open(conn, locaties, scholen)
        if await db.address_taken(conn, user.gemeente_id, email):
            _refuse([{"name": "email", "reason": "er is al een medewerker met dit e-mailadres"}])
        await db.create(
            conn, gebruiker_id, user.gemeente_id, naam, email, body.rol.value,
            body.functie.value if body.functie else None, locaties, scholen,
        )  # fmt: skip
        await _queue(conn, ctx, gebruiker_id, bericht_id, email, body.rol)
    try:
        await commands.deliver_message(ctx.temporal, ctx.settings, bericht_id)
    except Exception:
        async with ctx.pool.acquire() as conn, conn.transaction():
            await db.forget_new(conn, gebruiker_id, bericht_id)  # nothing went out: a retry invites anew
        raise
    return await _found(ctx.pool, user, gebruiker_id)


async def change_role(ctx: Context, gebruiker_id: UUID, body: RolWijziging) -> GebruikerBeheer:
    """The member of staff's role and where they work, from now on: what they see changes at their
    next request (a location taken away takes its overdrachten out of sight at once)."""
    user = require(ctx, Capability.GEBRUIKERS_BEHEREN)
    entry = ctx.audit.add(user, Actie.WIJZIGEN, _whom(gebruiker_id))
    locaties, scholen = _unique(body.locatie_ids), _unique(body.school_ids)
    async with ctx.pool.acquire() as conn, conn.transaction():
        if await db.lock(conn, user.gemeente_id, gebruiker_id) is None:
            raise NotFound(NIET_GEVONDEN)
        if gebruiker_id == user.id:
            raise StepNotAllowed(ZELF)
        _refuse(_where_wrong(body.rol, locaties, scholen, body.functie))
        await _of_gemeente(conn, user, locaties, scholen)
        before = await db.of_gemeente_one(conn, user.gemeente_id, gebruiker_id)
        assert before is not None  # locked above
        await _open(
            conn,
            [i for i in locaties if i not in before["locatie_ids"]],
            [i for i in scholen if i not in before["school_ids"]],
        )
        functie = body.functie.value if body.functie else None
        entry.velden = [
            *([f"rol:{body.rol.value}"] if before["rol"] != body.rol.value else []),
            *(["functie"] if before["functie"] != functie else []),
            *_changes("locatie", before["locatie_ids"], locaties),
            *_changes("school", before["school_ids"], scholen),
        ]
        await db.set_role(conn, gebruiker_id, body.rol.value, functie, locaties, scholen)
    return await _found(ctx.pool, user, gebruiker_id)


async def deactivate(ctx: Context, gebruiker_id: UUID) -> GebruikerBeheer:
    """No more sign-in: the member of staff's sessions end, their tokens are refused from the next
    request, their invitations are withdrawn, and they get no more messages. Safe to repeat."""
    user = require(ctx, Capability.GEBRUIKERS_BEHEREN)
    ctx.audit.add(user, Actie.WIJZIGEN, _whom(gebruiker_id), velden=["gedeactiveerd"])
    async with ctx.pool.acquire() as conn, conn.transaction():
        found = await db.lock(conn, user.gemeente_id, gebruiker_id)
        if found is None:
            raise NotFound(NIET_GEVONDEN)
        if gebruiker_id == user.id:
            raise StepNotAllowed(ZELF)
        if found["gedeactiveerd_op"] is None:
            await db.deactivate(conn, gebruiker_id)
    return await _found(ctx.pool, user, gebruiker_id)


async def reactivate(ctx: Context, gebruiker_id: UUID) -> GebruikerBeheer:
    """A deactivated member of staff may sign in again (with the account they had). Safe to repeat."""
    user = require(ctx, Capability.GEBRUIKERS_BEHEREN)
    ctx.audit.add(user, Actie.WIJZIGEN, _whom(gebruiker_id), velden=["geactiveerd"])
    async with ctx.pool.acquire() as conn, conn.transaction():
        if await db.lock(conn, user.gemeente_id, gebruiker_id) is None:
            raise NotFound(NIET_GEVONDEN)
        await db.reactivate(conn, gebruiker_id)
    return await _found(ctx.pool, user, gebruiker_id)


async def resend_invitation(ctx: Context, gebruiker_id: UUID) -> UitnodigingVerstuurd:
    """A new invitation for one who has not signed in yet (theirs expired, or the mail is gone); the
    earlier link stops working."""
    user = require(ctx, Capability.GEBRUIKERS_BEHEREN)
    ctx.audit.add(user, Actie.WIJZIGEN, _whom(gebruiker_id), velden=["uitgenodigd"])
    bericht_id = uuid.uuid4()
    async with ctx.pool.acquire() as conn, conn.transaction():
        found = await db.lock(conn, user.gemeente_id, gebruiker_id)
        if found is None:
            raise NotFound(NIET_GEVONDEN)
        if found["gedeactiveerd_op"] is not None:
            raise StepNotAllowed(GEDEACTIVEERD)
        if found["aangemeld_op"] is not None:
            raise StepNotAllowed(AL_AANGEMELD)
        if found["email"] is None:
            raise StepNotAllowed(ZONDER_ADRES)
        await _queue(conn, ctx, gebruiker_id, bericht_id, found["email"], Rol(found["rol"]))
    try:
        await commands.deliver_message(ctx.temporal, ctx.settings, bericht_id)
    except Exception:
        await berichten.forget(ctx.pool, bericht_id)  # and its invitation: nothing went out
        raise
    return UitnodigingVerstuurd(bericht_id=bericht_id)


# The invited person's first sign-in (no caller yet: the link is who they are)


@dataclass(frozen=True)
class Uitgenodigde:
    """Whom a valid invitation is for, as its page greets them."""

    naam: str
    rol: Rol
    gemeente: str


async def invited(clients: Clients, code: str) -> Uitgenodigde:
    """Whom the link is for, while it works (unused, unexpired, not withdrawn); uses nothing."""
    row = await db.invitation(clients.pool, code) if code else None
    if row is None:
        raise Unauthenticated(LINK_WERKT_NIET)
    return Uitgenodigde(naam=row["naam"], rol=Rol(row["rol"]), gemeente=row["gemeente"])


async def accept_directly(clients: Clients, audit: AuditTrail, code: str) -> Gebruiker:
    """Development without an identity provider: the link itself signs the invited person in, once."""
    settings = clients.settings
    if not settings.dev_mode or settings.oidc_sign_in:
        raise Forbidden("Aanmelden met een uitnodiging gaat hier via het inlogsysteem van uw gemeente.")
    async with clients.pool.acquire() as conn, conn.transaction():
        gebruiker_id = await db.redeem_invitation(conn, code) if code else None
    return await _signed_in(clients, audit, gebruiker_id, ["aangemeld"])


async def accept_on_sign_in(clients: Clients, audit: AuditTrail, code: str, extern_id: str) -> Gebruiker:
    """The identity provider signed the invited person in: their subject is stored as their account's
    `extern_id`, once, and the invitation used. A subject bound to another account (of any gemeente)
    cannot take it, and the invitation then stays unused (the person may try with the right account)."""
    async with clients.pool.acquire() as conn, conn.transaction():
        gebruiker_id = await db.redeem_invitation(conn, code) if code else None
        if gebruiker_id is not None and not await db.bind_subject(conn, gebruiker_id, extern_id):
            log.info("invitation refused", extra={"reason": "subject_bound_elsewhere"})
            raise Forbidden(AL_GEKOPPELD)  # the transaction is undone: the invitation still works
    return await _signed_in(clients, audit, gebruiker_id, ["extern_id"])


async def _signed_in(clients: Clients, audit: AuditTrail, gebruiker_id: UUID | None, velden: list[str]) -> Gebruiker:
    user = await db.get(clients.pool, gebruiker_id) if gebruiker_id else None
    if user is None:
        log.info("invitation refused", extra={"reason": "unknown_used_or_expired"})
        raise Unauthenticated(LINK_WERKT_NIET)
    audit.add(user, Actie.AANMELDEN, _whom(user.id), velden=velden, grondslag=UITNODIGING)
    return user


# What they share


def _whom(gebruiker_id: UUID) -> str:
    """The audit row's subject: which user was changed or read."""
    return f"gebruiker:{gebruiker_id}"


def _unique(ids: Sequence[UUID]) -> list[UUID]:
    return list(dict.fromkeys(ids))


def _changes(soort: str, before: Sequence[UUID], after: Sequence[UUID]) -> list[str]:
    """What changed in where someone works, as audit fields: `locatie+:<id>`, `locatie-:<id>`."""
    return [f"{soort}+:{i}" for i in after if i not in before] + [f"{soort}-:{i}" for i in before if i not in after]


def _where_wrong(rol: Rol, locaties: list[UUID], scholen: list[UUID], functie: Functie | None) -> list[dict[str, str]]:
    """What does not fit the role: a PM'er or locatiemanager works at one or more locations, a school's
    member of staff for one or more schools, a coordinator or beheerder for the whole gemeente."""
    wrong = []
    if rol is Rol.OUDER:
        wrong.append(
            {"name": "rol", "reason": "ouders melden zich aan met de code uit hun bericht; kies een andere rol"}
        )
        return wrong
    if rol in LOCATIE_ROLLEN and not locaties:
        wrong.append({"name": "locatieIds", "reason": "kies ten minste één locatie"})
    if rol not in LOCATIE_ROLLEN and locaties:
        wrong.append(
            {"name": "locatieIds", "reason": "alleen een pedagogisch medewerker of locatiemanager werkt op een locatie"}
        )
    if rol in SCHOOL_ROLLEN and not scholen:
        wrong.append({"name": "schoolIds", "reason": "kies ten minste één school"})
    if rol not in SCHOOL_ROLLEN and scholen:
        wrong.append({"name": "schoolIds", "reason": "alleen de rol school werkt voor een school"})
    if functie is not None and rol not in SCHOOL_ROLLEN:
        wrong.append({"name": "functie", "reason": "een functie hoort alleen bij de rol school"})
    return wrong


def _refuse(wrong: list[dict[str, str]]) -> None:
    if wrong:
        raise InvalidInput(ONGELDIG, invalid_params=wrong)


async def _of_gemeente(conn: Connection, user: Gebruiker, locaties: list[UUID], scholen: list[UUID]) -> None:
    """Only the caller's gemeente's locations and schools (another's, or none at all, are refused)."""
    if await db.foreign(conn, user.gemeente_id, locaties, []):
        _refuse([{"name": "locatieIds", "reason": "kies locaties van uw eigen gemeente"}])
    if await db.foreign(conn, user.gemeente_id, [], scholen):
        _refuse([{"name": "schoolIds", "reason": "kies scholen van uw eigen gemeente"}])


async def _open(conn: Connection, locaties: list[UUID], scholen: list[UUID]) -> None:
    """A closed location or school takes no one new (who worked there already keeps it)."""
    locaties_dicht, scholen_dicht = await db.closed(conn, locaties, scholen)
    wrong = []
    if locaties_dicht:
        wrong.append({"name": "locatieIds", "reason": "een gesloten locatie krijgt geen nieuwe medewerkers"})
    if scholen_dicht:
        wrong.append({"name": "schoolIds", "reason": "een gesloten school krijgt geen nieuwe medewerkers"})
    _refuse(wrong)


async def _found(pool: asyncpg.Pool, user: Gebruiker, gebruiker_id: UUID) -> GebruikerBeheer:
    row = await db.of_gemeente_one(pool, user.gemeente_id, gebruiker_id)
    if row is None:
        raise NotFound(NIET_GEVONDEN)
    return _view(row)


def _view(row: asyncpg.Record) -> GebruikerBeheer:
    if row["gedeactiveerd_op"] is not None:
        status = GebruikerStatus.GEDEACTIVEERD
    elif row["uitgenodigd_op"] is not None and row["aangemeld_op"] is None:
        status = GebruikerStatus.UITGENODIGD
    else:
        status = GebruikerStatus.ACTIEF
    return GebruikerBeheer(
        id=row["id"], naam=row["naam"], email=row["email"], rol=Rol(row["rol"]), functie=row["functie"],
        locaties=[Verwijzing(id=i, naam=n) for i, n in zip(row["locatie_ids"], row["locatie_namen"], strict=True)],
        scholen=[Verwijzing(id=i, naam=n) for i, n in zip(row["school_ids"], row["school_namen"], strict=True)],
        status=status, gekoppeld=row["gekoppeld"], uitgenodigd_op=row["uitgenodigd_op"],
        aangemeld_op=row["aangemeld_op"], gedeactiveerd_op=row["gedeactiveerd_op"],
    )  # fmt: skip


async def _queue(conn: Connection, ctx: Context, gebruiker_id: UUID, bericht_id: UUID, email: str, rol: Rol) -> None:
    """The invitation's mail in the outbox, its link and expiry left for delivery to fill in."""
    gemeente = await db.gemeente_naam(conn, ctx.user.gemeente_id)
    onderwerp = "Uitnodiging: uw account voor de overdracht voorschool–basisschool"
    tekst = "\n".join(
        [
            "Beste collega,",
            "",
            f"{gemeente} nodigt u uit voor de dienst Overdracht voorschool–basisschool, als {ROL_WOORDEN[rol]}.",
            "",
            "Meld u de eerste keer aan met deze persoonlijke link:",
            db.LINK,
            "",
            f"De link werkt één keer, tot {db.GELDIG_TOT}. U meldt zich daarmee aan bij het inlogsysteem van uw"
            " gemeente; daarna meldt u zich steeds zo aan.",
            "Werkt de link niet meer? Vraag uw functioneel beheerder om een nieuwe uitnodiging.",
            "",
            "Dit bericht is automatisch verstuurd; u kunt er niet op antwoorden.",
        ]
    )
    message_id = f"<{bericht_id}@{message_id_domain(ctx.settings.mail_from)}>"
    await db.queue_invitation(
        conn, bericht_id, gebruiker_id, ctx.user.gemeente_id, UITNODIGING_GELDIG, email, onderwerp, tekst, message_id
    )
