"""The beheerder's pages (functioneel beheer of the gemeente): a start page listing the parts of the
administration, each a module of its own here that registers itself in SECTIES and adds its router."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from schemas.overdracht import Rol
from services.errors import Forbidden
from web.render import error_page, page, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Sectie:
    titel: str
    adres: str
    uitleg: str


# The parts of the administration, in the order the start page shows them (each module adds its own).
SECTIES: list[Sectie] = []


async def start(request: Request, aangemeld: Aangemeld) -> Response:
    """What `/` shows a beheerder: the parts of the administration."""
    return page(request, "beheer/start.html", aangemeld=aangemeld, secties=SECTIES)


@router.get("/beheer")
async def beheer(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    if aangemeld.user.rol is not Rol.BEHEERDER:
        return error_page(request, Forbidden("Deze pagina's zijn voor functioneel beheer."), aangemeld)
    return await start(request, aangemeld)
