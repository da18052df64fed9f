"""The pages: sign-in, each person's start page, one overdracht's page, and the parents' entry from
their personal link. Each calls the service layer with the signed-in person as the caller, exactly as
the API's routes do (services/ checks the capability, the scope and writes the audit rows)."""

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from activities.berichtteksten import datum, tijdstip
from api.static import vendor_context
from schemas.gebruiker import Gebruiker
from schemas.ids import overdracht_id_for
from schemas.lijst import Filters, Sort
from schemas.overdracht import Rol, Status, Vlag
from services import dev, ouder_sessies, overdrachten
from services.audit import AuditTrail
from services.context import Clients, Context
from services.errors import ServiceError
from services.permissions import Capability, allows
from web import sessions

log = logging.getLogger(__name__)

VERLOPEN_FORMULIER = (
    "Dit formulier is verlopen of komt niet van deze site. Ga terug, laad de pagina opnieuw en probeer het nog eens."
)

# `vendor[name]`: the URL of an NL Design System or htmx file the app serves itself (api/static.py).
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"), context_processors=[vendor_context])
templates.env.filters["datum"] = datum
templates.env.filters["tijdstip"] = tijdstip

router = APIRouter(include_in_schema=False)

# What people read instead of the API's values (the parents' pages in plain words).
STATUS_NAMEN = {
    Status.CONCEPT: "in voorbereiding",
    Status.BIJ_OUDERS: "bij de ouders",
    Status.WACHT_OP_SCHOOL: "wacht op een school",
    Status.GEREED_VOOR_VERZENDING: "klaar om te versturen",
    Status.VERZONDEN: "verstuurd naar de school",
    Status.ONTVANGEN: "ontvangen door de school",
    Status.WARME_OVERDRACHT_GEPLAND: "warme overdracht gepland",
    Status.WARME_OVERDRACHT_GEHOUDEN: "warme overdracht gehouden",
    Status.AFGEROND: "afgerond",
    Status.GEWEIGERD: "geen toestemming",
    Status.INGETROKKEN: "toestemming ingetrokken",
    Status.GEANNULEERD: "geannuleerd",
}
VLAG_NAMEN = {
    Vlag.TE_LAAT_TOESTEMMING: "toestemming te laat",
    Vlag.SCHOOL_ONBEKEND: "school nog onbekend",
    Vlag.TE_LAAT_VERZENDEN: "versturen te laat",
    Vlag.TE_LAAT_BEVESTIGEN: "ontvangst te laat bevestigd",
    Vlag.TE_LAAT_WARME_OVERDRACHT: "warme overdracht te laat",
}
templates.env.filters["status"] = lambda s: STATUS_NAMEN[Status(s)]
templates.env.filters["vlag"] = lambda v: VLAG_NAMEN[Vlag(v)]
templates.env.filters["gebeurtenis"] = lambda g: {"BERICHT": "bericht verstuurd"}.get(
    g.value, g.value.replace("_", " ").lower()
)

ROL_NAMEN = {
    Rol.PEDAGOGISCH_MEDEWERKER: "pedagogisch medewerker",
    Rol.LOCATIEMANAGER: "locatiemanager",
    Rol.OUDER: "ouder",
    Rol.SCHOOL: "school",
    Rol.COORDINATOR: "coördinator",
    Rol.BEHEERDER: "functioneel beheer",
}


def _clients(request: Request) -> Clients:
    return Clients(
        pool=request.app.state.pool, temporal=request.app.state.temporal, settings=request.app.state.settings
    )


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"rol_namen": ROL_NAMEN, **context}, status_code=status)


def _error(request: Request, exc: ServiceError, aangemeld: sessions.Aangemeld | None) -> HTMLResponse:
    """A refusal as a page: what went wrong and what to do, never a stack trace."""
    return _page(request, "fout.html", exc.status, titel=exc.title, uitleg=exc.detail, aangemeld=aangemeld)


@asynccontextmanager
async def _as(request: Request, user: Gebruiker) -> AsyncIterator[Context]:
    """The caller of a use case, as the API's routes make it; the audit rows written when it is done."""
    trail = AuditTrail(
        request.app.state.pool,
        endpoint=f"{request.method} {request.url.path}",
        request_id=getattr(request.state, "request_id", None),
    )
    status = 200
    try:
        yield Context(user=user, clients=_clients(request), audit=trail)
    except ServiceError as exc:
        status = exc.status
        raise
    finally:
        if trail.regels:
            await trail.write(status)


def _same_origin(request: Request) -> bool:
    """A form posted from our own pages (SameSite=Lax cookies and this check keep other sites out)."""
    origin = request.headers.get("origin") or request.headers.get("referer") or ""
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin == own or origin.startswith(own + "/")


@router.get("/", response_class=HTMLResponse)
async def start(request: Request) -> Response:
    aangemeld = await sessions.current(request)
    if aangemeld is None:
        return RedirectResponse("/aanmelden", status_code=303)
    user = aangemeld.user
    if user.rol is Rol.OUDER and user.kind_id is not None:
        return RedirectResponse(f"/overdrachten/{overdracht_id_for(user.kind_id)}", status_code=303)
    try:
        async with _as(request, user) as ctx:
            pagina = await overdrachten.page(ctx, Filters(), Sort.VOLGENDE_DEADLINE, 50)
            # The location's staff: the placed children who have no overdracht yet, to open one.
            te_openen = await overdrachten.children_to_open(ctx) if allows(user, Capability.OVERDRACHT_OPENEN) else []
    except ServiceError as exc:
        return _error(request, exc, aangemeld)
    return _page(request, "start.html", aangemeld=aangemeld, overdrachten=pagina.resultaten, te_openen=te_openen)


@router.post("/overdrachten")
async def open_overdracht(
    request: Request, kind_id: Annotated[UUID, Form(alias="kindId")], csrf: Annotated[str, Form()] = ""
) -> Response:
    """The button beside a child without an overdracht: open it, then go to its page."""
    aangemeld = await sessions.current(request)
    if aangemeld is None:
        return RedirectResponse("/aanmelden", status_code=303)
    if not _same_origin(request) or not secrets.compare_digest(csrf, aangemeld.csrf):
        return _page(request, "fout.html", 403, titel="Niet toegestaan", uitleg=VERLOPEN_FORMULIER, aangemeld=aangemeld)
    try:
        async with _as(request, aangemeld.user) as ctx:
            geopend = await overdrachten.open_overdracht(ctx, kind_id)
    except ServiceError as exc:
        return _error(request, exc, aangemeld)
    return RedirectResponse(f"/overdrachten/{geopend.overdracht.id}", status_code=303)


@router.get("/aanmelden", response_class=HTMLResponse)
async def sign_in_page(request: Request) -> Response:
    if not request.app.state.settings.dev_mode:
        # Production signs in through the gemeente's identity provider (OpenID Connect), still to come.
        return _page(request, "aanmelden.html", 501, gebruikers=[], productie=True)
    return _page(request, "aanmelden.html", gebruikers=await dev.staff_to_sign_in(_clients(request)))


@router.post("/aanmelden")
async def sign_in(request: Request, gebruiker_id: Annotated[UUID, Form(alias="gebruikerId")]) -> Response:
    if not request.app.state.settings.dev_mode or not _same_origin(request):
        return _page(request, "fout.html", 403, titel="Niet toegestaan", uitleg="Aanmelden kan hier niet.")
    try:
        user = await dev.staff_member(_clients(request), gebruiker_id)
    except ServiceError as exc:
        return _error(request, exc, None)
    response = RedirectResponse("/", status_code=303)
    await sessions.sign_in(request, response, user.id)
    return response


@router.post("/afmelden")
async def sign_out(request: Request) -> Response:
    response = RedirectResponse("/aanmelden" if request.app.state.settings.dev_mode else "/", status_code=303)
    if _same_origin(request):
        await sessions.sign_out(request, response)
    return response


@router.get("/ouder", response_class=HTMLResponse)
async def parent_entry(request: Request, code: str = "") -> Response:
    """The parents' personal link: the code signs them in once, then the page has a clean address."""
    trail = AuditTrail(
        request.app.state.pool, endpoint="GET /ouder", request_id=getattr(request.state, "request_id", None)
    )
    try:
        user = await ouder_sessies.sign_in(_clients(request), trail, code)
    except ServiceError:
        return _page(request, "ouder_code.html", 401)
    await trail.write(303)
    assert user.kind_id is not None
    response = RedirectResponse(f"/overdrachten/{overdracht_id_for(user.kind_id)}", status_code=303)
    await sessions.sign_in(request, response, user.id)
    return response


@router.get("/overdrachten/{overdracht_id}", response_class=HTMLResponse)
async def overdracht(request: Request, overdracht_id: UUID) -> Response:
    aangemeld = await sessions.current(request)
    if aangemeld is None:
        return RedirectResponse("/aanmelden", status_code=303)
    try:
        async with _as(request, aangemeld.user) as ctx:
            detail = await overdrachten.detail(ctx, overdracht_id)
            tijdlijn = await overdrachten.timeline(ctx, overdracht_id)
    except ServiceError as exc:
        return _error(request, exc, aangemeld)
    return _page(request, "overdracht.html", aangemeld=aangemeld, o=detail, tijdlijn=tijdlijn.gebeurtenissen)
