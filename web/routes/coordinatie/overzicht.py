"""The coordinator's overview for a school year (`/coordinatie`, and their start page): per stadsdeel
and wijk the share of steps done on time, the VVE children whose warme overdracht was held before the
first school day, refusals, "school onbekend" at its deadline, and the VVE children past the start age
without an overdracht; bars per wijk and a trend per month, each beside a table with the same figures.
The filters (school year, stadsdeel, wijk) are in the address, so a view can be shared."""

from dataclasses import dataclass, replace
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from schemas.monitoring import (
    Cijfers,
    Filteropties,
    Groepering,
    Kengetallen,
    StapTijdigheid,
    Tijdigheid,
    Trend,
    ZonderOverdrachtAantallen,
)
from services import monitoring, spreadsheet
from services.context import Context
from services.errors import ServiceError
from services.spreadsheet import Tabel
from web import charts
from web.render import caller, error_page, page, signed_in
from web.routes.coordinatie.zoeken import Gezocht, alleen_coordinator, keuzes, lees
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

VELDEN = ("schooljaar", "stadsdeel", "wijk")
STAPPEN = {"toestemming": "Toestemming", "verzenden": "Verzonden", "bevestigen": "Ontvangst bevestigd"}


@dataclass(frozen=True)
class Rij:
    """One stadsdeel or wijk (or the total) of the key figures table."""

    naam: str
    cijfers: Cijfers | None  # None: no overdracht of this school year there
    zonder_overdracht: int
    stadsdeel: str | None = None  # a wijk's


@dataclass(frozen=True)
class Overzicht:
    opties: Filteropties
    per_stadsdeel: Kengetallen
    per_wijk: Kengetallen
    trend: Trend
    zonder: ZonderOverdrachtAantallen


async def laad(ctx: Context, gezocht: Gezocht) -> Overzicht:
    """What the page and its downloads show: a handful of queries, each counted in SQL."""
    f = gezocht.filters
    gebied = replace(f, schooljaar=None)  # the school year is kengetallen's own argument
    return Overzicht(
        opties=await monitoring.filteropties(ctx),
        per_stadsdeel=(await monitoring.kengetallen(ctx, Groepering.STADSDEEL, f.schooljaar, gebied)).model,
        per_wijk=(await monitoring.kengetallen(ctx, Groepering.WIJK, f.schooljaar, gebied)).model,
        trend=await monitoring.trend(ctx, f),
        zonder=await monitoring.zonder_overdracht_per_wijk(ctx, f),
    )


def _groepen(k: Kengetallen) -> tuple[dict[UUID, Cijfers], Cijfers | None]:
    """The groups of the one school year asked for, by id, and its total."""
    if not k.schooljaren:
        return {}, None
    jaar = k.schooljaren[0]
    return {g.groep.id: g for g in jaar.groepen if g.groep}, jaar.totaal


def rijen(o: Overzicht) -> tuple[list[Rij], list[Rij], Rij]:
    """The key figures per stadsdeel and per wijk, with the children without an overdracht beside them
    (a wijk with either shows), and the total."""
    per_sd, totaal = _groepen(o.per_stadsdeel)
    per_w, _ = _groepen(o.per_wijk)
    zonder_w = {z.wijk.id: z.aantal for z in o.zonder.wijken}
    zonder_sd: dict[UUID, int] = {}
    for z in o.zonder.wijken:
        zonder_sd[z.stadsdeel.id] = zonder_sd.get(z.stadsdeel.id, 0) + z.aantal
    stadsdelen = [
        Rij(sd.naam, per_sd.get(sd.id), zonder_sd.get(sd.id, 0))
        for sd in o.opties.stadsdelen
        if sd.id in per_sd or sd.id in zonder_sd
    ]
    wijken = [
        Rij(w.naam, per_w.get(w.id), zonder_w.get(w.id, 0), stadsdeel=w.stadsdeel.naam)
        for w in sorted(o.opties.wijken, key=lambda w: (w.stadsdeel.naam, w.naam))
        if w.id in per_w or w.id in zonder_w
    ]
    return stadsdelen, wijken, Rij("Totaal", totaal, sum(zonder_w.values()))


def _stappen(t: Tijdigheid) -> list[StapTijdigheid]:
    return [t.toestemming, t.verzenden, t.bevestigen]


def grafieken(o: Overzicht, wijken: list[Rij]) -> tuple[Markup, Markup]:
    met_cijfers = [w for w in wijken if w.cijfers]
    staven = charts.staven(
        "grafiek-wijken",
        "Op tijd per stap, per wijk",
        [w.naam for w in met_cijfers],
        [
            charts.Reeks(naam, [charts.aandeel(*_share(w.cijfers, stap)) for w in met_cijfers])
            for stap, naam in STAPPEN.items()
        ],
        maximum=100,
    )
    lijnen = charts.trend(
        "grafiek-trend",
        "Op tijd per stap, per maand",
        [m.maand for m in o.trend.maanden],
        [
            charts.Reeks(naam, [charts.aandeel(*_share_t(m.tijdigheid, stap)) for m in o.trend.maanden])
            for stap, naam in STAPPEN.items()
        ],
    )
    return staven, lijnen


def _share(c: Cijfers | None, stap: str) -> tuple[int, int]:
    return _share_t(c.tijdigheid, stap) if c else (0, 0)


def _share_t(t: Tijdigheid, stap: str) -> tuple[int, int]:
    s: StapTijdigheid = getattr(t, stap)
    return s.op_tijd, s.te_laat


# The downloads: every table of the page (downloads.py serves them)


def tabellen(o: Overzicht) -> list[Tabel]:
    return [
        Tabel(
            "Per stadsdeel",
            spreadsheet.kengetallen_header(Groepering.STADSDEEL),
            spreadsheet.kengetallen_rows(o.per_stadsdeel),
        ),
        Tabel("Per wijk", spreadsheet.kengetallen_header(Groepering.WIJK), spreadsheet.kengetallen_rows(o.per_wijk)),
        Tabel("Per maand", spreadsheet.TREND_HEADER, spreadsheet.trend_rows(o.trend)),
        Tabel(
            "Zonder overdracht per wijk",
            spreadsheet.ZONDER_OVERDRACHT_PER_WIJK_HEADER,
            spreadsheet.zonder_overdracht_per_wijk_rows(o.zonder),
        ),
    ]


TABELLEN = {"stadsdelen": 0, "wijken": 1, "maanden": 2, "zonder-overdracht": 3}


async def start(request: Request, aangemeld: Aangemeld) -> Response:
    """What `/` shows a coordinator: the overview of the current school year."""
    return await _overzicht(request, aangemeld)


@router.get("/coordinatie")
async def overzicht(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    return await _overzicht(request, aangemeld)


async def _overzicht(request: Request, aangemeld: Aangemeld) -> Response:
    if (geweigerd := alleen_coordinator(request, aangemeld)) is not None:
        return geweigerd
    gezocht = lees(request, VELDEN, schooljaar_standaard=True)
    try:
        async with caller(request, aangemeld.user) as ctx:
            o = await laad(ctx, gezocht)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    stadsdelen, wijken, totaal = rijen(o)
    staven, lijnen = grafieken(o, wijken)
    return page(
        request, "coordinatie/overzicht.html", 400 if gezocht.fouten else 200, aangemeld=aangemeld,
        gezocht=gezocht, waarden=gezocht.waarden, fouten=gezocht.fouten, keuzes=keuzes(o.opties, gezocht),
        stadsdelen=stadsdelen, wijken=wijken, totaal=totaal, trend=o.trend, zonder=o.zonder,
        staven=staven, lijnen=lijnen, stappen=STAPPEN, op_tijd=aantal, huidig="overzicht",
    )  # fmt: skip


def aantal(stap: StapTijdigheid) -> str:
    """`80% (8 van 10)`, or `–` when nothing was done."""
    total = stap.op_tijd + stap.te_laat
    if not total:
        return "–"
    return f"{round(100 * stap.op_tijd / total)}% ({stap.op_tijd} van {total})"
