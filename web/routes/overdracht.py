"""One overdracht's page: what the reader may see of it, what they can do now, and its timeline.
A parent gets their own page (web/routes/ouder.py), in plain words."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from schemas.overdracht import Rol
from services import overdrachten, stappen
from services.errors import ServiceError
from services.permissions import Capability, allows
from web.render import caller, error_page, page, signed_in
from web.routes import ouder
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)


async def show(
    request: Request, aangemeld: Aangemeld, overdracht_id: UUID, *, status: int = 200, melding: str | None = None
) -> Response:
    """The page; `melding` says why a step just taken was refused."""
    if aangemeld.user.rol is Rol.OUDER:
        return await ouder.overdracht(request, overdracht_id, aangemeld)
    user = aangemeld.user
    try:
        async with caller(request, user) as ctx:
            detail = await overdrachten.detail(ctx, overdracht_id)
            tijdlijn = await overdrachten.timeline(ctx, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(
        request,
        "overdracht.html",
        status,
        aangemeld=aangemeld,
        o=detail,
        tijdlijn=tijdlijn.gebeurtenissen,
        stappen=stappen.possible(user, detail.status),
        inzage=allows(user, Capability.INZAGE_LOG_LEZEN),
        ouders=allows(user, Capability.OUDER_CODE_UITGEVEN),
        melding=melding,
    )


@router.get("/overdrachten/{overdracht_id}")
async def overdracht(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    return await show(request, aangemeld, overdracht_id)
