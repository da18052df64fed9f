"""The coordinator's lists: what is overdue now, oldest first (`/coordinatie/achterstanden`, filtered by
flag, wijk, location, school and school year), and the VVE children past the start age without an
overdracht (`/coordinatie/zonder-overdracht`: opaque ids, no names). Metadata only, as in the API;
reading them is audited as the API's reads are (services/monitoring.py)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from schemas.monitoring import Achterstand, Filteropties, ZonderOverdracht
from services import monitoring, spreadsheet
from services.context import Context
from services.errors import ServiceError
from services.spreadsheet import Tabel
from web.render import caller, error_page, page, signed_in
from web.routes.coordinatie.zoeken import Gezocht, alleen_coordinator, keuzes, lees
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

ACHTERSTANDEN_VELDEN = ("vlag", "wijk", "locatie", "school", "schooljaar")
ZONDER_OVERDRACHT_VELDEN = ("stadsdeel", "wijk", "locatie")
RIJEN = 50  # per page of achterstanden; "Volgende pagina" has the rest


@router.get("/coordinatie/achterstanden")
async def achterstanden(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    if (geweigerd := alleen_coordinator(request, aangemeld)) is not None:
        return geweigerd
    gezocht = lees(request, ACHTERSTANDEN_VELDEN)
    cursor = request.query_params.get("cursor") or None
    try:
        async with caller(request, aangemeld.user) as ctx:
            opties = await monitoring.filteropties(ctx)
            pagina = await monitoring.achterstanden_page(ctx, gezocht.filters, RIJEN, cursor)
    except ServiceError as exc:
        if exc.status != 400:  # an old or altered cursor: the first page again, with why
            return error_page(request, exc, aangemeld)
        return await _opnieuw(request, aangemeld, gezocht, exc)
    volgende = (
        f"/coordinatie/achterstanden?{gezocht.query(cursor=pagina.volgende_cursor)}" if pagina.volgende_cursor else None
    )
    return page(
        request, "coordinatie/achterstanden.html", 400 if gezocht.fouten else 200, aangemeld=aangemeld,
        gezocht=gezocht, waarden=gezocht.waarden, fouten=gezocht.fouten, keuzes=keuzes(opties, gezocht),
        rijen=pagina.resultaten, volgende=volgende, vervolg=cursor is not None, huidig="achterstanden",
    )  # fmt: skip


async def _opnieuw(request: Request, aangemeld: Aangemeld, gezocht: Gezocht, exc: ServiceError) -> Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            opties = await monitoring.filteropties(ctx)
            pagina = await monitoring.achterstanden_page(ctx, gezocht.filters, RIJEN)
    except ServiceError as again:
        return error_page(request, again, aangemeld)
    return page(
        request, "coordinatie/achterstanden.html", 400, aangemeld=aangemeld, gezocht=gezocht,
        waarden=gezocht.waarden, fouten=gezocht.fouten, melding=exc.detail, keuzes=keuzes(opties, gezocht),
        rijen=pagina.resultaten, volgende=None, vervolg=False, huidig="achterstanden",
    )  # fmt: skip


@router.get("/coordinatie/zonder-overdracht")
async def zonder_overdracht(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    if (geweigerd := alleen_coordinator(request, aangemeld)) is not None:
        return geweigerd
    gezocht = lees(request, ZONDER_OVERDRACHT_VELDEN)
    try:
        async with caller(request, aangemeld.user) as ctx:
            opties: Filteropties = await monitoring.filteropties(ctx)
            lijst = (await monitoring.zonder_overdracht(ctx, gezocht.filters)).model
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(
        request, "coordinatie/zonder_overdracht.html", 400 if gezocht.fouten else 200, aangemeld=aangemeld,
        gezocht=gezocht, waarden=gezocht.waarden, fouten=gezocht.fouten, keuzes=keuzes(opties, gezocht),
        lijst=lijst, huidig="zonder-overdracht",
    )  # fmt: skip


# The downloads: the whole list for the filters (downloads.py serves them)


def achterstanden_tabel(rijen: list[Achterstand]) -> Tabel:
    return Tabel("Achterstanden", spreadsheet.ACHTERSTANDEN_HEADER, spreadsheet.achterstanden_rows(rijen))


async def achterstanden_tabellen(ctx: Context, gezocht: Gezocht) -> list[Tabel]:
    return [achterstanden_tabel(await monitoring.achterstanden_all(ctx, gezocht.filters))]


def zonder_overdracht_tabel(lijst: ZonderOverdracht) -> Tabel:
    return Tabel("Zonder overdracht", spreadsheet.ZONDER_OVERDRACHT_HEADER, spreadsheet.zonder_overdracht_rows(lijst))


async def zonder_overdracht_tabellen(ctx: Context, gezocht: Gezocht) -> list[Tabel]:
    return [zonder_overdracht_tabel((await monitoring.zonder_overdracht(ctx, gezocht.filters)).model)]
