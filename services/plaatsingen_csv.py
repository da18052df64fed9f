"""Reading the placements CSV (the export a voorschool administration or the JGZ makes, one child per
row): the file, and each row's fields checked one by one. Pure: no database, no clock of its own. Every
reason is Dutch and names a line and a field, never a value: the rows carry personal data, and an
answer or a log line must not."""

import csv
import functools
import io
import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from schemas.base import EMAIL
from schemas.imports import GelezenRij, Ouder, Rijfout, naam_sleutel

# Limits: a file beyond them is refused whole, a field beyond them is a row error.
MAX_BESTAND_BYTES = 5 * 1024 * 1024
MAX_RIJEN = 10_000
MAX_VELDLENGTE = 200
# Older than this is no voorschool child: a typo in the year, most likely.
MAX_LEEFTIJD_JAREN = 6

VERPLICHT = ("voornaam", "achternaam", "geboortedatum", "locatie", "vve_indicatie", "ouder1_naam")
# A parent without an address is imported all the same: the voorschool gives them a printed letter.
# `mentor`: a pedagogisch medewerker of the row's location, by e-mail address or id (services/imports.py).
# `einde_plaatsing`: the last day of a placement that ended (the child left): its overdracht is cancelled.
OPTIONEEL = (
    "ouder1_email", "vve_indicatie_datum", "ouder2_naam", "ouder2_email", "bsn", "school", "mentor", "einde_plaatsing",
)  # fmt: skip
KOLOMMEN = VERPLICHT + OPTIONEEL
# Other names exports use for the same column.
ALIASSEN = {"aangemelde_school": "school"}

JA = frozenset({"ja", "true", "1"})
NEE = frozenset({"nee", "false", "0"})

_DMY = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_EMAIL = re.compile(EMAIL)


def is_email(tekst: str) -> bool:
    """Whether `tekst` is an address the service can mail to (the import's rule)."""
    return _EMAIL.fullmatch(tekst) is not None


class BestandOngeldig(ValueError):
    """The whole file is refused: nothing is imported. `kolommen`: the columns at fault, and why."""

    def __init__(self, reden: str, kolommen: dict[str, str] | None = None) -> None:
        super().__init__(reden)
        self.reden = reden
        self.kolommen = kolommen or {}


# Reading the file


@dataclass(frozen=True)
class Rij:
    regel: int
    velden: dict[str, str]
    te_veel_velden: bool = False


@dataclass(frozen=True)
class Bestand:
    rijen: list[Rij]  # empty when read only to be checked (lees_bestand's `rijen`)
    genegeerde_kolommen: list[str]
    aantal: int  # the data rows


def _kolomnaam(kop: str) -> str:
    naam = re.sub(r"[\s-]+", "_", kop.strip().lower())
    return ALIASSEN.get(naam, naam)


def lees_bestand(data: bytes, *, rijen: bool = True) -> Bestand:
    """The header and the data rows. Refuses (BestandOngeldig) what is not a usable CSV export. Without
    `rijen`, the rows are checked and counted but not kept: the API accepts a file so (its rows are read
    by the job), and a process that has held 10,000 rows' fields keeps ~10 MB more for good."""
    if len(data) > MAX_BESTAND_BYTES:
        raise BestandOngeldig(f"Het bestand is groter dan {MAX_BESTAND_BYTES // (1024 * 1024)} MB; splits het op.")
    if b"\x00" in data:
        raise BestandOngeldig("Dit is geen CSV-bestand (het bevat binaire gegevens).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BestandOngeldig("Het bestand is niet in UTF-8 opgeslagen; sla het op als 'CSV UTF-8'.") from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise BestandOngeldig("Het bestand is leeg: er is geen kopregel met kolomnamen.")
    # The header names hold no delimiter themselves: the one it uses most is the file's.
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    kolommen: list[str] | None = None
    gelezen: list[Rij] = []
    aantal = einde_vorige = 0
    try:
        for waarden in reader:
            regel, einde_vorige = einde_vorige + 1, reader.line_num
            if not any(w.strip() for w in waarden):
                continue  # empty lines, and the ";;;;" rows spreadsheets leave at the end
            if kolommen is None:
                kolommen = _kop(waarden)
                continue
            if aantal == MAX_RIJEN:
                raise BestandOngeldig(f"Het bestand heeft meer dan {MAX_RIJEN} rijen; splits het op.")
            aantal += 1
            if rijen:
                velden = {k: w for k, w in zip(kolommen, waarden, strict=False) if k in KOLOMMEN}
                # A trailing delimiter leaves an empty extra field: harmless. A filled one has no column.
                te_veel = any(w.strip() for w in waarden[len(kolommen) :])
                gelezen.append(Rij(regel, velden, te_veel_velden=te_veel))
    except csv.Error:
        # The csv module's message may quote the line: name the line only.
        raise BestandOngeldig(f"Regel {einde_vorige + 1} is geen geldige CSV; er is niets geïmporteerd.") from None
    assert kolommen is not None  # the first non-empty line became the header
    return Bestand(gelezen, [k[:50] for k in kolommen if k not in KOLOMMEN][:20], aantal)


def _kop(waarden: list[str]) -> list[str]:
    kolommen = [_kolomnaam(w) for w in waarden]
    dubbel = sorted({k for k in kolommen if k and kolommen.count(k) > 1} & set(KOLOMMEN))
    if dubbel:
        raise BestandOngeldig(
            f"De kopregel noemt een kolom twee keer: {', '.join(dubbel)}.",
            dict.fromkeys(dubbel, "kolom komt twee keer voor"),
        )
    ontbrekend = [k for k in VERPLICHT if k not in kolommen]
    if ontbrekend:
        raise BestandOngeldig(
            f"Het bestand mist verplichte kolommen: {', '.join(ontbrekend)}. De eerste regel moet de kolomnamen "
            f"bevatten: {', '.join(KOLOMMEN)}.",
            dict.fromkeys(ontbrekend, "kolom ontbreekt"),
        )
    return kolommen


# Reading one row


class _Fouten:
    def __init__(self) -> None:
        self.lijst: list[Rijfout] = []

    def add(self, veld: str | None, reden: str) -> None:
        self.lijst.append(Rijfout(veld=veld, reden=reden))


def lees_rij(rij: Rij, vandaag: date) -> GelezenRij | list[Rijfout]:
    """The row's fields read and checked one by one; every fault is reported, by field."""
    fouten = _Fouten()
    if rij.te_veel_velden:
        fouten.add(None, "de rij heeft meer velden dan de kopregel kolommen")
    waarden: dict[str, str | None] = {}
    for kolom in KOLOMMEN:
        waarde = " ".join(rij.velden.get(kolom, "").split())
        if len(waarde) > MAX_VELDLENGTE:
            fouten.add(kolom, f"langer dan {MAX_VELDLENGTE} tekens")
        elif not waarde.isprintable():  # control and format characters (whitespace is one space by now)
            fouten.add(kolom, "bevat ongeldige tekens")
        elif not waarde and kolom in VERPLICHT:
            fouten.add(kolom, "verplicht veld is leeg")
        else:
            waarden[kolom] = waarde or None
            continue
        waarden[kolom] = None

    geboortedatum = _datum(waarden, "geboortedatum", fouten)
    if geboortedatum is not None:
        if geboortedatum > vandaag:
            fouten.add("geboortedatum", "ligt in de toekomst")
        elif geboortedatum <= _oudste_geboortedatum(vandaag):
            fouten.add("geboortedatum", f"het kind is ouder dan {MAX_LEEFTIJD_JAREN} jaar; controleer het jaartal")
    vve_datum = _datum(waarden, "vve_indicatie_datum", fouten)
    if vve_datum is not None:
        if vve_datum > vandaag:
            fouten.add("vve_indicatie_datum", "ligt in de toekomst")
        elif geboortedatum is not None and vve_datum < geboortedatum:
            fouten.add("vve_indicatie_datum", "ligt vóór de geboortedatum")

    einde = _datum(waarden, "einde_plaatsing", fouten)
    if einde is not None:
        if einde > vandaag:
            fouten.add("einde_plaatsing", "ligt in de toekomst; importeer het na de laatste dag")
        elif geboortedatum is not None and einde < geboortedatum:
            fouten.add("einde_plaatsing", "ligt vóór de geboortedatum")

    vve = None
    if (tekst := waarden["vve_indicatie"]) is not None:
        vve = True if tekst.lower() in JA else False if tekst.lower() in NEE else None
        if vve is None:
            fouten.add("vve_indicatie", "gebruik ja of nee (of true/false, 1/0)")

    ouders = [_ouder(waarden, n, fouten) for n in (1, 2)]
    email1, email2 = waarden["ouder1_email"], waarden["ouder2_email"]
    if email1 and email2 and email1.casefold() == email2.casefold():
        fouten.add("ouder2_email", "hetzelfde adres als ouder1_email")
    ouder1, ouder2 = ouders
    if (
        ouder1
        and ouder2
        and None in (ouder1.email, ouder2.email)
        and naam_sleutel(ouder1.naam) == naam_sleutel(ouder2.naam)
    ):
        # Without an address a parent is known by name: two of the same name would be one account.
        fouten.add("ouder2_naam", "dezelfde naam als ouder1_naam; geef beide ouders een eigen e-mailadres")

    bsn = waarden["bsn"]
    if bsn is not None:
        bsn = _bsn(bsn, fouten)

    if fouten.lijst:
        return fouten.lijst
    # Without a fault every required field was read: an empty or unreadable one is a fault.
    voornaam, achternaam, locatie = waarden["voornaam"], waarden["achternaam"], waarden["locatie"]
    assert voornaam and achternaam and locatie and geboortedatum is not None and vve is not None
    return GelezenRij(
        regel=rij.regel,
        voornaam=voornaam,
        achternaam=achternaam,
        geboortedatum=geboortedatum,
        locatie=locatie,
        vve_indicatie=vve,
        vve_indicatie_datum=vve_datum,
        ouders=[o for o in ouders if o is not None],
        bsn=bsn,
        school=waarden["school"],
        mentor=waarden["mentor"],
        einde_plaatsing=einde,
    )


@functools.cache
def _oudste_geboortedatum(vandaag: date) -> date:
    return vandaag - relativedelta(years=MAX_LEEFTIJD_JAREN)


def lees_datum(tekst: str) -> date | str:
    """A date as DD-MM-YYYY or YYYY-MM-DD, or the reason it is none."""
    if m := _DMY.fullmatch(tekst):
        dag, maand, jaar = (int(g) for g in m.groups())
    elif m := _YMD.fullmatch(tekst):
        jaar, maand, dag = (int(g) for g in m.groups())
    else:
        return "geen datum; gebruik DD-MM-JJJJ of JJJJ-MM-DD"
    try:
        return date(jaar, maand, dag)
    except ValueError:
        return "deze datum bestaat niet"


def _datum(waarden: dict[str, str | None], kolom: str, fouten: _Fouten) -> date | None:
    tekst = waarden[kolom]
    if tekst is None:
        return None
    gelezen = lees_datum(tekst)
    if isinstance(gelezen, str):
        fouten.add(kolom, gelezen)
        return None
    return gelezen


def _ouder(waarden: dict[str, str | None], n: int, fouten: _Fouten) -> Ouder | None:
    naam, email = waarden[f"ouder{n}_naam"], waarden[f"ouder{n}_email"]
    if email is not None and not _EMAIL.fullmatch(email):
        fouten.add(f"ouder{n}_email", "geen geldig e-mailadres")
        return None
    if naam is None:
        # The first parent's name is required (reported as such); an address needs a name to go with it.
        if n == 2 and email is not None:
            fouten.add("ouder2_naam", "vul ook de naam van de tweede ouder in (het e-mailadres mag leeg blijven)")
        return None
    return Ouder(naam=naam, email=email)


def _bsn(tekst: str, fouten: _Fouten) -> str | None:
    cijfers = tekst.replace(" ", "").replace(".", "")
    if not cijfers.isdecimal() or not cijfers.isascii() or len(cijfers) not in (8, 9):
        fouten.add("bsn", "een BSN heeft 9 cijfers")
        return None
    cijfers = cijfers.zfill(9)  # a spreadsheet drops the leading zero
    if not elfproef(cijfers):
        fouten.add("bsn", "voldoet niet aan de elfproef")
        return None
    return cijfers


def elfproef(bsn: str) -> bool:
    """The BSN check: 9×d1 + 8×d2 + … + 2×d8 − d9 is a multiple of 11 (and not all zeros)."""
    if len(bsn) != 9 or not bsn.isdecimal():
        return False
    digits = [int(c) for c in bsn]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0 and any(digits)
