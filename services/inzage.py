"""Use cases of the audit trail read back: a child's inzage-log for the parents (and the location's
staff), and the privacy officer's export per period and per user."""

from datetime import date, datetime, timedelta
from uuid import UUID

import asyncpg

from db import audit as audit_log
from protocol.dates import end_of_day
from schemas.api import Verwijzing
from schemas.audit import Actie, AuditPagina, AuditRegel, InzageLog, InzageRegel
from services.audit import OTHER_GROUNDS
from services.context import Context
from services.errors import InvalidInput
from services.overdrachten import visible
from services.paging import decode_id_cursor, encode_id_cursor
from services.permissions import Capability, description, require

# What each list's cursors are made for: one list's cursor is refused by the other.
INZAGE, AUDIT = "inzage", "audit"
# The whole period (a download, not a page) is read in batches of this size.
BATCH = 1000
PERIODE_OMGEKEERD = "De periode eindigt voor ze begint."


def _inzage_regel(row: asyncpg.Record) -> InzageRegel:
    organisatie = (
        Verwijzing(id=row["organisatie_id"], naam=row["organisatie_naam"]) if row["organisatie_naam"] else None
    )
    grondslag = row["grondslag"]
    return InzageRegel(
        tijdstip=row["tijdstip"],
        rol=row["rol"],
        organisatie=organisatie,
        actie=row["actie"],
        onderwerp=row["onderwerp"],
        velden=row["velden"],
        grondslag=grondslag,
        omschrijving=description(grondslag) or OTHER_GROUNDS.get(grondslag),
    )


async def inzage_log(ctx: Context, overdracht_id: UUID, page_size: int, cursor: str | None = None) -> InzageLog:
    """Who processed this child's data, when, what and why, newest first: what the parents may see (AVG
    art. 15): the organisation and role, not the person; refused attempts processed nothing."""
    user = require(ctx, Capability.INZAGE_LOG_LEZEN, overdracht_id=overdracht_id, actie=Actie.LEZEN)
    entry = ctx.audit.lezen(user, "overdracht.inzage_log", overdracht_id)
    row = await visible(ctx, overdracht_id)
    before = decode_id_cursor(cursor, INZAGE) if cursor is not None else None
    rows = await audit_log.inzage(ctx.pool, row["kind_id"], overdracht_id, before, page_size + 1)
    more = len(rows) > page_size
    rows = rows[:page_size]
    entry.velden = ["auditlog"] if rows else []
    return InzageLog(
        resultaten=[_inzage_regel(r) for r in rows],
        volgende_cursor=encode_id_cursor(INZAGE, rows[-1]["id"]) if more else None,
    )


def _period(van: date | None, tot: date | None) -> tuple[datetime | None, datetime | None]:
    """From the start of `van` up to the end of `tot`, Amsterdam time; either may be open."""
    if van and tot and tot < van:
        raise InvalidInput(PERIODE_OMGEKEERD, invalid_params=[{"name": "tot", "reason": "voor van"}])
    return (end_of_day(van - timedelta(days=1)) if van else None, end_of_day(tot) if tot else None)


def _start_export(ctx: Context, van: date | None, tot: date | None) -> tuple[UUID, datetime | None, datetime | None]:
    user = require(ctx, Capability.AUDIT_EXPORTEREN, actie=Actie.LEZEN)
    begin, end = _period(van, tot)
    # The export is itself a processing of (pseudonymised) personal data: it is logged too.
    ctx.audit.add(user, Actie.EXPORTEREN, "auditlog", velden=["auditlog"])
    return user.gemeente_id, begin, end


async def export_page(
    ctx: Context,
    van: date | None,
    tot: date | None,
    gebruiker_id: UUID | None,
    page_size: int,
    cursor: str | None = None,
) -> AuditPagina:
    """One page of the audit trail of the caller's gemeente from `van` to `tot` (days, both included),
    of one user or all, oldest first."""
    gemeente_id, begin, end = _start_export(ctx, van, tot)
    after = decode_id_cursor(cursor, AUDIT) if cursor is not None else None
    rows = await audit_log.export(ctx.pool, gemeente_id, begin, end, gebruiker_id, after, page_size + 1)
    more = len(rows) > page_size
    rows = rows[:page_size]
    return AuditPagina(
        resultaten=[AuditRegel(**dict(r)) for r in rows],
        volgende_cursor=encode_id_cursor(AUDIT, rows[-1]["id"]) if more else None,
    )


async def export_all(
    ctx: Context, van: date | None, tot: date | None, gebruiker_id: UUID | None, cursor: str | None = None
) -> list[AuditRegel]:
    """The whole period (after `cursor`, when given), oldest first: a download."""
    gemeente_id, begin, end = _start_export(ctx, van, tot)
    after = decode_id_cursor(cursor, AUDIT) if cursor is not None else None
    rows: list[asyncpg.Record] = []
    while batch := await audit_log.export(ctx.pool, gemeente_id, begin, end, gebruiker_id, after, BATCH):
        rows += batch
        after = batch[-1]["id"]
    return [AuditRegel(**dict(r)) for r in rows]
