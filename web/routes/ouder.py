"""The parents' way in: their personal link signs them in once, then the page has a clean address."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from schemas.ids import overdracht_id_for
from services import ouder_sessies
from services.audit import AuditTrail
from services.errors import ServiceError
from web import sessions
from web.render import clients, page

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
