"""The answers that are also downloaded as a spreadsheet (the monitoring, the audit export), as a header
of Dutch column names and one list of cells per row. One table for the API's CSV answers (api/csv.py
writes it) and the pages' downloads alike; values as people in Amsterdam read them."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from protocol.dates import AMSTERDAM, amsterdam_date
from schemas.audit import AuditRegel
from schemas.monitoring import Achterstand, Cijfers, Groepering, Kengetallen, ZonderOverdracht
from schemas.overdracht import Deadline, Status

Row = list[object]


def _moment(value: datetime) -> str:
    """A moment as people in Amsterdam read it."""
    return value.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")


def _deadline_day(value: datetime) -> str:
    """A deadline's day: it ends at midnight after it, Amsterdam time."""
    return amsterdam_date(value - timedelta(microseconds=1)).isoformat()


# The achterstanden

ACHTERSTANDEN_HEADER = [
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


def achterstanden_rows(achterstanden: Iterable[Achterstand]) -> Iterable[Row]:
    for a in achterstanden:
        yield [
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


# The kengetallen

STATUS_KOLOM = {s: "Status " + s.value.lower().replace("_", " ") for s in Status}
STAP_KOLOM = {"toestemming": "Toestemming", "verzenden": "Verzonden", "bevestigen": "Ontvangst bevestigd"}


def kengetallen_header(groepering: Groepering) -> list[str]:
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


def _cijfers(c: Cijfers) -> Row:
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


def kengetallen_rows(k: Kengetallen) -> list[Row]:
    """One row per group, then the school year's total (named `Totaal`)."""
    lines: list[Row] = []
    for jaar in k.schooljaren:
        label = jaar.schooljaar or "onbekend"
        for g in jaar.groepen:
            naam = g.groep.naam if g.groep else "Geen school bekend"
            lines.append([label, naam, g.groep.id if g.groep else None, *_cijfers(g)])
        lines.append([label, "Totaal", None, *_cijfers(jaar.totaal)])
    return lines


# The children without an overdracht

ZONDER_OVERDRACHT_HEADER = [
    "Kind",
    "Locatie",
    "Wijk",
    "Stadsdeel",
    "Maanden na startleeftijd",
    "Locatie-id",
    "Wijk-id",
    "Stadsdeel-id",
]


def zonder_overdracht_rows(z: ZonderOverdracht) -> Iterable[Row]:
    for k in z.kinderen:
        yield [
            k.kind_id,
            k.locatie.naam,
            k.wijk.naam,
            k.stadsdeel.naam,
            k.maanden_na_startleeftijd,
            k.locatie.id,
            k.wijk.id,
            k.stadsdeel.id,
        ]


# The audit export

AUDIT_HEADER = [
    "Id",
    "Tijdstip",
    "Gebruiker-id",
    "Rol",
    "Organisatie-id",
    "Kind-id",
    "Overdracht-id",
    "Actie",
    "Onderwerp",
    "Velden",
    "Grondslag",
    "Resultaat",
    "Request-id",
]


def audit_rows(regels: Iterable[AuditRegel]) -> Iterable[Row]:
    for r in regels:
        yield [
            r.id,
            r.tijdstip.astimezone(AMSTERDAM).isoformat(timespec="seconds"),
            r.gebruiker_id,
            r.rol.value,
            r.organisatie_id,
            r.kind_id,
            r.overdracht_id,
            r.actie.value,
            r.onderwerp,
            ", ".join(r.velden),
            r.grondslag,
            r.resultaat,
            r.request_id,
        ]
