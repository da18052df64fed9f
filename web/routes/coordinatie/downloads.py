"""The coordinator's downloads: every table of a page as CSV (`/coordinatie/{pagina}.csv?tabel=…`, as the
API writes it: `;`, UTF-8 with a BOM) and all of a page's tables as an .xlsx workbook, one sheet each
(`/coordinatie/{pagina}.xlsx`), with the page's filters from the address. Text that a spreadsheet
would take for a formula is neutralised in both (services/spreadsheet.py, api/csv.py). They come from
the same use cases as the pages and the API, so a download of a list is audited as the API's is."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.csv import csv_response, csv_stream
from protocol.dates import amsterdam_date
from services import monitoring, spreadsheet
from services.context import Context
from services.errors import NotFound, ServiceError
from services.spreadsheet import Tabel
from web.render import caller, error_page, signed_in
from web.routes.coordinatie import lijsten, overzicht, prognose
from web.routes.coordinatie.zoeken import Gezocht, alleen_coordinator, lees
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _overzicht(ctx: Context, gezocht: Gezocht) -> list[Tabel]:
    return overzicht.tabellen(await overzicht.laad(ctx, gezocht))


@dataclass(frozen=True)
class Pagina:
    velden: tuple[str, ...]
    tabellen: Callable[[Context, Gezocht], Awaitable[list[Tabel]]]
    namen: tuple[str, ...]  # each table's name in a CSV's address (`?tabel=`), in the tables' order
    schooljaar_standaard: bool = False


PAGINAS = {
    "overzicht": Pagina(overzicht.VELDEN, _overzicht, tuple(overzicht.TABELLEN), schooljaar_standaard=True),
    "achterstanden": Pagina(lijsten.ACHTERSTANDEN_VELDEN, lijsten.achterstanden_tabellen, ("achterstanden",)),
    "zonder-overdracht": Pagina(
        lijsten.ZONDER_OVERDRACHT_VELDEN, lijsten.zonder_overdracht_tabellen, ("zonder-overdracht",)
    ),
    "prognose": Pagina(prognose.VELDEN, prognose.tabellen, ("prognose",)),
}
NIET_GEVONDEN = NotFound("Deze download bestaat niet. Kies er een op de pagina zelf.")


async def _tabellen(request: Request, aangemeld: Aangemeld, naam: str) -> list[Tabel] | Response:
    pagina = PAGINAS.get(naam)
    if pagina is None:
        return error_page(request, NIET_GEVONDEN, aangemeld)
    gezocht = lees(request, pagina.velden, schooljaar_standaard=pagina.schooljaar_standaard)
    try:
        async with caller(request, aangemeld.user) as ctx:
            tabellen = await pagina.tabellen(ctx, gezocht)
            # Read while the rows are written: the audit rows go with the same request.
            return [Tabel(t.naam, t.header, list(t.rows)) for t in tabellen]
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)


@router.get("/coordinatie/{pagina}.csv")
async def csv(pagina: str, request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    if (geweigerd := alleen_coordinator(request, aangemeld)) is not None:
        return geweigerd
    namen = PAGINAS[pagina].namen if pagina in PAGINAS else ()
    tabel = request.query_params.get("tabel") or (namen[0] if namen else "")
    if tabel not in namen:
        return error_page(request, NIET_GEVONDEN, aangemeld)
    if pagina == "achterstanden":
        return await _achterstanden_csv(request, aangemeld)
    tabellen = await _tabellen(request, aangemeld, pagina)
    if isinstance(tabellen, Response):
        return tabellen
    t = tabellen[namen.index(tabel)]
    return csv_response(pagina if tabel == pagina else f"{pagina}-{tabel}", t.header, t.rows)


async def _achterstanden_csv(request: Request, aangemeld: Aangemeld) -> Response:
    """The whole list, however long, streamed as the API streams it: its one audit row is written when the
    use case is done (leaving `caller`), before the first byte."""
    gezocht = lees(request, lijsten.ACHTERSTANDEN_VELDEN)
    try:
        async with caller(request, aangemeld.user) as ctx:
            batches = await monitoring.achterstanden_download(ctx, gezocht.filters)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    rows = (spreadsheet.achterstanden_rows(batch) async for batch in batches)
    return csv_stream("achterstanden", spreadsheet.ACHTERSTANDEN_HEADER, rows)


@router.get("/coordinatie/{pagina}.xlsx")
async def xlsx(pagina: str, request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    if (geweigerd := alleen_coordinator(request, aangemeld)) is not None:
        return geweigerd
    tabellen = await _tabellen(request, aangemeld, pagina)
    if isinstance(tabellen, Response):
        return tabellen
    today = amsterdam_date(datetime.now(UTC)).isoformat()
    return Response(
        content=spreadsheet.xlsx(tabellen),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{pagina}-{today}.xlsx"'},
    )
