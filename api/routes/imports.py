"""/v1/imports: placements (children at a voorschool location) from a CSV export."""

import asyncio
import email.parser
import email.policy
import logging
from collections import Counter, defaultdict
from datetime import UTC, datetime
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Request
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.deps import DbDep, PlaatsingenImporteren, SettingsDep, TemporalDep
from api.errors import InvalidInput, NoProtocol, Unavailable, problems
from core.settings import Settings
from db import plaatsingen
from db import protocol as protocols
from db.plaatsingen import Uitkomst
from protocol.dates import amsterdam_date
from schemas.audit import Actie
from schemas.gebruiker import Gebruiker
from schemas.imports import (
    KOLOMMEN,
    MAX_BESTAND_BYTES,
    MAX_RIJEN,
    MAX_VELDLENGTE,
    AfgewezenRij,
    BestandOngeldig,
    GelezenRij,
    ImportResultaat,
    NietGestart,
    Plaatsing,
    Rij,
    Rijfout,
    kind_id_voor,
    kind_sleutel,
    lees_bestand,
    lees_rij,
)
from schemas.overdracht import Rol
from schemas.protocol import Protocol
from schemas.workflow import Actor, HandoverInput, Open
from services import commands as engine
from services.audit import Audit, velden_van_plaatsing
from workflows import deadlines as rules

router = APIRouter(prefix="/v1/imports", tags=["imports"])

log = logging.getLogger(__name__)

# Rows in progress at once: most of their time is spent waiting for the engine.
GELIJKTIJDIG = 16
# Of which at most this many use the database at once: an import must not take every connection from
# the API's other requests.
DATABASE_GELIJKTIJDIG = 4
# A multipart body carries the file and a little wrapping around it.
_MULTIPART_MARGE = 64 * 1024
_CSV_TYPES = frozenset({"text/csv", "application/csv"})

NIET_GESTART = (
    "De gegevens zijn opgeslagen, maar de overdracht kon nu niet worden gestart (de workflow-engine is niet "
    "bereikbaar). Importeer het bestand later opnieuw: wat er al is, blijft ongewijzigd."
)

FORMAAT = f"""
Import children placed at a voorschool location, with their parents, from the CSV export of a
preschool administration or the JGZ: one child per row.

**Upload**: `multipart/form-data` with the file in the field `bestand` (what a web form sends), or
the file itself as the body with `Content-Type: text/csv`. At most {MAX_BESTAND_BYTES // (1024 * 1024)} MB
and {MAX_RIJEN} rows.

**File**: UTF-8 (with or without BOM); `;`, `,` or tab as delimiter (the one the header uses);
the first line names the columns (case and spaces do not matter; unknown columns are ignored and
listed in `genegeerdeKolommen`). Fields of at most {MAX_VELDLENGTE} characters. Empty lines are skipped.

| column | required | content |
| --- | --- | --- |
| `voornaam`, `achternaam` | yes | the child's names |
| `geboortedatum` | yes | `DD-MM-JJJJ` or `JJJJ-MM-DD`; not in the future, younger than 6 |
| `locatie` | yes | the location's id, or its exact name within your gemeente |
| `vve_indicatie` | yes | `ja`/`nee` (also `true`/`false`, `1`/`0`) |
| `vve_indicatie_datum` | no | date the JGZ issued it |
| `ouder1_naam`, `ouder1_email` | yes | a parent with custody: gets an account for this child |
| `ouder2_naam`, `ouder2_email` | no | the second parent: both or neither |
| `bsn` | no | 9 digits passing the elfproef (a dropped leading zero is restored) |
| `school` (or `aangemelde_school`) | no | the school the child is registered at: its id, or its exact name within your gemeente |

**Who**: a locatiemanager (rows for their own location only) or a beheerder (any location of
their gemeente).

**What happens**: each row is checked; a bad row is rejected with its line number and, per field,
the reason (never a value from the file); good rows are stored, each in its own transaction. The same
child (location, names ignoring case and spacing, date of birth) and the same parent (child, email)
get the same ids every time: importing a file again changes nothing, and a row repeating an earlier
child in the same file is rejected as a duplicate. An empty optional field keeps what is known;
parents are added or updated, never removed. A child past the protocol's start age gets its
overdracht opened at once (by you, in its timeline; one past a deadline is flagged at once); a younger
child's overdracht is started ahead and opens itself at the start age. A row whose overdracht the
engine could not start is listed in `nietGestart`: its data are stored; import the file again.

The whole file is refused (400, nothing imported) when it is too big, has too many rows, is not
UTF-8 text, has no header, or misses a required column (`invalidParams` names each).
"""

_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"bestand": {"type": "string", "format": "binary"}},
                    "required": ["bestand"],
                }
            },
            "text/csv": {"schema": {"type": "string"}, "example": ";".join(KOLOMMEN)},
        },
    }
}


@router.post(
    "/plaatsingen",
    summary="Import placements (children and their parents) from a CSV export",
    description=FORMAAT,
    openapi_extra=_UPLOAD,
    responses=problems(400, 401, 403, 409, 503),
)
async def import_plaatsingen(
    request: Request,
    user: PlaatsingenImporteren,
    pool: DbDep,
    client: TemporalDep,
    settings: SettingsDep,
    audit: Audit,
) -> ImportResultaat:
    data = await _upload(request)
    try:
        # Reading a file of thousands of rows takes a second of CPU: not on the event loop.
        bestand = await asyncio.to_thread(lees_bestand, data)
    except BestandOngeldig as exc:
        kolommen = exc.kolommen or {"bestand": exc.reden}
        params = [{"name": k, "reason": r} for k, r in kolommen.items()]
        raise InvalidInput(exc.reden, invalid_params=params) from None
    protocol = await protocols.current(pool, user.gemeente_id)
    if protocol is None:
        raise NoProtocol("Voor uw gemeente is nog geen protocol ingesteld; vraag het functioneel beheer.")
    run = _Import(pool, client, settings, user, protocol)
    await run.check(bestand.rijen)
    for kind_id, plaatsing in run.goed:  # one row per child stored (or found unchanged)
        audit.add(user, Actie.IMPORTEREN, "plaatsingen", kind_id=kind_id, velden=velden_van_plaatsing(plaatsing))
    await run.store()
    result = run.result(len(bestand.rijen), bestand.genegeerde_kolommen)
    # Counts only: the file is personal data.
    log.info(
        "placements imported",
        extra=result.model_dump(include={"rijen", "geimporteerd", "bijgewerkt", "ongewijzigd", "afgewezen"}),
    )
    return result


async def _upload(request: Request) -> bytes:
    content_type = request.headers.get("content-type", "")
    mime = content_type.split(";")[0].strip().lower()
    if mime not in _CSV_TYPES and mime != "multipart/form-data":
        raise InvalidInput(
            "Stuur het CSV-bestand als multipart/form-data (veld 'bestand') of als body met Content-Type text/csv.",
            invalid_params=[{"name": "Content-Type", "reason": "niet text/csv of multipart/form-data"}],
        )
    limit = MAX_BESTAND_BYTES + (_MULTIPART_MARGE if mime == "multipart/form-data" else 0)
    length = request.headers.get("content-length", "")
    body = bytearray()
    if not (length.isdecimal() and int(length) > limit):
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                break
    if len(body) > limit or (length.isdecimal() and int(length) > limit):
        mb = MAX_BESTAND_BYTES // (1024 * 1024)
        raise InvalidInput(
            f"Het bestand is groter dan {mb} MB; splits het op.",
            invalid_params=[{"name": "bestand", "reason": f"groter dan {mb} MB"}],
        )
    return bytes(body) if mime in _CSV_TYPES else await asyncio.to_thread(_from_form, content_type, bytes(body))


def _from_form(content_type: str, body: bytes) -> bytes:
    """The field `bestand` of a multipart/form-data body. The standard library's MIME parser reads
    it (python-multipart, which FastAPI's UploadFile needs, is not a dependency of this service)."""
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise InvalidInput(
            "Het formulier is onvolledig of onleesbaar; stuur het bestand opnieuw.",
            invalid_params=[{"name": "bestand", "reason": "onleesbaar multipart-formulier"}],
        )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "bestand":
            return part.get_payload(decode=True) or b""
    raise InvalidInput(
        "Het formulier heeft geen veld 'bestand' met het CSV-bestand.",
        invalid_params=[{"name": "bestand", "reason": "ontbreekt"}],
    )


def _compact(text: str) -> str:
    return " ".join(text.split())


class _Import:
    """One import: check every row, then store the good ones and start their overdrachten."""

    def __init__(self, pool: asyncpg.Pool, client: Client, settings: Settings, user: Gebruiker, protocol: Protocol):
        self.pool, self.client, self.settings, self.user, self.protocol = pool, client, settings, user, protocol
        self.afgewezen: list[AfgewezenRij] = []
        self.goed: list[tuple[UUID, Plaatsing]] = []
        self.uitkomsten: Counter[Uitkomst] = Counter()
        self.geopend = self.ingepland = 0
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
            if isinstance(row, GelezenRij) and not fouten:
                assert locatie_id is not None
                sleutel = kind_sleutel(locatie_id, row.voornaam, row.achternaam, row.geboortedatum)
                if sleutel in gezien:
                    fouten.append(Rijfout(veld=None, reden=f"dubbele rij: hetzelfde kind als regel {gezien[sleutel]}"))
                else:
                    gezien[sleutel] = row.regel
                    velden = row.model_dump(exclude={"locatie", "school"})
                    plaatsing = Plaatsing(
                        **velden, gemeente_id=self.user.gemeente_id, locatie_id=locatie_id, school_id=school_id
                    )
                    gelezen.append((sleutel, plaatsing))
            if fouten:
                self.afgewezen.append(AfgewezenRij(regel=rij.regel, fouten=fouten))
        # A child placed before (by hand, or by an earlier import) keeps its id; a new one gets the
        # id its identifying fields give, so a repeat finds it again.
        bekend = await plaatsingen.bekende_kinderen(self.pool, list({p.locatie_id for _, p in gelezen}))
        self.goed = [(bekend.get(s) or kind_id_voor(s), p) for s, p in gelezen]

    async def _load_organisations(self, rijen: list[Rij]) -> None:
        locaties = await plaatsingen.locaties(self.pool, self.user.gemeente_id)
        self.locatie_ids = {r["id"] for r in locaties}
        self.locatie_namen: dict[str, list[UUID]] = defaultdict(list)
        for r in locaties:
            self.locatie_namen[_compact(r["naam"])].append(r["id"])
        school_ids = [i for rij in rijen if (i := _uuid(rij.velden.get("school", ""))) is not None]
        scholen = await plaatsingen.scholen(self.pool, self.user.gemeente_id, list(set(school_ids)))
        self.school_ids = {r["id"] for r in scholen}
        self.school_namen: dict[str, list[UUID]] = defaultdict(list)
        for r in scholen:
            if r["eigen"]:
                self.school_namen[_compact(r["naam"])].append(r["id"])

    def _locatie(self, rij: Rij, fouten: list[Rijfout]) -> UUID | None:
        waarde = _compact(rij.velden.get("locatie", ""))
        if not waarde or any(f.veld == "locatie" for f in fouten):
            return None
        locatie_id = _resolve(waarde, self.locatie_ids, self.locatie_namen)
        if isinstance(locatie_id, str):
            fouten.append(Rijfout(veld="locatie", reden=locatie_id.replace("{}", "locatie")))
            return None
        if self.user.rol is Rol.LOCATIEMANAGER and locatie_id != self.user.locatie_id:
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
                if not kind["geopend"]:
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
        """Open the overdracht of a child past the start age; start a younger child's ahead."""
        if self.engine_onbereikbaar:
            self.niet_gestart.append(NietGestart(regel=regel, reden=NIET_GESTART))
            return
        handover = HandoverInput(
            overdracht_id=engine.overdracht_id_for(kind_id),
            kind_id=kind_id,
            gemeente_id=kind["gemeente_id"],
            locatie_id=kind["locatie_id"],
            school_id=kind["aangemelde_school_id"],
            geboortedatum=kind["geboortedatum"],
            vve_indicatie=kind["vve_indicatie"],
            protocol=self.protocol,
        )
        try:
            if rules.starts_at(kind["geboortedatum"], self.protocol.config) <= datetime.now(UTC):
                actor = Actor(gebruiker_id=self.user.id, rol=self.user.rol)
                await engine.open_handover(self.client, self.settings, handover, Open(actor=actor))
                self.geopend += 1
            elif await engine.schedule_handover(self.client, self.settings, handover):
                self.ingepland += 1
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

    def result(self, rijen: int, genegeerd: list[str]) -> ImportResultaat:
        return ImportResultaat(
            rijen=rijen,
            geimporteerd=self.uitkomsten[Uitkomst.NIEUW],
            bijgewerkt=self.uitkomsten[Uitkomst.BIJGEWERKT],
            ongewijzigd=self.uitkomsten[Uitkomst.ONGEWIJZIGD],
            afgewezen=len(self.afgewezen),
            overdrachten_geopend=self.geopend,
            overdrachten_ingepland=self.ingepland,
            afgewezen_rijen=sorted(self.afgewezen, key=lambda r: r.regel),
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
