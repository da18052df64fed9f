"""/v1/overdrachten/{id}/observatie-export: the observation instrument's PDF export with the form; and
/v1/overdrachten/{id}/ouders/{ouderId}/toestemmingsscan: the scan of one parent's consent form signed on
paper. The routes read the upload and answer the file; the use cases are in services/bijlagen.py."""

from uuid import UUID

from fastapi import APIRouter, Request, Response

from api.deps import Ctx
from api.errors import problems
from api.limits import takes_upload
from api.uploads import FIELD, read_file
from schemas.bijlage import MAX_BIJLAGE_BYTES, Bijlage
from services import bijlagen

router = APIRouter(prefix="/v1/overdrachten", tags=["overdrachten"])

PDF = "application/pdf"
# What a client may call a PDF it sends as the body: its own type, or "some bytes" (what a browser says
# for a file it does not know). Either way the content decides.
BODY_TYPES = frozenset({PDF, "application/octet-stream"})
# The same name for every child: a name in the download would be personal data in someone's Downloads.
DISPOSITION = 'attachment; filename="observatie.pdf"'

UPLOAD = f"""
The observation instrument's PDF export (KIJK!, Pravoo, …) with the form: one per overdracht, a new
upload replaces it. While the form may be edited (CONCEPT), by the PM'er or the locatiemanager.

**Upload**: the PDF as the body (`Content-Type: {PDF}`), or `multipart/form-data` with the file in
the field `{FIELD}`. At most {MAX_BIJLAGE_BYTES // (1024 * 1024)} MB. The content decides, not the name:
a file that is not a PDF is refused (415) under any name.

Stored encrypted, never in the workflow engine, and purged with the form. The answer is its metadata
(kind, size, when); the overdracht's detail shows the same under `bijlagen`.
"""

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            PDF: {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {FIELD: {"type": "string", "format": "binary"}},
                    "required": [FIELD],
                }
            },
        },
    }
}

_HEADER = {"schema": {"type": "string"}}
_DOWNLOAD: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The PDF, as uploaded.",
        "content": {PDF: {"schema": {"type": "string", "format": "binary"}}},
        "headers": {"Content-Disposition": _HEADER, "Cache-Control": _HEADER},
    },
    **problems(400, 401, 403, 404, 503),
}


class PdfResponse(Response):
    media_type = PDF


@router.put(
    "/{overdracht_id}/observatie-export",
    summary="Add or replace the observation instrument's PDF export (while the form is a draft)",
    description=UPLOAD,
    openapi_extra=_UPLOAD_BODY,
    responses=problems(400, 401, 403, 404, 409, 413, 415, 503),
)
@takes_upload
async def upload_observatie_export(overdracht_id: UUID, request: Request, ctx: Ctx) -> Bijlage:
    return await bijlagen.upload_observatie_export(
        ctx, overdracht_id, lambda: read_file(request, max_bytes=MAX_BIJLAGE_BYTES, types=BODY_TYPES)
    )


@router.get(
    "/{overdracht_id}/observatie-export",
    summary="Download the observation instrument's PDF export",
    description="For everyone who may read the form: the location's staff, the parents, and the school once "
    "it was sent there. Not the coördinator or the beheerder (403).",
    response_class=PdfResponse,
    responses=_DOWNLOAD,
)
async def download_observatie_export(overdracht_id: UUID, ctx: Ctx) -> PdfResponse:
    bestand = await bijlagen.download_observatie_export(ctx, overdracht_id)
    headers = {
        "Content-Disposition": DISPOSITION,
        # Personal data: no copy in a browser's or a proxy's cache.
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return PdfResponse(content=bestand.inhoud, headers=headers)


# The scan of a parent's consent form signed on paper

JPEG, PNG = "image/jpeg", "image/png"
SCAN_TYPES = (PDF, JPEG, PNG)
SCAN_BODY_TYPES = frozenset({*SCAN_TYPES, "application/octet-stream"})
# The same name for every child and parent; only the extension follows the content.
SCAN_NAMES = {PDF: "toestemming.pdf", JPEG: "toestemming.jpg", PNG: "toestemming.png"}
SCAN = "/{overdracht_id}/ouders/{ouder_id}/toestemmingsscan"

SCAN_UPLOAD = f"""
The scan of one parent's consent form signed on paper (their signature is their consent; the PM'er
records it as such): a PDF, or a photo of the signed page (JPEG or PNG). One per parent, a new upload
replaces it. By the location's PM'er or locatiemanager while the overdracht runs (409 once it has ended).
`ouderId` must be a parent of the overdracht's child (else 404).

**Upload**: the file as the body (`Content-Type` {", ".join(f"`{t}`" for t in SCAN_TYPES)} or
`application/octet-stream`), or `multipart/form-data` with the file in the field `{FIELD}`. At most
{MAX_BIJLAGE_BYTES // (1024 * 1024)} MB. The content decides, not the name: anything else than a readable
PDF, JPEG or PNG is refused (415).

Stored encrypted, never in the workflow engine, and purged with the content. The answer is its metadata
(kind, parent, size, when); the overdracht's detail shows the same under `bijlagen`, to the location's
staff and to that parent.
"""

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_SCAN_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            **{t: _BINARY for t in SCAN_TYPES},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {FIELD: _BINARY["schema"]}, "required": [FIELD]}
            },
        },
    }
}
_SCAN_DOWNLOAD: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The scan, as uploaded: a PDF, JPEG or PNG.",
        "content": {t: _BINARY for t in SCAN_TYPES},
        "headers": {"Content-Disposition": _HEADER, "Cache-Control": _HEADER},
    },
    **problems(400, 401, 403, 404, 503),
}


@router.put(
    SCAN,
    summary="Add or replace the scan of one parent's consent form signed on paper (while the overdracht runs)",
    description=SCAN_UPLOAD,
    openapi_extra=_SCAN_UPLOAD_BODY,
    responses=problems(400, 401, 403, 404, 409, 413, 415, 503),
)
@takes_upload
async def upload_toestemmingsscan(overdracht_id: UUID, ouder_id: UUID, request: Request, ctx: Ctx) -> Bijlage:
    return await bijlagen.upload_toestemmingsscan(
        ctx, overdracht_id, ouder_id, lambda: read_file(request, max_bytes=MAX_BIJLAGE_BYTES, types=SCAN_BODY_TYPES)
    )


@router.get(
    SCAN,
    summary="Download the scan of one parent's signed consent form",
    description="For the location's staff (PM'er, locatiemanager) and for that parent. Not another parent, the "
    "school, the coördinator or the beheerder (403 for a role that may never read it, 404 for another parent's).",
    response_class=Response,
    responses=_SCAN_DOWNLOAD,
)
async def download_toestemmingsscan(overdracht_id: UUID, ouder_id: UUID, ctx: Ctx) -> Response:
    bestand = await bijlagen.download_toestemmingsscan(ctx, overdracht_id, ouder_id)
    headers = {
        "Content-Disposition": f'attachment; filename="{SCAN_NAMES[bestand.media_type]}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(content=bestand.inhoud, media_type=bestand.media_type, headers=headers)
