"""Files with an overdracht, through the pages: the observation instrument's PDF export (uploaded from
the form editor, read by whoever reads the form) and the scan of a parent's consent form signed on paper
(uploaded and read on the parents' page of the voorschool). The use cases in services/bijlagen.py check
the capability, the state and the file's content, encrypt it and write the audit rows; here the form is
read, bounded before it is parsed."""

from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from schemas.bijlage import MAX_BIJLAGE_BYTES
from services import bijlagen
from services.context import Context
from services.errors import InvalidInput, ServiceError, TooLarge
from web.render import GEDAAN, caller, done, error_page, same_origin, signed_in
from web.routes.formulier import show_editor
from web.routes.stappen import show_parents
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

GEDAAN.update(
    {
        "observatie_export": "De observatie-export is opgeslagen bij het formulier.",
        "toestemmingsscan": "De scan van het getekende formulier is opgeslagen.",
    }
)
FIELD = "bestand"
# A form posts the file with the CSRF token and a little wrapping around it.
MAX_FORM_BYTES = MAX_BIJLAGE_BYTES + 64 * 1024
TE_GROOT = TooLarge(
    f"Het bestand is groter dan {MAX_BIJLAGE_BYTES // (1024 * 1024)} MB; er is niets opgeslagen.",
    invalid_params=[{"name": FIELD, "reason": "te groot"}],
)
GEEN_BESTAND = InvalidInput("Kies een bestand.", invalid_params=[{"name": FIELD, "reason": "Kies een bestand."}])
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

Upload = Callable[[Context, Callable[[], Awaitable[bytes]]], Awaitable[object]]
Again = Callable[[dict[str, str], str | None, int], Awaitable[Response]]


async def _upload(
    request: Request, aangemeld: Aangemeld, store: Upload, then: Callable[[], Response], again: Again
) -> Response:
    """Signed in (the dependency), from our own origin, not too large (by its length, before reading it),
    then the form with the session's CSRF token; then the use case, which reads the file only once the
    person may add it. A refusal of the file shows the page again with why."""
    length = request.headers.get("content-length", "")
    try:
        if not same_origin(request):
            raise InvalidInput("Dit formulier komt niet van deze site.")
        if not length.isdecimal() or int(length) > MAX_FORM_BYTES:
            raise TE_GROOT
        form = await request.form(max_files=1, max_fields=2)
        csrf, bestand = form.get("csrf"), form.get(FIELD)
        if csrf != aangemeld.csrf:
            raise InvalidInput("Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.")
        if not isinstance(bestand, UploadFile) or not bestand.filename:
            raise GEEN_BESTAND
        async with caller(request, aangemeld.user) as ctx:
            await store(ctx, bestand.read)
    except ServiceError as exc:
        if exc.status in (403, 404, 503):
            return error_page(request, exc, aangemeld)
        if exc.status in (400, 413, 415):  # about the file: the message beside it
            return await again({FIELD: exc.detail}, None, exc.status)
        return await again({}, exc.detail, exc.status)  # the state: why above the form
    return then()


@router.post("/overdrachten/{overdracht_id}/observatie-export")
async def upload_observation_export(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await show_editor(request, aangemeld, overdracht_id, status=status, fouten=fouten, melding=melding)

    return await _upload(
        request, aangemeld, lambda ctx, read: bijlagen.upload_observatie_export(ctx, overdracht_id, read),
        lambda: done(f"/overdrachten/{overdracht_id}/formulier", "observatie_export"), again,
    )  # fmt: skip


@router.get("/overdrachten/{overdracht_id}/observatie-export")
async def download_observation_export(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            bestand = await bijlagen.download_observatie_export(ctx, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    headers = {"Content-Disposition": 'attachment; filename="observatie.pdf"', **NO_STORE}
    return Response(bestand.inhoud, media_type="application/pdf", headers=headers)


@router.post("/overdrachten/{overdracht_id}/ouders/{ouder_id}/toestemmingsscan")
async def upload_consent_scan(
    request: Request, overdracht_id: UUID, ouder_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await show_parents(
            request, aangemeld, overdracht_id, ouder_id=ouder_id, status=status, fouten=fouten, melding=melding
        )

    return await _upload(
        request, aangemeld,
        lambda ctx, read: bijlagen.upload_toestemmingsscan(ctx, overdracht_id, ouder_id, read),
        lambda: done(f"/overdrachten/{overdracht_id}/ouders", "toestemmingsscan"), again,
    )  # fmt: skip


@router.get("/overdrachten/{overdracht_id}/ouders/{ouder_id}/toestemmingsscan")
async def download_consent_scan(
    request: Request, overdracht_id: UUID, ouder_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            bestand = await bijlagen.download_toestemmingsscan(ctx, overdracht_id, ouder_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    extension = {"image/jpeg": "jpg", "image/png": "png"}.get(bestand.media_type, "pdf")
    headers = {"Content-Disposition": f'attachment; filename="toestemming.{extension}"', **NO_STORE}
    return Response(bestand.inhoud, media_type=bestand.media_type, headers=headers)
