"""/v1: the audit trail read back: a child's inzage-log, and the privacy officer's export. Each route
parses, calls its use case (services/inzage.py) and answers."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.csv import CSV, csv_response, wants_csv
from api.deps import Ctx
from api.errors import problems
from api.query import Datum
from schemas.audit import AuditPagina, InzageLog
from services import inzage, spreadsheet

router = APIRouter(prefix="/v1", tags=["audit"])

PageSize = Annotated[int, Query(alias="pageSize", ge=1, le=100)]
Cursor = Annotated[str | None, Query(description="volgendeCursor of the previous page.")]


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
async def get_inzage_log(overdracht_id: UUID, ctx: Ctx, page_size: PageSize = 25, cursor: Cursor = None) -> InzageLog:
    return await inzage.inzage_log(ctx, overdracht_id, page_size, cursor)


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
    ctx: Ctx,
    request: Request,
    response: Response,
    van: Annotated[Datum | None, Query(description="The first day (Amsterdam time), e.g. 2026-01-01.")] = None,
    tot: Annotated[Datum | None, Query(description="The last day (Amsterdam time), included.")] = None,
    gebruiker_id: Annotated[UUID | None, Query(alias="gebruikerId", description="Only this user's rows.")] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000)] = 100,
    cursor: Cursor = None,
) -> AuditPagina | Response:
    if wants_csv(request.headers.get("accept")):
        regels = await inzage.export_all(ctx, van, tot, gebruiker_id, cursor)
        return csv_response("auditlog", spreadsheet.AUDIT_HEADER, spreadsheet.audit_rows(regels))
    response.headers["Vary"] = "Accept"
    return await inzage.export_page(ctx, van, tot, gebruiker_id, page_size, cursor)
