"""The placements import's job, step by step, as workflows/imports.py runs it (through
activities/imports.py): check the file once, then store and start the good rows a batch at a time,
then end. Each step is safe to repeat after a crash: the check is recorded in one transaction, and a
row's child is stored in one transaction with the note that it was, so no row is done twice."""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

import asyncpg

from core.codec import EncryptionCodec
from db import audit as audit_log
from db import gebruikers, import_taken, overdrachten, plaatsingen
from db import protocol as protocols
from db.import_taken import GelezenRij
from db.pool import Connection
from schemas.audit import Actie
from schemas.imports import Plaatsing
from schemas.protocol import Protocol
from schemas.workflow import HandoverInput, Open, Openingsuitkomst
from services import commands
from services import plaatsingen as plaatsing_wijzigingen
from services.audit import AuditTrail, velden_van_plaatsing
from services.context import Clients, Context
from services.errors import Forbidden
from services.import_controle import AFGESLOTEN, Controle
from services.imports import associated_data
from services.overdrachten import actor
from services.permissions import Capability, require
from services.plaatsingen_csv import lees_bestand
from workflows import deadlines

log = logging.getLogger(__name__)

# Rows of one batch in progress at once: most of their time is spent waiting for the engine.
GELIJKTIJDIG = 4
# The reason recorded when the import ends a placement (column einde_plaatsing).
EINDE_PLAATSING = "De plaatsing is beëindigd (volgens de import)."
# The audit trail names what the rows came in by.
ENDPOINT = "POST /v1/imports/plaatsingen"


class ImportMislukt(Exception):
    """The job cannot go on, whatever is retried; the message says why, in Dutch, without a value."""


async def _context(clients: Clients, gebruiker_id: UUID) -> Context:
    """The one who started the job, as they are now: a deactivated account or a role that may no
    longer import stops it."""
    user = await gebruikers.get(clients.pool, gebruiker_id)
    if user is None:
        raise ImportMislukt("Het account dat de import startte, is gedeactiveerd.")
    ctx = await Context.of(user, clients, AuditTrail(clients.pool, endpoint=ENDPOINT))
    try:
        require(ctx, Capability.PLAATSINGEN_IMPORTEREN)
    except Forbidden:
        raise ImportMislukt("Wie de import startte, mag niet meer importeren.") from None
    return ctx


async def _protocol(ctx: Context) -> Protocol:
    protocol = await protocols.current(ctx.pool, ctx.user.gemeente_id)
    if protocol is None:
        raise ImportMislukt("Voor de gemeente is geen protocol meer ingesteld.")
    return protocol


def _codec(clients: Clients) -> EncryptionCodec:
    return EncryptionCodec.from_settings(clients.settings)


async def check(clients: Clients, taak_id: UUID) -> int:
    """Check every row of the file and record the outcome; the number of good rows, numbered 0, 1, …
    in the order they are to be stored. The file is emptied. A repeat answers the same."""
    stored = await import_taken.file(clients.pool, taak_id)
    if stored is None:
        return await import_taken.good_count(clients.pool, taak_id)
    ctx = await _context(clients, stored["gebruiker_id"])
    await _protocol(ctx)
    codec = _codec(clients)
    data = await asyncio.to_thread(
        codec.unseal, stored["sleutel_id"], bytes(stored["bestand"]), associated_data(taak_id)
    )
    bestand = await asyncio.to_thread(lees_bestand, data)
    controle = Controle(ctx.pool, ctx.user)
    await controle.check(bestand.rijen)

    def sealed(plaatsing: Plaatsing) -> tuple[str, bytes]:
        return codec.seal(plaatsing.model_dump_json().encode(), associated_data(taak_id))

    goed = await asyncio.to_thread(lambda: [sealed(p) for _, p in controle.goed])
    rijen = [
        *(GelezenRij(r.regel, opgeslagen="afgewezen", overdracht="geen", fouten=[f.model_dump() for f in r.fouten])
          for r in controle.afgewezen),
        *(GelezenRij(r.regel, opgeslagen="afgesloten", overdracht="geen", fouten=[{"veld": None, "reden": AFGESLOTEN}])
          for r in controle.afgesloten),
        *(GelezenRij(p.regel, volgnummer=i, kind_id=k, sleutel_id=key_id, plaatsing=blob)
          for i, ((k, p), (key_id, blob)) in enumerate(zip(controle.goed, goed, strict=True))),
    ]  # fmt: skip
    # One row in the audit trail per child the import stores (or finds unchanged), written with the check.
    for kind_id, plaatsing in controle.goed:
        ctx.audit.add(
            ctx.user, Actie.IMPORTEREN, "plaatsingen", kind_id=kind_id, velden=velden_van_plaatsing(plaatsing)
        )
    for regel in ctx.audit.regels:
        regel.resultaat = 200

    async def audit(conn: Connection) -> None:
        await audit_log.append(conn, ctx.audit.regels)

    if not await import_taken.checked(clients.pool, taak_id, rijen, audit):
        return await import_taken.good_count(clients.pool, taak_id)
    log.info(
        "placements import checked",
        extra={"taak_id": str(taak_id), "goed": len(controle.goed), "afgewezen": len(controle.afgewezen)},
    )
    return len(controle.goed)


async def store(
    clients: Clients, taak_id: UUID, van: int, tot: int, progress: Callable[[], None], openingen: "Openingen"
) -> None:
    """Store the good rows `van` up to `tot` and start their overdrachten, a few at a time, each waiting
    for its overdracht to open (`openingen`: the process's one); `progress` is called for each row done.
    Rows done before (a repeat after a crash) are skipped. An error of the database or the engine is
    raised: the caller tries the batch again."""
    job = await import_taken.get(clients.pool, taak_id)
    if job is None:
        raise ImportMislukt("De import bestaat niet meer.")
    ctx = await _context(clients, job["gebruiker_id"])
    protocol = await _protocol(ctx)
    codec = _codec(clients)
    rows = [
        (r["kind_id"], Plaatsing.model_validate_json(codec.unseal(r["sleutel_id"], bytes(r["plaatsing"]), associated_data(taak_id))))
        for r in await import_taken.good_rows(clients.pool, taak_id, van, tot)
    ]  # fmt: skip
    # First the children, a few transactions for the whole batch; then what their starts take, in one query.
    for i in range(0, len(rows), OPSLAAN_PER_TRANSACTIE):
        await _store_children(ctx, taak_id, rows[i : i + OPSLAAN_PER_TRANSACTIE])
    kinderen = await plaatsingen.voor_start(ctx.pool, [kind_id for kind_id, _ in rows])
    klaar = Klaar(clients.pool, taak_id, progress)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(rows)):
        queue.put_nowait(i)

    async def work() -> None:
        while not queue.empty():
            kind_id, plaatsing = rows[queue.get_nowait()]
            overdracht = await _start(ctx, protocol, kind_id, plaatsing, kinderen[kind_id], openingen)
            await klaar.add(plaatsing.regel, overdracht)

    workers = [asyncio.create_task(work()) for _ in range(min(GELIJKTIJDIG, len(rows)))]
    try:
        await asyncio.gather(*workers)
    except BaseException:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        # What was done is written all the same, so a repeat does not do it again; if that fails too,
        # the repeat finds those rows' overdrachten open and leaves them be.
        with contextlib.suppress(Exception):
            await asyncio.shield(klaar.write())
        raise
    await klaar.write()


# Children stored in one transaction: a round trip and a commit for a few, not one for each; few enough
# that a batch tried again after a crash repeats little.
OPSLAAN_PER_TRANSACTIE = 25


async def _store_children(ctx: Context, taak_id: UUID, rows: list[tuple[UUID, Plaatsing]]) -> None:
    """The rows' children, each stored once (a row stored before a crash is not stored again)."""
    by_regel = {plaatsing.regel: (kind_id, plaatsing) for kind_id, plaatsing in rows}

    async def child(conn: Connection, regel: int) -> str:
        kind_id, plaatsing = by_regel[regel]
        return (await plaatsingen.opslaan(conn, kind_id, plaatsing)).value

    await import_taken.store_once(ctx.pool, taak_id, list(by_regel), child)


class Klaar:
    """The batch's rows done, written a few at a time: at most every SCHRIJF_ELKE seconds a statement for
    the rows done since, and once more at the end. A crash in between loses no row: one not written as
    done is done again, and finds its child stored and its overdracht open."""

    def __init__(self, pool: asyncpg.Pool, taak_id: UUID, progress: Callable[[], None]) -> None:
        self._pool = pool
        self._taak_id = taak_id
        self._progress = progress
        self._done: dict[int, str] = {}
        self._next = 0.0

    async def add(self, regel: int, overdracht: str) -> None:
        self._done[regel] = overdracht
        if asyncio.get_running_loop().time() >= self._next:
            await self.write()

    async def write(self) -> None:
        done, self._done = self._done, {}
        self._next = asyncio.get_running_loop().time() + SCHRIJF_ELKE
        if done:
            try:
                await import_taken.rows_done(self._pool, self._taak_id, done)
            except BaseException:
                self._done.update(done)
                raise
            for _ in done:
                self._progress()


# How often the rows done are written (the job's progress moves as often).
SCHRIJF_ELKE = 0.25
# How long a row waits at most for its overdracht to open, and how often the batch looks.
OPEN_BINNEN = 30.0
KIJK_ELKE = 0.05


class Openingen:
    """The rows waiting for their overdracht to open, of every batch the process runs: a row the job
    reports as opened is one the people who imported can see, and no more rows are started than the
    engine opens (each lane waits for its own). It opens in its workflow's first task, in the engine's
    time; one that takes longer than OPEN_BINNEN (the engine far behind) is not waited for: it opens all
    the same. One query every KIJK_ELKE asks for every row waiting, not one per row or per batch; it
    stops asking when nobody waits. (The activity beats meanwhile: activities/hartslag.py.)"""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._waiting: dict[UUID, asyncio.Future[None]] = {}
        self._watcher: asyncio.Task[None] | None = None

    async def wait(self, overdracht_id: UUID) -> None:
        opened = self._waiting[overdracht_id] = asyncio.get_running_loop().create_future()
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.create_task(self._watch())
        try:
            await asyncio.wait_for(asyncio.shield(opened), OPEN_BINNEN)
        except TimeoutError:
            log.warning("placements import: an overdracht not open yet", extra={"overdracht_id": str(overdracht_id)})
        finally:
            self._waiting.pop(overdracht_id, None)

    async def _watch(self) -> None:
        while self._waiting:
            await asyncio.sleep(KIJK_ELKE)
            if not self._waiting:
                return
            try:
                found = await overdrachten.existing(self._pool, list(self._waiting))
            except Exception as exc:  # each row waiting fails with it, and the batch is tried again
                for row in self._waiting.values():
                    if not row.done():
                        row.set_exception(exc)
                return
            for overdracht_id in found:
                if (opened := self._waiting.get(overdracht_id)) is not None and not opened.done():
                    opened.set_result(None)


async def _start(
    ctx: Context, protocol: Protocol, kind_id: UUID, plaatsing: Plaatsing, kind: asyncpg.Record, openingen: Openingen
) -> str:
    """One row, its child stored: its overdracht started (or, when the child left, ended). What happened
    to the overdracht: geopend, ingepland, beeindigd or geen."""
    if plaatsing.einde_plaatsing is not None:
        # The child left: no overdracht opens, one open is cancelled.
        return await _leave(ctx, kind_id, plaatsing.einde_plaatsing)
    # A child who left gets no overdracht, even while the export still lists it; one opened is left alone.
    if kind["geopend"] or kind["plaatsing_beeindigd_op"] is not None:
        return "geen"
    handover = HandoverInput(
        overdracht_id=commands.overdracht_id_for(kind_id),
        kind_id=kind_id,
        gemeente_id=kind["gemeente_id"],
        locatie_id=kind["locatie_id"],
        school_id=kind["aangemelde_school_id"],
        geboortedatum=kind["geboortedatum"],
        vve_indicatie=kind["vve_indicatie"],
        protocol=protocol,
        automatisch_openen=True,
        opener=(importer := actor(ctx)),
    )
    # Started with the importer as its opener, the workflow opens in its first task (past the start age)
    # or by itself at the start age; the row waits for that task (Openingen), not for what follows it.
    if await commands.start_opened_handover(ctx.temporal, ctx.settings, handover):
        if datetime.now(UTC) < deadlines.starts_at(handover.geboortedatum, protocol.config):
            return "ingepland"
        await openingen.wait(handover.overdracht_id)
        return "geopend"
    # A run is going already (asked to open at the start age before): ask it, as a person would.
    opening = await commands.start_handover(
        ctx.temporal, ctx.settings, handover, Open(actor=importer, op_startleeftijd=True)
    )
    return {Openingsuitkomst.GEOPEND: "geopend", Openingsuitkomst.INGEPLAND: "ingepland"}.get(opening.uitkomst, "geen")


async def _leave(ctx: Context, kind_id: UUID, einde: date) -> str:
    await plaatsing_wijzigingen.leave(ctx, kind_id, EINDE_PLAATSING, einde)
    return "beeindigd"


async def finish(clients: Clients, taak_id: UUID) -> None:
    await import_taken.finish(clients.pool, taak_id, "klaar")
    counts = await import_taken.counts(clients.pool, taak_id)
    # Counts only: the file is personal data.
    log.info("placements imported", extra={"taak_id": str(taak_id), **counts})


async def fail(clients: Clients, taak_id: UUID, reden: str) -> None:
    await import_taken.finish(clients.pool, taak_id, "mislukt", reden)
    log.warning("placements import stopped", extra={"taak_id": str(taak_id)})
