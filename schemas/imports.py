"""The placements import's vocabulary: the answer it gives (per row, by line and field, never a
value), a row once read and resolved, and the deterministic ids that make a repeated import change
nothing. Reading the CSV file itself: services/plaatsingen_csv.py."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, Field

from schemas.base import ApiModel

# Deterministic ids: the same child (location, names, date of birth) and the same parent (child, address;
# without an address: child, name) get the same id in every import, so importing a file again changes nothing.
_KIND_NAMESPACE = uuid.UUID("0c7f3d52-2a4e-4b8e-b3a1-5d7e9f1c2b64")
_OUDER_NAMESPACE = uuid.UUID("9e41a6d0-7b3c-4f25-8c9d-1a2b3c4d5e6f")


# What the import answers


class Rijfout(ApiModel):
    veld: str | None = Field(description="The column at fault; null when the row as a whole is (a duplicate).")
    reden: str


class AfgewezenRij(ApiModel):
    regel: int = Field(description="Line number in the file (the header is line 1).")
    fouten: list[Rijfout]


class AfgeslotenRij(ApiModel):
    regel: int
    reden: str


class ImportResultaat(ApiModel):
    rijen: int = Field(description="Data rows read (empty lines not counted).")
    geimporteerd: int = Field(description="Children new to the service.")
    bijgewerkt: int = Field(description="Children known already whose data (or parents) changed.")
    ongewijzigd: int = Field(description="Children known already, exactly as in the file.")
    afgewezen: int = Field(description="Rows not imported; see afgewezenRijen.")
    afgesloten: int = Field(
        description="Rows of children whose overdracht has ended (refused, withdrawn, cancelled, completed):"
        " not imported, nothing reopened; see afgeslotenRijen."
    )
    overdrachten_geopend: int = Field(description="Overdrachten opened now: the child is past the start age.")
    plaatsingen_beeindigd: int = Field(
        default=0,
        description="Children whose placement ended (column einde_plaatsing): their overdracht cancelled, or, not opened"
        " yet, never opening.",
    )
    overdrachten_ingepland: int = Field(
        description="Overdrachten started ahead now: they open themselves at the start age."
    )
    afgewezen_rijen: list[AfgewezenRij] = Field(description="Each rejected row, by line number, with every reason.")
    afgesloten_rijen: list[AfgeslotenRij] = Field(description="Each row of a child whose overdracht has ended.")
    genegeerde_kolommen: list[str] = Field(description="Columns in the file the import does not know (not read).")


class TaakStatus(StrEnum):
    WACHTEND = "wachtend"
    BEZIG = "bezig"
    KLAAR = "klaar"
    MISLUKT = "mislukt"


class ImportTaak(ApiModel):
    """An import running in the background: poll it until `status` is `klaar` (or `mislukt`)."""

    id: UUID
    status: TaakStatus = Field(
        description="`wachtend`: accepted, not read yet; `bezig`: rows are being stored; `klaar`: done, see"
        " `resultaat`; `mislukt`: stopped, see `reden` (rows stored so far stay; importing the file again completes"
        " it)."
    )
    rijen: int = Field(description="Data rows in the file.")
    verwerkt: int = Field(description="Rows done so far, rejected ones included: the progress is verwerkt / rijen.")
    aangemaakt_op: datetime
    klaar_op: datetime | None = None
    reden: str | None = Field(default=None, description="Why the job stopped (status `mislukt`).")
    resultaat: ImportResultaat | None = Field(default=None, description="The outcome, once `klaar`.")
    rapport: str = Field(description="Where the per-row report (CSV) is downloaded once the job has ended.")


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
