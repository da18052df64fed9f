"""The answers that are also downloaded as a spreadsheet (the monitoring, the audit export), as a header
of Dutch column names and one list of cells per row. One table for the API's CSV answers (api/csv.py
writes it) and the pages' downloads alike; values as people in Amsterdam read them. The pages' downloads
also come as an .xlsx workbook (`xlsx`), one sheet per table.

Formula injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be
taken for a formula by a spreadsheet (a school named "=HYPERLINK(…)"); `neutralise` prefixes it with `'`,
so it stays text, in the CSV (api/csv.py does the same) and in the workbook alike; the workbook also
stores every text cell as text, never as a formula."""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from protocol.dates import AMSTERDAM, deadline_day
from schemas.audit import AuditRegel
from schemas.monitoring import (
    Achterstand,
    Cijfers,
    Groepering,
    Kengetallen,
    Prognose,
    Trend,
    ZonderOverdracht,
    ZonderOverdrachtAantallen,
)
from schemas.overdracht import Deadline, Status

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Row = list[object]

# What a spreadsheet takes for the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(text: str) -> str:
    """Text a spreadsheet would take for a formula, made plain text with a leading `'`."""
    return "'" + text if text.startswith(FORMULA_START) else text


def neutralise(value: object) -> object:
    """A cell's value, its text neutralised (anything else as it is)."""
    return neutralise_text(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Tabel:
    """One table of a download: a CSV file, or a sheet of a workbook."""

    naam: str  # the file's or the sheet's name
    header: Sequence[str]
    rows: Iterable[Sequence[object]]


def _xlsx_cell(sheet: "WriteOnlyWorksheet", value: object) -> object:
    from openpyxl.cell import WriteOnlyCell

    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else str(value)  # a UUID, a date: as text
    cell = WriteOnlyCell(sheet, value=neutralise_text(text))
    cell.data_type = "s"  # text, whatever it starts with: never a formula
    return cell


def _sheet_title(naam: str) -> str:
    """A sheet's name as Excel allows it: at most 31 characters, none of []:*?/\\."""
    return "".join(c for c in naam if c not in "[]:*?/\\")[:31] or "Blad"


def xlsx(tabellen: Iterable[Tabel]) -> bytes:
    """A workbook with one sheet per table, its header in bold. Written row by row (openpyxl's
    write-only mode), so a long list takes little memory. openpyxl is imported at the first workbook, not
    with the API (some 17 MB of every API process: docs/performance.md, P4)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for tabel in tabellen:
        sheet = book.create_sheet(title=_sheet_title(tabel.naam))
        bold = Font(bold=True)
        header = []
        for name in tabel.header:
            cell = WriteOnlyCell(sheet, value=neutralise_text(name))
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in tabel.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    if not book.worksheets:
        book.create_sheet(title="Leeg")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _moment(value: datetime) -> str:
    """A moment as people in Amsterdam read it."""
    return value.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")


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
            *(deadline_day(a.deadlines[d]).isoformat() if d in a.deadlines else None for d in Deadline),
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
    "Kind-ids",
    "Overdracht-ids",
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
            " ".join(str(k) for k in r.kind_ids),
            " ".join(str(o) for o in r.overdracht_ids),
            r.actie.value,
            r.onderwerp,
            ", ".join(r.velden),
            r.grondslag,
            r.resultaat,
            r.request_id,
        ]


# The trend per month

TREND_HEADER = [
    "Maand",
    *(f"{kolom} {wanneer}" for kolom in STAP_KOLOM.values() for wanneer in ("op tijd", "te laat")),
]


def trend_rows(t: Trend) -> list[Row]:
    return [
        [
            m.maand,
            *(
                n
                for stap in (m.tijdigheid.toestemming, m.tijdigheid.verzenden, m.tijdigheid.bevestigen)
                for n in (stap.op_tijd, stap.te_laat)
            ),
        ]
        for m in t.maanden
    ]


# VVE children without an overdracht, per wijk

ZONDER_OVERDRACHT_PER_WIJK_HEADER = ["Stadsdeel", "Wijk", "VVE-kinderen zonder overdracht", "Stadsdeel-id", "Wijk-id"]


def zonder_overdracht_per_wijk_rows(z: ZonderOverdrachtAantallen) -> list[Row]:
    return [[w.stadsdeel.naam, w.wijk.naam, w.aantal, w.stadsdeel.id, w.wijk.id] for w in z.wijken]


# The forecast: what falls due per week

DEADLINE_NAMEN = {
    Deadline.TOESTEMMING: "Toestemming",
    Deadline.SCHOOL_BEKEND: "School bekend",
    Deadline.VERZENDEN: "Verzenden",
    Deadline.BEVESTIGEN: "Ontvangst bevestigen",
    Deadline.WARME_OVERDRACHT: "Warme overdracht",
}


def prognose_header(p: Prognose) -> list[str]:
    return ["Soort", "Naam", "Id", *(f"{w.week} ({w.van.isoformat()})" for w in p.weken), "Totaal"]


def prognose_rows(p: Prognose) -> list[Row]:
    """Per deadline, then per location, then per school (without one: `Nog geen school`), then the total."""
    lines: list[Row] = []
    for d in p.per_deadline:
        lines.append(["Deadline", DEADLINE_NAMEN[d.deadline], d.deadline.value, *d.per_week, d.totaal])
    for g in p.locaties:
        lines.append(
            ["Locatie", g.groep.naam if g.groep else None, g.groep.id if g.groep else None, *g.per_week, g.totaal]
        )
    for g in p.scholen:
        naam = g.groep.naam if g.groep else "Nog geen school"
        lines.append(["School", naam, g.groep.id if g.groep else None, *g.per_week, g.totaal])
    lines.append(["Totaal", "Totaal", None, *p.totaal.per_week, p.totaal.totaal])
    return lines
