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


# The parts, each its own module (imported here, after SECTIES and the router they add to).
from web.routes.beheer import organisatie  # noqa: E402

SECTIES.append(
    Sectie(
        "Organisatie",
        organisatie.ADRES,
        "De stadsdelen en wijken, de voorschoollocaties met hun LRK-nummer en de scholen: toevoegen, hernoemen,"
        " verplaatsen en sluiten; de scholen inlezen uit het bestand van DUO.",
    )
)
router.include_router(organisatie.router)

from web.routes.beheer import mensen  # noqa: E402

SECTIES.append(
    Sectie(
        "Mensen en rollen",
        mensen.ADRES,
        "Wie met welke rol werkt, en waar: medewerkers uitnodigen met een rol en hun locaties of scholen, de rol of"
        " toegang wijzigen, en accounts deactiveren.",
    )
)
router.include_router(mensen.router)

from web.routes.beheer import protocol  # noqa: E402

SECTIES.append(
    Sectie(
        "Protocol",
        protocol.ADRES,
        "De leeftijden, termijnen en regels van uw gemeente: een nieuwe versie uploaden, de fouten en de verschillen"
        " met de actieve versie zien, en haar activeren.",
    )
)
router.include_router(protocol.router)

from web.routes.beheer import audit  # noqa: E402

SECTIES.append(
    Sectie(
        "Audit-log",
        audit.ADRES,
        "Het audit-log van uw gemeente downloaden als CSV: per periode, van iedereen of van één gebruiker.",
    )
)
router.include_router(audit.router)
