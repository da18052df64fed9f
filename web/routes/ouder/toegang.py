"""The parents' way in and out: their personal link signs them in once, the language switch, and the
page after a refusal or withdrawal, which needs neither the overdracht nor the account any more."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from schemas.ids import overdracht_id_for
from services import ouder_sessies
from services.audit import AuditTrail
from services.errors import ServiceError
from web import i18n, sessions
from web.render import clients
from web.routes.ouder.gedeeld import Taal, fout, pagina, url

router = APIRouter(include_in_schema=False)


# The way in, and the language


@router.get("/ouder")
async def parent_entry(request: Request, taal: Taal, code: str = "") -> Response:
    trail = AuditTrail(
        request.app.state.pool, endpoint="GET /ouder", request_id=getattr(request.state, "request_id", None)
    )
    try:
        user = await ouder_sessies.sign_in(clients(request), trail, code)
    except ServiceError:
        return pagina(request, "ouder_code.html", None, 401)
    await trail.write(303)
    assert user.kind_id is not None
    response = RedirectResponse(url(overdracht_id_for(user.kind_id)), status_code=303)
    await sessions.sign_in(request, response, user.id)
    return response


@router.get("/taal/{taal}")
async def choose_language(request: Request, taal: str, terug: str = "/") -> Response:
    """The language switch on the parents' pages: the choice kept in a cookie, back to the same page."""
    response = RedirectResponse(i18n.eigen_pad(terug), status_code=303)
    if taal in i18n.TALEN:
        i18n.onthoud(request, response, taal)
    return response


async def klaar(request: Request, soort: str) -> Response:
    """After a refusal or a withdrawal: the overdracht and the parent's account go (the purge), so the
    page that says what happened needs neither; the session ends here."""
    response = RedirectResponse(f"/ouder/klaar/{soort}", status_code=303)
    await sessions.sign_out(request, response)
    return response


@router.get("/ouder/klaar/{soort}")
async def finished(request: Request, soort: str, taal: Taal) -> Response:
    if soort not in ("geweigerd", "ingetrokken"):
        return fout(request, None, 404)
    return pagina(request, "ouder/klaar.html", None, soort=soort)
