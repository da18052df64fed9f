"""Use cases of the monitoring: what is overdue (a page, or the whole list for a download), the key
figures, and the VVE children without an overdracht.

Metadata and aggregates only, for everyone: never a child's name, date of birth or form content. Who:
the coordinator (the gemeente), and the PM'er, the location manager and the school within their own
scope (db/scope.py); the list of children without an overdracht is the coordinator's alone. The
administrator (functioneel beheer) manages organisations and the protocol, not the handovers'
progress: no monitoring (data minimisation)."""

import json
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from db import monitoring, monitoring_export
from db import protocol as protocols
from db.monitoring import Filters as Filters  # the routes and pages filter with it
from protocol.dates import amsterdam_date
from schemas.api import OverdrachtSamenvatting, Verwijzing
from schemas.audit import Actie
from schemas.base import JsonAnswer
from schemas.gebruiker import Gebruiker
from schemas.monitoring import (
    Achterstand,
    AchterstandenPagina,
    Filteropties,
    Groepering,
    Kengetallen,
    Locatie,
    Prognose,
    PrognoseAantallen,
    PrognoseDeadline,
    PrognoseGroep,
    PrognoseWeek,
    StapTijdigheid,
    Tijdigheid,
    Trend,
    TrendMaand,
    Wijk,
    ZonderOverdracht,
    ZonderOverdrachtAantallen,
    ZonderOverdrachtWijk,
)
from schemas.overdracht import Deadline, Vlag
from schemas.protocol import Leeftijd
from schemas.workflow import HandoverState
from services.context import Context
from services.errors import InvalidInput, NoProtocol
from services.paging import decode_cursor, encode_cursor
from services.permissions import Capability, require
from workflows.deadlines import is_open

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


async def achterstanden_download(
    ctx: Context, filters: Filters, cursor: str | None = None
) -> AsyncIterator[list[Achterstand]]:
    """Everything overdue now for the filters (after `cursor`, when given), oldest first, to stream in
    batches: a download. Its one audit row, naming every overdracht in it, is registered here, before
    a row is read, so whoever serves the caller writes it before the first byte leaves. The ids come
    first from a cheap id-only query; the stream holds only those (db/monitoring_export.py)."""
    user = require(ctx, Capability.ACHTERSTANDEN_LEZEN, actie=Actie.LEZEN)
    after = decode_cursor(cursor, ACHTERSTANDEN_SORT) if cursor else None
    ids = await monitoring_export.achterstanden_ids(ctx.pool, user, filters, after)
    ctx.audit.lijst(user, "monitoring.achterstanden", [(i, None, []) for i in ids])
    return _achterstanden_batches(ctx.pool, user, filters, after, ids)


async def _achterstanden_batches(
    pool: asyncpg.Pool, user: Gebruiker, filters: Filters, after: tuple[datetime, UUID] | None, ids: list[UUID]
) -> AsyncIterator[list[Achterstand]]:
    async for rows in monitoring_export.achterstanden_stream(pool, user, filters, after, ids, BATCH):
        yield [_achterstand(r) for r in rows]


async def kengetallen(
    ctx: Context, groepering: Groepering, schooljaar: str | None = None, filters: Filters | None = None
) -> JsonAnswer[Kengetallen]:
    """Key figures per school year (each with its total), grouped; `filters` narrows them to a stadsdeel,
    wijk, location or school. Aggregates only: no audit row."""
    user = require(ctx, Capability.MONITORING_LEZEN, actie=Actie.LEZEN)
    return JsonAnswer(await monitoring.kengetallen(ctx.pool, user, groepering, schooljaar, filters), Kengetallen)


NO_PROTOCOL = "Voor deze gemeente is nog geen protocol ingesteld; vraag het functioneel beheer."
# Opaque ids, yet each names a child with a VVE-indicatie, their location and age: a read of personal data.
ZONDER_OVERDRACHT_VELDEN = ["kind.vve_indicatie", "kind.locatie", "kind.leeftijd"]


async def _start_age(ctx: Context, user: Gebruiker) -> tuple[Leeftijd, int]:
    """The start age of the gemeente's current protocol, and its version."""
    protocol = await protocols.current(ctx.pool, user.gemeente_id)
    if protocol is None:
        raise NoProtocol(NO_PROTOCOL)
    return protocol.config.start, protocol.versie


async def zonder_overdracht(ctx: Context, filters: Filters | None = None) -> JsonAnswer[ZonderOverdracht]:
    """The gemeente's VVE children past the start age without an overdracht, longest past it first;
    `filters` narrows them to a stadsdeel, wijk or location (of the child's placement)."""
    user = require(ctx, Capability.KINDEREN_ZONDER_OVERDRACHT_ZIEN, actie=Actie.LEZEN)
    # The domain allows a named list (for "no school known") only where the protocol configuration
    # allows it. ProtocolConfig has no such setting yet, so the coordinator gets ids only; a named
    # variant would check that setting here and log the read of personal data.
    start, versie = await _start_age(ctx, user)
    today: date = amsterdam_date(datetime.now(UTC))
    row = await monitoring.zonder_overdracht(ctx.pool, user.gemeente_id, start, today, versie, filters)
    ctx.audit.lijst(
        user, "monitoring.zonder_overdracht", [(None, kind_id, ZONDER_OVERDRACHT_VELDEN) for kind_id in row["kind_ids"]]
    )
    return JsonAnswer(row["antwoord"], ZonderOverdracht)


async def zonder_overdracht_per_wijk(ctx: Context, filters: Filters | None = None) -> ZonderOverdrachtAantallen:
    """How many of those children per wijk (the overview's figure). Counts only, no child: no audit row."""
    user = require(ctx, Capability.KINDEREN_ZONDER_OVERDRACHT_ZIEN, actie=Actie.LEZEN)
    start, _ = await _start_age(ctx, user)
    today: date = amsterdam_date(datetime.now(UTC))
    rows = await monitoring.zonder_overdracht_per_wijk(ctx.pool, user.gemeente_id, start, today, filters)
    return ZonderOverdrachtAantallen(
        peildatum=today,
        startleeftijd=start,
        wijken=[
            ZonderOverdrachtWijk(wijk=_ref(r, "wijk"), stadsdeel=_ref(r, "stadsdeel"), aantal=r["aantal"]) for r in rows
        ],
    )


def _months(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (`YYYY-MM`), both included."""
    year, month = int(first[:4]), int(first[5:])
    result = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        result.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


async def trend(ctx: Context, filters: Filters) -> Trend:
    """Per month, the steps done on time and late: the key figures' timeliness, by the month each step
    was taken (`filters.schooljaar`: of that school year's overdrachten). Aggregates only: no audit row."""
    user = require(ctx, Capability.MONITORING_LEZEN, actie=Actie.LEZEN)
    rows = {r["maand"]: r for r in await monitoring.trend(ctx.pool, user, filters)}
    zero = StapTijdigheid(op_tijd=0, te_laat=0)
    maanden = []
    for maand in _months(min(rows), max(rows)) if rows else []:
        row = rows.get(maand)
        tijdigheid = Tijdigheid(
            **{
                stap: StapTijdigheid(op_tijd=row[f"{stap}_op_tijd"], te_laat=row[f"{stap}_te_laat"]) if row else zero
                for stap in monitoring.STAPPEN
            }
        )
        maanden.append(TrendMaand(maand=maand, tijdigheid=tijdigheid))
    return Trend(schooljaar=filters.schooljaar, maanden=maanden)


# The forecast: the coming weeks by default (the coordinator's page), at most half a year.
PROGNOSE_WEKEN = 8
PROGNOSE_MAX_WEKEN = 26


def _counts(rows: Iterable[asyncpg.Record], weken: int) -> list[int]:
    per_week = [0] * weken
    for r in rows:
        per_week[r["week"]] += r["aantal"]
    return per_week


async def prognose(ctx: Context, filters: Filters, weken: int = PROGNOSE_WEKEN) -> Prognose:
    """What falls due in this week and the coming ones: the deadlines of steps still open (moved ones
    included), per week, per deadline, per location and per school. What is due before now is overdue
    (achterstanden), not forecast. Aggregates only: no audit row."""
    user = require(ctx, Capability.MONITORING_LEZEN, actie=Actie.LEZEN)
    if not 1 <= weken <= PROGNOSE_MAX_WEKEN:
        raise InvalidInput(
            f"Kies 1 tot en met {PROGNOSE_MAX_WEKEN} weken.",
            invalid_params=[{"name": "weken", "reason": f"1 tot en met {PROGNOSE_MAX_WEKEN}"}],
        )
    now = datetime.now(UTC)
    today = amsterdam_date(now)
    monday = today - timedelta(days=today.weekday())
    rows = await monitoring.prognose(ctx.pool, user, filters, now=now, monday=monday, weken=weken)
    per_deadline = [r for r in rows if r["per_deadline"]]
    per_locatie = [r for r in rows if r["per_locatie"]]
    per_school = [r for r in rows if not r["per_deadline"] and not r["per_locatie"]]

    def groepen(rows: list[asyncpg.Record], what: str) -> list[PrognoseGroep]:
        by: dict[UUID | None, list[asyncpg.Record]] = {}
        for r in rows:
            by.setdefault(r[f"{what}_id"], []).append(r)
        result = []
        for ident, own in by.items():
            per_week = _counts(own, weken)
            groep = Verwijzing(id=ident, naam=own[0][f"{what}_naam"]) if ident else None
            result.append(PrognoseGroep(groep=groep, per_week=per_week, totaal=sum(per_week)))
        # By name; the overdrachten without a school last.
        return sorted(
            result, key=lambda g: (g.groep is None, g.groep.naam if g.groep else "", str(g.groep.id) if g.groep else "")
        )

    totaal = _counts(per_deadline, weken)
    deadlines = []
    for d in Deadline:
        per_week = _counts((r for r in per_deadline if r["deadline"] == d.value), weken)
        deadlines.append(PrognoseDeadline(deadline=d, per_week=per_week, totaal=sum(per_week)))
    return Prognose(
        peildatum=today,
        weken=[
            PrognoseWeek(
                week=f"{(van := monday + timedelta(weeks=i)).isocalendar().year}-W{van.isocalendar().week:02d}",
                van=van,
                tot=van + timedelta(days=6),
            )
            for i in range(weken)
        ],
        totaal=PrognoseAantallen(per_week=totaal, totaal=sum(totaal)),
        per_deadline=deadlines,
        locaties=groepen(per_locatie, "locatie"),
        scholen=groepen(per_school, "school"),
    )


async def filteropties(ctx: Context) -> Filteropties:
    """What the monitoring's lists and figures can be filtered by: the gemeente's organisations and the
    school years of what the caller may see. Names of organisations only: no audit row."""
    user = require(ctx, Capability.MONITORING_LEZEN, actie=Actie.LEZEN)
    rows = await monitoring.filteropties(ctx.pool, user)

    def of(soort: str) -> list[asyncpg.Record]:
        return [r for r in rows if r["soort"] == soort]

    return Filteropties(
        schooljaren=sorted((r["naam"] for r in of("schooljaar")), reverse=True),
        stadsdelen=[Verwijzing(id=r["id"], naam=r["naam"]) for r in of("stadsdeel")],
        wijken=[
            Wijk(id=r["id"], naam=r["naam"], stadsdeel=Verwijzing(id=r["in_id"], naam=r["in_naam"])) for r in of("wijk")
        ],
        locaties=[
            Locatie(id=r["id"], naam=r["naam"], wijk=Verwijzing(id=r["in_id"], naam=r["in_naam"]))
            for r in of("locatie")
        ],
        scholen=[Verwijzing(id=r["id"], naam=r["naam"]) for r in of("school")],
    )


def open_deadlines(o: OverdrachtSamenvatting) -> dict[Deadline, datetime]:
    """The overdracht's deadlines whose step is still to be taken (the ones worth moving), by the
    workflow's own rule (workflows/deadlines.is_open), earliest first."""
    # Only what is_open reads: the rest of the workflow's state is not the page's to know.
    fields: dict[str, Any] = {
        "status": o.status,
        "school_id": o.school.id if o.school else None,
        "verzonden_op": o.tijdstippen.verzonden_op,
        "warme_overdracht_vereist": o.warme_overdracht.vereist,
        "warme_overdracht_gehouden_op": o.warme_overdracht.gehouden_op,
    }
    state = HandoverState.model_construct(**fields)
    open_ = {d: m for d, m in o.termijnen.deadlines.items() if is_open(d, state)}
    return dict(sorted(open_.items(), key=lambda item: item[1]))
