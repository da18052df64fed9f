"""/v1/overdrachten/{id}/observatie-export: the observation instrument's PDF export with the form; and
/v1/overdrachten/{id}/ouders/{ouderId}/toestemmingsscan: the scan of one parent's consent form signed on
paper. The routes read the upload and answer the file; the use cases are in services/bijlagen.py."""

from uuid import UUID

from fastapi import APIRouter, Request, Response

from api.deps import Ctx
from api.limits import takes_upload
from api.problems import OVERDRACHT_UNKNOWN, Documented, forbidden, problems
from api.uploads import FIELD, read_file, upload_problems
from schemas.bijlage import MAX_BIJLAGE_BYTES, Bijlage
from services import bijlagen
from services.errors import NotFound, StepNotAllowed, TooLarge, UnsupportedFile
from services.permissions import Capability

router = APIRouter(prefix="/v1/overdrachten", tags=["overdrachten"])

PDF = "application/pdf"
# What a client may call a PDF it sends as the body: its own type, or "some bytes" (what a browser says
# for a file it does not know). Either way the content decides.
BODY_TYPES = frozenset({PDF, "application/octet-stream"})
# The same name for every child: a name in the download would be personal data in someone's Downloads.
DISPOSITION = 'attachment; filename="observatie.pdf"'

UPLOAD = f"""
De PDF-export van het observatie-instrument (KIJK!, Pravoo, …) bij het formulier: één per overdracht,
een nieuwe upload vervangt de vorige. Zolang het formulier bewerkt kan worden (`concept`), door de
pedagogisch medewerker of de locatiemanager.

**Upload**: de PDF als body (`Content-Type: {PDF}`), of `multipart/form-data` met het bestand in het
veld `{FIELD}`. Hooguit {MAX_BIJLAGE_BYTES // (1024 * 1024)} MB. De inhoud beslist, niet de naam: een
bestand dat geen PDF is, wordt onder elke naam geweigerd (415).

Versleuteld opgeslagen, nooit in de workflow-engine, en verwijderd met het formulier. Het antwoord is de
metadata (soort, grootte, wanneer); het detail van de overdracht toont hetzelfde onder `bijlagen`.
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
        "description": "De PDF, zoals geüpload.",
        "content": {PDF: {"schema": {"type": "string", "format": "binary"}}},
        "headers": {"Content-Disposition": _HEADER, "Cache-Control": _HEADER},
    },
    **problems(
        forbidden(Capability.BIJLAGE_LEZEN),
        OVERDRACHT_UNKNOWN,
        Documented(NotFound(bijlagen.GEEN_EXPORT), "Bij deze overdracht is (nog) geen observatie-export toegevoegd."),
    ),
}


class PdfResponse(Response):
    media_type = PDF


@router.put(
    "/{overdracht_id}/observatie-export",
    operation_id="uploadObservatieExport",
    summary="De PDF-export van het observatie-instrument toevoegen of vervangen (zolang het formulier een concept is)",
    description=UPLOAD,
    openapi_extra=_UPLOAD_BODY,
    responses=problems(
        forbidden(Capability.BIJLAGE_TOEVOEGEN),
        OVERDRACHT_UNKNOWN,
        Documented(bijlagen.not_editable("bij_ouders"), "Het formulier is geen concept (`concept`) meer."),
        Documented(
            StepNotAllowed(bijlagen.NET_GEWIJZIGD),
            "De overdracht veranderde van status terwijl het bestand binnenkwam; er is niets opgeslagen.",
        ),
        *upload_problems(MAX_BIJLAGE_BYTES, BODY_TYPES),
        Documented(UnsupportedFile(bijlagen.GEEN_PDF), "Het bestand is geen (leesbare) PDF, wat de naam ook zegt."),
    ),
)
@takes_upload
async def upload_observatie_export(overdracht_id: UUID, request: Request, ctx: Ctx) -> Bijlage:
    return await bijlagen.upload_observatie_export(
        ctx, overdracht_id, lambda: read_file(request, max_bytes=MAX_BIJLAGE_BYTES, types=BODY_TYPES)
    )


@router.get(
    "/{overdracht_id}/observatie-export",
    operation_id="downloadObservatieExport",
    summary="De PDF-export van het observatie-instrument downloaden",
    description="Voor iedereen die het formulier mag lezen: de medewerkers van de locatie, de ouders, en de school"
    " zodra de overdracht daarheen is verzonden. Niet de coördinator of de beheerder (403).",
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
De scan van het op papier getekende toestemmingsformulier van één ouder (de handtekening is de
toestemming; de pedagogisch medewerker legt haar als zodanig vast): een PDF, of een foto van de getekende
pagina (JPEG of PNG). Eén per ouder, een nieuwe upload vervangt de vorige. Door de pedagogisch
medewerker of de locatiemanager van de locatie, zolang de overdracht loopt (409 als ze is afgesloten).
`ouderId` moet een ouder van het kind van de overdracht zijn (anders 404).

**Upload**: het bestand als body (`Content-Type` {", ".join(f"`{t}`" for t in SCAN_TYPES)} of
`application/octet-stream`), of `multipart/form-data` met het bestand in het veld `{FIELD}`. Hooguit
{MAX_BIJLAGE_BYTES // (1024 * 1024)} MB. De inhoud beslist, niet de naam: alles behalve een leesbare PDF,
JPEG of PNG wordt geweigerd (415).

Versleuteld opgeslagen, nooit in de workflow-engine, en verwijderd met de inhoud. Het antwoord is de
metadata (soort, ouder, grootte, wanneer); het detail van de overdracht toont hetzelfde onder `bijlagen`,
aan de medewerkers van de locatie en aan die ouder.
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
        "description": "De scan, zoals geüpload: een PDF, JPEG of PNG.",
        "content": {t: _BINARY for t in SCAN_TYPES},
        "headers": {"Content-Disposition": _HEADER, "Cache-Control": _HEADER},
    },
    **problems(
        forbidden(Capability.TOESTEMMINGSSCAN_LEZEN),
        OVERDRACHT_UNKNOWN,
        Documented(
            NotFound(bijlagen.GEEN_SCAN_TE_ZIEN),
            "Van deze ouder is (nog) geen scan, of het is de scan van een andere ouder dan uzelf.",
        ),
    ),
}
NOT_A_PARENT = Documented(NotFound(bijlagen.NIET_VAN_DEZE_OVERDRACHT), "`ouderId` is geen ouder van dit kind.")


@router.put(
    SCAN,
    operation_id="uploadToestemmingsscan",
    summary="De scan van het op papier getekende toestemmingsformulier van één ouder toevoegen of vervangen",
    description=SCAN_UPLOAD,
    openapi_extra=_SCAN_UPLOAD_BODY,
    responses=problems(
        forbidden(Capability.TOESTEMMINGSSCAN_TOEVOEGEN),
        OVERDRACHT_UNKNOWN,
        NOT_A_PARENT,
        Documented(
            bijlagen.not_running("geannuleerd"), "De overdracht is afgesloten; haar inhoud wordt of is verwijderd."
        ),
        Documented(
            StepNotAllowed(bijlagen.NET_GEWIJZIGD),
            "De overdracht veranderde van status terwijl het bestand binnenkwam; er is niets opgeslagen.",
        ),
        *upload_problems(MAX_BIJLAGE_BYTES, SCAN_BODY_TYPES),
        Documented(TooLarge(bijlagen.TE_VEEL_PIXELS), "Een afbeelding met meer pixels dan een scan ooit nodig heeft."),
        Documented(UnsupportedFile(bijlagen.GEEN_SCAN), "Het bestand is geen (leesbare) PDF, JPEG of PNG."),
        Documented(UnsupportedFile(bijlagen.BEVEILIGDE_SCAN), "Een PDF met een wachtwoord."),
    ),
)
@takes_upload
async def upload_toestemmingsscan(overdracht_id: UUID, ouder_id: UUID, request: Request, ctx: Ctx) -> Bijlage:
    return await bijlagen.upload_toestemmingsscan(
        ctx, overdracht_id, ouder_id, lambda: read_file(request, max_bytes=MAX_BIJLAGE_BYTES, types=SCAN_BODY_TYPES)
    )


@router.get(
    SCAN,
    operation_id="downloadToestemmingsscan",
    summary="De scan van het getekende toestemmingsformulier van één ouder downloaden",
    description="Voor de medewerkers van de locatie (pedagogisch medewerker, locatiemanager) en voor die ouder. Niet"
    " voor een andere ouder, de school, de coördinator of de beheerder (403 voor een rol die hem nooit mag lezen, 404"
    " voor de scan van een andere ouder).",
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
