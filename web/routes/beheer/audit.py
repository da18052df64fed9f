"""The audit trail's export, for the beheerder (`/beheer/audit`): a period and, if they want, one user
(chosen by name from the gemeente's staff), then the CSV the API gives for `GET /v1/audit` with
`Accept: text/csv`: the same use case (services/inzage.py: the capability, the gemeente, and the
export's own audit row) and the same file."""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.csv import csv_response
from protocol.dates import amsterdam_date
from schemas.audit import AuditRegel
from services import gebruikers, inzage, spreadsheet
from services.errors import Forbidden, ServiceError
from services.permissions import Capability, allows
from web.invoer import lees_datum
from web.render import ROL_NAMEN, caller, error_page, field_errors, page, posted, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

ADRES = "/beheer/audit"
NIET_VOOR_U = Forbidden("Met uw rol kunt u het audit-log niet exporteren; dat doet functioneel beheer.")


def _standaard() -> dict[str, str]:
    """This month so far."""
    today = amsterdam_date(datetime.now(UTC))
    return {"van": today.replace(day=1).isoformat(), "tot": today.isoformat(), "gebruiker": ""}


async def _pagina(
    request: Request,
    aangemeld: Aangemeld,
    status: int = 200,
    *,
    waarden: Mapping[str, Any] | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
) -> HTMLResponse:
    if not allows(aangemeld.user, Capability.AUDIT_EXPORTEREN):
        return error_page(request, NIET_VOOR_U, aangemeld)
    try:
        async with caller(request, aangemeld.user) as ctx:
            mensen = (await gebruikers.list_staff(ctx)).resultaten
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    opties = [
        (str(m.id), f"{m.naam} ({ROL_NAMEN[m.rol]}{', gedeactiveerd' if m.gedeactiveerd_op else ''})")
        for m in sorted(mensen, key=lambda m: (m.naam.casefold(), str(m.id)))
    ]
    return page(
        request,
        "beheer/audit.html",
        status,
        aangemeld=aangemeld,
        waarden=waarden or _standaard(),
        fouten=fouten or {},
        melding=melding,
        opties=opties,
    )


@router.get(ADRES)
async def audit(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    return await _pagina(request, aangemeld)


def _dag(waarde: str, fouten: dict[str, str], veld: str, wat: str) -> date | None:
    """A day, or none when the field is left empty (the period is open on that side)."""
    return lees_datum(waarde, fouten, veld, wat) if waarde.strip() else None


@router.post(ADRES)
async def exporteren(request: Request, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
    """The CSV of the period (and user); bad input: the form again, as it was filled in, with why."""
    form = await request.form()
    waarden = {naam: str(form.get(naam) or "") for naam in ("van", "tot", "gebruiker")}
    fouten: dict[str, str] = {}
    van = _dag(waarden["van"], fouten, "van", "de eerste dag")
    tot = _dag(waarden["tot"], fouten, "tot", "de laatste dag")
    if van and tot and tot < van:
        fouten["tot"] = "De laatste dag ligt voor de eerste dag. Kies een latere dag."
    gebruiker_id: UUID | None = None
    if waarden["gebruiker"]:
        try:
            gebruiker_id = UUID(waarden["gebruiker"])
        except ValueError:
            fouten["gebruiker"] = "Kies een gebruiker uit de lijst, of Alle gebruikers."
    if fouten:
        return await _pagina(request, aangemeld, 400, waarden=waarden, fouten=fouten)
    regels: list[AuditRegel]
    try:
        async with caller(request, aangemeld.user) as ctx:
            regels = await inzage.export_all(ctx, van, tot, gebruiker_id)
    except ServiceError as exc:
        if exc.status != 400:
            return error_page(request, exc, aangemeld)
        return await _pagina(request, aangemeld, 400, waarden=waarden, fouten=field_errors(exc), melding=exc.detail)
    response = csv_response("auditlog", spreadsheet.AUDIT_HEADER, spreadsheet.audit_rows(regels))
    response.headers["Cache-Control"] = "no-store"
    return response
