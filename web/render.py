"""What every page shares: the templates and their Dutch filters, the caller of a use case (the
signed-in person, as the API's routes make it), the checks on a posted form, and the answers a page
gives when something is refused. The routes in web/routes/ call the service layer with these."""

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from activities.berichtteksten import datum, tijdstip
from api.static import vendor_context
from protocol.dates import deadline_day
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol, Status, Vlag
from services.audit import AuditTrail
from services.context import Clients, Context
from services.errors import ServiceError
from web import i18n, labels, sessions
from web.sessions import Aangemeld

VERLOPEN_FORMULIER = (
    "Dit formulier is verlopen of komt niet van deze site. Ga terug, laad de pagina opnieuw en probeer het nog eens."
)

# `vendor[name]`: the URL of an NL Design System or htmx file the app serves itself (api/static.py).
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"), context_processors=[vendor_context])
templates.env.filters["datum"] = datum
templates.env.filters["tijdstip"] = tijdstip
# `_()` and `{% trans %}`: the parents' pages in their language (web/i18n.py); the staff's stay Dutch.
i18n.install(templates.env)


def dag(d: date | None) -> str:
    """A calendar day in words ('17 augustus 2026'), in the request's language; empty stays empty."""
    return i18n.dag(d) if d else ""


def getal(x: float | None) -> str:
    """A number as the request's language writes it (12,5 in Dutch); empty stays empty."""
    return "" if x is None else i18n.getal(x)


templates.env.globals["dag"] = dag
# `{{ moment | deadline }}`: a deadline as the last day to meet it, in words (`datum` would name the
# day after: a deadline is the midnight that ends its day).
templates.env.filters["deadline"] = lambda moment: dag(deadline_day(moment))
templates.env.globals["getal"] = getal

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
ROL_NAMEN = {
    Rol.PEDAGOGISCH_MEDEWERKER: "pedagogisch medewerker",
    Rol.LOCATIEMANAGER: "locatiemanager",
    Rol.OUDER: "ouder",
    Rol.SCHOOL: "school",
    Rol.COORDINATOR: "coördinator",
    Rol.BEHEERDER: "functioneel beheer",
}
templates.env.filters["status"] = lambda s: STATUS_NAMEN[Status(s)]
templates.env.filters["vlag"] = lambda v: VLAG_NAMEN[Vlag(v)]
templates.env.filters["gebeurtenis"] = lambda g: {"bericht": "bericht verstuurd"}.get(
    g.value, g.value.replace("_", " ").lower()
)
templates.env.globals["rol_namen"] = ROL_NAMEN
templates.env.globals["labels"] = labels


def veld_id(naam: str) -> str:
    """A form field's element id from its name (`ontwikkeling.taal.niveau` → `veld-ontwikkeling-taal-niveau`)."""
    return "veld-" + "".join(c if c.isalnum() else "-" for c in naam)


templates.env.globals["veld_id"] = veld_id


def clients(request: Request) -> Clients:
    return Clients(pool=request.app.state.pool, engine=request.app.state.engine, settings=request.app.state.settings)


# What a page says after a step went well: `?gedaan=<key>` on the address it redirects to (a key, never
# personal data). Each route module adds its own keys.
GEDAAN: dict[str, str] = {}


@dataclass(frozen=True)
class Huisstijl:
    """What the gemeente configures of the pages' look (a neutral NL Design System theme otherwise)."""

    organisatie: str


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    gedaan = GEDAAN.get(request.query_params.get("gedaan", ""))
    huisstijl = Huisstijl(organisatie=request.app.state.settings.web_organisatie)
    return templates.TemplateResponse(
        request, template, {"gedaan": gedaan, "huisstijl": huisstijl, **context}, status_code=status
    )


def done(url: str, gedaan: str) -> RedirectResponse:
    """Post/redirect/get: after a step, the page that shows its outcome, with a notice of what was done."""
    assert gedaan in GEDAAN, gedaan
    return RedirectResponse(f"{url}?gedaan={gedaan}", status_code=303)


# Shows a refused form again: (message per field, a message for the whole form, the HTTP status).
Again = Callable[[dict[str, str], str | None, int], Awaitable[Response]]


async def act(
    request: Request,
    aangemeld: Aangemeld,
    use_case: Callable[[Context], Awaitable[object]],
    *,
    then: Callable[[], Response],
    again: Again,
    names: Mapping[str, str] | None = None,
) -> Response:
    """A form's step: the use case as the signed-in person; `then` on success (a redirect); `again` when
    the input or the state refuses it (400, 409, 422: the form with the person's input and why); any
    other refusal (403, 404, 503) is an error page. Nothing is half-done: the use case changes all or nothing."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            await use_case(ctx)
    except ServiceError as exc:
        if exc.status not in (400, 409, 422):
            return error_page(request, exc, aangemeld)
        fouten = field_errors(exc, names)
        return await again(fouten, None if fouten else exc.detail, exc.status)
    return then()


def error_page(request: Request, exc: ServiceError, aangemeld: Aangemeld | None) -> HTMLResponse:
    """A refusal as a page: what went wrong and what to do, never a stack trace."""
    return page(request, "fout.html", exc.status, titel=exc.title, uitleg=exc.detail, aangemeld=aangemeld)


def field_errors(exc: ServiceError, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """The service's `invalidParams` as a message per form field (`names` maps the API's field names
    to the form's where they differ); a refusal without fields is shown above the form."""
    fouten: dict[str, str] = {}
    for param in exc.extensions.get("invalid_params") or []:
        naam = str(param.get("name", ""))
        fouten[(names or {}).get(naam, naam)] = str(param.get("reason", ""))
    # A submission's 422 names what the form still needs, by the same JSON paths as the form's fields.
    for naam in exc.extensions.get("ontbrekende_velden") or []:
        fouten.setdefault((names or {}).get(naam, naam), "Vul dit in: het is nodig om het formulier in te dienen.")
    return fouten


@asynccontextmanager
async def caller(request: Request, user: Gebruiker) -> AsyncIterator[Context]:
    """The caller of a use case, as the API's routes make it; the audit rows written when it is done."""
    trail = AuditTrail(
        request.app.state.pool,
        endpoint=f"{request.method} {request.url.path}",
        request_id=getattr(request.state, "request_id", None),
    )
    status = 200
    try:
        yield await Context.of(user, clients(request), trail)
    except ServiceError as exc:
        status = exc.status
        raise
    finally:
        if trail.regels:
            await trail.write(status)


def same_origin(request: Request) -> bool:
    """A form posted from our own pages (SameSite=Lax cookies and this check keep other sites out)."""
    origin = request.headers.get("origin") or request.headers.get("referer") or ""
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin == own or origin.startswith(own + "/")


class NotSignedIn(Exception):
    """Raised by `signed_in`: the browser goes to the sign-in page."""


class ForeignForm(Exception):
    """Raised by `posted`: a form without our CSRF token or from another origin changes nothing."""

    def __init__(self, aangemeld: Aangemeld | None) -> None:
        self.aangemeld = aangemeld


async def signed_in(request: Request) -> Aangemeld:
    """Dependency of every page behind the sign-in."""
    aangemeld = await sessions.current(request)
    if aangemeld is None:
        raise NotSignedIn
    return aangemeld


async def posted(request: Request) -> Aangemeld:
    """Dependency of every form post: signed in, from our own origin, with the session's CSRF token."""
    aangemeld = await signed_in(request)
    form = await request.form()  # Starlette keeps it: the route's Form() parameters read the same data
    csrf = form.get("csrf")
    if not same_origin(request) or not isinstance(csrf, str) or not secrets.compare_digest(csrf, aangemeld.csrf):
        raise ForeignForm(aangemeld)
    return aangemeld


def error_as_page(request: Request, status: int, title: str, detail: str) -> Response | None:
    """An error of a page (not /v1, not a static file) for a browser, as a page: what went wrong and what
    to do, never a stack trace. None: answer it as the API does (problem+json)."""
    path = request.url.path
    if path.startswith(("/v1/", "/static/")) or "text/html" not in request.headers.get("accept", ""):
        return None
    if status == 404:
        title, detail = (
            "Pagina niet gevonden",
            "Deze pagina bestaat niet (meer). Controleer het adres, of ga naar de startpagina.",
        )
    return page(request, "fout.html", status, titel=title, uitleg=detail, aangemeld=None)


def install_handlers(app: FastAPI) -> None:
    app.state.error_page = error_as_page

    async def to_sign_in(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/aanmelden", status_code=303)

    async def foreign_form(request: Request, exc: Exception) -> Response:
        aangemeld = exc.aangemeld if isinstance(exc, ForeignForm) else None
        return page(request, "fout.html", 403, titel="Niet toegestaan", uitleg=VERLOPEN_FORMULIER, aangemeld=aangemeld)

    app.add_exception_handler(NotSignedIn, to_sign_in)
    app.add_exception_handler(ForeignForm, foreign_form)
