"""Reading DUO's open-data file of basisonderwijs vestigingen ("Adressen alle vestigingen basisonderwijs",
03.-alle-vestigingen-basisonderwijs.csv on duo.nl/open_onderwijsdata): one school vestiging per row, every
gemeente of the country in one file. Pure: no database; services/organisatie.py decides what each row does.

DUO's format: `;` between fields (the CKAN copy of the file uses `,`, so the header decides), a first line
naming the columns in capitals, UTF-8 (older files: Windows-1252), fields sometimes quoted. The columns read:

- `VESTIGINGSCODE`: BRIN and vestiging as one code, `01AB00` (older files: `VESTIGINGSNUMMER`);
- `INSTELLINGSCODE`: the BRIN alone, `01AB` (older files: `BRIN NUMMER`); optional, checked against the code;
- `VESTIGINGSNAAM`: the school's name;
- `GEMEENTENUMMER` (the CBS gemeentecode, `0034`) and `GEMEENTENAAM` (`ALMERE`): at least one of them.

Every other column (PROVINCIE, BEVOEGD GEZAG NUMMER, STRAATNAAM, POSTCODE, PLAATSNAAM, DENOMINATIE, …) is
ignored. A row's problem is a Dutch reason for that line; the whole file is refused only when it cannot be
read at all."""

import csv
import io
import re
from dataclasses import dataclass

# A whole country's vestigingen are some 6,500 rows, about 3 MB.
MAX_BESTAND_BYTES = 10 * 1024 * 1024
MAX_RIJEN = 20_000
MAX_NAAM = 200  # schemas.organisatie.MAX_NAAM

VESTIGINGSCODE, INSTELLINGSCODE, VESTIGINGSNAAM = "VESTIGINGSCODE", "INSTELLINGSCODE", "VESTIGINGSNAAM"
GEMEENTENUMMER, GEMEENTENAAM = "GEMEENTENUMMER", "GEMEENTENAAM"
# The names older files use for the same column.
ALIASSEN = {"BRIN NUMMER": INSTELLINGSCODE, "BRINNUMMER": INSTELLINGSCODE, "VESTIGINGSNUMMER": VESTIGINGSCODE}
VOORBEELD_KOP = (
    "PROVINCIE;BEVOEGD GEZAG NUMMER;INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;STRAATNAAM;HUISNUMMER-TOEVOEGING;"
    "POSTCODE;PLAATSNAAM;GEMEENTENUMMER;GEMEENTENAAM;DENOMINATIE;TELEFOONNUMMER;INTERNETADRES;ONDERWIJSSTRUCTUUR"
)

BRIN = re.compile(r"[0-9]{2}[A-Z0-9]{2}")
CODE = re.compile(r"([0-9]{2}[A-Z0-9]{2})([0-9]{2})")


class BestandOngeldig(ValueError):
    """The whole file is refused: nothing is imported. `kolommen`: the columns missing, and why."""

    def __init__(self, reden: str, kolommen: dict[str, str] | None = None) -> None:
        super().__init__(reden)
        self.reden = reden
        self.kolommen = kolommen or {}


@dataclass(frozen=True)
class Regel:
    """One row as read. `fout`: why it cannot be imported (the use case reports it, unless the row is
    another gemeente's); then `brin`, `vestiging` or `naam` may be None."""

    regel: int
    gemeentenummer: str | None  # 4 digits, or None when absent or not a number
    gemeentenaam: str | None
    vestigingscode: str | None  # as written (capitals, no spaces), for the report
    brin: str | None
    vestiging: str | None
    naam: str | None
    fout: str | None = None


@dataclass(frozen=True)
class Bestand:
    regels: list[Regel]
    met_gemeentenummer: bool
    met_gemeentenaam: bool


def compact(tekst: str) -> str:
    return " ".join(tekst.split())


def gemeentecode(tekst: str) -> str | None:
    """A CBS gemeentecode as 4 digits (`34`, `0034`, `GM0034`), or None when it is none."""
    waarde = tekst.strip().upper().removeprefix("GM")
    return waarde.zfill(4) if waarde.isdigit() and len(waarde) <= 4 else None


def _kolomnaam(kop: str) -> str:
    naam = compact(kop.replace("_", " ").strip().upper())
    return ALIASSEN.get(naam, naam)


def _tekst(data: bytes) -> str:
    if b"\x00" in data:
        raise BestandOngeldig(
            "Dit is geen CSV-bestand: kies het CSV-bestand van DUO.", {"bestand": "geen tekstbestand"}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # DUO's older files
    except UnicodeDecodeError:
        raise BestandOngeldig(
            "Het bestand is geen tekst in UTF-8 of Windows-1252: kies het CSV-bestand van DUO.",
            {"bestand": "onleesbare tekens"},
        ) from None


def _scheidingsteken(kop: str) -> str:
    return max((";", ",", "\t"), key=kop.count) if any(t in kop for t in ";,\t") else ";"


def lees_bestand(data: bytes) -> Bestand:
    """Every data row of the file, read; empty lines skipped. Raises BestandOngeldig for a file that is not
    DUO's (no header, a column missing), too long, or not text."""
    if len(data) > MAX_BESTAND_BYTES:
        mb = MAX_BESTAND_BYTES // (1024 * 1024)
        raise BestandOngeldig(f"Het bestand is groter dan {mb} MB.", {"bestand": f"groter dan {mb} MB"})
    tekst = _tekst(data)
    eerste = next((r for r in tekst.splitlines() if r.strip()), "")
    if not eerste:
        raise BestandOngeldig("Het bestand is leeg.", {"bestand": "leeg"})
    lezer = csv.reader(io.StringIO(tekst, newline=""), delimiter=_scheidingsteken(eerste), strict=True)
    try:
        kop: list[str] = []
        while not any(v.strip() for v in kop):
            kop = next(lezer)
        kolommen = {_kolomnaam(k): i for i, k in reversed(list(enumerate(kop)))}
        ontbrekend = {k: "ontbreekt" for k in (VESTIGINGSCODE, VESTIGINGSNAAM) if k not in kolommen}
        if GEMEENTENUMMER not in kolommen and GEMEENTENAAM not in kolommen:
            ontbrekend[f"{GEMEENTENUMMER} of {GEMEENTENAAM}"] = "ontbreekt"
        if ontbrekend:
            raise BestandOngeldig(
                "Dit is niet het bestand van DUO met de vestigingen in het basisonderwijs: de kolom(men) "
                + ", ".join(ontbrekend)
                + " ontbreken. Download 'Adressen alle vestigingen basisonderwijs' bij DUO.",
                ontbrekend,
            )
        regels: list[Regel] = []
        vorige = lezer.line_num
        for velden in lezer:
            regel, vorige = vorige + 1, lezer.line_num
            if not any(v.strip() for v in velden):
                continue
            if len(regels) >= MAX_RIJEN:
                raise BestandOngeldig(
                    f"Het bestand heeft meer dan {MAX_RIJEN} rijen.", {"bestand": f"meer dan {MAX_RIJEN} rijen"}
                )
            regels.append(_lees_rij(regel, {k: velden[i] if i < len(velden) else "" for k, i in kolommen.items()}))
    except csv.Error:
        raise BestandOngeldig(
            f"Regel {lezer.line_num} van het bestand is onleesbaar (een aanhalingsteken dat niet sluit?).",
            {"bestand": f"regel {lezer.line_num} onleesbaar"},
        ) from None
    return Bestand(regels, GEMEENTENUMMER in kolommen, GEMEENTENAAM in kolommen)


def _lees_rij(regel: int, velden: dict[str, str]) -> Regel:
    nummer = gemeentecode(velden.get(GEMEENTENUMMER, ""))
    gemeentenaam = compact(velden.get(GEMEENTENAAM, "")) or None
    code = "".join(velden.get(VESTIGINGSCODE, "").split()).upper()
    instelling = "".join(velden.get(INSTELLINGSCODE, "").split()).upper()
    naam = compact(velden.get(VESTIGINGSNAAM, ""))

    def gelezen(brin: str | None, vestiging: str | None, fout: str | None = None) -> Regel:
        geldig = naam if naam and len(naam) <= MAX_NAAM else None
        return Regel(regel, nummer, gemeentenaam, code or None, brin, vestiging, geldig, fout)

    if m := CODE.fullmatch(code):
        brin, vestiging = m[1], m[2]
        if instelling and instelling != brin:
            return gelezen(None, None, "VESTIGINGSCODE hoort niet bij INSTELLINGSCODE")
    elif code.isdigit() and len(code) <= 2 and BRIN.fullmatch(instelling):
        # A file that gives the vestiging's number apart from its BRIN.
        brin, vestiging = instelling, code.zfill(2)
    else:
        return gelezen(
            None,
            None,
            "VESTIGINGSCODE ontbreekt" if not code else "VESTIGINGSCODE is geen BRIN met vestiging (zoals 01AB00)",
        )
    if not naam:
        return gelezen(brin, vestiging, "VESTIGINGSNAAM is leeg")
    if len(naam) > MAX_NAAM:
        return gelezen(brin, vestiging, f"VESTIGINGSNAAM is langer dan {MAX_NAAM} tekens")
    return gelezen(brin, vestiging)
