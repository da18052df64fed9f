"""Importing the placements CSV in the browser (the locatiemanager, the beheerder): the same use case
as the API's `POST /v1/plaatsingen-imports`, answered with its report per row on the page. (The file is
read within the request, at most 5 MB and 10,000 rows, as the API does today.)"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from schemas.imports import ImportResultaat
from services import imports
from services.errors import Forbidden
from services.permissions import Capability, allows
from services.plaatsingen_csv import MAX_BESTAND_BYTES, MAX_RIJEN, OPTIONEEL, VERPLICHT
from web.render import error_page, page, signed_in
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
    resultaat: ImportResultaat | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
) -> Response:
    return page(
        request, "plaatsingen_import.html", status, aangemeld=aangemeld, resultaat=resultaat, fouten=fouten or {},
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
async def import_file(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return _page(request, aangemeld, status=status, fouten=fouten, melding=melding)

    return await upload(
        request, aangemeld, MAX_BESTAND_BYTES, imports.import_plaatsingen,
        then=lambda resultaat: _page(request, aangemeld, resultaat=resultaat), again=again,
    )  # fmt: skip
