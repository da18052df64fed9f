"""The parents' way in: their personal link signs them in once, then the page has a clean address."""

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from schemas.ids import overdracht_id_for
from services import ouder_sessies, overdrachten
from services.audit import AuditTrail
from services.errors import ServiceError
from web import sessions
from web.render import caller, clients, error_page, page
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)


@router.get("/ouder")
async def parent_entry(request: Request, code: str = "") -> Response:
    trail = AuditTrail(
        request.app.state.pool, endpoint="GET /ouder", request_id=getattr(request.state, "request_id", None)
    )
    try:
        user = await ouder_sessies.sign_in(clients(request), trail, code)
    except ServiceError:
        return page(request, "ouder_code.html", 401)
    await trail.write(303)
    assert user.kind_id is not None
    response = RedirectResponse(f"/overdrachten/{overdracht_id_for(user.kind_id)}", status_code=303)
    await sessions.sign_in(request, response, user.id)
    return response


async def overdracht(request: Request, overdracht_id: UUID, aangemeld: Aangemeld) -> Response:
    """`/overdrachten/{id}` as a parent sees it: the form as the school will read it, in plain words."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            detail = await overdrachten.detail(ctx, overdracht_id)
            tijdlijn = await overdrachten.timeline(ctx, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(request, "overdracht.html", aangemeld=aangemeld, o=detail, tijdlijn=tijdlijn.gebeurtenissen)
