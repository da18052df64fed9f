"""The parents' codes beyond their messages: the location's staff list a child's parents, print a
letter with a new code for one (application/pdf), or send one a new link by mail
(services/ouder_brieven.py, services/ouder_codes.py); and a parent asks for a new link with their
address, without signing in (/v1/ouder-code-aanvragen)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Request, Response, status

from api.deps import Audit, Ctx, clients
from api.errors import problems
from schemas.api import LegeStap
from schemas.ouder_codes import AanvraagOntvangen, CodeVerstuurd, OuderCodeAanvraag, Ouders
from services import ouder_brieven, ouder_codes

router = APIRouter(prefix="/v1", tags=["ouders"])

PDF = "application/pdf"
ONE_PARENT = "/overdrachten/{overdracht_id}/ouders/{ouder_id}"
NoBody = Annotated[LegeStap | None, Body()]
ONTVANGEN = (
    "Als dit e-mailadres bij een ouder van een lopende overdracht hoort, krijgt die ouder binnen enkele minuten een"
    " e-mail met een nieuwe persoonlijke link. Geen e-mail gekregen? Neem dan contact op met de voorschool."
)


@router.get(
    "/overdrachten/{overdracht_id}/ouders",
    summary="The child's parents with custody: name, and whether a new code can go by mail",
    description="For the location's staff, to choose whom to give a new code: never an address.",
    responses=problems(400, 401, 403, 404, 503),
)
async def list_ouders(overdracht_id: UUID, ctx: Ctx) -> Ouders:
    return await ouder_codes.parents(ctx, overdracht_id)


@router.post(
    ONE_PARENT + "/brieven",
    summary="A printed letter (PDF, one A4 page) for one parent, with a new one-time code and its QR code",
    description=(
        "For a parent without an e-mail address, or one who prefers paper: plain Dutch, the parent's and the"
        " child's name, a fresh code (it works once, until it expires) and a QR code of the parent's link. Every"
        " call makes a new code; earlier ones keep working until used or expired. The answer is never stored"
        " for an `Idempotency-Key` (it holds the code)."
    ),
    response_class=Response,
    responses={
        200: {"description": "The letter.", "content": {PDF: {"schema": {"type": "string", "format": "binary"}}}},
        **problems(400, 401, 403, 404, 409, 503),
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
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send one parent a new personal link by mail",
    description=(
        "Delivered in the background, with a fresh one-time code. A parent without an address: 409"
        " (`GEEN_EMAILADRES`): print a letter instead (`POST …/brieven`)."
    ),
    responses=problems(400, 401, 403, 404, 409, 503),
)
async def send_new_code(overdracht_id: UUID, ouder_id: UUID, ctx: Ctx, body: NoBody = None) -> CodeVerstuurd:
    return await ouder_codes.send_new_code(ctx, overdracht_id, ouder_id)


@router.post(
    "/ouder-code-aanvragen",
    status_code=status.HTTP_202_ACCEPTED,
    summary="A parent asks for a new personal link, with their e-mail address",
    description=(
        "No sign-in. When the address belongs to a parent of a running overdracht, a new link is mailed to it."
        " The answer is the same whether the address is known or not, and also when a limit is reached"
        " (per address and in all, per hour): then nothing is sent. 400 only for what is no e-mail address."
    ),
    responses=problems(400, 503),
)
async def request_new_code(body: OuderCodeAanvraag, request: Request, audit: Audit) -> AanvraagOntvangen:
    await ouder_codes.request_new_code(clients(request), audit, body.email)
    return AanvraagOntvangen(bericht=ONTVANGEN)
