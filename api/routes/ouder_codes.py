"""The parents' codes beyond their messages: the location's staff list a child's parents, print a
letter with a new code for one (application/pdf), or send one a new link by mail
(services/ouder_brieven.py, services/ouder_codes.py); and a parent asks for a new link with their
address, without signing in (/v1/ouder-code-aanvragen)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Request, Response, status

from api.deps import Audit, Ctx, clients
from api.problems import DATABASE_DOWN, ENGINE_DOWN, OVERDRACHT_UNKNOWN, Documented, forbidden, problems
from schemas.api import LegeStap
from schemas.ouder_codes import AanvraagOntvangen, CodeVerstuurd, OuderCodeAanvraag, Ouders
from services import ouder_brieven, ouder_codes
from services.errors import InvalidInput, NoAddress, NotFound, StepNotAllowed
from services.permissions import Capability

router = APIRouter(prefix="/v1", tags=["ouders"])

PDF = "application/pdf"
ONE_PARENT = "/overdrachten/{overdracht_id}/ouders/{ouder_id}"
NoBody = Annotated[LegeStap | None, Body()]
UITGEVEN = forbidden(Capability.OUDER_CODE_UITGEVEN)
EEN_OUDER = (
    UITGEVEN,
    OVERDRACHT_UNKNOWN,
    Documented(NotFound(ouder_codes.NOT_A_PARENT), "`ouderId` is geen ouder met gezag van dit kind."),
    Documented(
        StepNotAllowed(ouder_codes.CLOSED), "De overdracht is afgesloten: een ouder heeft geen nieuwe code meer nodig."
    ),
)
ONTVANGEN = (
    "Als dit e-mailadres bij een ouder van een lopende overdracht hoort, krijgt die ouder binnen enkele minuten een"
    " e-mail met een nieuwe persoonlijke link. Geen e-mail gekregen? Neem dan contact op met de voorschool."
)


@router.get(
    "/overdrachten/{overdracht_id}/ouders",
    operation_id="listOuders",
    summary="De ouders met gezag van het kind: naam, en of een nieuwe code per e-mail kan",
    description="Voor de medewerkers van de locatie, om te kiezen wie een nieuwe code krijgt: nooit een adres.",
    responses=problems(UITGEVEN, OVERDRACHT_UNKNOWN),
)
async def list_ouders(overdracht_id: UUID, ctx: Ctx) -> Ouders:
    return await ouder_codes.parents(ctx, overdracht_id)


@router.post(
    ONE_PARENT + "/brieven",
    operation_id="printOuderBrief",
    summary="Een afgedrukte brief (PDF, één A4) voor één ouder, met een nieuwe eenmalige code en de QR-code ervan",
    description=(
        "Voor een ouder zonder e-mailadres, of een die liever papier heeft: in eenvoudig Nederlands, met de naam van"
        " de ouder en van het kind, een nieuwe code (die één keer werkt, tot ze verloopt) en een QR-code van de link"
        " van de ouder. Elke aanroep maakt een nieuwe code; eerdere blijven werken tot ze gebruikt of verlopen zijn."
        " Het antwoord wordt nooit bewaard voor een `Idempotency-Key` (het bevat de code)."
    ),
    response_class=Response,
    responses={
        200: {"description": "De brief.", "content": {PDF: {"schema": {"type": "string", "format": "binary"}}}},
        **problems(*EEN_OUDER),
    },
)
async def print_letter(overdracht_id: UUID, ouder_id: UUID, ctx: Ctx, body: NoBody = None) -> Response:
    pdf = await ouder_brieven.print_letter(ctx, overdracht_id, ouder_id)
    return Response(
        pdf,
        media_type=PDF,
        headers={"Content-Disposition": 'attachment; filename="brief-ouder.pdf"', "Cache-Control": "no-store"},
    )


@router.post(
    ONE_PARENT + "/nieuwe-codes",
    operation_id="sendNieuweOuderCode",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Eén ouder een nieuwe persoonlijke link per e-mail sturen",
    description=(
        "Op de achtergrond bezorgd, met een nieuwe eenmalige code. Een ouder zonder adres: 409 (`geen_emailadres`):"
        " druk dan een brief af (`POST …/brieven`)."
    ),
    responses=problems(
        *EEN_OUDER,
        Documented(NoAddress(ouder_codes.NO_ADDRESS), "Van de ouder is geen e-mailadres bekend: druk een brief af."),
        ENGINE_DOWN,
    ),
)
async def send_new_code(overdracht_id: UUID, ouder_id: UUID, ctx: Ctx, body: NoBody = None) -> CodeVerstuurd:
    return await ouder_codes.send_new_code(ctx, overdracht_id, ouder_id)


@router.post(
    "/ouder-code-aanvragen",
    operation_id="requestNieuweOuderCode",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Een ouder vraagt een nieuwe persoonlijke link aan, met het eigen e-mailadres",
    description=(
        "Zonder aanmelden. Hoort het adres bij een ouder van een lopende overdracht, dan gaat er een nieuwe link"
        " heen. Het antwoord is hetzelfde of het adres nu bekend is of niet, en ook als een grens is bereikt (per adres"
        " en in totaal, per uur): dan wordt er niets verstuurd. Een 400 alleen voor wat geen e-mailadres is."
    ),
    responses=problems(
        Documented(
            InvalidInput(ouder_codes.NO_EMAIL, invalid_params=[{"name": "email", "reason": "geen geldig e-mailadres"}]),
            "`email` is geen e-mailadres.",
        ),
        DATABASE_DOWN,
    ),
)
async def request_new_code(body: OuderCodeAanvraag, request: Request, audit: Audit) -> AanvraagOntvangen:
    await ouder_codes.request_new_code(clients(request), audit, body.email)
    return AanvraagOntvangen(bericht=ONTVANGEN)
