"""The placements import as a use case: check every row of a CSV export, store the good ones, and
start each child's overdracht (the workflow opens it now or at the start age)."""

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from uuid import UUID

import asyncpg
from temporalio.service import RPCError, RPCStatusCode

from db import plaatsingen
from db import protocol as protocols
from db.plaatsingen import Uitkomst
from protocol.dates import amsterdam_date
from schemas.audit import Actie
from schemas.imports import (
    AfgeslotenRij,
    AfgewezenRij,
    GelezenRij,
    ImportResultaat,
    NietGestart,
    Plaatsing,
    Rijfout,
    kind_id_voor,
    kind_sleutel,
)
from schemas.overdracht import Rol
from schemas.protocol import Protocol
from schemas.workflow import HandoverInput, Open, Openingsuitkomst
from services import commands
from services import plaatsingen as plaatsing_wijzigingen
from services.audit import velden_van_plaatsing
from services.context import Context
from services.errors import InvalidInput, NoProtocol, Unavailable
from services.overdrachten import actor
from services.permissions import Capability, require
from services.plaatsingen_csv import BestandOngeldig, Rij, lees_bestand, lees_rij
from workflows.lifecycle import EINDSTATUSSEN

log = logging.getLogger(__name__)

# Rows in progress at once: most of their time is spent waiting for the engine.
GELIJKTIJDIG = 16
# Of which at most this many use the database at once: an import must not take every connection from
# the API's other requests.
DATABASE_GELIJKTIJDIG = 4

# The reason recorded when the import ends a placement (column einde_plaatsing).
EINDE_PLAATSING = "De plaatsing is beëindigd (volgens de import)."
AFGESLOTEN = (
    "De overdracht van dit kind is afgesloten (geweigerd, ingetrokken, geannuleerd of afgerond); de rij is niet"
    " ingelezen en er wordt niets heropend."
)
MENTOR_ONBEKEND = "geen pedagogisch medewerker van deze locatie; gebruik diens e-mailadres of id"
LOCATIE_GESLOTEN = "deze locatie is gesloten: er kunnen geen nieuwe kinderen worden geplaatst"
SCHOOL_GESLOTEN = "deze school is gesloten: kies een andere school"
NIET_GESTART = (
    "De gegevens zijn opgeslagen, maar de overdracht kon nu niet worden gestart (de workflow-engine is niet "
    "bereikbaar). Importeer het bestand later opnieuw: wat er al is, blijft ongewijzigd."
)


async def import_plaatsingen(ctx: Context, upload: Callable[[], Awaitable[bytes]]) -> ImportResultaat:
    """`upload` reads the file: only once the caller may import at all."""
    user = require(ctx, Capability.PLAATSINGEN_IMPORTEREN)
    data = await upload()
    try:
        # Reading a file of thousands of rows takes a second of CPU: not on the event loop.
        bestand = await asyncio.to_thread(lees_bestand, data)
    except BestandOngeldig as exc:
        kolommen = exc.kolommen or {"bestand": exc.reden}
        params = [{"name": k, "reason": r} for k, r in kolommen.items()]
        raise InvalidInput(exc.reden, invalid_params=params) from None
    protocol = await protocols.current(ctx.pool, user.gemeente_id)
    if protocol is None:
        raise NoProtocol("Voor uw gemeente is nog geen protocol ingesteld; vraag het functioneel beheer.")
    run = _Import(ctx, protocol)
    await run.check(bestand.rijen)
    for kind_id, plaatsing in run.goed:  # one row per child stored (or found unchanged)
        ctx.audit.add(user, Actie.IMPORTEREN, "plaatsingen", kind_id=kind_id, velden=velden_van_plaatsing(plaatsing))
    await run.store()
    result = run.result(len(bestand.rijen), bestand.genegeerde_kolommen)
    # Counts only: the file is personal data.
    log.info(
        "placements imported",
        extra=result.model_dump(
            include={"rijen", "geimporteerd", "bijgewerkt", "ongewijzigd", "afgewezen", "afgesloten"}
        ),
    )
    return result


def _compact(text: str) -> str:
    return " ".join(text.split())


class _Import:
    """One import: check every row, then store the good ones and start their overdrachten."""

    def __init__(self, ctx: Context, protocol: Protocol) -> None:
        self.ctx, self.pool, self.user, self.protocol = ctx, ctx.pool, ctx.user, protocol
        self.afgewezen: list[AfgewezenRij] = []
        self.afgesloten: list[AfgeslotenRij] = []
        self.goed: list[tuple[UUID, Plaatsing]] = []
        self.uitkomsten: Counter[Uitkomst] = Counter()
        self.geopend = self.ingepland = self.beeindigd = 0
        self.niet_gestart: list[NietGestart] = []
        self.engine_onbereikbaar = False
        self.database = asyncio.Semaphore(DATABASE_GELIJKTIJDIG)

    # Checking

    async def check(self, rijen: list[Rij]) -> None:
        vandaag = amsterdam_date(datetime.now(UTC))
        await self._load_organisations(rijen)
        gezien: dict[tuple[str, str, str, str], int] = {}
        gelezen: list[tuple[tuple[str, str, str, str], Plaatsing]] = []
        gelezen_rijen = await asyncio.to_thread(lambda: [lees_rij(rij, vandaag) for rij in rijen])
        for rij, row in zip(rijen, gelezen_rijen, strict=True):
            fouten = row if isinstance(row, list) else []
            locatie_id = self._locatie(rij, fouten)
            school_id = self._school(rij, fouten)
            mentor_id = self._mentor(rij, locatie_id, fouten)
            if isinstance(row, GelezenRij) and not fouten:
                assert locatie_id is not None
                sleutel = kind_sleutel(locatie_id, row.voornaam, row.achternaam, row.geboortedatum)
                if sleutel in gezien:
                    fouten.append(Rijfout(veld=None, reden=f"dubbele rij: hetzelfde kind als regel {gezien[sleutel]}"))
                else:
                    gezien[sleutel] = row.regel
                    velden = row.model_dump(exclude={"locatie", "school", "mentor"})
                    plaatsing = Plaatsing(
                        **velden,
                        gemeente_id=self.user.gemeente_id,
                        locatie_id=locatie_id,
                        school_id=school_id,
                        mentor_id=mentor_id,
                    )
                    gelezen.append((sleutel, plaatsing))
            if fouten:
                self.afgewezen.append(AfgewezenRij(regel=rij.regel, fouten=fouten))
        # A child placed before (by hand, or by an earlier import) keeps its id; a new one gets the
        # id its identifying fields give, so a repeat finds it again.
        bekend = await plaatsingen.bekende_kinderen(self.pool, list({p.locatie_id for _, p in gelezen}))
        # A closed location or school takes no new child (services/organisatie.py); a child it knows carries on.
        gesloten = {s: f for s, p in gelezen if s not in bekend and (f := self._gesloten(p))}
        self.afgewezen += [AfgewezenRij(regel=p.regel, fouten=gesloten[s]) for s, p in gelezen if s in gesloten]
        goed = [(bekend.get(s) or kind_id_voor(s), p) for s, p in gelezen if s not in gesloten]
        # A child whose overdracht has ended stays as it ended: its record is not stored again (after a
        # refusal it was purged) and no new overdracht starts under its id.
        ids = [commands.overdracht_id_for(k) for k, _ in goed]
        ended = await plaatsingen.afgesloten(self.pool, ids, [s.value for s in EINDSTATUSSEN])
        self.goed = [(k, p) for k, p in goed if commands.overdracht_id_for(k) not in ended]
        self.afgesloten = [
            AfgeslotenRij(regel=p.regel, reden=AFGESLOTEN) for k, p in goed if commands.overdracht_id_for(k) in ended
        ]

    async def _load_organisations(self, rijen: list[Rij]) -> None:
        locaties = await plaatsingen.locaties(self.pool, self.user.gemeente_id)
        self.locatie_ids = {r["id"] for r in locaties}
        self.locatie_namen: dict[str, list[UUID]] = defaultdict(list)
        for r in locaties:
            self.locatie_namen[_compact(r["naam"])].append(r["id"])
        school_ids = [i for rij in rijen if (i := _uuid(rij.velden.get("school", ""))) is not None]
        scholen = await plaatsingen.scholen(self.pool, self.user.gemeente_id, list(set(school_ids)))
        self.school_ids = {r["id"] for r in scholen}
        self.gesloten = {r["id"] for r in locaties if r["gesloten"]} | {r["id"] for r in scholen if r["gesloten"]}
        self.school_namen: dict[str, list[UUID]] = defaultdict(list)
        for r in scholen:
            if r["eigen"]:
                self.school_namen[_compact(r["naam"])].append(r["id"])
        await self._load_mentoren()

    def _locatie(self, rij: Rij, fouten: list[Rijfout]) -> UUID | None:
        waarde = _compact(rij.velden.get("locatie", ""))
        if not waarde or any(f.veld == "locatie" for f in fouten):
            return None
        locatie_id = _resolve(waarde, self.locatie_ids, self.locatie_namen)
        if isinstance(locatie_id, str):
            fouten.append(Rijfout(veld="locatie", reden=locatie_id.replace("{}", "locatie")))
            return None
        if self.user.rol is Rol.LOCATIEMANAGER and locatie_id not in self.user.locatie_ids:
            fouten.append(Rijfout(veld="locatie", reden="niet uw locatie"))
            return None
        return locatie_id

    def _school(self, rij: Rij, fouten: list[Rijfout]) -> UUID | None:
        waarde = _compact(rij.velden.get("school", ""))
        if not waarde or any(f.veld == "school" for f in fouten):
            return None
        school_id = _resolve(waarde, self.school_ids, self.school_namen)
        if isinstance(school_id, str):
            fouten.append(Rijfout(veld="school", reden=school_id.replace("{}", "school")))
            return None
        return school_id

    def _gesloten(self, plaatsing: Plaatsing) -> list[Rijfout]:
        """Why a child new to the service cannot be placed: its location or school is closed."""
        fouten = []
        if plaatsing.locatie_id in self.gesloten:
            fouten.append(Rijfout(veld="locatie", reden=LOCATIE_GESLOTEN))
        if plaatsing.school_id in self.gesloten:
            fouten.append(Rijfout(veld="school", reden=SCHOOL_GESLOTEN))
        return fouten

    async def _load_mentoren(self) -> None:
        """Who may be named as mentor, per location: its PM'ers, by id and by address (case aside)."""
        self.mentoren: dict[UUID, dict[str, UUID]] = defaultdict(dict)
        for r in await plaatsingen.medewerkers(self.pool, self.user.gemeente_id):
            self.mentoren[r["locatie_id"]][str(r["id"])] = r["id"]
            if r["email"]:
                self.mentoren[r["locatie_id"]][r["email"].casefold()] = r["id"]

    def _mentor(self, rij: Rij, locatie_id: UUID | None, fouten: list[Rijfout]) -> UUID | None:
        """The row's `mentor`: a PM'er of the row's location, by address or id; empty keeps the one known."""
        waarde = _compact(rij.velden.get("mentor", ""))
        if not waarde or locatie_id is None or any(f.veld == "mentor" for f in fouten):
            return None
        sleutel = str(by_id) if (by_id := _uuid(waarde)) is not None else waarde.casefold()
        mentor_id = self.mentoren[locatie_id].get(sleutel)
        if mentor_id is None:
            fouten.append(Rijfout(veld="mentor", reden=MENTOR_ONBEKEND))
        return mentor_id

    # Storing and starting

    async def store(self) -> None:
        """Each row in its own transaction, a few at a time. A database failure stops the import (the
        rows stored so far stay; importing again completes it); an engine failure only skips starting
        that row's overdracht."""
        queue: asyncio.Queue[tuple[UUID, Plaatsing]] = asyncio.Queue()
        for item in self.goed:
            queue.put_nowait(item)

        async def work() -> None:
            while not queue.empty():
                kind_id, plaatsing = queue.get_nowait()
                async with self.database:
                    self.uitkomsten[await plaatsingen.opslaan(self.pool, kind_id, plaatsing)] += 1
                    kind = await plaatsingen.voor_start(self.pool, kind_id)
                if plaatsing.einde_plaatsing is not None:
                    # The child left: no overdracht opens, one open is cancelled.
                    await self._leave(kind_id, plaatsing.einde_plaatsing, plaatsing.regel)
                    continue
                # A child who left gets no overdracht, even while the export still lists it.
                if not kind["geopend"] and kind["plaatsing_beeindigd_op"] is None:
                    await self._start(kind_id, kind, plaatsing.regel)

        workers = [asyncio.create_task(work()) for _ in range(min(GELIJKTIJDIG, len(self.goed)))]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise

    async def _start(self, kind_id: UUID, kind: asyncpg.Record, regel: int) -> None:
        """Start the child's overdracht: the workflow opens it now (past the start age; by the importer)
        or by itself at the start age."""
        if self.engine_onbereikbaar:
            self.niet_gestart.append(NietGestart(regel=regel, reden=NIET_GESTART))
            return
        handover = HandoverInput(
            overdracht_id=commands.overdracht_id_for(kind_id),
            kind_id=kind_id,
            gemeente_id=kind["gemeente_id"],
            locatie_id=kind["locatie_id"],
            school_id=kind["aangemelde_school_id"],
            geboortedatum=kind["geboortedatum"],
            vve_indicatie=kind["vve_indicatie"],
            protocol=self.protocol,
        )
        try:
            opening = await commands.start_handover(
                self.ctx.temporal, self.ctx.settings, handover, Open(actor=actor(self.ctx), op_startleeftijd=True)
            )
        except Exception as exc:
            # One row's engine trouble must not lose the rows stored around it. The message of an
            # engine error may quote the workflow input: log its type only.
            log.warning(
                "overdracht of an imported row not started",
                extra={"regel": regel, "error_type": type(exc).__name__},
            )
            if isinstance(exc, Unavailable) or (
                isinstance(exc, RPCError) and exc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED)
            ):
                # Down: the other rows need not each wait for the timeout.
                self.engine_onbereikbaar = True
            self.niet_gestart.append(NietGestart(regel=regel, reden=NIET_GESTART))
            return
        self.geopend += opening.uitkomst is Openingsuitkomst.GEOPEND
        self.ingepland += opening.uitkomst is Openingsuitkomst.INGEPLAND

    async def _leave(self, kind_id: UUID, einde: date, regel: int) -> None:
        try:
            await plaatsing_wijzigingen.leave(self.ctx, kind_id, EINDE_PLAATSING, einde)
        except Unavailable:
            self.niet_gestart.append(NietGestart(regel=regel, reden=NIET_GESTART))
            return
        self.beeindigd += 1

    def result(self, rijen: int, genegeerd: list[str]) -> ImportResultaat:
        return ImportResultaat(
            rijen=rijen,
            geimporteerd=self.uitkomsten[Uitkomst.NIEUW],
            bijgewerkt=self.uitkomsten[Uitkomst.BIJGEWERKT],
            ongewijzigd=self.uitkomsten[Uitkomst.ONGEWIJZIGD],
            afgewezen=len(self.afgewezen),
            afgesloten=len(self.afgesloten),
            overdrachten_geopend=self.geopend,
            overdrachten_ingepland=self.ingepland,
            plaatsingen_beeindigd=self.beeindigd,
            afgewezen_rijen=sorted(self.afgewezen, key=lambda r: r.regel),
            afgesloten_rijen=sorted(self.afgesloten, key=lambda r: r.regel),
            niet_gestart=sorted(self.niet_gestart, key=lambda r: r.regel),
            genegeerde_kolommen=genegeerd,
        )


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text.strip())
    except ValueError:
        return None


def _resolve(waarde: str, ids: set[UUID], namen: dict[str, list[UUID]]) -> UUID | str:
    """An organisation by id or exact name; else the reason, with {} for what it is."""
    if (by_id := _uuid(waarde)) is not None:
        return by_id if by_id in ids else "onbekende {}: dit id is niet bekend"
    found = namen.get(waarde, [])
    if len(found) > 1:
        return "meer dan één {} met deze naam; gebruik het id"
    return found[0] if found else "onbekende {} in uw gemeente"
