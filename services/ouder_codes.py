"""Use cases of the parents' access beyond the messages the workflow sends them: the location's staff
see a child's parents (to choose whom), and send one a new link by mail; a parent whose link expired
or was used asks for a new one with their address (no sign-in). A new link is a message in the outbox
that the worker delivers like the workflow's own, with a fresh one-time code minted as it goes out
(activities/berichten.py). The printed letter: services/ouder_brieven.py."""

import logging
import uuid
from uuid import UUID

import asyncpg

from activities.berichtteksten import render
from core.mailer import message_id_domain
from core.settings import Settings
from db import berichten, ouder_codes
from schemas.audit import Actie
from schemas.bericht import Aanleiding, BerichtAanvraag, BerichtSoort, Ontvanger
from schemas.gebruiker import Gebruiker
from schemas.ouder_codes import CodeVerstuurd, Ouders, OuderWeergave
from schemas.overdracht import Rol
from services import commands
from services.audit import OUDER_CODE_AANVRAAG, AuditTrail
from services.context import Clients, Context
from services.errors import InvalidInput, NoAddress, NotFound, StepNotAllowed
from services.overdrachten import visible
from services.permissions import Capability, require
from services.plaatsingen_csv import is_email
from workflows.lifecycle import EINDSTATUSSEN, LOPEND

log = logging.getLogger(__name__)

NOT_A_PARENT = "Deze ouder hoort niet bij deze overdracht."
NO_EMAIL = "Vul een geldig e-mailadres in."
CLOSED = "Deze overdracht is afgesloten; een ouder heeft er geen nieuwe code meer voor nodig."
NO_ADDRESS = (
    "Van deze ouder is geen e-mailadres bekend, dus de code kan niet per e-mail. Print een brief met een "
    "nieuwe code (POST …/ouders/{ouderId}/brieven) en geef of stuur die aan de ouder."
)


async def parents(ctx: Context, overdracht_id: UUID) -> Ouders:
    """The child's parents with custody: their names, and whether a new code can go by mail."""
    user = require(ctx, Capability.OUDER_CODE_UITGEVEN, overdracht_id=overdracht_id, actie=Actie.LEZEN)
    entry = ctx.audit.add(user, Actie.LEZEN, "ouders", overdracht_id=overdracht_id, velden=["ouders.naam"])
    row = await visible(ctx, overdracht_id)
    entry.kind_id = row["kind_id"]
    found = await ouder_codes.parents_of(ctx.pool, row["kind_id"]) if row["kind_id"] else []  # none after the purge
    return Ouders(
        ouders=[OuderWeergave(id=r["id"], naam=r["naam"], heeft_emailadres=r["email"] is not None) for r in found]
    )


async def parent_for_code(ctx: Context, overdracht_id: UUID, ouder_id: UUID) -> tuple[asyncpg.Record, asyncpg.Record]:
    """The overdracht (within the caller's scope, still running) and one parent of its child: (the
    overdracht's row, the parent's id, naam and email). 404 for either unknown, 409 once it has ended."""
    row = await visible(ctx, overdracht_id)
    if row["status"] in EINDSTATUSSEN:
        raise StepNotAllowed(CLOSED)
    parent = await ouder_codes.parent_of(ctx.pool, row["kind_id"], ouder_id) if row["kind_id"] else None
    if parent is None:
        raise NotFound(NOT_A_PARENT)
    return row, parent


async def send_new_code(ctx: Context, overdracht_id: UUID, ouder_id: UUID) -> CodeVerstuurd:
    """A new link for one parent, by mail: refused (409) for a parent without an address, who gets a
    printed letter instead. The message is delivered in the background; without a mail server it
    stays in the outbox, and no code is made."""
    user = require(ctx, Capability.OUDER_CODE_UITGEVEN, overdracht_id=overdracht_id)
    entry = ctx.audit.add(user, Actie.WIJZIGEN, "ouder_code.email", overdracht_id=overdracht_id, velden=["ouder.code"])
    row, parent = await parent_for_code(ctx, overdracht_id, ouder_id)
    entry.kind_id = row["kind_id"]
    if parent["email"] is None:
        raise NoAddress(NO_ADDRESS)
    bericht_id = await _queue(ctx.pool, ctx.settings, overdracht_id, parent["email"])
    try:
        await commands.deliver_message(ctx.temporal, ctx.settings, bericht_id)
    except Exception:
        await berichten.forget(ctx.pool, bericht_id)  # nothing went out: a retry queues it anew
        raise
    return CodeVerstuurd(bericht_id=bericht_id)


async def request_new_code(clients: Clients, audit: AuditTrail, email: str) -> None:
    """A parent asks for a new link with their address. When it is the address of a parent of a running
    overdracht, a new link goes there (one per overdracht). The caller learns nothing either way: the
    same answer, whether the address is known, unknown or over a limit (per address and in all, per
    hour, counted in the database so every API process keeps them)."""
    adres = email.strip()
    if not is_email(adres):
        # About the input only: says nothing about whether anyone has this address.
        raise InvalidInput(NO_EMAIL, invalid_params=[{"name": "email", "reason": "geen geldig e-mailadres"}])
    pool, settings = clients.pool, clients.settings
    limit = await ouder_codes.note_request(
        pool,
        await ouder_codes.address_hash(pool, adres),
        settings.ouder_code_aanvragen_per_adres,
        settings.ouder_code_aanvragen_totaal,
    )
    if limit is not None:
        log.info("new parent code not sent: limit reached", extra={"limit": limit})
        return
    found = await ouder_codes.parents_by_address(pool, adres, [s.value for s in LOPEND])
    for r in found:
        parent = Gebruiker(
            id=r["id"], naam=r["naam"], rol=Rol.OUDER, gemeente_id=r["gemeente_id"], kind_id=r["kind_id"]
        )
        audit.add(
            parent, Actie.WIJZIGEN, "ouder_code.aanvraag", overdracht_id=r["overdracht_id"], kind_id=r["kind_id"],
            velden=["ouder.code"], grondslag=OUDER_CODE_AANVRAAG,
        )  # fmt: skip
        bericht_id = await _queue(pool, settings, r["overdracht_id"], r["email"])
        try:
            await commands.deliver_message(await clients.temporal_of(parent.gemeente_id), settings, bericht_id)
        except Exception as exc:  # noqa: BLE001 - the caller is told nothing either way; the log says it
            log.warning("new parent code not sent: engine unreachable", extra={"error_type": type(exc).__name__})
            await berichten.forget(pool, bericht_id)
    log.info("new parent code asked", extra={"berichten": len(found)})


async def _queue(pool: asyncpg.Pool, settings: Settings, overdracht_id: UUID, email: str) -> UUID:
    """The message with the new link, for this one address, in the outbox (its text without the code:
    the code is minted when it is delivered)."""
    bericht_id = uuid.uuid4()
    aanvraag = BerichtAanvraag(
        overdracht_id=overdracht_id,
        sleutel=f"nieuwe-code:{bericht_id}",
        soort=BerichtSoort.UITNODIGING,
        aanleiding=Aanleiding.NIEUWE_CODE,
        ontvanger=Ontvanger.OUDERS,
    )
    onderwerp, tekst = render(aanvraag, settings.public_base_url)
    message_id = f"<{bericht_id}@{message_id_domain(settings.mail_from)}>"
    return await berichten.queue(pool, bericht_id, aanvraag, [email], onderwerp, tekst, message_id)
