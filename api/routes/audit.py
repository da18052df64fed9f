"""The audit trail read back: a child's inzage-log for the parents (and the location's staff), and the
privacy officer's export per period and per user."""

import base64
import binascii
import json
from datetime import date, timedelta
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, Request, Response

from api.csv import CSV, csv_response, wants_csv
from api.deps import AuditExporteren, DbDep, InzageLogLezen, capability_description
from api.errors import InvalidInput, NotFound, problems
from db import audit as audit_log
from db import overdrachten
from protocol.dates import AMSTERDAM, end_of_day
from schemas.api import Verwijzing
from schemas.audit import Actie, AuditPagina, AuditRegel, InzageLog, InzageRegel
from services.audit import OTHER_GROUNDS, Audit

router = APIRouter(prefix="/v1", tags=["audit"])

NOT_FOUND = "Deze overdracht bestaat niet of u heeft er geen toegang toe."
PageSize = Annotated[int, Query(alias="pageSize", ge=1, le=100)]
Cursor = Annotated[str | None, Query(description="volgendeCursor of the previous page.")]


def _encode(what: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([what, row_id]).encode()).decode().rstrip("=")


def _decode(cursor: str | None, what: str) -> int | None:
    if cursor is None:
        return None
    try:
        made_for, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if made_for != what or not isinstance(row_id, int):
            raise ValueError(made_for)
        return row_id
    except (binascii.Error, ValueError, TypeError):
        raise InvalidInput(
            "De cursor is ongeldig; gebruik de volgendeCursor uit het vorige antwoord.",
            invalid_params=[{"name": "cursor", "reason": "ongeldige cursor"}],
        ) from None


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
        omschrijving=capability_description(grondslag) or OTHER_GROUNDS.get(grondslag),
    )


@router.get(
    "/overdrachten/{overdracht_id}/inzage-log",
    summary="Who processed this child's data, when, what and why: newest first",
    description=(
        "Every read and change of the child's data (its overdracht, and the child's own record: import,"
        " monitoring), as the parents may see it (AVG art. 15): when, which organisation in which role (not"
        " which person), what (`onderwerp`, `velden`: field names, never values) and why (`grondslag`: the"
        " permission used). Refused attempts processed nothing and are not listed. For the parents of the"
        " child and the voorschool location's staff; keyset-paged."
    ),
    responses=problems(400, 401, 403, 404, 503),
)
async def get_inzage_log(
    overdracht_id: UUID,
    user: InzageLogLezen,
    pool: DbDep,
    audit: Audit,
    page_size: PageSize = 25,
    cursor: Cursor = None,
) -> InzageLog:
    entry = audit.lezen(user, "overdracht.inzage_log", overdracht_id)
    row = await overdrachten.get(pool, user, overdracht_id)
    if row is None:
        raise NotFound(NOT_FOUND)
    rows = await audit_log.inzage(pool, row["kind_id"], overdracht_id, _decode(cursor, "inzage"), page_size + 1)
    more = len(rows) > page_size
    rows = rows[:page_size]
    entry.velden = ["auditlog"] if rows else []
    return InzageLog(
        resultaten=[_inzage_regel(r) for r in rows],
        volgende_cursor=_encode("inzage", rows[-1]["id"]) if more else None,
    )


AUDIT_CSV_HEADER = [
    "Id",
    "Tijdstip",
    "Gebruiker-id",
    "Rol",
    "Organisatie-id",
    "Kind-id",
    "Overdracht-id",
    "Actie",
    "Onderwerp",
    "Velden",
    "Grondslag",
    "Resultaat",
    "Request-id",
]
CSV_BATCH = 1000


def _audit_csv(r: asyncpg.Record) -> list[object]:
    return [
        r["id"],
        r["tijdstip"].astimezone(AMSTERDAM).isoformat(timespec="seconds"),
        r["gebruiker_id"],
        r["rol"],
        r["organisatie_id"],
        r["kind_id"],
        r["overdracht_id"],
        r["actie"],
        r["onderwerp"],
        ", ".join(r["velden"]),
        r["grondslag"],
        r["resultaat"],
        r["request_id"],
    ]


@router.get(
    "/audit",
    summary="The audit trail of your gemeente, per period and per user: oldest first",
    description=(
        "For the privacy officer (functioneel beheer): every row of the audit trail of your gemeente from `van`"
        " up to and including `tot` (days, Amsterdam time; either may be left out), of one user (`gebruikerId`)"
        " or all: who (user id, role, organisation), whose data (the child's opaque id, the overdracht), what"
        " (action, subject, field names), why (the permission used) and the answer's status (refusals too)."
        " No names or values. JSON is paged (`pageSize`, `cursor`); `Accept: text/csv` gives the whole period"
        " as a spreadsheet."
    ),
    response_model=AuditPagina,
    responses={
        200: {
            "description": "JSON by default; CSV for `Accept: text/csv`.",
            "content": {CSV: {"schema": {"type": "string"}}},
        },
        **problems(400, 401, 403, 503),
    },
)
async def export_audit(
    user: AuditExporteren,
    pool: DbDep,
    audit: Audit,
    request: Request,
    response: Response,
    van: Annotated[date | None, Query(description="The first day (Amsterdam time), e.g. 2026-01-01.")] = None,
    tot: Annotated[date | None, Query(description="The last day (Amsterdam time), included.")] = None,
    gebruiker_id: Annotated[UUID | None, Query(alias="gebruikerId", description="Only this user's rows.")] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000)] = 100,
    cursor: Cursor = None,
) -> AuditPagina | Response:
    if van and tot and tot < van:
        raise InvalidInput("De periode eindigt voor ze begint.", invalid_params=[{"name": "tot", "reason": "voor van"}])
    begin = end_of_day(van - timedelta(days=1)) if van else None
    end = end_of_day(tot) if tot else None
    # The export is itself a processing of (pseudonymised) personal data: it is logged too.
    audit.add(user, Actie.EXPORTEREN, "auditlog", velden=["auditlog"])
    after = _decode(cursor, "audit")
    if wants_csv(request.headers.get("accept")):
        rows: list[asyncpg.Record] = []
        while batch := await audit_log.export(pool, user.gemeente_id, begin, end, gebruiker_id, after, CSV_BATCH):
            rows += batch
            after = batch[-1]["id"]
        return csv_response("auditlog", AUDIT_CSV_HEADER, (_audit_csv(r) for r in rows))
    rows = await audit_log.export(pool, user.gemeente_id, begin, end, gebruiker_id, after, page_size + 1)
    more = len(rows) > page_size
    rows = rows[:page_size]
    response.headers["Vary"] = "Accept"
    return AuditPagina(
        resultaten=[AuditRegel(**dict(r)) for r in rows],
        volgende_cursor=_encode("audit", rows[-1]["id"]) if more else None,
    )
