"""The parents' way in and out: their personal link signs them in once, the language switch, and the
page after a refusal or withdrawal, which needs neither the overdracht nor the account any more."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.client_address import client_address
from schemas.ids import overdracht_id_for
from services import ouder_codes, ouder_sessies
from services.audit import AuditTrail
from services.errors import InvalidInput, ServiceError, TooManyRequests
from web import i18n, sessions
from web.i18n import N_, gettext
from web.render import clients, same_origin
from web.routes.ouder.gedeeld import Taal, fout, pagina, url

router = APIRouter(include_in_schema=False)


# The way in, and the language


@router.get("/ouder")
async def parent_entry(request: Request, taal: Taal, code: str = "") -> Response:
    trail = AuditTrail(
        request.app.state.pool, endpoint="GET /ouder", request_id=getattr(request.state, "request_id", None)
    )
    try:
        user = await ouder_sessies.sign_in(clients(request), trail, code, client_address(request))
    except TooManyRequests as exc:
        busy = fout(request, None, exc.status)  # the code is not used up: the same link works in a moment
        busy.headers["Retry-After"] = str(exc.retry_after_seconds)
        return busy
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


# A new link, asked for with the parent's own address (their link expired, or the mail is gone)

AANGEVRAAGD = N_(
    "Dank u. Is dit e-mailadres bij de voorschool bekend? Dan krijgt u binnen een paar minuten een e-mail met een"
    " nieuwe link. Kijk ook bij uw ongewenste e-mail. Geen e-mail gekregen? Vraag de voorschool om een brief met"
    " een nieuwe code."
)
GEEN_ADRES = N_("Vul uw e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")


@router.get("/ouder/nieuwe-link")
async def new_link_form(request: Request, taal: Taal) -> Response:
    return pagina(request, "ouder/nieuwe_link.html", None, waarden={}, fouten={})


@router.post("/ouder/nieuwe-link")
async def ask_new_link(request: Request, taal: Taal, email: Annotated[str, Form()] = "") -> Response:
    """The same answer whether the address is known or not (the service sends only to a parent of a
    running overdracht, within its limits); nobody is signed in, so the origin is the check."""
    if not same_origin(request):
        return fout(request, None, 403)
    trail = AuditTrail(
        request.app.state.pool,
        endpoint="POST /ouder/nieuwe-link",
        request_id=getattr(request.state, "request_id", None),
    )
    try:
        await ouder_codes.request_new_code(clients(request), trail, email)
    except InvalidInput:
        fouten = {"email": gettext(GEEN_ADRES)}
        return pagina(request, "ouder/nieuwe_link.html", None, 400, waarden={"email": email}, fouten=fouten)
    except ServiceError as exc:
        return fout(request, None, exc.status)
    await trail.write(202)
    return pagina(request, "ouder/nieuwe_link.html", None, aangevraagd=gettext(AANGEVRAAGD), waarden={}, fouten={})
