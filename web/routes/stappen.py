"""The voorschool's steps on an overdracht's page: record the paper copy, send, take the form back for a
correction, cancel (locatiemanager), choose the school, name the mentor, and for each parent: record
their decision on consent given on paper or in the conversation, print a letter with a new code, or mail
a new link. Each is a small form; a refusal shows the form again with why."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from protocol.dates import amsterdam_date
from schemas.api import Annulering, Correctie, MentorToewijzen, SchoolKiezen, ToestemmingNamensOuder
from schemas.audit import Actie
from schemas.overdracht import Rol
from services import mentoren, ouder_brieven, ouder_codes, overdrachten, stappen
from services.context import Context
from services.errors import NotFound, ServiceError
from services.permissions import Capability, require
from web.invoer import parse
from web.render import GEDAAN, act, caller, done, error_page, page, posted, signed_in
from web.routes.overdracht import show
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

GEDAAN.update(
    {
        "papieren_kopie": "Vastgelegd: de ouders hebben een papieren kopie van het formulier gekregen.",
        "verzonden": "De overdracht is naar de school verstuurd.",
        "teruggenomen": "Het formulier is teruggenomen. Pas het aan en stuur het opnieuw naar de ouders.",
        "geannuleerd": "De overdracht is geannuleerd.",
        "school_gekozen": "De school is vastgelegd.",
        "mentor": "De mentor is vastgelegd.",
        "toestemming_vastgelegd": "Het besluit van de ouder is vastgelegd. De ouders krijgen er bericht van.",
        "code_verstuurd": "De ouder krijgt een e-mail met een nieuwe persoonlijke link.",
    }
)

Reden = type[Correctie] | type[Annulering]


def _overdracht(overdracht_id: UUID) -> str:
    return f"/overdrachten/{overdracht_id}"


async def _button(
    request: Request, aangemeld: Aangemeld, overdracht_id: UUID, step: Callable[[Context], Awaitable[object]], key: str
) -> Response:
    """A step without input (a button on the overdracht's page): refused, that page again with why."""

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await show(request, aangemeld, overdracht_id, status=status, melding=melding)

    return await act(request, aangemeld, step, then=lambda: done(_overdracht(overdracht_id), key), again=again)


@router.post("/overdrachten/{overdracht_id}/papieren-kopie")
async def paper_copy(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    return await _button(
        request, aangemeld, overdracht_id, lambda ctx: stappen.record_paper_copy(ctx, overdracht_id), "papieren_kopie"
    )


@router.post("/overdrachten/{overdracht_id}/verzenden")
async def send(request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
    return await _button(request, aangemeld, overdracht_id, lambda ctx: stappen.send(ctx, overdracht_id), "verzonden")


# A step with a reason: what the page says, and the use case.
REDEN_STAPPEN: dict[str, dict[str, Any]] = {
    "correctie": {
        "model": Correctie,
        "titel": "Formulier terugnemen voor een correctie",
        "uitleg": "Het formulier gaat terug naar ‘in voorbereiding’. Daarna past u het aan en stuurt u het opnieuw"
        " naar de ouders; zij zien wat er veranderd is en geven opnieuw toestemming.",
        "label": "Waarom neemt u het formulier terug?",
        "hint": "Bijvoorbeeld wat de ouders opmerkten. De ouders en de school kunnen dit lezen.",
        "knop": "Formulier terugnemen",
        "stap": stappen.take_back,
        "capability": Capability.FORMULIER_BEWERKEN,
        "gedaan": "teruggenomen",
    },
    "annuleren": {
        "model": Annulering,
        "titel": "Overdracht annuleren",
        "uitleg": "Annuleer alleen als het kind vertrekt of verhuist. Een geannuleerde overdracht kan niet verder;"
        " de inhoud wordt volgens de bewaartermijn verwijderd.",
        "label": "Waarom annuleert u de overdracht?",
        "hint": "Bijvoorbeeld: het kind verhuist naar een andere gemeente.",
        "knop": "Overdracht annuleren",
        "stap": stappen.cancel,
        "capability": Capability.ANNULEREN,
        "gedaan": "geannuleerd",
    },
}


async def _reden_page(
    request: Request,
    aangemeld: Aangemeld,
    overdracht_id: UUID,
    soort: str,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> Response:
    stap = REDEN_STAPPEN[soort]
    try:
        async with caller(request, aangemeld.user) as ctx:
            require(ctx, stap["capability"], overdracht_id=overdracht_id, actie=Actie.LEZEN)
            o = await overdrachten.detail(ctx, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(
        request, "stap_reden.html", status, aangemeld=aangemeld, o=o, stap=stap, actie=f"{_overdracht(o.id)}/{soort}",
        waarden=waarden or {}, fouten=fouten or {}, melding=melding,
    )  # fmt: skip


def _reden_routes(soort: str) -> None:
    @router.get(f"/overdrachten/{{overdracht_id}}/{soort}", name=f"{soort}_form")
    async def form(
        request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
    ) -> Response:
        return await _reden_page(request, aangemeld, overdracht_id, soort)

    @router.post(f"/overdrachten/{{overdracht_id}}/{soort}", name=soort)
    async def post(request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
        stap = REDEN_STAPPEN[soort]
        waarden = {"reden": str((await request.form()).get("reden", "")).strip()}

        async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
            return await _reden_page(
                request, aangemeld, overdracht_id, soort, waarden=waarden, fouten=fouten, melding=melding, status=status
            )

        body, fouten = parse(stap["model"], waarden)
        if body is None:
            return await again(fouten, None, 400)
        return await act(
            request, aangemeld, lambda ctx: stap["stap"](ctx, overdracht_id, body.reden),
            then=lambda: done(_overdracht(overdracht_id), stap["gedaan"]), again=again,
        )  # fmt: skip


for _soort in REDEN_STAPPEN:
    _reden_routes(_soort)


# A step that chooses one of a list: the school (staff; parents have their own page) and the mentor.
async def _keuze_page(
    request: Request,
    aangemeld: Aangemeld,
    overdracht_id: UUID,
    soort: str,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            # The capability first (a 403 page), then the overdracht (a 404 page outside the scope).
            opties = await (overdrachten.schools(ctx) if soort == "school" else mentoren.candidates(ctx, overdracht_id))
            o = await overdrachten.detail(ctx, overdracht_id)
            gekozen = o.school if soort == "school" else o.mentor
            huidig = gekozen.id if gekozen else None
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    veld = "schoolId" if soort == "school" else "mentorId"
    return page(
        request, "stap_keuze.html", status, aangemeld=aangemeld, o=o, soort=soort, veld=veld,
        opties=[(str(x.id), x.naam) for x in opties],
        waarden=waarden if waarden is not None else {veld: str(huidig or "")}, fouten=fouten or {}, melding=melding,
    )  # fmt: skip


@router.get("/overdrachten/{overdracht_id}/school")
async def school_form(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    if aangemeld.user.rol is Rol.OUDER:  # the parents choose on their own page, in their words
        return RedirectResponse(f"{_overdracht(overdracht_id)}/ouder/school", status_code=303)
    return await _keuze_page(request, aangemeld, overdracht_id, "school")


@router.get("/overdrachten/{overdracht_id}/mentor")
async def mentor_form(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    return await _keuze_page(request, aangemeld, overdracht_id, "mentor")


async def _choose(request: Request, overdracht_id: UUID, aangemeld: Aangemeld, soort: str) -> Response:
    veld = "schoolId" if soort == "school" else "mentorId"
    waarden = {veld: str((await request.form()).get(veld, ""))}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _keuze_page(
            request, aangemeld, overdracht_id, soort, waarden=waarden, fouten=fouten, melding=melding, status=status
        )

    if soort == "school":
        school, fouten = parse(SchoolKiezen, waarden)
        if school is None:
            return await again({veld: "Kies een school."}, None, 400)
        return await act(
            request, aangemeld, lambda ctx: stappen.choose_school(ctx, overdracht_id, school.school_id),
            then=lambda: done(_overdracht(overdracht_id), "school_gekozen"), again=again,
        )  # fmt: skip
    mentor, fouten = parse(MentorToewijzen, waarden)
    if mentor is None:
        return await again({veld: "Kies een pedagogisch medewerker."}, None, 400)
    return await act(
        request, aangemeld, lambda ctx: mentoren.assign(ctx, overdracht_id, mentor.mentor_id),
        then=lambda: done(_overdracht(overdracht_id), "mentor"), again=again,
    )  # fmt: skip


@router.post("/overdrachten/{overdracht_id}/school")
async def choose_school(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    return await _choose(request, overdracht_id, aangemeld, "school")


@router.post("/overdrachten/{overdracht_id}/mentor")
async def assign_mentor(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    return await _choose(request, overdracht_id, aangemeld, "mentor")


# The parents, as the voorschool helps them: consent on paper, a letter with a code, a new link by mail.
async def show_parents(
    request: Request,
    aangemeld: Aangemeld,
    overdracht_id: UUID,
    *,
    ouder_id: UUID | None = None,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> Response:
    """The list of the child's parents, or (`ouder_id`) the form to record one parent's decision."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            ouders = (await ouder_codes.parents(ctx, overdracht_id)).ouders  # the capability first: a 403 page
            o = await overdrachten.detail(ctx, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    context = {"aangemeld": aangemeld, "o": o, "fouten": fouten or {}, "melding": melding}
    if ouder_id is None:
        return page(
            request, "ouders.html", status, ouders=ouders, stappen=stappen.possible(aangemeld.user, o.status), **context
        )
    ouder = next((x for x in ouders if x.id == ouder_id), None)
    if ouder is None:
        return error_page(request, NotFound("Deze ouder hoort niet bij deze overdracht."), aangemeld)
    vandaag = amsterdam_date(datetime.now(UTC)).isoformat()
    return page(
        request, "ouder_toestemming.html", status, ouder=ouder, waarden=waarden or {"datum": vandaag}, **context
    )


@router.get("/overdrachten/{overdracht_id}/ouders")
async def parents(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    return await show_parents(request, aangemeld, overdracht_id)


@router.get("/overdrachten/{overdracht_id}/ouders/{ouder_id}/toestemming")
async def consent_form(
    request: Request, overdracht_id: UUID, ouder_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    return await show_parents(request, aangemeld, overdracht_id, ouder_id=ouder_id)


@router.post("/overdrachten/{overdracht_id}/ouders/{ouder_id}/toestemming")
async def record_consent(
    request: Request, overdracht_id: UUID, ouder_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    form = await request.form()
    waarden = {k: str(form.get(k, "")).strip() for k in ("besluit", "wijze", "datum")}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await show_parents(
            request, aangemeld, overdracht_id, ouder_id=ouder_id, waarden=waarden, fouten=fouten, melding=melding,
            status=status,
        )  # fmt: skip

    besluit, fouten = parse(ToestemmingNamensOuder, waarden)
    if besluit is None:
        return await again(fouten, None, 400)
    return await act(
        request, aangemeld, lambda ctx: stappen.record_consent_for_parent(ctx, overdracht_id, ouder_id, besluit),
        then=lambda: done(f"{_overdracht(overdracht_id)}/ouders", "toestemming_vastgelegd"), again=again,
    )  # fmt: skip


@router.post("/overdrachten/{overdracht_id}/ouders/{ouder_id}/brief")
async def print_letter(
    request: Request, overdracht_id: UUID, ouder_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    """The letter with a new code, as a PDF to print (its code replaces the parent's earlier one)."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            pdf = await ouder_brieven.print_letter(ctx, overdracht_id, ouder_id)
    except ServiceError as exc:
        if exc.status in (400, 409):
            return await show_parents(request, aangemeld, overdracht_id, melding=exc.detail, status=exc.status)
        return error_page(request, exc, aangemeld)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="brief-ouder.pdf"', "Cache-Control": "no-store"},
    )


@router.post("/overdrachten/{overdracht_id}/ouders/{ouder_id}/code")
async def mail_new_code(
    request: Request, overdracht_id: UUID, ouder_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await show_parents(request, aangemeld, overdracht_id, melding=melding, status=status)

    return await act(
        request, aangemeld, lambda ctx: ouder_codes.send_new_code(ctx, overdracht_id, ouder_id),
        then=lambda: done(f"{_overdracht(overdracht_id)}/ouders", "code_verstuurd"), again=again,
    )  # fmt: skip
