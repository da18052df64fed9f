"""The placements import as the caller sees it: hand in a CSV export and get a job back at once; follow
its progress; when it has ended, its outcome and the report per row. The job itself, in the background,
is services/import_taak.py, driven by workflows/imports.py."""

import asyncio
import functools
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from uuid import UUID

import asyncpg

from core.codec import EncryptionCodec
from db import import_taken
from db import protocol as protocols
from schemas.gebruiker import Gebruiker
from schemas.imports import AfgeslotenRij, AfgewezenRij, ImportResultaat, ImportTaak, Rijfout, TaakStatus
from schemas.overdracht import Rol
from services import commands
from services.context import Context
from services.errors import InvalidInput, NoProtocol, NotFound, NotReady
from services.permissions import Capability, require
from services.plaatsingen_csv import BestandOngeldig, lees_bestand
from services.spreadsheet import Tabel

log = logging.getLogger(__name__)

# The report's words for each outcome (db/import_taken.py).
UITKOMSTEN = {
    "afgewezen": "afgewezen",
    "afgesloten": "niet ingelezen: overdracht afgesloten",
    "nieuw": "nieuw kind",
    "bijgewerkt": "bijgewerkt",
    "ongewijzigd": "ongewijzigd",
}
OVERDRACHTEN = {
    "geopend": "overdracht geopend",
    "ingepland": "overdracht ingepland",
    "beeindigd": "plaatsing beëindigd",
    "geen": "",
}


UNKNOWN = "Deze import bestaat niet, of u heeft hem niet gestart."
NO_PROTOCOL = "Voor uw gemeente is nog geen protocol ingesteld; vraag het functioneel beheer."
NOT_DONE = "Het verslag is er zodra de import klaar is."


def associated_data(taak_id: UUID) -> bytes:
    """What a sealed file or row of this job is bound to: moved to another job, it does not decrypt."""
    return f"import/{taak_id}".encode()


async def start(ctx: Context, upload: Callable[[], Awaitable[bytes]]) -> ImportTaak:
    """Accept a file: refused whole (400) when the file as such is wrong, and 409 without a protocol;
    otherwise kept, sealed, for the job that reads it. `upload` reads the file: only once the caller
    may import at all."""
    user = require(ctx, Capability.PLAATSINGEN_IMPORTEREN)
    data = await upload()
    try:
        # Reading a file of thousands of rows takes a second of CPU: not on the event loop. Checked and
        # counted only: the job reads the rows (services/import_taak.py).
        bestand = await asyncio.to_thread(functools.partial(lees_bestand, data, rijen=False))
    except BestandOngeldig as exc:
        kolommen = exc.kolommen or {"bestand": exc.reden}
        params = [{"name": k, "reason": r} for k, r in kolommen.items()]
        raise InvalidInput(exc.reden, invalid_params=params) from None
    if await protocols.current(ctx.pool, user.gemeente_id) is None:
        raise NoProtocol(NO_PROTOCOL)
    taak_id = uuid.uuid4()
    key_id, sealed = await asyncio.to_thread(
        EncryptionCodec.from_settings(ctx.settings).seal, data, associated_data(taak_id)
    )
    await import_taken.create(
        ctx.pool, taak_id, user.gemeente_id, user.id, bestand.aantal, bestand.genegeerde_kolommen, key_id, sealed
    )
    try:
        await commands.start_import(ctx.temporal, ctx.settings, taak_id)
    except BaseException:
        # Without its workflow nobody would ever read it: as if never asked.
        await import_taken.delete(ctx.pool, taak_id)
        raise
    log.info("placements import accepted", extra={"taak_id": str(taak_id), "rijen": bestand.aantal})
    return await _taak(ctx.pool, user, taak_id)


async def taak(ctx: Context, taak_id: UUID) -> ImportTaak:
    """The job, to whoever started it and to the gemeente's beheerder; 404 to anyone else."""
    user = require(ctx, Capability.PLAATSINGEN_IMPORTEREN)
    return await _taak(ctx.pool, user, taak_id)


RAPPORT_HEADER = ("regel", "uitkomst", "overdracht", "toelichting")


async def rapport(ctx: Context, taak_id: UUID) -> Tabel:
    """The report per row, for a spreadsheet: line number, outcome, what happened to the overdracht,
    every reason. Nothing of the file's content. 409 while the job still runs."""
    user = require(ctx, Capability.PLAATSINGEN_IMPORTEREN)
    job = await _taak(ctx.pool, user, taak_id)
    if job.status in (TaakStatus.WACHTEND, TaakStatus.BEZIG):
        raise NotReady(NOT_DONE)
    rows = []
    for row in await import_taken.report(ctx.pool, taak_id):
        fouten = [Rijfout.model_validate(f) for f in _json_list(row["fouten"])]
        toelichting = "; ".join(f"{f.veld}: {f.reden}" if f.veld else f.reden for f in fouten)
        uitkomst = UITKOMSTEN.get(row["opgeslagen"] or "", "niet verwerkt")
        rows.append((row["regel"], uitkomst, OVERDRACHTEN.get(row["overdracht"] or "", ""), toelichting))
    return Tabel("importverslag", RAPPORT_HEADER, rows)


def _mine(user: Gebruiker, row: asyncpg.Record) -> bool:
    if row["gemeente_id"] != user.gemeente_id:
        return False
    return row["gebruiker_id"] == user.id or user.rol is Rol.BEHEERDER


async def _taak(pool: asyncpg.Pool, user: Gebruiker, taak_id: UUID) -> ImportTaak:
    row = await import_taken.get(pool, taak_id)
    if row is None or not _mine(user, row):
        raise NotFound(UNKNOWN)
    status = TaakStatus(row["status"])
    return ImportTaak(
        id=taak_id,
        status=status,
        rijen=row["rijen"],
        verwerkt=row["verwerkt"],
        aangemaakt_op=row["aangemaakt_op"],
        klaar_op=row["klaar_op"],
        reden=row["reden"],
        resultaat=await _resultaat(pool, taak_id, row) if status is TaakStatus.KLAAR else None,
        rapport=f"/v1/imports/{taak_id}/rapport",
    )


async def _resultaat(pool: asyncpg.Pool, taak_id: UUID, job: asyncpg.Record) -> ImportResultaat:
    counts = await import_taken.counts(pool, taak_id)
    afgewezen, afgesloten = [], []
    for row in await import_taken.report(pool, taak_id):
        fouten = [Rijfout.model_validate(f) for f in _json_list(row["fouten"])]
        if row["opgeslagen"] == "afgewezen":
            afgewezen.append(AfgewezenRij(regel=row["regel"], fouten=fouten))
        elif row["opgeslagen"] == "afgesloten":
            afgesloten.append(AfgeslotenRij(regel=row["regel"], reden=fouten[0].reden if fouten else ""))
    return ImportResultaat(
        rijen=job["rijen"],
        geimporteerd=counts.get("nieuw", 0),
        bijgewerkt=counts.get("bijgewerkt", 0),
        ongewijzigd=counts.get("ongewijzigd", 0),
        afgewezen=counts.get("afgewezen", 0),
        afgesloten=counts.get("afgesloten", 0),
        overdrachten_geopend=counts.get("geopend", 0),
        overdrachten_ingepland=counts.get("ingepland", 0),
        plaatsingen_beeindigd=counts.get("beeindigd", 0),
        afgewezen_rijen=afgewezen,
        afgesloten_rijen=afgesloten,
        genegeerde_kolommen=list(job["genegeerde_kolommen"]),
    )


def _json_list(value: str) -> list[object]:
    found = json.loads(value)
    return found if isinstance(found, list) else []
