"""One overdracht's page: what the reader may see of it, its timeline, and the steps the reader may
take now."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from schemas.overdracht import Rol
from services import overdrachten
from services.errors import ServiceError
from web.render import caller, error_page, page, signed_in
from web.routes import ouder
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)


@router.get("/overdrachten/{overdracht_id}")
async def overdracht(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    if aangemeld.user.rol is Rol.OUDER:
        return await ouder.overdracht(request, overdracht_id, aangemeld)
    try:
        async with caller(request, aangemeld.user) as ctx:
            detail = await overdrachten.detail(ctx, overdracht_id)
            tijdlijn = await overdrachten.timeline(ctx, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(request, "overdracht.html", aangemeld=aangemeld, o=detail, tijdlijn=tijdlijn.gebeurtenissen)
