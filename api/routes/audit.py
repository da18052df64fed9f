"""/v1: the audit trail read back: a child's inzage-log, and the privacy officer's export. Each route
parses, calls its use case (services/inzage.py) and answers."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.csv import CSV, csv_response, wants_csv
from api.deps import Ctx
from api.problems import BAD_CURSOR, OVERDRACHT_UNKNOWN, Documented, forbidden, problems
from api.query import Datum
from schemas.audit import AuditPagina, InzageLog
from services import inzage, spreadsheet
from services.errors import InvalidInput
from services.permissions import Capability

router = APIRouter(prefix="/v1", tags=["audit"])

PageSize = Annotated[int, Query(alias="pageSize", ge=1, le=100, description="Hoeveel per pagina.")]
Cursor = Annotated[str | None, Query(description="De `volgendeCursor` van de vorige pagina.")]


@router.get(
    "/overdrachten/{overdracht_id}/inzage-log",
    operation_id="getInzageLog",
    summary="Wie de gegevens van dit kind verwerkte, wanneer, wat en waarom: de nieuwste eerst",
    description=(
        "Elke keer dat de gegevens van het kind zijn gelezen of gewijzigd (de overdracht, en het eigen dossier van het"
        " kind: import, monitoring), zoals de ouders het mogen zien (AVG art. 15): wanneer, welke organisatie in welke"
        " rol (niet welke persoon), wat (`onderwerp`, `velden`: veldnamen, nooit waarden) en waarom (`grondslag`: de"
        " gebruikte bevoegdheid). Geweigerde pogingen verwerkten niets en staan er niet in. Voor de ouders van het"
        " kind en de medewerkers van de voorschoollocatie; in pagina's."
    ),
    responses=problems(forbidden(Capability.INZAGE_LOG_LEZEN), OVERDRACHT_UNKNOWN, BAD_CURSOR),
)
async def get_inzage_log(overdracht_id: UUID, ctx: Ctx, page_size: PageSize = 25, cursor: Cursor = None) -> InzageLog:
    return await inzage.inzage_log(ctx, overdracht_id, page_size, cursor)


@router.get(
    "/audit",
    operation_id="exportAudit",
    summary="Het audit-log van uw gemeente, per periode en per gebruiker: het oudste eerst",
    description=(
        "Voor de privacy officer (functioneel beheer): elke regel van het audit-log van uw gemeente van `van` tot en"
        " met `tot` (dagen, Amsterdamse tijd; elk mag ontbreken), van één gebruiker (`gebruikerId`) of van allen: wie"
        " (gebruikers-id, rol, organisatie), wiens gegevens (het ondoorzichtige id van het kind, de overdracht), wat"
        " (actie, onderwerp, veldnamen), waarom (de gebruikte bevoegdheid) en de status van het antwoord (weigeringen"
        " ook). Geen namen of waarden. JSON komt in pagina's (`pageSize`, `cursor`); `Accept: text/csv` geeft de"
        " hele periode als spreadsheet."
    ),
    response_model=AuditPagina,
    responses={
        200: {
            "description": "Standaard JSON; CSV bij `Accept: text/csv`.",
            "content": {CSV: {"schema": {"type": "string"}}},
        },
        **problems(
            forbidden(Capability.AUDIT_EXPORTEREN),
            Documented(
                InvalidInput(inzage.PERIODE_OMGEKEERD, invalid_params=[{"name": "tot", "reason": "voor van"}]),
                "`tot` ligt voor `van`.",
            ),
            BAD_CURSOR,
        ),
    },
)
async def export_audit(
    ctx: Ctx,
    request: Request,
    response: Response,
    van: Annotated[
        Datum | None, Query(description="De eerste dag (Amsterdamse tijd), bijvoorbeeld 2026-01-01.")
    ] = None,
    tot: Annotated[Datum | None, Query(description="De laatste dag (Amsterdamse tijd), die meetelt.")] = None,
    gebruiker_id: Annotated[
        UUID | None, Query(alias="gebruikerId", description="Alleen de regels van deze gebruiker.")
    ] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000, description="Hoeveel per pagina.")] = 100,
    cursor: Cursor = None,
) -> AuditPagina | Response:
    if wants_csv(request.headers.get("accept")):
        regels = await inzage.export_all(ctx, van, tot, gebruiker_id, cursor)
        return csv_response("auditlog", spreadsheet.AUDIT_HEADER, spreadsheet.audit_rows(regels))
    response.headers["Vary"] = "Accept"
    return await inzage.export_page(ctx, van, tot, gebruiker_id, page_size, cursor)
