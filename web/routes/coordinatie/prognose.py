"""The deadline forecast (`/coordinatie/prognose`): what falls due in this week and the seven after it,
per week, per deadline, per voorschool location and per school; the total per week as bars beside a
table with the same figures. The same as the API's `GET /v1/monitoring/prognose`."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from schemas.monitoring import Prognose
from services import monitoring, spreadsheet
from services.context import Context
from services.errors import ServiceError
from services.spreadsheet import DEADLINE_NAMEN, Tabel
from web import charts
from web.render import caller, error_page, page, signed_in
from web.routes.coordinatie.zoeken import Gezocht, alleen_coordinator, keuzes, lees
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

VELDEN = ("stadsdeel", "wijk", "locatie", "school", "schooljaar")


def weeknaam(p: Prognose, i: int) -> tuple[str, str]:
    """(`week 49`, `(30-11)`): the week's number, and its Monday."""
    w = p.weken[i]
    return f"week {w.week[-2:].lstrip('0')}", f"({w.van.strftime('%d-%m')})"


@router.get("/coordinatie/prognose")
async def prognose(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    if (geweigerd := alleen_coordinator(request, aangemeld)) is not None:
        return geweigerd
    gezocht = lees(request, VELDEN)
    try:
        async with caller(request, aangemeld.user) as ctx:
            opties = await monitoring.filteropties(ctx)
            p = await monitoring.prognose(ctx, gezocht.filters)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    weken = [weeknaam(p, i) for i in range(len(p.weken))]
    grafiek = charts.staven(
        "grafiek-prognose",
        "Deadlines per week",
        [" ".join(w) for w in weken],
        [charts.Reeks("Deadlines", [float(n) for n in p.totaal.per_week])],
        eenheid="",
    )
    return page(
        request, "coordinatie/prognose.html", 400 if gezocht.fouten else 200, aangemeld=aangemeld,
        gezocht=gezocht, waarden=gezocht.waarden, fouten=gezocht.fouten, keuzes=keuzes(opties, gezocht),
        p=p, weken=weken, grafiek=grafiek, huidig="prognose",
        per_deadline=[(DEADLINE_NAMEN[d.deadline], d) for d in p.per_deadline],
        locaties=[(g.groep.naam if g.groep else "", g) for g in p.locaties],
        scholen=[(g.groep.naam if g.groep else "Nog geen school", g) for g in p.scholen],
    )  # fmt: skip


async def tabellen(ctx: Context, gezocht: Gezocht) -> list[Tabel]:
    p = await monitoring.prognose(ctx, gezocht.filters)
    return [Tabel("Prognose", spreadsheet.prognose_header(p), spreadsheet.prognose_rows(p))]
