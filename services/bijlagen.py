"""Bijlagen: files uploaded with an overdracht's content, one use case each way per kind.

- The observation instrument's PDF export (KIJK!, Pravoo, …) with the form: the PM'er adds (or
  replaces) it while the form may be edited; whoever may read the form downloads it.
- The scan of a parent's consent form signed on paper (a PDF, or a photo: JPEG or PNG), one per parent:
  the location's staff add (or replace) it while the overdracht runs; the location's staff and that
  parent download it (not the school, the coördinator or the beheerder).

A file never goes through the engine: it is checked here by its content, encrypted with the service's
payload keys (AES-256-GCM, a fresh nonce per file, the overdracht, the kind and, for a scan, the parent
bound as associated data) and stored in PostgreSQL (db/bijlagen.py), which never holds its clear bytes.
It is content: purged with the form (db/read_model.py::purge_content). Every upload and download is in
the audit trail; no log line carries a file name, a name or any of its bytes."""

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from core.codec import EncryptionCodec
from db import bijlagen, ouder_codes
from schemas.audit import Actie
from schemas.bijlage import MAX_BIJLAGE_BYTES, Bijlage, BijlageSoort
from schemas.overdracht import Status
from services import views
from services.context import Context
from services.errors import NotFound, StepNotAllowed, TooLarge, UnsupportedFile
from services.overdrachten import visible
from services.permissions import Capability, require
from workflows.lifecycle import ALLOWED_FROM, LOPEND, Stap

log = logging.getLogger(__name__)
# pypdf's own warnings about a malformed file can quote the file's bytes: the file is personal data.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)
# Pillow logs (at DEBUG) what it finds in an image's chunks: the file's own text.
logging.getLogger("PIL").setLevel(logging.WARNING)

OBSERVATIE_EXPORT = BijlageSoort.OBSERVATIE_EXPORT
ONDERWERP = "overdracht.observatie_export"
VELDEN = ("bijlage.observatie_export",)
PDF_MAGIC = b"%PDF-"
# The export belongs to the form: it may be added or replaced exactly while the form may be saved.
BEWERKBAAR: frozenset[Status] = ALLOWED_FROM[Stap.FORMULIER_OPSLAAN]

MB = MAX_BIJLAGE_BYTES // (1024 * 1024)
GEEN_PDF = (
    "Dit bestand is geen (leesbare) PDF. Stuur de PDF-export van het observatie-instrument; er is niets gewijzigd."
)

# A parent's consent form signed on paper: a scan (PDF) or a photo (JPEG, PNG) of the signed page.
TOESTEMMINGSSCAN = BijlageSoort.TOESTEMMINGSSCAN
ONDERWERP_SCAN = "overdracht.toestemmingsscan"
VELDEN_SCAN = ("bijlage.toestemmingsscan",)
PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
# What a scan is, by its first bytes (the name and declared type say nothing); Pillow's name for an image's format.
SCAN_MAGIC = {PDF_MAGIC: PDF, b"\xff\xd8\xff": JPEG, b"\x89PNG\r\n\x1a\n": PNG}
IMAGE_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# More pixels than Pillow's guard against decompression bombs (its MAX_IMAGE_PIXELS, about 89 million) is
# refused before any decoding: a scan of an A4 page at 600 dpi has 35 million, a phone's photo 12 to 50
# million. tests/test_bijlagen.py holds it to Pillow's own.
MAX_PIXELS = 89_478_485
GEEN_SCAN = (
    "Dit bestand is geen (leesbare) PDF, JPEG of PNG. Stuur de scan of een foto van het getekende"
    " toestemmingsformulier; er is niets gewijzigd."
)
BEVEILIGDE_SCAN = (
    "Deze PDF is met een wachtwoord beveiligd, zodat de voorschool en de ouder hem niet kunnen openen."
    " Stuur hem zonder wachtwoord; er is niets gewijzigd."
)
TE_VEEL_PIXELS = (
    f"Deze afbeelding heeft meer dan {MAX_PIXELS // 1_000_000} miljoen pixels. Scan of fotografeer het formulier"
    " met een lagere resolutie; er is niets gewijzigd."
)
NIET_VAN_DEZE_OVERDRACHT = "Deze ouder hoort niet bij deze overdracht."
GEEN_EXPORT = "Bij deze overdracht is (nog) geen observatie-export toegevoegd."
NET_GEWIJZIGD = "De overdracht is net gewijzigd; er is niets opgeslagen. Probeer het opnieuw."
TE_GROOT = f"Het bestand is groter dan {MB} MB; er is niets gewijzigd."
GEEN_SCAN_TE_ZIEN = "Van deze ouder is (nog) geen scan van het getekende toestemmingsformulier die u kunt bekijken."


@dataclass(frozen=True)
class Bestand:
    """A downloaded bijlage: its clear bytes, their media type, and its metadata."""

    inhoud: bytes
    bijlage: Bijlage
    media_type: str = PDF


def _associated_data(overdracht_id: UUID, soort: BijlageSoort, ouder_id: UUID | None = None) -> bytes:
    # The ciphertext is this overdracht's file of this kind (and of this parent): moved to another row,
    # it does not decrypt.
    parent = f"/{ouder_id}" if ouder_id is not None else ""
    return f"bijlage/{soort.value}/{overdracht_id}{parent}".encode()


def _codec(ctx: Context) -> EncryptionCodec:
    # The same keys as the engine's payloads (OVERDRACHT_PAYLOAD_KEYS): the active one encrypts, every
    # configured one decrypts, so keys rotate as they do there.
    return EncryptionCodec.from_settings(ctx.settings)


def check_pdf(data: bytes) -> None:
    """Refuses (413, 415) what is not a PDF of at most 10 MB, by its content: the name a file was sent
    under says nothing. A PDF starts with `%PDF-` and has a document catalogue with at least one page."""
    _check_size(data)
    if not data.startswith(PDF_MAGIC):
        raise UnsupportedFile(GEEN_PDF)
    _check_pdf_pages(
        data,
        GEEN_PDF,
        "Deze PDF is met een wachtwoord beveiligd, zodat de ouders en de school hem niet kunnen openen."
        " Exporteer hem zonder wachtwoord; er is niets gewijzigd.",
    )


def _check_size(data: bytes) -> None:
    if len(data) > MAX_BIJLAGE_BYTES:
        raise TooLarge(TE_GROOT)


def _check_pdf_pages(data: bytes, unreadable: str, protected: str) -> None:
    """A PDF (its magic checked) that parses, with at least one page, and no password. pypdf is imported at
    the first upload, not with the API (some 27 MB of every API process: docs/performance.md, P4)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    except FileNotDecryptedError:
        raise UnsupportedFile(protected) from None
    except Exception:  # noqa: BLE001 - any failure of the parser on an uploaded file means: not a readable PDF
        raise UnsupportedFile(unreadable) from None
    if pages < 1:
        raise UnsupportedFile(unreadable)


async def upload_observatie_export(
    ctx: Context, overdracht_id: UUID, upload: Callable[[], Awaitable[bytes]]
) -> Bijlage:
    """Add or replace the observation export while the form may be edited (409 otherwise). `upload`
    reads the file: only once the caller may add it to this overdracht now."""
    user = require(ctx, Capability.BIJLAGE_TOEVOEGEN, overdracht_id=overdracht_id)
    ctx.audit.add(user, Actie.WIJZIGEN, ONDERWERP, overdracht_id=overdracht_id, velden=VELDEN)
    row = await visible(ctx, overdracht_id)
    _editable(row["status"])
    data = await upload()
    # Parsing and encrypting up to 10 MB take CPU: not on the event loop.
    await asyncio.to_thread(check_pdf, data)
    key_id, sealed = await asyncio.to_thread(_codec(ctx).seal, data, _associated_data(overdracht_id, OBSERVATIE_EXPORT))
    stored = await bijlagen.store(
        ctx.pool, overdracht_id, OBSERVATIE_EXPORT, len(data), key_id, sealed, only_in=BEWERKBAAR
    )
    if stored is None:  # the form left CONCEPT while the file came in
        row = await visible(ctx, overdracht_id)
        _editable(row["status"])
        raise StepNotAllowed(NET_GEWIJZIGD)
    log.info(
        "bijlage stored",
        extra={"overdracht_id": str(overdracht_id), "soort": OBSERVATIE_EXPORT.value, "grootte": len(data)},
    )
    return Bijlage(**dict(stored))


async def download_observatie_export(ctx: Context, overdracht_id: UUID) -> Bestand:
    """The observation export, for whoever may read the form (404 when there is none)."""
    user = require(ctx, Capability.BIJLAGE_LEZEN, overdracht_id=overdracht_id, actie=Actie.LEZEN)
    entry = ctx.audit.lezen(user, ONDERWERP, overdracht_id)
    await visible(ctx, overdracht_id)
    row = await bijlagen.get(ctx.pool, overdracht_id, OBSERVATIE_EXPORT)
    if row is None:
        raise NotFound(GEEN_EXPORT)
    inhoud = await asyncio.to_thread(
        _codec(ctx).unseal, row["sleutel_id"], bytes(row["inhoud"]), _associated_data(overdracht_id, OBSERVATIE_EXPORT)
    )
    entry.velden = list(VELDEN)
    bijlage = Bijlage(soort=row["soort"], grootte=row["grootte"], geupload_op=row["geupload_op"])
    return Bestand(inhoud=inhoud, bijlage=bijlage)


def _editable(status: str) -> None:
    if Status(status) not in BEWERKBAAR:
        raise not_editable(status)


def not_editable(status: str) -> StepNotAllowed:
    names = ", ".join(sorted(s.value for s in BEWERKBAAR))
    return StepNotAllowed(
        f"De observatie-export kan alleen worden toegevoegd of vervangen zolang het formulier bewerkt kan"
        f" worden (status {names}); deze overdracht is nu {status}. Er is niets gewijzigd."
    )


# The scan of a parent's consent form signed on paper


def scan_type(data: bytes) -> str | None:
    """The media type a scan's first bytes say it is: PDF, JPEG or PNG; None for anything else."""
    return next((media_type for magic, media_type in SCAN_MAGIC.items() if data.startswith(magic)), None)


def check_scan(data: bytes) -> str:
    """Refuses (413, 415) what is not a PDF, JPEG or PNG of at most 10 MB, by its content; answers its
    media type. A PDF parses with at least one page and no password; an image opens with Pillow as the
    format its first bytes name: a PNG's every chunk checksum holds, a JPEG decodes (at an eighth of its
    size: enough to find a broken or cut-off file, without holding the full picture in memory)."""
    _check_size(data)
    media_type = scan_type(data)
    if media_type is None:
        raise UnsupportedFile(GEEN_SCAN)
    if media_type == PDF:
        _check_pdf_pages(data, GEEN_SCAN, BEVEILIGDE_SCAN)
    else:
        _check_image(data, IMAGE_FORMATS[media_type])
    return media_type


def _check_image(data: bytes, fmt: str) -> None:
    from PIL import Image  # at the first image, as pypdf above

    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise TooLarge(TE_VEEL_PIXELS)
            image.verify()
        if fmt == "JPEG":  # verify() checks nothing of a JPEG: decode it, small
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                image.draft(None, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except TooLarge:
        raise
    except Image.DecompressionBombError:  # over twice Pillow's limit: refused as it opens
        raise TooLarge(TE_VEEL_PIXELS) from None
    except Exception:  # noqa: BLE001 - any failure of Pillow on an uploaded file means: not a readable image
        raise UnsupportedFile(GEEN_SCAN) from None


async def upload_toestemmingsscan(
    ctx: Context, overdracht_id: UUID, ouder_id: UUID, upload: Callable[[], Awaitable[bytes]]
) -> Bijlage:
    """Add or replace the scan of one parent's signed consent form while the overdracht runs (409 once
    it has ended: its content is purged, or may be). `upload` reads the file: only once the caller may
    add it for this parent of this overdracht now."""
    user = require(ctx, Capability.TOESTEMMINGSSCAN_TOEVOEGEN, overdracht_id=overdracht_id)
    ctx.audit.add(user, Actie.WIJZIGEN, ONDERWERP_SCAN, overdracht_id=overdracht_id, velden=VELDEN_SCAN)
    row = await visible(ctx, overdracht_id)
    _running(row["status"])
    await _parent_of(ctx, row, ouder_id)
    data = await upload()
    # Parsing and encrypting up to 10 MB take CPU: not on the event loop.
    await asyncio.to_thread(check_scan, data)
    ad = _associated_data(overdracht_id, TOESTEMMINGSSCAN, ouder_id)
    key_id, sealed = await asyncio.to_thread(_codec(ctx).seal, data, ad)
    stored = await bijlagen.store(
        ctx.pool, overdracht_id, TOESTEMMINGSSCAN, len(data), key_id, sealed, only_in=LOPEND, ouder_id=ouder_id
    )
    if stored is None:  # the overdracht ended while the file came in
        row = await visible(ctx, overdracht_id)
        _running(row["status"])
        raise StepNotAllowed(NET_GEWIJZIGD)
    log.info(
        "bijlage stored",
        extra={"overdracht_id": str(overdracht_id), "soort": TOESTEMMINGSSCAN.value, "grootte": len(data)},
    )
    return Bijlage(**dict(stored))


async def download_toestemmingsscan(ctx: Context, overdracht_id: UUID, ouder_id: UUID) -> Bestand:
    """The scan of one parent's signed consent form, for the location's staff and for that parent (404
    for another parent's, and when there is none)."""
    user = require(ctx, Capability.TOESTEMMINGSSCAN_LEZEN, overdracht_id=overdracht_id, actie=Actie.LEZEN)
    entry = ctx.audit.lezen(user, ONDERWERP_SCAN, overdracht_id)
    row = await visible(ctx, overdracht_id)
    if not views.reads_bijlage(user, TOESTEMMINGSSCAN, ouder_id):  # a parent: their own only
        raise NotFound(GEEN_SCAN_TE_ZIEN)
    await _parent_of(ctx, row, ouder_id)
    stored = await bijlagen.get(ctx.pool, overdracht_id, TOESTEMMINGSSCAN, ouder_id)
    if stored is None:
        raise NotFound(GEEN_SCAN_TE_ZIEN)
    ad = _associated_data(overdracht_id, TOESTEMMINGSSCAN, ouder_id)
    inhoud = await asyncio.to_thread(_codec(ctx).unseal, stored["sleutel_id"], bytes(stored["inhoud"]), ad)
    entry.velden = list(VELDEN_SCAN)
    bijlage = Bijlage(
        soort=stored["soort"], ouder_id=stored["ouder_id"], grootte=stored["grootte"], geupload_op=stored["geupload_op"]
    )
    return Bestand(inhoud=inhoud, bijlage=bijlage, media_type=scan_type(inhoud) or PDF)


async def _parent_of(ctx: Context, row: asyncpg.Record, ouder_id: UUID) -> None:
    """404 unless `ouder_id` is a parent (an account with the role ouder) of the overdracht's child."""
    kind_id = row["kind_id"]  # none once the content is purged: no parents left either
    if kind_id is None or await ouder_codes.parent_of(ctx.pool, kind_id, ouder_id) is None:
        raise NotFound(NIET_VAN_DEZE_OVERDRACHT)


def _running(status: str) -> None:
    if Status(status) not in LOPEND:
        raise not_running(status)


def not_running(status: str) -> StepNotAllowed:
    return StepNotAllowed(
        f"Een scan van een getekend toestemmingsformulier kan alleen worden toegevoegd zolang de overdracht"
        f" loopt; deze overdracht is {status}, en de inhoud ervan wordt of is verwijderd. Er is niets gewijzigd."
    )
