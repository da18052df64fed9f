"""Importing the placements CSV in the browser (the locatiemanager, the beheerder): the same use cases
as the API's `POST /v1/imports/plaatsingen` and `GET /v1/imports/{id}`. The file is handed in, and the
job's page follows it in the background: a progress bar (refreshed by htmx, or by the person), then the
outcome with every rejected row, and the report per row to download."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.csv import csv_response
from api.limits import takes_upload
from schemas.imports import ImportTaak
from services import imports
from services.errors import Forbidden, ServiceError
from services.permissions import Capability, allows
from services.plaatsingen_csv import MAX_BESTAND_BYTES, MAX_RIJEN, OPTIONEEL, VERPLICHT
from web.render import caller, error_page, page, signed_in
from web.routes.beheer import SECTIES, Sectie
from web.sessions import Aangemeld
from web.uploads import upload

router = APIRouter(include_in_schema=False)

ADRES = "/plaatsingen/import"
SECTIES.append(
    Sectie(
        "Plaatsingen importeren",
        ADRES,
        "Het CSV-bestand met de geplaatste kinderen inlezen; per regel ziet u wat er gebeurde.",
    )
)


def _page(
    request: Request,
    aangemeld: Aangemeld,
    *,
    status: int = 200,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
) -> Response:
    return page(
        request, "plaatsingen_import.html", status, aangemeld=aangemeld, fouten=fouten or {},
        melding=melding, verplicht=VERPLICHT, optioneel=OPTIONEEL, max_mb=MAX_BESTAND_BYTES // (1024 * 1024),
        max_rijen=MAX_RIJEN,
    )  # fmt: skip


def _may_import(request: Request, aangemeld: Aangemeld) -> Response | None:
    """The form only for those who may import (the use case checks it again when the file comes)."""
    if allows(aangemeld.user, Capability.PLAATSINGEN_IMPORTEREN):
        return None
    return error_page(request, Forbidden("Plaatsingen importeren doen de locatiemanager en het beheer."), aangemeld)


@router.get(ADRES)
async def import_form(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    return _may_import(request, aangemeld) or _page(request, aangemeld)


@router.post(ADRES)
@takes_upload
async def import_file(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return _page(request, aangemeld, status=status, fouten=fouten, melding=melding)

    return await upload(
        request, aangemeld, MAX_BESTAND_BYTES, imports.start,
        then=lambda taak: RedirectResponse(f"{ADRES}/{taak.id}", status_code=303), again=again,
    )  # fmt: skip


@router.get(ADRES + "/{taak_id}")
async def import_job(request: Request, taak_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    """The job: its progress while it runs, then what happened."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            taak: ImportTaak = await imports.taak(ctx, taak_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(request, "plaatsingen_importtaak.html", aangemeld=aangemeld, taak=taak, adres=f"{ADRES}/{taak_id}")


@router.get(ADRES + "/{taak_id}/verslag.csv")
async def import_report(
    request: Request, taak_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            tabel = await imports.rapport(ctx, taak_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return csv_response(tabel.naam, tabel.header, tabel.rows)
