"""Files with an overdracht, through the pages: the observation instrument's PDF export (uploaded from
the form editor, read by whoever reads the form) and the scan of a parent's consent form signed on paper
(uploaded and read on the parents' page of the voorschool). The use cases in services/bijlagen.py check
the capability, the state and the file's content, encrypt it and write the audit rows; here the form is
read, bounded before it is parsed."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.limits import takes_upload
from schemas.bijlage import MAX_BIJLAGE_BYTES
from services import bijlagen
from services.errors import ServiceError
from web.render import GEDAAN, caller, done, error_page, signed_in
from web.routes.formulier import show_editor
from web.routes.stappen import show_parents
from web.sessions import Aangemeld
from web.uploads import upload

router = APIRouter(include_in_schema=False)

GEDAAN.update(
    {
        "observatie_export": "De observatie-export is opgeslagen bij het formulier.",
        "toestemmingsscan": "De scan van het getekende formulier is opgeslagen.",
    }
)
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


@router.post("/overdrachten/{overdracht_id}/observatie-export")
@takes_upload
async def upload_observation_export(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await show_editor(request, aangemeld, overdracht_id, status=status, fouten=fouten, melding=melding)

    return await upload(
        request, aangemeld, MAX_BIJLAGE_BYTES, lambda ctx, read: bijlagen.upload_observatie_export(ctx, overdracht_id, read),
        then=lambda _: done(f"/overdrachten/{overdracht_id}/formulier", "observatie_export"), again=again,
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
@takes_upload
async def upload_consent_scan(
    request: Request, overdracht_id: UUID, ouder_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await show_parents(
            request, aangemeld, overdracht_id, ouder_id=ouder_id, status=status, fouten=fouten, melding=melding
        )

    return await upload(
        request, aangemeld, MAX_BIJLAGE_BYTES,
        lambda ctx, read: bijlagen.upload_toestemmingsscan(ctx, overdracht_id, ouder_id, read),
        then=lambda _: done(f"/overdrachten/{overdracht_id}/ouders", "toestemmingsscan"), again=again,
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
