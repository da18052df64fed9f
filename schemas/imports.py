"""The placements import's vocabulary: the answer it gives (per row, by line and field, never a
value), a row once read and resolved, and the deterministic ids that make a repeated import change
nothing. Reading the CSV file itself: services/plaatsingen_csv.py."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, Field

from schemas import voorbeelden as vb
from schemas.base import ApiModel
from schemas.openapi import described, described_enum

# Deterministic ids: the same child (location, names, date of birth) and the same parent (child, address;
# without an address: child, name) get the same id in every import, so importing a file again changes nothing.
_KIND_NAMESPACE = uuid.UUID("0c7f3d52-2a4e-4b8e-b3a1-5d7e9f1c2b64")
_OUDER_NAMESPACE = uuid.UUID("9e41a6d0-7b3c-4f25-8c9d-1a2b3c4d5e6f")


# What the import answers


_RIJFOUT = {"veld": "geboortedatum", "reden": "ligt in de toekomst"}
_AFGEWEZEN = {"regel": 7, "fouten": [_RIJFOUT]}
_AFGESLOTEN = {
    "regel": 12,
    "reden": "De overdracht van dit kind is afgesloten (geweigerd, ingetrokken, geannuleerd of afgerond); de rij is"
    " niet ingelezen en er wordt niets heropend.",
}
_RESULTAAT = {
    "rijen": 24,
    "geimporteerd": 18,
    "bijgewerkt": 2,
    "ongewijzigd": 2,
    "afgewezen": 1,
    "afgesloten": 1,
    "overdrachtenGeopend": 3,
    "plaatsingenBeeindigd": 0,
    "overdrachtenIngepland": 15,
    "afgewezenRijen": [_AFGEWEZEN],
    "afgeslotenRijen": [_AFGESLOTEN],
    "genegeerdeKolommen": ["opmerking"],
}


class Rijfout(ApiModel):
    model_config = described("Wat er mis is met één veld van een rij (nooit de waarde zelf).", _RIJFOUT)

    veld: str | None = Field(description="De kolom met de fout; null als het om de hele rij gaat (een dubbele rij).")
    reden: str = Field(description="Wat er mis is.")


class AfgewezenRij(ApiModel):
    model_config = described("Een rij die niet is ingelezen, met elke reden.", _AFGEWEZEN)

    regel: int = Field(description="Het regelnummer in het bestand (de kopregel is regel 1).")
    fouten: list[Rijfout] = Field(description="Elke fout in de rij.")


class AfgeslotenRij(ApiModel):
    model_config = described(
        "Een rij van een kind van wie de overdracht al beëindigd is: niet ingelezen, niets heropend.", _AFGESLOTEN
    )

    regel: int = Field(description="Het regelnummer in het bestand (de kopregel is regel 1).")
    reden: str = Field(description="Waarom de rij niet is ingelezen.")


class ImportResultaat(ApiModel):
    model_config = described("Wat de import van plaatsingen deed, per soort rij geteld.", _RESULTAAT)

    rijen: int = Field(description="Gelezen rijen met gegevens (lege regels niet meegeteld).")
    geimporteerd: int = Field(description="Kinderen die nieuw zijn voor de dienst.")
    bijgewerkt: int = Field(description="Al bekende kinderen van wie de gegevens (of de ouders) veranderden.")
    ongewijzigd: int = Field(description="Al bekende kinderen, precies zoals in het bestand.")
    afgewezen: int = Field(description="Rijen die niet zijn ingelezen; zie `afgewezenRijen`.")
    afgesloten: int = Field(
        description="Rijen van kinderen van wie de overdracht beëindigd is (geweigerd, ingetrokken, geannuleerd,"
        " afgerond): niet ingelezen, niets heropend; zie `afgeslotenRijen`."
    )
    overdrachten_geopend: int = Field(description="Nu geopende overdrachten: het kind is de startleeftijd voorbij.")
    plaatsingen_beeindigd: int = Field(
        default=0,
        description="Kinderen van wie de plaatsing eindigde (kolom `einde_plaatsing`): hun overdracht geannuleerd, of,"
        " nog niet geopend, nooit te openen.",
    )
    overdrachten_ingepland: int = Field(
        description="Overdrachten die nu zijn klaargezet: ze openen zichzelf op de startleeftijd."
    )
    afgewezen_rijen: list[AfgewezenRij] = Field(description="Elke afgewezen rij, op regelnummer, met elke reden.")
    afgesloten_rijen: list[AfgeslotenRij] = Field(
        description="Elke rij van een kind van wie de overdracht beëindigd is."
    )
    genegeerde_kolommen: list[str] = Field(
        description="Kolommen in het bestand die de import niet kent (niet gelezen)."
    )


@described_enum(
    "Hoe ver een import op de achtergrond is.",
    WACHTEND="Aangenomen, nog niet gelezen.",
    BEZIG="De rijen worden opgeslagen.",
    KLAAR="Klaar: zie `resultaat`.",
    MISLUKT="Gestopt: zie `reden`. Wat al is opgeslagen blijft; hetzelfde bestand opnieuw importeren maakt het af.",
)
class TaakStatus(StrEnum):
    WACHTEND = "wachtend"
    BEZIG = "bezig"
    KLAAR = "klaar"
    MISLUKT = "mislukt"


class ImportTaak(ApiModel):
    """An import running in the background: poll it until `status` is `klaar` (or `mislukt`)."""

    model_config = described(
        "Een import die op de achtergrond loopt: vraag die op tot `status` `klaar` (of `mislukt`) is.",
        {
            "id": vb.TAAK_ID,
            "status": "klaar",
            "rijen": 24,
            "verwerkt": 24,
            "aangemaaktOp": "2026-02-02T08:00:00Z",
            "klaarOp": "2026-02-02T08:00:09Z",
            "reden": None,
            "resultaat": _RESULTAAT,
            "rapport": f"/v1/imports/{vb.TAAK_ID}/rapport",
        },
    )

    id: UUID = Field(description="Het id van de importtaak.")
    status: TaakStatus = Field(
        description="`wachtend`: aangenomen, nog niet gelezen; `bezig`: de rijen worden opgeslagen; `klaar`: klaar,"
        " zie `resultaat`; `mislukt`: gestopt, zie `reden` (wat al is opgeslagen blijft; hetzelfde bestand opnieuw"
        " importeren maakt het af)."
    )
    rijen: int = Field(description="Rijen met gegevens in het bestand.")
    verwerkt: int = Field(
        description="Tot nu toe verwerkte rijen, afgewezen rijen meegeteld: de voortgang is `verwerkt` / `rijen`."
    )
    aangemaakt_op: datetime = Field(description="Wanneer de import werd aangenomen.")
    klaar_op: datetime | None = Field(default=None, description="Wanneer de import eindigde; null zolang die loopt.")
    reden: str | None = Field(default=None, description="Waarom de import stopte (status `mislukt`).")
    resultaat: ImportResultaat | None = Field(default=None, description="De uitkomst, zodra de status `klaar` is.")
    rapport: str = Field(description="Waar het rapport per rij (CSV) te downloaden is zodra de import geëindigd is.")


# What one row holds once read


class Ouder(BaseModel):
    naam: str
    email: str | None = None  # a parent without an address gets an account all the same (a letter, no mail)


class GelezenRij(BaseModel):
    """A row whose fields are each valid; its location and school are still as written."""

    regel: int
    voornaam: str
    achternaam: str
    geboortedatum: date
    locatie: str
    vve_indicatie: bool
    vve_indicatie_datum: date | None = None
    ouders: list[Ouder]
    bsn: str | None = None
    school: str | None = None
    mentor: str | None = None  # a PM'er of the location, by address or id
    einde_plaatsing: date | None = None  # the child left: the last day of its placement


class Plaatsing(BaseModel):
    """A row ready to store: location and school resolved to ids."""

    regel: int
    gemeente_id: UUID
    locatie_id: UUID
    voornaam: str
    achternaam: str
    geboortedatum: date
    vve_indicatie: bool
    vve_indicatie_datum: date | None = None
    ouders: list[Ouder]
    bsn: str | None = None
    school_id: UUID | None = None
    mentor_id: UUID | None = None  # an empty cell keeps the mentor the child has
    einde_plaatsing: date | None = None


def naam_sleutel(naam: str) -> str:
    """A name as it identifies a child: case and spacing do not make another child."""
    return " ".join(naam.split()).casefold()


def kind_sleutel(locatie_id: UUID, voornaam: str, achternaam: str, geboortedatum: date) -> tuple[str, str, str, str]:
    return (str(locatie_id), naam_sleutel(voornaam), naam_sleutel(achternaam), geboortedatum.isoformat())


def kind_id_voor(sleutel: tuple[str, str, str, str]) -> UUID:
    return uuid.uuid5(_KIND_NAMESPACE, "\x1f".join(sleutel))


def ouder_id_voor(kind_id: UUID, email: str | None, naam: str = "") -> UUID:
    """By address; a parent without one by name (an address holds no ':', so the two never meet)."""
    if email is None:
        return uuid.uuid5(_OUDER_NAMESPACE, f"{kind_id}\x1fnaam:{naam_sleutel(naam)}")
    return uuid.uuid5(_OUDER_NAMESPACE, f"{kind_id}\x1f{email.casefold()}")


# The import job's workflow (workflows/imports.py) and its activities

# The workflow's name: the service layer starts it by name, as the worker's activities reach the service
# layer (activities/imports.py) and the workflow reaches the activities.
IMPORT_WORKFLOW = "PlaatsingenImportWorkflow"
# The error type of a job that cannot go on: not retried.
IMPORT_MISLUKT = "ImportMislukt"


class ImportInput(BaseModel):
    taak_id: UUID
    rijen_per_batch: int = 100
    batches_tegelijk: int = 4
    hartslag_seconden: int = 5


class ImportBatch(BaseModel):
    """The good rows numbered `van` up to (not including) `tot`."""

    taak_id: UUID
    van: int
    tot: int


class ImportGestopt(BaseModel):
    taak_id: UUID
    reden: str
