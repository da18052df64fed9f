"""The gemeente's people, for its beheerder (`/beheer/mensen`): who has which role and where they work
(a list per role, filtered by role, location, school or status), inviting a member of staff by mail
with a role and one or more locations or schools, a person's page to change their role and where they
work, invite them again, deactivate or reactivate them. The use cases are the API's
(services/gebruikers.py): the same capability, gemeente and audit rows.

And the invited person's way in (`/uitnodiging`, no sign-in): the link from their mail shows whom it is
for, and its button leads to the identity provider, where the first sign-in binds their account; in
development without a provider, it signs them in directly. The code leaves the address bar at once: it
waits in a cookie only these pages get."""

from collections.abc import Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from schemas.gebruiker import (
    MEDEWERKER_ROLLEN,
    Functie,
    GebruikerBeheer,
    GebruikerStatus,
    RolWijziging,
    Uitnodiging,
)
from schemas.overdracht import Rol
from services import gebruikers
from services.audit import AuditTrail
from services.context import Context
from services.errors import ServiceError
from web import sessions
from web.invoer import field_name, invoer_fout, melding
from web.render import GEDAAN, act, caller, clients, done, error_page, page, posted, same_origin, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

ADRES = "/beheer/mensen"

GEDAAN.update(
    {
        "mens-uitgenodigd": "De uitnodiging is verstuurd. Zodra de medewerker zich met de link heeft aangemeld, is de"
        " status ‘actief’.",
        "mens-opnieuw-uitgenodigd": "Er is een nieuwe uitnodiging verstuurd; de vorige link werkt niet meer.",
        "mens-gewijzigd": "De rol en toegang zijn gewijzigd. Dat geldt meteen.",
        "mens-gedeactiveerd": "Het account is gedeactiveerd: deze medewerker is meteen afgemeld en kan zich niet meer"
        " aanmelden.",
        "mens-geactiveerd": "Het account is weer actief: deze medewerker kan zich weer aanmelden.",
    }
)

ROLLEN: dict[Rol, tuple[str, str]] = {
    Rol.PEDAGOGISCH_MEDEWERKER: (
        "Pedagogisch medewerker",
        "Vult de overdrachten in van de kinderen op de gekozen locaties.",
    ),
    Rol.LOCATIEMANAGER: (
        "Locatiemanager",
        "Als de pedagogisch medewerker, en wijst mentoren aan, ziet wat te laat is en kan annuleren.",
    ),
    Rol.SCHOOL: ("School", "Intern begeleider of directie: ontvangt de overdrachten voor de gekozen scholen."),
    Rol.COORDINATOR: ("Coördinator", "Ziet voor de hele gemeente hoe de overdrachten lopen, zonder de inhoud."),
    Rol.BEHEERDER: ("Functioneel beheer", "Richt de dienst in voor de hele gemeente, met de mensen en hun rollen."),
}
STATUSSEN = {
    GebruikerStatus.UITGENODIGD: "uitgenodigd",
    GebruikerStatus.ACTIEF: "actief",
    GebruikerStatus.GEDEACTIVEERD: "gedeactiveerd",
}
FUNCTIES = {Functie.INTERN_BEGELEIDER: "Intern begeleider", Functie.DIRECTIE: "Directie"}
# The form's fields, by the names the API's bodies (and so the service's messages) give them.
LIJSTVELDEN = ("locatieIds", "schoolIds")
# What a field that is not as the model wants says, where the general message would not help (the
# error summary lists every message: each must say which field it is about).
EIGEN_MELDINGEN = {
    "rol": "Kies een rol.",
    "functie": "Kies een functie uit de lijst.",
    "locatieIds": "Kies locaties uit de lijst.",
    "schoolIds": "Kies scholen uit de lijst.",
}
LEEG = {"naam": "Vul de naam in.", "email": "Vul het e-mailadres in."}


def _persoon(gebruiker_id: UUID) -> str:
    return f"{ADRES}/{gebruiker_id}"


def _context() -> dict[str, Any]:
    return {
        "rollen": ROLLEN,
        "statussen": STATUSSEN,
        "functies": FUNCTIES,
        "rol_opties": [(r.value, *ROLLEN[r]) for r in MEDEWERKER_ROLLEN],
        "functie_opties": [(f.value, naam) for f, naam in FUNCTIES.items()],
    }


# The list


def _filters(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    """The list's filters from the address: (for the use case, as the form shows them). A value that is
    none of the choices (an old or edited link) is left out."""
    query = request.query_params
    shown = {naam: query.get(naam, "") for naam in ("rol", "locatie", "school", "status")}
    gekozen: dict[str, Any] = {}
    if shown["rol"] in {r.value for r in MEDEWERKER_ROLLEN}:
        gekozen["rol"] = Rol(shown["rol"])
    if shown["status"] in {s.value for s in GebruikerStatus}:
        gekozen["status"] = GebruikerStatus(shown["status"])
    for naam, sleutel in (("locatie", "locatie_id"), ("school", "school_id")):
        try:
            gekozen[sleutel] = UUID(shown[naam]) if shown[naam] else None
        except ValueError:
            shown[naam] = ""
    return gekozen, shown


@router.get(ADRES)
async def people(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    gekozen, waarden = _filters(request)
    try:
        async with caller(request, aangemeld.user) as ctx:
            lijst = await gebruikers.list_staff(ctx, **gekozen)
            organisaties = await gebruikers.organisations(ctx)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    per_rol: dict[Rol, list[GebruikerBeheer]] = {}
    for mens in lijst.resultaten:
        per_rol.setdefault(mens.rol, []).append(mens)
    return page(
        request, "beheer/mensen.html", aangemeld=aangemeld, per_rol=per_rol, waarden=waarden,
        gefilterd=any(waarden.values()),
        rol_filter=[(r.value, ROLLEN[r][0]) for r in MEDEWERKER_ROLLEN],
        locatie_opties=[(o.id, o.naam) for o in organisaties.locaties],
        school_opties=[(o.id, o.naam) for o in organisaties.scholen],
        status_opties=[(s.value, naam) for s, naam in STATUSSEN.items()],
        **_context(),
    )  # fmt: skip


# Inviting


def _read(form: Mapping[str, Any], lists: Mapping[str, list[str]]) -> dict[str, Any]:
    """The posted form as the API's body: the text fields trimmed, the checked locations and schools."""
    data: dict[str, Any] = {naam: str(form.get(naam, "")).strip() for naam in ("naam", "email", "rol", "functie")}
    data.update(lists)
    return data


def _parse(model: type[Uitnodiging] | type[RolWijziging], data: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    """The body, or a Dutch message per field (a list's message on the list, not on one of its boxes)."""
    velden = {f.alias or naam for naam, f in model.model_fields.items()}
    body = {k: v for k, v in data.items() if v != "" and k in velden}
    try:
        return model.model_validate(body), {}
    except ValidationError as exc:
        fouten: dict[str, str] = {}
        for error in exc.errors():
            naam = field_name(error["loc"][:1])
            leeg = LEEG.get(naam) if error["type"] in ("missing", "string_too_short") else None
            fouten.setdefault(naam, leeg or EIGEN_MELDINGEN.get(naam) or melding(error))
        return None, fouten


def _zinnen(fouten: Mapping[str, str]) -> dict[str, str]:
    """The service's reasons ("kies ten minste één locatie") as the page's sentences."""
    return {
        naam: reden[:1].upper() + reden[1:] + ("" if reden.endswith(".") else ".") for naam, reden in fouten.items()
    }


async def _lists(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    return {naam: [str(v) for v in form.getlist(naam)] for naam in LIJSTVELDEN}


async def _invite_page(
    request: Request,
    aangemeld: Aangemeld,
    *,
    waarden: Mapping[str, Any] | None = None,
    fouten: Mapping[str, str] | None = None,
    melding_: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        async with caller(request, aangemeld.user) as ctx:
            organisaties = await gebruikers.organisations(ctx)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(
        request, "beheer/mensen_uitnodigen.html", status, aangemeld=aangemeld, organisaties=organisaties,
        waarden=waarden or {"locatieIds": [], "schoolIds": []}, fouten=_zinnen(fouten or {}), melding=melding_,
        **_context(),
    )  # fmt: skip


@router.get(f"{ADRES}/uitnodigen")
async def invite_form(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    return await _invite_page(request, aangemeld)


@router.post(f"{ADRES}/uitnodigen")
async def invite(request: Request, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
    waarden = _read(await request.form(), await _lists(request))

    async def again(fouten: dict[str, str], melding_: str | None, status: int) -> Response:
        return await _invite_page(request, aangemeld, waarden=waarden, fouten=fouten, melding_=melding_, status=status)

    body, fouten = _parse(Uitnodiging, waarden)
    made: list[UUID] = []

    async def use_case(ctx: Context) -> None:
        if body is None:
            raise invoer_fout(fouten)
        made.append((await gebruikers.invite(ctx, body)).id)

    return await act(
        request, aangemeld, use_case, then=lambda: done(_persoon(made[0]), "mens-uitgenodigd"), again=again
    )


# One person


async def _person_page(
    request: Request,
    aangemeld: Aangemeld,
    gebruiker_id: UUID,
    *,
    waarden: Mapping[str, Any] | None = None,
    fouten: Mapping[str, str] | None = None,
    melding_: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        async with caller(request, aangemeld.user) as ctx:
            mens = await gebruikers.one(ctx, gebruiker_id)
            organisaties = await gebruikers.organisations(ctx)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    huidig = {
        "rol": mens.rol.value,
        "functie": mens.functie or "",
        "locatieIds": [str(v.id) for v in mens.locaties],
        "schoolIds": [str(v.id) for v in mens.scholen],
    }
    return page(
        request, "beheer/mensen_persoon.html", status, aangemeld=aangemeld, mens=mens, organisaties=organisaties,
        waarden=waarden or huidig, fouten=_zinnen(fouten or {}), melding=melding_, zelf=mens.id == aangemeld.user.id,
        **_context(),
    )  # fmt: skip


@router.get(ADRES + "/{gebruiker_id}")
async def person(request: Request, gebruiker_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    return await _person_page(request, aangemeld, gebruiker_id)


@router.post(ADRES + "/{gebruiker_id}/rol")
async def change_role(
    request: Request, gebruiker_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    waarden = _read(await request.form(), await _lists(request))

    async def again(fouten: dict[str, str], melding_: str | None, status: int) -> Response:
        return await _person_page(
            request, aangemeld, gebruiker_id, waarden=waarden, fouten=fouten, melding_=melding_, status=status
        )

    body, fouten = _parse(RolWijziging, waarden)

    async def use_case(ctx: Context) -> None:
        if body is None:
            raise invoer_fout(fouten)
        await gebruikers.change_role(ctx, gebruiker_id, body)

    return await act(
        request, aangemeld, use_case, then=lambda: done(_persoon(gebruiker_id), "mens-gewijzigd"), again=again
    )


def _button(use_case: Any, key: str) -> Any:
    """A step without input: a refusal shows the person's page again with why."""

    async def route(request: Request, gebruiker_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
        async def again(fouten: dict[str, str], melding_: str | None, status: int) -> Response:
            return await _person_page(request, aangemeld, gebruiker_id, melding_=melding_, status=status)

        return await act(
            request, aangemeld, lambda ctx: use_case(ctx, gebruiker_id),
            then=lambda: done(_persoon(gebruiker_id), key), again=again,
        )  # fmt: skip

    return route


router.add_api_route(
    ADRES + "/{gebruiker_id}/deactiveren", _button(gebruikers.deactivate, "mens-gedeactiveerd"), methods=["POST"]
)
router.add_api_route(
    ADRES + "/{gebruiker_id}/activeren", _button(gebruikers.reactivate, "mens-geactiveerd"), methods=["POST"]
)
router.add_api_route(
    ADRES + "/{gebruiker_id}/uitnodiging",
    _button(gebruikers.resend_invitation, "mens-opnieuw-uitgenodigd"),
    methods=["POST"],
)


# The invited person's way in

LINK_COOKIE = "overdracht_uitnodigingslink"
LINK_PATH = "/uitnodiging"
LINK_SECONDS = 60 * 60


def _trail(request: Request) -> AuditTrail:
    return AuditTrail(
        request.app.state.pool,
        endpoint=f"{request.method} {LINK_PATH}",
        request_id=getattr(request.state, "request_id", None),
    )


@router.get(LINK_PATH)
async def invitation(request: Request, code: str = "") -> Response:
    """From the mail: the code goes into a cookie of these pages only, and the address loses it (no code
    in the browser's history, or in what a page sends along as its referrer)."""
    if code:
        response = RedirectResponse(LINK_PATH, status_code=303)
        response.set_cookie(
            LINK_COOKIE, code, max_age=LINK_SECONDS, httponly=True, secure=not request.app.state.settings.dev_mode,
            samesite="lax", path=LINK_PATH,
        )  # fmt: skip
        return response
    try:
        uitgenodigde = await gebruikers.invited(clients(request), request.cookies.get(LINK_COOKIE, ""))
    except ServiceError as exc:
        return page(request, "beheer/mensen_uitnodiging.html", exc.status, melding=exc.detail)
    settings = request.app.state.settings
    return page(
        request, "beheer/mensen_uitnodiging.html", uitgenodigde=uitgenodigde, rol=ROLLEN[uitgenodigde.rol][0],
        oidc=settings.oidc_sign_in, provider=settings.oidc_provider_name, direct=settings.dev_mode,
    )  # fmt: skip


@router.post(LINK_PATH)
async def accept(request: Request) -> Response:
    """The invited person goes on: to the identity provider (their first sign-in binds the account), or,
    in development without one, signed in at once. Nobody is signed in yet: the origin is the check."""
    if not same_origin(request):
        return page(request, "fout.html", 403, titel="Niet toegestaan", uitleg="Deze uitnodiging kan hier niet.")
    code = request.cookies.get(LINK_COOKIE, "")
    settings = request.app.state.settings
    try:
        if settings.oidc_sign_in:
            await gebruikers.invited(clients(request), code)
            response = RedirectResponse("/aanmelden/oidc", status_code=303)
            sessions.keep_invitation(request, response, code)
        else:
            trail = _trail(request)
            user = await gebruikers.accept_directly(clients(request), trail, code)
            await trail.write(303)
            response = RedirectResponse("/", status_code=303)
            await sessions.sign_in(request, response, user.id)
    except ServiceError as exc:
        return page(request, "beheer/mensen_uitnodiging.html", exc.status, melding=exc.detail)
    response.delete_cookie(LINK_COOKIE, path=LINK_PATH)
    return response
