"""Each person's start page ("wat moet ik doen") and opening an overdracht for a placed child."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from schemas.ids import overdracht_id_for
from schemas.lijst import Filters, Sort
from schemas.overdracht import Rol
from services import overdrachten
from services.errors import ServiceError
from services.permissions import Capability, allows
from web.render import caller, error_page, page, posted, signed_in
from web.routes import school
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)


@router.get("/")
async def start(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    user = aangemeld.user
    if user.rol is Rol.OUDER and user.kind_id is not None:
        return RedirectResponse(f"/overdrachten/{overdracht_id_for(user.kind_id)}", status_code=303)
    if user.rol is Rol.SCHOOL:
        return await school.start(request, aangemeld)
    try:
        async with caller(request, user) as ctx:
            pagina = await overdrachten.page(ctx, Filters(), Sort.VOLGENDE_DEADLINE, 50)
            # The location's staff: the placed children who have no overdracht yet, to open one.
            te_openen = await overdrachten.children_to_open(ctx) if allows(user, Capability.OVERDRACHT_OPENEN) else []
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(request, "start.html", aangemeld=aangemeld, overdrachten=pagina.resultaten, te_openen=te_openen)


@router.post("/overdrachten")
async def open_overdracht(
    request: Request,
    aangemeld: Annotated[Aangemeld, Depends(posted)],
    kind_id: Annotated[UUID, Form(alias="kindId")],
) -> Response:
    """The button beside a child without an overdracht: open it, then go to its page."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            geopend = await overdrachten.open_overdracht(ctx, kind_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return RedirectResponse(f"/overdrachten/{geopend.overdracht.id}", status_code=303)
