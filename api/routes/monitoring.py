"""/v1/monitoring: what is overdue, the key figures, and VVE children without an overdracht.

Metadata and aggregates only, for everyone: never a child's name, date of birth or form content.
Each answer is JSON by default and CSV for `Accept: text/csv` (`;`-separated, UTF-8 with a BOM, as a
Dutch spreadsheet opens it). Who: the coordinator (the gemeente), and the PM'er, the location manager
and the school within their own scope (db.overdrachten._scoped); the list of children without an
overdracht is the coordinator's alone. The administrator (functioneel beheer) manages organisations
and the protocol, not the handovers' progress: no monitoring (data minimisation)."""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, Request, Response

from api.csv import CSV, csv_response, wants_csv
from api.deps import AchterstandenLezen, DbDep, KinderenZonderOverdrachtZien, MonitoringLezen
from api.errors import NoProtocol, problems
from api.paging import decode_cursor, encode_cursor
from db import monitoring
from db import protocol as protocols
from protocol.dates import AMSTERDAM, amsterdam_date
from schemas.api import Verwijzing
from schemas.monitoring import (
    SCHOOLJAAR_PATTERN,
    Achterstand,
    AchterstandenPagina,
    Cijfers,
    Groepering,
    Kengetallen,
    KengetallenGroep,
    KengetallenSchooljaar,
    KindZonderOverdracht,
    StapTijdigheid,
    Tijdigheid,
    WarmeOverdrachtVve,
    ZonderOverdracht,
)
from schemas.overdracht import Deadline, Status, Vlag
from services.audit import Audit
from workflows.deadlines import DEADLINE_OF

router = APIRouter(prefix="/v1/monitoring", tags=["monitoring"])

# The cursor of achterstanden is made for this order: oldest overdue first.
ACHTERSTANDEN_SORT = "achterstalligSinds"
# Both media types, in the OpenAPI: JSON (the model) by default, CSV on request.
JSON_OR_CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON by default; CSV (`;`-separated, UTF-8 with a BOM, Dutch headers) for `Accept: text/csv`.",
        "content": {CSV: {"schema": {"type": "string"}}},
    }
}

Schooljaar = Annotated[
    str | None, Query(pattern=SCHOOLJAAR_PATTERN, description="A school year, e.g. `2026-2027`; default: all.")
]


def _moment(value: datetime) -> str:
    """A moment as people in Amsterdam read it."""
    return value.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")


def _deadline_day(value: datetime) -> str:
    """A deadline's day: it ends at midnight after it, Amsterdam time."""
    return amsterdam_date(value - timedelta(microseconds=1)).isoformat()


def _ref(row: asyncpg.Record, what: str) -> Verwijzing | None:
    return Verwijzing(id=row[f"{what}_id"], naam=row[f"{what}_naam"]) if row[f"{what}_id"] else None


# GET /v1/monitoring/achterstanden


def _achterstand(row: asyncpg.Record) -> Achterstand:
    open_vlaggen = [Vlag(v) for v in row["open_vlaggen"]]
    deadlines = json.loads(row["deadlines"])
    relevant = {DEADLINE_OF[v]: deadlines[DEADLINE_OF[v].value] for v in open_vlaggen if DEADLINE_OF[v] in deadlines}
    return Achterstand(
        overdracht_id=row["id"],
        status=row["status"],
        open_vlaggen=open_vlaggen,
        achterstallig_sinds=row["achterstallig_sinds"],
        deadlines=relevant,
        locatie=_ref(row, "locatie"),
        wijk=_ref(row, "wijk"),
        stadsdeel=_ref(row, "stadsdeel"),
        school=_ref(row, "school"),
        schooljaar=row["schooljaar"],
    )


ACHTERSTANDEN_CSV_HEADER = [
    "Overdracht",
    "Status",
    "Achterstallig sinds",
    "Open vlaggen",
    *(f"Deadline {d.value.replace('_', ' ')}" for d in Deadline),
    "Locatie",
    "Wijk",
    "Stadsdeel",
    "School",
    "Schooljaar",
    "Locatie-id",
    "Wijk-id",
    "Stadsdeel-id",
    "School-id",
]


def _achterstand_csv(a: Achterstand) -> list[object]:
    return [
        a.overdracht_id,
        a.status.value,
        _moment(a.achterstallig_sinds),
        ", ".join(v.value for v in a.open_vlaggen),
        *(_deadline_day(a.deadlines[d]) if d in a.deadlines else None for d in Deadline),
        a.locatie.naam,
        a.wijk.naam,
        a.stadsdeel.naam,
        a.school.naam if a.school else None,
        a.schooljaar,
        a.locatie.id,
        a.wijk.id,
        a.stadsdeel.id,
        a.school.id if a.school else None,
    ]


# The CSV is the whole list for the filters (a download, not a page), read in batches of this size.
CSV_BATCH = 500


@router.get(
    "/achterstanden",
    summary="What is overdue now, oldest first: metadata only",
    description=(
        "Every overdracht you may see with an open overdue flag, oldest first (by `achterstalligSinds`): its state,"
        " open flags, their deadlines, the location with its wijk and stadsdeel, the school and the school year."
        " Never a child's name, date of birth or form content. JSON is paged (`pageSize`, `cursor`); the CSV"
        " (`Accept: text/csv`) holds the whole list for the filters and ignores `pageSize` and `cursor`."
    ),
    response_model=AchterstandenPagina,
    responses={**JSON_OR_CSV, **problems(400, 401, 403, 503)},
)
async def get_achterstanden(
    user: AchterstandenLezen,
    pool: DbDep,
    audit: Audit,
    request: Request,
    response: Response,
    vlag: Annotated[list[Vlag] | None, Query(description="Only these open flags (any of them).")] = None,
    locatie_id: Annotated[UUID | None, Query(alias="locatieId")] = None,
    school_id: Annotated[UUID | None, Query(alias="schoolId")] = None,
    wijk_id: Annotated[UUID | None, Query(alias="wijkId", description="The location's wijk.")] = None,
    stadsdeel_id: Annotated[UUID | None, Query(alias="stadsdeelId", description="The location's stadsdeel.")] = None,
    schooljaar: Schooljaar = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(description="volgendeCursor of the previous page.")] = None,
) -> AchterstandenPagina | Response:
    filters = monitoring.Filters(
        vlag=vlag,
        locatie_id=locatie_id,
        school_id=school_id,
        wijk_id=wijk_id,
        stadsdeel_id=stadsdeel_id,
        schooljaar=schooljaar,
    )
    after = decode_cursor(cursor, ACHTERSTANDEN_SORT) if cursor else None
    if wants_csv(request.headers.get("accept")):
        rows: list[asyncpg.Record] = []
        while batch := await monitoring.achterstanden(pool, user, filters, after, CSV_BATCH):
            rows += batch
            after = (batch[-1]["achterstallig_sinds"], batch[-1]["id"])
        lines = (_achterstand_csv(_achterstand(r)) for r in rows)
        audit.lijst(user, "monitoring.achterstanden", [(r["id"], None, []) for r in rows])
        return csv_response("achterstanden", ACHTERSTANDEN_CSV_HEADER, lines)
    rows = await monitoring.achterstanden(pool, user, filters, after, page_size + 1)
    more = len(rows) > page_size
    rows = rows[:page_size]
    audit.lijst(user, "monitoring.achterstanden", [(r["id"], None, []) for r in rows])
    response.headers["Vary"] = "Accept"
    return AchterstandenPagina(
        resultaten=[_achterstand(r) for r in rows],
        volgende_cursor=encode_cursor(ACHTERSTANDEN_SORT, rows[-1]["achterstallig_sinds"], rows[-1]["id"])
        if more
        else None,
    )


# GET /v1/monitoring/kengetallen


def _cijfers(row: asyncpg.Record) -> dict[str, Any]:
    return dict(
        aantal=row["aantal"],
        per_status={s: row[f"status_{s.value}"] for s in Status},
        tijdigheid=Tijdigheid(
            **{
                stap: StapTijdigheid(op_tijd=row[f"{stap}_op_tijd"], te_laat=row[f"{stap}_te_laat"])
                for stap in monitoring.STAPPEN
            }
        ),
        warme_overdracht_vve=WarmeOverdrachtVve(
            voor_eerste_schooldag=row["vve_warm_voor_start"], ontvangen=row["vve_ontvangen"]
        ),
        geweigerd=row["geweigerd"],
        school_onbekend=row["school_onbekend"],
    )


def _kengetallen(rows: list[asyncpg.Record], groepering: Groepering, schooljaar: str | None) -> Kengetallen:
    jaren: list[KengetallenSchooljaar] = []
    for row in rows:  # per school year: its total first, then its groups (the query's order)
        if row["totaal"]:
            jaren.append(
                KengetallenSchooljaar(schooljaar=row["schooljaar"], totaal=Cijfers(**_cijfers(row)), groepen=[])
            )
        else:
            groep = Verwijzing(id=row["groep_id"], naam=row["groep_naam"]) if row["groep_id"] else None
            jaren[-1].groepen.append(KengetallenGroep(groep=groep, **_cijfers(row)))
    return Kengetallen(groepering=groepering, schooljaar=schooljaar, schooljaren=jaren)


STATUS_KOLOM = {s: "Status " + s.value.lower().replace("_", " ") for s in Status}
STAP_KOLOM = {"toestemming": "Toestemming", "verzenden": "Verzonden", "bevestigen": "Ontvangst bevestigd"}


def kengetallen_csv_header(groepering: Groepering) -> list[str]:
    naam = groepering.value.capitalize()
    return [
        "Schooljaar",
        naam,
        f"{naam}-id",
        "Aantal overdrachten",
        *STATUS_KOLOM.values(),
        *(f"{kolom} {wanneer}" for kolom in STAP_KOLOM.values() for wanneer in ("op tijd", "te laat")),
        "VVE ontvangen",
        "VVE warme overdracht voor eerste schooldag",
        "Geweigerd",
        "School onbekend bij deadline",
    ]


def _cijfers_csv(c: Cijfers) -> list[object]:
    stappen = [c.tijdigheid.toestemming, c.tijdigheid.verzenden, c.tijdigheid.bevestigen]
    return [
        c.aantal,
        *(c.per_status[s] for s in Status),
        *(n for stap in stappen for n in (stap.op_tijd, stap.te_laat)),
        c.warme_overdracht_vve.ontvangen,
        c.warme_overdracht_vve.voor_eerste_schooldag,
        c.geweigerd,
        c.school_onbekend,
    ]


def _kengetallen_csv(k: Kengetallen) -> list[list[object]]:
    """One row per group, then the school year's total (named `Totaal`)."""
    lines: list[list[object]] = []
    for jaar in k.schooljaren:
        label = jaar.schooljaar or "onbekend"
        for g in jaar.groepen:
            naam = g.groep.naam if g.groep else "Geen school bekend"
            lines.append([label, naam, g.groep.id if g.groep else None, *_cijfers_csv(g)])
        lines.append([label, "Totaal", None, *_cijfers_csv(jaar.totaal)])
    return lines


@router.get(
    "/kengetallen",
    summary="Key figures per school year, by stadsdeel, wijk, location or school",
    description=(
        "Per school year and group: how many overdrachten and how many in each state; per step how many were done"
        " on time and how many late (consent before the `toestemming` deadline, sent before `verzenden`, receipt"
        " confirmed before `bevestigen`; a step counts once it is done); of the VVE children whose overdracht was"
        " received, how many had their warme overdracht before their first school day; refusals; and how many had"
        " no school known at the `school_bekend` deadline. Each school year also has its total. The coordinator"
        " sees the gemeente; the PM'er and location manager their location, the school what was sent to it."
        " Wijk and stadsdeel are the voorschool location's."
    ),
    response_model=Kengetallen,
    responses={**JSON_OR_CSV, **problems(400, 401, 403, 503)},
)
async def get_kengetallen(
    user: MonitoringLezen,
    pool: DbDep,
    request: Request,
    response: Response,
    schooljaar: Schooljaar = None,
    groepering: Annotated[Groepering, Query(description="How to group.")] = Groepering.STADSDEEL,
) -> Kengetallen | Response:
    rows = await monitoring.kengetallen(pool, user, groepering, schooljaar)
    result = _kengetallen(rows, groepering, schooljaar)
    if wants_csv(request.headers.get("accept")):
        return csv_response(
            f"kengetallen-{groepering.value}", kengetallen_csv_header(groepering), _kengetallen_csv(result)
        )
    response.headers["Vary"] = "Accept"
    return result


# GET /v1/monitoring/zonder-overdracht

ZONDER_OVERDRACHT_CSV_HEADER = [
    "Kind",
    "Locatie",
    "Wijk",
    "Stadsdeel",
    "Maanden na startleeftijd",
    "Locatie-id",
    "Wijk-id",
    "Stadsdeel-id",
]


@router.get(
    "/zonder-overdracht",
    summary="VVE children past the start age without an overdracht: by opaque id, without names",
    description=(
        "Children of your gemeente with a VVE-indicatie who reached the start age of the current protocol"
        " (3 years 6 months in Almere) and have no overdracht at all, longest past the start age first: an"
        " opaque child id, the location with its wijk and stadsdeel, and the whole months since the start age."
        " No name, no date of birth."
    ),
    response_model=ZonderOverdracht,
    responses={**JSON_OR_CSV, **problems(400, 401, 403, 409, 503)},
)
async def get_zonder_overdracht(
    user: KinderenZonderOverdrachtZien,
    pool: DbDep,
    audit: Audit,
    request: Request,
    response: Response,
) -> ZonderOverdracht | Response:
    protocol = await protocols.current(pool, user.gemeente_id)
    if protocol is None:
        raise NoProtocol("Voor deze gemeente is nog geen protocol ingesteld; vraag het functioneel beheer.")
    # DOMAIN.md allows a named list (for "no school known") only where the protocol configuration
    # allows it. ProtocolConfig has no such setting yet, so the coordinator gets ids only; a named
    # variant would check that setting here and log the read of personal data.
    start = protocol.config.start
    today: date = amsterdam_date(datetime.now(UTC))
    kinderen = await monitoring.zonder_overdracht(pool, user.gemeente_id, start, today)
    result = ZonderOverdracht(
        peildatum=today,
        startleeftijd=start,
        protocol_versie=protocol.versie,
        kinderen=[
            KindZonderOverdracht(
                kind_id=k.kind_id,
                locatie=Verwijzing(id=k.locatie_id, naam=k.locatie_naam),
                wijk=Verwijzing(id=k.wijk_id, naam=k.wijk_naam),
                stadsdeel=Verwijzing(id=k.stadsdeel_id, naam=k.stadsdeel_naam),
                maanden_na_startleeftijd=k.maanden_na_startleeftijd,
            )
            for k in kinderen
        ],
    )
    # Opaque ids, yet each names a child with a VVE-indicatie, their location and age: a read of personal data.
    velden = ["kind.vve_indicatie", "kind.locatie", "kind.leeftijd"]
    audit.lijst(user, "monitoring.zonder_overdracht", [(None, k.kind_id, velden) for k in kinderen])
    if wants_csv(request.headers.get("accept")):
        lines = (
            [k.kind_id, k.locatie.naam, k.wijk.naam, k.stadsdeel.naam, k.maanden_na_startleeftijd]
            + [k.locatie.id, k.wijk.id, k.stadsdeel.id]
            for k in result.kinderen
        )
        return csv_response("zonder-overdracht", ZONDER_OVERDRACHT_CSV_HEADER, lines)
    response.headers["Vary"] = "Accept"
    return result
