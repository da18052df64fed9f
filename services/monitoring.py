"""Use cases of the monitoring: what is overdue (a page, or the whole list for a download), the key
figures, and the VVE children without an overdracht.

Metadata and aggregates only, for everyone: never a child's name, date of birth or form content. Who:
the coordinator (the gemeente), and the PM'er, the location manager and the school within their own
scope (db/scope.py); the list of children without an overdracht is the coordinator's alone. The
administrator (functioneel beheer) manages organisations and the protocol, not the handovers'
progress: no monitoring (data minimisation)."""

import json
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from db import monitoring
from db import protocol as protocols
from db.monitoring import Filters as Filters  # the routes and pages filter with it
from protocol.dates import amsterdam_date
from schemas.api import Verwijzing
from schemas.audit import Actie
from schemas.monitoring import (
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
from schemas.overdracht import Status, Vlag
from services.context import Context
from services.errors import NoProtocol
from services.paging import decode_cursor, encode_cursor
from services.permissions import Capability, require

# The cursor of achterstanden is made for this order: oldest overdue first.
ACHTERSTANDEN_SORT = "achterstalligSinds"
# The whole list (a download, not a page) is read in batches of this size.
BATCH = 500


def _ref(row: asyncpg.Record, what: str) -> Verwijzing:
    return Verwijzing(id=row[f"{what}_id"], naam=row[f"{what}_naam"])


def _achterstand(row: asyncpg.Record) -> Achterstand:
    open_vlaggen = [Vlag(v) for v in row["open_vlaggen"]]
    deadlines = json.loads(row["deadlines"])
    # Only the deadlines of the open flags: what is overdue, not the whole plan.
    relevant = {v.deadline: deadlines[v.deadline.value] for v in open_vlaggen if v.deadline in deadlines}
    return Achterstand(
        overdracht_id=row["id"],
        status=row["status"],
        open_vlaggen=open_vlaggen,
        achterstallig_sinds=row["achterstallig_sinds"],
        deadlines=relevant,
        locatie=_ref(row, "locatie"),
        wijk=_ref(row, "wijk"),
        stadsdeel=_ref(row, "stadsdeel"),
        school=_ref(row, "school") if row["school_id"] else None,
        schooljaar=row["schooljaar"],
    )


def _read_achterstanden(ctx: Context, rows: list[asyncpg.Record]) -> list[Achterstand]:
    ctx.audit.lijst(ctx.user, "monitoring.achterstanden", [(r["id"], None, []) for r in rows])
    return [_achterstand(r) for r in rows]


async def achterstanden_page(
    ctx: Context, filters: Filters, page_size: int, cursor: str | None = None
) -> AchterstandenPagina:
    """One page of what is overdue now, oldest first; `volgendeCursor` continues it."""
    user = require(ctx, Capability.ACHTERSTANDEN_LEZEN, actie=Actie.LEZEN)
    after = decode_cursor(cursor, ACHTERSTANDEN_SORT) if cursor else None
    rows = await monitoring.achterstanden(ctx.pool, user, filters, after, page_size + 1)
    more = len(rows) > page_size
    rows = rows[:page_size]
    return AchterstandenPagina(
        resultaten=_read_achterstanden(ctx, rows),
        volgende_cursor=encode_cursor(ACHTERSTANDEN_SORT, rows[-1]["achterstallig_sinds"], rows[-1]["id"])
        if more
        else None,
    )


async def achterstanden_all(ctx: Context, filters: Filters, cursor: str | None = None) -> list[Achterstand]:
    """Everything overdue now for the filters (after `cursor`, when given), oldest first: a download."""
    user = require(ctx, Capability.ACHTERSTANDEN_LEZEN, actie=Actie.LEZEN)
    after = decode_cursor(cursor, ACHTERSTANDEN_SORT) if cursor else None
    rows: list[asyncpg.Record] = []
    while batch := await monitoring.achterstanden(ctx.pool, user, filters, after, BATCH):
        rows += batch
        after = (batch[-1]["achterstallig_sinds"], batch[-1]["id"])
    return _read_achterstanden(ctx, rows)


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


async def kengetallen(ctx: Context, groepering: Groepering, schooljaar: str | None = None) -> Kengetallen:
    """Key figures per school year (each with its total), grouped. Aggregates only: no audit row."""
    user = require(ctx, Capability.MONITORING_LEZEN, actie=Actie.LEZEN)
    rows = await monitoring.kengetallen(ctx.pool, user, groepering, schooljaar)
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


# Opaque ids, yet each names a child with a VVE-indicatie, their location and age: a read of personal data.
ZONDER_OVERDRACHT_VELDEN = ["kind.vve_indicatie", "kind.locatie", "kind.leeftijd"]


async def zonder_overdracht(ctx: Context) -> ZonderOverdracht:
    """The gemeente's VVE children past the start age without an overdracht, longest past it first."""
    user = require(ctx, Capability.KINDEREN_ZONDER_OVERDRACHT_ZIEN, actie=Actie.LEZEN)
    protocol = await protocols.current(ctx.pool, user.gemeente_id)
    if protocol is None:
        raise NoProtocol("Voor deze gemeente is nog geen protocol ingesteld; vraag het functioneel beheer.")
    # The domain allows a named list (for "no school known") only where the protocol configuration
    # allows it. ProtocolConfig has no such setting yet, so the coordinator gets ids only; a named
    # variant would check that setting here and log the read of personal data.
    start = protocol.config.start
    today: date = amsterdam_date(datetime.now(UTC))
    kinderen = await monitoring.zonder_overdracht(ctx.pool, user.gemeente_id, start, today)
    ctx.audit.lijst(
        user, "monitoring.zonder_overdracht", [(None, k.kind_id, ZONDER_OVERDRACHT_VELDEN) for k in kinderen]
    )
    return ZonderOverdracht(
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
